"""Charts of parts: a donut of a composition at one period, and small multiples (one small
chart per year or per category, all on the same scale so they can be compared)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from maatstaf.renderers.chart_axes import (
    LINE_COLOURS,
    PALETTE,
    WIDTH,
    Frame,
    Key,
    Series,
    category_axis,
    document,
    heading,
    legend,
    nice_scale,
    text,
    tooltip,
    value_axis,
)
from maatstaf.renderers.chart_plot import Box, _groups, _line

RADIUS, HOLE = 96, 58


def donut_chart(frame: Frame, slices: Sequence[tuple[str, float | None]], percent_fmt) -> str:
    """A composition: one ring segment per part, with each part's value and percentage in
    the legend and the total in the middle. When a part has no figure (hidden or unknown)
    no percentage is shown at all: a share of a partial total would be wrong, and could
    reveal the hidden part."""
    known = [(name, v) for name, v in slices if v is not None and v > 0]
    complete = all(v is not None for _, v in slices)
    total = sum(v for _, v in known)
    cx, cy = 150, 60 + RADIUS
    parts = heading(Frame(frame.title, "", "", frame.fmt, drawn_title=frame.drawn_title))
    angle = -math.pi / 2
    for i, (name, value) in enumerate(known):
        sweep = 2 * math.pi * value / total
        parts.append(_segment(cx, cy, angle, sweep, PALETTE[i % len(PALETTE)], name, value, frame))
        angle += sweep
    if complete and total:
        parts.append(text(cx, cy + 2, frame.fmt(total), "donut-total", "middle"))
        parts.append(text(cx, cy + 20, frame.unit or "totaal", "tick", "middle"))
    y = 70
    for name, value in slices:
        colour = PALETTE[[n for n, _ in known].index(name) % len(PALETTE)] if value else "#ffffff"
        share = (
            f" ({percent_fmt(value / total)})" if complete and total and value is not None else ""
        )
        shown = "–" if value is None else frame.fmt(value)
        parts.append(
            f'<rect x="300" y="{y - 11}" width="12" height="12" fill="{colour}" stroke="#5f6b7a"/>'
        )
        parts.append(text(320, y, f"{name}: {shown}{share}", "label"))
        y += 22
    if frame.period:
        parts.append(text(300, y + 6, frame.period, "axis-title"))
    height = max(cy + RADIUS + 16, y + 16)
    return document(frame, parts, height)


def _segment(
    cx: float, cy: float, start: float, sweep: float, colour: str, name: str, value, frame
) -> str:
    if sweep >= 2 * math.pi - 1e-9:  # one part is everything: a full ring
        sweep = 2 * math.pi - 1e-6
    end = start + sweep
    large = 1 if sweep > math.pi else 0
    p = [
        (cx + RADIUS * math.cos(start), cy + RADIUS * math.sin(start)),
        (cx + RADIUS * math.cos(end), cy + RADIUS * math.sin(end)),
        (cx + HOLE * math.cos(end), cy + HOLE * math.sin(end)),
        (cx + HOLE * math.cos(start), cy + HOLE * math.sin(start)),
    ]
    path = (
        f"M{p[0][0]:.2f},{p[0][1]:.2f} A{RADIUS},{RADIUS} 0 {large} 1 {p[1][0]:.2f},{p[1][1]:.2f} "
        f"L{p[2][0]:.2f},{p[2][1]:.2f} A{HOLE},{HOLE} 0 {large} 0 {p[3][0]:.2f},{p[3][1]:.2f} Z"
    )
    return f'<path d="{path}" fill="{colour}">{tooltip(name, "", value, frame.fmt)}</path>'


@dataclass(frozen=True)
class Panel:
    """One small chart: its own heading (a year, a category), labels and series."""

    title: str
    labels: Sequence[str]
    series: Sequence[Series]


def small_multiples(
    frame: Frame,
    panels: Sequence[Panel],
    kind: Literal["bars", "line"] = "bars",
    columns: int = 3,
) -> str:
    """One small chart per panel in a grid, every one on the same value scale."""
    scale = nice_scale([v for p in panels for s in p.series for v in s.values])
    columns = max(1, min(columns, len(panels)))
    cell_w, cell_h = WIDTH / columns, 190
    parts = heading(frame)
    for n, panel in enumerate(panels):
        x, y = cell_w * (n % columns), 46 + cell_h * (n // columns)
        box = Box(x + 48, x + cell_w - 10, y + 26, y + cell_h - 40)
        parts.append(text(x + 48, y + 14, panel.title, "panel-title"))
        parts += value_axis(scale, frame.fmt, box.top, box.bottom, box.x0, box.x1)
        parts += category_axis(panel.labels, box.x0, box.x1, box.bottom, "")
        if kind == "bars":
            parts += _groups(panel.series, panel.labels, scale, box, frame.fmt)
        else:
            for i, series in enumerate(panel.series):
                colour = LINE_COLOURS[i % len(LINE_COLOURS)]
                parts += _line(series, panel.labels, scale, box, colour, frame.fmt)
    rows = math.ceil(len(panels) / columns)
    bottom = 46 + cell_h * rows
    if frame.period:
        parts.append(text(WIDTH / 2, bottom + 4, frame.period, "axis-title", "middle"))
    names = list(dict.fromkeys(s.name for p in panels for s in p.series))
    if all(len(p.series) == 1 for p in panels):  # one series a panel: its title names it
        names = []  # (a legend would give each its own colour, the panels draw one)
    keys = [
        Key(name, (LINE_COLOURS if kind == "line" else PALETTE)[i % 4], kind == "line")
        for i, name in enumerate(names)
    ]
    found, height = legend(keys if len(names) > 1 else [], bottom + 26)
    return document(frame, [*parts, *found], bottom + 12 + height)
