"""min, max, median and percentile N of an expression over rows (and, with ``per``, over
entities): hand-checked figures, exact diagnostics, the engine against the day-by-day
oracle on random indications, the cache round trip and the SQL of other backends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import ibis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maatstaf.dsl import ast, codec
from maatstaf.dsl.measure_facts import additive
from maatstaf.dsl.model import Library
from tests import oracle
from tests.helpers import diagnostics, in_measure, library_of, loaded, measure_head, run_engine
from tests.test_oracle_properties import toewijzingen

HEAD = measure_head("dagen")


@pytest.fixture(scope="module")
def language(tmp_path_factory: pytest.TempPathFactory) -> Library:
    return library_of(tmp_path_factory.mktemp("lang"), oracle.LANGUAGE_DEFINITIONS)


def row(n: int, client: str, wet: str, start: str, end: str | None, volume: str | None) -> dict:
    return {
        "toewijzing_id": f"T{n}",
        "client_id": client,
        "wet": wet,
        "productcode": "45A48",
        "startdatum": dt.date.fromisoformat(start),
        "einddatum": dt.date.fromisoformat(end) if end else None,
        "omvang_volume": Decimal(volume) if volume is not None else None,
        "omvang_eenheid": "uur",
        "omvang_frequentie": "week",
    }


# Durations (einddatum - startdatum) of the rows starting in March 2020: 9, 19, 0, 30
# (T5 still runs, so it has none; T6 was removed, reden_wijziging 13).
ROWS = [
    row(1, "A", "jeugdwet", "2020-03-01", "2020-03-10", "2"),
    row(2, "A", "jeugdwet", "2020-03-05", "2020-03-24", "6"),
    row(3, "B", "jeugdwet", "2020-03-31", "2020-03-31", "3"),
    row(4, "C", "wmo", "2020-03-02", "2020-04-01", "5"),
    row(5, "D", "jeugdwet", "2020-03-15", None, None),
    row(6, "E", "jeugdwet", "2020-03-01", "2020-05-01", "100") | {"reden_wijziging": "13"},
]


def figures(library: Library, measures: list[str]) -> dict[tuple[str, str, tuple], object]:
    result = run_engine(
        loaded(toewijzingen=ROWS), "month", dt.date(2020, 2, 1), dt.date(2020, 4, 1),
        measures, library=library,
    )  # fmt: skip
    return {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }, result.notes


def test_statistics_by_hand(language: Library) -> None:
    got, notes = figures(
        language, ["lang.kortste", "lang.p25_duur", "lang.mediaan_duur", "lang.p90_volume"]
    )
    # starting in March: durations 9, 19, 0, 30 -> sorted 0, 9, 19, 30
    assert got[("lang.kortste", "2020-03", ())] == 0
    # P25: h = 3 * 0.25 = 0.75 -> 0 + 0.75 * (9 - 0) = 6.75
    assert got[("lang.p25_duur", "2020-03", ())] == pytest.approx(6.75)
    # ending in March, by law: jeugdwet 9, 19, 0 -> 9; wmo ends in April
    assert got[("lang.mediaan_duur", "2020-03", (("wet", "jeugdwet"),))] == pytest.approx(9)
    assert got.get(("lang.mediaan_duur", "2020-03", (("wet", "wmo"),))) is None
    # ending in April: wmo 30 (T4); jeugdwet none
    assert got[("lang.mediaan_duur", "2020-04", (("wet", "wmo"),))] == pytest.approx(30)
    # jeugdwet active in March, per client once (the largest): A 6, B 3 (D has no volume)
    # P90 of 3, 6: 3 + 0.9 * 3 = 5.7
    assert got[("lang.p90_volume", "2020-03", ())] == pytest.approx(5.7)
    # February: no row at all -> no figure, with a note; never 0
    for measure in ("lang.kortste", "lang.p25_duur", "lang.p90_volume"):
        assert got.get((measure, "2020-02", ())) is None
        assert any(
            n.measure == measure
            and "2020-02" in n.message
            and "geen gegevens is geen 0" in n.message
            for n in notes
        ), measure


def test_max_of_a_case(language: Library) -> None:
    got, _ = figures(language, ["lang.grootste"])
    # active in March: A 2, 6; B 3; C (wmo, doubled) 10; D none -> 10
    assert got[("lang.grootste", "2020-03", ())] == 10
    # active in April: C ends 1 April (10), D runs without volume -> 10
    assert got[("lang.grootste", "2020-04", ())] == 10


def test_statistics_are_not_additive(language: Library) -> None:
    for measure in oracle.LANGUAGE_STATISTICS:
        (version,) = language.measures[measure].versions
        assert isinstance(version.aggregate, ast.Statistic)
        assert not additive(language, version), measure


def test_the_cache_gives_back_the_statistics_and_cases(language: Library) -> None:
    again = codec.loads(codec.dumps(language))
    assert again == language
    for measure_id in oracle.LANGUAGE_MEASURES:
        (old,) = language.measures[measure_id].versions
        (new,) = again.measures[measure_id].versions
        assert type(new.aggregate) is type(old.aggregate)
        assert new.aggregate == old.aggregate
        assert new.aggregate.model_fields_set == old.aggregate.model_fields_set


def test_percentile_fraction() -> None:
    assert oracle.percentile([1, 2, 3, 4], 50) == Fraction(5, 2)
    assert oracle.percentile([10], 90) == 10
    assert oracle.percentile([], 90) is None
    assert oracle.percentile([0, 9, 19, 30], 25) == Fraction(27, 4)


def test_postgres_gets_an_exact_interpolated_percentile() -> None:
    """The plan's statistic as PostgreSQL runs it (Spark: Ibis compiles it to the exact,
    interpolating percentile())."""
    t = ibis.table({"g": "string", "x": "decimal(18, 2)"}, name="t")
    expr = t.group_by("g").aggregate(v=t.x.cast("float64").quantile(0.9))
    assert "PERCENTILE_CONT(0.9)" in ibis.to_sql(expr, dialect="postgres")


# ---- diagnostics ----------------------------------------------------------------------------


def test_a_percentile_lies_between_0_and_100(tmp_path: Path) -> None:
    assert diagnostics(
        tmp_path, in_measure("  percentile 100 omvang_volume in toewijzingen", "dagen")
    ) == (
        "/d.kpi:6:14: a percentile lies strictly between 0 and 100, not 100. Write 'min' for "
        "the smallest value, 'max' for the largest, 'median' for percentile 50.\n"
        "    percentile 100 omvang_volume in toewijzingen\n"
        "               ^^^"
    )
    assert "not 0." in diagnostics(
        tmp_path, in_measure("  percentile 0 omvang_volume in toewijzingen", "dagen")
    )


def test_a_median_of_dates_is_an_error(tmp_path: Path) -> None:
    assert diagnostics(tmp_path, in_measure("  median startdatum in toewijzingen", "dagen")) == (
        "/d.kpi:6:10: the median is taken of numbers or numbers of days, not of a date. "
        "Subtract dates for a number of days: 'besloten_op - ontvangen_op'.\n"
        "    median startdatum in toewijzingen\n"
        "           ^^^^^^^^^^"
    )


def test_a_misspelt_statistic_gets_a_suggestion(tmp_path: Path) -> None:
    assert diagnostics(tmp_path, in_measure("  medain omvang_volume in toewijzingen", "dagen")) == (
        "/d.kpi:6:3: unexpected 'medain'. Did you mean 'median'?\n"
        "    medain omvang_volume in toewijzingen\n"
        "    ^^^^^^"
    )


def test_an_unknown_per_column(tmp_path: Path) -> None:
    found = diagnostics(
        tmp_path, in_measure("  max omvang_volume per clientid in toewijzingen", "dagen")
    )
    assert "unknown column 'clientid' in table 'toewijzingen'. Did you mean 'client_id'?" in found


def test_min_and_max_stay_names_in_expressions(tmp_path: Path) -> None:
    """'min' and 'max' are words of a rule, not of an expression: a parameter may be named so."""
    library = library_of(
        tmp_path,
        "parameter max = 3\n"
        + HEAD
        + "  sum omvang_volume in toewijzingen\n  where omvang_volume > max\n}\n",
    )
    assert "t.x" in library.measures


# ---- the engine against the oracle ----------------------------------------------------------

FIRST, LAST = dt.date(2019, 12, 1), dt.date(2021, 3, 31)


@st.composite
def indications_with_frequencies(draw: st.DrawFn) -> list[dict]:
    rows = draw(toewijzingen())
    frequencies = st.sampled_from([None, "week", "maand", "jaar"])
    return [r | {"omvang_frequentie": draw(frequencies)} for r in rows]


def compare(rows: list[dict], grain: str, library: Library) -> list[str]:
    result = run_engine(loaded(toewijzingen=rows), grain, FIRST, LAST, list(oracle.LANGUAGE_MEASURES), library=library)  # fmt: skip
    got = {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }
    labels = oracle.labels_between(FIRST, LAST, grain)
    expected = oracle.language_figures({"toewijzingen": rows}, labels)
    problems = []
    for key in sorted(set(got) | {k for k in expected if k[2] != oracle.NO_DATA}):
        measure, period, _ = key
        if (measure, period, oracle.NO_DATA) in expected:
            want = None
        else:
            default = None if measure in oracle.LANGUAGE_STATISTICS else 0
            want = expected.get(key, default)
        have = got.get(key)
        if want is None or have is None:
            if want is not have and not (want is None and have is None):
                problems.append(f"{key}: engine {have}, oracle {want}")
        elif abs(float(have) - float(want)) > 1e-6 * max(1.0, abs(float(want))):
            problems.append(f"{key}: engine {have}, oracle {float(want)}")
    return problems


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=indications_with_frequencies(), grain=st.sampled_from(["month", "quarter", "year"]))
def test_engine_equals_oracle(rows: list[dict], grain: str, language: Library) -> None:
    assert compare(rows, grain, language) == []


def test_the_comparison_catches_a_wrong_percentile(
    language: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A nearest-rank oracle disagrees with the engine: the comparison can fail."""
    rows = [r for r in ROWS if r["toewijzing_id"] != "T6"]
    assert compare(rows, "month", language) == []

    def nearest(values: list, n: int) -> Fraction | None:
        ordered = sorted(Fraction(v) for v in values)
        return ordered[min(len(values) - 1, len(values) * n // 100)] if values else None

    monkeypatch.setattr(oracle, "percentile", nearest)
    assert compare(rows, "month", language) != []
