"""check_reports: report declarations against the library -> every problem, positioned.

Unknown measures, versions, dimensions and dimension values (with did-you-mean), a
breakdown by a dimension the measure does not have, parts of a whole (stacked bars, a
donut, a total, percentages) of a measure that does not add up, a donut or small multiples
per category without ``by``, periods at a grain the measure has no figures for, and a
text's ``{ref}`` that names no measure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from maatstaf.dsl import ast
from maatstaf.dsl import report_ast as rep
from maatstaf.dsl.errors import Diagnostic, Span, did_you_mean
from maatstaf.dsl.measure_facts import additive, dimension_values, dimensions
from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.dsl.report_dims import (
    default_dimensions,
    hidden_dimensions,
    not_additive_over,
    offered_dimensions,
)

_KIND_WORDS = {
    ast.ShareOf: "a share",
    ast.AveragePer: "an average",
    ast.SumOf: "a sum per entity (an average)",
    ast.Compute: "computed from figures that do not add up (a product, a ratio, a share)",
    ast.SameAs: "the same as a measure that does not add up",
}


def check_reports(
    reports: Iterable[rep.Report], library: Library, broken: frozenset[str] = frozenset()
) -> list[Diagnostic]:
    """Every problem of every report (no source lines attached: the caller does that).
    ``broken``: measures declared but not resolved (their problems are reported already)."""
    checker = _Checker(library, broken)
    for report in reports:
        for section in report.sections:
            for item in section.items:
                checker.item(item, report.grain)
    return checker.problems


@dataclass
class _Checker:
    library: Library
    broken: frozenset[str]
    problems: list[Diagnostic] = field(default_factory=list)

    def error(self, message: str, span: Span, hint: str | None = None) -> None:
        self.problems.append(Diagnostic(message=message, span=span, hint=hint))

    def item(self, item: rep.Item, grain: rep.Grain) -> None:
        match item:
            case rep.Tile():
                self.tile(item, grain)
            case rep.Chart():
                self.chart(item, grain)
            case rep.TableItem():
                self.table(item, grain)
            case rep.Text():
                self.text(item)
            case _:
                raise AssertionError(f"unknown report item: {item!r}")

    # -- items
    def tile(self, tile: rep.Tile, grain: rep.Grain) -> None:
        versions = self.series(tile.series, {grain}, "tile")
        if tile.series.by is not None and versions:
            self.error(
                "a tile shows one figure, not a breakdown",
                tile.series.by_span or tile.series.span,
                f"Pick one value with 'for {tile.series.by} = \"...\"', or show the breakdown "
                "in a chart or a table.",
            )

    def chart(self, chart: rep.Chart, grain: rep.Grain) -> None:
        grains = _window_grains(chart.window, grain)
        found = [(s, self.series(s, grains, "chart")) for s in chart.series]
        words = chart.chart.replace("_", " ")
        if chart.chart in ("donut", "small_multiples_category"):
            for series, versions in found:
                if series.by is None and versions:
                    self.error(
                        f"a {words} chart shows the values of a dimension, and "
                        f"'{series.measure}' is shown without 'by'",
                        series.span,
                        f"Write 'show {series.measure} by DIMENSION'"
                        + self._dimension_list(versions),
                    )
        if chart.chart in ("stacked_bars", "donut"):
            for series, versions in found:
                self.adds_up(series, versions, f"a {words} chart shows parts of a whole")
        if chart.chart == "donut" and len(chart.series) > 1:
            self.error("a donut shows one measure", chart.series[1].span)
        if chart.chart == "small_multiples_year" and not _years_by(chart.window):
            self.error(
                "small multiples per year show years at a finer grain",
                chart.window.span if chart.window.span != chart.span else chart.span,
                "Write 'over last 3 years by month' or 'over years 2019 to 2021 by quarter'.",
            )

    def table(self, table: rep.TableItem, grain: rep.Grain) -> None:
        grains = set().union(*(_window_grains(w, grain) for w in table.columns.windows))
        found = [(s, self.series(s, grains, "table")) for s in table.series]
        extras = [w for w, on in (("total", table.total), ("percentages", table.percentages)) if on]
        if not extras:
            return
        what = " and ".join(extras)
        series, versions = found[0]  # one series with 'by': the parser made sure
        self.adds_up(series, versions, f"'with {what}' adds up its rows")

    def text(self, text: rep.Text) -> None:
        for ref in text.refs:
            known = ref.name == "period" or ref.name in self.library.measures
            if not known and ref.name not in self.broken:
                self.error(
                    f"unknown measure '{ref.name}' in text",
                    ref.span,
                    did_you_mean(ref.name, [*self.library.measures, "period"])
                    or "Write {measure.id} for a figure at the report period, {period} "
                    "for the period's name.",
                )
            elif known and ref.name != "period":
                versions = list(self.library.measures[ref.name].versions)
                self.hidden(ref.name, versions, (), ref.span, "text")

    # -- series
    def series(self, series: rep.Series, grains: set[str], item: str) -> list[MeasureVersion]:
        """The versions a series shows (none when it is wrong: that is reported)."""
        measure = self.library.measures.get(series.measure)
        if measure is None and series.measure in self.broken:
            return []
        if measure is None:
            self.error(
                f"unknown measure '{series.measure}'",
                series.measure_span,
                did_you_mean(series.measure, self.library.measures),
            )
            return []
        versions = list(measure.versions)
        if series.version is not None:
            chosen = measure.version(series.version)
            if chosen is None:
                numbers = ", ".join(str(v.number) for v in measure.versions)
                self.error(
                    f"measure '{series.measure}' has no version {series.version}",
                    series.measure_span,
                    f"Its versions: {numbers}.",
                )
                return []
            versions = [chosen]
        ok = self.dimensions(series, versions)
        ok = self.grains(series, versions, grains) and ok
        if ok:
            ok = self.hidden(series.measure, versions, series.shown, series.measure_span, item)
        return versions if ok else []

    def dimensions(self, series: rep.Series, versions: list[MeasureVersion]) -> bool:
        known: set[str] = set()
        for version in versions:
            if dimensions(self.library, version) is None:
                return True  # a measure it uses is wrong: that is reported there
            known |= default_dimensions(self.library, version)
            known |= offered_dimensions(self.library, version)
        ok = True
        named = [(d, series.filter_spans.get(d, series.span)) for d in series.filter]
        if series.by is not None:
            named.append((series.by, series.by_span or series.span))
        named += list(zip(series.also_by, series.also_by_spans, strict=True))
        for name, span in named:
            if name not in known:
                ok = False
                self.error(
                    f"'{name}' is not a dimension of measure '{series.measure}'",
                    span,
                    did_you_mean(name, known)
                    or (
                        f"Its dimensions: {', '.join(sorted(known))}."
                        if known
                        else "It has no dimensions."
                    ),
                )
        for name, value in series.filter.items():
            if name in series.breakdown:
                ok = False
                self.error(
                    f"'{series.measure}' is broken down by '{name}' and also shown for one "
                    "of its values",
                    series.filter_spans.get(name, series.span),
                    f"Drop 'by {name}' or 'for {name} = ...'.",
                )
            elif name in known:
                ok = self.value(series, versions, name, value) and ok
        return ok

    def value(self, series: rep.Series, versions: list[MeasureVersion], name: str, value: str):
        values: set[str] = set()
        for version in versions:
            found = dimension_values(self.library, version, name)
            if found is None:
                return True  # free values (a column): nothing to check
            values |= found
        if value in values:
            return True
        self.error(
            f"'{value}' is not a value of dimension '{name}' of measure '{series.measure}'",
            series.filter_spans.get(name, series.span),
            did_you_mean(value, values) or f"Its values: {', '.join(sorted(values))}.",
        )
        return False

    def hidden(
        self,
        measure: str,
        versions: list[MeasureVersion],
        shown: tuple[str, ...],
        span: Span,
        item: str,
    ) -> bool:
        """An item adds up the figures over the dimensions it does not show: an error where
        they do not add up over one of them (a client in two categories counted twice)."""
        wrong: dict[str, MeasureVersion] = {}
        for version in versions:
            hidden = hidden_dimensions(self.library, version, shown)
            for name in not_additive_over(self.library, version, hidden):
                wrong.setdefault(name, version)
        if not wrong:
            return True
        names = sorted(wrong)
        first = names[0]
        quoted = " and ".join(f"'{n}'" for n in names)
        self.error(
            f"'{measure}' is shown without {quoted}, so its figures would be added up over "
            f"{'it' if len(names) == 1 else 'them'}, and they do not add up: "
            + _why_not(wrong[first], first),
            span,
            _hidden_hint(item, measure, first),
        )
        return False

    def grains(self, series: rep.Series, versions: list[MeasureVersion], grains: set[str]):
        has = set().union(*(v.grains for v in versions))
        missing = sorted(grains - has, key=("month", "quarter", "year").index)
        if not missing:
            return True
        self.error(
            f"measure '{series.measure}' has no figures per {missing[0]} "
            f"(its grains: {', '.join(g for g in ('month', 'quarter', 'year') if g in has)})",
            series.measure_span,
            "Show it over periods of its grains.",
        )
        return False

    def adds_up(self, series: rep.Series, versions: list[MeasureVersion], why: str) -> None:
        wrong = [v for v in versions if not additive(self.library, v)]
        if not wrong:
            return
        kind = _KIND_WORDS.get(type(wrong[0].aggregate), "not a count or a sum")
        if wrong[0].additivity is not None and not wrong[0].additivity.over:
            kind = "declared 'not additive'"
        self.error(
            f"{why}, and '{series.measure}' does not add up: it is {kind}",
            series.measure_span,
            "Show it as a line, grouped bars or a table without a total.",
        )

    def _dimension_list(self, versions: list[MeasureVersion]) -> str:
        known = set().union(*(dimensions(self.library, v) or set() for v in versions))
        return f" (its dimensions: {', '.join(sorted(known))})." if known else "."


def _why_not(version: MeasureVersion, name: str) -> str:
    """Why a version's figures do not add up over a dimension, in a few words."""
    declared = version.additivity
    if declared is not None and not declared.over:
        return "the definition says 'not additive'"
    if declared is not None and name not in declared.over:
        return f"the definition says it adds up only over {', '.join(declared.over)}"
    match version.aggregate:
        case ast.CountDistinct(column=column):
            return (
                f"it counts distinct {column}, and one {column} can be in more than one "
                f"value of '{name}' (it would be counted twice)"
            )
    return f"it is {_KIND_WORDS.get(type(version.aggregate), 'not a count or a sum')}"


def _hidden_hint(item: str, measure: str, name: str) -> str:
    one = f"pick one value with 'for {name} = \"...\"'"
    if item in ("tile", "text"):
        return f"A {item} shows one figure: {one}, or show '{measure} by {name}' in a table."
    return f"Show it by '{name}' too ('by ... and {name}'), or {one}."


def _window_grains(window: rep.Window, report_grain: rep.Grain) -> set[str]:
    """The grains of the periods a window shows (year to date is a span of its own)."""
    match window.kind:
        case "last":
            return {window.by or window.grain or report_grain}
        case "years":
            return {window.by or "year"}
        case "quarters_of_year":
            return {"quarter"}
        case "months_of_year" | "snapshots":
            return {"month"}
        case "year":
            return {"year"}
        case "previous_year":
            return {window.by or "year"}
        case "year_to_date":
            return set()
        case "at":
            return {report_grain}
    raise AssertionError(f"unknown window: {window.kind}")


def _years_by(window: rep.Window) -> bool:
    return window.by is not None and (
        window.kind in ("years", "previous_year")
        or (window.kind == "last" and window.grain == "year")
    )
