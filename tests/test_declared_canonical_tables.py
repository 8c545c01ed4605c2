"""The standard tables are declared in the language (definitions/standaardtabellen.kpi),
one source of truth instead of a YAML schema beside the grammar: the same schema, cheap to
read, the base of every library, with exact diagnostics for what a declaration gets
wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from maatstaf.cli import app
from maatstaf.dsl import codec
from maatstaf.dsl.cache import LibraryCache
from maatstaf.dsl.errors import DefinitionError
from maatstaf.dsl.load import bundled_definitions, load_library
from maatstaf.dsl.parser import parse
from maatstaf.dsl.schema import (
    CANONICAL_FILE,
    CANONICAL_NAME,
    SCHEMA_PREFIX,
    Column,
    Link,
    Schema,
    Table,
    canonical_schema,
    canonical_source,
)
from maatstaf.dsl.table_decl import TableDecl, declared_schema
from maatstaf.dsl.transform_table import COLUMN_TYPES

FIXTURE = Path(__file__).parent / "fixtures" / "canonical_schema.json"
ROOT = Path(__file__).parents[1]


def _build(folder: Path | None, monkeypatch: pytest.MonkeyPatch) -> Schema:
    """The canonical schema as a new process reads it, with the cache in this folder."""
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", str(folder) if folder else "off")
    return canonical_schema.__wrapped__()  # type: ignore[attr-defined]


def _errors(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "t.kpi"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_library([path], cache=None)
    return [
        line.replace(str(tmp_path) + "/", "")
        for d in info.value.diagnostics
        for line in d.render().splitlines()
        if line.startswith(f"{tmp_path}/t.kpi")
    ]


# ---- the same schema as the YAML file gave ---------------------------------------------


def test_the_declarations_give_exactly_the_schema_the_yaml_file_gave() -> None:
    """tests/fixtures/canonical_schema.json is canonical_schema().model_dump() taken from
    the YAML file before the tables moved; every table, column, flag, key, history,
    period, group and link must be as it was, in the same order."""
    frozen = json.loads(FIXTURE.read_text("utf-8"))
    assert canonical_schema().model_dump(mode="json") == frozen
    assert Schema.model_validate(frozen) == canonical_schema()
    assert [t["name"] for t in frozen["tables"]] == [
        "toewijzingen", "budgetboekingen", "declaraties", "aanvragen",
        "uitkeringen", "clienten", "populatie", "begroting",
    ]  # fmt: skip


def test_no_yaml_schema_is_left_and_the_declarations_ship_with_the_package() -> None:
    assert not list(bundled_definitions().glob("*.yaml"))
    assert (bundled_definitions() / CANONICAL_FILE).read_bytes() == canonical_source()
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    assert '"maatstaf.definitions" = ["*.kpi"' in pyproject


def test_a_column_named_like_a_word_of_the_language_is_declared_as_is() -> None:
    """populatie.peildatum: 'peildatum' is a word of the language, and the name CBS gives
    the column; a declaration names it bare, a measure with its table."""
    text = (
        "table telling {\n  column peildatum date required\n  column aantal integer\n"
        "  key peildatum\n  history peildatum\n}\n"
    )
    with pytest.raises(DefinitionError) as info:
        parse(text, "t.kpi")
    [problem] = info.value.diagnostics
    assert problem.render().splitlines()[0] == (
        "t.kpi:5:11: the history column 'peildatum' is part of the key of table 'telling'. "
        "Rows with one key are versions of one record, told apart by their history; leave it "
        "out of the key."
    )
    schema = declared_schema(text.replace("  history peildatum\n", ""), "t.kpi")
    assert schema.table("telling").key == ("peildatum",)  # type: ignore[union-attr]


def test_the_example_in_the_language_docs_is_the_standard_declaration() -> None:
    """Every line of docs/language.md's toewijzingen block stands, in that order, in the
    block of standaardtabellen.kpi ('...' leaves lines out)."""
    docs = (ROOT / "docs" / "language.md").read_text("utf-8")
    start = docs.index("table toewijzingen {\n  description")
    shown = docs[start : docs.index("\n}\n", start)].split("\n")
    text = canonical_source().decode()
    start = text.index("table toewijzingen {")
    lines = iter(text[start : text.index("\n}\n", start)].split("\n"))
    assert all(line in lines for line in shown if line.strip() != "...")
    assert len([line for line in shown if line.strip() != "..."]) >= 10


# ---- cheap: one file parsed, or none ------------------------------------------------


def test_the_schema_is_read_from_the_cache_as_it_was_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _build(tmp_path, monkeypatch)
    [entry] = list(tmp_path.glob(f"{SCHEMA_PREFIX}*"))
    assert _build(tmp_path, monkeypatch) == built == canonical_schema()
    # a damaged entry is never an error and never a wrong schema: it is built again
    entry.write_bytes(entry.read_bytes()[:-40])
    assert _build(tmp_path, monkeypatch) == built
    # without a cache the file is parsed every time
    assert _build(None, monkeypatch) == built


def test_only_the_standard_tables_file_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import maatstaf.dsl.parser as parser

    parsed: list[str] = []
    real = parser.parse
    monkeypatch.setattr(parser, "parse", lambda text, name: parsed.append(name) or real(text, name))
    _build(tmp_path, monkeypatch)
    assert parsed == [CANONICAL_NAME]
    _build(tmp_path, monkeypatch)
    assert parsed == [CANONICAL_NAME]  # the second time from the cache


def test_with_a_warm_cache_no_parser_is_loaded(tmp_path: Path) -> None:
    """An adapter that reads the standard tables without a library loads neither Lark nor
    the parser once the cache holds the schema."""
    code = (
        "import sys\n"
        "from maatstaf.dsl.schema import canonical_schema\n"
        "assert canonical_schema().table('toewijzingen') is not None\n"
        "print(sorted(m for m in sys.modules if m == 'lark' or m.endswith('dsl.parser')))\n"
    )
    env = {**os.environ, "MAATSTAF_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs == ["['lark', 'maatstaf.dsl.parser']", "[]"]


def test_the_library_cache_is_keyed_on_the_standard_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import maatstaf.dsl.load as load

    own = tmp_path / "own.kpi"
    own.write_text(
        'measure x { label "x" unit "x" owner "x" description "x"  count clienten }\n', "utf-8"
    )
    cache = LibraryCache(tmp_path / "cache")
    load_library([own], cache=cache)
    load_library([own], cache=cache)
    assert len(list((tmp_path / "cache").glob("library-*"))) == 1
    changed = canonical_source().replace(b'"Personen."', b'"Personen en hun woonplaats."')
    monkeypatch.setattr(load, "canonical_source", lambda: changed)
    load_library([own], cache=cache)
    assert len(list((tmp_path / "cache").glob("library-*"))) == 2


# ---- the base of every library ------------------------------------------------------------


def test_in_the_standard_library_the_declarations_are_the_base_not_table_rules() -> None:
    """Loaded with the standard library, the file's blocks are neither a second declaration
    ('is a standard table') nor table rules: a measure's hash does not take their text."""
    library = load_library()
    assert library.table_schema.table("populatie") == canonical_schema().table("populatie")
    for table in canonical_schema().tables:
        assert table.description not in library.scope_texts.get(table.name, ""), table.name
    standard = parse(canonical_source().decode(), CANONICAL_NAME)
    assert [d.table for d in standard.declarations if isinstance(d, TableDecl)] == list(
        canonical_schema().table_names
    )


def test_a_copy_of_the_standard_tables_is_the_base_and_a_changed_one_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project that keeps a copy of the standard library (its own folder 'definitions')
    loads it as the standard one; a standard table changed there gets the error any other
    declaration of a standard table gets."""
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / CANONICAL_FILE).write_bytes(canonical_source())
    (folder / "eigen.kpi").write_text(
        'measure eigen.x { label "x" unit "x" owner "x" description "x"  count clienten }\n'
    )
    monkeypatch.chdir(tmp_path)
    copy = load_library([Path("definitions")], cache=None)
    assert copy.table_schema == canonical_schema()
    assert copy.scope_texts == load_library([folder / "eigen.kpi"], cache=None).scope_texts
    text = canonical_source().decode().replace('"Personen."', '"Inwoners."')
    (folder / CANONICAL_FILE).write_text(text, "utf-8")
    with pytest.raises(DefinitionError) as info:
        load_library([Path("definitions")], cache=None)
    [problem] = info.value.diagnostics
    line = text.split("\n").index("table clienten {") + 1
    assert problem.render().splitlines()[0] == (
        f"definitions/{CANONICAL_FILE}:{line}:7: table 'clienten' is a standard table; its "
        "columns are already known. Write 'table clienten extends { ... }' to add columns, or "
        "a block with only 'exclude where' rules to scope it."
    )


def test_a_project_extends_and_declares_tables_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from maatstaf.project.scaffold import scaffold

    folder = tmp_path / "gemeente"
    scaffold(folder, "Gemeente Test")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MAATSTAF_PROJECT", raising=False)
    own = folder / "definitions" / "eigen_tabellen.kpi"
    own.write_text(
        "table clienten extends { column postcode text }\n"
        "table wachtlijst {\n  column client_id text required personal\n"
        "  column sinds date required\n  link client = client_id -> clienten\n}\n",
        "utf-8",
    )
    done = CliRunner().invoke(app, ["check"])
    assert done.exit_code == 0, done.stderr
    own.write_text("table clienten {\n  column postcode text\n}\n", "utf-8")
    done = CliRunner().invoke(app, ["check"])
    assert done.exit_code != 0
    assert (
        "definitions/eigen_tabellen.kpi:1:7: table 'clienten' is a standard table; its "
        "columns are already known." in done.stderr
    )


def test_go_to_definition_of_a_standard_table_lands_on_its_declaration(tmp_path: Path) -> None:
    from maatstaf.lsp.analysis import ParseCache, analyse, context
    from maatstaf.lsp.navigation import definition

    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "eigen.kpi").write_text(
        'measure eigen.x { label "x" unit "x" owner "x" description "x"\n'
        '  count toewijzingen where wet = "wmo" }\n',
        "utf-8",
    )
    analysis = analyse(context(folder / "eigen.kpi"), {}, ParseCache())
    place = definition(analysis, f"{folder}/eigen.kpi", 2, 10)
    assert place is not None and place.path == bundled_definitions() / CANONICAL_FILE
    lines = place.path.read_text("utf-8").split("\n")
    assert lines[place.span.line - 1] == "table toewijzingen {"
    assert (place.span.column, place.span.end_column) == (7, 7 + len("toewijzingen"))


def test_the_codec_carries_the_schema() -> None:
    assert codec.loads(codec.dumps(canonical_schema())) == canonical_schema()


# ---- diagnostics ---------------------------------------------------------------------------


def test_a_name_in_a_key_or_group_twice(tmp_path: Path) -> None:
    text = (
        "table ritten {\n"
        "  column rit_id text\n"
        "  column van text\n"
        "  column naar text\n"
        "  key rit_id, rit_id\n"
        "  group route = van, naar, van\n"
        "}\n"
    )
    assert _errors(text, tmp_path) == [
        "t.kpi:5:15: the key names column 'rit_id' twice",
        "t.kpi:6:28: group 'route' names column 'van' twice",
    ]


def test_a_group_or_link_with_the_name_of_a_column(tmp_path: Path) -> None:
    text = (
        "table ritten {\n"
        "  column rit_id text\n"
        "  column client_id text\n"
        "  column van text\n"
        "  column naar text\n"
        "  group van = van, naar\n"
        "  link client_id = client_id -> clienten\n"
        "  link route = client_id -> clienten\n"
        "  group route = van, naar\n"
        "}\n"
    )
    assert _errors(text, tmp_path) == [
        "t.kpi:6:9: group 'van' has the name of a column of table 'ritten'. In a measure "
        "'van' would mean either; give the group another name.",
        "t.kpi:7:8: link 'client_id' has the name of a column of table 'ritten'. In a "
        "measure 'client_id' would mean either; give the link another name.",
        "t.kpi:9:9: group 'route' has the name of a link of table 'ritten'. In a measure "
        "'route' would mean either; give the group another name.",
    ]


def test_what_an_extends_block_names_is_checked_against_the_standard_table(
    tmp_path: Path,
) -> None:
    text = (
        "table toewijzingen extends {\n"
        "  column client text\n"
        "  link omvang = aanbieder -> clienten\n"
        "  group aanbieder = zwaarte, budget\n"
        "}\n"
    )
    assert _errors(text, tmp_path) == [
        "t.kpi:2:10: column 'client' has the name of a link of table 'toewijzingen'. In a "
        "measure 'client' would mean either; give the column another name.",
        "t.kpi:3:8: link 'omvang' has the name of a group of table 'toewijzingen'. In a "
        "measure 'omvang' would mean either; give the link another name.",
        "t.kpi:4:9: group 'aanbieder' has the name of a column of table 'toewijzingen'. In a "
        "measure 'aanbieder' would mean either; give the group another name.",
    ]
    text = (
        "table toewijzingen extends {\n"
        "  group omvang = zwaarte, budget\n"
        "  group soort = aanbieder, aanbeider\n"
        "}\n"
    )
    assert _errors(text, tmp_path) == [
        "t.kpi:2:9: group 'omvang' already exists in table 'toewijzingen'",
        "t.kpi:3:28: unknown column 'aanbeider' in table 'toewijzingen'. Did you mean 'aanbieder'?",
    ]


# ---- every schema the models hold can be declared ----------------------------------------

_WORDS = st.sampled_from(
    ["aanvraag_id", "bedrag", "begindatum", "einddatum", "regeling", "wijk", "soort", "jaar",
     "peildatum", "gemeld_op", "status", "omvang", "aantal", "code", "besluit", "team"]
)  # fmt: skip


@st.composite
def _tables(draw: st.DrawFn) -> Table:
    """A table as the models allow it and a declaration can say it: unique names, values
    only on text, a key, a history outside it, a period over dates, groups and links with
    names of their own, references and links into the table itself."""
    names = draw(st.lists(_WORDS, min_size=1, max_size=8, unique=True))
    types = {n: draw(st.sampled_from(COLUMN_TYPES)) for n in names}
    dates = [n for n in names if types[n] == "date"]
    key = tuple(draw(st.lists(st.sampled_from(names), max_size=3, unique=True)))
    moments = [n for n in names if types[n] in ("date", "timestamp") and n not in key]
    columns = []
    for name in names:
        flags = draw(st.fixed_dictionaries({}, optional={"required": st.just(True)}))
        flags |= draw(st.fixed_dictionaries({}, optional={"personal": st.just(True)}))
        if types[name] == "text" and draw(st.booleans()):
            codes = st.lists(st.sampled_from(["a", "b", "1", "ja", "nee", "één"]), unique=True)
            flags["values"] = tuple(draw(codes.filter(bool)))
        if draw(st.booleans()):
            flags["references"] = f"eigen.{draw(st.sampled_from(names))}"
        columns.append(Column(name=name, type=types[name], **flags))
    columns.append(Column(name="gemeente", type="text"))
    taken = set(names) | {"gemeente"}
    groups = {}
    for group in draw(st.lists(st.sampled_from(["g1", "g2", "samen"]), unique=True)):
        groups[group] = tuple(draw(st.lists(st.sampled_from(names), min_size=1, unique=True)))
    links = ()
    if len(key) == 1:
        same = [n for n in names if types[n] == types[key[0]]]
        links = tuple(
            Link(name=link, column=draw(st.sampled_from(same)), table="eigen")
            for link in draw(st.lists(st.sampled_from(["l1", "vorige"]), unique=True))
        )
    assert not (taken & set(groups)) and not (taken & {link.name for link in links})
    return Table(
        name="eigen",
        description=draw(st.sampled_from(["", "Een tabel.", "Rijen met één 'code'."])),
        key=key,
        history=draw(st.sampled_from([None, *moments])),
        period=(draw(st.sampled_from(dates)), draw(st.sampled_from(dates))) if dates else None,
        groups=groups,
        links=links,
        columns=tuple(columns),
    )


def _declaration(table: Table) -> str:
    """The table block that declares the table (lines in the order of the standard file)."""
    lines = [f"table {table.name} {{"]
    if table.description:
        lines.append(f'  description "{table.description}"')
    for c in table.columns:
        flags = [f for f in ("required", "personal") if getattr(c, f)]
        if c.values is not None:
            flags.append("values " + ", ".join(f'"{v}"' for v in c.values))
        if c.references is not None:
            flags.append(f"references {c.references}")
        lines.append(" ".join(["  column", c.name, c.type, *flags]))
    if table.key:
        lines.append("  key " + ", ".join(table.key))
    if table.history:
        lines.append(f"  history {table.history}")
    if table.period:
        lines.append(f"  period from {table.period[0]} until {table.period[1]}")
    lines += [f"  group {g} = {', '.join(cols)}" for g, cols in table.groups.items()]
    lines += [f"  link {x.name} = {x.column} -> {x.table}" for x in table.links]
    return "\n".join([*lines, "}", ""])


@settings(max_examples=60, deadline=None)
@given(_tables())
def test_every_table_the_models_hold_can_be_declared(table: Table) -> None:
    assert declared_schema(_declaration(table), "t.kpi") == Schema(tables=(table,))


def test_the_standard_tables_written_again_are_the_standard_tables() -> None:
    written = "\n".join(_declaration(t) for t in canonical_schema().tables)
    assert declared_schema(written, "t.kpi") == canonical_schema()
