"""Half-year and 4-weekly grains, and the windows ``year to date`` / ``rolling N months``
in a measure: the periods as the iStandaarden's 4-weekly declaration periods (13 a year),
hand-checked figures, exact diagnostics, the engine against the day-by-day oracle
(tests/oracle.py) at every grain, both sweep plans, labels and the cache round trip."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maatstaf.dsl import ast, codec
from maatstaf.dsl.errors import DefinitionError
from maatstaf.dsl.load import load_library
from maatstaf.dsl.model import Library
from maatstaf.engine.periods import (
    PeriodError,
    parse_period,
    period_containing,
    periods_between,
    shift,
    year_start,
)
from maatstaf.engine.run import RunRequest, run
from tests import oracle
from tests.helpers import loaded
from tests.test_oracle_properties import declaraties, toewijzingen

D = dt.date
GRAINS = ("month", "4-weekly", "quarter", "half-year", "year")
HEAD = 'measure t.x {\n  label "X"\n  unit euro\n  owner "T"\n  description "x"\n'


@pytest.fixture(scope="module")
def windows(tmp_path_factory: pytest.TempPathFactory) -> Library:
    path = tmp_path_factory.mktemp("win") / "win.kpi"
    path.write_text(oracle.WINDOW_DEFINITIONS, encoding="utf-8")
    return load_library([path])


def diagnostics(tmp_path: Path, rule: str) -> str:
    path = tmp_path / "d.kpi"
    path.write_text(HEAD + rule + "\n}\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_library([path])
    return "\n".join(d.render() for d in info.value.diagnostics).replace(str(tmp_path), "")


def figures(library: Library, tables: dict, first: str, last: str, grain: str) -> dict:
    periods = periods_between(parse_period(first), parse_period(last), grain)  # type: ignore[arg-type]
    result = run(library, loaded(**tables), RunRequest(periods=periods))
    return {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }


# ---- the periods ----------------------------------------------------------------------------


def test_4_weekly_periods_of_2020_end_on_27_december_as_dongen_declared() -> None:
    """Seed 004: "periode 13 liep af op 27-12-2020 ipv 31-12-2020"."""
    p13 = parse_period("2020-P13")
    assert (p13.begin, p13.end) == (D(2020, 11, 30), D(2020, 12, 27))
    p01 = parse_period("2020-P01")  # ISO week 1 of 2020 begins on Monday 30 December 2019
    assert (p01.begin, p01.end) == (D(2019, 12, 30), D(2020, 1, 26))
    # 2020 has an ISO week 53 (28 December 2020 - 3 January 2021): it opens 2021-P01
    p01 = parse_period("2021-P01")
    assert (p01.begin, p01.end) == (D(2020, 12, 28), D(2021, 1, 31))
    assert period_containing(D(2020, 12, 31), "4-weekly").label == "2021-P01"


def test_every_year_has_13_4_weekly_periods_that_tile_the_days() -> None:
    periods = periods_between(parse_period("2015"), parse_period("2027"), "4-weekly")
    assert len(periods) == 13 * 13
    assert [p.label for p in periods[:2]] == ["2015-P01", "2015-P02"]
    for before, after in zip(periods, periods[1:], strict=False):
        assert after.begin == before.end + dt.timedelta(days=1)
        assert after.begin.weekday() == 0 and before.end.weekday() == 6
    lengths = {p.label: (p.end - p.begin).days + 1 for p in periods}
    # five weeks only in the P01 after a year of 53 ISO weeks (2015, 2020, 2026)
    assert {k for k, v in lengths.items() if v != 28} == {"2016-P01", "2021-P01", "2027-P01"}
    assert {v for v in lengths.values()} == {28, 35}


def test_half_years() -> None:
    h1, h2 = parse_period("2021-H1"), parse_period("2021-H2")
    assert (h1.begin, h1.end, h2.begin, h2.end) == (
        D(2021, 1, 1), D(2021, 6, 30), D(2021, 7, 1), D(2021, 12, 31)
    )  # fmt: skip
    found = periods_between(parse_period("2020-05"), parse_period("2021-Q3"), "half-year")
    assert [p.label for p in found] == ["2020-H1", "2020-H2", "2021-H1", "2021-H2"]


@pytest.mark.parametrize("grain", GRAINS)
def test_the_periods_equal_the_oracles(grain: str) -> None:
    first, last = D(2014, 12, 1), D(2027, 1, 31)
    engine = periods_between(period_containing(first, grain), period_containing(last, grain), grain)  # type: ignore[arg-type]
    want = oracle.grain_periods_between(first, last, grain)
    assert [(p.label, p.begin, p.end) for p in engine] == [(p.label, p.begin, p.end) for p in want]
    assert all(parse_period(p.label) == p for p in engine)


def test_shifting_4_weekly_and_half_year_periods() -> None:
    assert shift(parse_period("2021-P01"), years=-1).label == "2020-P01"
    assert shift(parse_period("2021-P01"), steps=-1).label == "2020-P13"
    assert shift(parse_period("2020-P13"), steps=1).label == "2021-P01"
    assert shift(parse_period("2021-H1"), steps=-1).label == "2020-H2"
    assert shift(parse_period("2021-H2"), years=1).label == "2022-H2"


def test_the_calendar_edges() -> None:
    assert parse_period("0001-P01").begin == D(1, 1, 1)
    last = periods_between(parse_period("9999-P12"), parse_period("9999"), "4-weekly")
    assert [p.label for p in last] == ["9999-P12", "9999-P13"]
    assert last[-1].end == D(9999, 12, 31)


def test_year_start() -> None:
    assert year_start(parse_period("2021-P05")) == D(2020, 12, 28)
    assert year_start(parse_period("2021-H2")) == D(2021, 1, 1)
    assert year_start(parse_period("2021-03")) == D(2021, 1, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2021-P14", "'2021-P14' is not a period"),
        ("2021-P0", "'2021-P0' is not a period"),
        ("2021-H3", "'2021-H3' is not a period"),
    ],
)
def test_unknown_period_labels(text: str, message: str) -> None:
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    assert str(info.value) == (
        f"{message}: write a month as 2020-01, a 4-weekly period as 2020-P01 (P01 to P13), "
        "a quarter as 2020-Q1, a half-year as 2020-H1 or a year as 2020"
    )
