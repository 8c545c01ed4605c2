"""Comparisons in words, shared by the HTML and Markdown renderers.

A comparison's values follow the compared figure's own version of the definition; where
a compared period was published under another version, the reader is told beside the
figure ("definitie gewijzigd per 1-1-2021; volgens de oude definitie: 325"), and a table
whose periods straddle a change of version marks the first period of the new version.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from maatstaf.dsl.model import Library
from maatstaf.engine.result import Comparison, DefinitionBreak, Figure
from maatstaf.renderers.format import change_nl, period_nl, value_nl
from maatstaf.renderers.tables import Cell, Grid

BREAK_MARK = "†"


def date_nl(iso: str, locale: str = "nl") -> str:
    """'2021-01-01' -> '1-1-2021' (nl); ISO stays ISO in English."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day}-{day.month}-{day.year}" if locale == "nl" else iso


def break_text(comparison: Comparison | None, unit: str, t: dict, locale: str) -> str | None:
    """What a reader must know beside a compared figure: the definition changed since the
    compared period, and that period's figure by the old definition; None if it did not."""
    if comparison is None:
        return None
    found: dict[str, DefinitionBreak] = {}
    for period, brk in (
        (comparison.previous_period, comparison.previous_break),
        (comparison.year_earlier_period, comparison.year_earlier_break),
    ):
        if brk is not None:
            found.setdefault(period, brk)
    if not found:
        return None
    values = [
        f"{value_nl(brk.previous_definition_value, unit, locale)} ({period_nl(period, locale)})"
        for period, brk in found.items()
    ]
    first = next(iter(found.values()))
    return t["definition_break"].format(
        date=date_nl(first.valid_from, locale), values=f" {t['and']} ".join(values)
    )


def compared(now: Figure, value: int | float | None, unit: str, locale: str) -> str:
    """A compared value with the change to it: '346 (+10%)'; '' where there is none."""
    if value is None:
        return ""
    change = change_nl(now.value, value, unit, locale)
    text = value_nl(value, unit, locale)
    return f"{text} ({change})" if change else text


def comparison_grid(
    figures: list[Figure], units: dict[str, tuple[str, str]], t: dict, locale: str
) -> Grid | None:
    """The latest figure of each measure without dimensions beside the previous period and
    the same period a year earlier (by the same version), with any change of definition."""
    latest: dict[str, Figure] = {}
    for figure in figures:
        if not figure.dimensions:
            latest[figure.measure] = figure
    rows = []
    for measure, figure in latest.items():
        c = figure.comparison
        if c is None and not figure.suppressed:
            continue
        label, unit = units[measure]
        rows.append(
            [
                label,
                period_nl(figure.period, locale),
                figure.suppressed or value_nl(figure.value, unit, locale),
                compared(figure, c.previous_value, unit, locale) if c else "",
                compared(figure, c.year_earlier_value, unit, locale) if c else "",
                break_text(c, unit, t, locale) or "",
            ]
        )
    if not rows:
        return None
    heads = [t["measure"], t["period"], t["value"], t["previous_col"], t["year_col"]]
    return Grid(t["comparisons"], None, [*heads, t["definition_col"]], rows, labels=2)


def version_changes(figures: list[Figure]) -> dict[tuple[str, str], tuple[int, int]]:
    """(measure, period) -> (earlier version, version) at the first period, among those
    shown, in which a measure's figures follow another version than in the one before."""
    versions: dict[str, dict[str, int]] = {}
    for f in figures:
        versions.setdefault(f.measure, {}).setdefault(f.period, f.version)
    changes = {}
    for measure, by_period in versions.items():
        periods = list(by_period)
        for before, period in pairwise(periods):
            if by_period[before] != by_period[period]:
                changes[(measure, period)] = (by_period[before], by_period[period])
    return changes


def marking(cell: Cell, changes: dict[tuple[str, str], tuple[int, int]]) -> Cell:
    """A table cell that carries the break mark at the first period of a new version."""

    def marked(figure: Figure | None, unit: str) -> str:
        text = cell(figure, unit)
        if figure is not None and (figure.measure, figure.period) in changes:
            return f"{text} {BREAK_MARK}"
        return text

    return marked


def mark_breaks(
    tables: list[Grid],
    changes: dict[tuple[str, str], tuple[int, int]],
    figures: list[Figure],
    units: dict[str, tuple[str, str]],
    t: dict,
    locale: str,
    library: Library,
) -> list[Grid]:
    """A footnote under each table that shows a change of version: from when, which
    versions, and that the periods before and after are not comparable as they stand."""
    plain = list(dict.fromkeys(f.measure for f in figures if not f.dimensions))
    for grid in tables:
        shown = [grid.measure] if grid.measure else plain
        for (measure, period), (before, after) in changes.items():
            if measure not in shown:
                continue
            version = library.measures[measure].version(after)
            since = version.valid_from if version is not None else None
            grid.notes.append(
                t["version_break"].format(
                    mark=BREAK_MARK,
                    label=units[measure][0],
                    date=date_nl(since.isoformat(), locale) if since else period_nl(period, locale),
                    period=period_nl(period, locale),
                    after=after,
                    before=before,
                )
            )
    return tables
