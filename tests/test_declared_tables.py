"""Tables declared in the language: a controller adds a source table and measures on it in
one .kpi file, with the data in a CSV folder or in PostgreSQL, without touching Python."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from maatstaf.adapters.registry import load_data
from maatstaf.cli import app
from maatstaf.dsl import codec
from maatstaf.dsl.cache import LibraryCache
from maatstaf.dsl.errors import DefinitionError
from maatstaf.dsl.load import bundled_definitions, load_library
from maatstaf.dsl.schema import canonical_schema
from maatstaf.dsl.table_decl import TableDecl
from tests import oracle
from tests.helpers import run_engine

D = dt.date

KLACHTEN = """\
table klachten {
  description "Klachten over de toegang, één rij per klacht."
  column klacht_id text required
  column client_id text required personal
  column ontvangen_op date required
  column afgehandeld_op date
  column uitkomst text values "gegrond", "ongegrond"
  column bedrag decimal
  key klacht_id
  period from ontvangen_op until afgehandeld_op
  link client = client_id -> clienten
  exclude where klacht_id = "TEST"
}

measure klachten.ontvangen {
  label "Ontvangen klachten"
  unit "klachten"
  owner "Team Kwaliteit"
  description "Klachten ontvangen in de periode."
  count klachten
  where ontvangen_op in period
}

measure klachten.gegrond_noord {
  label "Gegronde klachten uit Noord"
  unit "klachten"
  owner "Team Kwaliteit"
  description "Gegronde klachten van cliënten uit wijk Noord, ontvangen in de periode."
  count klachten
  where ontvangen_op in period and uitkomst = "gegrond" and client.wijk = "Noord"
}

measure klachten.bedrag {
  label "Vergoed bij klachten"
  unit "euro"
  owner "Team Kwaliteit"
  description "Het bedrag van de klachten ontvangen in de periode."
  sum bedrag in klachten
  where ontvangen_op in period
}

measure klachten.open {
  label "Openstaande klachten"
  unit "klachten"
  owner "Team Kwaliteit"
  description "Klachten die op de laatste dag van de periode nog niet zijn afgehandeld."
  count klachten
  where active on period.end
}
"""

# K4 has a code outside the list, K6 a date that does not exist, TEST is scoped out.
KLACHTEN_ROWS = [
    ("K1", "C1", "2021-01-05", "2021-02-01", "gegrond", "10.50"),
    ("K2", "C2", "2021-01-20", "", "ongegrond", ""),
    ("K3", "C3", "2021-02-03", "2021-02-10", "gegrond", "2.25"),
    ("K4", "C1", "2021-03-15", "", "misschien", ""),
    ("K5", "C2", "2021-03-02", "", "gegrond", "4"),
    ("K6", "C3", "2021-02-30", "", "gegrond", ""),
    ("TEST", "C1", "2021-01-10", "", "gegrond", "99"),
]
CLIENTEN_ROWS = [("C1", "Noord"), ("C2", "Zuid"), ("C3", "Noord")]

# by hand: K1, K2 in January; K3 in February (K6 rejected); K5 in March (K4 rejected)
EXPECTED = {
    ("klachten.ontvangen", "2021-01"): 2,
    ("klachten.ontvangen", "2021-02"): 1,
    ("klachten.ontvangen", "2021-03"): 1,
    ("klachten.gegrond_noord", "2021-01"): 1,  # K1 (C1 Noord); K2 is ongegrond
    ("klachten.gegrond_noord", "2021-02"): 1,  # K3 (C3 Noord)
    ("klachten.gegrond_noord", "2021-03"): 0,  # K5 is C2, Zuid
    ("klachten.bedrag", "2021-01"): 10.5,
    ("klachten.bedrag", "2021-02"): 2.25,
    ("klachten.bedrag", "2021-03"): 4.0,
    ("klachten.open", "2021-01"): 2,  # K1 until 1 February, K2 open
    ("klachten.open", "2021-02"): 1,  # K2
    ("klachten.open", "2021-03"): 2,  # K2, K5
}


def _csv(header: str, rows: list[tuple[str, ...]]) -> str:
    return header + "\n" + "".join(",".join(r) + "\n" for r in rows)


@pytest.fixture
def kpi(tmp_path: Path) -> Path:
    path = tmp_path / "klachten.kpi"
    path.write_text(KLACHTEN, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "toewijzingen.csv").write_text(
        "toewijzing_id,client_id,wet,productcode,startdatum\nT1,C1,wmo,P1,2021-01-01\n"
    )
    (data / "clienten.csv").write_text(_csv("client_id,wijk", CLIENTEN_ROWS))
    header = "klacht_id,client_id,ontvangen_op,afgehandeld_op,uitkomst,bedrag"
    (data / "klachten.csv").write_text(_csv(header, KLACHTEN_ROWS))
    return data


def _figures(result) -> dict[tuple[str, str], float | int | None]:
    return {(f.measure, f.period): f.value for f in result.figures if not f.dimensions}


def _errors(text: str, tmp_path: Path, name: str = "t.kpi") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_library([path], cache=None)
    return "\n".join(d.render() for d in info.value.diagnostics).replace(str(tmp_path) + "/", "")


# ---- the library's schema ---------------------------------------------------------------


def test_a_declared_table_joins_the_canonical_schema(kpi: Path) -> None:
    library = load_library([kpi])
    schema = library.table_schema
    assert schema.table_names == (*canonical_schema().table_names, "klachten")
    table = schema.table("klachten")
    assert table is not None
    assert table.description == "Klachten over de toegang, één rij per klacht."
    assert table.key == ("klacht_id",) and table.period == ("ontvangen_op", "afgehandeld_op")
    assert [(c.name, c.type, c.required, c.personal) for c in table.columns] == [
        ("klacht_id", "text", True, False),
        ("client_id", "text", True, True),
        ("ontvangen_op", "date", True, False),
        ("afgehandeld_op", "date", False, False),
        ("uitkomst", "text", False, False),
        ("bedrag", "decimal", False, False),
        ("gemeente", "text", False, False),  # every table may name its municipality
    ]
    assert table.column("uitkomst").values == ("gegrond", "ongegrond")  # type: ignore[union-attr]
    assert [(link.name, link.column, link.table) for link in table.links] == [
        ("client", "client_id", "clienten")
    ]
    assert len(library.scopes["klachten"]) == 1
    # the standard rules still apply to the standard tables
    assert library.scopes["toewijzingen"]


def test_the_standard_library_adds_the_tables_of_the_seeds_and_the_messages() -> None:
    """The canonical tables, plus the tables for the rest of the seeds (seedtabellen.kpi) and
    what the iJw/iWmo messages carry (berichten.kpi), and their new columns on canonical
    tables; nothing else changes. The merged tables (definitions/cbs/) are derived, never
    read."""
    from maatstaf.adapters.registry import read_schema

    schema, canonical = read_schema(load_library().table_schema), canonical_schema()
    added_tables = set(schema.table_names) - set(canonical.table_names)
    assert added_tables == {
        "leveringen", "grootboek", "betalingen", "schuldhulp", "signalen",
        "minimaregelingen", "doelgroepen", "meldingen", "klachten", "tevredenheid",
    }  # fmt: skip
    new_columns = {
        "toewijzingen": {"verwijzer_naam"},
        "clienten": {"geslacht", "huishouden_id"},
        "begroting": {"domein", "taakveld"},
    }
    for table in canonical.tables:
        extended = schema.table(table.name)
        assert extended is not None
        added = {c.name for c in extended.columns} - {c.name for c in table.columns}
        assert added == new_columns.get(table.name, set()), table.name


def test_without_declarations_the_schema_is_the_canonical_one() -> None:
    # the standard library declares the seed tables (seedtabellen.kpi); its population
    # measures with the standard rules declare none
    populatie = bundled_definitions() / "populatie"
    assert load_library([populatie]).table_schema == canonical_schema()


def test_the_cache_gives_back_the_declared_table(kpi: Path, tmp_path: Path) -> None:
    library = load_library([kpi])
    again = codec.loads(codec.dumps(library))
    assert again == library and again.table_schema == library.table_schema
    cache = LibraryCache(tmp_path / "cache")
    first = load_library([kpi], cache=cache)
    second = load_library([kpi], cache=cache)
    assert second == first and second.table_schema.table("klachten") is not None
    assert any((tmp_path / "cache").iterdir())


def test_the_declaration_node_round_trips(kpi: Path) -> None:
    from maatstaf.dsl.parser import parse

    parsed = parse(KLACHTEN, "klachten.kpi")
    [decl] = [d for d in parsed.declarations if isinstance(d, TableDecl)]
    again = codec.loads(codec.dumps(parsed))
    assert again == parsed and type(again.declarations[0]) is TableDecl
    assert decl.spans["name"].line == 1 and decl.spans["column:bedrag"].line == 8


def test_a_block_of_exclude_rules_alone_still_only_scopes(tmp_path: Path) -> None:
    from maatstaf.dsl import ast
    from maatstaf.dsl.parser import parse

    parsed = parse('table toewijzingen { exclude where wet = "wmo" }', "t.kpi")
    assert type(parsed.declarations[0]) is ast.TableScopeDecl


def test_extends_adds_columns_and_keeps_the_standard_rules(tmp_path: Path) -> None:
    path = tmp_path / "geslacht.kpi"
    path.write_text(
        'table clienten extends { column geslacht text values "0", "1", "2", "3" }\n'
        "table toewijzingen extends { column verwijzer_naam text }\n"
        'measure vrouwen { label "Vrouwen" unit "personen" owner "x" description "x"\n'
        '  count clienten where geslacht = "2" }\n'
    )
    library = load_library([path])
    clienten = library.table_schema.table("clienten")
    assert clienten is not None and clienten.column_names[-1] == "geslacht"
    assert clienten.key == ("client_id",)
    # an 'extends' block does not replace the standard rule (reden 13) of toewijzingen
    assert library.scopes["toewijzingen"] == load_library().scopes["toewijzingen"]
    data = tmp_path / "data"
    data.mkdir()
    (data / "toewijzingen.csv").write_text(
        "toewijzing_id,client_id,wet,productcode,startdatum,verwijzer_naam\n"
        "T1,C1,wmo,P1,2021-01-01,Huisartsenpraktijk De Linde\n"
    )
    (data / "clienten.csv").write_text("client_id,geslacht\nC1,2\nC2,1\nC3,2\nC4,9\n")
    loaded = load_data(str(data), schema=library.table_schema)
    assert [(r.row, r.column) for r in loaded.rejected] == [(5, "geslacht")]
    result = run_engine(loaded, "year", D(2021, 1, 1), D(2021, 12, 31), library=library)
    assert _figures(result) == {("vrouwen", "2021"): 2}


# ---- diagnostics ------------------------------------------------------------------------


def test_an_unknown_type_is_named_with_did_you_mean(tmp_path: Path) -> None:
    text = "table klachten {\n  column klacht_id txt required\n}\n"
    assert _errors(text, tmp_path) == (
        "t.kpi:2:20: unknown column type 'txt'. Did you mean 'text'?\n"
        "    column klacht_id txt required\n"
        "                     ^^^"
    )


def test_a_key_period_history_or_link_naming_an_unknown_column(tmp_path: Path) -> None:
    text = (
        "table klachten {\n"
        "  column klacht_id text\n"
        "  column ontvangen_op date\n"
        "  column status text\n"
        "  key klachtid\n"
        "  period from ontvangen_op until afgehandeld_op\n"
        "  history geregistreerd_op\n"
        "  link client = clientid -> clienten\n"
        "  group afhandeling = status, statuss\n"
        "}\n"
    )
    assert _errors(text, tmp_path).splitlines()[::3] == [
        "t.kpi:5:7: unknown column 'klachtid' in table 'klachten'. Did you mean 'klacht_id'?",
        "t.kpi:6:34: unknown column 'afgehandeld_op' in table 'klachten'. "
        "Declare it first: column <name> <type>.",
        "t.kpi:7:11: unknown column 'geregistreerd_op' in table 'klachten'. "
        "Declare it first: column <name> <type>.",
        "t.kpi:8:17: unknown column 'clientid' in table 'klachten'. "
        "Declare it first: column <name> <type>.",
        "t.kpi:9:31: unknown column 'statuss' in table 'klachten'. Did you mean 'status'?",
    ]


def test_duplicates_and_wrong_types_in_one_block(tmp_path: Path) -> None:
    text = (
        "table klachten {\n"
        "  column klacht_id text\n"
        "  column klacht_id date\n"
        '  column bedrag decimal values "a"\n'
        "  key klacht_id\n"
        "  key bedrag\n"
        "  period from klacht_id until bedrag\n"
        "}\n"
    )
    messages = [line for line in _errors(text, tmp_path).splitlines() if line.startswith("t.kpi")]
    assert messages == [
        "t.kpi:6:3: table 'klachten' has a second key line. First at t.kpi:5:3; name every "
        "key column on one line: key a, b.",
        "t.kpi:3:10: column 'klacht_id' is declared twice in table 'klachten'. "
        "First declared at t.kpi:2:10.",
        "t.kpi:4:25: only a text column lists its values; 'bedrag' is decimal",
        "t.kpi:7:15: a period runs between dates; 'klacht_id' is text",
        "t.kpi:7:31: a period runs between dates; 'bedrag' is decimal",
    ]


def test_declaring_a_standard_table_is_an_error_unless_it_extends(tmp_path: Path) -> None:
    text = "table clienten {\n  column geslacht text\n}\n"
    assert _errors(text, tmp_path) == (
        "t.kpi:1:7: table 'clienten' is a standard table; its columns are already known. "
        "Write 'table clienten extends { ... }' to add columns, or a block with only "
        "'exclude where' rules to scope it.\n"
        "  table clienten {\n"
        "        ^^^^^^^^"
    )


def test_what_extends_may_not_do(tmp_path: Path) -> None:
    text = (
        "table clienten extends {\n"
        "  key wijk\n"
        "  column wijk text\n"
        "}\n"
        "table klant extends { column x text }\n"
    )
    messages = [line for line in _errors(text, tmp_path).splitlines() if line.startswith("t.kpi")]
    assert messages == [
        "t.kpi:2:3: an 'extends' block cannot change the key of table 'clienten'. "
        "It adds columns, groups, links and exclude rules only.",
    ]
    text = (
        "table clienten extends {\n  column wijk text\n}\ntable clienen extends { column x text }\n"
    )
    messages = [line for line in _errors(text, tmp_path).splitlines() if line.startswith("t.kpi")]
    assert messages == [
        "t.kpi:2:10: column 'wijk' already exists in table 'clienten'. "
        "An 'extends' block only adds columns; remove this line.",
        "t.kpi:4:7: unknown table 'clienen': 'extends' adds to a known table. "
        "Did you mean 'clienten'?",
    ]


def test_links_and_references_to_what_does_not_exist(tmp_path: Path) -> None:
    text = (
        "table klachten {\n"
        "  column klacht_id text\n"
        "  column client_id text\n"
        "  column toewijzing_id text references toewijzingen.toewijzingid\n"
        "  column jaar integer\n"
        "  link client = client_id -> client\n"
        "  link budget = jaar -> begroting\n"
        "  link toewijzing = klacht_id -> toewijzingen\n"
        "}\n"
    )
    messages = [line for line in _errors(text, tmp_path).splitlines() if line.startswith("t.kpi")]
    assert messages == [
        "t.kpi:6:30: unknown table 'client'. Did you mean 'clienten'?",
        "t.kpi:7:25: link 'budget' leads to table 'begroting', whose key is not declared. A "
        "link follows a column to the one row with that key, so the target needs a key of "
        "one column.",
        "t.kpi:4:29: unknown column 'toewijzingid' in table 'toewijzingen'. "
        "Did you mean 'toewijzing_id'?",
    ]


def test_a_table_declared_in_two_files(tmp_path: Path) -> None:
    one = "table klachten { column klacht_id text }\n"
    (tmp_path / "a.kpi").write_text(one)
    (tmp_path / "b.kpi").write_text(one)
    with pytest.raises(DefinitionError) as info:
        load_library([tmp_path / "a.kpi", tmp_path / "b.kpi"], cache=None)
    [message] = [d.render().splitlines()[0] for d in info.value.diagnostics]
    assert message.endswith(
        f"b.kpi:1:7: table 'klachten' is declared twice. First declared at {tmp_path}/a.kpi:1:7."
    )


def test_a_measure_on_a_declared_table_is_type_checked(tmp_path: Path) -> None:
    text = KLACHTEN + (
        'measure x { label "x" unit "x" owner "x" description "x"\n'
        "  count klachten where ontvangn_op in period }\n"
    )
    assert "unknown column 'ontvangn_op' in table 'klachten'. Did you mean 'ontvangen_op'?" in (
        _errors(text, tmp_path)
    )


def test_a_misspelt_word_in_a_table_block(tmp_path: Path) -> None:
    text = "table klachten {\n  colum klacht_id text\n}\n"
    assert _errors(text, tmp_path).splitlines()[0] == (
        "t.kpi:2:3: unexpected 'colum'. Did you mean 'column'?"
    )


# ---- end to end: CSV --------------------------------------------------------------------


def test_figures_on_a_declared_table_in_csv(kpi: Path, folder: Path) -> None:
    library = load_library([kpi])
    loaded = load_data(str(folder), schema=library.table_schema)
    assert {(r.table, r.row, r.column) for r in loaded.rejected} == {
        ("klachten", 5, "uitkomst"),
        ("klachten", 7, "ontvangen_op"),
    }
    result = run_engine(loaded, "month", D(2021, 1, 1), D(2021, 3, 31), library=library)
    assert _figures(result) == EXPECTED


def test_without_the_library_schema_the_table_is_not_read(folder: Path) -> None:
    assert "klachten" not in {s.table for s in load_data(str(folder)).stats}


def test_maatstaf_run_with_a_user_file(kpi: Path, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    args = ["run", "-d", str(kpi), "--data", str(folder), "--from", "2021-01", "--to", "2021-03"]
    result = CliRunner().invoke(app, [*args, "--format", "json", "--output", str(out)])
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())["figures"]
    assert {(f["measure"], f["period"]): f["value"] for f in figures} == EXPECTED
    assert f"{folder}/klachten.csv:5, column 'uitkomst': unknown code, expected one of: " in (
        result.stderr
    )
    assert f"{folder}/klachten.csv:7, column 'ontvangen_op'" in result.stderr
    assert "C1" not in out.read_text() and "C2" not in out.read_text()


def test_maatstaf_validate_with_a_user_file(kpi: Path, folder: Path) -> None:
    result = CliRunner().invoke(app, ["validate", "--data", str(folder), "-d", str(kpi)])
    assert result.exit_code == 1
    assert f"klachten ({folder}/klachten.csv): 7 read, 5 accepted, 2 rejected" in result.stdout


# ---- end to end: PostgreSQL -------------------------------------------------------------

URL = os.environ.get("MAATSTAF_TEST_DATABASE_URL")
SCHEMA = f"maatstaf_declared_{os.getpid()}"


@pytest.fixture
def database(folder: Path) -> Iterator[str]:
    """The same rows as the CSV folder, in a schema of this process's own."""
    if URL is None:
        if os.environ.get("MAATSTAF_REQUIRE_POSTGRES") == "1":
            pytest.fail("MAATSTAF_TEST_DATABASE_URL is required")
        pytest.skip("no PostgreSQL here (CI starts one and requires this test)")
    import ibis
    import pyarrow as pa
    import pyarrow.csv as pacsv

    con = ibis.connect(URL)
    con.raw_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}")
    for name in ("toewijzingen", "clienten", "klachten"):  # as text: the adapter validates
        header = (folder / f"{name}.csv").read_text().splitlines()[0].split(",")
        types = pacsv.ConvertOptions(column_types={n: pa.string() for n in header})
        arrow = pacsv.read_csv(folder / f"{name}.csv", convert_options=types)
        con.create_table(name, arrow, database=SCHEMA, overwrite=True)
    con.disconnect()
    yield URL + ("&" if "?" in URL else "?") + f"options=-csearch_path%3D{SCHEMA}"
    con = ibis.connect(URL)
    con.raw_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    con.disconnect()


@pytest.mark.postgres
def test_figures_on_a_declared_table_in_postgres(
    kpi: Path, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAATSTAF_DATA_URL", database)
    args = ["run", "-d", str(kpi), "--data", "env:MAATSTAF_DATA_URL", "--format", "json"]
    result = CliRunner().invoke(app, [*args, "--from", "2021-01", "--to", "2021-03"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["figures"]
    assert {(f["measure"], f["period"]): f["value"] for f in figures} == EXPECTED
    rejected = json.loads(result.stdout)["rejected_rows"]
    assert {(r["table"], r["column"], r["value"]) for r in rejected} == {
        ("klachten", "uitkomst", "misschien"),
        ("klachten", "ontvangen_op", "2021-02-30"),
    }


def test_the_example_in_the_language_docs_runs(folder: Path, tmp_path: Path) -> None:
    text = (Path(__file__).parents[1] / "docs" / "language.md").read_text(encoding="utf-8")
    start = text.index("table klachten {")
    example = text[start : text.index("\n}\n", text.index("measure klachten.open", start)) + 3]
    path = tmp_path / "docs.kpi"
    path.write_text(example, encoding="utf-8")
    library = load_library([path])
    loaded = load_data(str(folder), schema=library.table_schema)
    result = run_engine(loaded, "month", D(2021, 1, 1), D(2021, 3, 31), library=library)
    # open on the last day and from Noord: K1 (C1) in January only; K2 and K5 are C2, Zuid
    assert _figures(result) == {
        ("klachten.open", "2021-01"): 1,
        ("klachten.open", "2021-02"): 0,
        ("klachten.open", "2021-03"): 0,
    }


def test_figures_on_a_declared_table_in_a_workbook(kpi: Path, folder: Path, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in ("toewijzingen", "clienten", "klachten"):
        sheet = book.create_sheet(name)
        for line in (folder / f"{name}.csv").read_text().splitlines():
            sheet.append(line.split(","))
    path = tmp_path / "bron.xlsx"
    book.save(path)
    library = load_library([kpi])
    loaded = load_data(str(path), schema=library.table_schema)
    assert {(r.table, r.column) for r in loaded.rejected} == {
        ("klachten", "uitkomst"),
        ("klachten", "ontvangen_op"),
    }
    result = run_engine(loaded, "month", D(2021, 1, 1), D(2021, 3, 31), library=library)
    assert _figures(result) == EXPECTED


# ---- property: the engine on a declared table agrees with the day-by-day oracle ---------

ORACLE_KPI = """\
table klachten {
  column klacht_id text required
  column client_id text required personal
  column ontvangen_op date required
  column afgehandeld_op date
  column uitkomst text values "gegrond", "ongegrond"
  key klacht_id
  period from ontvangen_op until afgehandeld_op
  link client = client_id -> clienten
}
measure p.ontvangen { label "x" unit "klachten" owner "x" description "x"
  count klachten where ontvangen_op in period }
measure p.lopend { label "x" unit "klachten" owner "x" description "x"
  count klachten where active in period }
measure p.open { label "x" unit "klachten" owner "x" description "x"
  count klachten where active on period.end }
measure p.noord { label "x" unit "cliënten" owner "x" description "x"
  count distinct client_id in klachten
  where ontvangen_op in period and uitkomst = "gegrond" and client.wijk = "Noord" }
"""
WIJK = {"C1": "Noord", "C2": "Zuid", "C3": "Noord", "C4": None}  # C5 has no clienten row
FIRST = D(2020, 11, 1)


@st.composite
def _klachten(draw: st.DrawFn) -> list[dict]:
    rows = []
    for i in range(draw(st.integers(0, 12))):
        start = FIRST + dt.timedelta(days=draw(st.integers(0, 240)))
        length = draw(st.one_of(st.none(), st.integers(0, 90)))
        rows.append(
            {
                "klacht_id": f"K{i}",
                "client_id": draw(st.sampled_from(["C1", "C2", "C3", "C4", "C5"])),
                "startdatum": start,
                "einddatum": None if length is None else start + dt.timedelta(days=length),
                "uitkomst": draw(st.sampled_from(["gegrond", "ongegrond", None])),
            }
        )
    return rows


def _oracle(rows: list[dict]) -> dict[tuple[str, str], int]:
    expected = {}
    for label in oracle.labels_between(D(2021, 1, 1), D(2021, 4, 30), "month"):
        period = oracle.parse_label(label)
        noord = {
            r["client_id"]
            for r in rows
            if oracle.in_period(r["startdatum"], period)
            and r["uitkomst"] == "gegrond"
            and WIJK.get(r["client_id"]) == "Noord"
        }
        expected |= {
            ("p.ontvangen", label): sum(oracle.in_period(r["startdatum"], period) for r in rows),
            ("p.lopend", label): sum(
                any(oracle.covers(r, day) for day in period.days()) for r in rows
            ),
            ("p.open", label): sum(oracle.covers(r, period.end) for r in rows),
            ("p.noord", label): len(noord),
        }
    return expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_klachten())
def test_declared_table_figures_agree_with_the_oracle(rows: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        (root / "p.kpi").write_text(ORACLE_KPI, encoding="utf-8")
        data = root / "data"
        data.mkdir()
        (data / "toewijzingen.csv").write_text(
            "toewijzing_id,client_id,wet,productcode,startdatum\nT1,C1,wmo,P1,2021-01-01\n"
        )
        clients = [(c, w or "") for c, w in WIJK.items()]
        (data / "clienten.csv").write_text(_csv("client_id,wijk", clients))
        lines = [
            (
                r["klacht_id"],
                r["client_id"],
                r["startdatum"].isoformat(),
                r["einddatum"].isoformat() if r["einddatum"] else "",
                r["uitkomst"] or "",
            )
            for r in rows
        ]
        header = "klacht_id,client_id,ontvangen_op,afgehandeld_op,uitkomst"
        (data / "klachten.csv").write_text(_csv(header, lines))
        library = load_library([root / "p.kpi"])
        loaded = load_data(str(data), schema=library.table_schema)
        assert loaded.rejected_row_count == 0
        result = run_engine(loaded, "month", D(2021, 1, 1), D(2021, 4, 30), library=library)
    assert _figures(result) == _oracle(rows)


def test_a_changed_declaration_changes_the_hash_of_its_measures(kpi: Path, tmp_path: Path) -> None:
    from maatstaf.engine.graph import build_graph, content_hashes

    def hashes(path: Path) -> dict:
        library = load_library([path])
        return content_hashes(library, build_graph(library))

    before = hashes(kpi)
    changed = tmp_path / "changed.kpi"
    changed.write_text(KLACHTEN.replace('"ongegrond"', '"ongegrond", "ingetrokken"'))
    after = hashes(changed)
    assert set(before) == set(after)
    assert all(before[key] != after[key] for key in before)
