"""run: a checked library + loaded tables + periods -> typed figures with provenance.

Measures are evaluated in dependency order. Each table measure compiles to one relational
expression per version, executed on DuckDB through Ibis; measures computed from other
measures combine those results. Each period uses the version valid on its last day
(the peildatum) unless a version is forced with ``ID@N``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
from maatstaf.adapters.base import LoadedData
from maatstaf.dsl import ast
from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.dsl.schema import Schema, canonical_schema
from maatstaf.engine.combine import evaluate_compute
from maatstaf.engine.compile import BEGIN, END, PERIOD, Env, compile_condition, compile_version
from maatstaf.engine.graph import build_graph, content_hashes, evaluation_order
from maatstaf.engine.periods import Period
from maatstaf.engine.result import Figure, MeasureProvenance, Note, Provenance, RunResult

import maatstaf


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


class RunError(Exception):
    """A request the library cannot answer (unknown measure or version)."""


@dataclass
class _State:
    library: Library
    schema: Schema
    con: ibis.BaseBackend
    tables: dict[str, ir.Table]
    periods: Sequence[Period]
    results: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)


def run(
    library: Library, data: LoadedData, request: RunRequest, schema: Schema | None = None
) -> RunResult:
    schema = schema or canonical_schema()
    graph = build_graph(library)
    hashes = content_hashes(library, graph)
    selections = _selections(library, request.selections)
    forced = {s.measure: s.version for s in selections if s.version is not None}
    con = ibis.duckdb.connect()
    state = _State(
        library, schema, con, _scoped_tables(con, data, library, schema), request.periods
    )
    for measure_id in evaluation_order(graph, {s.measure for s in selections}):
        state.results[measure_id] = _evaluate(state, measure_id, forced.get(measure_id))
    order = {p.label: i for i, p in enumerate(request.periods)}
    figures = [f for s in selections for f in _figures(s.measure, state.results[s.measure], order)]
    used = sorted({(f.measure, f.version) for f in figures})
    provenance = Provenance(
        engine="maatstaf",
        engine_version=maatstaf.__version__,
        data_fingerprint=data.fingerprint,
        as_of=request.as_of.isoformat() if request.as_of else None,
        rejected_rows=len(data.rejected),
        grain=request.periods[0].grain,
        period_from=request.periods[0].label,
        period_to=request.periods[-1].label,
        measures=[_measure_provenance(library, m, v, hashes[(m, v)]) for m, v in used],
    )
    return RunResult(
        provenance=provenance,
        rejected_rows=list(data.rejected),
        table_stats=list(data.stats),
        notes=state.notes,
        figures=figures,
    )


def _selections(library: Library, wanted: Sequence[Selection] | None) -> list[Selection]:
    if wanted is None:
        return [Selection(m) for m in sorted(library.measures)]
    for selection in wanted:
        measure = library.measures.get(selection.measure)
        if measure is None:
            from maatstaf.dsl.errors import did_you_mean

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


def _scoped_tables(
    con: ibis.BaseBackend, data: LoadedData, library: Library, schema: Schema
) -> dict[str, ir.Table]:
    """Each loaded table in DuckDB, without the rows its table scope excludes."""
    tables = {}
    for name, arrow in data.tables.items():
        table = con.create_table(name, arrow)
        schema_table = schema.table(name)
        for condition in library.scopes.get(name, ()):
            assert schema_table is not None
            env = Env(schema_table, None, table, None, library.parameters)
            table = table.filter(~compile_condition(condition, env))
        tables[name] = table
    return tables


def _periods_table(periods: Sequence[Period]) -> ir.Table:
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
    for period in state.periods:
        version = measure.version(forced) if forced is not None else measure.version_on(period.end)
        if version is None:
            state.notes.append(
                Note(
                    measure=measure_id,
                    message=f"no version is valid on {period.end} (the last day of {period.label})",
                )
            )
            continue
        if period.grain not in version.grains:
            state.notes.append(
                Note(
                    measure=measure_id,
                    message=f"version {version.number} is "
                    f"defined for {', '.join(version.grains)} only, not per {period.grain}",
                )
            )
            continue
        plan.setdefault(version.number, []).append(period)
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
            return evaluate_compute(aggregate.expr, state.results, labels, state.library.parameters)
        case ast.CountRows() | ast.CountDistinct() | ast.SumOf():
            if aggregate.table not in state.tables:
                state.notes.append(
                    Note(
                        measure=version.measure,
                        message=f"the data has no table "
                        f"'{aggregate.table}', so this measure has no figures",
                    )
                )
                return None
            table = state.schema.table(aggregate.table)
            assert table is not None
            expr = compile_version(
                version,
                table,
                state.tables[aggregate.table],
                _periods_table(periods),
                state.library.parameters,
            )
            frame = state.con.execute(expr).rename(columns={PERIOD: "period"})
            counts = isinstance(aggregate, ast.CountRows | ast.CountDistinct)
            return _complete(frame, labels, list(version.by), counts)
    raise AssertionError(aggregate)


def _complete(
    frame: pd.DataFrame, labels: list[str], dims: list[str], counts: bool
) -> pd.DataFrame:
    """Every period gets a figure (0 where no row counts), for every dimension value seen."""
    if dims:
        combos = frame[dims].drop_duplicates()
        grid = pd.DataFrame({"period": labels}).merge(combos, how="cross")
    else:
        grid = pd.DataFrame({"period": labels})
    merged = grid.merge(frame, on=["period", *dims], how="left")
    if counts:
        merged["value"] = merged["value"].fillna(0).astype("int64")
    else:
        merged["value"] = merged["value"].astype(object).where(merged["value"].notna(), 0)
    return merged


def _figures(measure_id: str, frame: pd.DataFrame, order: dict[str, int]) -> list[Figure]:
    if frame.empty:
        return []
    dims = sorted(c for c in frame.columns if c not in ("period", "version", "value"))
    frame = frame.assign(_order=frame["period"].map(order)).sort_values(
        ["_order", *dims], kind="stable"
    )
    return [
        Figure(
            measure=measure_id,
            version=int(version),
            period=str(period),
            dimensions={d: str(v) for d, v in zip(dims, dim_values, strict=True)},
            value=plain_number(value),
        )
        for period, version, value, *dim_values in zip(
            frame["period"],
            frame["version"],
            frame["value"],
            *(frame[d] for d in dims),
            strict=True,
        )
    ]


def plain_number(value: object) -> int | float | None:
    """A JSON-friendly number: counts as int, amounts and fractions as float, no figure as None."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "item"):
        value = value.item()  # numpy scalar
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return value
    return value  # type: ignore[return-value]
