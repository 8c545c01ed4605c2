"""Report items add up over the dimensions they do not show (issue 15): only where the
measure adds up over them (check refuses the rest, positioned); ``by a and b`` shows
several; an optional breakdown of a computed measure is asked of what it is computed from.
The per-domain figures are those the removed workaround measures (financien/per_domein.kpi)
gave, by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maatstaf.adapters.registry import load_data
from maatstaf.dsl.load import bundled_definitions, load_library
from maatstaf.dsl.parser import parse
from maatstaf.dsl.report_format import format_report
from maatstaf.engine.periods import parse_period
from maatstaf.engine.result import Figure
from maatstaf.reports import plan
from maatstaf.reports.result import TableResult, TileResult
from maatstaf.reports.source import added_up
from tests.test_report_lang import _item, _plain
from tests.test_reports import DATA
from tests.test_seed_money import BEGROTING, BETALINGEN, TABLES, _write


def _report(tmp_path: Path, items: str, grain: str = "month") -> str:
    text = f'report r {{\n  title "R"\n  grain {grain}\n  section "S" {{\n{items}\n  }}\n}}\n'
    (tmp_path / "r.kpi").write_text(text, encoding="utf-8")
    return text


def _plan(tmp_path: Path, items: str, tables: dict[str, str], period: str, grain: str = "month"):
    definitions = tmp_path / "definitions"
    definitions.mkdir()
    _report(definitions, items, grain)
    library = load_library([bundled_definitions(), definitions / "r.kpi"])
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _write(data_dir, tables)
    data = load_data(str(data_dir), schema=library.table_schema)
    return plan(library.reports["r"], parse_period(period), library, data)


def _items(result):
    return [i for s in result.sections for i in s.items]


# -- the figures of the removed per-domain measures, now from the general form ---------------


def test_a_domain_adds_up_its_taakvelden(tmp_path: Path) -> None:
    """financien.begroting by domein sums a domain's taakvelden: participatie 730000 (6.4)
    + 20000 (6.3) = 750000; the amended version and other domains stay out."""
    two = BEGROTING + "2021,participatiewet,uitvoering,20000.00,primitief,participatie,6.3\n"
    result = _plan(
        tmp_path,
        '    table "B" { show financien.begroting by domein  columns year }\n'
        '    table "P" { rows financien.begroting for domein = "participatie"  columns year }',
        {**TABLES, "begroting": two},
        "2021-04",
    )
    per_domain, participatie = _items(result)
    assert isinstance(per_domain, TableResult) and isinstance(participatie, TableResult)
    got = {r.dimensions["domein"]: r.values[0].value for r in per_domain.rows}
    assert (got["minima"], got["participatie"], got["schuldhulp"]) == (36500, 750000, 36500)
    assert [r.dimensions for r in participatie.rows] == [{}]
    assert participatie.rows[0].values[0].value == pytest.approx(750000)


def test_forecast_saldo_per_domain_and_over_all(tmp_path: Path) -> None:
    """The April forecast saldo per domain (one taakveld each): minima -2500, participatie
    180000, schuldhulp 8000; a tile without 'by' is their sum, and the note names the part
    without a figure (participatie 6.5 has ledger rows and no budget)."""
    result = _plan(
        tmp_path,
        '    table "D" { show financien.prognose_saldo by domein  columns period }\n'
        "    tile financien.prognose_saldo\n"
        '    text """Verwacht: {financien.prognose_saldo}."""',
        TABLES,
        "2021-04",
    )
    per_domain, whole, text = _items(result)
    assert text.values["financien.prognose_saldo"].value == pytest.approx(185500)
    assert isinstance(per_domain, TableResult) and isinstance(whole, TileResult)
    got = {r.dimensions["domein"]: r.values[0].value for r in per_domain.rows}
    assert got["minima"] == pytest.approx(-2500)
    assert got["participatie"] == pytest.approx(180000)
    assert got["schuldhulp"] == pytest.approx(8000)
    assert whole.rows[0].values[0].value == pytest.approx(-2500 + 180000 + 8000)
    assert [r.dimensions for r in whole.rows] == [{}]
    notes = [
        n.message
        for n in result.notes
        if n.measure == "financien.prognose_saldo" and "opgeteld" in n.message
    ]
    assert len(notes) == 1 and notes[0].startswith(
        "2021-04: opgeteld over de delen met een cijfer; geen cijfer voor domein "
    )


def test_payments_add_up_over_scheme_and_kind(tmp_path: Path) -> None:
    """Paid in February 2021: B7 2000 (TONK) + B11 1000 (PW) - 100 (B12, an IOAW refund) =
    2900, over the schemes and every kind; by kind: periodiek 3000, terugvordering -100;
    January: B9 1200."""
    more = (
        "B11,U1,2021-02-25,2021-02,periodiek,1000.00\n"
        "B12,U5,2021-02-26,2021-01,terugvordering,-100.00\n"
    )
    result = _plan(
        tmp_path,
        "    tile financien.uitbetaald\n"
        '    table "S" { show financien.uitbetaald by soort  over last 2 months  periods as rows }',
        {**TABLES, "betalingen": BETALINGEN + more},
        "2021-02",
    )
    whole, per_kind = _items(result)
    assert [r.dimensions for r in whole.rows] == [{}]
    assert whole.rows[0].values[0].value == pytest.approx(2900)
    got = {r.dimensions["soort"]: [v.value for v in r.values] for r in per_kind.rows}
    assert got["periodiek"] == [pytest.approx(1200), pytest.approx(3000)]
    assert got["terugvordering"][1] == pytest.approx(-100)


def test_an_optional_breakdown_of_a_measure(tmp_path: Path) -> None:
    """financien.begroting offers 'post': the primitive budget 2021 per post."""
    result = _plan(
        tmp_path,
        '    table "P" { show financien.begroting by post  columns year  with total }',
        TABLES,
        "2021-04",
    )
    [item] = _items(result)
    got = {r.dimensions["post"]: r.values[0].value for r in item.rows}
    assert got == {"minimabeleid": 36500, "sociale_werkvoorziening": 730000, "schuldhulp": 36500}
    assert item.total is not None and item.total.values[0].value == 803000


def test_an_optional_breakdown_of_a_same_as_measure(tmp_path: Path) -> None:
    """A measure that is the same as one offering 'wet' offers it too (it was asked of the
    measure itself only, so the report showed nothing)."""
    (tmp_path / "x.kpi").write_text(
        'measure x.n {\n label "n"\n unit cliënten\n owner "o"\n description "d"\n'
        " count distinct client_id in toewijzingen where active in period\n"
        " optionally by wet }\n"
        'measure x.same {\n label "s"\n unit cliënten\n owner "o"\n description "d"\n'
        " same as x.n }\n"
        'report r {\n title "R"\n grain quarter\n section "S" {\n'
        '  table "T" { show x.same by wet  columns period }\n }\n}\n'
    )
    library = load_library([tmp_path / "x.kpi"])
    result = plan(library.reports["r"], parse_period("2021-Q1"), library, DATA)
    [item] = _items(result)
    got = {r.dimensions["wet"]: r.values[0].value for r in item.rows}
    assert got["jeugdwet"] == 3


# -- check: where the figures do not add up ---------------------------------------------------


def test_a_tile_over_a_category_a_client_can_be_in_twice() -> None:
    assert _item("tile participatie.huishoudens_per_regeling") == (
        "rapport.kpi:4:10: 'participatie.huishoudens_per_regeling' is shown without "
        "'regeling', so its figures would be added up over it, and they do not add up: it "
        "counts distinct huishouden_id, and one huishouden_id can be in more than one value "
        "of 'regeling' (it would be counted twice). A tile shows one figure: pick one value "
        "with 'for regeling = \"...\"', or show 'participatie.huishoudens_per_regeling by "
        "regeling' in a table.\n"
        "      tile participatie.huishoudens_per_regeling\n"
        "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
    )


def test_a_chart_by_one_dimension_of_two() -> None:
    line = (
        'chart bars "L" { show participatie.clienten_naar_leeftijd_geslacht by leeftijd '
        "over period }"
    )
    assert _item(line) == (
        "rapport.kpi:4:27: 'participatie.clienten_naar_leeftijd_geslacht' is shown without "
        "'geslacht', so its figures would be added up over it, and they do not add up: it "
        "counts distinct client_id, and one client_id can be in more than one value of "
        "'geslacht' (it would be counted twice). Show it by 'geslacht' too ('by ... and "
        "geslacht'), or pick one value with 'for geslacht = \"...\"'.\n"
        f"      {line}\n"
        "                            " + "^" * len("participatie.clienten_naar_leeftijd_geslacht")
    )


def test_a_text_reference_to_a_figure_that_does_not_add_up() -> None:
    error = _item('text """{participatie.huishoudens_per_regeling} huishoudens"""')
    assert error.startswith(
        "rapport.kpi:4:14: 'participatie.huishoudens_per_regeling' is shown without 'regeling'"
    )
    assert "A text shows one figure" in error


def test_what_adds_up_passes_and_by_two_dimensions_passes(tmp_path: Path) -> None:
    items = (
        "    tile financien.prognose_saldo\n"
        '    chart bars "L" { show participatie.clienten_naar_leeftijd_geslacht '
        "by leeftijd and geslacht over period }"
    )
    _report(tmp_path, items)
    library = load_library([bundled_definitions(), tmp_path / "r.kpi"])
    chart = library.reports["r"].sections[0].items[1]
    assert (chart.series[0].by, chart.series[0].also_by) == ("leeftijd", ("geslacht",))
    assert chart.series[0].also_by_spans[0].column == 88


def test_by_the_same_dimension_twice() -> None:
    assert _item('table "T" { show jeugd.stapeling by gelijktijdig and gelijktijdig }') == (
        "rapport.kpi:4:58: 'gelijktijdig' is given twice after 'by'. "
        "Name each dimension once: by a and b.\n"
        '      table "T" { show jeugd.stapeling by gelijktijdig and gelijktijdig }\n'
        "                                                           ^^^^^^^^^^^^"
    )


def test_an_unknown_second_dimension() -> None:
    error = _item('table "T" { show jeugd.ingezette_voorzieningen by verwijzer_groep and zwarte }')
    assert error.startswith(
        "rapport.kpi:4:75: 'zwarte' is not a dimension of measure "
        "'jeugd.ingezette_voorzieningen'. Did you mean 'zwaarte'?"
    )


def test_a_filter_on_a_dimension_also_broken_down_by() -> None:
    error = _item(
        'table "T" { show jeugd.ingezette_voorzieningen for zwaarte = "licht" '
        "by verwijzer_groep and zwaarte }"
    )
    assert "is broken down by 'zwaarte' and also shown for one of its values" in error


TWO_DIMENSIONS = (
    'report r {\n  title "R"\n  section "S" {\n    table "T" {\n'
    "      show jeugd.ingezette_voorzieningen by verwijzer_groep and zwaarte\n"
    "      columns period\n    }\n  }\n}\n"
)


def test_two_dimensions_round_trip_through_the_formatter() -> None:
    first = parse(TWO_DIMENSIONS, "a.kpi").declarations[0]
    again = parse(format_report(first), "b.kpi").declarations[0]

    def plain(node):
        dump = _plain(node.model_dump())
        series = dump["sections"][0]["items"][0]["series"][0]
        assert series.pop("also_by_spans")
        return dump

    assert plain(again) == plain(first)
    assert "by verwijzer_groep and zwaarte" in format_report(first)


def test_a_report_run_without_check_shows_no_sum_that_does_not_add_up() -> None:
    """Planned directly (no check), a tile over a category a client can be in twice has no
    figure, with the reason, rather than a total that counts clients twice."""
    from maatstaf.dsl import report_ast as r
    from tests.helpers import standard_library
    from tests.test_reports import S

    library = standard_library()
    series = r.Series(span=S, measure="participatie.huishoudens_per_regeling")
    report = r.Report(
        span=S,
        id="x",
        title="x",
        sections=(r.Section(span=S, title="s", items=(r.Tile(span=S, series=series),)),),
    )
    result = plan(report, parse_period("2021-01"), library, DATA)
    [item] = _items(result)
    value = item.rows[0].values[0]
    assert value.value is None and value.state == "unavailable"
    assert (
        value.note
        == "participatie.huishoudens_per_regeling telt niet op over regeling: geen totaal"
    )


# -- added_up: the sum of the parts with a figure -------------------------------------------

_VALUES = st.one_of(st.none(), st.integers(-(10**9), 10**9), st.floats(-1e9, 1e9))


@given(st.lists(_VALUES, min_size=2, max_size=12))
def test_added_up_is_the_exact_sum_of_the_parts_with_a_figure(values) -> None:
    parts = [
        Figure(measure="m", version=1, period="2021-01", dimensions={"d": str(i)}, value=v)
        for i, v in enumerate(values)
    ]
    whole = added_up(parts)
    known = [v for v in values if v is not None]
    if not known:
        assert whole.value is None
    elif all(isinstance(v, int) for v in known):
        assert whole.value == sum(known)
    else:
        from fractions import Fraction

        exact = sum(Fraction(v) for v in known)
        assert whole.value == pytest.approx(float(exact), abs=1e-6)
    assert whole.dimensions == {}


@given(st.lists(st.integers(0, 100), min_size=2, max_size=6), st.integers(0, 5))
def test_a_hidden_part_hides_the_sum(values, at) -> None:
    parts = [
        Figure(measure="m", version=1, period="2021-01", dimensions={"d": str(i)}, value=v)
        for i, v in enumerate(values)
    ]
    at = at % len(parts)
    parts[at] = parts[at].model_copy(update={"value": None, "suppressed": "<5"})
    whole = added_up(parts)
    assert whole.value is None and whole.suppressed == "<5"


def test_a_sum_of_one_part_is_that_figure() -> None:
    part = Figure(measure="m", version=1, period="2021-01", dimensions={}, value=7)
    assert added_up([part]) is part


def _documented() -> list[str]:
    docs = (Path(__file__).parents[1] / "docs" / "language.md").read_text(encoding="utf-8")
    part = docs.split("#### Dimensions an item does not show", 1)[1]
    return part.split("```")[1:4:2]


def test_the_documented_items_check(tmp_path: Path) -> None:
    example, _ = _documented()
    _report(tmp_path, example)
    library = load_library([bundled_definitions(), tmp_path / "r.kpi"])
    assert len(library.reports["r"].sections[0].items) == 4


def test_the_documented_error_is_the_real_one() -> None:
    _, error = _documented()
    assert error.strip("\n") == _item("tile participatie.huishoudens_per_regeling")


def test_two_dimensions_survive_the_library_cache() -> None:
    from maatstaf.dsl import codec

    report = parse(TWO_DIMENSIONS, "a.kpi").declarations[0]
    again = codec.loads(codec.dumps(report))
    assert again == report
    assert again.sections[0].items[0].series[0].also_by == ("zwaarte",)
