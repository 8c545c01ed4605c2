"""The demo end to end: sample data -> CLI -> JSON and Markdown, against golden files and
against the day-by-day oracle."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maatstaf.adapters.sample import write_sample_csv
from maatstaf.cli import app
from tests import oracle
from tests.golden import check_golden

GOLDEN = Path(__file__).parent / "golden" / "demo"
MEASURES = [
    f"{p}.{m}" for p in ("wmo", "jeugd") for m in ("unieke_clienten", "instroom", "uitstroom")
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    write_sample_csv(root / "data")
    return root


def _invoke(args: list[str], cwd: Path) -> tuple[int, str, str]:
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(app, args)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow  # every output of the demo: in make test-all (make test has each renderer's and report's golden)
def test_demo_writes_the_golden_reports(sample: Path) -> None:
    code, _, err = _invoke(["demo", "--output", "out"], sample)
    assert code == 0, err
    for name in ("rapport.md", "rapport.json", "rapport.html", "jaarcijfers.json"):
        check_golden((sample / "out" / name).read_text(encoding="utf-8"), GOLDEN / name)


@pytest.mark.slow  # the whole library on the sample: in make test-all
def test_run_prints_the_json_contract(sample: Path) -> None:
    code, out, err = _invoke(
        ["run", "--data", "data", "--from", "2020-01", "--to", "2020-12", "--format", "json"],
        sample,
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["schema_version"] == "1.0"
    assert set(data) >= {"schema_version", "provenance", "rejected_rows", "figures"}
    figure = next(f for f in data["figures"] if f["measure"] == "wmo.unieke_clienten")
    assert set(figure) == {"measure", "version", "period", "dimensions", "value"}
    assert figure["period"] == "2020-01" and figure["dimensions"] == {}
    assert isinstance(figure["value"], int)
    periods = {f["period"] for f in data["figures"]}
    assert periods == {f"2020-{m:02d}" for m in range(1, 13)}


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for column in ("startdatum", "einddatum"):
            row[column] = dt.date.fromisoformat(row[column]) if row[column] else None
        row["reden_wijziging"] = row["reden_wijziging"] or None
    return rows


# month in make test; quarter and year in make test-all (the oracle runs at every grain there)
@pytest.mark.parametrize(
    "grain", ["month", *(pytest.param(g, marks=pytest.mark.slow) for g in ("quarter", "year"))]
)
def test_sample_figures_equal_the_oracle(sample: Path, grain: str) -> None:
    code, out, err = _invoke(
        ["run", "--data", "data", "--from", "2019-01", "--to", "2021-12", "--grain", grain,
         *[a for m in MEASURES for a in ("--measure", m)]],
        sample,
    )  # fmt: skip
    assert code == 0, err
    got = {(f["measure"], f["period"]): f["value"] for f in json.loads(out)["figures"]}
    rows = _read(sample / "data" / "toewijzingen.csv")
    expected = oracle.figures(rows, grain, dt.date(2019, 1, 1), dt.date(2021, 12, 31))
    assert len(got) == len(MEASURES) * {"month": 36, "quarter": 12, "year": 3}[grain]
    assert got == {key: expected.get(key, 0) for key in got}
