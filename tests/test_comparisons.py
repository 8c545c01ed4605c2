"""Comparisons on one definition (issue 13, item 1): a figure is compared with the earlier
period's figure by the same version, never with another definition; where another version
was valid in the compared period, the output says so (JSON, HTML, Markdown) and gives the
earlier period's own figure. Checked against the oracle's figure of that version, on hand-
built data, on the sample municipality and on random data."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maatstaf.adapters.base import LoadedData
from maatstaf.engine.periods import parse_period, periods_between
from maatstaf.engine.result import RunResult
from maatstaf.engine.run import RunRequest, Selection, run
from maatstaf.engine.suppression import Policy, apply
from maatstaf.renderers.base import get_renderer
from tests import oracle
from tests.helpers import loaded, standard_library
from tests.oracle import Row

D = dt.date
MEASURE = "jeugd.unieke_jeugdigen"
BOUNDS = {
    "month": ("2020-10", "2021-03"),
    "quarter": ("2020-Q3", "2021-Q2"),
    "year": ("2020", "2021"),
}


def _indication(i: int, start: dt.date, end: dt.date | None = None, wet: str = "jeugdwet") -> Row:
    return {
        "toewijzing_id": f"T{i}",
        "client_id": f"C{i}",
        "wet": wet,
        "productcode": "45A48",
        "startdatum": start,
        "einddatum": end,
        "zwaarte": "licht",
    }


def _booking(i: int, day: dt.date, amount: str = "100") -> Row:
    return {"toewijzing_id": f"T{i}", "boekdatum": day, "bedrag": Decimal(amount)}


# Ten youths in care all through 2020 and 2021; by the old definition (a booking in the
# period) only the three booked in December 2020 count then, and one booked in March 2020.
HAND = {
    "toewijzingen": [_indication(i, D(2020, 1, 1)) for i in range(10)]
    + [_indication(10, D(2021, 2, 1)), _indication(11, D(2020, 1, 1), wet="wmo")],
    "budgetboekingen": [_booking(i, D(2020, 12, 15)) for i in range(3)]
    + [_booking(5, D(2020, 3, 2)), _booking(6, D(2020, 12, 1), "0")],
}


def _run(tables: dict, grain: str, first: str, last: str, **options) -> tuple:
    data = loaded(**tables)
    periods = periods_between(parse_period(first), parse_period(last), grain)  # type: ignore[arg-type]
    request = RunRequest(periods=periods, selections=[Selection(MEASURE)], compare=True, **options)
    return run(standard_library(), data, request), data, request


def _by_version(tables: dict, version: int, labels: list[str]) -> dict[str, object]:
    found = oracle.figures_of_version(tables, MEASURE, version, labels)
    return {label: found[(MEASURE, label, ())] for label in labels}


def _check_against_oracle(result: RunResult, tables: dict) -> int:
    """Every comparison equals the oracle's figure of the figure's version in the compared
    period; every break names the version valid there and the oracle's figure by it.
    Returns the number of breaks seen."""
    breaks = 0
    labels = sorted(
        {c.previous_period for f in result.figures if (c := f.comparison)}
        | {c.year_earlier_period for f in result.figures if (c := f.comparison)}
    )
    by_version = {v: _by_version(tables, v, labels) for v in (1, 2)}
    for figure in result.figures:
        c = figure.comparison
        assert c is not None and c.version == figure.version
        version = oracle.version_on(MEASURE, parse_period(figure.period).end)
        assert figure.version == version
        pairs = (
            (c.previous_period, c.previous_value, c.previous_break),
            (c.year_earlier_period, c.year_earlier_value, c.year_earlier_break),
        )
        for label, value, brk in pairs:
            expected = by_version[version][label]
            assert value == expected, (figure.period, label, value, expected)
            own = oracle.version_on(MEASURE, parse_period(label).end)
            if own == version:
                assert brk is None
                continue
            breaks += 1
            assert brk is not None and brk.previous_definition_version == own
            assert brk.valid_from == "2021-01-01"
            assert brk.previous_definition_value == by_version[own][label]
    return breaks


@pytest.mark.parametrize("grain", ["month", "quarter", "year"])
def test_comparisons_use_the_figures_version_on_hand_built_data(grain: str) -> None:
    result, _, _ = _run(HAND, grain, *BOUNDS[grain])
    assert _check_against_oracle(result, HAND) > 0


def test_the_hand_built_year_by_both_definitions() -> None:
    """2021 (version 2: 11 youths in care) against 2020 by version 2 (10), not version 1
    (4: three booked in December, one in March; a booking of 0 does not count)."""
    result, _, _ = _run(HAND, "year", "2021", "2021")
    (figure,) = result.figures
    c = figure.comparison
    assert figure.value == 11 and c is not None and c.version == 2
    assert c.year_earlier_value == 10 and c.previous_value == 10
    assert c.year_earlier_break is not None
    assert c.year_earlier_break.model_dump() == {
        "valid_from": "2021-01-01",
        "previous_definition_version": 1,
        "previous_definition_value": 4,
    }


def test_no_break_within_one_version_and_none_when_a_version_is_forced() -> None:
    result, _, _ = _run(HAND, "month", "2020-06", "2020-12")
    assert all(f.comparison and f.comparison.previous_break is None for f in result.figures)
    data = loaded(**HAND)
    periods = periods_between(parse_period("2021-01"), parse_period("2021-02"), "month")
    forced = RunRequest(periods=periods, selections=[Selection(MEASURE, 1)], compare=True)
    figures = run(standard_library(), data, forced).figures
    january = next(f for f in figures if f.period == "2021-01")
    assert january.version == 1 and january.comparison is not None
    assert january.comparison.version == 1 and january.comparison.previous_value == 3
    assert january.comparison.previous_break is None


def test_json_names_the_version_and_the_break() -> None:
    result, _, _ = _run(HAND, "year", "2021", "2021")
    data = json.loads(get_renderer("json").render(result, standard_library()))
    comparison = data["figures"][0]["comparison"]
    assert comparison["version"] == 2 and comparison["year_earlier_value"] == 10
    assert comparison["year_earlier_break"] == {
        "valid_from": "2021-01-01",
        "previous_definition_version": 1,
        "previous_definition_value": 4,
    }
    result, _, _ = _run(HAND, "year", "2020", "2020")
    comparison = json.loads(get_renderer("json").render(result, standard_library()))["figures"][0][
        "comparison"
    ]
    assert comparison["version"] == 1 and "year_earlier_break" not in comparison


def test_html_and_markdown_say_it_beside_the_figure_and_mark_the_table() -> None:
    result, _, _ = _run(HAND, "year", "2020", "2021")
    library = standard_library()
    # the text a reader sees: numbers and dates sit in spans that keep them on one line
    html = re.sub(r"<[^>]+>", "", get_renderer("html").render(result, library))
    html = html.replace("\u00a0", " ")
    markdown = get_renderer("markdown").render(result, library)
    said = "definitie gewijzigd per 1-1-2021; volgens de oude definitie: 4 (2020)"
    assert said in html
    assert said.replace("(", "\\(").replace(")", "\\)") in markdown
    # the change is the one-definition change (11 against 10), never against 4 (+175%)
    assert "+10% t.o.v. jaar eerder" in html and "+175" not in html
    assert "| Unieke jeugdigen | 2021 | 11 | 10 \\(\\+10%\\) | 10 \\(\\+10%\\) |" in markdown
    assert "+175" not in markdown
    for text in (html, markdown):
        assert "11 †" in text
        assert "vanaf 2021 volgens versie 2, daarvoor volgens versie 1" in text
    english = get_renderer("markdown", locale="en").render(result, library)
    assert "definition changed on 2021-01-01; by the old definition: 4 \\(2020\\)" in english


def test_markdown_without_compare_has_no_comparison_table() -> None:
    data = loaded(**HAND)
    periods = periods_between(parse_period("2020"), parse_period("2021"), "year")
    request = RunRequest(periods=periods, selections=[Selection(MEASURE)])
    markdown = get_renderer("markdown").render(
        run(standard_library(), data, request), standard_library()
    )
    assert "Vergelijkingen" not in markdown and "Vorige periode" not in markdown
    assert "11 †" in markdown  # the table still marks the change of definition


def test_suppression_hides_the_old_definitions_small_figure() -> None:
    """Under threshold 5 the old definition's 4 (2020) is a small count: hidden in the
    break as in any other value; the comparison by version 2 (10) stays."""
    result, data, request = _run(HAND, "year", "2021", "2021")
    hidden = apply(result, Policy("threshold", 5), standard_library(), data, request)
    c = hidden.figures[0].comparison
    assert c is not None and c.year_earlier_value == 10
    assert c.year_earlier_break is not None
    assert c.year_earlier_break.previous_definition_value is None
    for name in ("json", "html", "markdown"):
        text = get_renderer(name).render(hidden, standard_library())
        assert "oude definitie: 4" not in text and '"previous_definition_value": 4' not in text
    rounded = apply(result, Policy("cbs", 8), standard_library(), data, request)
    c = rounded.figures[0].comparison
    assert c is not None and c.year_earlier_value == 10
    assert c.year_earlier_break is not None
    assert c.year_earlier_break.previous_definition_value is None  # 4 is secret under cbs


# ---- the sample municipality ---------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[LoadedData, dict]:
    """The sample municipality as the engine reads it (CSV) and as the oracle does (rows)."""
    from maatstaf.adapters.registry import load_data
    from maatstaf.adapters.sample import write_sample_csv

    folder = tmp_path_factory.mktemp("sample")
    write_sample_csv(folder)
    data = load_data(str(folder), schema=standard_library().table_schema)
    tables = {name: data.tables[name].to_pylist() for name in ("toewijzingen", "budgetboekingen")}
    for row in tables["budgetboekingen"]:
        row["boekdatum"] = _date(row["boekdatum"])
    for row in tables["toewijzingen"]:
        row["startdatum"] = _date(row["startdatum"])
        row["einddatum"] = _date(row["einddatum"])
    return data, tables


def _date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@pytest.mark.slow  # the whole library on the sample: in make test-all
def test_the_sample_compares_on_one_definition(sample: tuple) -> None:
    """January 2021, the first month of version 2: both compared months (December and
    January 2020) by version 2, with their figures by version 1 beside them. (The oracle
    walks every day of every indication, so the sample is checked for one month.)"""
    data, tables = sample
    request = RunRequest(
        periods=[parse_period("2021-01")], selections=[Selection(MEASURE)], compare=True
    )
    result = run(standard_library(), data, request)
    assert _check_against_oracle(result, tables) == 2


@pytest.mark.slow  # the whole library on the sample: in make test-all
def test_the_demo_tile_no_longer_sets_two_definitions_against_each_other(sample: tuple) -> None:
    """The issue's tile: December 2021 against December 2020 by version 2 (about +10 %),
    with the old definition's December 2020 figure beside it."""
    data, tables = sample
    periods = [parse_period("2021-12")]
    request = RunRequest(periods=periods, selections=[Selection(MEASURE)], compare=True)
    result = run(standard_library(), data, request)
    (figure,) = result.figures
    c = figure.comparison
    assert c is not None and c.year_earlier_break is not None
    v2, v1 = (_by_version(tables, v, ["2020-12"])["2020-12"] for v in (2, 1))
    assert (c.year_earlier_value, c.year_earlier_break.previous_definition_value) == (v2, v1)
    html = get_renderer("html").render(result, standard_library())
    change = round((figure.value - v2) / v2 * 100)  # type: ignore[operator]
    assert f"+{change}% t.o.v. jaar eerder" in html
    assert f"volgens de oude definitie: {v1} (december 2020)" in html


# ---- random data against the oracle --------------------------------------------------------


@st.composite
def youth_data(draw: st.DrawFn) -> dict:
    days = st.dates(D(2019, 10, 1), D(2021, 6, 30))
    rows = []
    for i in range(draw(st.integers(1, 8))):
        start = draw(days)
        end = draw(
            st.one_of(st.none(), st.integers(0, 400).map(lambda n, s=start: s + dt.timedelta(n)))
        )
        rows.append(
            _indication(i, start, end, draw(st.sampled_from(["jeugdwet", "jeugdwet", "wmo"])))
        )
    bookings = [
        _booking(
            draw(st.integers(0, len(rows) - 1)),
            draw(days),
            draw(st.sampled_from(["-5", "0", "0.01", "250"])),
        )
        for _ in range(draw(st.integers(0, 8)))
    ]
    return {"toewijzingen": rows, "budgetboekingen": bookings}


@settings(max_examples=6, deadline=None)
@given(tables=youth_data(), grain=st.sampled_from(["month", "quarter", "year"]))
def test_random_data_compares_like_the_oracle(tables: dict, grain: str) -> None:
    result, _, _ = _run(tables, grain, *BOUNDS[grain])
    _check_against_oracle(result, tables)


def test_the_check_catches_a_mixed_comparison() -> None:
    """The property test's check fails on the old mistake: a year-earlier value by the
    version valid then."""
    result, _, _ = _run(HAND, "year", "2021", "2021")
    figure = result.figures[0]
    assert figure.comparison is not None
    wrong = figure.comparison.model_copy(update={"year_earlier_value": 4})
    mixed = result.model_copy(update={"figures": [figure.model_copy(update={"comparison": wrong})]})
    with pytest.raises(AssertionError):
        _check_against_oracle(mixed, HAND)
