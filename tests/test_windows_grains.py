"""Half-year and 4-weekly grains, and the windows ``year to date`` / ``rolling N months``
in a measure: the periods as the iStandaarden's 4-weekly declaration periods (13 a year),
hand-checked figures, exact diagnostics, the engine against the day-by-day oracle
(tests/oracle.py) at every grain, both sweep plans, labels and the cache round trip."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import maatstaf.engine.sweep as sweep
from maatstaf.cli import app
from maatstaf.dsl import ast, codec
from maatstaf.dsl.errors import DefinitionError
from maatstaf.dsl.load import load_library
from maatstaf.dsl.model import Library
from maatstaf.dsl.schema import canonical_schema
from maatstaf.engine.env import Context
from maatstaf.engine.periods import (
    PeriodError,
    parse_period,
    period_containing,
    periods_between,
    shift,
    year_start,
)
from maatstaf.engine.run import RunRequest, run
from maatstaf.renderers.chart_axes import period_labels, period_span
from maatstaf.renderers.format import period_nl
from tests import oracle
from tests.helpers import diagnostics, in_measure, library_of, loaded
from tests.test_oracle_properties import declaraties, toewijzingen

D = dt.date
GRAINS = ("month", "4-weekly", "quarter", "half-year", "year")


@pytest.fixture(scope="module")
def windows(tmp_path_factory: pytest.TempPathFactory) -> Library:
    return library_of(tmp_path_factory.mktemp("win"), oracle.WINDOW_DEFINITIONS)


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
    for before, after in itertools.pairwise(periods):
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


# ---- hand-checked figures -------------------------------------------------------------------


def tw(n: int, client: str, wet: str, start: str, end: str | None) -> dict:
    return {
        "toewijzing_id": f"T{n}",
        "client_id": client,
        "wet": wet,
        "productcode": "45A48",
        "startdatum": D.fromisoformat(start),
        "einddatum": D.fromisoformat(end) if end else None,
    }


def claim(n: int, toewijzing: int, client: str, start: str, amount: str) -> dict:
    first = D.fromisoformat(start)
    return {
        "declaratie_id": f"D{n}",
        "toewijzing_id": f"T{toewijzing}",
        "client_id": client,
        "periode_start": first,
        "periode_eind": first,
        "bedrag": Decimal(amount),
    }


HAND = {
    "toewijzingen": [
        tw(1, "A", "jeugdwet", "2020-02-01", "2020-03-31"),  # ends March 2020
        tw(2, "B", "wmo", "2020-05-10", "2021-01-15"),  # ends January 2021
        tw(3, "C", "jeugdwet", "2020-12-29", None),  # starts in ISO week 53 of 2020
        tw(4, "A", "wmo", "2021-03-01", "2021-03-01"),  # one day
    ],
    "declaraties": [
        claim(1, 1, "A", "2020-03-01", "100.00"),
        claim(2, 2, "B", "2020-06-15", "250.50"),
        claim(3, 2, "B", "2020-12-31", "10.00"),  # in 2021-P01 at 4-weekly grain
        claim(4, 3, "C", "2021-01-04", "40.00"),
        claim(5, 4, "A", "2021-03-01", "5.00"),
    ],
}


def test_year_to_date_by_month_and_by_4_weekly_period(windows: Library) -> None:
    got = figures(windows, HAND, "2020-11", "2021-03", "month")
    ytd = {p: got[("win.bedrag_ytd", p, ())] for p in ("2020-11", "2020-12", "2021-01", "2021-03")}
    # 2020: 100.00 + 250.50 (+ 10.00 from 31 December); 2021: 40.00, then + 5.00 in March
    assert ytd == {"2020-11": 350.5, "2020-12": 360.5, "2021-01": 40.0, "2021-03": 45.0}
    got = figures(windows, HAND, "2020-P12", "2021-P03", "4-weekly")
    # 2021-P01 runs 28 December 2020 - 31 January 2021: the claim of 31 December and the
    # one of 4 January are in 2021's year to date; 2020-P13 (to 27 December) has 350.50
    assert got[("win.bedrag_ytd", "2020-P13", ())] == 350.5
    assert got[("win.bedrag_ytd", "2021-P01", ())] == 50.0
    assert got[("win.bedrag", "2021-P01", ())] == 50.0
    assert got[("win.bedrag_ytd", "2021-P03", ())] == 55.0  # + 5.00 on 1 March (P03)
    assert got[("win.instroom", "2021-P01", ())] == 1  # T3 starts on 29 December 2020


def test_rolling_12_months_by_half_year(windows: Library) -> None:
    got = figures(windows, HAND, "2020-H1", "2021-H2", "half-year")
    clients = {p: got[("win.clienten_12m", p, ())] for p in ("2020-H1", "2020-H2", "2021-H1")}
    # 2020-H1: 12 months from 1 July 2019: A (Feb-Mar), B (from May); 2020-H2: 1 January
    # 2020 - 31 December 2020: A, B, C; 2021-H1: 1 July 2020 - 30 June 2021: B, C, A (T4)
    assert clients == {"2020-H1": 2, "2020-H2": 3, "2021-H1": 3}
    # 1 January - 31 December 2021: B (to 15 January), C, A (1 March)
    assert got[("win.clienten_12m", "2021-H2", ())] == 3
    # rolling 3 months at half-year grain: the last three months of the half-year
    assert got[("win.instroom_3m", "2020-H2", ())] == 1  # T3 (October - December)
    assert got[("win.instroom_3m", "2020-H1", ())] == 1  # T2 (April - June)
    # ends in the year to date, by law: T1 (jeugdwet) in 2020, T2 (wmo) and T4 in 2021
    assert got[("win.uitstroom_ytd", "2020-H2", (("wet", "jeugdwet"),))] == 1
    assert got[("win.uitstroom_ytd", "2021-H1", (("wet", "wmo"),))] == 2


def test_a_window_without_rows_is_no_figure_and_noted(windows: Library) -> None:
    periods = periods_between(parse_period("2019-H2"), parse_period("2020-H1"), "half-year")
    result = run(windows, loaded(**HAND), RunRequest(periods=periods))
    values = {(f.measure, f.period): f.value for f in result.figures if not f.dimensions}
    assert values[("win.bedrag_ytd", "2019-H2")] is None
    assert values[("win.bedrag_ytd", "2020-H1")] == 350.5
    assert any("2019-H2" in n.message for n in result.notes if n.measure == "win.bedrag_ytd")


# ---- diagnostics ----------------------------------------------------------------------------


def test_a_rolling_window_counts_months(tmp_path: Path) -> None:
    rule = "  sum bedrag in declaraties where periode_start in rolling 1 year"
    assert diagnostics(tmp_path, in_measure(rule, "euro")) == (
        "/d.kpi:6:62: a rolling window counts months, not year. Write 'rolling 12 months'.\n"
        "    sum bedrag in declaraties where periode_start in rolling 1 year\n"
        "                                                               ^^^^"
    )


def test_a_rolling_window_of_0_months(tmp_path: Path) -> None:
    rule = "  count toewijzingen where active in rolling 0 months"
    assert diagnostics(tmp_path, in_measure(rule, "euro")) == (
        "/d.kpi:6:46: a rolling window of 0 months. A rolling window is 1 to 120 months "
        "long, e.g. 'rolling 12 months'.\n"
        "    count toewijzingen where active in rolling 0 months\n"
        "                                               ^"
    )


def test_a_misspelt_window(tmp_path: Path) -> None:
    rule = "  count toewijzingen where active in roling 12 months"
    found = diagnostics(tmp_path, in_measure(rule, "euro"))
    assert found.startswith("/d.kpi:6:38: unexpected 'roling'. Did you mean 'rolling'?")


def test_a_window_needs_a_date(tmp_path: Path) -> None:
    rule = "  sum bedrag in declaraties where bedrag in year to date"
    assert diagnostics(tmp_path, in_measure(rule, "euro")) == (
        "/d.kpi:6:35: 'in year to date' needs a date, not a number\n"
        "    sum bedrag in declaraties where bedrag in year to date\n"
        "                                    ^^^^^^"
    )
    rule = "  sum bedrag in declaraties where bedrag in rolling 1 month"
    assert "'in rolling 1 month' needs a date, not a number" in diagnostics(
        tmp_path, in_measure(rule, "euro")
    )


def test_a_window_of_an_unknown_row(tmp_path: Path) -> None:
    rule = "  count toewijzingen where x starts in year to date"
    assert diagnostics(tmp_path, in_measure(rule, "euro")).startswith(
        "/d.kpi:6:28: unknown row 'x'"
    )


def test_a_report_at_a_new_grain_is_a_positioned_error(tmp_path: Path) -> None:
    path = tmp_path / "r.kpi"
    path.write_text('report x {\n  title "X"\n  grain 4-weekly\n}\n', encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_library([path])
    assert info.value.diagnostics[0].render().replace(str(tmp_path), "") == (
        "/r.kpi:3:3: a report is shown by month, quarter or year, not 4-weekly. "
        "'maatstaf run --grain 4-weekly' gives figures at that grain.\n"
        "    grain 4-weekly\n"
        "    ^^^^^^^^^^^^^^"
    )


# ---- the cache ------------------------------------------------------------------------------


def test_the_cache_gives_back_the_windows(windows: Library) -> None:
    again = codec.loads(codec.dumps(windows))
    assert again == windows
    where = again.measures["win.clienten_12m"].versions[0].where
    assert isinstance(where, ast.PeriodRelation)
    assert where.window == ast.RowWindow(span=where.window.span, what="rolling", months=12)  # type: ignore[union-attr]


# ---- the engine against the oracle ----------------------------------------------------------

FIRST, LAST = D(2019, 12, 1), D(2022, 3, 31)


@st.composite
def indications_and_claims(draw: st.DrawFn) -> dict:
    rows = draw(toewijzingen())
    return {"toewijzingen": rows, "declaraties": draw(declaraties(rows))}


def compare(tables: dict, grain: str, library: Library) -> list[str]:
    periods = periods_between(
        period_containing(FIRST, grain),
        period_containing(LAST, grain),
        grain,  # type: ignore[arg-type]
    )
    result = run(library, loaded(**tables), RunRequest(periods=periods))
    got = {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }
    expected = oracle.window_figures(tables, FIRST, LAST, grain)
    problems = []
    for key in sorted(set(got) | set(expected)):
        measure = key[0]
        want = expected.get(key, None if measure.startswith("win.bedrag") else 0)
        have = got.get(key, 0 if not measure.startswith("win.bedrag") else None)
        if want is None or have is None:
            if not (want is None and have is None):
                problems.append(f"{key}: engine {have}, oracle {want}")
        elif abs(float(have) - float(want)) > 1e-6 * max(1.0, abs(float(want))):
            problems.append(f"{key}: engine {have}, oracle {float(want)}")
    return problems


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(tables=indications_and_claims(), grain=st.sampled_from(GRAINS))
def test_engine_equals_oracle(tables: dict, grain: str, windows: Library) -> None:
    assert compare(tables, grain, windows) == []


@pytest.mark.parametrize("grain", ["4-weekly", "half-year"])
def test_both_plans_equal_the_oracle(
    grain: str, windows: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'active in period' at the new grains: the sweep over period numbers, and the range
    join it falls back to, give the oracle's figures (a windowed condition never sweeps)."""
    library = windows
    version = library.measures["win.clienten"].versions[-1]
    windowed = library.measures["win.clienten_12m"].versions[-1]
    ctx = Context(canonical_schema(), library, {}, True)
    assert sweep.sweepable(version, ctx) and not sweep.sweepable(windowed, ctx)
    assert compare(HAND, grain, library) == []
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", "off")  # the range plan compiled, not a kept one
    monkeypatch.setattr(sweep, "sweepable", lambda version, ctx: False)
    monkeypatch.setattr(sweep, "timeline_sweepable", lambda version, ctx: False)
    assert compare(HAND, grain, library) == []


def test_the_comparison_catches_a_wrong_window(windows: Library) -> None:
    """A window one month short (rolling 11 months) is caught on the hand-made data."""
    wrong = oracle.rolling_months
    try:
        oracle.rolling_months = lambda p, m: wrong(p, m - 1)  # type: ignore[assignment]
        assert compare(HAND, "month", windows) != []
    finally:
        oracle.rolling_months = wrong  # type: ignore[assignment]


# ---- the command line and the renderers -----------------------------------------------------


def _csv(tmp_path: Path) -> str:
    header = "toewijzing_id,client_id,wet,productcode,startdatum,einddatum"
    rows = ["T1,C1,wmo,02A05,2020-12-29,", "T2,C2,wmo,02A05,2021-02-01,2021-02-27"]
    (tmp_path / "toewijzingen.csv").write_text("\n".join([header, *rows]) + "\n")
    return str(tmp_path)


def test_run_by_4_weekly_period(tmp_path: Path) -> None:
    args = ["run", "--data", _csv(tmp_path), "--grain", "4-weekly", "-m", "wmo.instroom"]
    result = CliRunner().invoke(app, [*args, "--from", "2020-P13", "--to", "2021-P02"])
    assert result.exit_code == 0, result.stderr
    output = json.loads(result.stdout)
    got = {f["period"]: f["value"] for f in output["figures"] if not f["dimensions"]}
    # T1 starts on 29 December 2020 (2021-P01), T2 on 1 February 2021 (2021-P02)
    assert got == {"2020-P13": 0, "2021-P01": 1, "2021-P02": 1}
    assert output["provenance"]["grain"] == "4-weekly"
    markdown = CliRunner().invoke(
        app, [*args, "--from", "2021-P01", "--to", "2021-P02", "--format", "markdown"]
    )
    assert markdown.exit_code == 0 and "periode 1 van 2021" in markdown.stdout


def test_run_by_half_year(tmp_path: Path) -> None:
    args = ["run", "--data", _csv(tmp_path), "--grain", "half-year", "-m", "wmo.instroom"]
    result = CliRunner().invoke(app, [*args, "--from", "2020", "--to", "2021-H1"])
    assert result.exit_code == 0, result.stderr
    got = {f["period"]: f["value"] for f in json.loads(result.stdout)["figures"]}
    assert got == {"2020-H1": 0, "2020-H2": 1, "2021-H1": 1}


def test_an_unknown_grain_gets_a_suggestion(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", "--data", _csv(tmp_path), "--grain", "halfyear"])
    assert result.exit_code == 2
    assert (
        "unknown grain 'halfyear': use month, 4-weekly, quarter, half-year or year. "
        "Did you mean 'half-year'?"
    ) in result.stderr


def test_period_labels_of_the_new_grains() -> None:
    assert period_nl("2021-H2") == "2e halfjaar 2021"
    assert period_nl("2021-H2", "en") == "H2 2021"
    assert period_nl("2021-P05") == "periode 5 van 2021"
    assert period_nl("2021-P05", "en") == "period 5 of 2021"
    labels = ["2020-P12", "2020-P13", "2021-P01", "2021-P02"]
    assert period_labels(labels) == ["P12 2020", "P13", "P1 2021", "P2"]
    assert period_labels(["2020-H2", "2021-H1", "2021-H2"]) == ["H2 2020", "H1 2021", "H2"]
    assert period_span(labels) == "per vier weken, P12 2020 – P2 2021"
    assert period_span(["2020-H1", "2020-H2"], "en") == "by half-year, H1 2020 – H2 2020"
