"""windows: the first day of the window a period condition takes rows over.

``in period`` runs from the period's first day; ``in year to date`` from the first day of
the period's year (1 January; for a 4-weekly period the first day of period 1 of its
year, a column of the periods table computed by ``engine.periods.year_start``);
``in rolling N months`` from the day after the period's last day, N months earlier, so
the window is the N months ending with it (a day the month has not, 29 February in a
common year or 31 September, becomes the first of the next month). Every window ends
with the period's last day.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from maatstaf.dsl import ast
from maatstaf.engine.env import BEGIN, END

# the periods table's column with the first day of each period's year (year to date)
YEAR_BEGIN = "__year_begin"


def window_begin(window: ast.RowWindow | None, periods: ir.Table) -> ir.DateValue:
    """The first day of the window (the period's own first day without one)."""
    if window is None:
        return periods[BEGIN]
    if window.what == "year_to_date":
        return periods[YEAR_BEGIN]
    return months_before(periods[END], window.months)


def months_before(last: ir.DateValue, months: int) -> ir.DateValue:
    """The first day of the ``months`` months ending with ``last``: the day after ``last``,
    ``months`` months earlier; a day the month has not (30 February) becomes the first of
    the next month."""
    after = (last + ibis.interval(days=1)).cast("date")
    total = after.year() * 12 + after.month() - 1 - months
    month = total % 12 + 1
    first = ibis.date(total // 12, month, 1)
    day = (first + (after.day() - 1).as_interval("D")).cast("date")
    overflow = (day - (day.day() - 1).as_interval("D")).cast("date")
    return ibis.ifelse(day.month() == month, day, overflow)
