"""Charts over periods (or categories): lines, bars, grouped bars, stacked bars and the
combination of bars with lines on a right-hand axis.

Stacked bars are for additive counts only: the height of a stack claims to be a total. A
rate or an average with a breakdown is drawn as grouped bars or lines (the caller picks;
the language's check refuses a stacked chart of a non-additive measure). Positive parts
stack upward from 0 and negative parts (a refund, a correction) downward from 0, as every
charting library draws them; the value axis covers both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from maatstaf.renderers.chart_axes import (
    BOTTOM,
    HEIGHT,
    LEFT,
    LINE_COLOURS,
    PALETTE,
    RIGHT,
    TOP,
    WIDTH,
    Fmt,
    Frame,
    Key,
    Scale,
    Series,
    category_axis,
    document,
    heading,
    legend,
    nice_scale,
    tooltip,
    value_axis,
)


@dataclass(frozen=True)
class Box:
    """Where the plot area sits inside the chart."""

    x0: float
    x1: float
    top: float
    bottom: float

    def band(self, count: int) -> float:
        return (self.x1 - self.x0) / max(1, count)


def line_chart(frame: Frame, labels: Sequence[str], series: Sequence[Series]) -> str:
    """One line per series over the periods; gaps where there is no figure."""
    return _cartesian(frame, labels, bars=(), lines=series)


def bar_chart(frame: Frame, labels: Sequence[str], series: Series) -> str:
    """One bar per period (or category)."""
    return _cartesian(frame, labels, bars=(series,), lines=())


def grouped_bar_chart(frame: Frame, labels: Sequence[str], series: Sequence[Series]) -> str:
    """Bars side by side per period: for rates, averages and non-additive breakdowns."""
    return _cartesian(frame, labels, bars=series, lines=())


def stacked_bar_chart(
    frame: Frame, labels: Sequence[str], series: Sequence[Series], percent: bool = False
) -> str:
    """Bars stacked per period, for additive counts; ``percent`` scales each bar to 100 %
    (the composition), its tick labels then read as shares."""
    return _cartesian(frame, labels, bars=series, lines=(), stacked=True, percent=percent)


def combination_chart(
    frame: Frame,
    labels: Sequence[str],
    bars: Sequence[Series],
    lines: Sequence[Series],
    right_unit: str,
    right_fmt: Fmt | None = None,
) -> str:
    """Bars on the left axis and lines on their own right-hand axis, so a flow of ~50 and a
    stock of ~1.500 are both readable."""
    return _cartesian(
        frame, labels, bars=bars, lines=lines, right=(right_unit, right_fmt or frame.fmt)
    )


def _cartesian(
    frame: Frame,
    labels: Sequence[str],
    bars: Sequence[Series],
    lines: Sequence[Series],
    stacked: bool = False,
    percent: bool = False,
    right: tuple[str, Fmt] | None = None,
    box: Box | None = None,
    scale: Scale | None = None,
) -> str:
    rows = _stack_rows(bars, len(labels), percent) if stacked else None
    left_values = (
        [total for row in rows for total in _reach(row)]
        if rows is not None
        else [v for s in [*bars, *([] if right else lines)] for v in s.values]
    )
    negative = any(v is not None and v < 0 for v in left_values)
    whole = Scale(0.0, 1.0, 0.25) if percent and not negative else None
    left = scale or whole or nice_scale(left_values)
    box = box or Box(_left_margin(left, frame.fmt), WIDTH - (RIGHT + 48 if right else RIGHT),
                     TOP, HEIGHT - BOTTOM)  # fmt: skip
    parts = heading(frame, right[0] if right else None)
    parts += value_axis(left, frame.fmt, box.top, box.bottom, box.x0, box.x1)
    parts += category_axis(labels, box.x0, box.x1, box.bottom, frame.period)
    if rows is not None:
        parts += _stacks(bars, rows, labels, left, box, frame.fmt, percent)
    else:
        parts += _groups(bars, labels, left, box, frame.fmt)
    line_scale, line_fmt = left, frame.fmt
    if right:
        line_scale = nice_scale([v for s in lines for v in s.values])
        line_fmt = right[1]
        parts += value_axis(line_scale, line_fmt, box.top, box.bottom, box.x0, box.x1, "right")
    colours = LINE_COLOURS if bars else PALETTE  # lines beside bars stand out in dark ink
    for i, series in enumerate(lines):
        parts += _line(series, labels, line_scale, box, colours[i % len(colours)], line_fmt)
    keys = [Key(s.name, PALETTE[i % len(PALETTE)]) for i, s in enumerate(bars)]
    suffix = f" ({right[0]}, rechteras)" if right else ""
    keys += [Key(s.name + suffix, colours[i % len(colours)], True) for i, s in enumerate(lines)]
    found, height = legend(keys, HEIGHT - 2)
    return document(frame, [*parts, *found], HEIGHT + height)


def _stack_rows(bars: Sequence[Series], count: int, percent: bool) -> list[list[float | None]]:
    """Per period, each series' part of the stack (as a share of the stack with percent)."""
    rows = []
    for i in range(count):
        row = [s.values[i] if i < len(s.values) else None for s in bars]
        total = sum(abs(v) for v in row if v)  # with negative parts: of their whole extent
        if percent:
            row = [None if v is None or not total else v / total for v in row]
        rows.append(row)
    return rows


def _left_margin(scale: Scale, fmt: Fmt) -> float:
    """Room for the widest tick label (``€ -250.000``, ``€ 1.000.000``), never less than
    the usual margin, so no label is cut off at the chart's left edge."""
    widest = max(len(fmt(v)) for v in scale.ticks())
    return max(LEFT, round(6.6 * widest + 10))


def _reach(row: list[float | None]) -> tuple[float, float]:
    """How far a stack reaches above 0 (its positive parts) and below 0 (its negative ones)."""
    return sum(v for v in row if v and v > 0), sum(v for v in row if v and v < 0)


def _groups(
    bars: Sequence[Series], labels: Sequence[str], scale: Scale, box: Box, fmt: Fmt
) -> list[str]:
    if not bars:
        return []
    band = box.band(len(labels))
    width = band * 0.8 / len(bars)
    zero = scale.y(0, box.top, box.bottom)
    parts = []
    for b, series in enumerate(bars):
        for i, value in enumerate(series.values[: len(labels)]):
            if value is None:
                continue
            y = scale.y(value, box.top, box.bottom)
            x = box.x0 + band * i + band * 0.1 + width * b
            parts.append(
                f'<rect x="{x:.1f}" y="{min(y, zero):.1f}" width="{max(width - 1, 1):.1f}" '
                f'height="{abs(zero - y):.1f}" fill="{PALETTE[b % len(PALETTE)]}">'
                f"{tooltip(series.name, labels[i], value, fmt)}</rect>"
            )
    return parts


def _stacks(
    bars: Sequence[Series],
    rows: list[list[float | None]],
    labels: Sequence[str],
    scale: Scale,
    box: Box,
    fmt: Fmt,
    percent: bool = False,
) -> list[str]:
    """Each part of each stack; its tooltip gives the figure (the share, with percent)."""
    band = box.band(len(labels))
    parts = []
    for i, row in enumerate(rows):
        up, down = 0.0, 0.0  # the tops of the stack above 0 and below 0
        for b, part in enumerate(row):
            if not part:
                continue
            base = up if part > 0 else down
            y0, y1 = scale.y(base, box.top, box.bottom), scale.y(base + part, box.top, box.bottom)
            if part > 0:
                up += part
            else:
                down += part
            shown = part if percent else bars[b].values[i]
            parts.append(
                f'<rect x="{box.x0 + band * i + band * 0.15:.1f}" y="{min(y0, y1):.1f}" '
                f'width="{band * 0.7:.1f}" height="{abs(y0 - y1):.1f}" '
                f'fill="{PALETTE[b % len(PALETTE)]}">{tooltip(bars[b].name, labels[i], shown, fmt)}'
                "</rect>"
            )
    return parts


def _line(
    series: Series, labels: Sequence[str], scale: Scale, box: Box, colour: str, fmt: Fmt
) -> list[str]:
    """A polyline per unbroken run of figures, a dot where a figure stands alone."""
    band = box.band(len(labels))
    runs: list[list[tuple[float, float, int]]] = [[]]
    for i, value in enumerate(series.values[: len(labels)]):
        if value is None:
            runs.append([])
            continue
        runs[-1].append((box.x0 + band * (i + 0.5), scale.y(value, box.top, box.bottom), i))
    parts = []
    for run in (r for r in runs if r):
        if len(run) == 1:
            x, y, i = run[0]
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"{tooltip(series.name, labels[i], series.values[i], fmt)}</circle>"
            )
            continue
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in run)
        parts.append(f'<polyline points="{points}" class="line" stroke="{colour}"/>')
        parts += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}" fill-opacity="0">'
            f"{tooltip(series.name, labels[i], series.values[i], fmt)}</circle>"
            for x, y, i in run
        ]
    return parts
