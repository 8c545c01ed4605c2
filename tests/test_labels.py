"""Code labels (``labels NAME { "code" = "Label" }``) and declared additivity (``additive
over ...`` / ``not additive``): exact diagnostics, every renderer showing the label, JSON
keeping the code, and totals only where a measure adds up over the dimension."""

from __future__ import annotations

import datetime as dt
import json

from maatstaf.dsl import codec
from maatstaf.dsl.labels import _check_labels
from maatstaf.dsl.labels_ast import LabelsDecl
from maatstaf.dsl.load import bundled_definitions
from maatstaf.dsl.measure_facts import additive, additive_over
from maatstaf.dsl.parser import parse
from maatstaf.dsl.schema import canonical_schema
from maatstaf.engine.periods import parse_period
from maatstaf.renderers.base import get_renderer
from maatstaf.reports import plan
from maatstaf.reports.result import TableResult
from tests.helpers import library_of, loaded, problems, standard_library


def measure(name: str, rule: str, extra: str = "", unit: str = "toewijzingen") -> str:
    meta = f'label "x" unit {unit} owner "o" description "d"'
    return f"measure {name} {{\n  {meta}\n  {rule}\n  {extra}\n}}\n"


COUNT = "count toewijzingen where active in period by zwaarte"
DISTINCT = "count distinct client_id in toewijzingen where active in period by zwaarte"


# ---- diagnostics -----------------------------------------------------------------------


def test_a_code_labelled_twice_points_at_the_second(tmp_path):
    found = problems(tmp_path, 'labels zwaarte {\n  "licht" = "Licht",\n  "licht" = "L" }\n')
    assert found == [
        f"{tmp_path}/d.kpi:3:3: code 'licht' is labelled twice in 'labels zwaarte'. "
        f"First labelled at {tmp_path}/d.kpi:2:3.\n"
        '    "licht" = "L" }\n'
        "    ^^^^^^^"
    ]


def test_an_unknown_column_says_did_you_mean(tmp_path):
    found = problems(tmp_path, 'labels zwarte { "licht" = "Licht" }\n')
    assert found == [
        f"{tmp_path}/d.kpi:1:8: unknown column or dimension 'zwarte' in 'labels'. "
        "Did you mean 'zwaarte'?\n"
        '  labels zwarte { "licht" = "Licht" }\n'
        "         ^^^^^^"
    ]


def test_a_code_the_column_does_not_have_lists_its_values(tmp_path):
    found = problems(tmp_path, 'labels zwaarte { "licht" = "Licht", "extreem" = "Extreem" }\n')
    assert found == [
        f"{tmp_path}/d.kpi:1:37: 'extreem' is not a value of 'zwaarte'. "
        "Its values: licht, middel, zwaar.\n"
        '  labels zwaarte { "licht" = "Licht", "extreem" = "Extreem" }\n'
        "                                      ^^^^^^^^^"
    ]


def test_a_misspelled_code_says_did_you_mean(tmp_path):
    found = problems(tmp_path, 'labels leveringsvorm { "pbg" = "Pgb" }\n')
    assert found[0].split("\n")[0].endswith(". Did you mean 'pgb'?")
    assert found[0].startswith(f"{tmp_path}/d.kpi:1:24: 'pbg' is not a value of 'leveringsvorm'")


def test_a_code_of_a_named_dimension_is_checked_against_its_mapping(tmp_path):
    found = problems(tmp_path, 'labels verwijzer_groep { "huisarts" = "Huisarts" }\n')
    assert "'huisarts' is not a value of 'verwijzer_groep'" in found[0]
    assert found[0].split("\n")[0].endswith(". Its values: gemeente, niet_gemeente, onbekend.")


def test_an_empty_label_is_refused(tmp_path):
    found = problems(tmp_path, 'labels zwaarte { "licht" = " " }\n')
    assert found[0].startswith(f"{tmp_path}/d.kpi:1:28: the label of code 'licht' is empty")


def test_labels_declared_twice(tmp_path):
    text = 'labels wet { "wmo" = "Wmo" }\nlabels wet { "jeugdwet" = "Jeugd" }\n'
    found = problems(tmp_path, text)
    assert found[0].startswith(f"{tmp_path}/d.kpi:2:8: labels 'wet' are declared twice")
    assert f"First declared at {tmp_path}/d.kpi:1:1; join the two blocks." in found[0]


def test_a_free_text_column_takes_any_code(tmp_path):
    library = library_of(tmp_path, 'labels aanbieder { "A123" = "Zorg BV" }\n')
    assert library.label("aanbieder", "A123") == "Zorg BV"


def test_additive_over_an_unknown_dimension_says_did_you_mean(tmp_path):
    found = problems(tmp_path, measure("t.m", COUNT, "additive over zwarte"))
    assert found == [
        f"{tmp_path}/d.kpi:4:17: unknown dimension 'zwarte' in 'additive over' of measure "
        "'t.m'. Did you mean 'zwaarte'?\n"
        "    additive over zwarte\n"
        "                  ^^^^^^"
    ]


def test_a_distinct_count_cannot_claim_to_add_up_over_a_row_level_category(tmp_path):
    found = problems(tmp_path, measure("t.m", DISTINCT, "additive over zwaarte"))
    assert found == [
        f"{tmp_path}/d.kpi:4:17: measure 't.m' counts distinct client_id: one client_id can "
        "have rows in several values of 'zwaarte', so its figures do not add up over it. "
        "Remove 'zwaarte' from 'additive over', or give each client_id one value: "
        '\'by zwaarte per client_id, mixed as "...", ignoring "..."\'.\n'
        "    additive over zwaarte\n"
        "                  ^^^^^^^"
    ]


def test_a_share_cannot_claim_to_add_up(tmp_path):
    rule = 'share of toewijzingen meeting leveringsvorm = "pgb" where active in period by wet'
    found = problems(tmp_path, measure("t.m", rule, "additive over wet", unit="aandeel"))
    assert "measure 't.m' cannot be additive over 'wet': it is a share" in found[0]


def test_a_dimension_named_twice(tmp_path):
    found = problems(tmp_path, measure("t.m", COUNT, "additive over zwaarte, zwaarte"))
    assert found[0].startswith(f"{tmp_path}/d.kpi:4:26: dimension 'zwaarte' is named twice")


def test_a_misspelled_keyword_suggests_labels(tmp_path):
    found = problems(tmp_path, 'lables zwaarte { "licht" = "Licht" }\n')
    assert "Did you mean 'labels'?" in found[0]


# ---- the model ---------------------------------------------------------------------------


def test_additivity_is_inferred_and_narrowed_by_the_declaration(tmp_path):
    text = (
        measure("t.rows", COUNT)
        + measure("t.none", COUNT, "not additive")
        + measure("t.some", COUNT, "additive over gemeente")
        + measure("t.distinct", DISTINCT)
        + measure("t.peak", "count distinct client_id in toewijzingen where active in period",
                  "by piek = most simultaneous per client_id in bands \"1\" under 2, \"2+\"")
        + measure("t.ratio", "compute t.rows / t.peak", "by zwaarte", unit="aandeel")
        + measure("t.scaled", "compute t.rows * 12", "additive over zwaarte")
    )  # fmt: skip
    library = library_of(tmp_path, text)

    def over(m: str, dim: str) -> bool:
        return additive_over(library, library.measures[m].versions[0], dim)

    assert over("t.rows", "zwaarte") and over("t.rows", "gemeente")
    assert not over("t.none", "zwaarte") and not over("t.none", "gemeente")
    assert over("t.some", "gemeente") and not over("t.some", "zwaarte")
    assert not over("t.distinct", "zwaarte") and not over("t.distinct", "gemeente")
    assert over("t.peak", "piek")
    assert not over("t.ratio", "zwaarte")
    assert over("t.scaled", "zwaarte")  # a product the engine cannot judge: it says so
    assert not additive(library, library.measures["t.none"].versions[0])
    assert additive(library, library.measures["t.scaled"].versions[0])


def test_labels_and_additivity_survive_the_cache(tmp_path):
    text = 'labels zwaarte { "licht" = "Licht" }\n' + measure("t.m", COUNT, "additive over zwaarte")
    library = library_of(tmp_path, text)
    again = codec.loads(codec.dumps(library))
    assert again == library
    assert again.measures["t.m"].versions[0].additivity.over == ("zwaarte",)
    assert again.labels["zwaarte"] == {"licht": "Licht", **again.labels["zwaarte"]}


def test_a_users_labels_replace_the_standard_ones(tmp_path):
    library = library_of(tmp_path, 'labels wet { "wmo" = "Wet maatschappelijke ondersteuning" }\n')
    assert library.labels["wet"] == {"wmo": "Wet maatschappelijke ondersteuning"}
    assert library.label("zwaarte", "zwaar") == "Zwaar"  # the other standard labels stay


def test_every_standard_label_is_a_value_the_library_knows():
    """Strictly checked against the whole standard library (a user's own files get only the
    standard labels their definitions use, without complaint)."""
    library = standard_library()
    files = sorted(bundled_definitions().rglob("*.kpi"))  # labels.kpi, and definitions/cbs
    texts = [(f.read_text(encoding="utf-8"), f.name) for f in files]
    decls = [d for t in texts for d in parse(*t).declarations if isinstance(d, LabelsDecl)]
    assert len(decls) == len(library.labels) >= 10
    for decl in decls:
        # the schema the library was resolved against: with the tables it declares
        assert _check_labels(decl, library, library.table_schema or canonical_schema()) == [], (
            decl.name
        )
    assert library.label("productcategorie", "45") == "Jeugdhulp ambulant"
    assert library.label("verwijzer_groep", "niet_gemeente") == "Via een andere verwijzer"


# ---- renderers ---------------------------------------------------------------------------


def _result(figures: list[dict]):
    from tests.test_renderers import _hand

    measures = {"jeugd.unieke_jeugdigen_naar_verwijzer": ("Unieke jeugdigen", "jeugdigen")}
    rows = [
        {"measure": "jeugd.unieke_jeugdigen_naar_verwijzer", "period": "2021-Q1",
         "dimensions": {"verwijzer_groep": code}, "value": value}
        for code, value in figures
    ]  # fmt: skip
    return _hand(rows, measures)


def test_markdown_and_html_show_the_label_and_json_keeps_the_code():
    result = _result([("niet_gemeente", 12), ("beide", 3)])
    library = standard_library()
    markdown = get_renderer("markdown").render(result, library)
    html = get_renderer("html").render(result, library)
    shown = html[: html.index('id="definities"')]
    for text in (markdown, shown):
        assert "Via een andere verwijzer" in text and "Via beide" in text
        assert "niet_gemeente" not in text and "niet-gemeente" not in text
    data = json.loads(get_renderer("json").render(result, library))
    assert [f["dimensions"] for f in data["figures"]] == [
        {"verwijzer_groep": "niet_gemeente"},
        {"verwijzer_groep": "beide"},
    ]
    assert data["dimension_labels"] == {
        "verwijzer_groep": {"beide": "Via beide", "niet_gemeente": "Via een andere verwijzer"}
    }


def test_json_without_labelled_codes_has_no_labels_key():
    result = _result([("niet_gemeente", 12)])
    library = standard_library().model_copy(update={"labels": {}})
    data = json.loads(get_renderer("json").render(result, library))
    assert "dimension_labels" not in data


# ---- report tables: totals follow additivity -----------------------------------------------


REPORT = """
report r {
  title "R"
  grain quarter
  section "S" {
    table "A" { show t.rows by zwaarte columns last 1 quarter with total }
    table "B" { show t.some by zwaarte columns last 1 quarter with total }
    table "C" { show t.distinct by zwaarte columns last 1 quarter with total }
  }
}
"""


def _tw(i: str, client: str, zwaarte: str) -> dict:
    return {"toewijzing_id": i, "client_id": client, "wet": "jeugdwet", "productcode": "45A48",
            "zwaarte": zwaarte, "startdatum": dt.date(2021, 1, 1), "einddatum": None}  # fmt: skip


def test_report_totals_only_where_the_measure_adds_up(tmp_path):
    text = (
        measure("t.rows", COUNT)
        + measure("t.some", COUNT, "additive over gemeente")
        + measure("t.distinct", DISTINCT)
        + REPORT
    )
    library = library_of(tmp_path, text)
    data = loaded(toewijzingen=[_tw("a", "c1", "licht"), _tw("b", "c1", "zwaar"),
                                _tw("c", "c2", "licht")])  # fmt: skip
    result = plan(library.reports["r"], parse_period("2021-Q1"), library, data)
    rows, none, distinct = result.sections[0].items
    assert isinstance(rows, TableResult) and isinstance(none, TableResult)
    assert isinstance(distinct, TableResult)
    shown = {r.dimensions["zwaarte"]: (r.dimension_labels.get("zwaarte"), r.values[0].value)
             for r in rows.rows}  # fmt: skip
    assert shown == {"licht": ("Licht", 2), "middel": ("Middel", 0), "zwaar": ("Zwaar", 1),
                     "onbekend": (None, 0)}  # fmt: skip
    assert rows.total is not None and rows.total.values[0].value == 3
    assert none.total is None
    assert none.footnotes == ["Geen totaal: volgens de definitie telt 'x' alleen op over gemeente."]
    assert distinct.total is None  # c1 is in both: 2 + 1 would claim 3 clients, there are 2
    assert distinct.footnotes == [
        "Geen totaal: de categorieën tellen niet op tot het geheel (een cliënt kan in meer "
        "dan één categorie vallen)."
    ]


def test_a_total_of_a_measure_that_says_not_additive_is_refused(tmp_path):
    text = (
        measure("t.none", COUNT, "not additive")
        + REPORT.replace('table "A" { show t.rows', 'table "A" { show t.none').split(
            '    table "B"'
        )[0]
        + "  }\n}\n"
    )
    found = problems(tmp_path, text)
    assert (
        found[0]
        .split("\n")[0]
        .endswith(
            "'with total' adds up its rows, and 't.none' does not add up: it is declared "
            "'not additive'. Show it as a line, grouped bars or a table without a total."
        )
    )
