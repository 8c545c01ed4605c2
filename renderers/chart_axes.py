"""What every chart shares: its frame (a visible title, the unit on the value axis, the
period on the time axis), round axis scales, Dutch period labels, readable codes, the
legend and the accessible SVG document around it. No script, no network."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from maatstaf.engine.periods import index_of, parse_period, year_of

PALETTE = ("#1f5fa8", "#e07b00", "#2e8540", "#8e3b97", "#b3261e", "#5f6b7a", "#0c7c8c")
LINE_COLOURS = ("#1b1f24", "#b3261e", "#0c7c8c", "#8e3b97")
WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 52, 58  # the plot's margins inside the chart
TITLE_BAND = 24  # the top of a chart, where its title is drawn (at y = 18)
MONTHS_NL = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
_LETTER = {"quarter": "Q", "half-year": "H", "4-weekly": "P"}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Fmt = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    """One named row of values, one per label; None is no figure (a gap, never a zero)."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Frame:
    """What a chart states beside its marks: a title shown on the chart, the unit of the
    value axis, what the time (or category) axis shows, and how values are written.
    ``drawn_title`` False: the page shows the title beside the chart (a report's figure
    caption), so the chart does not draw it again; it still names it to a screen reader."""

    title: str
    unit: str
    period: str
    fmt: Fmt
    description: str = ""
    drawn_title: bool = True


@dataclass(frozen=True)
class Scale:
    """A linear value axis from ``low`` to ``high`` in equal round steps."""

    low: float
    high: float
    step: float

    def ticks(self) -> list[float]:
        """Round values from the lowest multiple of the step on the axis up to its top."""
        first = math.ceil(self.low / self.step - 1e-9)
        count = round(self.high / self.step) - first
        return [self.step * (first + i) for i in range(count + 1)]

    def y(self, value: float, top: float, bottom: float) -> float:
        return bottom - (bottom - top) * (value - self.low) / (self.high - self.low)


def nice_scale(values: Sequence[float | None], steps: int = 4) -> Scale:
    """Round steps (1, 2, 2.5 or 5 times a power of ten) covering the values and zero."""
    known = [v for v in values if v is not None and math.isfinite(v)]
    low, high = min([0.0, *known]), max([0.0, *known])
    if high == low:
        return Scale(low, low + 1.0, 0.25)
    rough = (high - low) / steps
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough * (1 - 1e-9))
    bottom = math.floor(low / step + 1e-9) * step
    if low < 0 and -low < step / 4:
        # a small negative part (a refund under large payments): room for it, not a whole
        # empty step below the zero line
        bottom = math.floor(low / (step / 10) + 1e-9) * (step / 10)
    return Scale(bottom, math.ceil(high / step - 1e-9) * step, step)


def period_labels(periods: Sequence[str], locale: str = "nl", year: bool = True) -> list[str]:
    """'2021-03' -> 'mrt', with the year on the first label and on every January
    ('jan 2021'); '2021-Q2' -> 'Q2' (the year on the first and on Q1), '2021-H2' -> 'H2',
    '2021-P05' -> 'P5' alike; '2021' stays.
    Anything that is not a period label is returned readable (see ``readable``)."""
    months = MONTHS_NL if locale == "nl" else MONTHS_EN
    labels = []
    for i, label in enumerate(periods):
        try:
            period = parse_period(label)
        except Exception:  # a category, not a period
            labels.append(readable(label))
            continue
        first = year and (i == 0 or index_of(period) == 1)
        if period.grain == "month":
            name = months[period.begin.month - 1]
        elif period.grain in ("quarter", "half-year", "4-weekly"):
            name = f"{_LETTER[period.grain]}{index_of(period)}"
        else:
            labels.append(str(period.begin.year))
            continue
        labels.append(f"{name} {year_of(period)}" if first else name)
    return labels


def period_span(periods: Sequence[str], locale: str = "nl") -> str:
    """The time axis' title: 'per maand, jan 2019 – dec 2021'."""
    if not periods:
        return ""
    try:
        first, last = parse_period(periods[0]), parse_period(periods[-1])
    except Exception:
        return ""
    words = {
        "nl": {
            "month": "per maand",
            "4-weekly": "per vier weken",
            "quarter": "per kwartaal",
            "half-year": "per halfjaar",
            "year": "per jaar",
        },
        "en": {
            "month": "by month",
            "4-weekly": "by four weeks",
            "quarter": "by quarter",
            "half-year": "by half-year",
            "year": "by year",
        },
    }[locale if locale == "en" else "nl"]
    ends = period_labels([periods[0], periods[-1]], locale)
    end = period_labels([periods[-1]], locale)[0]
    span = ends[0] if first == last else f"{ends[0]} – {end}"
    return f"{words[first.grain]}, {span}"


def readable(code: str) -> str:
    """A code as a reader sees it: 'niet_gemeente' -> 'niet-gemeente'."""
    return code.replace("_", "-")


def text(x: float, y: float, content: str, cls: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}"{extra}>'
        f"{escape(content)}</text>"
    )


def heading(frame: Frame, right_unit: str | None = None, width: int = WIDTH) -> list[str]:
    """The chart's visible title and the unit over each value axis."""
    parts = [text(0, 18, frame.title, "chart-title")] if frame.drawn_title else []
    if frame.unit:
        parts.append(text(4, TOP - 14, frame.unit, "axis-title"))
    if right_unit:
        parts.append(text(width - 4, TOP - 14, right_unit, "axis-title", "end"))
    return parts


def value_axis(
    scale: Scale, fmt: Fmt, top: float, bottom: float, x0: float, x1: float, side: str = "left"
) -> list[str]:
    """Grid lines (left axis only) and tick labels at round values."""
    parts = []
    for value in scale.ticks():
        y = scale.y(value, top, bottom)
        if side == "left":
            cls = "axis" if value == 0 else "grid"
            parts.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" class="{cls}"/>')
            parts.append(text(x0 - 6, y + 4, fmt(value), "tick", "end"))
        else:
            parts.append(text(x1 + 6, y + 4, fmt(value), "tick right", "start"))
    return parts


def category_axis(labels: Sequence[str], x0: float, x1: float, y: float, period: str) -> list[str]:
    """Tick labels under the bands (thinned to fit) and the axis' title under them."""
    band = (x1 - x0) / max(1, len(labels))
    widest = max((len(label) for label in labels), default=1) * 6.5 + 8
    step = max(1, math.ceil(widest / band))
    parts = [
        text(x0 + band * (i + 0.5), y + 16, label, "tick", "middle")
        for i, label in enumerate(labels)
        if i % step == 0
    ]
    if period:
        parts.append(text((x0 + x1) / 2, y + 38, period, "axis-title", "middle"))
    return parts


@dataclass(frozen=True)
class Key:
    """One legend entry: a bar swatch or a line."""

    name: str
    colour: str
    line: bool = False


def legend(
    keys: Sequence[Key], y: float, x0: float = LEFT, width: int = WIDTH
) -> tuple[list[str], float]:
    """The legend, wrapped over as many lines as it needs; returns its parts and height."""
    parts, x, row = [], x0, 0
    for key in keys:
        size = 26 + 7 * len(key.name)
        if x + size > width and x > x0:
            x, row = x0, row + 1
        ky = y + 18 * row
        if key.line:
            parts.append(
                f'<line x1="{x}" y1="{ky - 4}" x2="{x + 16}" y2="{ky - 4}" stroke="{key.colour}" '
                'class="line"/>'
            )
        else:
            parts.append(
                f'<rect x="{x}" y="{ky - 10}" width="12" height="12" fill="{key.colour}"/>'
            )
        parts.append(text(x + 20, ky, key.name, "tick"))
        x += size
    return parts, (18 * (row + 1) if keys else 0)


def document(frame: Frame, parts: Sequence[str], height: float, width: int = WIDTH) -> str:
    """The accessible SVG: role=img, an aria-label and <title> with the title, and a <desc>.
    A chart that does not draw its title leaves out the band the title is drawn in."""
    label = frame.title + (f" ({frame.unit})" if frame.unit else "")
    desc = frame.description or ", ".join(p for p in (frame.unit, frame.period) if p)
    top = 0 if frame.drawn_title else TITLE_BAND
    box = f"0 {top} {width} {math.ceil(height) - top}"
    return (
        f'<svg viewBox="{box}" role="img" aria-label="{escape(label)}" '
        f'class="chart" xmlns="http://www.w3.org/2000/svg"><title>{escape(frame.title)}</title>'
        f"<desc>{escape(desc)}</desc>{''.join(parts)}</svg>"
    )


def tooltip(name: str, label: str, value: float | None, fmt: Fmt) -> str:
    shown = "–" if value is None else fmt(value)
    head = f"{name} {label}" if label else name
    return f"<title>{escape(head)}: {escape(shown)}</title>"
