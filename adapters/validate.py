"""validate: raw text columns -> typed canonical rows, and the rows rejected with reasons.

Vectorised with pyarrow compute: every rule is one array operation over a column; only the
rejected rows are visited one by one, to word their messages. A row with several problems
is reported once per problem and rejected once. Contract: ``raw`` has a column ``__row``
(int64, the row number in the source); accepted tables keep it until the adapter has
checked references, then drop it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from maatstaf.adapters.base import RejectedRow
from maatstaf.dsl.schema import Column, Table

ROW = "__row"
ARROW_TYPES = {
    "text": pa.string(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "decimal": pa.decimal128(18, 2),
    "integer": pa.int64(),
}
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y")
TIMESTAMP_FORMATS = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y",
)
DECIMAL = r"^-?\d+(\.\d{1,2})?$"
DECIMAL_COMMA = r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d{1,2})?$"
INTEGER = r"^-?\d+$"


@dataclass(frozen=True)
class Problem:
    """Rows (a boolean mask) that fail one rule of one column."""

    mask: pa.ChunkedArray | pa.Array
    column: str | None
    reason: str
    values: pa.ChunkedArray | pa.Array | None = None
    detail: dict[int, str] | None = None  # row index -> a reason worded for that row


def validate_table(
    table: Table, raw: pa.Table, file: str, decimal_comma: bool = False
) -> tuple[pa.Table, list[RejectedRow]]:
    """Type and check one table; return the accepted rows (schema columns + __row) and the
    rejected rows with every reason."""
    clean = {name: _clean(raw[name]) for name in raw.column_names if name != ROW}
    typed: dict[str, pa.ChunkedArray | pa.Array] = {}
    problems: list[Problem] = []
    for column in table.columns:
        values = clean.get(column.name)
        if values is None:
            typed[column.name] = pa.nulls(raw.num_rows, ARROW_TYPES[column.type])
            continue
        typed[column.name], found = _typed(column, values, decimal_comma)
        problems += found
    problems += _interval_problems(table, typed)
    problems += _duplicate_problems(table, typed, raw[ROW])
    accepted = pa.table({**typed, ROW: raw[ROW]})
    if not problems:
        return accepted, []
    bad = problems[0].mask
    for problem in problems[1:]:
        bad = pc.or_(bad, problem.mask)
    rejected = _rejections(table, problems, raw[ROW], file)
    return accepted.filter(pc.invert(bad)), rejected


def _clean(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Trimmed text; an empty cell is null."""
    trimmed = pc.utf8_trim_whitespace(values.cast(pa.string()))
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _typed(column: Column, values, decimal_comma: bool) -> tuple[object, list[Problem]]:
    problems = []
    if column.required:
        problems.append(Problem(pc.is_null(values), column.name, "required value is empty"))
    present = pc.is_valid(values)
    match column.type:
        case "date":
            typed = _parse_time(values, DATE_FORMATS, pa.date32())
            expected = "not a date: expected YYYY-MM-DD or DD-MM-YYYY"
        case "timestamp":
            typed = _parse_time(values, TIMESTAMP_FORMATS, pa.timestamp("us"))
            expected = "not a date and time: expected YYYY-MM-DD HH:MM:SS"
        case "decimal":
            typed, expected = _parse_decimal(values, decimal_comma)
        case "integer":
            ok = pc.match_substring_regex(values, INTEGER)
            typed = pc.cast(pc.if_else(ok, values, pa.scalar(None, pa.string())), pa.int64())
            expected = "not a whole number"
        case _:
            typed, expected = values, None
    if expected is not None:
        problems.append(Problem(pc.and_(present, pc.is_null(typed)), column.name, expected, values))
    if column.values:
        unknown = pc.and_(present, pc.invert(pc.is_in(values, pa.array(column.values))))
        allowed = ", ".join(column.values)
        problems.append(
            Problem(unknown, column.name, f"unknown code, expected one of: {allowed}", values)
        )
    return typed, problems


def _parse_time(values, formats: tuple[str, ...], target: pa.DataType):
    """The first format that reads the text exactly (a round trip, so 2020-02-30 and
    2020-13-01 are not dates)."""
    result = pa.nulls(len(values), pa.timestamp("s"))
    for fmt in formats:
        parsed = pc.strptime(values, format=fmt, unit="s", error_is_null=True)
        exact = pc.equal(pc.strftime(parsed, format=fmt), values)
        good = pc.and_kleene(pc.is_valid(parsed), pc.fill_null(exact, False))
        result = pc.if_else(pc.and_(pc.is_null(result), good), parsed, result)
    return pc.cast(result, target)


def _parse_decimal(values, decimal_comma: bool):
    if decimal_comma:
        ok = pc.match_substring_regex(values, DECIMAL_COMMA)
        text = pc.replace_substring(pc.replace_substring(values, ".", ""), ",", ".")
        expected = (
            "not an amount: expected digits with a decimal comma and at most 2 decimals (1.234,56)"
        )
    else:
        ok = pc.match_substring_regex(values, DECIMAL)
        text = values
        expected = (
            "not an amount: expected digits with a decimal point and at most 2 decimals (1234.56)"
        )
    kept = pc.if_else(ok, text, pa.scalar(None, pa.string()))
    return pc.cast(kept, pa.decimal128(18, 2)), expected


def _interval_problems(table: Table, typed: dict) -> list[Problem]:
    if table.period is None:
        return []
    start, end = table.period
    reversed_ = pc.fill_null(pc.less(typed[end], typed[start]), False)
    return [Problem(reversed_, end, f"{end} before {start}")]


def _duplicate_problems(table: Table, typed: dict, rows) -> list[Problem]:
    """Rows sharing a key (and, where the table keeps history, a registration time) are all
    rejected: nothing says which of them is right."""
    if not table.key:
        return []
    names = [*table.key, *([table.history] if table.history else [])]
    frame = pa.table({n: typed[n] for n in names}).to_pandas()
    duplicated = frame.duplicated(subset=names, keep=False) & frame[list(table.key)].notna().all(
        axis=1
    )
    if not duplicated.any():
        return []
    numbers = rows.to_numpy()
    detail = {}
    for indices in frame[duplicated].groupby(names, dropna=False).indices.values():
        group = frame[duplicated].index[indices]
        for index in group:
            others = [str(numbers[i]) for i in group if i != index]
            rows = f"row {others[0]}" if len(others) == 1 else f"rows {', '.join(others)}"
            detail[int(index)] = f"duplicate key {', '.join(table.key)} (also on {rows})"
    mask = pa.array(duplicated.to_numpy())
    return [Problem(mask, table.key[0], "duplicate key", typed[table.key[0]], detail)]


def _rejections(table: Table, problems: list[Problem], rows, file: str) -> list[RejectedRow]:
    """One RejectedRow per problem per row, worded; personal values are never echoed."""
    rejected = []
    row_numbers = rows.to_pylist()
    for problem in problems:
        indices = pc.indices_nonzero(pc.fill_null(problem.mask, False)).to_pylist()
        column = table.column(problem.column) if problem.column else None
        personal = column is not None and column.personal
        shown = (
            problem.values.take(indices).to_pylist()
            if problem.values is not None and indices
            else []
        )
        for n, index in enumerate(indices):
            reason = problem.detail.get(index, problem.reason) if problem.detail else problem.reason
            value = None if personal or not shown else shown[n]
            rejected.append(
                RejectedRow(
                    table=table.name,
                    file=file,
                    row=row_numbers[index],
                    column=problem.column,
                    reason=reason,
                    value=value,
                )
            )
    return sorted(rejected, key=lambda r: (r.row, r.column or ""))
