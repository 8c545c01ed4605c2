"""HTML: one self-contained report file (inline CSS and SVG, no script, no network) with
KPI tiles, charts, tables, an in-file glossary, notes, rejected rows and provenance.

Every text from a definition or from the data is escaped by Jinja2's autoescaping; the
page carries a strict Content-Security-Policy (no scripts, styles only by hash).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from functools import partial
from importlib import resources

import jinja2
from markupsafe import Markup, escape

from maatstaf.dsl.model import Library
from maatstaf.engine.result import Figure, RunResult
from maatstaf.renderers import svg
from maatstaf.renderers.base import finite_only, rejections
from maatstaf.renderers.codes import shown
from maatstaf.renderers.comparisons import break_text, mark_breaks, marking, version_changes
from maatstaf.renderers.format import (
    MONEY_UNITS,
    SHARE_UNITS,
    change_nl,
    money_nl,
    number_nl,
    percent_nl,
    period_nl,
    value_nl,
)
from maatstaf.renderers.markdown import by_domain, suppression_text
from maatstaf.renderers.tables import (
    Grid,
    additive,
    dimension_name,
    grids,
    not_additive,
    regional,
)
from maatstaf.renderers.targets import MARKS, norm_words, status_words, target_status
from maatstaf.renderers.text import texts

MAX_REJECTED_SHOWN = 50


@dataclass
class Tile:
    measure: str
    label: str
    value: str
    period: str
    previous: str | None = None
    year_earlier: str | None = None
    target: str | None = None  # the norm in words: "norm: ten minste 95 %"
    status: str | None = None  # "met" | "warn" | "missed"
    status_text: str | None = None
    definition_break: str | None = None  # the definition changed since a compared period


@dataclass
class Domain:
    name: str
    anchor: str
    tiles: list[Tile] = field(default_factory=list)
    charts: list[tuple[str, str]] = field(default_factory=list)  # note under it, svg
    tables: list[Grid] = field(default_factory=list)


class HtmlRenderer:
    name = "html"
    suffix = ".html"

    def __init__(self, locale: str = "nl") -> None:
        self.locale = locale if locale in ("nl", "en") else "nl"

    def render(self, result: RunResult, library: Library) -> str:
        result = finite_only(result)
        t = texts(self.locale)
        env = jinja2.Environment(
            loader=jinja2.FunctionLoader(_template),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        env.filters["numbers"] = numbers
        style = _template("report.css")
        csp = (
            "default-src 'none'; img-src data:; base-uri 'none'; form-action 'none'; "
            f"style-src 'sha256-{base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()}'"
        )
        prov = result.provenance
        found = rejections(result, MAX_REJECTED_SHOWN)
        return env.get_template("report.html.j2").render(
            t=t,
            lang=self.locale,
            csp=csp,
            style=style,
            title=f"{t['title']} {period_nl(prov.period_from, self.locale)} – "
            f"{period_nl(prov.period_to, self.locale)}",
            domains=self._domains(result, library),
            glossary=self._glossary(result, library),
            notes=result.notes,
            prov=prov,
            rejected_rows=found.shown,
            rejected_more=found.more,
            rejected_count=number_nl(found.rows, 0, self.locale),
            reasons=found.reasons,
            number=lambda v: number_nl(v, 0, self.locale),
            period=lambda p: period_nl(p, self.locale),
            suppression=suppression_text(result, t),
            guide=guide(result, self.locale),
            marks=MARKS,
            status_words=lambda s: status_words(s, self.locale),
        )

    # -- view model
    def _domains(self, result: RunResult, library: Library) -> list[Domain]:
        units = {m.measure: (m.label, m.unit) for m in result.provenance.measures}
        domains = []
        for name, figures in by_domain(result.figures, library).items():
            domain = Domain(name=name, anchor="domein-" + _anchor(name))
            domain.tiles = self._tiles(figures, units)
            domain.charts = self._charts(figures, units, library)
            domain.tables = self._tables(figures, units, library)
            domains.append(domain)
        return domains

    def _tiles(self, figures: list[Figure], units: dict[str, tuple[str, str]]) -> list[Tile]:
        """The latest figure of each measure without dimensions."""
        latest: dict[str, Figure] = {}
        for figure in figures:
            if not figure.dimensions:
                latest[figure.measure] = figure
        tiles = []
        for measure, figure in latest.items():
            label, unit = units[measure]
            comparison = figure.comparison
            tile = Tile(
                measure,
                label,
                self._cell(figure, unit),
                period_nl(figure.period, self.locale),
            )
            if comparison is not None:
                tile.previous = change_nl(
                    figure.value, comparison.previous_value, unit, self.locale
                )
                tile.year_earlier = change_nl(
                    figure.value, comparison.year_earlier_value, unit, self.locale
                )
                tile.definition_break = break_text(
                    comparison, unit, texts(self.locale), self.locale
                )
            if figure.target is not None:
                tile.target = norm_words(figure.target, unit, self.locale)
                tile.status = target_status(figure.target)
                if tile.status is not None:
                    tile.status_text = status_words(tile.status, self.locale)
            tiles.append(tile)
        return tiles

    def _charts(
        self, figures: list[Figure], units: dict[str, tuple[str, str]], library: Library
    ) -> list[tuple[str, str]]:
        charts = []
        by_suffix = {f.measure.rsplit(".", 1)[-1]: f.measure for f in figures if not f.dimensions}
        if {"instroom", "uitstroom", "unieke_clienten"} <= set(by_suffix):
            charts.append(self._flow_chart(figures, by_suffix, units))
        region = [f for f in figures if regional(f) and f.dimensions]
        for measure in dict.fromkeys(f.measure for f in region):
            chart = self._breakdown_chart(
                measure, [f for f in region if f.measure == measure], units, library
            )
            if chart:
                charts.append(chart)
        return charts

    def _flow_chart(self, figures: list[Figure], ids: dict[str, str], units) -> tuple[str, str]:
        """In- and outflow as bars on the left axis, the unique clients (a stock some 30
        times larger) as a line on its own right-hand axis."""
        series = {
            k: {f.period: f.value for f in figures if f.measure == ids[k] and not f.dimensions}
            for k in ("instroom", "uitstroom", "unieke_clienten")
        }
        periods = list(series["unieke_clienten"])
        bars = [
            svg.Series(units[ids[k]][0], [_number(series[k].get(p)) for p in periods])
            for k in ("instroom", "uitstroom")
        ]
        line = svg.Series(
            units[ids["unieke_clienten"]][0],
            [_number(series["unieke_clienten"].get(p)) for p in periods],
        )
        t = texts(self.locale)
        frame = svg.Frame(
            t["flow"],
            _axis_unit(units[ids["instroom"]][1], self.locale),
            svg.period_span(periods, self.locale),
            self._fmt(units[ids["instroom"]][1]),
        )
        right = units[ids["unieke_clienten"]][1]
        chart = svg.combination_chart(
            frame,
            svg.period_labels(periods, self.locale),
            bars,
            [line],
            _axis_unit(right, self.locale),
            self._fmt(right),
        )
        return "", chart

    def _breakdown_chart(
        self, measure: str, figures: list[Figure], units, library: Library
    ) -> tuple[str, str] | None:
        """Stacked bars for an additive count; a rate, an average or a breakdown whose
        groups overlap as lines (many periods) or grouped bars (a few)."""
        label, unit = units[measure]
        dims = sorted(figures[0].dimensions)
        if len(dims) != 1:
            return None  # two-way tables are shown as tables
        periods = list(dict.fromkeys(f.period for f in figures))
        keys = list(dict.fromkeys(f.dimensions[dims[0]] for f in figures))
        cells = {(f.period, f.dimensions[dims[0]]): f.value for f in figures}
        series = [
            svg.Series(shown(library, dims[0], k), [_number(cells.get((p, k))) for p in periods])
            for k in keys
        ]
        name = dimension_name(dims[0])
        by = f"{texts(self.locale)['by']} {name}"
        title = label if name in label.lower() else f"{label} ({by})"
        frame = svg.Frame(
            title,
            _axis_unit(unit, self.locale),
            svg.period_span(periods, self.locale),
            self._fmt(unit),
        )
        labels = svg.period_labels(periods, self.locale)
        if unit not in SHARE_UNITS and additive(figures, library):
            return "", svg.stacked_bar_chart(frame, labels, series)
        note = texts(self.locale)["not_additive"] if not_additive(figures, library) else ""
        if len(periods) > 6:
            return note, svg.line_chart(frame, labels, series)
        return note, svg.grouped_bar_chart(frame, labels, series)

    def _fmt(self, unit: str):
        """Axis values: shares as whole percentages, money and counts as whole numbers."""
        if unit in SHARE_UNITS:
            return lambda v: percent_nl(v, 0, self.locale)
        if unit in MONEY_UNITS:
            return lambda v: money_nl(v, self.locale)
        return lambda v: number_nl(v, 0 if float(v).is_integer() else 1, self.locale)

    def _tables(self, figures: list[Figure], units, library: Library) -> list[Grid]:
        period = partial(period_nl, locale=self.locale)
        t, changes = texts(self.locale), version_changes(figures)
        tables = grids(figures, units, library, t, marking(self._cell, changes), period)
        return mark_breaks(tables, changes, figures, units, t, self.locale, library)

    def _cell(self, figure: Figure | None, unit: str) -> str:
        if figure is None:
            return ""
        return figure.suppressed or value_nl(figure.value, unit, self.locale)

    def _glossary(self, result: RunResult, library: Library) -> list[dict]:
        entries = []
        for m in result.provenance.measures:
            version = library.measures[m.measure].version(m.version)
            if version is None:
                continue
            entries.append(
                {
                    "id": m.measure,
                    "version": m.version,
                    "label": version.label,
                    "unit": version.unit,
                    "owner": version.owner,
                    "source": version.source or "",
                    "description": version.description,
                    "hash": m.hash[:12],
                    "rule": version.text,
                }
            )
        return entries


def guide(result: RunResult, locale: str) -> list[tuple[str, str]]:
    """How to read the figures: the signs a reader meets, and what suppression and
    rounding did, in words."""
    nl = locale != "en"
    items = [
        (
            "–",
            "geen cijfer: er zijn geen gegevens voor deze periode, of de berekening gaf geen getal"
            if nl
            else "no figure: no data for this period, or the calculation gave no number",
        )
    ]
    applied = result.suppression
    if applied is not None:
        if applied.policy == "cbs":
            what = (
                "aantallen van 0 tot en met 7 zijn afgeschermd; alle andere aantallen zijn "
                "afgerond op 5, dus totalen kunnen afwijken van de som van hun delen; "
                "percentages staan er alleen bij een basis van ten minste 100"
                if nl
                else "counts from 0 to 7 are hidden; all other counts are rounded to 5, so "
                "totals may differ from the sum of their parts; percentages need a base of 100"
            )
        else:
            what = (
                f"het aantal is kleiner dan {applied.threshold} (of is daaruit af te leiden) "
                "en is afgeschermd, zodat niemand herkenbaar is"
                if nl
                else f"the count is below {applied.threshold} (or can be derived from one) "
                "and is hidden, so that no one can be recognised"
            )
        items.append((applied.marker, what))
    return items


def _axis_unit(unit: str, locale: str) -> str:
    """The unit over a value axis: '%' for shares, '€' for money, else the unit's word."""
    if unit in SHARE_UNITS:
        return "%"
    if unit in MONEY_UNITS:
        return "€"
    return unit


NUMBER = re.compile(
    r"(?:[+\-−]\s?)?(?:€\s?)?(?:\d{1,2}-\d{1,2}-\d{4}|\d+(?:-\d+)+|\d+(?:[.,]\d+)*)"
    r"(?:\s?%|\s(?:procentpunt(?:en)?|percentage points?|dagen|days|weken|weeks|maanden|months|"
    r"jaar|years?|euro)\b)?"
)


def numbers(text: object) -> Markup:
    """Escaped text where a number with a space or a hyphen in it (€ 104.891, 95 %,
    +2,1 procentpunt, 1-1-2021, a band 27-34, a period 2018-01) sits in a span that never
    breaks over lines; a bare number
    cannot break anyway, now that nothing allows a break inside a word."""
    raw, parts, at = str(text), [], 0
    for match in NUMBER.finditer(raw):
        if not any(c.isspace() or c == "-" for c in match.group(0).lstrip("+-−")):
            continue  # digits, signs, separators and % never break by themselves
        parts.append(escape(raw[at : match.start()]))
        parts.append(Markup('<span class="num">%s</span>') % match.group(0))
        at = match.end()
    parts.append(escape(raw[at:]))
    return Markup("").join(parts)


def _anchor(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower().replace("ë", "e"))


def _number(value: int | float | None) -> float | None:
    return None if value is None else float(value)


def _template(name: str) -> str:
    return resources.files("maatstaf.renderers").joinpath("templates", name).read_text("utf-8")
