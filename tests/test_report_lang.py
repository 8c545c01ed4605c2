"""Report declarations (issue 13): parsing, positioned check errors, warning bands, graph."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from maatstaf.dsl.errors import DefinitionError
from maatstaf.dsl.load import _parse_all, bundled_definitions, find_files, load_library, read_all
from maatstaf.dsl.parser import parse
from maatstaf.dsl.report_format import format_report
from maatstaf.dsl.resolve import resolve
from maatstaf.dsl.schema import canonical_schema
from maatstaf.dsl.table_decl import library_schema
from maatstaf.engine.graph import build_graph, graph_json, impact_reports

FULL = '''report voorbeeld {
  title    "Dashboard sociaal domein"
  subtitle "Gemeente Hilversum"
  source   "Hilversum, raadsdashboard sociaal domein 2021 Q1"
  grain    quarter

  section "Kerncijfers" {
    tile jeugd.unieke_jeugdigen
      compare previous period, same period last year
    tile tijdigheid for regeling = "jeugdwet"
    text """Het college rapporteert per kwartaal. {jeugd.unieke_jeugdigen} jeugdigen
            ontvingen jeugdhulp in {period}."""
  }

  section "Jeugd" {
    chart combination "Instroom, uitstroom en unieke cliënten" {
      bars  jeugd.instroom, jeugd.uitstroom
      line  jeugd.unieke_clienten on right axis
      over  last 36 months
    }
    chart stacked bars "Stapeling" { show jeugd.stapeling by gelijktijdig  over last 4 quarters }
    chart grouped bars "Verwijzers" { show jeugd.unieke_jeugdigen_naar_verwijzer by verwijzer_groep  over years 2019 to 2021 }
    chart line "Unieke jeugdigen" { show jeugd.unieke_jeugdigen  over last 24 months }
    chart donut "Zwaarte" { show jeugd.actieve_voorzieningen by zwaarte }
    chart small multiples per year "Instroom per jaar" { show jeugd.instroom  over last 3 years by month }
    chart small multiples per category "Zwaarte" { show jeugd.actieve_voorzieningen by zwaarte over last 12 months }

    table "Jeugd per kwartaal" {
      rows    jeugd.instroom, jeugd.uitstroom, jeugd.unieke_clienten
      columns quarters of year, year, year to date
      compare same period last year
    }
    table "Stapeling" {
      show    jeugd.stapeling by gelijktijdig
      columns years 2019 to 2021
      with total, percentages
      sorted by value descending
    }
    table "Snapshots" {
      rows    wmo.unieke_clienten, jeugd.unieke_clienten
      columns snapshots january, april, july, october
      compare 1 periods back
    }
    table "Per maand" { show wmo.instroom  periods as rows  over last 12 months }
  }
}
'''


@cache
def _standard():
    # the standard measures without the shipped reports: each test declares its own
    files = [f for f in find_files([bundled_definitions()]) if "rapporten" not in f[0].parts]
    read, unreadable = read_all(files)
    files, sources, problems = _parse_all(read, unreadable)
    assert not problems
    return files, sources


def _library(text: str, name: str = "rapport.kpi"):
    files, sources = _standard()
    schema, _ = library_schema(files, canonical_schema())  # with the tables it declares
    return resolve([*files, parse(text, name)], {**sources, name: text}, schema)


def _error(text: str) -> str:
    with pytest.raises(DefinitionError) as info:
        _library(text)
    return "\n".join(d.render() for d in info.value.diagnostics)


def _item(line: str) -> str:
    """The diagnostics of a report with one item, written on line 4."""
    return _error(f'report r {{\n  title "R"\n  section "S" {{\n    {line}\n  }}\n}}\n')


def _plain(value):
    """A dump without source positions, to compare two parses of different text."""
    if isinstance(value, dict):
        skip = {"span", "text", "by_span", "filter_spans"}
        return {k: _plain(v) for k, v in value.items() if k not in skip}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# -- the full example -------------------------------------------------------------------


def test_full_example_checks_against_the_standard_library():
    library = _library(FULL)
    report = library.reports["voorbeeld"]
    assert (report.title, report.subtitle, report.grain) == (
        "Dashboard sociaal domein",
        "Gemeente Hilversum",
        "quarter",
    )
    kinds = [i.kind if i.kind != "chart" else i.chart for s in report.sections for i in s.items]
    assert kinds == [
        "tile", "tile", "text", "combination", "stacked_bars", "grouped_bars", "line",
        "donut", "small_multiples_year", "small_multiples_category",
        "table", "table", "table", "table",
    ]  # fmt: skip


def test_full_example_items_in_detail():
    report = _library(FULL).reports["voorbeeld"]
    tile, tile2, text = report.sections[0].items
    assert [c.kind for c in tile.compare] == ["previous", "year_earlier"]
    assert tile2.series.filter == {"regeling": "jeugdwet"}
    assert text.markdown == (
        "Het college rapporteert per kwartaal. {jeugd.unieke_jeugdigen} jeugdigen\n"
        "ontvingen jeugdhulp in {period}."
    )
    assert [(r.name, r.span.line, r.span.column) for r in text.refs] == [
        ("jeugd.unieke_jeugdigen", 11, 52),
        ("period", 12, 37),
    ]
    combo, stacked, _, line, donut, multiples, _ = report.sections[1].items[:7]
    assert [(s.measure, s.style, s.axis) for s in combo.series] == [
        ("jeugd.instroom", "bars", "left"),
        ("jeugd.uitstroom", "bars", "left"),
        ("jeugd.unieke_clienten", "line", "right"),
    ]
    assert (combo.window.kind, combo.window.count, combo.window.grain) == ("last", 36, "month")
    assert (stacked.window.count, stacked.window.grain) == (4, "quarter")
    assert donut.window.kind == "at"
    assert (multiples.window.count, multiples.window.grain, multiples.window.by) == (
        3,
        "year",
        "month",
    )
    quarters, stapeling, snapshots, per_maand = report.sections[1].items[7:]
    assert [w.kind for w in quarters.columns.windows] == [
        "quarters_of_year",
        "year",
        "year_to_date",
    ]
    assert (stapeling.total, stapeling.percentages, stapeling.sort) == (True, True, "value_desc")
    assert snapshots.columns.windows[0].months == (1, 4, 7, 10)
    assert (snapshots.compare[0].kind, snapshots.compare[0].periods) == ("back", 1)
    assert per_maand.periods_as == "rows"
    assert line.window.count == 24


def test_round_trip_of_the_full_example():
    first = parse(FULL, "a.kpi").declarations[0]
    text = format_report(first)
    second = parse(text, "b.kpi").declarations[0]
    assert _plain(second.model_dump()) == _plain(first.model_dump())
    assert format_report(second) == text


def test_report_json_round_trip():
    report = parse(FULL, "a.kpi").declarations[0]
    again = type(report).model_validate_json(report.model_dump_json())
    assert again == report


def test_standard_library_still_checks():
    library = load_library()
    assert len(library.measures) >= 60


# -- check errors, each with its position, caret and hint --------------------------------


def test_unknown_measure_with_did_you_mean():
    assert _item("tile jeugd.instroon") == (
        "rapport.kpi:4:10: unknown measure 'jeugd.instroon'. Did you mean 'jeugd.instroom'?\n"
        "      tile jeugd.instroon\n"
        "           ^^^^^^^^^^^^^^"
    )


def test_unknown_version():
    assert _item("tile jeugd.instroom@4") == (
        "rapport.kpi:4:10: measure 'jeugd.instroom' has no version 4. Its versions: 1.\n"
        "      tile jeugd.instroom@4\n"
        "           ^^^^^^^^^^^^^^^^"
    )


def test_unknown_dimension_in_for():
    assert _item('tile tijdigheid for regelingg = "jeugdwet"') == (
        "rapport.kpi:4:25: 'regelingg' is not a dimension of measure 'tijdigheid'. "
        "Did you mean 'regeling'?\n"
        '      tile tijdigheid for regelingg = "jeugdwet"\n'
        "                          ^^^^^^^^^^^^^^^^^^^^^^"
    )


def test_unknown_declared_value():
    assert _item('tile jeugd.stapeling for gelijktijdig = "5"') == (
        "rapport.kpi:4:30: '5' is not a value of dimension 'gelijktijdig' of measure "
        "'jeugd.stapeling'. Its values: 1, 2, 3, 4+.\n"
        '      tile jeugd.stapeling for gelijktijdig = "5"\n'
        "                               ^^^^^^^^^^^^^^^^^^"
    )


def test_misspelt_declared_value_of_a_named_dimension():
    message = _item(
        'chart line "x" { show jeugd.ingezette_voorzieningen for verwijzer_groep = "gemeent" }'
    )
    assert message.startswith(
        "rapport.kpi:4:61: 'gemeent' is not a value of dimension 'verwijzer_groep' of measure "
        "'jeugd.ingezette_voorzieningen'. Did you mean 'gemeente'?"
    )


def test_free_text_column_values_are_not_checked():
    library = _library(
        'report r { title "R" section "S" { tile tijdigheid for regeling = "jeugdwett" } }'
    )
    assert "r" in library.reports


def test_by_a_dimension_the_measure_does_not_have():
    assert _item('chart line "x" { show jeugd.instroom by zwaarte }') == (
        "rapport.kpi:4:45: 'zwaarte' is not a dimension of measure 'jeugd.instroom'. "
        "It has no dimensions.\n"
        '      chart line "x" { show jeugd.instroom by zwaarte }\n'
        "                                              ^^^^^^^"
    )


def test_stacked_bars_of_a_share():
    assert _item('chart stacked bars "x" { show tijdigheid by regeling }') == (
        "rapport.kpi:4:35: a stacked bars chart shows parts of a whole, and 'tijdigheid' does "
        "not add up: it is a share. Show it as a line, grouped bars or a table without a "
        "total.\n"
        '      chart stacked bars "x" { show tijdigheid by regeling }\n'
        "                                    ^^^^^^^^^^"
    )


def test_stacked_bars_of_a_ratio():
    message = _item(
        'chart stacked bars "x" { show jeugd.actieve_voorzieningen_aandeel by zwaarte }'
    )
    assert "'jeugd.actieve_voorzieningen_aandeel' does not add up: it is computed" in message
    assert message.startswith("rapport.kpi:4:35: a stacked bars chart shows parts of a whole")


def test_stacked_bars_of_counts_is_fine():
    text = 'report r { title "R" section "S" { chart stacked bars "x" { show jeugd.stapeling by gelijktijdig } } }'
    assert _library(text).reports["r"].sections[0].items[0].chart == "stacked_bars"


def test_donut_without_by():
    assert _item('chart donut "x" { show jeugd.actieve_voorzieningen }') == (
        "rapport.kpi:4:28: a donut chart shows the values of a dimension, and "
        "'jeugd.actieve_voorzieningen' is shown without 'by'. Write 'show "
        "jeugd.actieve_voorzieningen by DIMENSION' (its dimensions: zwaarte).\n"
        '      chart donut "x" { show jeugd.actieve_voorzieningen }\n'
        "                             ^^^^^^^^^^^^^^^^^^^^^^^^^^^"
    )


def test_combination_without_a_line():
    assert _item('chart combination "x" { bars jeugd.instroom }') == (
        "rapport.kpi:4:5: a combination chart has bars and a line; this one has no 'line'. "
        "Add 'bars MEASURE, ...' and 'line MEASURE' inside its braces, or choose another "
        "kind of chart.\n"
        '      chart combination "x" { bars jeugd.instroom }\n'
        "      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
    )


def test_combination_with_show():
    assert _item('chart combination "x" { show jeugd.instroom }').startswith(
        "rapport.kpi:4:34: a combination chart names its parts with 'bars' and 'line', not "
        "'show'. Write 'bars jeugd.instroom' or 'line jeugd.instroom'."
    )


def test_bars_in_a_line_chart():
    assert _item('chart line "x" { bars jeugd.instroom }').startswith(
        "rapport.kpi:4:27: 'bars' is a part of a combination chart; a line chart shows its "
        "measures with 'show'."
    )


def test_snapshot_month_outside_1_to_12():
    assert _item('table "x" { rows jeugd.instroom columns snapshots 1, 4, 13 }') == (
        "rapport.kpi:4:61: month 13 does not exist. A month is 1 (January) to 12.\n"
        '      table "x" { rows jeugd.instroom columns snapshots 1, 4, 13 }\n'
        "                                                              ^^"
    )


def test_snapshot_month_misspelt():
    assert _item('table "x" { rows jeugd.instroom columns snapshots january, apirl }') == (
        "rapport.kpi:4:64: 'apirl' is not a month. Did you mean 'april'?\n"
        '      table "x" { rows jeugd.instroom columns snapshots january, apirl }\n'
        "                                                                 ^^^^^"
    )


def test_dutch_month_names_and_numbers():
    text = 'report r { title "R" section "S" { table "x" { rows jeugd.instroom columns snapshots januari, 4, juli, october } } }'
    table = _library(text).reports["r"].sections[0].items[0]
    assert table.columns.windows[0].months == (1, 4, 7, 10)


def test_years_in_the_wrong_order():
    assert _item('table "x" { rows jeugd.instroom columns years 2021 to 2019 }') == (
        "rapport.kpi:4:45: the years run from 2021 to 2019: the first comes after the last. "
        "Write 'years 2019 to 2021'.\n"
        '      table "x" { rows jeugd.instroom columns years 2021 to 2019 }\n'
        "                                              ^^^^^^^^^^^^^^^^^^"
    )


def test_two_reports_with_one_id():
    text = 'report r { title "A" }\nreport r { title "B" }\n'
    assert _error(text) == (
        "rapport.kpi:2:1: report 'r' is defined twice. First defined at rapport.kpi:1:1.\n"
        '  report r { title "B" }\n'
        "  ^^^^^^^^^^^^^^^^^^^^^^"
    )


def test_text_reference_to_an_unknown_measure():
    assert _item('text "In {period}: {jeugd.instrom} jeugdigen."') == (
        "rapport.kpi:4:25: unknown measure 'jeugd.instrom' in text. "
        "Did you mean 'jeugd.instroom'?\n"
        '      text "In {period}: {jeugd.instrom} jeugdigen."\n'
        "                          ^^^^^^^^^^^^^"
    )


def test_every_problem_is_reported_at_once():
    text = (
        'report r {\n  title "R"\n  section "S" {\n'
        "    tile jeugd.instroon\n"
        '    chart donut "x" { show jeugd.actieve_voorzieningen }\n'
        '    text "{wmo.instrom}"\n  }\n}\n'
    )
    lines = [line for line in _error(text).splitlines() if line.startswith("rapport.kpi")]
    assert [line.split(": ")[0] for line in lines] == [
        "rapport.kpi:4:10",
        "rapport.kpi:5:28",
        "rapport.kpi:6:12",
    ]


def test_grain_the_measure_has_no_figures_for():
    message = _item('chart line "x" { show begroting over last 12 months }')
    assert message.startswith(
        "rapport.kpi:4:27: measure 'begroting' has no figures per month (its grains: year)"
    )


def test_tile_with_a_breakdown():
    assert _item("tile tijdigheid by regeling").startswith(
        "rapport.kpi:4:24: a tile shows one figure, not a breakdown. Pick one value with "
        "'for regeling = \"...\"'"
    )


def test_small_multiples_per_year_need_years_at_a_finer_grain():
    assert _item(
        'chart small multiples per year "x" { show jeugd.instroom over last 12 months }'
    ).startswith(
        "rapport.kpi:4:67: small multiples per year show years at a finer grain. Write 'over "
        "last 3 years by month'"
    )


def test_total_of_measure_rows():
    assert _item('table "x" { rows jeugd.instroom, jeugd.uitstroom with total }') == (
        "rapport.kpi:4:54: 'with total' adds up the values of one measure's breakdown. "
        "Use it with 'show MEASURE by DIMENSION'.\n"
        '      table "x" { rows jeugd.instroom, jeugd.uitstroom with total }\n'
        "                                                       ^^^^^^^^^^"
    )


def test_percentages_of_a_share():
    assert "'with percentages' adds up its rows, and 'tijdigheid' does not add up" in _item(
        'table "x" { show tijdigheid by regeling columns year with percentages }'
    )


def test_by_finer_than_its_window():
    assert _item('chart line "x" { show jeugd.instroom over last 3 months by quarter }') == (
        "rapport.kpi:4:47: 'by quarter' shows months at a finer grain, and quarter is not "
        "finer than month. Drop 'by ...': a month has no finer grain.\n"
        '      chart line "x" { show jeugd.instroom over last 3 months by quarter }\n'
        "                                                ^^^^^^^^^^^^^^^^^^^^^^^^"
    )


def test_misspelt_window_word():
    assert _item('chart line "x" { show jeugd.instroom over lats 3 months }').startswith(
        "rapport.kpi:4:47: unexpected 'lats'. Expected last, months, period, previous, quarters, year "
        "or years."
    )


def test_report_without_title():
    assert _error("report r { grain month }") == (
        "rapport.kpi:1:1: report 'r' has no title. Add a title, e.g. title \"Dashboard "
        'sociaal domein".\n'
        "  report r { grain month }\n"
        "  ^^^^^^^^^^^^^^^^^^^^^^^^"
    )


# -- targets with warning bands ----------------------------------------------------------

MEASURE = """measure m {{
  label "M" unit aandeel owner "o" description "d"
  share of toewijzingen meeting wet = "wmo"
  by wet
  {target}
}}
"""


def _target(target: str):
    return parse(MEASURE.format(target=target), "m.kpi").declarations[0].body.targets[0]


def test_warning_band_is_carried():
    target = _target('target >= 95% warn >= 90% when wet = "wmo"')
    assert (target.op, float(target.value.value), target.warn_op, float(target.warn.value)) == (
        ">=",
        0.95,
        ">=",
        0.9,
    )
    assert target.when is not None
    otherwise = _target("target <= 10 warn <= 12 otherwise")
    assert (otherwise.otherwise, otherwise.warn_op, int(otherwise.warn.value)) == (True, "<=", 12)
    assert _target("target >= 95%").warn is None


def _target_error(target: str) -> str:
    with pytest.raises(DefinitionError) as info:
        parse(MEASURE.format(target=target), "m.kpi")
    return "\n".join(d.render() for d in info.value.diagnostics)


def test_warning_band_on_the_passing_side():
    assert _target_error("target >= 95% warn >= 97%") == (
        "m.kpi:5:25: the warning band lies on the failing side of the target: below 95%. A "
        "figure that misses 'target >= 95%' may still meet 'warn'; give a bound below 95%.\n"
        "    target >= 95% warn >= 97%\n"
        "                          ^^^"
    )


def test_warning_band_equal_to_the_target():
    assert "below 95%" in _target_error("target >= 95% warn >= 95%")
    assert "above 10" in _target_error("target <= 10 warn <= 8")


def test_warning_band_pointing_the_other_way():
    assert _target_error("target >= 95% warn <= 90%").startswith(
        "m.kpi:5:22: the warning band points the other way than the target ('>='). "
        "Write 'warn >= ...'."
    )


def test_warning_band_of_an_exact_target():
    assert _target_error("target = 0 warn >= 1").startswith(
        "m.kpi:5:14: a target with '=' has no warning band"
    )


def test_warning_band_of_another_kind():
    assert _target_error("target >= 95% warn >= 90").startswith(
        "m.kpi:5:25: the target is a percentage, so its warning band is a percentage too"
    )


# -- graph and impact --------------------------------------------------------------------


def test_reports_are_nodes_of_the_graph():
    library = _library(FULL)
    graph = build_graph(library)
    edges = graph_json(graph)["edges"]
    assert {"from": "measure:jeugd.stapeling", "to": "report:voorbeeld"} in edges
    assert {"from": "measure:tijdigheid", "to": "report:voorbeeld"} in edges
    assert not any(
        e["from"] == "measure:jeugd.herindicaties" for e in edges if e["to"].startswith("report:")
    )


def test_impact_names_the_reports_a_change_moves():
    library = _library(FULL)
    graph = build_graph(library)
    assert impact_reports(library, graph, "jeugd.stapeling") == ["voorbeeld"]
    # a parameter file moves tijdigheid (its norms), which the report shows
    assert impact_reports(library, graph, "definitions/parameters.kpi") == ["voorbeeld"]
    assert impact_reports(library, graph, "jeugd.herindicaties") == []
    assert impact_reports(library, graph, "rapport.kpi") == ["voorbeeld"]
    assert impact_reports(library, graph, "voorbeeld") == ["voorbeeld"]


def test_the_documented_example_checks():
    docs = (Path(__file__).parent.parent / "docs" / "language.md").read_text(encoding="utf-8")
    example = docs.split("## Reports", 1)[1].split("```", 2)[1]
    library = _library(example, "language.md")
    assert list(library.reports) == ["voorbeeld"]
    assert len([i for s in library.reports["voorbeeld"].sections for i in s.items]) == 14


def test_the_readme_example_checks():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("report voorbeeld {")
    example = readme[start : readme.index("```", start)]
    library = _library(example, "README.md")
    assert [len(s.items) for s in library.reports["voorbeeld"].sections] == [3]


def test_previous_year_window_parses_checks_and_round_trips():
    text = (
        'report r {\n  title "R"\n  grain quarter\n  section "S" {\n'
        '    table "x" { rows jeugd.instroom\n'
        "      columns previous year by quarter, previous year, quarters of year }\n  }\n}\n"
    )
    report = _library(text).reports["r"]
    windows = report.sections[0].items[0].columns.windows
    assert [(w.kind, w.by) for w in windows] == [
        ("previous_year", "quarter"),
        ("previous_year", None),
        ("quarters_of_year", None),
    ]
    assert "previous year by quarter, previous year, quarters of year" in format_report(report)


def test_previous_year_by_a_coarser_grain_is_an_error():
    assert "'by year' shows years at a finer grain" in _item(
        'table "x" { rows jeugd.instroom columns previous year by year }'
    )
