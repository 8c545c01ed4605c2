"""format_report: a ``Report`` -> its declaration as text, in the canonical layout.

Parsing the text gives the same report again (spans aside): the round trip the tests run.
"""

from __future__ import annotations

from maatstaf.dsl import report_ast as rep
from maatstaf.dsl.transform_window import MONTHS

_CHART_WORDS = {
    "grouped_bars": "grouped bars",
    "stacked_bars": "stacked bars",
    "small_multiples_year": "small multiples per year",
    "small_multiples_category": "small multiples per category",
}
_SORT_WORDS = {"value_desc": "value descending", "value_asc": "value ascending", "label": "label"}


def format_report(report: rep.Report) -> str:
    lines = [f"report {report.id} {{", f"  title {_quote(report.title)}"]
    if report.subtitle is not None:
        lines.append(f"  subtitle {_quote(report.subtitle)}")
    if report.source is not None:
        lines.append(f"  source {_quote(report.source)}")
    lines.append(f"  grain {report.grain}")
    for section in report.sections:
        lines += ["", f"  section {_quote(section.title)} {{"]
        lines += [f"    {line}" if line else "" for item in section.items for line in _item(item)]
        lines.append("  }")
    return "\n".join([*lines, "}"]) + "\n"


def _item(item: rep.Item) -> list[str]:
    match item:
        case rep.Tile():
            return [f"tile {series(item.series)}" + _compare(item.compare)]
        case rep.Chart():
            return _chart(item)
        case rep.TableItem():
            return _table(item)
        case rep.Text():
            first, *rest = f'text """{item.markdown}"""'.split("\n")
            return [first, *(f"     {line}" if line else "" for line in rest)]
    raise AssertionError(f"unknown report item: {item!r}")


def _chart(chart: rep.Chart) -> list[str]:
    kind = _CHART_WORDS.get(chart.chart, chart.chart)
    body: list[str]
    if chart.chart == "combination":
        body = [
            f"{style} " + ", ".join(series(s) for s in chart.series if s.style == style)
            for style in ("bars", "line")
        ]
    else:
        body = ["show " + ", ".join(series(s) for s in chart.series)]
    body.append(f"over {window(chart.window)}")
    if chart.without_zero_rows:
        body.append("without zero rows")
    return [f"chart {kind} {_quote(chart.title)} {{", *(f"  {b}" for b in body), "}"]


def _table(table: rep.TableItem) -> list[str]:
    word = "show" if any(s.by for s in table.series) else "rows"
    body = [f"{word} " + ", ".join(series(s) for s in table.series)]
    windows = ", ".join(window(w) for w in table.columns.windows)
    body.append(
        f"periods as rows over {windows}" if table.periods_as == "rows" else f"columns {windows}"
    )
    if table.compare:
        body.append(_compare(table.compare).strip())
    extras = [e for e, on in (("total", table.total), ("percentages", table.percentages)) if on]
    if extras:
        body.append("with " + ", ".join(extras))
    if table.sort != "none":
        body.append(f"sorted by {_SORT_WORDS[table.sort]}")
    if table.without_zero_rows:
        body.append("without zero rows")
    return [f"table {_quote(table.title)} {{", *(f"  {b}" for b in body), "}"]


def series(s: rep.Series) -> str:
    """``jeugd.instroom@2 for regeling = "wmo" by zwaarte on right axis``."""
    text = s.measure + (f"@{s.version}" if s.version is not None else "")
    if s.filter:
        text += " for " + " and ".join(f"{k} = {_quote(v)}" for k, v in s.filter.items())
    if s.by is not None:
        text += f" by {s.by}" + "".join(f" and {d}" for d in s.also_by)
    if s.axis == "right":
        text += " on right axis"
    return text


def window(w: rep.Window) -> str:
    """``last 36 months``, ``years 2019 to 2021 by quarter``, ``snapshots january, april``."""
    by = f" by {w.by}" if w.by else ""
    match w.kind:
        case "last":
            return f"last {w.count} {w.grain}{'s' if w.count != 1 else ''}{by}"
        case "years":
            return f"years {w.first_year} to {w.last_year}{by}"
        case "quarters_of_year":
            return "quarters of year"
        case "months_of_year":
            return "months of year"
        case "year":
            return "year"
        case "year_to_date":
            return "year to date"
        case "previous_year":
            return f"previous year{by}"
        case "snapshots":
            return "snapshots " + ", ".join(MONTHS[m - 1] for m in w.months)
        case "at":
            return "period"
    raise AssertionError(f"unknown window: {w.kind}")


def compare(c: rep.CompareSpec) -> str:
    match c.kind:
        case "previous":
            return "previous period"
        case "back":
            return f"{c.periods} period{'s' if c.periods != 1 else ''} back"
        case "year_earlier":
            return "same period last year"
        case "year_to_date":
            return "year to date"
    raise AssertionError(f"unknown comparison: {c.kind}")


def _compare(specs: tuple[rep.CompareSpec, ...]) -> str:
    return (" compare " + ", ".join(compare(c) for c in specs)) if specs else ""


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
