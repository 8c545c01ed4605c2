"""Charts as inline SVG, the one place renderers get them from: line, bars, grouped bars,
stacked bars (additive counts only), combination (bars with lines on a right-hand axis),
donut (a composition) and small multiples (one small chart per year or category, on one
scale). Every chart shows its title, the unit on its value axis and the period on its
time axis, is accessible (role="img", aria-label, <title>, <desc>), and needs no script
or network.

Build a ``Frame`` (title, unit, period text, value format), label periods with
``period_labels`` (Dutch month abbreviations) and codes with ``readable``.
"""

from __future__ import annotations

from collections.abc import Sequence

from maatstaf.renderers.chart_axes import (
    Fmt,
    Frame,
    Series,
    nice_scale,
    period_labels,
    period_span,
    readable,
)
from maatstaf.renderers.chart_parts import Panel, donut_chart, small_multiples
from maatstaf.renderers.chart_plot import (
    bar_chart,
    combination_chart,
    grouped_bar_chart,
    line_chart,
    stacked_bar_chart,
)

__all__ = [
    "Fmt",
    "Frame",
    "Panel",
    "Series",
    "bar_chart",
    "bar_line_chart",
    "combination_chart",
    "donut_chart",
    "grouped_bar_chart",
    "line_chart",
    "nice_scale",
    "period_labels",
    "period_span",
    "readable",
    "small_multiples",
    "stacked_bar_chart",
    "stacked_chart",
]


def bar_line_chart(
    title: str,
    labels: list[str],
    bars: list[Series],
    line: Series | None,
    fmt: Fmt,
    description: str,
    unit: str = "",
    period: str = "",
) -> str:
    """Bars, with a line on its own right-hand axis (the older call; prefer
    ``combination_chart``, which names the right axis' unit)."""
    frame = Frame(title, unit, period, fmt, description)
    if line is None:
        return grouped_bar_chart(frame, labels, bars)
    return combination_chart(frame, labels, bars, [line], unit, fmt)


def stacked_chart(
    title: str,
    labels: Sequence[str],
    stacks: list[Series],
    fmt: Fmt,
    description: str,
    percent: bool = False,
    unit: str = "",
    period: str = "",
) -> str:
    """Stacked bars per period (the older call; prefer ``stacked_bar_chart``)."""
    frame = Frame(title, unit, period, fmt, description)
    return stacked_bar_chart(frame, labels, stacks, percent)
