"""validate_sql: raw text rows in DuckDB -> typed canonical rows, and the rows rejected
with reasons, all as SQL in the database the engine then computes in.

The rules (one column at a time, as ``docs/sources.md`` states them):

- a cell is trimmed (Unicode white space) and an empty cell is missing;
- ``9999-12-31`` (or ``31-12-9999``) in a table's end column means "no end";
- a required column may not be missing;
- a date is YYYY-MM-DD or DD-MM-YYYY and exists (2020-02-30 does not); a timestamp adds
  HH:MM:SS after a space or a T; an amount has at most 2 decimals and 16 digits before
  them (a decimal comma, 1.234,56, where the file uses it); a whole number at most 18
  digits; a code is one the column lists;
- an end before its start is rejected (the end is inclusive: end == start is one day);
- where a table has a key: a row equal in every cell to an earlier one is a copy (the
  first is kept, each copy rejected naming it); otherwise every row sharing its key (and
  registration time, where the table keeps history) with another is rejected, since
  nothing says which is right.

Row-number contract: the raw relation has text columns and ``__row`` (the file line,
header on line 1, or the spreadsheet row). A row with several problems is reported once
per problem and rejected once. Rejections come out of the queries as Arrow tables
(``quarantine``); only rows sharing a key are worded in Python (the other rows they share
it with), and there are few of those.

The parts: ``cell_rules`` (a cell as its type, the rules as SQL), ``checked_query`` (the
one pass as SQL), this module (the pass run and kept, the accepted rows and the rejections
of the rules), ``validate_keys`` (copies and duplicate keys) and ``validate_refs``
(references between tables).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from maatstaf.adapters.cell_rules import ROW, Rule, column_rules, interval_rules
from maatstaf.adapters.checked_query import (
    ByReader,
    all_good,
    broken,
    checked_query,
    shown_value,
)
from maatstaf.adapters.duck import ident, int64_array, scalar, unique_name
from maatstaf.adapters.quarantine import Rejected, combine, rejections
from maatstaf.adapters.validate_keys import duplicates
from maatstaf.dsl.schema import SQL_TYPES, Table


@dataclass(frozen=True)
class Validated:
    """The accepted rows (a view in the database: the schema's columns in order, typed,
    plus ``__row``), how many rows were read and accepted, the rejections, the notes
    (open ends), and the tables the view reads (dropped with it)."""

    relation: str
    read: int
    rows: int
    rejected: Rejected
    notes: tuple[str, ...] = ()
    # per column other tables refer to: a relation (k, row) of its rejected rows' values
    rejected_keys: dict[str, str] = field(default_factory=dict)
    owned: tuple[str, ...] = ()
    single_version: bool = False  # no key occurs twice: a table with history has no versions
    records: int = 0  # rows of the source, with those left out as holding no value
    comma_amounts: bool = False  # ``look_for_commas`` found an amount like 12,50


def validate(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    raw: str,
    file: str,
    *,
    decimal_comma: bool = False,
    plain_trim: bool = False,
    referenced: tuple[str, ...] = (),
    numbered: bool = True,
    columns: list[str] | None = None,
    look_for_commas: bool = False,
    bare: bool = False,
    cells: pa.Table | None = None,
    typed_by_reader: frozenset[str] = frozenset(),
) -> Validated:
    """Type and check the rows of relation ``raw`` (text columns, those of the table's
    columns it has, plus ``__row``) as table ``table``; see the module's rules.

    ``columns`` given: ``raw`` is a query's FROM clause (DuckDB's CSV reader) with these
    columns. ``numbered=False``: ``raw`` is read in file order without ``__row`` (a CSV
    file, header on line 1, one line per record): row i is line i + 2, and a row without
    any value in any of its columns is left out (blank-looking ``;;;;`` lines).
    ``plain_trim``: the cells hold no white space but spaces (a faster trim suffices).
    ``referenced``: text columns other tables refer to; their values in rejected rows
    are kept, so a reference to one names that row instead of "no such row".
    ``look_for_commas``: also say whether an amount is written like 12,50.
    ``bare``: no cell begins or ends with white space (the reader checked the bytes), so
    a cell is its own trimmed text and the trims are left out.
    ``cells``: ``raw`` as the Arrow table the parallel reader made of a plain file (an
    empty cell is null); with ``bare``, a text column's cells are their own checked
    values, and the checked rows take them from it as they are instead of copying them
    out of the query. ``typed_by_reader``: the date columns the reader typed (as
    ``__typed_<name>``, ``csv_plain.with_typed_dates``): read from there, not from text.

    One pass over ``raw`` computes, per row, the typed cells, a flag per rule, the text
    of every cell a rejection shows, and a hash of all the cells (to tell copies)."""
    if columns is None:
        described = [c[0] for c in con.execute(f"DESCRIBE {ident(raw)}").fetchall()]
        source = ident(raw)
    else:
        described, source = columns, raw
    present = set(described)
    # the columns the source lacks are empty in every row: they break no rule but
    # "required" (which the header check has refused already) and are added as NULL
    have = table.model_copy(
        update={"columns": tuple(c for c in table.columns if c.name in present)}
    )
    rules = [r for c in have.columns for r in column_rules(c, decimal_comma)]
    rules += interval_rules(have)
    checked = unique_name(con, f"checked_{table.name}")
    commas = [c.name for c in have.columns if c.type == "decimal"] if look_for_commas else []
    given = (
        frozenset(c.name for c in have.columns if c.type == "text")
        if cells is not None and bare
        else frozenset()
    )
    by_reader = ByReader(typed_by_reader, given, nulls=cells is not None)
    query = checked_query(
        have,
        source,
        described,
        rules,
        (decimal_comma, plain_trim, numbered, bare),
        commas,
        by_reader,
    )
    _keep(con, checked, query, numbered, {n: cells[n] for n in given} if cells is not None else {})
    records, read, open_ends, comma = con.execute(
        "SELECT count(*), coalesce(count_if(NOT __empty), 0), "
        "coalesce(count_if(__open_end AND NOT __empty), 0), coalesce(bool_or(__comma), false) "
        f"FROM {checked}"
    ).fetchall()[0]
    end = table.period[1] if table.period else None
    notes = (
        (f"{file}: {open_ends} row(s) have {end} 9999-12-31; read as open-ended (no end date)",)
        if open_ends
        else ()
    )
    parts = _rule_rejections(con, table, file, rules, checked, by_reader)
    duplicated, found, single = duplicates(con, have, file, checked)
    parts += found
    accepted = unique_name(con, f"accepted_{table.name}")
    selected = ", ".join(
        [
            ident(c.name) if c.name in present else f"NULL::{SQL_TYPES[c.type]} AS {ident(c.name)}"
            for c in table.columns
        ]
        + [ident(ROW)]
    )
    skip = f" AND {ident(ROW)} NOT IN (SELECT {ident(ROW)} FROM {duplicated})" if duplicated else ""
    con.execute(
        f"CREATE TEMP VIEW {accepted} AS SELECT {selected} FROM {checked} "
        f"WHERE NOT __empty AND {all_good(rules)}{skip}"
    )
    keys = {}
    for column in referenced:
        keys[column] = unique_name(con, f"rejected_{table.name}_{column}")
        con.execute(
            f"CREATE TEMP TABLE {keys[column]} AS SELECT {ident(column)}::VARCHAR AS k, "
            f"min({ident(ROW)}) AS row FROM {checked} WHERE NOT __empty AND {ident(column)} "
            f"IS NOT NULL AND (NOT {all_good(rules)}{_or_in(duplicated)}) GROUP BY 1"
        )
    rows = int(scalar(con, f"SELECT count(*) FROM {accepted}"))
    rejected = Rejected(combine(parts, [table.name]))
    owned = tuple(n for n in (checked, duplicated) if n)
    return Validated(
        accepted,
        int(read),
        rows,
        rejected,
        notes,
        keys,
        owned,
        single,
        int(records),
        bool(comma),
    )


def _keep(
    con: duckdb.DuckDBPyConnection,
    name: str,
    query: str,
    numbered: bool,
    given: dict[str, pa.ChunkedArray],
) -> None:
    """The checked rows as Arrow memory registered as ``name``: the later queries of the
    load and the run read them there. Fetched so, the rows cost little beyond the query
    itself, where filling a temporary table (its storage copies every cell and keeps
    statistics) was 0.6 s of the statement's 1.2 s at 10^6 rows. A file's rows come out
    in its order (DuckDB keeps it without an ORDER BY), so row i is line i + 2 where
    ``numbered`` is false, and the columns ``given`` (text cells checked as they are) are
    added to them as the reader read them: copying six text columns of 10^6 rows out of
    the query took 0.2 s of CPU."""
    rows = con.sql(query).to_arrow_table()
    for column, values in given.items():
        rows = rows.append_column(column, values)
    if not numbered:
        lines = int64_array(np.arange(2, rows.num_rows + 2))
        rows = rows.set_column(rows.schema.get_field_index(ROW), ROW, lines)
    con.register(name, rows)


def _or_in(duplicated: str | None) -> str:
    return f" OR {ident(ROW)} IN (SELECT {ident(ROW)} FROM {duplicated})" if duplicated else ""


def _rule_rejections(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    file: str,
    rules: list[Rule],
    checked: str,
    by_reader: ByReader,
) -> list[pa.Table]:
    """One rejection per broken rule per row, with the cell where the rule shows it."""
    if not rules:
        return []
    counts = con.execute(
        "SELECT "
        + ", ".join(f"count_if({broken(i)} AND NOT __empty)" for i in range(len(rules)))
        + f" FROM {checked}"
    ).fetchall()[0]
    parts = []
    for index, (rule, count) in enumerate(zip(rules, counts, strict=True)):
        if not count:
            continue
        column = table.column(rule.shown) if rule.shown else None
        shown = column is not None and not column.personal and rule.shown is not None
        value = shown_value(column, by_reader) if shown and column else "NULL::VARCHAR"
        found = con.sql(
            f"SELECT {ident(ROW)} AS row, {value} AS value FROM {checked} "
            f"WHERE {broken(index)} AND NOT __empty ORDER BY 1"
        ).to_arrow_table()
        values = found["value"].combine_chunks() if shown else None
        parts.append(
            rejections(
                table.name,
                file,
                found["row"].combine_chunks(),
                rule.column,
                rule.reason,
                None,
                values,
            )
        )
    return parts
