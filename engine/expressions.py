"""expressions: conditions and values of a rule -> Ibis expressions.

Conditions use two-valued logic, so an empty cell never silently drops a row: ``=`` is
true when both sides are equal or both are empty; ``!=`` is its negation; ``<``, ``<=``,
``>``, ``>=``, ``in (...)`` and ``in period`` are false when a side is empty. The period
relations follow the catalogue to the letter (``einddatum`` inclusive, empty = running).
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import replace
from decimal import Decimal

import ibis
import ibis.expr.types as ir

from maatstaf.dsl import ast
from maatstaf.dsl.typing import Column, Linked, ParameterRef, lookup
from maatstaf.engine.env import (
    BEGIN,
    END,
    MONTH_BEGIN,
    MONTH_END,
    PERIOD,
    UNKNOWN,
    CompileError,
    Env,
    link_column,
    peak_column,
    spell_column,
)
from maatstaf.engine.links import with_links
from maatstaf.engine.windows import window_begin


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
            first = window_begin(node.window, env.period())
            return _between(value, first, env.period()[END])
        case ast.PeriodRelation():
            first = window_begin(node.window, env.period())
            return _period_relation(node.relation, env.row(node.subject), first, env.period()[END])
        case ast.ActiveEachMonth():
            months = env.period()
            return _period_relation(
                "active", env.row(node.subject), months[MONTH_BEGIN], months[MONTH_END]
            )
        case ast.ActiveOn():
            day = compile_expr(node.day, env)
            return _period_relation("active", env.row(node.subject), day, day)
        case ast.ActiveBetween():
            first, last = compile_expr(node.first, env), compile_expr(node.last, env)
            return _period_relation("active", env.row(node.subject), first, last)
        case ast.Adjoins():
            return _adjoins(node, env)
        case ast.Exists():
            raise CompileError(f"{node.span}: 'exists' kan alleen met 'and' gecombineerd worden")
    raise AssertionError(f"unknown condition {node!r}")


def _fold(values: list[ir.BooleanValue], op) -> ir.BooleanValue:
    """Combine pairwise, as a balanced tree: a chain of 1000 'or' nests 10 deep, not 1000
    (Ibis and SQL generation recurse over the nesting)."""
    while len(values) > 1:
        pairs = [op(a, b) for a, b in zip(values[::2], values[1::2], strict=False)]
        values = pairs + values[len(pairs) * 2 :]
    return values[0]


def _compare(op: str, left: ir.Value, right: ir.Value) -> ir.BooleanValue:
    if op == "=":
        return left.identical_to(right)
    if op == "!=":
        return ~left.identical_to(right)
    return _ORDER[op](left, right).fill_null(False)


_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _between(value: ir.Value, low: ir.Value, high: ir.Value) -> ir.BooleanValue:
    return ((value >= low) & (value <= high)).fill_null(False)


def _period_relation(relation: str, row: Env, begin: ir.Value, last: ir.Value) -> ir.BooleanValue:
    assert row.table.period is not None
    start, end = (row.rel[c] for c in row.table.period)
    match relation:
        case "active":
            return ((start <= last) & (end.isnull() | (end >= begin))).fill_null(False)
        case "starts":
            return _between(start, begin, last)
        case "ends":
            return end.notnull() & _between(end, begin, last)
    raise AssertionError(relation)


def _adjoins(node: ast.Adjoins, env: Env, in_join: bool = False) -> ir.BooleanValue:
    """left adjoins right: right starts the day after left ends (or up to ``within`` later).
    In a join's ON clause the plain equality (empty: no match) lets the database hash on it."""
    left, right = env.row(node.left), env.row(node.right)
    assert left.table.period is not None and right.table.period is not None
    left_end = left.rel[left.table.period[1]]
    right_start = right.rel[right.table.period[0]]
    first = (left_end + ibis.interval(days=1)).cast("date")
    if node.within is None:
        same_day = right_start == first
        return same_day if in_join else same_day.fill_null(False)
    gap = compile_expr(node.within, env)
    return _between(right_start, first, (first + gap.as_interval("D")).cast("date"))


def _exists(node: ast.Exists, outer: Env) -> ir.Table:
    """``exists``/``no``: a semi- or anti-join of the outer rows with the inner table (or,
    where the database has no such join, the outer rows whose number is (not) among those
    that match)."""
    table = outer.ctx.schema.table(node.table)
    assert table is not None
    if node.table not in outer.ctx.tables:
        raise CompileError(f"de gegevens bevatten geen tabel '{node.table}'")
    if not outer.ctx.semi_joins:
        order = [outer.rel[k] for k in (*outer.table.key, PERIOD) if k in outer.rel.columns]
        order = order or [outer.rel[c] for c in outer.rel.columns]
        outer = replace(outer, rel=outer.rel.mutate(__rid=ibis.row_number().over(order_by=order)))
    inner_rel = outer.ctx.tables[node.table]
    nodes = [node.where] if node.where is not None else []
    inner_rel = with_links(inner_rel, table, nodes, node.alias, outer.ctx).view()
    inner = Env(table, node.alias, inner_rel, outer.ctx, None, outer)
    predicates = [inner_rel[c].identical_to(outer.rel[c]) for c in table.expand(node.same)]
    if node.where is not None:
        conjuncts = node.where.items if isinstance(node.where, ast.And) else (node.where,)
        predicates += [_join_predicate(c, inner) for c in conjuncts]
    if not predicates:
        predicates = [ibis.literal(True)]
    if outer.ctx.semi_joins:
        join = outer.rel.anti_join if node.negated else outer.rel.semi_join
        return join(inner_rel, predicates)
    matched = outer.rel.join(inner_rel, predicates).select("__rid").distinct()
    found = outer.rel["__rid"].isin(matched["__rid"])
    return outer.rel.filter(~found if node.negated else found).drop("__rid")


def _join_predicate(node: ast.Condition, env: Env) -> ir.BooleanValue:
    """A conjunct of a join's ON clause, where an empty (NULL) outcome already means no
    match: order comparisons and ``adjoins`` stay plain, so the database can hash on them."""
    match node:
        case ast.Compare(op="<" | "<=" | ">" | ">="):
            left, right = compile_expr(node.left, env), compile_expr(node.right, env)
            return _ORDER[node.op](left, right)
        case ast.Adjoins():
            return _adjoins(node, env, in_join=True)
    return compile_condition(node, env)


def compile_expr(node: ast.Expr, env: Env) -> ir.Value:
    match node:
        case ast.StringLit() | ast.NumberLit() | ast.PercentLit() | ast.DateLit():
            return ibis.literal(_literal_value(node))
        case ast.DurationLit():
            if node.unit == "day":
                return ibis.literal(node.amount)
            return ibis.interval(**{f"{node.unit}s": node.amount})
        case ast.NameRef():
            return _name_value(node, env)
        case ast.PeriodBound():
            return env.period()[BEGIN if node.bound == "begin" else END]
        case ast.Peildatum():
            return env.period()[END]
        case ast.Negate():
            return -compile_expr(node.operand, env)
        case ast.Binary():
            return _binary(node, env)
        case ast.Call():
            return _call(node, env)
        case ast.Simultaneous():
            return env.rel[peak_column(node.entity)]
        case ast.Mapping():
            cases = [(compile_condition(c, env), compile_expr(v, env)) for v, c in node.cases]
            return ibis.cases(*cases, else_=compile_expr(node.otherwise, env))
        case ast.Banding():
            operand = compile_expr(node.operand, env)
            # an empty value (an unknown age) lies in no band: it is 'onbekend', never the last
            cases = [(operand.isnull(), ibis.literal(UNKNOWN))] + [
                ((operand < compile_expr(limit, env)).fill_null(False), compile_expr(label, env))
                for label, limit in node.bands
            ]
            return ibis.cases(*cases, else_=compile_expr(node.rest, env))
        case ast.Case():
            return _case(node, env)
        case ast.Total():
            raise CompileError(f"{node.span}: 'total' hoort in 'compute'")
    raise AssertionError(f"unknown expression {node!r}")


def _case(node: ast.Case, env: Env) -> ir.Value:
    """The first 'when' that holds (two-valued: an empty operand makes a comparison false,
    never the whole case empty), else the 'else' value. Where one branch is a floating
    number (a division by 4.33), every number branch is, as in ``_binary``."""
    conditions = [compile_condition(c, env) for c, _ in node.cases]
    values = [compile_expr(v, env) for _, v in node.cases] + [compile_expr(node.otherwise, env)]
    if any(_is_float(v) for v in values):
        values = [v.cast("float64") if v.type().is_numeric() else v for v in values]
    return ibis.cases(*zip(conditions, values[:-1], strict=True), else_=values[-1])


def _name_value(node: ast.NameRef, env: Env) -> ir.Value:
    match lookup(node.name, env.scope()):
        case Column(name, depth):
            return env.at(depth).rel[name]
        case Linked(link, column, depth):
            return env.at(depth).rel[link_column(link, column)]
        case ParameterRef(name):
            return _parameter_value(env.ctx.library.parameters[name].value, env)
    raise CompileError(f"{node.span}: '{node.name}' kan hier niet gebruikt worden")


def _parameter_value(value: ast.Expr | ast.DatedValues, env: Env) -> ir.Value:
    """A parameter's value; a dated one's is the value valid on the first day of the period
    (an empty value before its first validity: the engine gives no figure there, noted)."""
    if not isinstance(value, ast.DatedValues):
        return compile_expr(value, env)
    begin = env.period()[BEGIN]
    validities = value.validities()
    values = [compile_expr(v, env) for _, _, v in validities]
    if any(_is_float(v) for v in values):
        values = [v.cast("float64") for v in values]
    cases = [
        (begin >= first if last is None else begin.between(first, last), compiled)
        for (first, last, _), compiled in zip(validities, values, strict=True)
    ]
    return ibis.cases(*cases, else_=ibis.null(values[0].type()))


def _binary(node: ast.Binary, env: Env) -> ir.Value:
    left, right = compile_expr(node.left, env), compile_expr(node.right, env)
    left_date, right_date = _is_date(left), _is_date(right)
    if node.op == "-" and left_date and right_date:
        return left.delta(right, unit="day")
    if left_date or right_date:
        date, amount = (left, right) if left_date else (right, left)
        shift = amount if amount.type().is_interval() else amount.as_interval("D")
        return (date - shift if node.op == "-" else date + shift).cast("date")
    if _is_float(left) or _is_float(right):
        # the database computes decimal with float in floating point (where it may overflow
        # to infinity): say so, rather than let the result pass for an exact decimal
        left, right = left.cast("float64"), right.cast("float64")
    return {"+": left + right, "-": left - right, "*": left * right, "/": left / right}[node.op]


def _is_float(value: ir.Value) -> bool:
    return value.type().is_floating()


# 1 January of the year 1 was a Monday: day numbers count from it (never negative, so
# integer division and remainder mean the same on every backend); modulo 7 is 0 on Mondays
_MONDAY = dt.date(1, 1, 1)


def _weekdays_to(day: ir.Value) -> ir.Value:
    """The number of Mondays to Fridays from 0001-01-01 up to and including ``day``: five
    per whole week, and of the week begun at most five; the
    difference of two is the working days after the first up to and including the second."""
    n = day.delta(ibis.literal(_MONDAY), unit="day")
    return (n // 7) * 5 + ibis.least(n % 7 + 1, 5)


def _call(node: ast.Call, env: Env) -> ir.Value:
    if id(node) in env.entity_values:  # sum(x), count(x), ... in 'having', computed already
        return env.rel[env.entity_values[id(node)]]
    match node.function:
        case "age":
            birth, day = (compile_expr(a, env) for a in node.args)
            before_birthday = (day.month() * 100 + day.day()) < (birth.month() * 100 + birth.day())
            return day.year() - birth.year() - _as_int(before_birthday)
        case "spell_start":
            entity = node.args[0]
            assert isinstance(entity, ast.NameRef)
            return env.rel[spell_column(entity.name)]
        case "rows_per":  # the entity's counted rows in the period (a window, per period)
            if PERIOD not in env.rel.columns:
                raise CompileError("rows_per(...) telt rijen per periode: alleen in een dimensie")
            by = [env.rel[PERIOD], compile_expr(node.args[0], env)]
            return env.rel[PERIOD].count().over(ibis.window(group_by=by))
        case "ifempty":
            value, fallback = (compile_expr(a, env) for a in node.args)
            return value.fill_null(fallback)
        case "year":
            return compile_expr(node.args[0], env).year()
        case "start_of_year":
            return compile_expr(node.args[0], env).truncate("Y")
        case "end_of_year":
            start = compile_expr(node.args[0], env).truncate("Y")
            return (start + ibis.interval(years=1) - ibis.interval(days=1)).cast("date")
        case "working_days":
            first, last = (compile_expr(a, env) for a in node.args)
            return _weekdays_to(last) - _weekdays_to(first)
    raise CompileError(f"{node.span}: onbekende functie '{node.function}'")


def _as_int(condition: ir.BooleanValue) -> ir.IntegerValue:
    """1 where true, else 0 (a portable form: PostgreSQL cannot cast boolean to bigint)."""
    return ibis.ifelse(condition, 1, 0)


def _is_date(value: ir.Value) -> bool:
    return value.type().is_date()


def _literal_value(node: ast.Literal_) -> object:
    match node:
        case ast.StringLit() | ast.DateLit():
            return node.value
        case ast.NumberLit() | ast.PercentLit():
            return _number(node.value)
        case ast.DurationLit():
            return node.amount
    raise AssertionError(node)


def _number(value: Decimal) -> int | float:
    """An int where it is whole and fits in 64 bits, else a float (the database's int64
    would refuse a larger literal)."""
    if value == value.to_integral_value() and abs(value) < 2**63:
        return int(value)
    return float(value)
