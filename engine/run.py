"""run: a checked library + loaded tables + periods -> typed figures with provenance.

Measures are evaluated in dependency order. Each table measure compiles to one relational
expression per version, executed on DuckDB through Ibis; measures computed from other
measures combine those results. Each period uses the version valid on its last day
(the peildatum) unless a version is forced with ``ID@N``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import pandas as pd

import maatstaf
from maatstaf.adapters.base import LoadedData
from maatstaf.adapters.duck import DuckTables
from maatstaf.dsl.errors import did_you_mean
from maatstaf.dsl.model import Library
from maatstaf.dsl.schema import Schema
from maatstaf.engine.compile import Context
from maatstaf.engine.evaluate import (  # noqa: F401
    State,
    evaluate,
    in_compared_version,
    max_combinations,
)
from maatstaf.engine.figures import to_figures
from maatstaf.engine.graph import build_graph, content_hashes, evaluation_order
from maatstaf.engine.periods import Period, shift
from maatstaf.engine.plans import Plans
from maatstaf.engine.request import RunRequest, Selection
from maatstaf.engine.result import (
    MeasureProvenance,
    Note,
    Provenance,
    RunResult,
)
from maatstaf.engine.tables import (  # noqa: F401
    backend_for,
    computation,
    periods_table,
    scoped_tables,
)

REGION_DIMENSION = "gemeente"


class RunError(Exception):
    """A request the library cannot answer (unknown measure or version)."""


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
    schema = schema or library.table_schema
    graph = build_graph(library)
    hashes = content_hashes(library, graph)
    selections = _selections(library, request.selections)
    forced = {s.measure: s.version for s in selections if s.version is not None}
    periods = with_comparisons(request.periods) if request.compare else list(request.periods)
    semi = data.backend is None or getattr(data.backend, "name", None) == "duckdb"
    con, tables = computation(data, Context(schema, library, {}, semi), request.as_of)
    ctx = Context(schema, library, tables, semi)
    plans = Plans.open(con, ctx, in_process=data.backend is None)
    passes = [()] + ([(REGION_DIMENSION,)] if _is_regional(data) else [])
    results: dict[str, list[pd.DataFrame]] = {s.measure: [] for s in selections}
    # per measure: its figures in the compared periods, by the compared figure's version
    compared: dict[str, list[pd.DataFrame | None]] = {s.measure: [] for s in selections}
    notes: list[Note] = []
    order = evaluation_order(graph, set(results))
    done = 0
    for extra in passes:
        state = State(
            library, ctx, con, periods, graph=graph, extra_dims=extra, request=request, plans=plans
        )
        for measure_id in order:
            started = time.perf_counter()
            state.results[measure_id] = evaluate(state, measure_id, forced.get(measure_id))
            done += 1
            if progress is not None:
                seconds = time.perf_counter() - started
                progress(measure_id, done, len(order) * len(passes), seconds)
        for measure_id in results:
            results[measure_id].append(state.results[measure_id])
            if request.compare and measure_id not in forced:
                compared[measure_id].append(in_compared_version(state, measure_id))
        notes += [n for n in state.notes if n.measure in results and n not in notes]
    plans.save()
    figures = [
        f
        for s in selections
        for f in to_figures(
            library, s.measure, pd.concat(results[s.measure]), request, _frames(compared[s.measure])
        )
    ]
    used = sorted({(f.measure, f.version) for f in figures})
    provenance = Provenance(
        engine="maatstaf",
        engine_version=maatstaf.__version__,
        data_fingerprint=data.fingerprint,
        as_of=request.as_of.isoformat() if request.as_of else None,
        rejected_rows=data.rejected_row_count,
        grain=request.periods[0].grain,
        period_from=request.periods[0].label,
        period_to=request.periods[-1].label,
        measures=[_measure_provenance(library, m, v, hashes[(m, v)]) for m, v in used],
    )
    return RunResult(
        provenance=provenance,
        rejected_rows=list(data.rejected),
        rejection_counts=list(data.rejection_counts),
        table_stats=list(data.stats),
        notes=notes,
        figures=figures,
    )


def _frames(frames: list[pd.DataFrame | None]) -> pd.DataFrame | None:
    found = [f for f in frames if f is not None]
    return pd.concat(found, ignore_index=True) if found else None


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
    tables = data.tables
    if isinstance(tables, DuckTables):  # kept in DuckDB: asked there, not copied out
        return any(
            REGION_DIMENSION in tables.columns(n) and tables.has_values(n, REGION_DIMENSION)
            for n in tables
        )
    return any(
        REGION_DIMENSION in t.column_names and t[REGION_DIMENSION].null_count < t.num_rows
        for t in tables.values()
        if t.num_rows
    )


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
