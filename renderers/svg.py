"""Charts as inline SVG: bars with an optional line, and stacked bars. No script, no
network, readable by screen readers (role="img" with a title and a description)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

PALETTE = ("#1f5fa8", "#e07b00", "#2e8540", "#8e3b97", "#b3261e", "#5f6b7a", "#0c7c8c")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 260, 56, 40, 16


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


def _scale(maximum: float) -> float:
    """A round top for the axis: 1, 2, 2.5 or 5 times a power of ten, in four steps."""
    if maximum <= 0:
        return 1.0
    step = maximum / 4
    power = 10 ** math.floor(math.log10(step))
    nice = next(m for m in (1, 2, 2.5, 5, 10) if m * power >= step)
    return nice * power * 4


def _axis(labels: list[str], maximum: float, fmt) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH}" y2="{HEIGHT - BOTTOM}" class="axis"/>'
    ]
    for i in range(5):
        value = maximum * i / 4
        y = HEIGHT - BOTTOM - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}" class="grid"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">{escape(fmt(value))}</text>'
        )
    step = max(1, len(labels) // 12)
    band = (WIDTH - LEFT) / max(1, len(labels))
    for i, label in enumerate(labels):
        if i % step == 0:
            x = LEFT + band * (i + 0.5)
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" class="tick" text-anchor="middle">{escape(label)}</text>'
            )
    return parts


def bar_line_chart(
    title: str, labels: list[str], bars: list[Series], line: Series | None, fmt, description: str
) -> str:
    """Grouped bars per period (e.g. in- and outflow) with a line (e.g. unique clients)."""
    values = [v for s in [*bars, *([line] if line else [])] for v in s.values if v is not None]
    maximum = _scale(max(values, default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    band = (WIDTH - LEFT) / max(1, len(labels))
    width = band * 0.8 / max(1, len(bars))
    parts = _axis(labels, maximum, fmt)
    for b, series in enumerate(bars):
        for i, value in enumerate(series.values):
            if value is None:
                continue
            h = plot_h * value / maximum
            x = LEFT + band * i + band * 0.1 + width * b
            parts.append(
                f'<rect x="{x:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" width="{width:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[b % len(PALETTE)]}"><title>{escape(series.name)} {escape(labels[i])}: '
                f"{escape(fmt(value))}</title></rect>"
            )
    if line is not None:
        points = [
            f"{LEFT + band * (i + 0.5):.1f},{HEIGHT - BOTTOM - plot_h * v / maximum:.1f}"
            for i, v in enumerate(line.values)
            if v is not None
        ]
        parts.append(f'<polyline points="{" ".join(points)}" class="line"/>')
    legend = [*bars, *([line] if line else [])]
    return _svg(title, description, parts, legend, line is not None)


def stacked_chart(
    title: str,
    labels: list[str],
    stacks: list[Series],
    fmt,
    description: str,
    percent: bool = False,
) -> str:
    """Stacked bars per period; with ``percent`` each bar is scaled to 100 %."""
    totals = [sum(s.values[i] or 0 for s in stacks) for i in range(len(labels))]
    maximum = 1.0 if percent else _scale(max(totals, default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    band = (WIDTH - LEFT) / max(1, len(labels))
    parts = _axis(labels, maximum, fmt)
    for i in range(len(labels)):
        base = 0.0
        for s, series in enumerate(stacks):
            value = series.values[i] or 0
            share = value / totals[i] if percent and totals[i] else value
            h = plot_h * share / maximum
            y = HEIGHT - BOTTOM - plot_h * base / maximum - h
            base += share
            parts.append(
                f'<rect x="{LEFT + band * i + band * 0.15:.1f}" y="{y:.1f}" width="{band * 0.7:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(series.name)} '
                f"{escape(labels[i])}: {escape(fmt(value))}</title></rect>"
            )
    return _svg(title, description, parts, stacks, False)


def _svg(
    title: str, description: str, parts: list[str], legend: list[Series], has_line: bool
) -> str:
    """The chart with its legend below it, wrapped over as many lines as it needs."""
    items = []
    x, row = LEFT, 0
    for i, series in enumerate(legend):
        width = 24 + 7 * len(series.name)
        if x + width > WIDTH and x > LEFT:
            x, row = LEFT, row + 1
        y = HEIGHT - 4 + 18 * row
        if has_line and i == len(legend) - 1:
            mark = f'<line x1="{x}" y1="{y - 4}" x2="{x + 14}" y2="{y - 4}" class="line"/>'
        else:
            mark = f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
        items.append(mark + f'<text x="{x + 18}" y="{y}" class="tick">{escape(series.name)}</text>')
        x += width
    body = "".join(parts + items)
    return (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT + 18 * row}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f"<desc>{escape(description)}</desc>{body}</svg>"
    )
