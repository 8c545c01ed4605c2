"""compile: a measure version -> one Ibis relational expression (period, dimensions, value).

Conditions use two-valued logic, so an empty cell never silently drops a row:
``=`` is true when both sides are equal or both are empty; ``!=`` is its negation;
``<``, ``<=``, ``>``, ``>=``, ``in (...)`` and ``in period`` are false when a side is empty.
The period relations follow the catalogue to the letter (``einddatum`` inclusive, empty =
still running).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import ibis
import ibis.expr.types as ir
from maatstaf.dsl import ast
from maatstaf.dsl.model import MeasureVersion, Parameter
from maatstaf.dsl.schema import Table
from maatstaf.dsl.typing import Column, ParameterRef, Scope, lookup

PERIOD, BEGIN, END = "__period", "__period_begin", "__period_end"
UNKNOWN = "onbekend"


@dataclass(frozen=True)
class Env:
    """What names mean while compiling one aggregate."""

    table: Table
    alias: str | None
    rows: ir.Table
    periods: ir.Table | None
    parameters: Mapping[str, Parameter]

    def scope(self) -> Scope:
        return Scope(
            table=self.table, alias=self.alias, parameters={p: "number" for p in self.parameters}
        )


class CompileError(Exception):
    """A construct the engine cannot run (the resolver should have caught it)."""


def compile_version(
    version: MeasureVersion,
    table: Table,
    rows: ir.Table,
    periods: ir.Table,
    parameters: Mapping[str, Parameter],
) -> ir.Table:
    """Rows of ``table`` x periods -> columns __period, <by...>, value."""
    aggregate = version.aggregate
    assert isinstance(aggregate, ast.CountRows | ast.CountDistinct | ast.SumOf)
    row_conditions, period_conditions = split_conditions(version.where)
    env = Env(table, aggregate.alias, rows, None, parameters)
    if row_conditions:
        rows = rows.filter(compile_condition(ast_and(row_conditions), env))
        env = Env(table, aggregate.alias, rows, None, parameters)
    if period_conditions:
        penv = Env(table, aggregate.alias, rows, periods, parameters)
        joined = rows.join(periods, [compile_condition(c, penv) for c in period_conditions])
    else:
        joined = rows.cross_join(periods)
    keys = [joined[PERIOD]] + [
        joined[d].cast("string").fill_null(UNKNOWN).name(d) for d in version.by
    ]
    return joined.group_by(keys).aggregate(value=_aggregate_value(aggregate, joined))


def _aggregate_value(aggregate: ast.TableAggregate, joined: ir.Table) -> ir.Value:
    match aggregate:
        case ast.CountRows():
            return joined.count()
        case ast.CountDistinct():
            return joined[_column_name(aggregate.column, aggregate.alias)].nunique()
        case ast.SumOf():
            return joined[_column_name(aggregate.column, aggregate.alias)].sum()
    raise AssertionError(aggregate)


def _column_name(name: str, alias: str | None) -> str:
    return name[len(alias) + 1 :] if alias and name.startswith(alias + ".") else name


def ast_and(items: list[ast.Condition]) -> ast.Condition:
    return items[0] if len(items) == 1 else ast.And(span=items[0].span, items=tuple(items))


def split_conditions(
    where: ast.Condition | None,
) -> tuple[list[ast.Condition], list[ast.Condition]]:
    """The top-level conjuncts that concern only the row, and those that mention the period."""
    if where is None:
        return [], []
    items = list(where.items) if isinstance(where, ast.And) else [where]
    about_period = [c for c in items if mentions_period(c)]
    return [c for c in items if c not in about_period], about_period


def mentions_period(node: ast.Node) -> bool:
    if isinstance(node, ast.PeriodRelation | ast.InPeriod | ast.PeriodBound | ast.Peildatum):
        return True
    return any(mentions_period(child) for child in _children(node))


def _children(node: ast.Node) -> list[ast.Node]:
    children: list[ast.Node] = []
    for _, value in node:
        if isinstance(value, ast.Node):
            children.append(value)
        elif isinstance(value, tuple):
            children.extend(v for v in value if isinstance(v, ast.Node))
    return children


# ---- conditions -------------------------------------------------------------------


def compile_condition(node: ast.Condition, env: Env) -> ir.BooleanValue:
    match node:
        case ast.And():
            return _fold([compile_condition(i, env) for i in node.items], lambda a, b: a & b)
        case ast.Or():
            return _fold([compile_condition(i, env) for i in node.items], lambda a, b: a | b)
        case ast.Not():
            return ~compile_condition(node.item, env)
        case ast.Compare():
            return _compare(node.op, compile_expr(node.left, env), compile_expr(node.right, env))
        case ast.InList():
            values = [_literal_value(v) for v in node.values]
            result = compile_expr(node.operand, env).isin(values).fill_null(False)
            return ~result if node.negated else result
        case ast.IsEmpty():
            empty = compile_expr(node.operand, env).isnull()
            return ~empty if node.negated else empty
        case ast.InPeriod():
            value = compile_expr(node.operand, env)
            return _between(value, _period(env)[BEGIN], _period(env)[END])
        case ast.PeriodRelation():
            return _period_relation(node, env)
    raise AssertionError(f"unknown condition {node!r}")


def _fold(values: list[ir.BooleanValue], op) -> ir.BooleanValue:
    result = values[0]
    for value in values[1:]:
        result = op(result, value)
    return result


def _compare(op: str, left: ir.Value, right: ir.Value) -> ir.BooleanValue:
    if op == "=":
        return left.identical_to(right)
    if op == "!=":
        return ~left.identical_to(right)
    ops = {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}
    return ops[op].fill_null(False)


def _between(value: ir.Value, low: ir.Value, high: ir.Value) -> ir.BooleanValue:
    return ((value >= low) & (value <= high)).fill_null(False)


def _period(env: Env) -> ir.Table:
    if env.periods is None:
        raise CompileError("a period condition outside a period join")
    return env.periods


def _period_relation(node: ast.PeriodRelation, env: Env) -> ir.BooleanValue:
    assert env.table.period is not None
    start, end = (env.rows[c] for c in env.table.period)
    periods = _period(env)
    begin, last = periods[BEGIN], periods[END]
    match node.relation:
        case "active":
            return (start <= last) & (end.isnull() | (end >= begin))
        case "starts":
            return (start >= begin) & (start <= last)
        case "ends":
            return end.notnull() & (end >= begin) & (end <= last)
    raise AssertionError(node.relation)


# ---- expressions ------------------------------------------------------------------


def compile_expr(node: ast.Expr, env: Env) -> ir.Value:
    match node:
        case (
            ast.StringLit() | ast.NumberLit() | ast.PercentLit() | ast.DateLit() | ast.DurationLit()
        ):
            return ibis.literal(_literal_value(node))
        case ast.NameRef():
            return _name(node, env)
        case ast.PeriodBound():
            return _period(env)[BEGIN if node.bound == "begin" else END]
        case ast.Peildatum():
            return _period(env)[END]
        case ast.Negate():
            return -compile_expr(node.operand, env)
        case ast.Binary():
            return _binary(node, env)
    raise AssertionError(f"unknown expression {node!r}")


def _name(node: ast.NameRef, env: Env) -> ir.Value:
    match lookup(node.name, env.scope()):
        case Column(name):
            return env.rows[name]
        case ParameterRef(name):
            return compile_expr(env.parameters[name].value, env)
    raise CompileError(f"{node.span}: '{node.name}' cannot be used here")


def _binary(node: ast.Binary, env: Env) -> ir.Value:
    left, right = compile_expr(node.left, env), compile_expr(node.right, env)
    left_date, right_date = _is_date(left), _is_date(right)
    if node.op == "-" and left_date and right_date:
        return left.delta(right, unit="day")
    if left_date or right_date:
        date, days = (left, right) if left_date else (right, left)
        days = -days if node.op == "-" else days
        return (date + days.as_interval("D")).cast("date")
    return {"+": left + right, "-": left - right, "*": left * right, "/": left / right}[node.op]


def _is_date(value: ir.Value) -> bool:
    return value.type().is_date()


def _literal_value(node: ast.Literal_) -> object:
    match node:
        case ast.StringLit() | ast.DateLit():
            return node.value
        case ast.NumberLit() | ast.PercentLit():
            return _number(node.value)
        case ast.DurationLit():
            return node.days
    raise AssertionError(node)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
