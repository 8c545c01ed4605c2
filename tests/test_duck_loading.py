"""Loading CSV through DuckDB changes no figure and no rejection (issue 14, item 2).

Two differential tests, each running one thing two ways and comparing the results:

1. ``CsvFolderAdapter().load`` as it is (DuckDB's reader where it may read a file, the
   exact Arrow reader otherwise) against the same load with the DuckDB reader switched
   off: the loaded tables, every rejection, the stats, the warnings and any LoadError
   are identical, on random CSV folders full of the things real exports hold.
2. The SQL validator (``validate_sql.validate_arrow``) against the previous Arrow
   validator (``tests/reference_validate.validate_table``) on random text tables.

And examples showing that each kind of file DuckDB cannot number exactly is handed to the
exact reader, and that a plain file is not.
"""

from __future__ import annotations

import codecs
import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from maatstaf.adapters import csv_folder
from maatstaf.adapters.base import LoadedData, LoadError
from maatstaf.adapters.csv_folder import CsvFolderAdapter
from maatstaf.adapters.validate_sql import ROW, validate_arrow
from maatstaf.dsl.schema import Column, Table, canonical_schema
from tests import reference_validate

SCHEMA = canonical_schema()
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- cells ---------------------------------------------------------------------------

DATES = [
    "2021-03-01",
    "2021-01-01",
    "01-03-2021",
    "15-06-2021",
    "2020-02-29",
    "2021-02-29",
    "2020-02-30",
    "31-02-2021",
    "2021-13-01",
    "2021-1-5",
    "1-5-2021",
    "2021/03/01",
    "9999-12-31",
    "31-12-9999",
    "0000-01-01",
    "0001-01-01",
    "2021-03-01 10:00:00",
    "20210301",
    "",
]
TIMESTAMPS = [
    "2021-01-01 10:00:00",
    "2021-01-01T10:00:00",
    "2021-01-01",
    "01-01-2021 10:00:00",
    "01-01-2021",
    "2021-01-01 25:00:00",
    "2021-01-01T10:00",
    "2021-02-30 10:00:00",
    "",
]
AMOUNTS = [
    "12.50",
    "12,50",
    "1.234,56",
    "1,234.56",
    "1234",
    "-5",
    "0,5",
    "12.345",
    "12,345",
    "1.234",
    "1e3",
    "NaN",
    "1 234,56",
    "99999999999999999.00",
    "9999999999999999.99",
    "+5",
    "",
]
INTEGERS = ["0", "12", "-3", "1.5", "1234567890123456789", "123456789012345678", "x", ""]
TEXTS = ["45A48", "a,b", "x;y", 'zeg "hoi"', "tab\tin", "é", "NULL", "NA", ""]
KEYS = ["T1", "T2", "T3", "t1", ""]
CLIENTS = ["C1", "C2", "C3", ""]
# around a value: spaces, a tab, NBSP, an em space, an ideographic space, a vertical tab,
# a next-line character
SPACE = ["", " ", "  ", "\t", "\xa0", "\u2003", "\u3000", "\x0b", "\x85", " \xa0"]
STRAY_QUOTE = 'ab"c'  # a quote in the middle of an unquoted cell
QUOTED_BREAK = "regel\nnog een"
POOLS: dict[str, list[str]] = {
    "toewijzing_id": KEYS,
    "declaratie_id": ["D1", "D2", "D3", ""],
    "client_id": CLIENTS,
    "huishouden_id": ["H1", "H2", ""],
    "productcode": ["45A48", "02A05", ""],
}
EXTRA = ["opmerking", "notitie", "eind_datum", ROW, ""]  # unknown, misspelt, reserved, unnamed


def cell_pool(column: Column) -> list[str]:
    """The texts a column's cells are drawn from (before white space and quoting)."""
    if column.name in POOLS:
        return POOLS[column.name]
    if column.values:
        return [*column.values[:3], column.values[0].upper(), "onbekend", ""]
    return {
        "date": DATES,
        "timestamp": TIMESTAMPS,
        "decimal": AMOUNTS,
        "integer": INTEGERS,
    }.get(column.type, TEXTS)


@st.composite
def cells(draw: st.DrawFn, column: Column) -> str:
    """One cell's text as written in the file, unquoted: a value with white space around."""
    value = draw(st.sampled_from(cell_pool(column)))
    if draw(st.integers(0, 3)) == 0:
        value = draw(st.sampled_from(SPACE)) + value + draw(st.sampled_from(SPACE))
    return value


def csv_field(text: str, delimiter: str, quote: bool) -> str:
    """The cell as a CSV field: quoted (quotes doubled) where it must be or ``quote``."""
    if text == STRAY_QUOTE:
        return text
    if quote or any(c in text for c in (delimiter, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


# -- files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """How a folder's files are written."""

    delimiter: str
    newline: str
    final_newline: bool
    bom: bool


@st.composite
def layouts(draw: st.DrawFn) -> Layout:
    return Layout(
        draw(st.sampled_from([",", ";", "\t"])),
        draw(st.sampled_from(["\n", "\r\n"])),
        draw(st.booleans()),
        draw(st.integers(0, 4)) == 0,
    )


@st.composite
def csv_files(draw: st.DrawFn, table: Table, layout: Layout) -> bytes:
    """A CSV file for ``table``: its required columns and some optional ones (rarely one
    missing), an unknown column now and then, rows drawn from the pools, exact copies,
    rows of only delimiters, and, rarely, what only the exact reader reads."""
    optional = [c.name for c in table.columns if not c.required]
    names = [*table.required, *draw(st.lists(st.sampled_from(optional), unique=True, max_size=5))]
    if draw(st.integers(0, 19)) == 0:
        names.remove(draw(st.sampled_from(list(table.required))))
    if draw(st.integers(0, 4)) == 0:
        names.append(draw(st.sampled_from(EXTRA)))
    names = draw(st.permutations(names))
    columns = [table.column(n) for n in names]
    d = layout.delimiter
    lines = [d.join(names)]
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.integers(0, 29))
        if kind == 0 and len(lines) > 1:  # an exact copy of an earlier row
            lines.append(draw(st.sampled_from(lines[1:])))
        elif kind == 1:  # a row of only delimiters, as Excel writes below a table
            lines.append(d * (len(names) - 1))
        elif kind == 2:  # a blank line
            lines.append("")
        elif kind == 3:  # a line break inside a quoted cell
            lines.append(d.join([csv_field(QUOTED_BREAK, d, True)] * len(names)))
        elif kind == 4:  # a quote in the middle of an unquoted cell
            lines.append(d.join([STRAY_QUOTE] * len(names)))
        elif kind == 5:  # a field too many
            lines.append(d.join(["x"] * (len(names) + 1)))
        else:
            row = [
                draw(cells(c)) if c is not None else draw(st.sampled_from(TEXTS)) for c in columns
            ]
            lines.append(d.join(csv_field(v, d, draw(st.integers(0, 5)) == 0) for v in row))
    text = layout.newline.join(lines) + (layout.newline if layout.final_newline else "")
    return (codecs.BOM_UTF8 if layout.bom else b"") + text.encode("utf-8")


@st.composite
def folders(draw: st.DrawFn) -> dict[str, bytes]:
    """toewijzingen, and maybe declaraties (referring to it) and clienten."""
    layout = draw(layouts())
    files = {"toewijzingen": draw(csv_files(SCHEMA.table("toewijzingen"), layout))}
    for name in ("declaraties", "clienten"):
        if draw(st.booleans()):
            files[name] = draw(csv_files(SCHEMA.table(name), layout))
    return files


# -- loading both ways ---------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """Everything a load delivers, in comparable form, and which files DuckDB read."""

    result: dict[str, Any] | str
    duckdb_read: tuple[str, ...]


@contextlib.contextmanager
def written(files: dict[str, bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            (Path(folder) / f"{name}.csv").write_bytes(data)
        yield Path(folder)


def load(folder: Path, duckdb: bool) -> Outcome:
    """Load the folder, with DuckDB's reader or with the exact reader only."""
    read: list[str] = []
    original = csv_folder.read_csv_in_duckdb

    def spy(*args: Any) -> Any:
        raw = original(*args) if duckdb else None
        if raw is not None:
            read.append(raw.name)
        return raw

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_folder, "read_csv_in_duckdb", spy)
        try:
            loaded = CsvFolderAdapter().load(str(folder))
        except LoadError as error:
            return Outcome(f"LoadError: {error}", tuple(read))
    return Outcome(comparable(loaded), tuple(read))


def comparable(loaded: LoadedData) -> dict[str, Any]:
    tables = {}
    for name in loaded.tables:
        arrow = loaded.tables[name]
        rows = sorted(arrow.to_pylist(), key=lambda r: [(v is None, repr(v)) for v in r.values()])
        tables[name] = (arrow.schema, rows)
    assert loaded.quarantine is not None
    return {
        "tables": tables,
        "quarantine": loaded.quarantine.to_pylist(),
        "sample": loaded.rejected,
        "counts": loaded.rejection_counts,
        "rejected rows": loaded.rejected_row_count,
        "stats": loaded.stats,
        "warnings": loaded.errors,
        "fingerprint": loaded.fingerprint,
    }


def assert_same_both_ways(files: dict[str, bytes]) -> Outcome:
    with written(files) as folder:
        fast, exact = load(folder, duckdb=True), load(folder, duckdb=False)
    if isinstance(fast.result, dict) and isinstance(exact.result, dict):
        for part in fast.result:
            assert fast.result[part] == exact.result[part], part
    assert fast.result == exact.result
    return fast


# -- 1. the DuckDB reader reads as the exact reader does ------------------------------

PLAIN = (
    b"toewijzing_id,client_id,wet,productcode,startdatum,einddatum,budget\n"
    b"T1,C1,wmo,45A48,2021-01-01,9999-12-31,12.50\n"
    b"T2,C2,jeugdwet,02A05,01-03-2021,2021-02-01,7\n"
    b"T2,C2,jeugdwet,02A05,01-03-2021,2021-02-01,7\n"
    b"T3,C3,pw,45A48,2021-02-30,,abc\n"
)


@given(folders())
@PROPERTY
@example({"toewijzingen": PLAIN})
@example({"toewijzingen": PLAIN.replace(b",", b";").replace(b"12.50", b"1.234,56")})
@example({"toewijzingen": PLAIN.replace(b",", b"\t").replace(b"\n", b"\r\n")})
@example({"toewijzingen": codecs.BOM_UTF8 + PLAIN.replace(b"T1,C1", b" T1\xc2\xa0, C1\t")})
@example({"toewijzingen": PLAIN.replace(b",", b"\t").replace(b"12.50", b'"12.50\t"')})
@example({"toewijzingen": PLAIN.replace(b",wmo,", b', "wmo",')})
def test_duckdb_reader_loads_exactly_as_the_exact_reader(files: dict[str, bytes]) -> None:
    outcome = assert_same_both_ways(files)
    event(f"DuckDB read {len(outcome.duckdb_read)} of {len(files)} file(s)")


def test_a_plain_file_is_read_by_duckdb_only(tmp_path: Path, monkeypatch) -> None:
    """The fast path is really taken: the exact reader is never called for a plain file,
    and what it loads is what the exact reader loads."""
    (tmp_path / "toewijzingen.csv").write_bytes(PLAIN)
    exact = load(tmp_path, duckdb=False)

    def refuse(*args: Any) -> Any:
        raise AssertionError("the exact reader read a plain file")

    monkeypatch.setattr(csv_folder, "read_csv", refuse)
    fast = load(tmp_path, duckdb=True)
    assert fast.duckdb_read == ("toewijzingen",)
    assert fast.result == exact.result
    assert isinstance(fast.result, dict)
    rendered = sorted(r.render().removeprefix(f"{tmp_path}/") for r in fast.result["sample"])
    assert rendered == [
        "toewijzingen.csv:3, column 'einddatum': einddatum before startdatum (value '2021-02-01')",
        "toewijzingen.csv:4, column 'einddatum': einddatum before startdatum (value '2021-02-01')",
        "toewijzingen.csv:4: exact copy of row 3",
        "toewijzingen.csv:5, column 'budget': not an amount: expected digits with a decimal"
        " point and at most 2 decimals (1234.56) (value 'abc')",
        "toewijzingen.csv:5, column 'startdatum': not a date: expected YYYY-MM-DD or"
        " DD-MM-YYYY (value '2021-02-30')",
        "toewijzingen.csv:5, column 'wet': unknown code, expected one of: wmo, jeugdwet"
        " (value 'pw')",
    ]


# -- 3. what DuckDB cannot number goes to the exact reader ----------------------------

HEADER = b"toewijzing_id;client_id;wet;productcode;startdatum;einddatum\n"
HANDED_OVER = {
    "a blank line": HEADER + b"T1;C1;wmo;45A48;2021-01-01;\n\nT2;C1;wmo;x;2021-01-01;abc\n",
    "a quoted line break": HEADER
    + b'T1;C1;wmo;"45\nA48";2021-01-01;\nT2;C1;wmo;x;2021-01-01;abc\n',
    "Windows-1252": HEADER + b"T1;C1;wmo;caf\xe9;2021-01-01;\nT2;C1;wmo;x;2021-01-01;abc\n",
    "a lone carriage return": HEADER + b"T1;C1;wmo;45A48;2021-01-01;\rT2;C1;wmo;x;2021-01-01;abc\n",
    "a field too many": HEADER + b"T1;C1;wmo;45A48;2021-01-01;;x\n",
    "a field too few": HEADER + b"T1;C1;wmo;45A48;2021-01-01;\nT2;C1\n",
    "text after a closing quote": HEADER
    + b'T1;C1;wmo;"45"A48;2021-01-01;\nT2;C1;wmo;x;2021-01-01;abc\n',
    # DuckDB skips the space and reads a quoted 45;A48; the exact reader, as RFC 4180
    # says, a quote that does not open the field is a character: two fields here
    "a space before an opening quote": HEADER + b'T1;C1;wmo; "45;A48";2021-01-01;\n',
    "a space before a quoted value": HEADER + b'T1;C1;wmo;45A48;2021-01-01; "2021-02-01"\n',
    "a quote left open": HEADER + b'T1;C1;wmo;"45A48;2021-01-01;\nT2;C1;wmo;x;2021-01-01;\n',
    "UTF-16": codecs.BOM_UTF16_LE
    + (HEADER + b"T1;C1;wmo;45A48;2021-01-01;\nT2;C1;wmo;x;2021-01-01;abc\n")
    .decode()
    .encode("utf-16-le"),
    "a NUL byte": HEADER + b"T1;C1;wmo;45\x00A48;2021-01-01;\nT2;C1;wmo;x;2021-01-01;abc\n",
}
# what the exact reader makes of each: the rejected rows' lines, or the LoadError
EXPECTED = {
    "a blank line": [4],
    "a quoted line break": [4],
    "Windows-1252": [3],
    "a lone carriage return": [3],
    "a field too many": "toewijzingen.csv:2: 7 fields where the header has 6; check the "
    "delimiter and the quotes",
    "a field too few": "toewijzingen.csv:3: 2 fields where the header has 6; check the "
    "delimiter and the quotes",
    "text after a closing quote": [3],
    "a space before an opening quote": "toewijzingen.csv:2: 7 fields where the header has"
    " 6; check the delimiter and the quotes",
    "a space before a quoted value": [2],
    "a quote left open": 'toewijzingen.csv:2: the quote (") opened on',
    "UTF-16": [3],
    "a NUL byte": [3],
}


@pytest.mark.parametrize("case", sorted(HANDED_OVER))
def test_a_file_duckdb_cannot_number_goes_to_the_exact_reader(case: str, tmp_path: Path) -> None:
    (tmp_path / "toewijzingen.csv").write_bytes(HANDED_OVER[case])
    fast = load(tmp_path, duckdb=True)
    assert fast.duckdb_read == ()
    assert fast.result == load(tmp_path, duckdb=False).result
    expected = EXPECTED[case]
    if isinstance(expected, str):
        assert isinstance(fast.result, str)
        assert f"{tmp_path}/{expected}" in fast.result
    else:
        assert isinstance(fast.result, dict)
        assert sorted({r["row"] for r in fast.result["quarantine"]}) == expected


# -- 2. the SQL validator validates as the Arrow one did ------------------------------

VALIDATED = ("toewijzingen", "clienten", "declaraties")


@st.composite
def raw_tables(draw: st.DrawFn) -> tuple[Table, pa.Table]:
    """A table's text cells as a reader returns them (some columns absent, ``__row``
    increasing with gaps), now and then a null cell as a spreadsheet gives one."""
    table = SCHEMA.table(draw(st.sampled_from(VALIDATED)))
    assert table is not None
    optional = [c.name for c in table.columns if not c.required]
    kept = set(draw(st.lists(st.sampled_from(optional), unique=True)))
    columns = [c for c in table.columns if c.required or c.name in kept]
    count = draw(st.integers(0, 10))
    rows: list[list[str | None]] = []
    for _ in range(count):
        if rows and draw(st.integers(0, 5)) == 0:
            rows.append(list(draw(st.sampled_from(rows))))
        else:
            rows.append(
                [None if draw(st.integers(0, 19)) == 0 else draw(cells(c)) for c in columns]
            )
    gaps = draw(st.lists(st.integers(1, 3), min_size=count, max_size=count))
    numbers = [2 + sum(gaps[:i]) for i in range(count)]
    arrow = {c.name: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(columns)}
    raw = pa.table({**arrow, ROW: pa.array(numbers, pa.int64())})
    return table, raw


OPEN_END = ("9999-12-31", "31-12-9999")


def open_ends(raw: pa.Table, table: Table) -> pa.Table:
    """The end date 9999-12-31 read as empty, as the Arrow load did before it validated
    (``assemble.open_ends`` before commit e03064e; ``validate_sql`` does it itself)."""
    end = table.period[1] if table.period else None
    if end is None or end not in raw.column_names:
        return raw
    marked = pc.is_in(pc.utf8_trim_whitespace(raw[end]), pa.array(OPEN_END))
    cleared = pc.if_else(marked, pa.scalar(None, pa.string()), raw[end])
    return raw.set_column(raw.column_names.index(end), end, cleared)


def sorted_rows(arrow: pa.Table) -> list[dict[str, Any]]:
    return arrow.sort_by(ROW).to_pylist()


@given(raw_tables(), st.booleans())
@PROPERTY
def test_sql_validator_accepts_and_rejects_as_the_arrow_reference(
    given_table: tuple[Table, pa.Table], decimal_comma: bool
) -> None:
    table, raw = given_table
    accepted, rejected = validate_arrow(table, raw, "f.csv", decimal_comma=decimal_comma)
    expected, reference = reference_validate.validate_table(
        table, open_ends(raw, table), "f.csv", decimal_comma=decimal_comma
    )
    assert accepted.schema == expected.schema
    assert sorted_rows(accepted) == sorted_rows(expected)
    assert rejected.table.to_pylist() == reference.table.to_pylist()
