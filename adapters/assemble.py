"""assemble: raw text tables from any source -> mapped, pseudonymized, validated canonical
tables, with every rejected row and a fingerprint of the input."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from maatstaf.adapters.base import LoadedData, LoadError, TableStats
from maatstaf.adapters.duck import DuckTables, connect, ident, scalar, unique_name
from maatstaf.adapters.fingerprint import hashing
from maatstaf.adapters.headers import check_header, did_you_mean, unknown_columns
from maatstaf.adapters.limits import MEMORY_ERRORS, out_of_memory
from maatstaf.adapters.pseudonym import key_from_environment, pseudonymize
from maatstaf.adapters.quarantine import (
    combine,
    counts,
    empty,
    rejected_rows,
    rejections,
    sample,
)
from maatstaf.adapters.validate_refs import check_references
from maatstaf.adapters.validate_sql import ROW, Validated, validate
from maatstaf.dsl.schema import Schema, Table

if TYPE_CHECKING:  # a mapping (YAML) is imported where a load applies one
    from maatstaf.adapters.mapping import Mapping, TableMapping


@dataclass
class RawTable:
    """One source table as text, before mapping and validation.

    ``raw`` has one text column per source column and ``__row``, the row number shown in
    messages (the file line, or the spreadsheet row); ``where`` names the file (and sheet).
    A plain CSV file (``csv_plain``) has no ``raw`` yet but ``read``, the parallel reader
    (None when the file's records turn out not to be its lines: ``exact``, the exact
    reader, then reads it), with ``columns``, ``rows`` records (the file's lines after
    the header); ``plain_trim``: its only white space is spaces; ``bare``: besides, no
    cell begins or ends with one."""

    name: str
    where: str
    raw: pa.Table | None
    content: bytes
    decimal_comma: bool = False
    warnings: list[str] = field(default_factory=list)
    rows: int = 0
    plain_trim: bool = False
    bare: bool = False
    read: Callable[[], tuple[pa.Table, frozenset[str]] | None] | None = None
    columns: tuple[str, ...] = ()
    exact: Callable[[], RawTable] | None = None

    @property
    def num_rows(self) -> int:
        return self.raw.num_rows if self.raw is not None else self.rows


@dataclass(frozen=True)
class LoadOptions:
    mapping: Mapping | None = None
    pseudonymize: tuple[str, ...] = ()  # canonical columns holding BSNs
    # called once when the rows are read and checked outside the interpreter (Arrow's
    # parallel reader and DuckDB on their own threads, or the PostgreSQL server): the
    # interpreter is free from then on (``run`` imports the engine then:
    # maatstaf/cli/computing.importing)
    checking: Callable[[], None] | None = None


def assemble(
    raws: dict[str, RawTable],
    schema: Schema,
    options: LoadOptions | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> LoadedData:
    """Map, pseudonymize and validate the raw tables in DuckDB (``con``: the database the
    reader filled, or a new one); the accepted rows stay there for the engine."""
    options = options or LoadOptions()
    columns = set(options.pseudonymize) | set(
        options.mapping.pseudonymize if options.mapping else ()
    )
    check_options(options, schema)
    # the input's hash is taken while DuckDB reads and checks it (hashlib lets go of the
    # GIL): the bytes each table was read from, as they are now (an exact reader that
    # takes a file over reads the same bytes)
    digest = hashing({name: raw.content for name, raw in raws.items()})
    key = key_from_environment() if columns else b""
    con = con if con is not None else connect()
    referenced: dict[str, set[str]] = {}
    for t in schema.tables:
        for c in t.columns:
            if c.references:
                target, target_key = c.references.split(".")
                referenced.setdefault(target, set()).add(target_key)
    validated: dict[str, Validated] = {}
    read: dict[str, int] = {}
    parts: list[pa.Table] = []
    warnings: list[str] = []
    header_errors: list[str] = []
    if options.checking is not None:
        options.checking()
    # the plain files first, in the tables' order: one the parallel reader cannot number
    # goes to the exact reader, whose errors about the file come before any about a header
    plain: dict[str, tuple[Validated, list[str]]] = {}
    for table in schema.tables:
        source = raws.get(table.name)
        if source is not None and source.read is not None:
            result = _validate_plain(con, source, table, referenced)
            if result is None:
                assert source.exact is not None
                raws[table.name] = source.exact()
            else:
                plain[table.name] = result
    for table in schema.tables:
        source = raws.get(table.name)
        if source is None:
            continue
        rules = options.mapping.tables.get(table.name) if options.mapping else None
        if table.name in plain:
            found, notes = plain[table.name]
            warnings += notes
            invalid, rows_read = empty(), found.read
        else:
            prepared = _prepared(con, source, table, rules, columns, key)
            header_errors += prepared.errors
            warnings += prepared.notes
            if prepared.errors:
                continue
            found = validate(
                con,
                table,
                prepared.relation,
                source.where,
                decimal_comma=source.decimal_comma,
                plain_trim=source.plain_trim,
                referenced=tuple(sorted(referenced.get(table.name, ()))),
            )
            _drop(con, prepared.relation)
            invalid, rows_read = prepared.invalid, prepared.rows
        validated[table.name] = found
        read[table.name] = rows_read
        warnings += [*found.notes, *source.warnings]
        parts += [found.rejected.table, invalid]
    if header_errors:
        raise LoadError("\n".join(header_errors))
    accepted, unknown = check_references(
        con,
        {t.name: t for t in schema.tables if t.name in validated},
        {name: v.relation for name, v in validated.items()},
        {name: v.rejected_keys for name, v in validated.items()},
        {n: r.where for n, r in raws.items()},
    )
    for found in validated.values():
        for relation in found.rejected_keys.values():
            _drop(con, relation)
    every = _quarantine([*parts, unknown.table], [t.name for t in schema.tables])
    rows = {}
    final = {}
    for name, relation in accepted.items():
        final[name] = unique_name(con, f"loaded_{name}")
        con.execute(
            f"CREATE TEMP VIEW {final[name]} AS SELECT * EXCLUDE ({ident(ROW)}) FROM {relation}"
        )
        unchanged = relation == validated[name].relation  # no reference rejected a row
        counted = (
            validated[name].rows if unchanged else scalar(con, f"SELECT count(*) FROM {relation}")
        )
        rows[name] = int(counted)
    stats = tuple(
        TableStats(table=n, file=raws[n].where, rows_read=read[n], rows_accepted=rows[n])
        for n in accepted
    )
    return LoadedData(
        DuckTables(
            con, final, rows, frozenset(n for n, v in validated.items() if v.single_version)
        ),
        sample(every),
        stats,
        digest(),
        tuple(warnings),
        quarantine=every,
        rejection_counts=counts(every) if every.num_rows else (),
        rejected_row_count=rejected_rows(every) if every.num_rows else 0,
    )


def _quarantine(parts: list[pa.Table], order: list[str]) -> pa.Table:
    """Every rejection (``quarantine.combine``); none at all is the empty quarantine, made
    without grouping nothing (which would import Arrow's query engine for it)."""
    return combine(parts, order) if any(p.num_rows for p in parts) else empty()


@dataclass(frozen=True)
class Prepared:
    """A source table made ready to validate: ``relation`` of text cells with ``__row``,
    the rows read, the rows rejected for an invalid BSN, header errors, notes."""

    relation: str
    rows: int
    invalid: pa.Table
    errors: list[str]
    notes: list[str]


def _prepared(
    con: duckdb.DuckDBPyConnection,
    source: RawTable,
    table: Table,
    rules: TableMapping | None,
    personal: set[str],
    key: bytes,
) -> Prepared:
    """The source's rows (Arrow text cells) mapped and pseudonymized, as a relation."""
    from maatstaf.adapters.mapping import apply_mapping

    assert source.raw is not None
    arrow = apply_mapping(source.raw, rules, source.where)
    header = [c for c in arrow.column_names if c != ROW]
    check_header(source.where, header, table)
    errors, notes = unknown_columns(source.where, header, table)
    rows = arrow.num_rows
    known = [c for c in header if table.column(c) is not None]
    arrow = arrow.select([ROW, *known])
    arrow, invalid = pseudonymize_table(arrow, table, personal, key, source.where)
    relation = unique_name(con, f"mapped_{table.name}")
    con.register(relation, arrow)
    return Prepared(relation, rows, invalid, errors, notes)


def _validate_plain(
    con: duckdb.DuckDBPyConnection,
    source: RawTable,
    table: Table,
    referenced: dict[str, set[str]],
) -> tuple[Validated, list[str]] | None:
    """A plain CSV file read by Arrow's parallel reader (``csv_plain``) and validated in
    DuckDB: the result and the notes on its header; None when the header is wrong or the
    file's records are not its lines (the exact reader then reads it and says what is
    wrong)."""
    assert source.read is not None
    header = list(source.columns)
    errors, notes = unknown_columns(source.where, header, table)
    try:
        check_header(source.where, header, table)
    except LoadError:
        errors.append("refused")
    if errors:  # the exact reader first says what is wrong with the file itself, if any
        return None
    try:
        read = source.read()
    except MEMORY_ERRORS:
        raise out_of_memory(source.where, len(source.content)) from None
    if read is None:  # not one record per line after all
        return None
    relation = unique_name(con, f"read_{table.name}")
    con.register(relation, read[0])
    try:
        return _validate_cells(con, source, table, referenced, relation, read), notes
    finally:
        con.unregister(relation)  # the checked rows hold what they take from it


def _validate_cells(
    con: duckdb.DuckDBPyConnection,
    source: RawTable,
    table: Table,
    referenced: dict[str, set[str]],
    relation: str,
    read: tuple[pa.Table, frozenset[str]],
) -> Validated:
    """Validate the cells the parallel reader read (registered as ``relation``). Amounts
    written like 12,50 in a file whose delimiter is not a semicolon make a second pass,
    with decimal commas."""
    cells, dates = read
    comma = source.decimal_comma
    for _ in range(2):
        found = validate(
            con,
            table,
            relation,
            source.where,
            decimal_comma=comma,
            plain_trim=source.plain_trim,
            referenced=tuple(sorted(referenced.get(table.name, ()))),
            numbered=False,
            bare=source.bare,
            columns=list(source.columns),
            look_for_commas=not comma,
            cells=cells,
            typed_by_reader=dates,
        )
        if not found.comma_amounts or comma:
            return found
        _drop_all(con, found)
        comma = True
    raise AssertionError("unreachable: the second pass reads decimal commas")


def _drop_all(con: duckdb.DuckDBPyConnection, found: Validated) -> None:
    for name in (found.relation, *found.owned, *found.rejected_keys.values()):
        _drop(con, name)


def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a relation the load made (a view, a table or a registered Arrow table)."""
    kinds = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    kind = kinds[0][0] if kinds else None
    if kind == "VIEW":
        con.execute(f"DROP VIEW IF EXISTS {ident(name)}")
    elif kind is not None:
        con.execute(f"DROP TABLE IF EXISTS {ident(name)}")
    else:
        try:
            con.unregister(name)
        except duckdb.InterruptException:
            raise
        except duckdb.Error:
            pass


def check_options(options: LoadOptions, schema: Schema) -> None:
    """Every table a mapping names and every column to pseudonymize exists; otherwise the
    mapping or the option would silently do nothing."""
    problems = []
    for name in options.mapping.tables if options.mapping else ():
        if schema.table(name) is None:
            problems.append(
                f"the mapping names table '{name}', which maatstaf does not know."
                + did_you_mean(name, schema.table_names)
            )
    columns = sorted({c.name for t in schema.tables for c in t.columns})
    personal = sorted({c.name for t in schema.tables for c in t.columns if c.personal})
    given = [("--pseudonymize", c) for c in options.pseudonymize]
    given += [
        ("the mapping's pseudonymize", c) for c in getattr(options.mapping, "pseudonymize", ())
    ]
    for option, name in given:
        if name not in columns:
            problems.append(
                f"{option} '{name}': no such column."
                + did_you_mean(name, columns, f" Columns holding BSNs: {', '.join(personal)}.")
            )
    if problems:
        raise LoadError("\n".join(problems))


def pseudonymize_table(
    raw: pa.Table, table: Table, columns: set[str], key: bytes, where: str
) -> tuple[pa.Table, pa.Table]:
    """Replace BSNs by pseudonyms; a BSN that fails the elfproef rejects its row, and the
    cell is emptied so it can never be echoed."""
    rejected: list[pa.Table] = []
    for name in sorted(columns):
        if name not in raw.column_names or table.column(name) is None:
            continue
        cleaned = pc.utf8_trim_whitespace(raw[name])
        cleaned = pc.if_else(pc.equal(cleaned, ""), pa.scalar(None, pa.string()), cleaned)
        hashed, invalid = pseudonymize(cleaned, key)
        rows = pc.filter(raw[ROW], invalid).combine_chunks()
        rejected.append(rejections(table.name, where, rows, name, "not a valid BSN (elfproef)"))
        raw = raw.set_column(raw.column_names.index(name), name, hashed)
        raw = raw.filter(pc.invert(invalid)) if len(rows) else raw
    return raw, pa.concat_tables(rejected) if rejected else empty()
