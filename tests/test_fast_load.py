"""The whole process made faster changes no figure and no rejection (issue 14, item 3).

- A file whose cells hold no white space at their edges is validated without trims
  (``csv_plain.edge_space`` decides from the bytes): loading it that way is identical to
  loading it with the trims, on random CSV folders, and every white space DuckDB's trim()
  trims keeps the trims.
- A date cell is matched and cast once: the new SQL reads every text as the previous
  SQL (the match and the cast repeated, then compared with 0001-01-01) read it.
- Copies are told by their typed cells and the text of the non-text cells only: a text
  cell is its own typed value; dates and amounts written differently stay apart.
- The dependency graph needs no graph library: its evaluation order, ancestors and
  descendants are networkx's (``lexicographical_topological_sort``), a cycle is refused.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import duckdb
import networkx as nx
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from maatstaf.adapters import csv_plain
from maatstaf.adapters.cell_rules import CONTROL_SPACE, WHITE_SPACE, _date, trimmed, typed_name
from maatstaf.adapters.csv_folder import CsvFolderAdapter
from maatstaf.adapters.duck import literal
from maatstaf.dsl.errors import DefinitionError
from maatstaf.engine.graph import (
    Graph,
    ancestors,
    build_graph,
    descendants,
    evaluation_order,
    measure_node,
    topological_order,
)
from tests.csv_strategies import folders
from tests.test_plain_loading import PLAIN, comparable, written

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- cells without edges: no trims ---------------------------------------------------


def _load(folder: Path, trims: bool) -> object:
    """The folder as loaded, with the trims always (``trims``) or where the bytes ask."""
    with pytest.MonkeyPatch.context() as patch:
        if trims:
            patch.setattr(csv_plain, "edge_space", lambda data, delimiter, ascii_only=None: True)
        try:
            return comparable(CsvFolderAdapter().load(str(folder)))
        except Exception as error:  # the same error both ways
            return f"{type(error).__name__}: {error}"


@given(folders())
@PROPERTY
@example({"toewijzingen": PLAIN})
@example({"toewijzingen": PLAIN.replace(b"T1,C1", b"T1 ,C1")})
@example({"toewijzingen": PLAIN.replace(b"wmo", b"wmo\xc2\xa0")})
@example({"toewijzingen": PLAIN.replace(b"12.50", b'" 12.50"')})
@example({"toewijzingen": PLAIN.replace(b"2021-02-01,7", b"2021-02-01, ")})
def test_a_load_without_trims_is_the_load_with_them(files: dict[str, bytes]) -> None:
    with written(files) as folder:
        assert _load(folder, trims=False) == _load(folder, trims=True)


def test_a_plain_export_is_read_without_trims(tmp_path: Path) -> None:
    path = tmp_path / "toewijzingen.csv"
    path.write_bytes(PLAIN)
    table = CsvFolderAdapter().schema.table("toewijzingen")
    assert table is not None
    raw = csv_plain.read_plain_csv(
        path, PLAIN, table, PLAIN.split(b"\n")[0].decode().split(","), ",", lambda: None
    )
    assert raw is not None and raw.plain_trim and raw.bare


@pytest.mark.parametrize(
    ("data", "delimiter"),
    [
        (b"a,b\n x,y\n", ","),  # after a line end
        (b"a,b\nx ,y\n", ","),  # before a delimiter
        (b"a,b\nx, y\n", ","),  # after a delimiter
        (b'a,b\n"x ",y\n', ","),  # inside quotes, before the closing quote
        (b"a;b\nx; y\n", ";"),
        (b"a\tb\nx\t y\n", "\t"),
        (b"a,b\nx,y \n", ","),  # before a line end
        (b"a,b\r\nx,y \r\n", ","),  # before a carriage return
        (b"a,b\nx,y ", ","),  # at the end of the file
        (b" a,b\nx,y\n", ","),  # at its start
    ],
)
def test_a_space_at_a_cell_edge_keeps_the_trims(data: bytes, delimiter: str) -> None:
    assert csv_plain.edge_space(data, delimiter)


@pytest.mark.parametrize("space", [c for c in WHITE_SPACE if not c.isascii()])
def test_every_wide_space_trim_trims_keeps_the_trims(space: str) -> None:
    data = f"a,b\nx{space},y\n".encode()
    trims = duckdb.sql(f"SELECT trim('x' || chr({ord(space)})) = 'x'").fetchall()[0][0]
    assert csv_plain.edge_space(data, ",") or not trims


def _edge_space_reference(data: bytes, delimiter: str) -> bool:
    """The rule written plainly: a wide space anywhere, or a space at either end or beside
    a delimiter, a quote or a line end."""
    text = data.decode("utf-8")
    if any(c in text for c in csv_plain.WIDE_SPACES):
        return True
    edges = re.escape(delimiter) + '"\n\r'
    return re.search(f"^ | $|[{edges}] | [{edges}]", text) is not None


PIECES = [" ", ",", ";", "\t", '"', "\n", "\r", "a", "é", "\xa0", "\u2009", "\u3000", "\u2010"]


@given(
    st.lists(st.sampled_from(PIECES), max_size=40),
    st.sampled_from([",", ";", "\t"]),
    st.integers(1, 8),
)
@settings(max_examples=300, deadline=None)
def test_edge_space_is_the_rule_across_blocks(
    pieces: list[str], delimiter: str, block: int
) -> None:
    data = "".join(pieces).encode("utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_plain, "BLOCK", block)  # characters split over blocks too
        assert csv_plain.edge_space(data, delimiter) == _edge_space_reference(data, delimiter)


@given(st.binary(max_size=60), st.integers(1, 8))
@settings(max_examples=200, deadline=None)
def test_line_ends_and_controls_count_every_byte_across_blocks(data: bytes, block: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_plain, "BLOCK", block)
        counts = csv_plain.line_ends_and_controls(data)
    assert counts == (data.count(b"\n"), sum(byte < 0x20 for byte in data))


CONTROL_PIECES = [*PIECES, "\x00", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u2028", "\r\n"]


@given(
    st.lists(st.sampled_from(CONTROL_PIECES), max_size=40),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "cp1252"]),
)
@example(["a", ",", "\t", '"', "a", '"', "\n"], ",", "utf-8")  # a tab before a quote
@example(["a", ",", "\x1f", "a", "\n"], ",", "utf-8")  # a control byte in a cell
@settings(max_examples=400, deadline=None)
def test_the_byte_census_changes_no_verdict(pieces: list[str], delimiter: str, code: str) -> None:
    """With the census (no byte below 0x20 but line feeds: nothing to look for) or without
    it, the reader's verdict is the rule's, written plainly."""
    data = "".join(pieces).encode(code, errors="replace")
    feeds, controls = csv_plain.line_ends_and_controls(data)
    ascii_only = data.isascii()
    expected = _plain_utf8_reference(data, delimiter)
    assert csv_plain._plain_utf8(data, delimiter, ascii_only) == expected
    assert csv_plain._plain_utf8(data, delimiter, ascii_only, controls == feeds) == expected
    assert csv_plain.edge_space(data, delimiter, ascii_only) == csv_plain.edge_space(
        data, delimiter
    )


def _plain_utf8_reference(data: bytes, delimiter: str) -> bool | None:
    """What the parallel reader may read (None: the exact reader reads it) and whether
    its only white space is spaces, as ``csv_plain`` states the rules."""
    if data.startswith(csv_plain.NOT_UTF8):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text or re.search("\r(?!\n)", text):
        return None
    if delimiter == "\t" and '"' in text:
        return False
    return not any(c in text for c in CONTROL_SPACE if c not in "\n\r" and c != delimiter)


def test_spaces_inside_cells_need_no_trims() -> None:
    assert not csv_plain.edge_space(b"naam,plaats\nDe Vries,Den Haag\n", ",")
    assert not csv_plain.edge_space(b"a;b\n1,5;2\n", ";")
    assert not csv_plain.edge_space(b"a,b\nx,y\n", ",")


@given(
    st.lists(
        st.text(alphabet=st.sampled_from([*WHITE_SPACE, "a", "é", "-", "]", "^", "\\"]), max_size=6)
        | st.none(),
        min_size=1,
        max_size=30,
    )
)
@settings(max_examples=200, deadline=None)
def test_only_cells_with_white_space_at_an_edge_are_trimmed_and_those_fully(
    cells: list[str | None],
) -> None:
    """``trimmed`` trims a cell only where it begins or ends with white space: the same
    text as trimming every cell of all of ``WHITE_SPACE``."""
    con = duckdb.connect()
    con.execute("CREATE TABLE t (c VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[c] for c in cells])
    rows = con.execute(
        f"SELECT trim(c, {literal(WHITE_SPACE)}), {trimmed('c', plain_trim=False)} FROM t"
    ).fetchall()
    assert [new for _, new in rows] == [full for full, _ in rows]


def test_trim_trims_no_character_edge_space_misses() -> None:
    """DuckDB's trim() trims the ASCII space and the wide spaces, nothing else: exactly
    what ``edge_space`` looks for (a new DuckDB trimming more would fail here)."""
    trimmed = duckdb.sql(
        "SELECT list(i ORDER BY i) FROM range(1, 1114112) t(i) "
        "WHERE (i < 55296 OR i > 57343) AND trim('a' || chr(i::INT)) = 'a'"
    ).fetchall()[0][0]
    assert trimmed == sorted([32, *(ord(c) for c in csv_plain.WIDE_SPACES)])


# -- a date cell matched and cast once -------------------------------------------------


def _previous_date(cell: str) -> str:
    """The date SQL before: the match and the cast written out twice."""
    day_first = (
        f"substr({cell}, 7, 4) || '-' || substr({cell}, 4, 2) || '-' || substr({cell}, 1, 2)"
    )
    parsed = (
        f"CASE WHEN regexp_full_match({cell}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') "
        f"THEN try_cast({cell} AS DATE) "
        f"WHEN regexp_full_match({cell}, '\\d{{2}}-\\d{{2}}-\\d{{4}}') "
        f"THEN try_cast({day_first} AS DATE) END"
    )
    return f"CASE WHEN {parsed} >= DATE '0001-01-01' THEN {parsed} END"


DATE_TEXTS = [
    "2021-01-05",
    "05-01-2021",
    "0000-01-01",
    "01-01-0000",
    "0001-01-01",
    "01-01-0001",
    "2020-02-29",
    "2021-02-29",
    "29-02-2021",
    "2021-13-01",
    "2021-1-05",
    "5-01-2021",
    "20210105",
    "2021/01/05",
    "9999-12-31",
    "31-12-9999",
    "2021-01-05 12:00:00",
    "",
    "datum",
    # spellings DuckDB's cast reads that are no YYYY-MM-DD of 10 characters
    "10000-01-01",
    "0000-12-31",
    "-021-01-05",
    "+021-01-05",
    "2021-1-5",
    "2021-01-5 ",
    " 2021-1-05",
    "2021.01.05",
    "0099-03-04",
]


def _same_dates(texts: list[str]) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (c VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[t] for t in texts])
    rows = con.execute(f"SELECT c, {_date('c')}, {_previous_date('c')} FROM t").fetchall()
    assert [(c, new) for c, new, _ in rows] == [(c, old) for c, _, old in rows]


def test_a_date_is_read_as_before() -> None:
    _same_dates(DATE_TEXTS)


DATE_LIKE = st.one_of(
    st.from_regex(r"[0-2]{2}[0-9]{2}-[0-1][0-9]-[0-3][0-9]", fullmatch=True),
    st.from_regex(r"[0-3][0-9]-[0-1][0-9]-[0-2]{2}[0-9]{2}", fullmatch=True),
    st.text(alphabet="0123456789-", min_size=8, max_size=11),
)


@given(st.lists(DATE_LIKE, min_size=1, max_size=50))
@settings(max_examples=60, deadline=None)
def test_any_text_of_digits_and_dashes_is_read_as_before(texts: list[str]) -> None:
    _same_dates(texts)


ISO_DATES = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(
    lambda d: f"{d.year:04d}-{d:%m-%d}"
)


def _typed_by_arrow(texts: list[str | None]) -> list[object] | None:
    """The column's dates as the parallel reader types them, or None when it leaves the
    column to the SQL (``csv_plain.with_typed_dates``)."""
    table = CsvFolderAdapter().schema.table("toewijzingen")
    assert table is not None
    cells = pa.table({"startdatum": pa.array(texts, pa.string())})
    typed, names = csv_plain.with_typed_dates(cells, table)
    return typed[typed_name("startdatum")].to_pylist() if "startdatum" in names else None


def _sql_dates(texts: list[str | None]) -> list[object]:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, c VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(texts)))
    return [d for _, d in con.execute(f"SELECT i, {_date('c')} FROM t ORDER BY i").fetchall()]


# mostly real dates, with at most two cells of other spellings among them
DATE_COLUMNS = st.tuples(
    st.lists(st.one_of(ISO_DATES, st.none()), min_size=1, max_size=30),
    st.lists(st.one_of(DATE_LIKE, st.sampled_from(DATE_TEXTS)), max_size=2),
).flatmap(lambda parts: st.permutations([*parts[0], *parts[1]]))


@given(DATE_COLUMNS)
@example(["2021-01-05", "2020-02-29", None, "0001-01-01", "9999-12-31"])
@example(["2021-01-05", "0000-01-01"])  # a year 0000: the SQL refuses it, so Arrow must
@example(["2021-01-05", "2021-02-29"])
@settings(max_examples=300, deadline=None)
def test_a_date_column_arrow_types_holds_the_dates_the_sql_reads(
    texts: list[str | None],
) -> None:
    """Where the parallel reader types a date column, every cell is the date the SQL
    reads from its text (a missing cell missing); a column with any cell the SQL would
    not read as a date is left to the SQL."""
    typed = _typed_by_arrow(texts)
    event("typed by Arrow" if typed is not None else "left to the SQL")
    if typed is not None:
        assert typed == _sql_dates(texts)


def test_an_iso_export_has_its_date_columns_typed_by_arrow() -> None:
    assert _typed_by_arrow(["2021-01-05", None, "2024-02-29"]) is not None
    assert _typed_by_arrow(["2021-01-05", "05-01-2021"]) is None  # DD-MM-YYYY: the SQL's
    assert _typed_by_arrow(["2021-01-05", "0000-01-01"]) is None


# -- copies told by the non-text cells' texts ------------------------------------------

HEADER = b"toewijzing_id,client_id,wet,productcode,startdatum,einddatum,omvang_volume\n"


@pytest.mark.parametrize(
    ("second", "reason"),
    [
        (b"T1,C1,wmo,45A48,2021-01-05,,12.50\n", "exact copy"),
        (b"T1,C1, wmo ,45A48,2021-01-05,,12.50\n", "exact copy"),  # trimmed alike
        (b"T1,C1,wmo,45A48,05-01-2021,,12.50\n", "duplicate key"),  # the same day
        (b"T1,C1,wmo,45A48,2021-01-05,,12.5\n", "duplicate key"),  # the same amount
        (b"T1,C2,wmo,45A48,2021-01-05,,12.50\n", "duplicate key"),  # another text
    ],
)
def test_copies_are_told_by_their_cells(tmp_path: Path, second: bytes, reason: str) -> None:
    first = b"T1,C1,wmo,45A48,2021-01-05,,12.50\n"
    (tmp_path / "toewijzingen.csv").write_bytes(HEADER + first + second)
    loaded = CsvFolderAdapter().load(str(tmp_path))
    assert loaded.quarantine is not None
    found = loaded.quarantine.to_pylist()
    assert {r["reason"].split(" (")[0] for r in found} == {
        "exact copy of row 2" if reason == "exact copy" else "duplicate key toewijzing_id='T1'"
    }
    rows = {r["row"] for r in found}
    assert rows == ({3} if reason == "exact copy" else {2, 3})


# -- the graph without a graph library -------------------------------------------------


def _random_dag(seed: int) -> tuple[Graph, nx.DiGraph]:
    rng = random.Random(seed)
    names = [f"m{rng.randrange(1000):03d}" for _ in range(rng.randrange(1, 30))]
    names = list(dict.fromkeys(names))
    rng.shuffle(names)  # edges point forward in this order: no cycle
    ours, theirs = Graph(), nx.DiGraph()
    for name in names:
        ours.add_node(name, kind="measure", id=name)
        theirs.add_node(name)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if rng.random() < 0.2:
                ours.add_edge(a, b)
                theirs.add_edge(a, b)
    return ours, theirs


@pytest.mark.parametrize("seed", range(40))
def test_the_order_is_networkx_lexicographical_order(seed: int) -> None:
    ours, theirs = _random_dag(seed)
    assert topological_order(ours) == list(nx.lexicographical_topological_sort(theirs))
    for node in ours.nodes:
        assert ancestors(ours, node) == nx.ancestors(theirs, node)
        assert descendants(ours, node) == nx.descendants(theirs, node)
    some = set(list(ours.nodes)[::2])
    assert topological_order(ours, some) == list(
        nx.lexicographical_topological_sort(theirs.subgraph(some))
    )
    assert sorted(ours.edges) == sorted(theirs.edges)


def test_a_cycle_has_no_order() -> None:
    graph = Graph()
    graph.add_edge("a", "b")
    graph.add_edge("b", "c")
    graph.add_edge("c", "b")
    assert topological_order(graph) is None
    assert topological_order(graph, {"a", "b"}) == ["a", "b"]


def test_the_standard_library_orders_as_networkx_did() -> None:
    from maatstaf.dsl.load import load_library

    library = load_library()
    graph = build_graph(library)
    theirs = nx.DiGraph()
    theirs.add_nodes_from(graph.nodes)
    theirs.add_edges_from(graph.edges)
    order = [theirs_node for theirs_node in nx.lexicographical_topological_sort(theirs)]
    assert evaluation_order(graph) == [
        graph.nodes[n]["id"] for n in order if graph.nodes[n]["kind"] == "measure"
    ]
    wanted = "wmo.unieke_clienten"
    assert ancestors(graph, measure_node(wanted)) == nx.ancestors(theirs, measure_node(wanted))


def test_the_resolver_names_a_cycle_and_is_asked_only_then(monkeypatch) -> None:
    """An acyclic graph never asks the resolver (networkx); a cycle is its diagnostics."""
    from maatstaf.dsl import resolve
    from maatstaf.dsl.errors import Diagnostic
    from maatstaf.dsl.load import load_library
    from maatstaf.engine import graph as graph_module

    library = load_library()

    def refuse(library: object) -> list:
        raise AssertionError("asked for the cycles of an acyclic graph")

    monkeypatch.setattr(resolve, "cycle_diagnostics", refuse)
    graph_module.build_graph(library)  # the standard library has no cycle

    first = sorted(library.measures)[0]
    cycle = Diagnostic(message=f"dependency cycle: {first} -> {first}", span=None)
    monkeypatch.setattr(resolve, "cycle_diagnostics", lambda library: [cycle])
    looped = graph_module.Graph()
    looped.add_edge(measure_node(first), measure_node(first))
    with pytest.raises(DefinitionError, match="dependency cycle"):
        graph_module._check_cycles(looped, library)


# -- the adapter made without reading the canonical schema ----------------------------


def test_an_adapter_taking_a_schema_is_given_it_without_a_comparison(monkeypatch) -> None:
    from maatstaf.adapters import registry
    from maatstaf.dsl.schema import canonical_schema

    def refuse(schema: object) -> bool:
        raise AssertionError("the canonical schema was read to compare with")

    monkeypatch.setattr(registry, "_canonical", refuse)
    schema = canonical_schema()
    adapter = registry.get_adapter("csv", schema)
    assert isinstance(adapter, CsvFolderAdapter) and adapter.schema is schema


def test_a_plugin_taking_no_schema_is_made_without_the_canonical_one(monkeypatch) -> None:
    from maatstaf.adapters import registry
    from maatstaf.adapters.base import LoadError
    from maatstaf.dsl.schema import Schema, canonical_schema

    class Plugin:
        name = "plugin"

        def __init__(self, **options: object) -> None:  # no schema: canonical tables only
            self.options = options

        def load(self, location: str) -> None: ...

    class Entry:
        name, value = "plugin", "tests:Plugin"

        def load(self) -> type:
            return Plugin

    monkeypatch.setattr(registry, "entry_points", lambda group: [Entry()])
    assert isinstance(registry.get_adapter("plugin", canonical_schema()), Plugin)
    other = Schema(tables=canonical_schema().tables[:1])
    with pytest.raises(LoadError, match="adapter 'plugin' \\(tests:Plugin\\) failed to load"):
        registry.get_adapter("plugin", other)


# -- no rejections: the empty quarantine, without grouping nothing ---------------------


def test_no_rejections_is_the_quarantine_combine_makes() -> None:
    from maatstaf.adapters.quarantine import combine, counts, empty, rejected_rows

    none = combine([empty(), empty()], ["toewijzingen"])
    assert none.schema.equals(empty().schema, check_metadata=True)
    assert none.to_pylist() == [] and counts(none) == () and rejected_rows(none) == 0


def test_a_clean_load_needs_no_query_engine_of_arrow(tmp_path: Path) -> None:
    """A folder without a rejected row is loaded without Arrow's query engine (acero),
    whose import alone costs more than such a load's checks."""
    import subprocess
    import sys

    (tmp_path / "toewijzingen.csv").write_bytes(
        HEADER + b"T1,C1,wmo,45A48,2021-01-05,,12.50\nT2,C1,wmo,45A48,2021-02-05,,1\n"
    )
    script = (
        "import sys\n"
        "from maatstaf.adapters.csv_folder import CsvFolderAdapter\n"
        f"loaded = CsvFolderAdapter().load({str(tmp_path)!r})\n"
        "assert loaded.rejected_row_count == 0 and loaded.rejection_counts == ()\n"
        "print('pyarrow.acero' in sys.modules)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "False"


# -- the input's hash, taken while DuckDB reads -----------------------------------------


def test_the_fingerprint_is_the_hash_of_the_files_as_before(tmp_path: Path) -> None:
    import hashlib

    files = {"toewijzingen": PLAIN, "clienten": b"client_id,geboortedatum\nC1,1990-01-01\n"}
    for name, data in files.items():
        (tmp_path / f"{name}.csv").write_bytes(data)
    expected = hashlib.sha256()
    for name in sorted(files):
        expected.update(f"{name}\0{len(files[name])}\0".encode() + files[name])
    assert CsvFolderAdapter().load(str(tmp_path)).fingerprint == expected.hexdigest()


def test_a_failure_in_the_hashing_thread_reaches_the_caller() -> None:
    from maatstaf.adapters.fingerprint import hashing

    result = hashing({"toewijzingen": "not bytes"})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        result()
