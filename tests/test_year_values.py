"""A yearly figure at another grain: ``year_value(M)`` (the year's figure in each of its
periods) and ``pro_rata(M)`` (the days' share of it), by hand, with the notes where a year
has no figure, and the grain check that no longer warns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maatstaf.dsl.check_grains import grain_warnings
from maatstaf.dsl.errors import DefinitionError
from maatstaf.dsl.load import load_library
from maatstaf.dsl.model import Library
from tests.helpers import library_of, loaded, run_engine, standard_library


def budget(year: int, wet: str, amount: str, versie: str = "primitief") -> dict:
    return {
        "jaar": year,
        "wet": wet,
        "post": "zorg",
        "bedrag": Decimal(amount),
        "versie": versie,
    }


# 2021: 365 days, 2020: 366 days
BUDGET = [
    budget(2020, "wmo", "366000"),
    budget(2021, "wmo", "730000"),
    budget(2021, "wmo", "1000000", "gewijzigd"),  # another version: not counted
    budget(2021, "jeugdwet", "365"),
]

OWN = """
measure t.jaarbudget {
  label "Jaarbudget"  unit euro  owner "T"  description "De begroting van het jaar in elke periode."
  compute year_value(begroting)
}
"""


def figures(library: Library, grain: str, first: dt.date, last: dt.date, measures: list[str]):
    result = run_engine(loaded(begroting=BUDGET), grain, first, last, measures, library=library)
    got = {(f.measure, f.period, f.dimensions.get("wet")): f.value for f in result.figures}
    return got, [n.message for n in result.notes]


def test_pro_rata_by_hand() -> None:
    got, _ = figures(
        standard_library(), "month", dt.date(2021, 1, 1), dt.date(2021, 2, 1),
        ["begroting_naar_rato"],
    )  # fmt: skip
    # January 2021: 730000 * 31 / 365 = 62000; February: 730000 * 28 / 365 = 56000
    assert got[("begroting_naar_rato", "2021-01", "wmo")] == pytest.approx(62000)
    assert got[("begroting_naar_rato", "2021-02", "wmo")] == pytest.approx(56000)
    assert got[("begroting_naar_rato", "2021-02", "jeugdwet")] == pytest.approx(28)


def test_pro_rata_of_a_quarter_and_of_a_period_across_two_years() -> None:
    got, _ = figures(
        standard_library(), "quarter", dt.date(2021, 1, 1), dt.date(2021, 12, 31),
        ["begroting_naar_rato"],
    )  # fmt: skip
    # Q1 2021: 90 days -> 730000 * 90 / 365 = 180000; the four quarters add up to the year
    assert got[("begroting_naar_rato", "2021-Q1", "wmo")] == pytest.approx(180000)
    quarters = [got[("begroting_naar_rato", f"2021-Q{q}", "wmo")] for q in range(1, 5)]
    assert sum(quarters) == pytest.approx(730000)
    library = library_of(
        None,
        OWN + OWN.replace("t.jaarbudget", "t.naar_rato").replace("year_value", "pro_rata"),
        standard=True,
    )
    got = four_weekly(library, "2021-P01", "t.naar_rato")
    # 2021-P01 opens with ISO week 53 of 2020: 28 December 2020 .. 31 January 2021;
    # 4 days of 2020 (366000 * 4 / 366 = 4000) and 31 of 2021 (730000 * 31 / 365 = 62000)
    assert got[("t.naar_rato", "2021-P01", "wmo")] == pytest.approx(66000)
    # jeugdwet has no row for 2020 while 2020 has rows: begroting's 2020 figure for it is 0
    # (a cell without rows in a period with rows), so only the 31 days of 2021 count
    assert got[("t.naar_rato", "2021-P01", "jeugdwet")] == pytest.approx(31)
    # 2023-P01 opens on 2 January 2023: only 2023, which has no budget at all: no figure
    assert four_weekly(library, "2023-P01", "t.naar_rato") == {}


def four_weekly(library: Library, label: str, measure: str) -> dict:
    from maatstaf.engine.periods import parse_period
    from maatstaf.engine.run import RunRequest, Selection, run

    request = RunRequest(periods=[parse_period(label)], selections=[Selection(measure)])
    result = run(library, loaded(begroting=BUDGET), request)
    return {(f.measure, f.period, f.dimensions.get("wet")): f.value for f in result.figures}


def test_year_value_in_every_period_of_the_year() -> None:
    library = library_of(None, OWN, standard=True)
    got, notes = figures(
        library, "month", dt.date(2021, 11, 1), dt.date(2022, 1, 1), ["t.jaarbudget"]
    )
    assert got[("t.jaarbudget", "2021-11", "wmo")] == pytest.approx(730000)
    assert got[("t.jaarbudget", "2021-12", "wmo")] == pytest.approx(730000)
    # 2022 has no budget: no figure, and a note saying why
    assert got.get(("t.jaarbudget", "2022-01", "wmo")) is None
    assert any("2022-01" in n and "year_value(begroting)" in n and "2022" in n for n in notes)


def test_prognose_saldo_is_the_years_budget_minus_the_forecast(tmp_path: Path) -> None:
    """On the sample municipality: prognose_saldo = the year's begroting - prognose_uitgaven,
    in every month and law where both have a figure (both taken from the same run)."""
    from maatstaf.adapters.registry import load_data
    from maatstaf.adapters.sample import write_sample_csv

    write_sample_csv(tmp_path)
    measures = ["prognose_saldo", "prognose_uitgaven"]
    monthly = run_engine(load_data(str(tmp_path)), "month", dt.date(2021, 1, 1),
                         dt.date(2021, 6, 1), measures)  # fmt: skip
    yearly = run_engine(load_data(str(tmp_path)), "year", dt.date(2021, 1, 1),
                        dt.date(2021, 1, 1), ["begroting"])  # fmt: skip
    budget = {f.dimensions["wet"]: f.value for f in yearly.figures}
    got = {(f.measure, f.period, f.dimensions.get("wet")): f.value for f in monthly.figures}
    checked = 0
    for (measure, month, wet), forecast in got.items():
        if measure != "prognose_uitgaven" or forecast is None:
            continue
        assert got[("prognose_saldo", month, wet)] == pytest.approx(budget[wet] - forecast)
        checked += 1
    assert checked >= 12  # six months, wmo and jeugdwet


def test_a_slice_of_a_measure_without_any_row_is_no_figure() -> None:
    """Without indications the spread of commitments has no 'jaardeel' cells at all: the
    forecast (and the saldo) have no figure, with a note, never a crash."""
    got, notes = figures(standard_library(), "month", dt.date(2021, 3, 1), dt.date(2021, 3, 1),
                         ["prognose_saldo"])  # fmt: skip
    assert all(v is None for v in got.values())
    assert any("prognose" in n for n in notes)


def test_the_grain_check_knows_a_yearly_figure_at_any_grain(tmp_path: Path) -> None:
    warned = grain_warnings(
        library_of(
            None,
            OWN.replace("year_value(begroting)", "begroting - prognose_uitgaven"),
            standard=True,
        )
    )
    assert any("never share a grain" in w.message for w in warned)
    fixed = "year_value(begroting) - prognose_uitgaven"
    assert not grain_warnings(
        library_of(None, OWN.replace("year_value(begroting)", fixed), standard=True)
    )


def test_year_value_takes_a_measure_in_compute(tmp_path: Path) -> None:
    path = tmp_path / "d.kpi"
    path.write_text(
        'measure t.x {\n  label "X"\n  unit euro\n  owner "T"\n  description "x"\n'
        "  sum bedrag in begroting\n  where bedrag > pro_rata(begroting)\n}\n",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as info:
        load_library([path])
    assert [d.message for d in info.value.diagnostics] == [
        "pro_rata takes a measure, inside 'compute'"
    ]


# ---- against a day-by-day reckoning on random budgets -----------------------------------------

amounts = st.integers(min_value=0, max_value=10_000_000)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    budgets=st.dictionaries(st.sampled_from([2020, 2021]), amounts, min_size=1),
    grain=st.sampled_from(["month", "quarter"]),
)
def test_pro_rata_and_year_value_equal_a_day_by_day_share(budgets, grain) -> None:
    """Each day of a year carries 1/365 (or 1/366) of its budget; a period's pro_rata is the
    sum over its days, year_value the budget of its year; a year without a budget row gives
    no figure at all."""
    library = library_of(
        None,
        OWN + OWN.replace("t.jaarbudget", "t.naar_rato").replace("year_value", "pro_rata"),
        standard=True,
    )
    rows = [budget(year, "wmo", str(amount)) for year, amount in budgets.items()]
    result = run_engine(
        loaded(begroting=rows), grain, dt.date(2020, 1, 1), dt.date(2021, 12, 31),
        ["t.naar_rato", "t.jaarbudget"], library=library,
    )  # fmt: skip
    got = {
        (f.measure, f.period): f.value for f in result.figures if f.dimensions.get("wet") == "wmo"
    }
    for (measure, label), value in got.items():
        first, last = _bounds(label)
        if measure == "t.jaarbudget":
            assert value == pytest.approx(budgets[first.year]), label
            continue
        day, expected = first, 0.0
        while day <= last:
            days_in_year = 366 if day.year % 4 == 0 else 365
            expected += budgets[day.year] / days_in_year
            day += dt.timedelta(days=1)
        assert value == pytest.approx(expected, rel=1e-9, abs=1e-6), label
    for year in (2020, 2021):  # every period of a year with a budget has its figure
        periods = {p for (m, p) in got if m == "t.naar_rato" and p.startswith(str(year))}
        assert bool(periods) == (year in budgets), year


def _bounds(label: str) -> tuple[dt.date, dt.date]:
    from maatstaf.engine.periods import parse_period

    period = parse_period(label)
    return period.begin, period.end
