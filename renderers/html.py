"""HTML: one self-contained report file (inline CSS and SVG, no script, no network) with
KPI tiles, charts, tables, an in-file glossary, notes, rejected rows and provenance.

Every text from a definition or from the data is escaped by Jinja2's autoescaping; the
page carries a strict Content-Security-Policy (no scripts, styles only by hash).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from functools import partial
from importlib import resources

import jinja2

from maatstaf.dsl.model import Library
from maatstaf.engine.result import Figure, RunResult
from maatstaf.renderers import svg
from maatstaf.renderers.base import finite_only, rejections
from maatstaf.renderers.comparisons import break_text, mark_breaks, marking, version_changes
from maatstaf.renderers.format import (
    SHARE_UNITS,
    change_nl,
    number_nl,
    percent_nl,
    period_nl,
    short_period,
    value_nl,
)
from maatstaf.renderers.markdown import by_domain, suppression_text
from maatstaf.renderers.tables import Grid, grids, regional
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
    target: str | None = None
    met: bool | None = None
    definition_break: str | None = None  # the definition changed since a compared period


@dataclass
class Domain:
    name: str
    anchor: str
    tiles: list[Tile] = field(default_factory=list)
    charts: list[tuple[str, str]] = field(default_factory=list)  # caption, svg
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
        )

    # -- view model
    def _domains(self, result: RunResult, library: Library) -> list[Domain]:
        units = {m.measure: (m.label, m.unit) for m in result.provenance.measures}
        domains = []
        for name, figures in by_domain(result.figures, library).items():
            domain = Domain(name=name, anchor="domein-" + _anchor(name))
            domain.tiles = self._tiles(figures, units)
            domain.charts = self._charts(figures, units)
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
                tile.target = (
                    f"{figure.target.operator} {value_nl(figure.target.value, unit, self.locale)}"
                )
                tile.met = figure.target.met
            tiles.append(tile)
        return tiles

    def _charts(
        self, figures: list[Figure], units: dict[str, tuple[str, str]]
    ) -> list[tuple[str, str]]:
        charts = []
        by_suffix = {f.measure.rsplit(".", 1)[-1]: f.measure for f in figures if not f.dimensions}
        if {"instroom", "uitstroom", "unieke_clienten"} <= set(by_suffix):
            charts.append(self._flow_chart(figures, by_suffix, units))
        region = [f for f in figures if regional(f) and f.dimensions]
        for measure in dict.fromkeys(f.measure for f in region):
            chart = self._stacked(measure, [f for f in region if f.measure == measure], units)
            if chart:
                charts.append(chart)
        return charts

    def _flow_chart(self, figures: list[Figure], ids: dict[str, str], units) -> tuple[str, str]:
        series = {
            k: {f.period: f.value for f in figures if f.measure == ids[k] and not f.dimensions}
            for k in ("instroom", "uitstroom", "unieke_clienten")
        }
        periods = list(series["unieke_clienten"])
        bars = [
            svg.Series(units[ids[k]][0], [series[k].get(p) for p in periods])
            for k in ("instroom", "uitstroom")
        ]
        line = svg.Series(
            units[ids["unieke_clienten"]][0], [series["unieke_clienten"].get(p) for p in periods]
        )
        labels = [short_period(p, self.locale) for p in periods]
        t = texts(self.locale)
        return t["flow"], svg.bar_line_chart(
            t["flow"], labels, bars, line, lambda v: number_nl(v, 0, self.locale), t["flow"]
        )

    def _stacked(self, measure: str, figures: list[Figure], units) -> tuple[str, str] | None:
        label, unit = units[measure]
        dims = sorted(figures[0].dimensions)
        if len(dims) != 1:
            return None  # two-way tables are shown as tables
        periods = list(dict.fromkeys(f.period for f in figures))
        keys = list(dict.fromkeys(f.dimensions[dims[0]] for f in figures))
        cells = {(f.period, f.dimensions[dims[0]]): f.value for f in figures}
        stacks = [svg.Series(k, [_number(cells.get((p, k))) for p in periods]) for k in keys]
        share = unit in SHARE_UNITS
        fmt = (
            (lambda v: percent_nl(v, 0, self.locale))
            if share
            else (lambda v: number_nl(v, 0, self.locale))
        )
        text = f"{label} ({texts(self.locale)['by']} {dims[0]})"
        return text, svg.stacked_chart(
            text, [short_period(p, self.locale) for p in periods], stacks, fmt, text, percent=share
        )

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


def _anchor(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower().replace("ë", "e"))


def _number(value: int | float | None) -> float | None:
    return None if value is None else float(value)


def _template(name: str) -> str:
    return resources.files("maatstaf.renderers").joinpath("templates", name).read_text("utf-8")
