"""items: each report item (tile, chart, table, text) -> its resolved figures.

Every function asks its ``Source`` for figures at the level of a series and a period
before it looks at the answers, so the first (recording) pass asks for everything the
second pass will read."""

from __future__ import annotations

import re

from maatstaf.dsl.report_ast import Chart, CompareSpec, Series, Text, Tile
from maatstaf.engine.periods import Period
from maatstaf.renderers.codes import labels_of
from maatstaf.reports.result import (
    ChartResult,
    Compared,
    DefinitionBreak,
    Row,
    TextResult,
    TileResult,
    Value,
)
from maatstaf.reports.source import Dims, Source, ref
from maatstaf.reports.targets import target_status
from maatstaf.reports.windows import compared_period, window_periods

REF = re.compile(r"\{([A-Za-z_][\w.]*(?:@\d+)?)\}")


def dims_of(source: Source, series: Series, periods: list[Period]) -> list[Dims]:
    """The dimension combinations a series shows over some periods, in the engine's order
    (one empty combination for a measure without dimensions)."""
    found: dict[Dims, None] = {}
    for period in periods:
        found.update(dict.fromkeys(source.figures(series, period)))
    return list(found) or [()]


def row(source: Source, series: Series, dims: Dims, periods: list[Period]) -> Row:
    measure = source.library.measures[series.measure]
    version = source.version(series, source.report) or measure.versions[-1]
    values = [source.value(series, p, dims) for p in periods]
    return Row(
        measure=series.measure,
        label=version.label,
        unit=version.unit,
        dimensions=dict(dims),
        dimension_labels=labels_of(source.library, dict(dims)),
        values=values,
    )


def compared(
    source: Source, series: Series, spec: CompareSpec, period: Period, dims: Dims
) -> Compared:
    """A comparison computed with the version of the figure it compares; where the earlier
    period's own version differs, that period's own figure beside it."""
    now, earlier = compared_period(spec, period)
    base = source.value(series, now, dims)
    forced = base.version
    other = source.value(series, earlier, dims, forced)
    own = source.library.measures[series.measure].version_on(earlier.end)
    brk = None
    if forced is not None and own is not None and own.number != forced:
        theirs = source.value(series, earlier, dims, own.number)
        used = source.library.measures[series.measure].version(forced)
        since = used.valid_from.isoformat() if used is not None and used.valid_from else None
        brk = DefinitionBreak(
            valid_from=since, version=own.number, value=theirs.value, suppressed=theirs.suppressed
        )
    return Compared(
        kind=spec.kind, periods=spec.periods, base=base, other=other, definition_break=brk
    )


def _ask_compared(
    source: Source, series: Series, specs: tuple[CompareSpec, ...], period: Period
) -> None:
    """Record (first pass) every figure the comparisons of a series need."""
    measure = source.library.measures[series.measure]
    for spec in specs:
        now, earlier = compared_period(spec, period)
        source.figures(series, now)
        version = source.version(series, now)
        if version is not None:
            source.figures(series, earlier, version.number)
        own = measure.version_on(earlier.end)
        if own is not None:
            source.figures(series, earlier, own.number)


def tile(source: Source, item: Tile) -> TileResult:
    series, period = item.series, source.report
    _ask_compared(source, series, item.compare, period)
    rows = []
    for dims in dims_of(source, series, [period]):
        base = row(source, series, dims, [period])
        version = source.version(series, period)
        value = base.values[0]
        target = (
            target_status(version, {**series.filter, **dict(dims)}, value.value, source.library)
            if version is not None and value.state == "ok" and value.suppressed is None
            else None
        )
        comparisons = [compared(source, series, s, period, dims) for s in item.compare]
        rows.append(base.model_copy(update={"target": target, "compared": comparisons}))
    first = rows[0]
    return TileResult(measure=series.measure, label=first.label, unit=first.unit, rows=rows)


def chart(source: Source, item: Chart) -> ChartResult:
    periods = window_periods(item.window, source.report)
    rows, axes, styles = [], [], []
    for series in item.series:
        for dims in dims_of(source, series, periods):
            shown = row(source, series, dims, periods)
            if item.without_zero_rows and zero_everywhere(shown):
                continue
            rows.append(shown)
            axes.append(series.axis)
            styles.append(series.style)
    return ChartResult(
        chart=item.chart,
        title=item.title,
        periods=[ref(p) for p in periods],
        rows=rows,
        axes=axes,
        styles=styles,
        without_zero_rows=item.without_zero_rows,
    )


def zero_everywhere(row: Row) -> bool:
    """A breakdown row whose every figure is 0 (``without zero rows`` leaves it out); a
    hidden (suppressed) or missing figure is not 0, so such a row stays."""
    return bool(row.dimensions) and all(
        v.state == "ok" and v.suppressed is None and v.value == 0 for v in row.values
    )


def text(source: Source, item: Text) -> TextResult:
    """The text with the figure at P for each ``{measure}`` reference (``{period}`` is P)."""
    names = [r.name for r in item.refs] or REF.findall(item.markdown)
    values: dict[str, Value] = {}
    units: dict[str, str] = {}
    for name in dict.fromkeys(names):
        if name == "period":
            continue
        measure, _, version = name.partition("@")
        if measure not in source.library.measures:
            continue  # 'maatstaf check' reports an unknown reference with its position
        series = Series(span=item.span, measure=measure, version=int(version) if version else None)
        found = source.figures(series, source.report)
        if len(found) > 1 or (found and next(iter(found)) != ()):
            continue  # a figure with dimensions is no single number: check says so
        values[name] = source.value(series, source.report, ())
        version = source.version(series, source.report)
        units[name] = version.unit if version is not None else ""
    return TextResult(markdown=item.markdown, values=values, units=units)
