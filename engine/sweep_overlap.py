"""The overlap sweep: a distinct count of entities active in the period that, in the same
period, also have a row of another kind (CBS's stapeling: persons with both Wmo and
Jeugdwet support in the period).

    count distinct client_id in toewijzingen as t
    where t.wet = "wmo" and t active in period
      and exists toewijzingen as j with same client_id
          where (j.wet = "jeugdwet" and j.startdatum <= period.end
                 and (j.einddatum is empty or j.einddatum >= period.begin))

An entity counts in a period when one of its counted rows runs in it and, for every such
``exists``, one of that table's rows meeting the conditions does too. So each kind of row
(the counted rows, and the rows of each ``exists``) becomes, per entity, islands of
consecutive period numbers (the unique-clients sweep, ``sweep._island_events``); every
island adds +1 at its first number and -1 after its last, and a running sum per entity
says how many kinds run in each period. The entity counts where all of them do, and those
runs are counted per period with the same +1/-1 running sum. Entities without a row of
every kind are left out first (semi-joins). The range plan this replaces joined every row
to every period it meets and every such pair to the other table's rows of the entity.

Only where each ``exists`` is exactly that: not negated, the same entity (``with same``
the counted column), its other conditions on its own row only (no column of the counted
row, no parameter, no period), and its row active in the period, written as ``j active
in period`` or as above. Anything else keeps the range plan.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from maatstaf.dsl import ast
from maatstaf.dsl.model import MeasureVersion
from maatstaf.dsl.names import Column, Linked, Scope, lookup
from maatstaf.dsl.schema import Table
from maatstaf.engine.compile import (
    BEGIN,
    Context,
    Env,
    _uses,
    _version_nodes,
    ast_and,
    compile_condition,
    period_index,
    prepare_rows,
    split_conditions,
    walk,
    with_links,
)
from maatstaf.engine.sweep import _island_events, _running_counts, period_spans


def overlap_sweepable(version: MeasureVersion, ctx: Context) -> bool:
    """A distinct count of entities whose counted row is active in the period, without
    dimensions, whose other period conditions are all ``exists`` of the entity's rows
    active in the same period (see the module)."""
    aggregate = version.aggregate
    if not ctx.semi_joins or not isinstance(aggregate, ast.CountDistinct) or version.by:
        return False
    table = ctx.schema.table(aggregate.table)
    if table is None or table.period is None or table.column(aggregate.column) is None:
        return False
    if any(_uses(n, ast.ActiveEachMonth) for n in _version_nodes(version)):
        return False
    _, period_conditions = split_conditions(version.where)
    exists = [c for c in period_conditions if isinstance(c, ast.Exists)]
    active = [c for c in period_conditions if not isinstance(c, ast.Exists)]
    outer = _scope(table, aggregate.alias, ctx)
    return (
        len(active) == 1
        and _active(active[0], table, aggregate.alias, outer)
        and bool(exists)
        and all(_companion(node, aggregate.column, outer, ctx) for node in exists)
    )


def _scope(table: Table, alias: str | None, ctx: Context, outer: Scope | None = None) -> Scope:
    params = {p: "number" for p in ctx.library.parameters}
    return Scope(table, alias, params, frozenset(), ctx.schema, outer)  # type: ignore[arg-type]


def _active(node: ast.Condition, table: Table, alias: str | None, scope: Scope) -> bool:
    """``x active in period`` of this row (no window), or the same written out:
    ``x.start <= period.end and (x.end is empty or x.end >= period.begin)``."""
    if isinstance(node, ast.PeriodRelation):
        return (
            node.relation == "active"
            and node.window is None
            and node.subject in (None, alias, table.name)
        )
    assert table.period is not None
    start, end = table.period
    match node:
        case ast.And(items=(ast.Compare() as first, ast.Or() as ends)):
            return _starts_by_the_end(first, start, scope) and _runs_into(ends, end, scope)
    return False


def _own_column(node: ast.Expr, name: str, scope: Scope) -> bool:
    return isinstance(node, ast.NameRef) and lookup(node.name, scope) == Column(name, 0)


def _starts_by_the_end(node: ast.Compare, start: str, scope: Scope) -> bool:
    """``x.start <= period.end``"""
    return (
        node.op == "<="
        and _own_column(node.left, start, scope)
        and isinstance(node.right, ast.PeriodBound)
        and node.right.bound == "end"
    )


def _runs_into(node: ast.Or, end: str, scope: Scope) -> bool:
    """``x.end is empty or x.end >= period.begin``"""
    match node.items:
        case (ast.IsEmpty(negated=False) as empty, ast.Compare(op=">=") as after):
            return (
                _own_column(empty.operand, end, scope)
                and _own_column(after.left, end, scope)
                and isinstance(after.right, ast.PeriodBound)
                and after.right.bound == "begin"
            )
    return False


def _companion(node: ast.Exists, entity: str, outer: Scope, ctx: Context) -> bool:
    """An ``exists`` of the entity's rows active in the period (see the module)."""
    table = ctx.schema.table(node.table)
    if node.negated or table is None or table.period is None or node.where is None:
        return False
    if node.table not in ctx.tables or tuple(table.expand(node.same)) != (entity,):
        return False
    scope = _scope(table, node.alias, ctx, outer)
    plain, timed = split_conditions(node.where)
    return (
        bool(timed)
        and _active(ast_and(timed), table, node.alias, scope)
        and all(_on_own_row(c, scope) for c in plain)
    )


def _on_own_row(node: ast.Condition, scope: Scope) -> bool:
    """Every name is a column of the row itself (or one its links point to): none of the
    counted row's, no parameter (a dated one depends on the period); no nested ``exists``."""
    for inner in walk(node):
        if isinstance(inner, ast.Exists):
            return False
        if isinstance(inner, ast.NameRef):
            found = lookup(inner.name, scope)
            if not (isinstance(found, Column | Linked) and found.depth == 0):
                return False
    return True


def compile_overlap_sweep(
    version: MeasureVersion, ctx: Context, periods: ir.Table, grain: str
) -> ir.Table:
    """The overlap sweep (see the module) for ``overlap_sweepable`` rules: columns
    __period and value."""
    aggregate = version.aggregate
    assert isinstance(aggregate, ast.CountDistinct)
    env, period_conditions = prepare_rows(version, ctx, version.where)
    numbered = periods.mutate(__pidx=period_index(periods[BEGIN], grain))
    rows_of_kinds = [(env.rel, env.table)] + [
        _companion_rows(node, ctx) for node in period_conditions if isinstance(node, ast.Exists)
    ]
    kinds = []
    for rows, table in rows_of_kinds:
        spans = period_spans(rows, table, grain, numbered)
        kinds.append(spans.select("__s", "__e", __entity=spans[aggregate.column]))
    # an entity without a row of every kind is never counted
    kept = []
    for index, spans in enumerate(kinds):
        for other in kinds[:index] + kinds[index + 1 :]:
            other = other.view()
            spans = spans.semi_join(other, spans["__entity"] == other["__entity"])
        kept.append(spans)
    events = _island_events(kept[0], [], per_entity=True)
    for spans in kept[1:]:
        events = events.union(_island_events(spans, [], per_entity=True), distinct=False)
    # a running sum over the entity's events, after the last event of a period number (the
    # next event is at a later one), is how many kinds run from that period until the next
    # event; all of them: the entity counts in those periods (its last event brings the sum
    # to 0, so a next one exists). Events at the same number are not added up first
    order = ibis.window(group_by=events["__entity"], order_by=events["__k"])
    steps = events.mutate(
        __level=events["__d"].cumsum(group_by=events["__entity"], order_by=events["__k"]),
        __next=events["__k"].lead().over(order),
    )
    every = steps.filter((steps["__level"] == len(kinds)) & (steps["__next"] > steps["__k"]))
    counted = every.select(__s=every["__k"], __e=every["__next"] - 1)
    return _running_counts(counted, [], numbered)


def _companion_rows(node: ast.Exists, ctx: Context) -> tuple[ir.Table, Table]:
    """The rows of an ``exists`` that meet its conditions on their own row."""
    table = ctx.schema.table(node.table)
    assert table is not None and node.where is not None
    rows = with_links(ctx.tables[node.table], table, [node.where], node.alias, ctx)
    plain, _ = split_conditions(node.where)
    if plain:
        rows = rows.filter(compile_condition(ast_and(plain), Env(table, node.alias, rows, ctx)))
    return rows, table
