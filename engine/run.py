"""run: a checked library + loaded tables + periods -> typed figures with provenance.

Measures are evaluated in dependency order. Each table measure compiles to one relational
expression per version, executed on DuckDB through Ibis; measures computed from other
measures combine those results. Each period uses the version valid on its last day
(the peildatum) unless a version is forced with ``ID@N``.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

import maatstaf
from maatstaf.adapters.base import LoadedData
from maatstaf.dsl import ast
from maatstaf.dsl.errors import did_you_mean
from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.dsl.schema import Schema, Table, canonical_schema
from maatstaf.engine.combine import Combiner
from maatstaf.engine.compile import (
    BEGIN,
    END,
    PERIOD,
    CompileError,
    Context,
    Env,
    ast_and,
    compile_condition,
    compile_version,
    periods_with_rows,
    split_conditions,
    walk,
    with_links,
)
from maatstaf.engine.dimensions import complete, dimension_domains
from maatstaf.engine.graph import build_graph, content_hashes, evaluation_order
from maatstaf.engine.periods import Period, parse_period, shift
from maatstaf.engine.result import (
    Comparison,
    Figure,
    MeasureProvenance,
    Note,
    Provenance,
    RunResult,
)
from maatstaf.engine.suppression import is_count
from maatstaf.engine.targets import figure_target
from maatstaf.engine.values import plain_number


@dataclass(frozen=True)
class Selection:
    """A measure to report, optionally forced to one version for every period."""

    measure: str
    version: int | None = None


@dataclass(frozen=True)
class RunRequest:
    periods: Sequence[Period]
    selections: Sequence[Selection] | None = None  # None: every measure
    as_of: dt.date | None = None
    compare: bool = False  # add the previous period and the same period a year earlier
    optional_dims: tuple[str, ...] = ()  # add these where a measure offers them (--by)
    round_counts_to: int | None = None  # cbs: counts rounded before anything is computed
    min_share_base: int | None = None  # cbs: no ratio whose denominator is below this


REGION_DIMENSION = "gemeente"


class RunError(Exception):
    """A request the library cannot answer (unknown measure or version)."""


@dataclass
class _State:
    library: Library
    ctx: Context
    con: ibis.BaseBackend
    periods: Sequence[Period]
    results: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    graph: object = None
    extra_dims: tuple[str, ...] = ()
    request: RunRequest | None = None
    _years: dict[tuple[str, ...], _State] = field(default_factory=dict)

    def note(self, measure: str, message: str) -> None:
        self.notes.append(Note(measure=measure, message=message))

    def fetch_years(self, measure_id: str, years: list[str]) -> pd.DataFrame:
        """A measure's figures for whole calendar years (for previous_year), evaluated once
        per set of years with its own dependencies."""
        key = tuple(years)
        if key not in self._years:
            periods = [parse_period(y) for y in years]
            self._years[key] = _State(
                self.library,
                self.ctx,
                self.con,
                periods,
                graph=self.graph,
                extra_dims=self.extra_dims,
                request=self.request,
            )
        sub = self._years[key]
        for needed in evaluation_order(self.graph, {measure_id}):  # type: ignore[arg-type]
            if needed not in sub.results:
                sub.results[needed] = _evaluate(sub, needed, None)
        return sub.results[measure_id]


Progress = Callable[[str, int, int, float], None]
"""Called after each measure: (measure id, measures done, measures in all, seconds)."""


def run(
    library: Library,
    data: LoadedData,
    request: RunRequest,
    schema: Schema | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Evaluate the selected measures (and what they depend on) for the requested periods."""
    schema = schema or canonical_schema()
    graph = build_graph(library)
    hashes = content_hashes(library, graph)
    selections = _selections(library, request.selections)
    forced = {s.measure: s.version for s in selections if s.version is not None}
    periods = with_comparisons(request.periods) if request.compare else list(request.periods)
    con = backend_for(data)
    semi = con.name == "duckdb"
    ctx = Context(schema, library, {}, semi)
    ctx = Context(schema, library, scoped_tables(con, data, ctx, request.as_of), semi)
    passes = [()] + ([(REGION_DIMENSION,)] if _is_regional(data) else [])
    results: dict[str, list[pd.DataFrame]] = {s.measure: [] for s in selections}
    notes: list[Note] = []
    order = evaluation_order(graph, set(results))
    done = 0
    for extra in passes:
        state = _State(library, ctx, con, periods, graph=graph, extra_dims=extra, request=request)
        for measure_id in order:
            started = time.perf_counter()
            state.results[measure_id] = _evaluate(state, measure_id, forced.get(measure_id))
            done += 1
            if progress is not None:
                seconds = time.perf_counter() - started
                progress(measure_id, done, len(order) * len(passes), seconds)
        for measure_id in results:
            results[measure_id].append(state.results[measure_id])
        notes += [n for n in state.notes if n.measure in results and n not in notes]
    figures = [
        f
        for s in selections
        for f in _figures(library, s.measure, pd.concat(results[s.measure]), request)
    ]
    used = sorted({(f.measure, f.version) for f in figures})
    provenance = Provenance(
        engine="maatstaf",
        engine_version=maatstaf.__version__,
        data_fingerprint=data.fingerprint,
        as_of=request.as_of.isoformat() if request.as_of else None,
        rejected_rows=len({(r.table, r.row) for r in data.rejected}),
        grain=request.periods[0].grain,
        period_from=request.periods[0].label,
        period_to=request.periods[-1].label,
        measures=[_measure_provenance(library, m, v, hashes[(m, v)]) for m, v in used],
    )
    return RunResult(
        provenance=provenance,
        rejected_rows=list(data.rejected),
        table_stats=list(data.stats),
        notes=notes,
        figures=figures,
    )


def with_comparisons(periods: Sequence[Period]) -> list[Period]:
    """The periods plus, for each, the previous one and the same one a year earlier."""
    extra = [shift(p, steps=-1) for p in periods] + [shift(p, years=-1) for p in periods]
    return sorted(set(periods) | set(extra), key=lambda p: p.begin)


def _is_regional(data: LoadedData) -> bool:
    """Several municipalities share the run when any table names a gemeente."""
    if data.backend is not None:
        return any(
            REGION_DIMENSION in rel.columns
            and bool(rel[REGION_DIMENSION].notnull().any().execute())  # type: ignore[attr-defined]
            for rel in data.relations.values()
        )
    return any(
        REGION_DIMENSION in t.column_names and t[REGION_DIMENSION].null_count < t.num_rows
        for t in data.tables.values()
        if t.num_rows
    )


def backend_for(data: LoadedData) -> ibis.BaseBackend:
    """Where the computation runs: the source's own database, or DuckDB in this process
    (its memory capped by MAATSTAF_MEMORY_LIMIT, e.g. 8GB; beyond it DuckDB spills to disk
    or stops with a message)."""
    if data.backend is not None:
        return data.backend  # type: ignore[return-value]
    con = ibis.duckdb.connect()
    limit = os.environ.get("MAATSTAF_MEMORY_LIMIT")
    if limit:
        con.raw_sql(f"SET memory_limit = '{_memory(limit)}'")
    return con


def _memory(text: str) -> str:
    """A memory size such as 8GB or 512MB (checked, since it goes into a setting)."""
    import re

    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", text.strip()):
        raise RunError(f"MAATSTAF_MEMORY_LIMIT={text!r}: write a size such as 8GB or 512MB")
    return text.strip()


def _selections(library: Library, wanted: Sequence[Selection] | None) -> list[Selection]:
    if wanted is None:
        return [Selection(m) for m in sorted(library.measures)]
    for selection in wanted:
        measure = library.measures.get(selection.measure)
        if measure is None:
            hint = did_you_mean(selection.measure, library.measures) or ""
            raise RunError(f"unknown measure '{selection.measure}'. {hint}".strip())
        if selection.version is not None and measure.version(selection.version) is None:
            numbers = ", ".join(str(v.number) for v in measure.versions)
            raise RunError(
                f"measure '{selection.measure}' has no version {selection.version} "
                f"(it has {numbers})"
            )
    return list(wanted)


def _measure_provenance(
    library: Library, measure: str, number: int, digest: str
) -> MeasureProvenance:
    version = library.measures[measure].version(number)
    assert version is not None
    return MeasureProvenance(
        measure=measure, version=number, hash=digest, label=version.label, unit=version.unit
    )


def scoped_tables(
    con: ibis.BaseBackend, data: LoadedData, ctx: Context, as_of: dt.date | None = None
) -> dict[str, ir.Table]:
    """Each loaded table in DuckDB, without the rows its table scope excludes. Tables whose
    scope follows a link (a claim's toewijzing) come after the tables they link to, so a
    claim for a removed indication is excluded too.

    In process, DuckDB reads the loaded Arrow tables in place (no copy) and each scoped
    table is computed once and kept (the latest version of each row, the scope applied),
    so every measure of the run starts from the same rows instead of recomputing them,
    and the rows are held twice at most (Arrow, DuckDB); a database or Spark keeps them as
    views of its own tables."""
    sources = data.relations if data.backend is not None else _arrow_views(con, data)
    raw = {name: _known_on(rel, ctx.schema.table(name), as_of) for name, rel in sources.items()}  # type: ignore[arg-type]
    tables: dict[str, ir.Table] = {}
    linked_last = sorted(raw, key=lambda n: bool(_scope_links(ctx, n)))
    for name in linked_last:
        table, schema_table = raw[name], ctx.schema.table(name)
        conditions = ctx.library.scopes.get(name, ())
        if conditions and schema_table is not None:
            scoped = Context(ctx.schema, ctx.library, tables, ctx.semi_joins)
            rows = with_links(table, schema_table, list(conditions), None, scoped)
            keep = ~compile_condition(
                ast_and(list(conditions)), Env(schema_table, None, rows, scoped)
            )
            table = rows.filter(keep).select(*table.columns)
        if data.backend is None:
            table = con.create_table(f"scoped_{name}", table, temp=True, overwrite=True)
        tables[name] = table
    return tables


def _arrow_views(con: ibis.BaseBackend, data: LoadedData) -> dict[str, ir.Table]:
    """The loaded tables as DuckDB views over their Arrow memory (read in place)."""
    views = {}
    for name, arrow in data.tables.items():
        con.con.register(f"loaded_{name}", arrow)  # type: ignore[attr-defined]
        views[name] = con.table(f"loaded_{name}")
    return views


def _known_on(table: ir.Table, schema_table: Table | None, as_of: dt.date | None) -> ir.Table:
    """The rows as known on ``as_of`` (by default: now). Where a table keeps history, rows
    sharing a key are versions of one row: the latest version registered by then wins
    (rows without a registration time count as the earliest version)."""
    history = schema_table.history if schema_table is not None else None
    if schema_table is None or history is None or history not in table.columns:
        return table
    if as_of is not None:
        limit = ibis.literal(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()))
        table = table.filter(table[history].isnull() | (table[history] < limit))
    key = [table[k] for k in schema_table.key]
    order = ibis.desc(table[history].fill_null(_EARLIEST))
    latest = ibis.row_number().over(group_by=key, order_by=order)
    table = table.mutate(__version=latest)
    return table.filter(table["__version"] == 0).drop("__version")


_EARLIEST = dt.datetime(1, 1, 1)


def _scope_links(ctx: Context, table: str) -> bool:
    schema_table = ctx.schema.table(table)
    return schema_table is not None and any(
        "." in n.name
        for c in ctx.library.scopes.get(table, ())
        for n in walk(c)
        if isinstance(n, ast.NameRef)
    )


def periods_table(periods: Sequence[Period]) -> ir.Table:
    arrow = pa.table(
        {
            PERIOD: pa.array([p.label for p in periods], pa.string()),
            BEGIN: pa.array([p.begin for p in periods], pa.date32()),
            END: pa.array([p.end for p in periods], pa.date32()),
        }
    )
    return ibis.memtable(arrow)


def _evaluate(state: _State, measure_id: str, forced: int | None) -> pd.DataFrame:
    """Columns: period, version, value and one column per dimension."""
    measure = state.library.measures[measure_id]
    plan: dict[int, list[Period]] = {}
    skipped: dict[str, list[str]] = {}
    for period in state.periods:
        version = measure.version(forced) if forced is not None else measure.version_on(period.end)
        if version is None:
            reason = "geen cijfer: geen versie geldig op de laatste dag van"
            skipped.setdefault(reason, []).append(period.label)
        elif period.grain not in version.grains:
            per = " / ".join(_GRAIN_NL.get(g, g) for g in version.grains)
            reason = f"versie {version.number} is alleen per {per} gedefinieerd; geen cijfer voor"
            skipped.setdefault(reason, []).append(period.label)
        else:
            plan.setdefault(version.number, []).append(period)
    for reason, labels in skipped.items():
        state.note(measure_id, f"{reason} {_label_span(labels)}")
    frames = []
    for number, periods in sorted(plan.items()):
        version = measure.version(number)
        assert version is not None
        frame = _evaluate_version(state, version, periods)
        if frame is not None:
            frames.append(frame.assign(version=number))
    if not frames:
        return pd.DataFrame(columns=["period", "version", "value"])
    return pd.concat(frames, ignore_index=True)


def _evaluate_version(
    state: _State, version: MeasureVersion, periods: list[Period]
) -> pd.DataFrame | None:
    aggregate = version.aggregate
    labels = [p.label for p in periods]
    match aggregate:
        case ast.SameAs():
            frame = state.results[aggregate.measure]
            return frame[frame["period"].isin(labels)].drop(columns="version")
        case ast.Compute():
            min_base = state.request.min_share_base if state.request else None
            additive = frozenset(
                m.id
                for m in state.library.measures.values()
                if all(_is_additive(v.aggregate) for v in m.versions)
            )
            combiner = Combiner(
                state.results,
                labels,
                state.library.parameters,
                state.fetch_years,
                min_base,
                additive,
            )
            frame = combiner.frame(aggregate.expr)
            for message in dict.fromkeys(combiner.notes):
                state.note(version.measure, message)
            return frame
    missing = [t for t in version.tables if t not in state.ctx.tables]
    if missing:
        state.note(
            version.measure,
            f"de gegevens bevatten geen tabel {', '.join(missing)}: deze maatstaf heeft geen cijfers",
        )
        return None
    version = _with_extra_dimensions(version, state)
    try:
        _check_size(version, state, len(periods))
        grains = {p.grain for p in periods}
        grain = grains.pop() if len(grains) == 1 else None
        expr = compile_version(version, state.ctx, periods_table(periods), grain)
        present = periods_with_rows(version, state.ctx, periods_table(periods), grain)
    except CompileError as exc:
        state.note(version.measure, str(exc))
        return None
    frame = state.con.execute(expr).rename(columns={PERIOD: "period"})
    fill = isinstance(aggregate, ast.CountRows | ast.CountDistinct | ast.Spread) or (
        isinstance(aggregate, ast.SumOf) and aggregate.per is None
    )
    empty = _periods_without_rows(state, version, labels, present) if _is_sum(aggregate) else []
    step = state.request.round_counts_to if state.request else None
    if step and is_count(version.unit):
        frame["value"] = (frame["value"] / step + 0.5).floordiv(1) * step
    domains = dimension_domains(version, state.ctx, frame)
    frame = complete(
        frame,
        labels,
        domains,
        fill,
        integer=isinstance(aggregate, ast.CountRows | ast.CountDistinct),
    )
    if empty:
        frame["value"] = frame["value"].astype(object).where(~frame["period"].isin(empty), None)
    return frame


_GRAIN_NL = {"month": "maand", "quarter": "kwartaal", "year": "jaar"}


def _is_sum(aggregate: ast.Aggregate) -> bool:
    return isinstance(aggregate, ast.Spread) or (
        isinstance(aggregate, ast.SumOf) and aggregate.per is None
    )


def _periods_without_rows(
    state: _State, version: MeasureVersion, labels: list[str], present: ir.Table | None
) -> list[str]:
    """The periods in which a sum's table has no rows at all: no figure there (no data is
    not 0), with a note naming the table and the periods."""
    if present is None:
        return []
    found = set(state.con.execute(present)[PERIOD].astype(str))
    empty = [label for label in labels if label not in found]
    if empty:
        table = getattr(version.aggregate, "table", "")
        state.note(
            version.measure,
            f"geen cijfer voor {_label_span(empty)}: de tabel {table} heeft geen rijen in "
            f"{'die periode' if len(empty) == 1 else 'die perioden'} (geen gegevens is geen 0)",
        )
    return empty


def _label_span(labels: list[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return f"{labels[0]} .. {labels[-1]} ({len(labels)} perioden)"


def max_combinations() -> int:
    """The largest rows x periods a rule without a period condition may join (a cross join
    by mistake); MAATSTAF_MAX_COMBINATIONS raises it."""
    return int(os.environ.get("MAATSTAF_MAX_COMBINATIONS", "200000000"))


def _check_size(version: MeasureVersion, state: _State, periods: int) -> None:
    """Refuse, before running it, a rule that pairs every row with every period."""
    _, period_conditions = split_conditions(version.where)
    if period_conditions:
        return
    table = getattr(version.aggregate, "table", "")
    rows = int(state.ctx.tables[table].count().execute())
    if rows * periods > max_combinations():
        raise CompileError(
            f"{version.span}: '{version.measure}' heeft geen voorwaarde op de periode, dus "
            f"telt elk van zijn {rows:,} rijen mee in elk van de {periods} perioden "
            f"({rows * periods:,} combinaties, meer dan {max_combinations():,}). Voeg "
            "'active in period' of een andere voorwaarde op de periode toe, of verhoog "
            "MAATSTAF_MAX_COMBINATIONS."
        )


def _is_additive(aggregate: ast.Aggregate) -> bool:
    """Counts and sums, where no row means 0 (not: no figure)."""
    return isinstance(aggregate, ast.CountRows | ast.CountDistinct | ast.Spread) or (
        isinstance(aggregate, ast.SumOf) and aggregate.per is None
    )


def _with_extra_dimensions(version: MeasureVersion, state: _State) -> MeasureVersion:
    """Per municipality: the gemeente of the counted rows becomes a dimension."""
    table = state.ctx.schema.table(getattr(version.aggregate, "table", ""))
    extra = [d for d in state.extra_dims if table is not None and table.column(d) is not None]
    wanted = state.request.optional_dims if state.request else ()
    chosen = tuple(d for d in version.optional_by if d.name in wanted)
    if not extra and not chosen:
        return version
    dims = tuple(ast.Dimension(span=version.span, name=d) for d in extra)
    return version.model_copy(update={"by": (*version.by, *chosen, *dims)})


def _figures(
    library: Library, measure_id: str, frame: pd.DataFrame, request: RunRequest
) -> list[Figure]:
    """Figures for the requested periods, in period order, each with its target and, with
    --compare, the value of the previous period and of the same period a year earlier."""
    if frame.empty:
        return []
    measure = library.measures[measure_id]
    dims = [c for c in frame.columns if c not in ("period", "version", "value")]
    frame = frame.assign(**{d: frame[d].astype(object).where(frame[d].notna(), None) for d in dims})
    lookup = {
        (
            r["period"],
            tuple(sorted((d, str(r[d])) for d in dims if r[d] is not None)),
        ): plain_number(r["value"])
        for r in frame.to_dict("records")
    }
    order = {p.label: i for i, p in enumerate(request.periods)}
    wanted = frame[frame["period"].isin(order)]
    wanted = wanted.assign(_order=wanted["period"].map(order)).sort_values("_order", kind="stable")
    figures = []
    for record in wanted.to_dict("records"):
        dimensions = {d: str(record[d]) for d in dims if record[d] is not None}
        version = measure.version(int(record["version"]))
        assert version is not None
        value = plain_number(record["value"])
        figures.append(
            Figure(
                measure=measure_id,
                version=version.number,
                period=str(record["period"]),
                dimensions=dimensions,
                value=value,
                target=figure_target(version, dimensions, value, library),
                comparison=_comparison(record["period"], dimensions, lookup)
                if request.compare
                else None,
            )
        )
    return figures


def _comparison(label: str, dimensions: dict[str, str], lookup: dict) -> Comparison:
    period = parse_period(label)
    key = tuple(sorted(dimensions.items()))
    previous, year_earlier = shift(period, steps=-1).label, shift(period, years=-1).label
    return Comparison(
        previous_period=previous,
        previous_value=_find(lookup, previous, key),
        year_earlier_period=year_earlier,
        year_earlier_value=_find(lookup, year_earlier, key),
    )


def _find(lookup: dict, label: str, key: tuple) -> int | float | None:
    return lookup.get((label, key))
