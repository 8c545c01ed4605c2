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
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from maatstaf.adapters.duck import ident, literal, scalar, unique_name
from maatstaf.adapters.quarantine import Rejected, combine, empty, rejections
from maatstaf.dsl.schema import Column, Schema, Table

ROW = "__row"
SQL_TYPES = {
    "text": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "decimal": "DECIMAL(18, 2)",
    "integer": "BIGINT",
}
# Unicode white space as Arrow's utf8_trim_whitespace trims it; DuckDB's trim() without
# characters trims the spaces among them only (``plain_trim``: the file has no other).
WHITE_SPACE = "".join(
    chr(c)
    for c in (
        *range(0x09, 0x0E),
        *range(0x1C, 0x21),
        0x85,
        0xA0,
        0x1680,
        *range(0x2000, 0x200B),
        0x2028,
        0x2029,
        0x202F,
        0x205F,
        0x3000,
    )
)
CONTROL_SPACE = tuple(c for c in WHITE_SPACE if c not in " \xa0\u1680\u202f\u205f\u3000")
CONTROL_SPACE = tuple(c for c in CONTROL_SPACE if not ("\u2000" <= c <= "\u200a"))
OPEN_END = ("9999-12-31", "31-12-9999")  # the usual "no end" markers of source systems
MAX_LISTED = 5  # other rows named in a duplicate-key message

NOT_A_DATE = "not a date: expected YYYY-MM-DD or DD-MM-YYYY"
NOT_A_TIME = "not a date and time: expected YYYY-MM-DD HH:MM:SS"
NOT_AN_AMOUNT_COMMA = (
    "not an amount: expected digits with a decimal comma and at most 2 decimals (1.234,56)"
)
DECIMAL_COMMA = r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d{1,2})?$"
# Per number type: the shape of a cell, the reason when it has another, the shape that
# fits the SQL type (DECIMAL(18, 2), BIGINT), and the reason when it does not.
NUMBERS = {
    "decimal": (
        r"^-?\d+(\.\d{1,2})?$",
        "not an amount: expected digits with a decimal point and at most 2 decimals (1234.56)",
        r"^-?\d{1,16}(\.\d{1,2})?$",
        "amount too large: at most 16 digits before the decimal separator",
    ),
    "integer": (
        r"^-?\d+$",
        "not a whole number",
        r"^-?\d{1,18}$",
        "number too large: at most 18 digits",
    ),
}
DECIMAL_COMMA_CELL = r"^\s*-?\d+,\d{1,2}\s*$"  # an amount like 12,50 (Dutch notation)
YMD, DMY = r"\d{4}-\d{2}-\d{2}", r"\d{2}-\d{2}-\d{4}"
TIME = r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d"  # DuckDB would read 24:00:00 as the next day


@dataclass(frozen=True)
class Rule:
    """One rule one column's cells may break: ``flag`` is a SQL condition on the checked
    row; ``shown`` the column whose cell a rejection shows (None: not shown)."""

    column: str | None
    reason: str
    flag: str
    shown: str | None = None


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
    rules = [r for c in have.columns for r in _column_rules(c, decimal_comma)]
    rules += _interval_rules(have)
    stored = unique_name(f"checked_{table.name}")
    commas = [c.name for c in have.columns if c.type == "decimal"] if look_for_commas else []
    query = _checked_query(
        have, source, described, rules, (decimal_comma, plain_trim, numbered), commas
    )
    con.execute(f"CREATE TEMP TABLE {stored} AS {query}")
    checked = stored
    if not numbered:  # the table keeps the file's order: its row id numbers the lines
        checked = unique_name(f"numbered_{table.name}")
        con.execute(
            f"CREATE TEMP VIEW {checked} AS SELECT rowid + 2 AS {ident(ROW)}, "
            f"* EXCLUDE ({ident(ROW)}) FROM {stored}"
        )
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
    parts = _rule_rejections(con, table, file, rules, checked)
    duplicated, found, single = _duplicates(con, have, file, checked)
    parts += found
    accepted = unique_name(f"accepted_{table.name}")
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
        f"WHERE NOT __empty AND {_good(rules)}{skip}"
    )
    keys = {}
    for column in referenced:
        keys[column] = unique_name(f"rejected_{table.name}_{column}")
        con.execute(
            f"CREATE TEMP TABLE {keys[column]} AS SELECT {ident(column)}::VARCHAR AS k, "
            f"min({ident(ROW)}) AS row FROM {checked} WHERE NOT __empty AND {ident(column)} "
            f"IS NOT NULL AND (NOT {_good(rules)}{_or_in(duplicated)}) GROUP BY 1"
        )
    rows = int(scalar(con, f"SELECT count(*) FROM {accepted}"))
    rejected = Rejected(combine(parts, [table.name]))
    owned = tuple(n for n in (checked, stored, duplicated) if n)
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


def _or_in(duplicated: str | None) -> str:
    return f" OR {ident(ROW)} IN (SELECT {ident(ROW)} FROM {duplicated})" if duplicated else ""


def _checked_query(
    table: Table,
    source: str,
    described: list[str],
    rules: list[Rule],
    how: tuple[bool, bool, bool],
    commas: list[str],
) -> str:
    """The one pass over the raw rows, in three layers: the cleaned cells, the typed
    cells, then the flags, the shown texts and the copy hash. ``how``: decimal comma,
    plain trim, numbered; ``commas``: the amount columns to look for 12,50 in."""
    decimal_comma, plain_trim, numbered = how
    end = table.period[1] if table.period else None
    row = f"{ident(ROW)}::BIGINT" if numbered else "NULL::BIGINT"
    empty = "false" if numbered else f"NOT ({some_value(described, plain_trim)})"
    cells = [
        f"{_clean(ident(c.name), plain_trim, c.name == end) if c.name in described else 'NULL'}"
        f"::VARCHAR AS {_text(c)}"
        for c in table.columns
    ]
    marker = ", ".join(literal(m) for m in OPEN_END)
    open_end = f"{_trim(ident(end), plain_trim)} IN ({marker})" if end in described else "false"
    comma = " OR ".join(
        f"regexp_matches({ident(n)}, {literal(DECIMAL_COMMA_CELL)})" for n in commas
    )
    cleaned = (
        f"SELECT {row} AS {ident(ROW)}, {empty} AS __empty, {open_end} AS __open_end, "
        f"{comma or 'false'} AS __comma, {', '.join(cells)} FROM {source}"
    )
    typed = [f"{_typed(c, decimal_comma)} AS {ident(c.name)}" for c in table.columns]
    flags = [
        " | ".join(
            f"(CASE WHEN {r.flag} THEN {1 << bit} ELSE 0 END)::BIGINT"
            for bit, r in enumerate(rules[start : start + FLAGS_PER_COLUMN])
        )
        + f" AS __flags_{start // FLAGS_PER_COLUMN}"
        for start in range(0, len(rules), FLAGS_PER_COLUMN)
    ]
    flagged = (
        f"SELECT *{''.join(', ' + f for f in flags)} "
        f"FROM (SELECT *, {', '.join(typed)} FROM ({cleaned}))"
    )
    shown = []
    for column in table.columns:
        showing = [_flag(i) for i, r in enumerate(rules) if r.shown == column.name]
        if showing:
            shown.append(
                f"CASE WHEN {' OR '.join(showing)} THEN {_text(column)} END "
                f"AS {_shown(column.name)}"
            )
    names = ", ".join(ident(c.name) for c in table.columns)
    texts = ", ".join(_text(c) for c in table.columns)
    words = [f"__flags_{i}" for i in range(_words(rules))]
    selected = [
        ident(ROW),
        "__empty",
        "__open_end",
        "__comma",
        names,
        *words,
        *shown,
        f"hash({texts}) AS __cells",
    ]
    return f"SELECT {', '.join(selected)} FROM ({flagged})"


FLAGS_PER_COLUMN = 62  # rule flags packed as bits of one BIGINT


def _words(rules: list[Rule]) -> int:
    return -(-len(rules) // FLAGS_PER_COLUMN)


def _flag(index: int) -> str:
    """Rule ``index`` is broken (a condition on a checked row)."""
    word, bit = divmod(index, FLAGS_PER_COLUMN)
    return f"(__flags_{word} & {1 << bit}) <> 0"


def _good(rules: list[Rule]) -> str:
    """No rule is broken."""
    return "(" + " AND ".join([f"__flags_{i} = 0" for i in range(_words(rules))] or ["true"]) + ")"


def some_value(columns: list[str], plain_trim: bool) -> str:
    """A row holds a value in at least one of ``columns`` (white space is no value)."""
    some = [f"({ident(n)} IS NOT NULL AND {_trim(ident(n), plain_trim)} <> '')" for n in columns]
    return " OR ".join(some or ["false"])


def _shown(name: str) -> str:
    return ident("__shown_" + name)


def _trim(cell: str, plain_trim: bool) -> str:
    return f"trim({cell})" if plain_trim else f"trim({cell}, {literal(WHITE_SPACE)})"


def _clean(cell: str, plain_trim: bool, end: bool) -> str:
    trimmed = _trim(cell, plain_trim)
    if end:
        markers = ", ".join(literal(m) for m in OPEN_END)
        return f"CASE WHEN {trimmed} IN ({markers}) THEN NULL ELSE nullif({trimmed}, '') END"
    return f"nullif({trimmed}, '')"


def _text(column: Column) -> str:
    return ident("__text_" + column.name)


def _typed(column: Column, decimal_comma: bool) -> str:
    """The cell as its column's type, or NULL where it is missing or not of that type."""
    cell = _text(column)
    if column.type == "text":
        return cell
    if column.type == "date":
        return _date(cell)
    if column.type == "timestamp":
        return _timestamp(cell)
    _, _, fits, _ = NUMBERS[column.type]
    shape, text = _number_text(column, cell, decimal_comma)
    kind = SQL_TYPES[column.type]
    return (
        f"CASE WHEN regexp_matches({cell}, {literal(shape)}) "
        f"AND regexp_matches({text}, {literal(fits)}) THEN CAST({text} AS {kind}) END"
    )


def _number_text(column: Column, cell: str, decimal_comma: bool) -> tuple[str, str]:
    """The shape a cell must have, and the cell in plain notation (digits, a point)."""
    shape = NUMBERS[column.type][0]
    if column.type == "decimal" and decimal_comma:
        return DECIMAL_COMMA, f"replace(replace({cell}, '.', ''), ',', '.')"
    return shape, cell


def _date(cell: str) -> str:
    """YYYY-MM-DD or DD-MM-YYYY, a date that exists, from the year 1."""
    day_first = (
        f"substr({cell}, 7, 4) || '-' || substr({cell}, 4, 2) || '-' || substr({cell}, 1, 2)"
    )
    parsed = (
        f"CASE WHEN regexp_full_match({cell}, {literal(YMD)}) THEN try_cast({cell} AS DATE) "
        f"WHEN regexp_full_match({cell}, {literal(DMY)}) THEN try_cast({day_first} AS DATE) END"
    )
    return f"CASE WHEN {parsed} >= DATE '0001-01-01' THEN {parsed} END"


def _timestamp(cell: str) -> str:
    """A date as ``_date`` reads it, optionally with HH:MM:SS after a space (or a T after
    YYYY-MM-DD)."""
    day, time = f"substr({cell}, 1, 10)", f"substr({cell}, 12)"
    dmy_day = f"substr({cell}, 7, 4) || '-' || substr({cell}, 4, 2) || '-' || substr({cell}, 1, 2)"
    text = (
        f"CASE WHEN regexp_full_match({cell}, {literal(f'{YMD}[T ]{TIME}')}) "
        f"THEN {day} || ' ' || {time} "
        f"WHEN regexp_full_match({cell}, {literal(YMD)}) THEN {cell} || ' 00:00:00' "
        f"WHEN regexp_full_match({cell}, {literal(f'{DMY} {TIME}')}) "
        f"THEN {dmy_day} || ' ' || {time} "
        f"WHEN regexp_full_match({cell}, {literal(DMY)}) THEN {dmy_day} || ' 00:00:00' END"
    )
    parsed = f"try_cast({text} AS TIMESTAMP)"
    return f"CASE WHEN {parsed} >= TIMESTAMP '0001-01-01 00:00:00' THEN {parsed} END"


def _column_rules(column: Column, decimal_comma: bool) -> list[Rule]:
    """Required, type and code rules of one column, as flags on the checked row."""
    cell, value, name = _text(column), ident(column.name), column.name
    rules = []
    if column.required:
        rules.append(Rule(name, "required value is empty", f"{cell} IS NULL"))
    present = f"{cell} IS NOT NULL"
    if column.type in ("date", "timestamp"):
        reason = NOT_A_DATE if column.type == "date" else NOT_A_TIME
        rules.append(Rule(name, reason, f"{present} AND {value} IS NULL", name))
    elif column.type in NUMBERS:
        _, expected, _, too_large = NUMBERS[column.type]
        shape, _ = _number_text(column, cell, decimal_comma)
        if column.type == "decimal" and decimal_comma:
            expected = NOT_AN_AMOUNT_COMMA
        shaped = f"regexp_matches({cell}, {literal(shape)})"
        rules.append(Rule(name, expected, f"{present} AND NOT {shaped}", name))
        # shaped but not typed: too many digits for the type
        rules.append(Rule(name, too_large, f"{present} AND {shaped} AND {value} IS NULL", name))
    if column.values:
        allowed = ", ".join(column.values)
        codes = ", ".join(literal(v) for v in column.values)
        reason = f"unknown code, expected one of: {allowed}"
        rules.append(Rule(name, reason, f"{present} AND {cell} NOT IN ({codes})", name))
    return rules


def _interval_rules(table: Table) -> list[Rule]:
    """An end before its start (the end is inclusive, so end == start is one day)."""
    if table.period is None:
        return []
    start, end = (table.column(n) for n in table.period)
    if start is None or end is None:  # a column the source lacks: never before
        return []
    before = f"{ident(end.name)} < {ident(start.name)}"
    return [Rule(end.name, f"{end.name} before {start.name}", before, end.name)]


def _rule_rejections(
    con: duckdb.DuckDBPyConnection, table: Table, file: str, rules: list[Rule], checked: str
) -> list[pa.Table]:
    """One rejection per broken rule per row, with the cell where the rule shows it."""
    if not rules:
        return []
    counts = con.execute(
        "SELECT "
        + ", ".join(f"count_if({_flag(i)} AND NOT __empty)" for i in range(len(rules)))
        + f" FROM {checked}"
    ).fetchall()[0]
    parts = []
    for index, (rule, count) in enumerate(zip(rules, counts, strict=True)):
        if not count:
            continue
        column = table.column(rule.shown) if rule.shown else None
        shown = column is not None and not column.personal and rule.shown is not None
        value = _shown(rule.shown) if shown and rule.shown else "NULL::VARCHAR"
        found = con.sql(
            f"SELECT {ident(ROW)} AS row, {value} AS value FROM {checked} "
            f"WHERE {_flag(index)} AND NOT __empty ORDER BY 1"
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


def _duplicates(
    con: duckdb.DuckDBPyConnection, table: Table, file: str, checked: str
) -> tuple[str | None, list[pa.Table], bool]:
    """Copies and duplicate keys: the rows rejected for them (a table of ``__row``, or
    None), their rejections, and whether every key occurs once. Only rows whose key
    occurs more than once are visited."""
    if not table.key:
        return None, [], False
    names = [*table.key, *([table.history] if table.history else [])]
    names = [n for n in names if table.column(n) is not None]  # the source's, of those
    key = ", ".join(ident(n) for n in names)
    shared = unique_name(f"shared_{table.name}")
    rows_read = f"(SELECT * FROM {checked} WHERE NOT __empty)"
    own = [n for n in table.key if table.column(n) is not None]  # the key, without history
    con.execute(
        f"CREATE TEMP TABLE {shared} AS SELECT k.* FROM {rows_read} k SEMI JOIN (SELECT "
        f"{', '.join(ident(n) for n in own)} FROM {rows_read} GROUP BY ALL HAVING count(*) > 1)"
        f" d ON {' AND '.join(f'k.{ident(n)} IS NOT DISTINCT FROM d.{ident(n)}' for n in own)}"
    )
    count = scalar(con, f"SELECT count(*) FROM {shared}")
    if not count:
        con.execute(f"DROP TABLE {shared}")
        return None, [], True
    # equal cells: equal typed values, and equal text (a hash of the cleaned cells tells
    # 2021-01-05 from 05-01-2021 and 12.5 from 12.50, which type alike)
    cells = ", ".join(f"s.{ident(n)}" for n in [*table.column_names, "__cells"])
    complete = " AND ".join(
        [f"s.{ident(n)} IS NOT NULL" for n in table.key if _required(table, n)] or ["true"]
    )
    rows = con.sql(
        f"""
        WITH marked AS (
            SELECT s.{ident(ROW)} AS row, {", ".join(f"s.{ident(n)}" for n in names)},
                   {complete} AS complete,
                   min(s.{ident(ROW)}) OVER (PARTITION BY {cells}) AS first
            FROM {shared} s
        )
        SELECT *, dense_rank() OVER (ORDER BY {key}) AS grp,
               count(*) FILTER (WHERE row = first) OVER (PARTITION BY {key}) AS others
        FROM marked ORDER BY row
        """
    ).to_arrow_table()
    con.execute(f"DROP TABLE {shared}")
    numbers = rows["row"].to_numpy()
    copies = numbers != rows["first"].to_numpy()
    duplicated = ~copies & rows["complete"].to_numpy(zero_copy_only=False).astype(bool)
    duplicated &= rows["others"].to_numpy() > 1
    parts = []
    if copies.any():
        original = pc.cast(rows["first"].filter(pa.array(copies)), pa.string())
        reasons = pc.binary_join_element_wise("exact copy of row ", original, "")
        parts.append(
            rejections(table.name, file, pa.array(numbers[copies]), None, "exact copy", reasons)
        )
    if duplicated.any():
        reasons = _duplicate_reasons(table, names, rows, duplicated)
        parts.append(
            rejections(
                table.name,
                file,
                pa.array(numbers[duplicated]),
                table.key[0],
                "duplicate key",
                pa.array(reasons, pa.string()),
            )
        )
    rejected = copies | duplicated
    if not rejected.any():
        return None, parts, False
    dropped = unique_name(f"dropped_{table.name}")
    con.execute(f"CREATE TEMP TABLE {dropped} ({ident(ROW)} BIGINT)")
    con.register(f"{dropped}_arrow", pa.table({ROW: pa.array(numbers[rejected])}))
    con.execute(f"INSERT INTO {dropped} SELECT * FROM {dropped}_arrow")
    con.unregister(f"{dropped}_arrow")
    return dropped, parts, False


def _required(table: Table, name: str) -> bool:
    column = table.column(name)
    return column is not None and column.required


def _duplicate_reasons(
    table: Table, names: list[str], rows: pa.Table, duplicated: np.ndarray
) -> list[str]:
    """Per duplicated row (in row order): the key and the other rows holding it."""
    indices = np.flatnonzero(duplicated)
    groups = rows["grp"].to_numpy()[indices]
    numbers = rows["row"].to_numpy()[indices]
    by_group: dict[int, list[int]] = {}
    for group, number in zip(groups.tolist(), numbers.tolist(), strict=True):
        by_group.setdefault(group, []).append(number)
    reasons = []
    for index, group, number in zip(
        indices.tolist(), groups.tolist(), numbers.tolist(), strict=True
    ):
        members = by_group[group]
        head = members[: MAX_LISTED + 1]  # enough to name MAX_LISTED others for every row
        listed = ", ".join(str(n) for n in [m for m in head if m != number][:MAX_LISTED])
        more = len(members) - 1 - MAX_LISTED
        where = f"row {listed}" if len(members) == 2 else f"rows {listed}"
        key = _describe_key(table, names, rows, index)
        reasons.append(
            f"duplicate key {key} (also on {where}{f' and {more} more' if more > 0 else ''})"
        )
    return reasons


def _describe_key(table: Table, names: list[str], rows: pa.Table, index: int) -> str:
    """toewijzing_id='T1'; a personal part by name only; an empty part left out."""
    parts = []
    for name in names:
        value = rows[name][index].as_py()
        column = table.column(name)
        if column is not None and column.personal:
            parts.append(name)
        elif value is not None:
            parts.append(f"{name}={value!r}" if isinstance(value, str) else f"{name}={value}")
    return ", ".join(parts)


def check_references(
    con: duckdb.DuckDBPyConnection,
    tables: dict[str, Table],
    accepted: dict[str, str],
    rejected_keys: dict[str, dict[str, str]],
    files: dict[str, str],
) -> tuple[dict[str, str], Rejected]:
    """Reject rows whose reference (a claim's toewijzing_id) names no accepted row.

    ``accepted`` maps each table to its accepted relation (with ``__row``);
    ``rejected_keys`` per table and column the values of its rejected rows (``validate``'s
    ``rejected_keys``). An empty reference is not
    checked here (``required`` is); a reference to a table the source lacks is not
    checked. A reference to a rejected row names that row instead of "no such row".
    Returns the new accepted relations."""
    accepted = dict(accepted)
    parts: list[pa.Table] = []
    order = list(tables)
    for name, table in tables.items():
        for column in table.columns:
            target, key = (column.references or ".").split(".")
            if name in accepted and target in accepted:
                accepted[name], found = _check_reference(
                    con,
                    table,
                    column,
                    (accepted[name], accepted[target], key),
                    rejected_keys.get(target, {}).get(key),
                    (files[name], files.get(target, target)),
                )
                parts.append(found)
    return accepted, Rejected(combine(parts, order) if parts else empty())


def _check_reference(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    column: Column,
    relations: tuple[str, str, str],
    rejected: str | None,
    files: tuple[str, str],
) -> tuple[str, pa.Table]:
    """``relations``: the rows, the target's accepted rows and the target's key column."""
    rows, known, key = relations
    file, target_file = files
    target = (column.references or "").split(".")[0]
    value, ref = ident(column.name), ident(key)
    unknown = (
        f"SELECT r.{ident(ROW)} AS row, r.{value}::VARCHAR AS value FROM {rows} r "
        f"WHERE r.{value} IS NOT NULL AND r.{value} NOT IN (SELECT {ref} FROM {known} "
        f"WHERE {ref} IS NOT NULL)"
    )
    parent = "NULL::BIGINT"
    join = ""
    if rejected is not None:  # the first rejected row of the target holding that key
        join = f" LEFT JOIN {rejected} p ON p.k = u.value"
        parent = "p.row"
    found = con.sql(
        f"SELECT u.row, u.value, {parent} AS parent FROM ({unknown}) u{join} ORDER BY u.row"
    ).to_arrow_table()
    if found.num_rows == 0:
        return rows, empty()
    values = None if column.personal else found["value"].combine_chunks()
    orphan = pc.is_null(found["parent"]).combine_chunks()
    parts = []
    if pc.any(orphan).as_py():
        parts.append(
            rejections(
                table.name,
                file,
                found["row"].filter(orphan).combine_chunks(),
                column.name,
                f"unknown {column.name}: no such row in {target}",
                None,
                values.filter(orphan) if values is not None else None,
            )
        )
    child = pc.invert(orphan)
    if pc.any(child).as_py():
        kind = f"{column.name} refers to a rejected row of {target}"
        lines = pc.cast(found["parent"].filter(child).combine_chunks(), pa.string())
        parts.append(
            rejections(
                table.name,
                file,
                found["row"].filter(child).combine_chunks(),
                column.name,
                kind,
                pc.binary_join_element_wise(
                    f"{kind} ({target_file}:", lines, "); correct that row and this one counts", ""
                ),
                values.filter(child) if values is not None else None,
            )
        )
    kept = unique_name(f"referenced_{table.name}")
    con.execute(
        f"CREATE TEMP TABLE {kept} AS SELECT * FROM {rows} WHERE {ident(ROW)} NOT IN "
        f"(SELECT row FROM ({unknown})) ORDER BY {ident(ROW)}"
    )
    return kept, pa.concat_tables(parts)


def validate_arrow(
    table: Table, raw: pa.Table, file: str, first_row: int = 2, *, decimal_comma: bool = False
) -> tuple[pa.Table, Rejected]:
    """``validate`` for text cells in Arrow (row i numbered ``first_row + i`` unless
    ``raw`` has ``__row``), in a database of its own: the accepted rows (the schema's
    columns and ``__row``) and the rejections."""
    from maatstaf.adapters.duck import connect

    con = connect()
    if ROW not in raw.column_names:
        numbers = pa.array(range(first_row, first_row + raw.num_rows), pa.int64())
        raw = raw.append_column(ROW, numbers)
    con.register("raw", raw)
    found = validate(con, table, "raw", file, decimal_comma=decimal_comma)
    accepted = con.sql(f"SELECT * FROM {found.relation} ORDER BY {ident(ROW)}")
    return accepted.to_arrow_table(), found.rejected


def check_arrow_references(
    tables: dict[str, pa.Table], schema: Schema, files: dict[str, str]
) -> tuple[dict[str, pa.Table], Rejected]:
    """``check_references`` for accepted tables in Arrow (with ``__row``), in a database
    of its own."""
    from maatstaf.adapters.duck import connect

    con = connect()
    for name, arrow in tables.items():
        con.register(f"given_{name}", arrow)
    relations = {name: f"given_{name}" for name in tables}
    known = {t.name: t for t in schema.tables if t.name in tables}
    kept, rejected = check_references(con, known, relations, {}, files)
    out = {
        name: con.sql(f"SELECT * FROM {relation} ORDER BY {ident(ROW)}").to_arrow_table()
        for name, relation in kept.items()
    }
    return out, rejected
