"""evaluate: one measure for the requested periods -> a frame (period, version, value,
dimensions), with notes saying why a figure is missing. A table measure compiles to one
relational expression per version; a computed measure combines other measures' frames."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import ibis
import numpy as np
import pandas as pd

from maatstaf.dsl import ast
from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.engine.combine import Combiner
from maatstaf.engine.compile import (
    PERIOD,
    CompileError,
    Context,
    compile_version,
    split_conditions,
)
from maatstaf.engine.dimensions import complete, dimension_domains
from maatstaf.engine.graph import evaluation_order
from maatstaf.engine.notes_values import ValueCheck
from maatstaf.engine.parameter_periods import missing_parameter, parameter_changes
from maatstaf.engine.periods import Period, parse_period, shift
from maatstaf.engine.plans import Plan, Plans
from maatstaf.engine.presence import periods_with_rows
from maatstaf.engine.result import (
    Note,
)
from maatstaf.engine.suppression import counts as counts_persons

if TYPE_CHECKING:
    from maatstaf.engine.run import RunRequest


@dataclass
class State:
    library: Library
    ctx: Context
    con: ibis.BaseBackend
    periods: Sequence[Period]
    results: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    graph: object = None
    extra_dims: tuple[str, ...] = ()
    request: RunRequest | None = None
    _years: dict[tuple[str, ...], State] = field(default_factory=dict)
    values: ValueCheck | None = None  # shared with the states made from this one
    plans: Plans = None  # type: ignore[assignment]  # the run's compiled plans (shared)

    def __post_init__(self) -> None:
        if self.plans is None:
            self.plans = Plans(self.con)

    def value_check(self) -> ValueCheck:
        if self.values is None:
            self.values = ValueCheck(self.ctx.schema, self.ctx.tables)
        return self.values

    def note(self, measure: str, message: str) -> None:
        self.notes.append(Note(measure=measure, message=message))

    def reasons(self, measure_id: str, years: bool = False) -> list[str]:
        """Why a measure has no figure somewhere: its notes in these periods, or (years)
        in the whole years evaluated for previous_year."""
        if not years:
            return list(dict.fromkeys(n.message for n in self.notes if n.measure == measure_id))
        found = [m for sub in self._years.values() for m in sub.reasons(measure_id)]
        return list(dict.fromkeys(found))

    def fetch_years(self, measure_id: str, years: list[str]) -> pd.DataFrame:
        """A measure's figures for whole calendar years (for previous_year), evaluated once
        per set of years with its own dependencies."""
        key = tuple(years)
        if key not in self._years:
            periods = [parse_period(y) for y in years]
            self._years[key] = State(
                self.library,
                self.ctx,
                self.con,
                periods,
                graph=self.graph,
                extra_dims=self.extra_dims,
                request=self.request,
                values=self.value_check(),
                plans=self.plans,
            )
        sub = self._years[key]
        for needed in evaluation_order(self.graph, {measure_id}):  # type: ignore[arg-type]
            if needed not in sub.results:
                sub.results[needed] = evaluate(sub, needed, None)
        return sub.results[measure_id]


def evaluate(state: State, measure_id: str, forced: int | None) -> pd.DataFrame:
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
        elif (reason := missing_parameter(version, state.library, period)) is not None:
            skipped.setdefault(reason, []).append(period.label)
        else:
            for message in parameter_changes(version, state.library, period):
                state.note(measure_id, message)
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


def in_compared_version(state: State, measure_id: str) -> pd.DataFrame | None:
    """A measure's figures for the periods its figures are compared with (the previous
    period, the same period a year earlier), each computed with the version of the figure
    it is compared with, where another version is valid there: a comparison never sets one
    definition against another. Columns as ``evaluate``; None when nothing differs. The
    state's results must already hold every dependency for those periods."""
    measure = state.library.measures[measure_id]
    wanted: dict[int, set[Period]] = {}
    for period in state.request.periods if state.request else ():
        version = measure.version_on(period.end)
        if version is None:
            continue
        for earlier in (shift(period, steps=-1), shift(period, years=-1)):
            own = measure.version_on(earlier.end)
            if own is None or own.number != version.number:
                wanted.setdefault(version.number, set()).add(earlier)
    frames = []
    for number, earlier in sorted(wanted.items()):
        periods = sorted(earlier, key=lambda p: p.begin)
        sub = State(
            state.library,
            state.ctx,
            state.con,
            periods,
            dict(state.results),
            graph=state.graph,
            extra_dims=state.extra_dims,
            request=state.request,
            values=state.value_check(),
            plans=state.plans,
        )
        frames.append(evaluate(sub, measure_id, number))
        for note in sub.notes:
            state.note(note.measure, f"vergelijking volgens versie {number}: {note.message}")
    return pd.concat(frames, ignore_index=True) if frames else None


def _evaluate_version(
    state: State, version: MeasureVersion, periods: list[Period]
) -> pd.DataFrame | None:
    aggregate = version.aggregate
    labels = [p.label for p in periods]
    match aggregate:
        case ast.SameAs():
            frame = state.results[aggregate.measure]
            return frame[frame["period"].isin(labels)].drop(columns="version")
        case ast.Compute():
            min_base = state.request.min_share_base if state.request else None
            combiner = Combiner(
                state.results,
                labels,
                state.library.parameters,
                state.fetch_years,
                min_base,
                reasons=state.reasons,
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
    for warning in state.value_check().warnings(version):
        state.note(version.measure, warning)
    version = _with_extra_dimensions(version, state)
    try:
        _check_size(version, state, len(periods))
        grains = {p.grain for p in periods}
        # a span (a year to date) is no period of its grain: compiled by its begin and end
        spans = any(p.is_span for p in periods)
        grain = grains.pop() if len(grains) == 1 and not spans else None
        table = state.plans.periods(periods)
        # the plan is the same for any periods of its grain: it reads them from ``table``
        spec = (version, grain)
        plan = state.plans.plan(
            ("figures", *spec), lambda: compile_version(version, state.ctx, table, grain)
        )
        # the periods with any row at all: asked for a sum only (no rows is no figure)
        present = (
            state.plans.plan(
                ("present", *spec), lambda: periods_with_rows(version, state.ctx, table, grain)
            )
            if _is_sum(aggregate)
            else None
        )
    except CompileError as exc:
        state.note(version.measure, str(exc))
        return None
    assert plan is not None
    frame = state.plans.execute(plan).rename(columns={PERIOD: "period"})
    fill = isinstance(aggregate, ast.CountRows | ast.CountDistinct | ast.Spread) or (
        isinstance(aggregate, ast.SumOf) and aggregate.per is None
    )
    empty = _periods_without_rows(state, version, labels, present)
    step = state.request.round_counts_to if state.request else None
    if step and counts_persons(version, state.library):
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
    return _finite(state, version, frame)


_GRAIN_NL = {
    "month": "maand",
    "4-weekly": "vier weken",
    "quarter": "kwartaal",
    "half-year": "halfjaar",
    "year": "jaar",
}


def _finite(state: State, version: MeasureVersion, frame: pd.DataFrame) -> pd.DataFrame:
    """An infinite result (an overflow) is no figure, with a note; never 'Infinity'."""
    values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(float)
    infinite = np.isinf(values)
    if not infinite.any():
        return frame
    labels = sorted(set(frame.loc[infinite, "period"]))
    state.note(
        version.measure,
        f"geen cijfer voor {_label_span(labels)}: de berekening loopt over (de uitkomst is te "
        "groot om weer te geven)",
    )
    return frame.assign(value=frame["value"].astype(object).where(~infinite, None))


def _is_sum(aggregate: ast.Aggregate) -> bool:
    """A sum, or a statistic (median, ...): no rows at all in a period is no figure, noted."""
    return isinstance(aggregate, ast.Spread | ast.Statistic) or (
        isinstance(aggregate, ast.SumOf) and aggregate.per is None
    )


def _periods_without_rows(
    state: State, version: MeasureVersion, labels: list[str], present: Plan | None
) -> list[str]:
    """The periods in which a sum's table has no rows at all: no figure there (no data is
    not 0), with a note naming the table and the periods."""
    if present is None:
        return []
    found = set(state.plans.execute(present)[PERIOD].astype(str))
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


def _check_size(version: MeasureVersion, state: State, periods: int) -> None:
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


def _with_extra_dimensions(version: MeasureVersion, state: State) -> MeasureVersion:
    """Per municipality: the gemeente of the counted rows becomes a dimension."""
    table = state.ctx.schema.table(getattr(version.aggregate, "table", ""))
    extra = [d for d in state.extra_dims if table is not None and table.column(d) is not None]
    wanted = state.request.optional_dims if state.request else ()
    chosen = tuple(d for d in version.optional_by if d.name in wanted)
    if not extra and not chosen:
        return version
    dims = tuple(ast.Dimension(span=version.span, name=d) for d in extra)
    return version.model_copy(update={"by": (*version.by, *chosen, *dims)})
