"""postgres_cells: a database column typed as canonical by the CSV reader's rules, in
expressions that cannot fail on a bad value: a cell that does not fit is flagged, never cast.

Text dates are read by their digits as ISO (yyyy-mm-dd) or Dutch (dd-mm-yyyy), never by the
server's DateStyle; 31-02-2020 is no date. Numbers are checked as text (numbers print the
same under every setting), so NaN, Infinity and an amount beyond decimal(18, 2) are
rejected as the CSV reader rejects them, and a cast can never overflow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from maatstaf.adapters.cell_rules import NOT_A_DATE, NOT_A_TIME, NUMBERS
from maatstaf.dsl.schema import IBIS_TYPES, Column

DIGIT = "[0-9]"  # \d would also match other scripts' digits, which no cast reads
DATE_ISO = "^[0-9]{4}-[0-9]{2}-[0-9]{2}"
DATE_NL = "^[0-9]{2}-[0-9]{2}-[0-9]{4}"
CLOCK = "[0-9]{2}:[0-9]{2}:[0-9]{2}"
# the time after the date, per kind: the CSV reader's formats (adapters/validate_sql.py)
TIME_TAIL = {
    "date": ("$", "$"),
    "timestamp": (f"([T ]{CLOCK})?$", f"( {CLOCK})?$"),
}
FIRST_DAY = dt.date(1, 1, 1)
LAST_DAY = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class Check:
    """The rows breaking one rule of one column; ``shown`` is the cell to quote, if any."""

    column: str | None
    reason: str
    failed: ir.BooleanValue
    shown: ir.StringValue | None = None


def typed_column(rel: ir.Table, column: Column) -> tuple[ir.Value, list[Check]]:
    """The column typed as canonical (null where the cell does not fit) and its checks:
    required, type and allowed codes, as the CSV reader applies them."""
    target = IBIS_TYPES[column.type]
    if column.name not in rel.columns:
        return ibis.null(target), []
    source = rel[column.name]
    dtype = source.type()
    if column.type in ("date", "timestamp") and (dtype.is_date() or dtype.is_timestamp()):
        return _native_time(source, column)
    text = _text(source, column.type)
    checks = []
    if column.required:
        checks.append(Check(column.name, "required value is empty", text.isnull()))
    value, failures = _parse(text, column.type)
    checks += [
        Check(column.name, reason, _flag(text.notnull() & f), text) for f, reason in failures
    ]
    if column.values:
        allowed = ", ".join(column.values)
        unknown = text.notnull() & ~text.isin(list(column.values))
        checks.append(
            Check(column.name, f"unknown code, expected one of: {allowed}", _flag(unknown), text)
        )
    return value, checks


def _flag(condition: ir.BooleanValue) -> ir.BooleanValue:
    return condition.fill_null(False)


def _text(source: ir.Value, kind: str) -> ir.StringValue:
    """The cell as the CSV reader sees it: trimmed, empty = missing. A number prints
    without trailing zeros (12.50 in a numeric(18, 4) column is the amount 12.5)."""
    dtype = source.type()
    text = source.strip() if dtype.is_string() else source.cast("string")
    if kind in NUMBERS and (dtype.is_decimal() or dtype.is_floating()):
        text = text.re_replace(r"(\.[0-9]*[1-9])0+$", r"\1").re_replace(r"\.0+$", "")
    return text.nullif("")


def _parse(text: ir.StringValue, kind: str) -> tuple[ir.Value, list[tuple[ir.BooleanValue, str]]]:
    if kind in ("date", "timestamp"):
        value = _parse_time(text, kind)
        return value, [(value.isnull(), NOT_A_DATE if kind == "date" else NOT_A_TIME)]
    if kind not in NUMBERS:
        return text, []
    pattern, expected, fits, too_large = (p.replace(r"\d", DIGIT) for p in NUMBERS[kind])
    shaped, small = text.re_search(pattern), text.re_search(fits)
    value = ibis.cases((shaped & small, text.cast(IBIS_TYPES[kind])), else_=None)
    return value.cast(IBIS_TYPES[kind]), [(~shaped, expected), (shaped & ~small, too_large)]


def _parse_time(text: ir.StringValue, kind: str) -> ir.Value:
    """The date (and time) the digits spell, or null: every part is range-checked before
    make_date / make_timestamp sees it, so no cell can make the query fail."""
    tail_iso, tail_nl = TIME_TAIL[kind]
    iso, nl = text.re_search(DATE_ISO + tail_iso), text.re_search(DATE_NL + tail_nl)

    def part(at_iso: int, at_nl: int, size: int) -> ir.IntegerValue:
        return ibis.cases(
            (iso, text.substr(at_iso, size).cast("int32")),
            (nl, text.substr(at_nl, size).cast("int32")),
            else_=None,
        ).cast("int32")

    year, month, day = part(0, 6, 4), part(5, 3, 2), part(8, 0, 2)
    timed = (iso | nl) & (text.length() == 19)

    def clock(at: int) -> ir.IntegerValue:
        return ibis.cases((timed, text.substr(at, 2).cast("int32")), else_=0).cast("int32")

    hour, minute, second = clock(11), clock(14), clock(17)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = ibis.cases(
        (month == 2, ibis.cases((leap, 29), else_=28)),
        (month.isin([4, 6, 9, 11]), 30),
        else_=31,
    )
    valid = (
        (year >= 1)
        & month.between(1, 12)
        & day.between(1, days)
        & hour.between(0, 23)
        & minute.between(0, 59)
        & second.between(0, 59)
    )
    made = (
        ibis.date(year, month, day)
        if kind == "date"
        else ibis.timestamp(year, month, day, hour, minute, second)
    )
    return ibis.cases((valid, made), else_=None).cast(IBIS_TYPES[kind])


def _native_time(source: ir.Value, column: Column) -> tuple[ir.Value, list[Check]]:
    """A date or timestamp column: taken as it is, but ±infinity and years outside
    1..9999 are no dates (Arrow, Python and the CSV reader know none)."""
    reason = NOT_A_DATE if column.type == "date" else NOT_A_TIME
    low = ibis.literal(FIRST_DAY) if source.type().is_date() else ibis.literal(dt.datetime(1, 1, 1))
    high = (
        ibis.literal(LAST_DAY)
        if source.type().is_date()
        else ibis.literal(dt.datetime(9999, 12, 31, 23, 59, 59, 999999))
    )
    outside = _flag(source.notnull() & ((source < low) | (source > high)))
    value = ibis.cases((~outside, source.cast(IBIS_TYPES[column.type])), else_=None)
    checks = [Check(column.name, reason, outside, source.cast("string"))]
    if column.required:
        checks.insert(0, Check(column.name, "required value is empty", source.isnull()))
    return value.cast(IBIS_TYPES[column.type]), checks
