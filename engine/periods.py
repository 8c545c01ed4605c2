"""Periods: a calendar month (``2020-01``), quarter (``2020-Q1``), half-year
(``2020-H1``), 4-weekly period (``2020-P01`` .. ``2020-P13``) or year (``2020``), each the
closed interval [begin, end] of calendar days; the peildatum is ``end``.

The 4-weekly periods are those providers declared in before the iStandaarden went to
calendar months (``istandaarden.md`` 3.7: a declaratieperiode is one calendar month from
2021-01-01 on): 13 periods of four ISO weeks (Monday to Sunday), period k of year Y being
ISO weeks 4k-3 .. 4k of ISO year Y. An ISO year of 53 weeks leaves week 53 over: it opens
period 1 of the next year (which then has five weeks), so period 13 always ends on the
Sunday of week 52. That is what Dongen's providers declared: "periode 13 liep af op
27-12-2020 ipv 31-12-2020" (seed 004; ``docs/interpretations.md`` 41). A span
of consecutive periods of one grain (``2021-01..2021-03``, a year to date) is a period too:
measures are evaluated over the whole span, at the version valid on its last day."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Grain = Literal["month", "4-weekly", "quarter", "half-year", "year"]
GRAINS: tuple[Grain, ...] = ("month", "4-weekly", "quarter", "half-year", "year")
_PATTERNS: tuple[tuple[Grain, re.Pattern[str]], ...] = (
    ("month", re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$")),
    ("half-year", re.compile(r"^(\d{4})-H([12])$")),
    ("4-weekly", re.compile(r"^(\d{4})-P(0[1-9]|1[0-3])$")),
    ("year", re.compile(r"^(\d{4})$")),
)


class PeriodError(ValueError):
    """A period written in a form we do not know."""


@dataclass(frozen=True, order=True)
class Period:
    begin: dt.date
    end: dt.date
    grain: Grain
    label: str

    @property
    def peildatum(self) -> dt.date:
        return self.end

    @property
    def is_span(self) -> bool:
        """Several periods of its grain taken as one (``2021-01..2021-03``)."""
        return ".." in self.label


def span(first: Period, last: Period) -> Period:
    """The periods from ``first`` to ``last`` (one grain) as one period; a single period
    stays itself."""
    if first.grain != last.grain or last.end < first.begin:
        raise PeriodError(f"{first.label}..{last.label} is no span of one grain")
    if first == last:
        return first
    return Period(first.begin, last.end, first.grain, f"{first.label}..{last.label}")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _four_weekly(year: int, index: int) -> Period:
    """Period ``index`` (1..13) of ``year``: ISO weeks 4k-3 .. 4k, period 1 also taking
    week 53 of the year before (see the module's docstring)."""
    try:
        end = dt.date.fromisocalendar(year, 4 * index, 7)
    except ValueError:  # 9999-P13 would end on 10000-01-02: the calendar ends first
        end = dt.date.max
    if index > 1:
        begin = dt.date.fromisocalendar(year, 4 * index - 3, 1)
    elif year > dt.MINYEAR:  # the Monday after period 13 of the year before
        begin = dt.date.fromisocalendar(year - 1, 52, 7) + dt.timedelta(days=1)
    else:
        begin = dt.date.min  # 0001-01-01 is the Monday of ISO week 1 of year 1
    return Period(begin, end, "4-weekly", f"{year:04d}-P{index:02d}")


def make_period(grain: Grain, year: int, index: int = 1) -> Period:
    """The ``index``-th month, 4-weekly period, quarter or half-year of ``year`` (ignored
    for a year)."""
    if grain == "4-weekly":
        return _four_weekly(year, index)
    if grain == "half-year":
        first = 6 * (index - 1) + 1
        return Period(
            dt.date(year, first, 1), _month_end(year, first + 5), grain, f"{year:04d}-H{index}"
        )
    if grain == "month":
        return Period(
            dt.date(year, index, 1), _month_end(year, index), grain, f"{year:04d}-{index:02d}"
        )
    if grain == "quarter":
        first = 3 * (index - 1) + 1
        return Period(
            dt.date(year, first, 1), _month_end(year, first + 2), grain, f"{year:04d}-Q{index}"
        )
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), grain, f"{year:04d}")


def parse_period(text: str) -> Period:
    """``2020-01``, ``2020-P05``, ``2020-Q1``, ``2020-H1`` or ``2020``; a span
    ``2021-01..2021-03``."""
    first, dots, last = text.strip().partition("..")
    if dots:
        return span(parse_period(first), parse_period(last))
    for grain, pattern in _PATTERNS:
        match = pattern.match(text.strip())
        if match:
            year = int(match.group(1))
            if year < dt.MINYEAR:
                raise PeriodError(
                    f"'{text}': years run from 0001 to 9999 (the calendar has no year 0)"
                )
            index = int(match.group(2)) if grain != "year" else 1
            return make_period(grain, year, index)
    raise PeriodError(
        f"'{text}' is not a period: write a month as 2020-01, a 4-weekly period as "
        "2020-P01 (P01 to P13), a quarter as 2020-Q1, a half-year as 2020-H1 or a year "
        "as 2020"
    )


def period_containing(day: dt.date, grain: Grain) -> Period:
    if grain == "4-weekly":
        year, week, _ = day.isocalendar()
        if week == 53:
            return _four_weekly(year + 1, 1)
        return _four_weekly(year, (week - 1) // 4 + 1)
    index = {
        "month": day.month,
        "quarter": (day.month - 1) // 3 + 1,
        "half-year": (day.month - 1) // 6 + 1,
        "year": 1,
    }[grain]
    return make_period(grain, day.year, index)


def year_of(period: Period) -> int:
    """The year a period belongs to (its label's year: 2021-P01 begins on 2020-12-28)."""
    return int(period.label.rpartition("..")[2][:4])


def index_of(period: Period) -> int:
    """The period's number within its year (month 1-12, P 1-13, Q 1-4, H 1-2; a year 1)."""
    label = period.label.rpartition("..")[2]
    return int(label[5:].lstrip("QHP")) if len(label) > 4 else 1


def year_start(period: Period) -> dt.date:
    """The first day of the year to date ending with ``period``: 1 January of its year,
    for 4-weekly periods the first day of period 1 of its year."""
    year = year_of(period)
    if period.grain == "4-weekly":
        return _four_weekly(year, 1).begin
    return dt.date(year, 1, 1)


def periods_between(first: Period, last: Period, grain: Grain) -> list[Period]:
    """Every period of ``grain`` from the one holding ``first.begin`` to the one holding
    ``last.end``, in order."""
    if last.end < first.begin:
        raise PeriodError(f"the range ends ({last.label}) before it begins ({first.label})")
    current = period_containing(first.begin, grain)
    result = []
    while current.begin <= last.end:
        result.append(current)
        if current.end == dt.date.max:  # 9999-12-31: the calendar ends here
            break
        current = period_containing(current.end + dt.timedelta(days=1), grain)
    return result


def shift(period: Period, years: int = 0, steps: int = 0) -> Period:
    """The same period ``years`` earlier/later, or ``steps`` periods of its grain away; a
    PeriodError when that falls outside the calendar (years 0001 to 9999)."""
    if years and period.grain == "4-weekly" and not period.is_span:
        year = year_of(period) + years
        if dt.MINYEAR <= year <= dt.MAXYEAR:
            return _four_weekly(year, index_of(period))
    year = period.begin.year + years
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        way = "earlier" if years < 0 else "later"
        span = "a year" if abs(years) == 1 else f"{abs(years)} years"
        raise PeriodError(
            f"{period.label} has no period {span} {way}: the calendar runs from 0001 to 9999"
        )
    result = period_containing(period.begin.replace(year=year), period.grain)
    for _ in range(abs(steps)):
        if (result.begin if steps < 0 else result.end) in (dt.date.min, dt.date.max):
            way = "before" if steps < 0 else "after"
            raise PeriodError(
                f"{period.label} has no period {way} it: the calendar runs from 0001 to 9999"
            )
        edge = (
            result.begin - dt.timedelta(days=1) if steps < 0 else result.end + dt.timedelta(days=1)
        )
        result = period_containing(edge, period.grain)
    return result
