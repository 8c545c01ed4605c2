"""A ReportResult as one self-contained HTML page: no script, no network, styles only by
hash (the same Content-Security-Policy as the figures report), charts as inline SVG, every
text from a definition escaped by Jinja2's autoescaping."""

from __future__ import annotations

import base64
import hashlib
import textwrap
from importlib import resources

import jinja2
from markupsafe import Markup

from maatstaf.renderers import svg
from maatstaf.renderers.format import value_nl
from maatstaf.renderers.report_markdown import (
    STATUS,
    cell,
    compared_text,
    dimension_text,
    dims_text,
    norm,
    period_short,
    period_text,
    row_label,
    shown,
    table_grid,
    text_markdown,
)
from maatstaf.reports.result import (
    ChartResult,
    ItemResult,
    ReportResult,
    Row,
    TableResult,
    TextResult,
    TileResult,
)


def _template(name: str) -> str:
    return resources.files("maatstaf.renderers").joinpath("templates", name).read_text("utf-8")


class ReportHtmlRenderer:
    name = "html"
    suffix = ".html"

    def __init__(self, locale: str = "nl") -> None:
        self.locale = locale

    def render(self, result: ReportResult) -> str:
        env = jinja2.Environment(
            loader=jinja2.FunctionLoader(_template),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        style = _template("report.css") + _template("report_extra.css.j2")
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        csp = (
            "default-src 'none'; img-src data:; base-uri 'none'; form-action 'none'; "
            f"style-src 'sha256-{digest}'"
        )
        sections = [
            {
                "title": s.title,
                "anchor": f"sectie-{i + 1}",
                "entries": [_item(item, result) for item in s.items],
            }
            for i, s in enumerate(result.sections)
        ]
        return env.get_template("report_page.html.j2").render(
            r=result,
            lang=self.locale,
            csp=csp,
            style=style,
            period=period_text(result.period),
            sections=sections,
            suppression=_suppression(result),
            provenance=_provenance(result),
        )


def _item(item: ItemResult, result: ReportResult) -> dict:
    match item:
        case TileResult():
            return {"kind": "tile", "measure": item.measure, "label": item.label,
                    "rows": [_tile_row(r) for r in item.rows]}  # fmt: skip
        case ChartResult():
            return {"kind": "chart", "title": item.title, "svgs": charts(item)}
        case TableResult():
            return _table(item)
        case TextResult():
            return {"kind": "text", "html": markdown_html(text_markdown(item, result.period))}


def _tile_row(row: Row) -> dict:
    value = row.values[0]
    target = row.target
    return {
        "dims": dims_text(row),
        "value": shown(value, row.unit),
        "period": period_text(value.period),
        "status": target.status if target is not None else None,
        "norm": norm(target, row.unit) if target is not None else None,
        "status_text": STATUS.get(target.status or "", "geen cijfer") if target else "",
        "compared": [compared_text(c, row.unit) for c in row.compared],
    }


def _table(item: TableResult) -> dict:
    header, body = table_grid(item)
    breaks = [False] + [c.break_before for c in item.columns]
    if item.periods_as == "rows":
        breaks = [False] * len(header)
    return {
        "kind": "table",
        "title": item.title,
        "header": [
            {"text": h.rstrip(" ¦"), "brk": b} for h, b in zip(header, breaks, strict=False)
        ],
        "body": [
            [{"text": c, "brk": b} for c, b in zip(line, breaks, strict=False)] for line in body
        ],
        "footnotes": item.footnotes,
    }


def charts(item: ChartResult) -> list[str]:
    """The chart as inline SVG: each chart kind of the language by its own svg function,
    with its title, its unit on the value axis and its period on the time axis."""
    codes = [p.period for p in item.periods]
    labels = (
        svg.period_labels(codes)
        if not any(p.span for p in item.periods)
        else [period_short(p) for p in item.periods]
    )
    several = len({r.measure for r in item.rows}) > 1
    unit = item.rows[0].unit if item.rows else ""

    def fmt(v: float) -> str:
        return value_nl(v, unit)

    def series(row: Row, values: list | None = None) -> svg.Series:
        shown_values = values if values is not None else _numbers(row)
        return svg.Series(row_label(row, several), shown_values)

    # the page shows the title as the figure's caption (a text that wraps), not twice
    frame = svg.Frame(
        item.title, unit, svg.period_span(codes), fmt, _description(item), drawn_title=False
    )
    match item.chart:
        case "stacked_bars":
            return [svg.stacked_bar_chart(frame, labels, [series(r) for r in item.rows])]
        case "donut":  # the composition at the last period shown
            slices = [(row_label(r, several), (_numbers(r) or [None])[-1]) for r in item.rows]
            return [svg.donut_chart(frame, slices, lambda v: f"{v:.0%}")]
        case "small_multiples_year":
            years = sorted({c[:4] for c in codes})
            panels = []
            for year in years:
                idx = [i for i, c in enumerate(codes) if c.startswith(year)]
                year_labels = svg.period_labels([codes[i] for i in idx], year=False)
                rows = [series(r, [_numbers(r)[i] for i in idx]) for r in item.rows]
                panels.append(svg.Panel(year, year_labels, rows))
            return [svg.small_multiples(frame, panels)]
        case "small_multiples_category":
            panels = [svg.Panel(row_label(r, False), labels, [series(r)]) for r in item.rows]
            return [svg.small_multiples(frame, panels, kind="line" if len(codes) > 6 else "bars")]
        case "combination":
            pairs = list(zip(item.rows, item.axes, item.styles, strict=True))
            bars = [series(r) for r, _, style in pairs if style != "line"]
            lines = [series(r) for r, _, style in pairs if style == "line"]
            right = [r for r, axis, style in pairs if style == "line" and axis == "right"]
            if right:
                right_unit = right[0].unit
                return [
                    svg.combination_chart(
                        frame, labels, bars, lines, right_unit, lambda v: value_nl(v, right_unit)
                    )
                ]
            return [svg.combination_chart(frame, labels, bars, lines, unit)]
        case "line":
            return [svg.line_chart(frame, labels, [series(r) for r in item.rows])]
        case "grouped_bars" | "bars" if (crossed := _crossed(item)) is not None:
            axis, bars = crossed
            if len(bars) == 1:
                return [svg.bar_chart(frame, axis, bars[0])]
            return [svg.grouped_bar_chart(frame, axis, bars)]
        case "grouped_bars":
            return [svg.grouped_bar_chart(frame, labels, [series(r) for r in item.rows])]
        case _:  # bars
            if len(item.rows) == 1:
                return [svg.bar_chart(frame, labels, series(item.rows[0]))]
            return [svg.grouped_bar_chart(frame, labels, [series(r) for r in item.rows])]


def _crossed(item: ChartResult) -> tuple[list[str], list[svg.Series]] | None:
    """Bars of one period and one measure by one or two dimensions: the (first)
    dimension's values along the axis instead of the one period; by two (leeftijd and
    geslacht), a bar in its own colour per value of the second, so that a colour says one
    thing. A combination without a row is 0 where the chart left out its zero rows, else
    no figure (a gap). None: the chart is not that."""
    if len(item.periods) != 1 or len({r.measure for r in item.rows}) != 1:
        return None
    keys = {tuple(r.dimensions) for r in item.rows}
    if len(keys) != 1 or len(dimensions := next(iter(keys))) not in (1, 2):
        return None
    first, second = dimensions[0], dimensions[-1]
    groups = {r.dimensions[first]: dimension_text(r, first) for r in item.rows}
    if len(dimensions) == 1:
        values = [_numbers(r)[0] for r in item.rows]
        return list(groups.values()), [svg.Series(item.rows[0].label, values)]
    kinds = {r.dimensions[second]: dimension_text(r, second) for r in item.rows}
    value = {(r.dimensions[first], r.dimensions[second]): _numbers(r)[0] for r in item.rows}
    absent = 0.0 if item.without_zero_rows else None
    bars = [
        svg.Series(name, [value.get((group, kind), absent) for group in groups])
        for kind, name in kinds.items()
    ]
    return list(groups.values()), bars


def _numbers(row: Row) -> list[float | None]:
    return [
        float(v.value) if v.value is not None and v.state == "ok" and not v.suppressed else None
        for v in row.values
    ]


def _description(item: ChartResult) -> str:
    parts = []
    for row in item.rows:
        cells = ", ".join(f"{period_short(v.period)}: {cell(v, row.unit)}" for v in row.values)
        parts.append(f"{row_label(row, True)}: {cells}")
    return "; ".join(parts)


def _suppression(result: ReportResult) -> str | None:
    s = result.suppression
    if s is None:
        return None
    return f"Kleine aantallen zijn afgeschermd ({s.marker}); {s.hidden} cijfer(s) verborgen."


def _provenance(result: ReportResult) -> str:
    measures = sorted({(m.measure, m.version) for p in result.provenance for m in p.measures})
    used = ", ".join(f"{m}@{v}" for m, v in measures)
    first = result.provenance[0] if result.provenance else None
    engine = (
        f"{first.engine} {first.engine_version} · gegevens {first.data_fingerprint[:12]}"
        if first
        else ""
    )
    return f"{engine} · definities: {used}" if used else engine


def markdown_html(text: str) -> Markup:
    """A text item's Markdown as HTML: emphasis, lists, links; raw HTML is escaped and
    images are not rendered (a report makes no request)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).disable("image")
    return Markup(parser.render(textwrap.dedent(text).strip()))
