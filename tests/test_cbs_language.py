"""'table T merges S' (dsl/merged_table.py) and rows_per(entity): parsing, the schema they
make, the cache, and every diagnostic exactly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from maatstaf.dsl import codec
from maatstaf.dsl.errors import DefinitionError
from maatstaf.dsl.load import load_library
from maatstaf.dsl.merged_table import MergedTable, MergedTableDecl
from maatstaf.dsl.parser import parse
from maatstaf.engine.periods import make_period, periods_between
from maatstaf.engine.run import RunRequest, Selection, run
from tests.helpers import loaded

TRAJECTEN = """table trajecten merges toewijzingen {
  description "Zorg per cliënt en product"
  where wet = "jeugdwet" and client.wijk != "Buiten"
  per client_id, productcode
  adjoining within 2 days
  keep reden_wijziging
}

measure trajecten.lopend {
  label "Lopende trajecten"
  unit trajecten
  owner "Team Jeugd"
  description "Trajecten die in de periode lopen."
  count trajecten where active in period
}

measure trajecten.clienten {
  label "Cliënten naar aantal trajecten"
  unit cliënten
  owner "Team Jeugd"
  description "Cliënten met een lopend traject, naar het aantal trajecten in de periode."
  count distinct client_id in trajecten where active in period
  by aantal = rows_per(client_id) in bands "1" under 2, "2+"
}
"""


def _errors(text: str, tmp_path: Path) -> str:
    path = tmp_path / "t.kpi"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_library([path], cache=None)
    return "\n".join(d.render() for d in info.value.diagnostics).replace(str(tmp_path) + "/", "")


def test_a_merged_table_joins_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "t.kpi"
    path.write_text(TRAJECTEN, encoding="utf-8")
    table = load_library([path], cache=None).table_schema.table("trajecten")
    assert isinstance(table, MergedTable)
    assert table.source == "toewijzingen" and table.gap_days == 2
    assert table.key == ("client_id", "productcode", "startdatum")
    assert table.period == ("startdatum", "einddatum")
    assert [(c.name, c.type, c.personal) for c in table.columns] == [
        ("client_id", "text", True),
        ("productcode", "text", False),
        ("startdatum", "date", False),
        ("einddatum", "date", False),
        ("records", "integer", False),
        ("reden_wijziging", "text", False),
        ("gemeente", "text", False),
    ]
    assert [link.name for link in table.links] == ["client"]


def test_overlapping_and_plain_adjoining() -> None:
    text = "table a merges toewijzingen { per client_id overlapping }\n"
    text += "table b merges toewijzingen { per client_id adjoining }\n"
    a, b = parse(text, "t.kpi").declarations
    assert isinstance(a, MergedTableDecl) and a.definition.gap_days is None  # type: ignore[attr-defined]
    assert b.definition.gap_days == 0  # type: ignore[attr-defined]


def test_the_declaration_and_the_library_round_trip(tmp_path: Path) -> None:
    parsed = parse(TRAJECTEN, "t.kpi")
    again = codec.loads(codec.dumps(parsed))
    assert again == parsed and type(again.declarations[0]) is MergedTableDecl
    path = tmp_path / "t.kpi"
    path.write_text(TRAJECTEN, encoding="utf-8")
    library = load_library([path], cache=None)
    cached = codec.loads(codec.dumps(library))
    assert cached == library
    assert isinstance(cached.table_schema.table("trajecten"), MergedTable)


def test_a_user_merged_table_is_counted(tmp_path: Path) -> None:
    """Two rows 2 days apart merge, 3 days apart do not; a client of wijk Buiten is
    left out by the link in 'where'."""
    path = tmp_path / "t.kpi"
    path.write_text(TRAJECTEN, encoding="utf-8")
    library = load_library([path], cache=None)

    def row(tid: str, client: str, start: dt.date, end: dt.date) -> dict:
        return {"toewijzing_id": tid, "client_id": client, "wet": "jeugdwet",
                "productcode": "P", "startdatum": start, "einddatum": end}  # fmt: skip

    rows = [
        row("1", "A", dt.date(2020, 1, 1), dt.date(2020, 1, 10)),
        row("2", "A", dt.date(2020, 1, 13), dt.date(2020, 1, 20)),  # 2 days between
        row("3", "A", dt.date(2020, 1, 24), dt.date(2020, 1, 31)),  # 3 days between
        row("4", "B", dt.date(2020, 1, 1), dt.date(2020, 1, 31)),
    ]
    clienten = [{"client_id": "A", "wijk": "Noord"}, {"client_id": "B", "wijk": "Buiten"}]
    month = make_period("month", 2020, 1)
    request = RunRequest(
        periods=periods_between(month, month, "month"),
        selections=[Selection("trajecten.lopend"), Selection("trajecten.clienten")],
    )
    result = run(library, loaded(toewijzingen=rows, clienten=clienten), request)
    got = {(f.measure, tuple(f.dimensions.items())): f.value for f in result.figures}
    assert got[("trajecten.lopend", ())] == 2
    assert got[("trajecten.clienten", (("aantal", "2+"),))] == 1
    assert got[("trajecten.clienten", (("aantal", "1"),))] == 0


def test_a_block_without_per_or_merge_rule(tmp_path: Path) -> None:
    assert _errors('table t merges toewijzingen {\n  where wet = "wmo"\n}\n', tmp_path) == (
        "t.kpi:1:7: table 't' merges rows but does not say per which columns "
        "('per client_id, hulpvorm')\n"
        "  table t merges toewijzingen {\n"
        "        ^\n"
        "t.kpi:1:7: table 't' merges rows but does not say when rows merge "
        "('overlapping', or 'adjoining within 3 days')\n"
        "  table t merges toewijzingen {\n"
        "        ^"
    )


def test_two_merge_rules(tmp_path: Path) -> None:
    text = "table t merges toewijzingen {\n  per client_id\n  overlapping\n  adjoining\n}\n"
    assert _errors(text, tmp_path) == (
        "t.kpi:4:3: a merge rule ('overlapping' or 'adjoining') is given twice in table 't'. "
        "First given at t.kpi:3:3.\n"
        "    adjoining\n"
        "    ^^^^^^^^^"
    )


def test_a_margin_in_months(tmp_path: Path) -> None:
    text = "table t merges toewijzingen {\n  per client_id\n  adjoining within 3 months\n}\n"
    assert _errors(text, tmp_path) == (
        "t.kpi:3:20: the margin of 'adjoining within' is a number of days. "
        "Write for example 'adjoining within 3 days'.\n"
        "    adjoining within 3 months\n"
        "                     ^^^^^^^^"
    )


def test_columns_named_twice_or_of_its_own(tmp_path: Path) -> None:
    text = "table t merges toewijzingen {\n  per client_id, wet\n  keep wet, records\n  overlapping\n}\n"
    assert _errors(text, tmp_path) == (
        "t.kpi:3:8: column 'wet' is named twice in a merged table\n"
        "    keep wet, records\n"
        "         ^^^\n"
        "t.kpi:3:13: 'records' is a column of every merged table; it cannot be kept or merged "
        "on. A merged table has startdatum, einddatum and records of its own.\n"
        "    keep wet, records\n"
        "              ^^^^^^^"
    )


def test_unknown_names_against_the_merged_table(tmp_path: Path) -> None:
    text = (
        "table t merges toewijzingen {\n"
        '  where wett = "wmo" and client.geboortedatm is empty and clientt.wijk = "x"\n'
        "  per client_id, soort\n"
        "  keep redenwijziging\n"
        "  overlapping\n"
        "}\n"
    )
    assert _errors(text, tmp_path) == (
        "t.kpi:3:18: unknown column or dimension 'soort' in table 'toewijzingen'\n"
        "    per client_id, soort\n"
        "                   ^^^^^\n"
        "t.kpi:4:8: unknown column or dimension 'redenwijziging' in table 'toewijzingen'. "
        "Did you mean 'reden_wijziging'?\n"
        "    keep redenwijziging\n"
        "         ^^^^^^^^^^^^^^\n"
        "t.kpi:2:9: unknown column 'wett' in table 'toewijzingen'. Did you mean 'wet'?\n"
        '    where wett = "wmo" and client.geboortedatm is empty and clientt.wijk = "x"\n'
        "          ^^^^\n"
        "t.kpi:2:26: unknown column 'geboortedatm' in table 'clienten'. "
        "Did you mean 'geboortedatum'?\n"
        '    where wett = "wmo" and client.geboortedatm is empty and clientt.wijk = "x"\n'
        "                           ^^^^^^^^^^^^^^^^^^^\n"
        "t.kpi:2:59: unknown link 'clientt'. Did you mean 'client'?\n"
        '    where wett = "wmo" and client.geboortedatm is empty and clientt.wijk = "x"\n'
        "                                                            ^^^^^^^^^^^^"
    )


def test_an_unknown_source_or_one_without_dates(tmp_path: Path) -> None:
    text = (
        "table t merges toewijzing {\n  per client_id\n  overlapping\n}\n"
        "table u merges clienten {\n  per client_id\n  overlapping\n}\n"
    )
    assert _errors(text, tmp_path) == (
        "t.kpi:1:16: unknown table 'toewijzing' to merge. Did you mean 'toewijzingen'?\n"
        "  table t merges toewijzing {\n"
        "                 ^^^^^^^^^^\n"
        "t.kpi:5:16: table 'clienten' has no start and end date, so it has no runs\n"
        "  table u merges clienten {\n"
        "                 ^^^^^^^^"
    )


def test_a_misspelled_merges(tmp_path: Path) -> None:
    text = "table t merge toewijzingen {\n  per client_id\n  overlapping\n}\n"
    assert _errors(text, tmp_path) == (
        "t.kpi:1:9: unexpected 'merge'. Did you mean 'merges'?\n"
        "  table t merge toewijzingen {\n"
        "          ^^^^^"
    )


def test_rows_per_names_a_column(tmp_path: Path) -> None:
    text = TRAJECTEN.replace("rows_per(client_id)", "rows_per(clientid)")
    assert _errors(text, tmp_path) == (
        "t.kpi:23:24: unknown column 'clientid' in table 'trajecten'. Did you mean 'client_id'?\n"
        '    by aantal = rows_per(clientid) in bands "1" under 2, "2+"\n'
        "                         ^^^^^^^^"
    )
