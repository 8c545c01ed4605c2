"""windows: a report's period windows and comparisons -> the periods they stand for,
relative to the report period P."""

from __future__ import annotations

from maatstaf.dsl.report_ast import CompareSpec, Window
from maatstaf.engine.periods import (
    Period,
    make_period,
    period_containing,
    periods_between,
    shift,
    span,
)


def window_periods(window: Window, report: Period) -> list[Period]:
    """The periods a window shows, in order. Snapshot months later than P are included
    (they are shown as 'not yet'); other windows end with the period holding P's end."""
    year = report.end.year
    match window.kind:
        case "at":
            return [report]
        case "last":
            unit = window.grain or "month"
            last = period_containing(report.end, unit)
            first = shift(last, steps=-((window.count or 1) - 1))
            return _finer(periods_between(first, last, unit), window.by, report)
        case "years":
            first_year = window.first_year or year
            first = make_period("year", first_year)
            last = make_period("year", window.last_year or first_year)
            return _finer(periods_between(first, last, "year"), window.by, report)
        case "quarters_of_year":
            return periods_between(make_period("quarter", year, 1), report, "quarter")
        case "months_of_year":
            return periods_between(make_period("month", year, 1), report, "month")
        case "year":
            return [make_period("year", year)]
        case "year_to_date":
            return [year_to_date(report)]
        case "previous_year":  # the whole calendar year before P's, complete
            return _finer([make_period("year", year - 1)], window.by, report)
        case "snapshots":
            return [make_period("month", year, m) for m in window.months]


def _finer(periods: list[Period], by: str | None, report: Period) -> list[Period]:
    """``last 3 years by month``: those years at the finer grain, up to P."""
    if by is None or not periods:
        return periods
    finer = periods_between(periods[0], periods[-1], by)  # type: ignore[arg-type]
    return [p for p in finer if p.begin <= report.end]


def year_to_date(period: Period) -> Period:
    """From the first period of P's year at P's grain to P, as one period (a span)."""
    if period.is_span:
        return period
    first = make_period(period.grain, period.begin.year, 1)
    return span(first, period)


def compared_period(spec: CompareSpec, period: Period) -> tuple[Period, Period]:
    """(the figure compared, the earlier one) for a comparison of ``period``."""
    match spec.kind:
        case "previous":
            return period, _shift(period, steps=-1)
        case "back":
            return period, _shift(period, steps=-spec.periods)
        case "year_earlier":
            return period, _shift(period, years=-1)
        case "year_to_date":
            now = year_to_date(period)
            return now, _shift(now, years=-1)


def _shift(period: Period, years: int = 0, steps: int = 0) -> Period:
    """A period or a span moved; a span moves as a whole (by its own length in steps)."""
    if not period.is_span:
        return shift(period, years=years, steps=steps)
    first_label, _, last_label = period.label.partition("..")
    first = period_containing(period.begin, period.grain)
    last = period_containing(period.end, period.grain)
    assert first.label == first_label and last.label == last_label
    length = len(periods_between(first, last, period.grain))
    moved = steps * length
    return span(shift(first, years=years, steps=moved), shift(last, years=years, steps=moved))
