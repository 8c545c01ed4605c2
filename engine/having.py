"""having: count only the entities whose rows meet a condition on their totals.

``count distinct client_id in declaraties where periode_start in period having
sum(bedrag) > 10000``: the rows the ``where`` keeps, joined to their periods, are grouped
per period, cell (the dimensions) and client; each aggregate of the ``having`` condition is
one column of that grouping; the groups that meet the condition are the clients counted.
An aggregate over rows without any value is empty, and a comparison with an empty side is
false (as everywhere in the language); ``count(x)`` of such rows is 0.
"""

from __future__ import annotations

from dataclasses import replace

import ibis.expr.types as ir

from maatstaf.dsl import ast
from maatstaf.dsl.having import entity_aggregates
from maatstaf.engine.env import Env
from maatstaf.engine.expressions import compile_condition, compile_expr

ENTITY = "__entity"


def entities_meeting(
    env: Env, entity: ir.Value, having: ast.Condition, keys: list[str]
) -> ir.Table:
    """(keys..., __entity) of every entity whose rows in a group of ``keys`` meet ``having``;
    rows without an entity value are no entity."""
    calls = entity_aggregates(having)
    values = {f"__a{i}": compile_expr(call.args[0], env) for i, call in enumerate(calls)}
    rel = env.rel.mutate(**{ENTITY: entity}, **values)
    rel = rel.filter(rel[ENTITY].notnull())
    totals = {f"__h{i}": _reduce(call.function, rel[f"__a{i}"]) for i, call in enumerate(calls)}
    grouped = rel.group_by([*keys, ENTITY]).aggregate(**totals)
    columns = {id(call): f"__h{i}" for i, call in enumerate(calls)}
    meets = compile_condition(having, replace(env, rel=grouped, entity_values=columns))
    return grouped.filter(meets.fill_null(False)).select(*keys, ENTITY)


def count_meeting(
    env: Env, column: ast.NameRef, having: ast.Condition, keys: list[str]
) -> ir.Table:
    """(keys..., value): per group, the number of entities meeting ``having``."""
    met = entities_meeting(env, compile_expr(column, env), having, keys)
    return met.group_by(keys).aggregate(value=met[ENTITY].nunique())


def _reduce(function: str, x: ir.Value) -> ir.Value:
    match function:
        case "sum":
            return x.sum()
        case "count":
            return x.count()
        case "min":
            return x.min()
        case "max":
            return x.max()
        case "average":
            return x.cast("float64").mean()
    raise AssertionError(function)
