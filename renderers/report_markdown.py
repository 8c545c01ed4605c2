"""A ReportResult as Markdown: tiles as lines, charts as their figures in a table, tables
as tables (periods as columns or rows), texts with their figures in place. Also the
shared wording (periods in Dutch, states, targets in words) the HTML report uses."""

from __future__ import annotations

import re

from maatstaf.renderers.chart_axes import MONTHS_NL, readable
from maatstaf.renderers.format import MONTHS, change_nl, percent_nl, period_nl, value_nl
from maatstaf.renderers.targets import OPERATORS
from maatstaf.reports.result import (
    ChartResult,
    Compared,
    ItemResult,
    PeriodRef,
    ReportResult,
    Row,
    TableResult,
    TargetStatus,
    TextResult,
    TileResult,
    Value,
)

COMPARED = {
    "previous": "vorige periode",
    "back": "{n} perioden eerder",
    "year_earlier": "zelfde periode vorig jaar",
    "year_to_date": "jaar tot en met nu, vorig jaar",
}
STATUS = {"met": "gehaald", "warn": "binnen de marge", "missed": "niet gehaald"}


def period_text(ref: PeriodRef) -> str:
    """'maart 2021', '1e kwartaal 2021', '2021'; a span 'januari t/m maart 2021'."""
    if not ref.span:
        return period_nl(ref.period)
    first, _, last = ref.period.partition("..")
    return f"{period_nl(first)} t/m {period_nl(last)}"


def period_short(ref: PeriodRef) -> str:
    """Column and axis labels: 'mrt 2021', 'Q1 2021', '2021', 'jan–mrt 2021'."""
    if ref.span:
        first, _, last = ref.period.partition("..")
        return f"{_short(first).rsplit(' ', 1)[0]}–{_short(last)}"
    return _short(ref.period)


def _short(label: str) -> str:
    year, _, rest = label.partition("-")
    if not rest:
        return year
    if rest[0] in "QHP":
        return f"{rest} {year}"
    return f"{MONTHS_NL[int(rest) - 1]} {year}"


def shown(value: Value, unit: str) -> str:
    """A value as a reader sees it: the number, the suppression marker, or its state."""
    if value.suppressed:
        return value.suppressed
    if value.state == "not_updated":
        return value.note or "nog niet bijgewerkt"
    if value.state == "not_yet":
        return "nog niet"
    if value.state == "unavailable":
        return "niet beschikbaar"
    return value_nl(value.value, unit)


def cell(value: Value, unit: str) -> str:
    """A table cell: short states ('n.b.' with a footnote-like title in HTML)."""
    if value.state == "not_updated" and not value.suppressed:
        return "n.b."
    return shown(value, unit)


def norm(target: TargetStatus, unit: str) -> str:
    """'norm: ten minste 95%' (with the warning band: 'marge tot 90%')."""
    text = f"norm: {OPERATORS['nl'][target.operator]} {value_nl(target.value, unit)}"
    if target.warn is not None:
        text += f", marge tot {value_nl(target.warn, unit)}"
    return text


def compared_text(c: Compared, unit: str) -> str:
    what = COMPARED[c.kind].format(n=c.periods)
    line = f"{what} ({period_text(c.other.period)}): {shown(c.other, unit)}"
    change = (
        change_nl(c.base.value, c.other.value, unit)
        if c.base.state == c.other.state == "ok" and not (c.base.suppressed or c.other.suppressed)
        else None
    )
    if change:
        line += f" ({change})"
    if c.kind == "year_to_date":
        line = f"jaar tot en met nu ({period_text(c.base.period)}): {shown(c.base, unit)}; " + line
    brk = c.definition_break
    if brk is not None:
        old = brk.suppressed or value_nl(brk.value, unit)
        line += (
            f"; definitie gewijzigd per {date_nl(brk.valid_from)}; volgens de oude definitie: {old}"
        )
    return line


def date_nl(iso: str | None) -> str:
    if iso is None:
        return "een eerdere datum"
    year, month, day = iso.split("-")
    return f"{int(day)}-{int(month)}-{year}"


def dims_text(row: Row) -> str:
    """The row's dimension values as a reader sees them: the declared label, else the code
    made readable (``niet_gemeente`` -> niet-gemeente); the JSON keeps the codes."""
    return ", ".join(dimension_text(row, k) for k in row.dimensions)


def dimension_text(row: Row, dimension: str) -> str:
    """One of the row's dimension values as a reader sees it (see ``dims_text``)."""
    return row.dimension_labels.get(dimension) or readable(row.dimensions[dimension])


def row_label(row: Row, several_measures: bool) -> str:
    if row.dimensions and not several_measures:
        return dims_text(row)
    return f"{row.label} ({dims_text(row)})" if row.dimensions else row.label


def text_markdown(item: TextResult, period: PeriodRef) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "period":
            return period_text(period)
        value = item.values.get(name)
        return match.group(0) if value is None else shown(value, item.units.get(name, ""))

    return re.sub(r"\{([A-Za-z_][\w.]*(?:@\d+)?)\}", replace, item.markdown)


def table_grid(item: TableResult) -> tuple[list[str], list[list[str]]]:
    """Header and body as text, with periods as columns (transposed for 'as rows')."""
    several = len({r.measure for r in item.rows}) > 1
    header = [""] + [
        period_short(c.period)
        + (" (vergelijking)" if c.compared else "")
        + (" ¦" if c.break_before else "")
        for c in item.columns
    ]
    body = []
    rows = item.rows + ([item.total] if item.total else [])
    for number, row in enumerate(rows):
        label = (
            "Totaal"
            if item.total is not None and number == len(item.rows)
            else row_label(row, several)
        )
        cells = [cell(v, row.unit) for v in row.values]
        body.append([label, *cells])
        if item.percentages and row.share:
            body.append([f"{label} (%)", *(percent_nl(s, 1) for s in row.share)])
    if item.periods_as == "rows":
        columns = list(zip(header, *body, strict=True))
        return [c for c in columns[0]], [list(c) for c in columns[1:]]
    return header, body


class ReportMarkdownRenderer:
    name = "markdown"
    suffix = ".md"

    def __init__(self, locale: str = "nl") -> None:
        self.locale = locale

    def render(self, result: ReportResult) -> str:
        lines = [f"# {result.title}", ""]
        if result.subtitle:
            lines += [f"_{result.subtitle}_", ""]
        lines += [f"Periode: {period_text(result.period)}", ""]
        for section in result.sections:
            lines += [f"## {section.title}", ""]
            for item in section.items:
                lines += [*_item(item, result), ""]
        lines += _footer(result)
        return "\n".join(lines).rstrip() + "\n"


def _item(item: ItemResult, result: ReportResult) -> list[str]:
    match item:
        case TileResult():
            return _tile(item)
        case ChartResult():
            return _chart(item)
        case TableResult():
            return _table(item)
        case TextResult():
            return [text_markdown(item, result.period)]


def _tile(item: TileResult) -> list[str]:
    lines = [f"**{item.label}**"]
    for row in item.rows:
        where = f" — {dims_text(row)}" if row.dimensions else ""
        value = row.values[0]
        line = f"- {shown(value, row.unit)}{where} ({period_text(value.period)})"
        if row.target is not None:
            status = STATUS.get(row.target.status or "", "geen cijfer")
            line += f"; {norm(row.target, row.unit)}: {status}"
        lines.append(line)
        lines += [f"  - {compared_text(c, row.unit)}" for c in row.compared]
    return lines


def _chart(item: ChartResult) -> list[str]:
    several = len({r.measure for r in item.rows}) > 1
    header = ["", *(period_short(p) for p in item.periods)]
    body = [[row_label(r, several), *(cell(v, r.unit) for v in r.values)] for r in item.rows]
    return [f"**{item.title}**", "", *_md_table(header, body)]


def _table(item: TableResult) -> list[str]:
    header, body = table_grid(item)
    lines = [f"**{item.title}**", "", *_md_table(header, body)]
    if item.footnotes:
        lines += ["", *(f"{i}. {n}" for i, n in enumerate(item.footnotes, 1))]
    return lines


def _md_table(header: list[str], body: list[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return [line(header), "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"] + [
        line(r) for r in body
    ]


def _footer(result: ReportResult) -> list[str]:
    lines = []
    if result.suppression is not None:
        lines += [
            f"Kleine aantallen zijn afgeschermd ({result.suppression.marker}); "
            f"{result.suppression.hidden} cijfer(s) verborgen.",
            "",
        ]
    if result.notes:
        lines += ["## Opmerkingen", ""] + [f"- {n.measure}: {n.message}" for n in result.notes]
        lines.append("")
    if result.source:
        lines += [f"Bron van de opzet: {result.source}", ""]
    measures = sorted({(m.measure, m.version) for p in result.provenance for m in p.measures})
    if measures:
        used = ", ".join(f"{m}@{v}" for m, v in measures)
        fingerprint = result.provenance[0].data_fingerprint
        lines += [f"Definities: {used}. Gegevens: {fingerprint}.", ""]
    return lines


__all__ = ["MONTHS", "ReportMarkdownRenderer"]
