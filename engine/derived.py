"""derived: columns computed from a row and its neighbours: care spells, the peak of
simultaneous rows, the classification of an entity, and the dimensions."""

from __future__ import annotations

from dataclasses import replace

import ibis
import ibis.expr.types as ir

from maatstaf.dsl import ast
from maatstaf.dsl.schema import Table
from maatstaf.engine.env import (
    BEGIN,
    END,
    FAR_FUTURE,
    PERIOD,
    UNKNOWN,
    CompileError,
    Env,
    peak_column,
    spell_column,
)
from maatstaf.engine.expressions import _as_int, compile_expr
from maatstaf.engine.nodes import _calls, walk


def with_spells(rel: ir.Table, table: Table, nodes: list[ast.Node]) -> ir.Table:
    """For each ``spell_start(entity)``: the first day of the spell (a run of the entity's
    rows that overlap or adjoin) each row belongs to. Islands: a row starts a new spell when
    it begins after the latest end of every earlier row of the entity plus one day."""
    assert table.period is not None or not any(_calls(nodes, "spell_start"))
    for entity in sorted({c.args[0].name for c in _calls(nodes, "spell_start")}):  # type: ignore[union-attr]
        start, end = table.period  # type: ignore[misc]
        filled = rel[end].fill_null(FAR_FUTURE)
        # a total order: rows with the same dates are ordered by their key, so the window
        # that finds new spells and the one that numbers them see the rows alike
        order = [rel[start], filled, *tiebreak(rel, table)]
        earlier = ibis.window(group_by=rel[entity], order_by=order, rows=(None, -1))
        latest = filled.max().over(earlier)
        new = _as_int(
            latest.isnull() | (rel[start] > (latest + ibis.interval(days=1)).cast("date"))
        )
        rel = rel.mutate(__new_spell=new)
        order = [rel[start], rel[end].fill_null(FAR_FUTURE), *tiebreak(rel, table)]
        rel = rel.mutate(__spell=rel["__new_spell"].cumsum(group_by=rel[entity], order_by=order))
        spell_start = rel[start].min().over(ibis.window(group_by=[rel[entity], rel["__spell"]]))
        rel = rel.mutate(**{spell_column(entity): spell_start}).drop("__new_spell", "__spell")
    return rel


def tiebreak(rel: ir.Table, table: Table) -> list[ir.Value]:
    """Columns that make an ordering total: the table's key (and registration time), or
    every column where the table has no key."""
    names = [*table.key, *([table.history] if table.history else [])] or [
        c.name for c in table.columns
    ]
    return [rel[n] for n in names if n in rel.columns]


def _with_dimensions(env: Env, by: tuple[ast.DimensionSpec, ...]) -> Env:
    """Add one column per dimension (named as the dimension) to the joined relation."""
    for entity in sorted(
        {s.entity for d in by for s in walk(d) if isinstance(s, ast.Simultaneous)}
    ):
        env = replace(env, rel=_with_peak(env, entity))
    for dim in by:
        if isinstance(dim, ast.EntityDimension):
            rel = _with_entity_class(env, dim)
        else:
            value = _dimension_value(env, dim.name, dim.value)
            rel = env.rel.mutate(**{dim.name: value.cast("string").fill_null(UNKNOWN)})
        env = replace(env, rel=rel, periods=rel)
    return env


def _dimension_value(env: Env, name: str, value: ast.Expr | None) -> ir.Value:
    if value is not None:
        return compile_expr(value, env)
    if env.table.column(name) is not None:
        return env.rel[name]
    decl = env.ctx.library.dimension(env.table.name, name)
    if decl is None:
        raise CompileError(f"onbekende dimensie '{name}'")
    return compile_expr(decl.value, env)


def _with_peak(env: Env, entity: str) -> ir.Table:
    """The largest number of the entity's rows active on one day of each period: +1/-1
    events at the clipped starts and the day after the clipped ends, a running sum per
    (period, entity) with ends before starts on the same day, and its maximum."""
    rel, table = env.rel, env.table
    start, end = table.period  # type: ignore[misc]
    first = ibis.greatest(rel[start], rel[BEGIN])
    last = ibis.least(rel[end].fill_null(FAR_FUTURE), rel[END])
    key = {PERIOD: rel[PERIOD], "__entity": rel[entity]}
    ups = rel.select(**key, __day=first, __delta=ibis.literal(1))
    downs = rel.select(
        **key, __day=(last + ibis.interval(days=1)).cast("date"), __delta=ibis.literal(-1)
    )
    events = ups.union(downs, distinct=False)
    running = events["__delta"].cumsum(
        group_by=[events[PERIOD], events["__entity"]], order_by=[events["__day"], events["__delta"]]
    )
    events = events.mutate(__running=running)
    peaks = events.group_by([PERIOD, "__entity"]).aggregate(
        **{peak_column(entity): events["__running"].max()}
    )
    joined = rel.left_join(peaks, [rel[PERIOD] == peaks[PERIOD], rel[entity] == peaks["__entity"]])
    return joined.drop(*[c for c in joined.columns if c.endswith("_right") or c == "__entity"])


def _with_entity_class(env: Env, dim: ast.EntityDimension) -> ir.Table:
    """An entity's value in a period: its rows' single known value, ``mixed`` when they
    differ, ``ignoring`` when no row has another value."""
    rel = env.rel
    value = _dimension_value(env, dim.name, None).cast("string").fill_null(dim.ignoring)
    known = ibis.ifelse(value == dim.ignoring, ibis.null("string"), value)
    rel = rel.mutate(__known=known, __entity=rel[dim.entity])
    classes = rel.group_by([PERIOD, "__entity"]).aggregate(
        __n=rel["__known"].nunique(), __one=rel["__known"].min()
    )
    label = ibis.cases(
        (classes["__n"] == 0, ibis.literal(dim.ignoring)),
        (classes["__n"] == 1, classes["__one"]),
        else_=ibis.literal(dim.mixed),
    )
    classes = classes.select(PERIOD, "__entity", **{dim.name: label})
    joined = rel.join(classes, [PERIOD, "__entity"])
    return joined.drop(
        *[c for c in joined.columns if c in ("__known", "__entity") or c.endswith("_right")]
    )
