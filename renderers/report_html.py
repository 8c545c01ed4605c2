"""A ReportResult as one self-contained HTML page: no script, no network, styles only by
hash (the same Content-Security-Policy as the figures report), charts as inline SVG, every
text from a definition escaped by Jinja2's autoescaping."""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources

import jinja2

from maatstaf.renderers import svg
from maatstaf.renderers.format import value_nl
from maatstaf.renderers.report_markdown import (
    STATUS,
    cell,
    compared_text,
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
            paragraphs = re.split(r"\n\s*\n", text_markdown(item, result.period).strip())
            return {"kind": "text", "paragraphs": [" ".join(p.split()) for p in paragraphs]}


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
    """The chart as inline SVG with the chart kinds svg.py draws: bars with a line,
    stacked bars; a donut as one bar of 100 %, small multiples as one chart per year or
    per category."""
    labels = [period_short(p) for p in item.periods]
    several = len({r.measure for r in item.rows}) > 1
    unit = item.rows[0].unit if item.rows else ""

    def fmt(v: float) -> str:
        return value_nl(v, unit)

    def series(row: Row, values: list | None = None) -> svg.Series:
        shown_values = values if values is not None else _numbers(row)
        return svg.Series(row_label(row, several), shown_values)

    description = _description(item)
    match item.chart:
        case "stacked_bars":
            return [
                svg.stacked_chart(
                    item.title, labels, [series(r) for r in item.rows], fmt, description
                )
            ]
        case "donut":
            return [svg.stacked_chart(item.title, labels, [series(r) for r in item.rows], lambda v: f"{v:.0%}" if v <= 1 else fmt(v), description, percent=True)]  # fmt: skip
        case "small_multiples_year":
            years = sorted({p.period[:4] for p in item.periods})
            out = []
            for year in years:
                idx = [i for i, p in enumerate(item.periods) if p.period.startswith(year)]
                bars = [series(r, [_numbers(r)[i] for i in idx]) for r in item.rows]
                out.append(
                    svg.bar_line_chart(
                        f"{item.title} {year}",
                        [labels[i] for i in idx],
                        bars,
                        None,
                        fmt,
                        description,
                    )
                )
            return out
        case "small_multiples_category":
            return [
                svg.bar_line_chart(
                    f"{item.title}: {row_label(r, False)}",
                    labels,
                    [series(r)],
                    None,
                    fmt,
                    description,
                )
                for r in item.rows
            ]
        case "line" | "combination":
            lines = [r for r, s in zip(item.rows, item.styles, strict=True) if s == "line"]
            if item.chart == "line" and not lines:
                lines = item.rows[:1]
            line = lines[0] if lines else None
            bars = [series(r) for r in item.rows if r is not line]
            return [
                svg.bar_line_chart(
                    item.title, labels, bars, series(line) if line else None, fmt, description
                )
            ]
        case _:  # bars, grouped bars
            return [
                svg.bar_line_chart(
                    item.title, labels, [series(r) for r in item.rows], None, fmt, description
                )
            ]


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
