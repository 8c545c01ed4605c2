"""tables: a report table -> its columns (windows side by side, compared columns), rows,
a total where the breakdown adds up, percentages, sorting, and the definition breaks."""

from __future__ import annotations

from maatstaf.dsl import ast
from maatstaf.dsl.measure_facts import additive_over
from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.dsl.report_ast import CompareSpec, Series, TableItem
from maatstaf.engine.periods import Period
from maatstaf.renderers.format import period_nl, value_nl
from maatstaf.reports.items import _ask_compared, compared, dims_of, row, zero_everywhere
from maatstaf.reports.result import Column, PeriodRef, Row, TableResult, Value
from maatstaf.reports.source import Source, ref
from maatstaf.reports.windows import compared_period, window_periods


def table(source: Source, item: TableItem) -> TableResult:
    periods = list(
        dict.fromkeys(p for w in item.columns.windows for p in window_periods(w, source.report))
    )
    rows: list[Row] = []
    for series in item.series:
        for period in periods:
            _ask_compared(source, series, item.compare, period)
        for dims in dims_of(source, series, periods):
            base = row(source, series, dims, periods)
            comparisons = [
                compared(source, series, spec, period, dims)
                for spec in item.compare
                for period in periods
            ]
            update = {
                "values": base.values + [c.other for c in comparisons],
                "compared": [c for c in comparisons if c.definition_break],
            }
            rows.append(base.model_copy(update=update))
    columns = [Column(period=ref(p)) for p in periods] + [
        Column(period=compared_ref, compared=spec.kind)
        for spec in item.compare
        for compared_ref in _compared_refs(source, item, spec, periods)
    ]
    columns = _breaks(columns, rows, len(periods))
    total = _total(source, item, rows) if item.total else None
    if item.percentages:
        rows = [_with_shares(r, total or _sum_row(rows)) for r in rows]
    rows = _sorted(rows, item.sort)
    if item.without_zero_rows:  # the total above still counts them (as 0)
        rows = [r for r in rows if not zero_everywhere(r)]
    return TableResult(
        title=item.title,
        periods_as=item.periods_as,
        columns=columns,
        rows=rows,
        total=total,
        percentages=item.percentages,
        footnotes=_footnotes(
            source, rows, columns, _no_total(source, item, rows) if total is None else None
        ),
    )


def _compared_refs(
    source: Source, item: TableItem, spec: CompareSpec, periods: list[Period]
) -> list[PeriodRef]:
    return [ref(compared_period(spec, p)[1]) for p in periods]


def _breaks(columns: list[Column], rows: list[Row], base: int) -> list[Column]:
    """A column where some row's version differs from the column before (base columns)."""
    out = list(columns)
    for i in range(1, base):
        changed = any(
            r.values[i].version is not None
            and r.values[i - 1].version is not None
            and r.values[i].version != r.values[i - 1].version
            for r in rows
        )
        if changed:
            out[i] = out[i].model_copy(update={"break_before": True})
    return out


def additive(
    version: MeasureVersion, by: str | tuple[str, ...] | None, library: Library | None = None
) -> bool:
    """Whether the figures of a breakdown (by one dimension or several, or by all of the
    measure's) add up to the whole: the measure is additive over each (``additive_over``:
    each row of the table, or each counted entity, falls in exactly one category; or the
    measure says so)."""
    library = library or _NO_LIBRARY
    names = [by] if isinstance(by, str) else list(by) if by else [d.name for d in version.by]
    if isinstance(version.aggregate, ast.CountDistinct | ast.Compute) and not names:
        return False
    return all(additive_over(library, version, name) for name in names)


# a library that knows no other measures and no named dimensions (for ``additive`` alone)
_NO_LIBRARY = Library(
    measures={}, parameters={}, scopes={}, scope_texts={}, dimensions={}, sources={}
)


def _total(source: Source, item: TableItem, rows: list[Row]) -> Row | None:
    """The sum of the rows per column, for one measure broken down by a dimension whose
    parts add up; None (with a footnote) where they do not or a part is hidden."""
    measures = {r.measure for r in rows}
    if len(measures) != 1 or len(item.series) != 1:
        return None
    series: Series = item.series[0]
    version = source.version(series, source.report)
    if version is None or not additive(version, series.breakdown, source.library):
        return None
    if any(v.suppressed for r in rows for v in r.values):
        return None
    return _sum_row(rows)


def _no_total(source: Source, item: TableItem, rows: list[Row]) -> str | None:
    """Why a table that asks for a total has none (None: it asked for none)."""
    if not item.total:
        return None
    version = source.version(item.series[0], source.report) if len(item.series) == 1 else None
    if version is None or len({r.measure for r in rows}) != 1:
        return "Geen totaal: de tabel toont meer dan één maatstaf."
    if additive(version, item.series[0].breakdown, source.library):
        return "Geen totaal: een cel is afgeschermd (te kleine aantallen)."
    declared = version.additivity
    if declared is not None and not declared.over:
        return f"Geen totaal: volgens de definitie telt '{version.label}' niet op."
    if declared is not None:
        over = ", ".join(declared.over)
        return f"Geen totaal: volgens de definitie telt '{version.label}' alleen op over {over}."
    if isinstance(version.aggregate, ast.CountDistinct):
        return (
            "Geen totaal: de categorieën tellen niet op tot het geheel (een cliënt kan in "
            "meer dan één categorie vallen)."
        )
    return (
        f"Geen totaal: '{version.label}' is een aandeel, gemiddelde of verhouding; "
        "die tellen niet op tot een totaal."
    )


def _sum_row(rows: list[Row]) -> Row:
    first = rows[0]
    values = []
    for i, value in enumerate(first.values):
        column = [r.values[i] for r in rows]
        known = [v.value for v in column if v.value is not None and v.state == "ok"]
        whole = sum(known) if len(known) == len(column) else None
        values.append(
            Value(
                period=value.period,
                value=whole,
                version=value.version,
                state=value.state if value.state != "ok" or whole is not None else "unavailable",
                note=value.note,
            )
        )
    update = {"dimensions": {}, "dimension_labels": {}, "values": values, "compared": []}
    return first.model_copy(update=update)


def _shown(row_: Row) -> dict[str, str]:
    """A row's dimension values as shown: the label where there is one, else the code."""
    return {k: row_.dimension_labels.get(k, v) for k, v in row_.dimensions.items()}


def _with_shares(row_: Row, total: Row) -> Row:
    shares = [
        (v.value / t.value) if v.value is not None and t.value else None
        for v, t in zip(row_.values, total.values, strict=True)
    ]
    return row_.model_copy(update={"share": shares})


def _sorted(rows: list[Row], how: str) -> list[Row]:
    if how == "label":
        return sorted(rows, key=lambda r: (r.label, sorted(_shown(r).values())))
    if how in ("value_desc", "value_asc"):
        known = [r for r in rows if r.values and r.values[0].value is not None]
        placed = {id(r) for r in known}
        unknown = [r for r in rows if id(r) not in placed]
        known.sort(key=lambda r: r.values[-1].value or 0, reverse=how == "value_desc")
        return known + unknown
    return rows


def _footnotes(
    source: Source, rows: list[Row], columns: list[Column], no_total: str | None
) -> list[str]:
    notes = []
    for i, column in enumerate(columns):
        if column.break_before:
            changed = sorted(
                {r.label for r in rows if r.values[i].version != r.values[i - 1].version}
            )
            notes.append(
                f"Definitie gewijzigd vanaf {period_nl(column.period.period)}: "
                f"{', '.join(changed)}; de kolommen ervoor volgen de oude definitie."
            )
    for r in rows:
        for c in r.compared:
            brk = c.definition_break
            assert brk is not None
            since = _date_nl(brk.valid_from)
            old = brk.suppressed or value_nl(brk.value, r.unit)
            notes.append(
                f"{r.label} {period_nl(c.other.period.period)}: berekend volgens de huidige "
                f"definitie (versie {c.other.version}); definitie gewijzigd per {since}; "
                f"volgens de oude definitie (versie {brk.version}): {old}."
            )
    if no_total:
        notes.append(no_total)
    return list(dict.fromkeys(notes))


def _date_nl(iso: str | None) -> str:
    if iso is None:
        return "onbekende datum"
    year, month, day = iso.split("-")
    return f"{int(day)}-{int(month)}-{year}"
