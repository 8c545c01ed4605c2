"""cell_rules: the SQL that reads one cell as its column's type, and the rules a cell or a
row may break (``validate_sql`` runs them in one pass). The rules are those of
``docs/sources.md``; the constants are shared with the PostgreSQL reader."""

from __future__ import annotations

from dataclasses import dataclass

from maatstaf.adapters.duck import ident, literal
from maatstaf.dsl.schema import SQL_TYPES, Column, Table

ROW = "__row"
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
# a cell of the number's shape no longer than this fits its SQL type (it has no more digits
# before the decimal point): the type's match is left out for it (0.02 s at 10^6 amounts)
FITTING_LENGTH = {"decimal": 16, "integer": 18}
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


# a cell that begins or ends with one of WHITE_SPACE (no character of it is special in a
# character class of RE2; ^ and $ are the ends of the cell, whatever lines it holds)
EDGE_SPACE = f"^[{WHITE_SPACE}]|[{WHITE_SPACE}]$"


def trimmed(cell: str, plain_trim: bool, bare: bool = False) -> str:
    """The cell without white space at its edges; ``bare``: the reader found none in the
    file's bytes, so the cell is its own trimmed text. Trimming a set of characters is
    slow in DuckDB (4.4 s for the 9 columns of 10^6 rows, where the files the exact reader
    reads spent 0.5 s on the rest of the check), so only a cell that begins or ends with
    one of them is trimmed (0.31 s): the other cells are their own trimmed text."""
    if bare:
        return cell
    if plain_trim:
        return f"trim({cell})"
    return (
        f"CASE WHEN regexp_matches({cell}, {literal(EDGE_SPACE)}) "
        f"THEN trim({cell}, {literal(WHITE_SPACE)}) ELSE {cell} END"
    )


def cleaned(cell: str, plain_trim: bool, end: bool, bare: bool = False) -> str:
    """The cell trimmed, an empty cell missing (and an open end missing in an end column)."""
    text = trimmed(cell, plain_trim, bare)
    if end:
        markers = ", ".join(literal(m) for m in OPEN_END)
        return f"CASE WHEN {text} IN ({markers}) THEN NULL ELSE nullif({text}, '') END"
    return f"nullif({text}, '')"


def text_of(column: Column) -> str:
    return ident("__text_" + column.name)


def typed_name(column: str) -> str:
    """The column in which the reader typed a date column's cells (``typed``)."""
    return f"__typed_{column}"


def shaped_of(column: Column) -> str:
    """The column holding whether a number cell has its type's shape (``shaped``)."""
    return ident("__shaped_" + column.name)


def shaped(column: Column, decimal_comma: bool) -> str | None:
    """Whether a number column's cell has the shape of its type, as SQL on the cleaned row
    (None for other types). The checking query computes it once per cell, as column
    ``shaped_of(column)``, which the typed cell and two rules read: DuckDB matched the
    same expression three times when each wrote it out (0.07 s of the 0.5 s statement at
    10^6 rows, for one amount column)."""
    if column.type not in NUMBERS:
        return None
    shape, _ = _number_text(column, text_of(column), decimal_comma)
    return f"regexp_matches({text_of(column)}, {literal(shape)})"


def typed(column: Column, decimal_comma: bool, typed_by_reader: str | None = None) -> str:
    """The cell as its column's type, or NULL where it is missing or not of that type.
    ``typed_by_reader``: the column in which the reader typed every cell of a date column
    (``csv_plain.with_typed_dates``); a cleaned cell that is missing (an open end) stays
    missing."""
    cell = text_of(column)
    if column.type == "text":
        return cell
    if column.type == "date" and typed_by_reader is not None:
        return f"CASE WHEN {cell} IS NOT NULL THEN {ident(typed_by_reader)} END"
    if column.type == "date":
        return _date(cell)
    if column.type == "timestamp":
        return _timestamp(cell)
    _, _, fits, _ = NUMBERS[column.type]
    _, text = _number_text(column, cell, decimal_comma)
    kind = SQL_TYPES[column.type]
    fitting = (
        f"CASE WHEN strlen({text}) <= {FITTING_LENGTH[column.type]} THEN true "
        f"ELSE regexp_matches({text}, {literal(fits)}) END"
    )
    return f"CASE WHEN {shaped_of(column)} AND {fitting} THEN CAST({text} AS {kind}) END"


def _number_text(column: Column, cell: str, decimal_comma: bool) -> tuple[str, str]:
    """The shape a cell must have, and the cell in plain notation (digits, a point)."""
    shape = NUMBERS[column.type][0]
    if column.type == "decimal" and decimal_comma:
        return DECIMAL_COMMA, f"replace(replace({cell}, '.', ''), ',', '.')"
    return shape, cell


def _date(cell: str) -> str:
    """YYYY-MM-DD or DD-MM-YYYY, a date that exists, from the year 1 (year 0000 would be a
    date BC: refused by its digits, so each cell is matched and cast once). A cell of the
    shape DD-MM-YYYY is parsed by ``strptime``, which reads those digits as the cast of
    YYYY-MM-DD rearranged would, in two thirds of its time (0.085 s against 0.13 s per
    column at 10^6 rows: Dutch exports write their dates so). Casting first and comparing
    the cell with how DuckDB writes that date back is as exact as matching YYYY-MM-DD, and
    4-12 ms faster per column of such dates, but twice as slow on DD-MM-YYYY (0.25 s
    against 0.125 s): a cast that fails costs more than a match that fails."""
    return (
        f"CASE WHEN regexp_full_match({cell}, {literal(YMD)}) "
        f"THEN CASE WHEN substr({cell}, 1, 4) <> '0000' THEN try_cast({cell} AS DATE) END "
        f"WHEN regexp_full_match({cell}, {literal(DMY)}) "
        f"THEN CASE WHEN substr({cell}, 7, 4) <> '0000' "
        f"THEN try_strptime({cell}, '%d-%m-%Y')::DATE END END"
    )


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


def column_rules(column: Column, decimal_comma: bool) -> list[Rule]:
    """Required, type and code rules of one column, as flags on the checked row."""
    cell, value, name = text_of(column), ident(column.name), column.name
    rules = []
    if column.required:
        rules.append(Rule(name, "required value is empty", f"{cell} IS NULL"))
    present = f"{cell} IS NOT NULL"
    if column.type in ("date", "timestamp"):
        reason = NOT_A_DATE if column.type == "date" else NOT_A_TIME
        rules.append(Rule(name, reason, f"{present} AND {value} IS NULL", name))
    elif column.type in NUMBERS:
        _, expected, _, too_large = NUMBERS[column.type]
        if column.type == "decimal" and decimal_comma:
            expected = NOT_AN_AMOUNT_COMMA
        shape = shaped_of(column)
        rules.append(Rule(name, expected, f"{present} AND NOT {shape}", name))
        # shaped but not typed: too many digits for the type
        rules.append(Rule(name, too_large, f"{present} AND {shape} AND {value} IS NULL", name))
    if column.values:
        allowed = ", ".join(column.values)
        codes = ", ".join(literal(v) for v in column.values)
        reason = f"unknown code, expected one of: {allowed}"
        rules.append(Rule(name, reason, f"{present} AND {cell} NOT IN ({codes})", name))
    return rules


def interval_rules(table: Table) -> list[Rule]:
    """An end before its start (the end is inclusive, so end == start is one day)."""
    if table.period is None:
        return []
    start, end = (table.column(n) for n in table.period)
    if start is None or end is None:  # a column the source lacks: never before
        return []
    before = f"{ident(end.name)} < {ident(start.name)}"
    return [Rule(end.name, f"{end.name} before {start.name}", before, end.name)]
