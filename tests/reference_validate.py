"""The previous Arrow validator, kept as the reference for differential tests.

Until commit e03064e this was ``adapters/validate.py``, the validator every load used;
loads now validate in SQL (``adapters/validate_sql.py``). ``tests/test_plain_loading.py``
checks that the SQL validator accepts and rejects exactly as this one did. It is not
used by the package: change it only to mirror an intended change of the rules. Note that
the Arrow load read an end date 9999-12-31 as empty before calling ``validate_table``
(``assemble.open_ends``); ``validate_sql`` does that itself.

validate: raw text columns -> typed canonical rows, and the rows rejected with reasons.

Vectorised with pyarrow compute and numpy: every rule is one array operation over a
column; rejections are built as Arrow tables (``quarantine``), and only rows sharing a key
are visited one by one, to name the other rows. A row with several problems is reported
once per problem and rejected once.

Row-number contract: the rows of ``raw`` carry their source row number (the file line,
header on line 1, or the spreadsheet row) in the hidden int64 column ``__row`` (``ROW``);
without it, row i (0-based) is numbered ``first_row + i``. Accepted tables keep ``__row``
(as their last column) so that ``check_references`` can name the source row; the adapter
drops it once references are checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from maatstaf.adapters.quarantine import Rejected, combine, empty, rejections
from maatstaf.dsl.schema import Column, Schema, Table

ROW = "__row"
ARROW_TYPES = {
    "text": pa.string(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "decimal": pa.decimal128(18, 2),
    "integer": pa.int64(),
}
TIME_FORMATS = {
    "date": ("%Y-%m-%d", "%d-%m-%Y"),
    "timestamp": (
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d",
        "%d-%m-%Y %H:%M:%S",
        "%d-%m-%Y",
    ),
}
EARLIEST = pa.scalar(dt.datetime(1, 1, 1), pa.timestamp("s"))  # year 0000 is no date
MAX_LISTED = 5  # other rows named in a duplicate-key message

NOT_A_DATE = "not a date: expected YYYY-MM-DD or DD-MM-YYYY"
NOT_A_TIME = "not a date and time: expected YYYY-MM-DD HH:MM:SS"
NOT_AN_AMOUNT_COMMA = (
    "not an amount: expected digits with a decimal comma and at most 2 decimals (1.234,56)"
)
DECIMAL_COMMA = r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d{1,2})?$"
# Per number type: the shape of a cell, the reason when it has another, the shape that
# fits the Arrow type (decimal128(18, 2), int64), and the reason when it does not.
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


@dataclass(frozen=True)
class Problem:
    """The rows (a boolean mask) that break one rule of one column."""

    mask: np.ndarray
    column: str | None
    reason: str
    values: pa.Array | None = None  # the cells to show, if any
    # a reason worded per row: row index -> reason, or one reason for every row
    detail: dict[int, str] | pa.Array | None = None


def validate_table(
    table: Table, raw: pa.Table, file: str, first_row: int = 2, *, decimal_comma: bool = False
) -> tuple[pa.Table, Rejected]:
    """Type and check one table.

    ``raw`` holds text cells (empty or blank = missing; cells are trimmed) and, optionally,
    ``__row``. Returns the accepted rows with exactly the schema's columns in schema order
    (absent optional columns all-null) plus ``__row``, and one rejection per problem per
    row (columnar: see ``quarantine``).
    ``decimal_comma`` reads amounts as 1.234,56 (Dutch Excel exports).
    """
    rows = _row_numbers(raw, first_row)
    typed: dict[str, pa.Array] = {}
    cells: dict[str, pa.Array] = {}
    problems: list[Problem] = []
    for column in table.columns:
        present = column.name in raw.column_names
        cells[column.name] = _clean(raw[column.name] if present else pa.nulls(len(rows)))
        typed[column.name], found = _check_column(column, cells[column.name], decimal_comma)
        problems += found
    problems += _interval_problems(table, typed, cells)
    problems += _duplicate_problems(table, typed, cells, rows)
    accepted = pa.table({**typed, ROW: rows})
    if not problems:
        return accepted, Rejected(empty())
    bad = np.logical_or.reduce([p.mask for p in problems])
    return accepted.filter(pa.array(~bad)), _rejections(table, problems, rows, file)


def _row_numbers(raw: pa.Table, first_row: int) -> pa.Array:
    if ROW in raw.column_names:
        return raw[ROW].combine_chunks().cast(pa.int64())
    return pa.array(np.arange(first_row, first_row + raw.num_rows, dtype=np.int64))


def _clean(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Trimmed text; an empty cell is null."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    trimmed = pc.utf8_trim_whitespace(values.cast(pa.string()))
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _mask(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow result as a numpy mask (null = False)."""
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _check_column(
    column: Column, values: pa.Array, decimal_comma: bool
) -> tuple[pa.Array, list[Problem]]:
    """The typed column and the problems of its cells (required, type, codes)."""
    problems = []
    if column.required:
        problems.append(Problem(_mask(pc.is_null(values)), column.name, "required value is empty"))
    typed, failures = _parse(column.type, values, decimal_comma)
    present = _mask(pc.is_valid(values))
    for failed, reason in failures:
        problems.append(Problem(present & failed, column.name, reason, values))
    if column.values:
        unknown = present & ~_mask(pc.is_in(values, pa.array(column.values)))
        allowed = ", ".join(column.values)
        problems.append(
            Problem(unknown, column.name, f"unknown code, expected one of: {allowed}", values)
        )
    return typed, problems


Failures = list[tuple[np.ndarray, str]]  # (rows, reason) per rule the cells may break


def _parse(kind: str, values: pa.Array, decimal_comma: bool) -> tuple[pa.Array, Failures]:
    """The typed column and, per parsing rule, the cells that break it (null cells are
    masked out by the caller)."""
    if kind in ("date", "timestamp"):
        typed = _parse_time(values, TIME_FORMATS[kind], ARROW_TYPES[kind])
        return typed, [(_mask(pc.is_null(typed)), NOT_A_DATE if kind == "date" else NOT_A_TIME)]
    if kind not in NUMBERS:
        return values, []
    pattern, expected, fits, too_large = NUMBERS[kind]
    text = values  # in plain notation: digits, a point, at most 2 decimals
    if kind == "decimal" and decimal_comma:
        pattern, expected = DECIMAL_COMMA, NOT_AN_AMOUNT_COMMA
        text = pc.replace_substring(pc.replace_substring(values, ".", ""), ",", ".")
    shaped = _mask(pc.match_substring_regex(values, pattern))
    small = _mask(pc.match_substring_regex(text, fits))
    kept = pc.if_else(pa.array(shaped & small), text, pa.scalar(None, pa.string()))
    return pc.cast(kept, ARROW_TYPES[kind]), [(~shaped, expected), (shaped & ~small, too_large)]


def _parse_time(values: pa.Array, formats: tuple[str, ...], target: pa.DataType) -> pa.Array:
    """The first format that reads the text exactly: a round trip, so 2020-02-30, 2020-1-5
    and 2020-13-01 are not dates."""
    result = pa.nulls(len(values), pa.timestamp("s"))
    for fmt in formats:
        parsed = pc.strptime(values, format=fmt, unit="s", error_is_null=True)
        exact = pc.equal(pc.strftime(parsed, format=fmt), values)
        good = pc.and_(exact, pc.greater_equal(parsed, EARLIEST))
        result = pc.if_else(pc.and_(pc.is_null(result), pc.fill_null(good, False)), parsed, result)
    return pc.cast(result, target)


def _interval_problems(
    table: Table, typed: dict[str, pa.Array], cells: dict[str, pa.Array]
) -> list[Problem]:
    """An end before its start (the end is inclusive, so end == start is one day)."""
    if table.period is None:
        return []
    start, end = table.period
    reversed_ = _mask(pc.less(typed[end], typed[start]))
    return [Problem(reversed_, end, f"{end} before {start}", cells[end])]


def _duplicate_problems(
    table: Table, typed: dict[str, pa.Array], cells: dict[str, pa.Array], rows: pa.Array
) -> list[Problem]:
    """A row equal in every column to an earlier one is a copy: the first is kept and each
    copy rejected, naming the first. Otherwise every row sharing its key with another is
    rejected: nothing says which is right.

    Where the table keeps history, rows with one key and different registration times are
    versions, not duplicates. An empty optional key part is a value like any other; a row
    without a required key part is rejected for that already and not compared."""
    if not table.key:
        return []
    names = [*table.key, *([table.history] if table.history else [])]
    copies, found = _copies(cells, rows)
    groups = _group_ids([typed[n] for n in names])
    counts = np.bincount(groups[~copies]) if (~copies).any() else np.zeros(1, np.int64)
    counts = np.pad(counts, (0, groups.max(initial=0) + 1 - len(counts)))
    complete = ~copies
    for name in table.key:
        if table.column(name).required:
            complete &= _mask(pc.is_valid(typed[name]))
    duplicated = complete & (counts[groups] > 1)
    if not duplicated.any():
        return found
    detail = _duplicate_reasons(table, names, typed, groups, duplicated, rows.to_numpy())
    return [*found, Problem(duplicated, table.key[0], "duplicate key", None, detail)]


def _copies(cells: dict[str, pa.Array], rows: pa.Array) -> tuple[np.ndarray, list[Problem]]:
    """The rows equal in every cell to an earlier row, and their problem ("exact copy of
    row N", N the first such row), worded vectorised."""
    groups = _group_ids(list(cells.values()))
    first = np.unique(groups, return_index=True)[1]
    copies = first[groups] != np.arange(len(groups))
    if not copies.any():
        return copies, []
    original = rows.take(pa.array(first[groups])).cast(pa.string())
    reasons = pc.binary_join_element_wise("exact copy of row ", original, "")
    problem = Problem(copies, None, "exact copy", None, reasons)
    return copies, [problem]


def _group_ids(columns: list[pa.Array]) -> np.ndarray:
    """One dense id per distinct combination of values (null is a value)."""
    ids = np.zeros(len(columns[0]), dtype=np.int64)
    for values in columns:
        codes = pc.dictionary_encode(values).indices
        codes = np.asarray(pc.fill_null(codes, -1).to_numpy(zero_copy_only=False), np.int64)
        ids = ids * (codes.max(initial=-1) + 2) + codes + 1
        ids = np.unique(ids, return_inverse=True)[1].reshape(-1)
    return ids


def _duplicate_reasons(
    table: Table,
    names: list[str],
    typed: dict[str, pa.Array],
    groups: np.ndarray,
    duplicated: np.ndarray,
    numbers: np.ndarray,
) -> dict[int, str]:
    """Per duplicated row: the key and the other rows holding it."""
    indices = np.flatnonzero(duplicated)
    indices = indices[np.argsort(groups[indices], kind="stable")]
    starts = np.flatnonzero(np.diff(groups[indices], prepend=-1))
    detail: dict[int, str] = {}
    for group in np.split(indices, starts[1:]):
        key = _describe_key(table, names, typed, int(group[0]))
        head = group[: MAX_LISTED + 1]  # enough to name MAX_LISTED others for every row
        for index in group:
            listed = ", ".join(str(numbers[i]) for i in head[head != index][:MAX_LISTED])
            more = len(group) - 1 - MAX_LISTED
            where = f"row {listed}" if len(group) == 2 else f"rows {listed}"
            detail[int(index)] = (
                f"duplicate key {key} (also on {where}{f' and {more} more' if more > 0 else ''})"
            )
    return detail


def _describe_key(table: Table, names: list[str], typed: dict[str, pa.Array], index: int) -> str:
    """toewijzing_id='T1'; a personal part by name only; an empty part left out."""
    parts = []
    for name in names:
        value = typed[name][index].as_py()
        if table.column(name).personal:
            parts.append(name)
        elif value is not None:
            parts.append(f"{name}={value!r}" if isinstance(value, str) else f"{name}={value}")
    return ", ".join(parts)


def _rejections(table: Table, problems: list[Problem], rows: pa.Array, file: str) -> Rejected:
    """One rejection per problem per row, worded; personal values are never echoed."""
    parts = []
    for problem in problems:
        indices = np.flatnonzero(problem.mask)
        if not len(indices):
            continue
        column = table.column(problem.column) if problem.column else None
        values = None
        if problem.values is not None and not (column and column.personal):
            values = problem.values.take(pa.array(indices))
        reasons = None
        if isinstance(problem.detail, pa.Array):
            reasons = problem.detail.take(pa.array(indices))
        elif problem.detail is not None:
            detail = problem.detail  # only duplicated rows, one string each
            reasons = pa.array([detail.get(int(i), problem.reason) for i in indices], pa.string())
        numbers = rows.take(pa.array(indices))
        parts.append(
            rejections(table.name, file, numbers, problem.column, problem.reason, reasons, values)
        )
    return Rejected(combine(parts, [table.name]))


def check_references(
    tables: dict[str, pa.Table],
    schema: Schema,
    files: dict[str, str],
    dropped: dict[str, pa.Table] | None = None,
) -> tuple[dict[str, pa.Table], Rejected]:
    """Reject rows whose reference (a claim's toewijzing_id) names no accepted row.

    ``tables`` are accepted tables from ``validate_table`` (with ``__row``); ``files``
    names each table's source. An empty reference is not checked here (``required`` is).
    A reference to a table the source lacks is not checked. ``dropped`` holds, per table,
    its rejected rows as read (text, with ``__row``): a reference to one of them says that
    row was rejected instead of "no such row". Returns new tables."""
    tables = dict(tables)
    parts: list[pa.Table] = []
    for table in schema.tables:
        for column in table.columns:
            target, key = (column.references or ".").split(".")
            if table.name in tables and target in tables:
                tables[table.name], found = _check_reference(
                    tables[table.name],
                    table,
                    column,
                    tables[target][key],
                    files[table.name],
                    _rejected_keys(dropped, target, key, files.get(target, target)),
                )
                parts.append(found)
    return tables, Rejected(combine(parts, [t.name for t in schema.tables]))


def _rejected_keys(
    dropped: dict[str, pa.Table] | None, target: str, key: str, file: str
) -> tuple[pa.Array, pa.Array, str] | None:
    """The key values (as text) and row numbers of ``target``'s rejected rows."""
    rows = (dropped or {}).get(target)
    if rows is None or rows.num_rows == 0 or key not in rows.column_names:
        return None
    keys = _clean(rows[key].cast(pa.string()))
    return keys, rows[ROW].combine_chunks(), file


def _check_reference(
    rows: pa.Table,
    table: Table,
    column: Column,
    known: pa.ChunkedArray,
    file: str,
    rejected: tuple[pa.Array, pa.Array, str] | None = None,
) -> tuple[pa.Table, pa.Table]:
    values = rows[column.name]
    unknown = _mask(pc.is_valid(values)) & ~_mask(pc.is_in(values, known.combine_chunks()))
    if not unknown.any():
        return rows, empty()
    target = (column.references or "").split(".")[0]
    picked = rows.filter(pa.array(unknown))
    parent = pa.nulls(picked.num_rows, pa.int64())
    if rejected is not None:
        keys, numbers, where = rejected
        position = pc.index_in(picked[column.name].combine_chunks().cast(pa.string()), keys)
        parent = pc.take(numbers, position)
    orphan = _mask(pc.is_null(parent))
    parts = []
    if orphan.any():
        alone = picked.filter(pa.array(orphan))
        parts.append(
            rejections(
                table.name,
                file,
                alone[ROW].combine_chunks(),
                column.name,
                f"unknown {column.name}: no such row in {target}",
                None,
                None if column.personal else alone[column.name].combine_chunks(),
            )
        )
    if not orphan.all():
        child = picked.filter(pa.array(~orphan))
        kind = f"{column.name} refers to a rejected row of {target}"
        lines = pc.cast(parent.filter(pa.array(~orphan)), pa.string())
        parts.append(
            rejections(
                table.name,
                file,
                child[ROW].combine_chunks(),
                column.name,
                kind,
                pc.binary_join_element_wise(
                    f"{kind} ({where}:", lines, "); correct that row and this one counts", ""
                ),
                None if column.personal else child[column.name].combine_chunks(),
            )
        )
    found = pa.concat_tables(parts)
    return rows.filter(pa.array(~unknown)), found
