"""Regression tests for issue 12 (the CLI helper's items): each failed before its fix."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maatstaf.cli import app
from maatstaf.engine.periods import PeriodError, parse_period, periods_between, shift
from maatstaf.renderers.atomic import write_text

runner = CliRunner()
HEADER = "toewijzing_id,client_id,wet,productcode,startdatum,einddatum"


def _data(folder: Path, rows: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "toewijzingen.csv").write_text("\n".join([HEADER, *rows]) + "\n")
    return folder


# item 14: a replaced output keeps its file mode


def test_replacing_a_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("old")
    path.chmod(0o600)
    write_text(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# item 16: periods at the ends of the calendar


def test_year_zero_is_not_a_period() -> None:
    with pytest.raises(PeriodError, match="'0000': years run from 0001 to 9999"):
        parse_period("0000")


def test_the_last_month_of_the_calendar() -> None:
    last = parse_period("9999-12")
    assert (last.begin, last.end) == (dt.date(9999, 12, 1), dt.date(9999, 12, 31))
    assert parse_period("9999-Q4").end == dt.date(9999, 12, 31)
    months = periods_between(parse_period("9999-11"), last, "month")
    assert [p.label for p in months] == ["9999-11", "9999-12"]


def test_no_period_before_year_one() -> None:
    with pytest.raises(PeriodError, match="0001-01 has no period a year earlier"):
        shift(parse_period("0001-01"), years=-1)
    with pytest.raises(PeriodError, match="0001-01 has no period before it"):
        shift(parse_period("0001-01"), steps=-1)


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "0000", "--to", "2020"],
        ["--from", "2020", "--to", "0000-01"],
        ["--from", "0001-01", "--to", "0001-02", "--compare"],
    ],
)
def test_run_at_the_ends_of_the_calendar_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    data = str(_data(tmp_path / "d", ["T1,C1,wmo,02A05,2020-01-01,"]))
    result = runner.invoke(app, ["run", "--data", data, "-m", "wmo.instroom", *args])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("usage error: ")


def test_run_to_the_last_month_of_the_calendar(tmp_path: Path) -> None:
    data = str(_data(tmp_path / "d", ["T1,C1,wmo,02A05,9999-12-31,"]))
    result = runner.invoke(app, ["run", "--data", data, "-m", "wmo.unieke_clienten"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        ["run", "--data", data, "-m", "wmo.unieke_clienten", "--to", "9999-12", "--from", "9999"],
    )
    assert result.exit_code == 0, result.output


def test_diff_in_year_zero_is_a_usage_error(tmp_path: Path) -> None:
    data = str(_data(tmp_path / "d", ["T1,C1,jeugdwet,45A48,2020-01-01,"]))
    args = ["diff", "jeugd.unieke_jeugdigen", "--data", data, "--period", "0000"]
    result = runner.invoke(app, [*args, "--left", "1", "--right", "2"])
    assert result.exit_code == 2, result.output
    assert "years run from 0001 to 9999" in result.stderr
