"""compile: a measure version -> one Ibis relational expression (period, dimensions, value).

The plan of a table measure, each step a relational operation DuckDB runs vectorised:

1. the scoped rows of the table (removed rows already excluded), with linked columns
   (``client.geboortedatum``) joined in and care spells (``spell_start``) numbered by a
   window over each entity's rows;
2. the conditions that concern only the row filter it; ``exists``/``no`` become semi- and
   anti-joins;
3. the conditions that mention the period join the rows to the periods table;
4. derived dimensions are computed: mappings and bands per row, the peak of simultaneous
   rows and the classification of an entity per (period, entity), joined back;
5. one aggregation groups by period and dimensions.

Conditions use two-valued logic, so an empty cell never silently drops a row: ``=`` is
true when both sides are equal or both are empty; ``!=`` is its negation; ``<``, ``<=``,
``>``, ``>=``, ``in (...)`` and ``in period`` are false when a side is empty. The period
relations follow the catalogue to the letter (``einddatum`` inclusive, empty = running).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

import ibis
import ibis.expr.types as ir

from maatstaf.dsl import ast
from maatstaf.dsl.errors import Span
from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.dsl.schema import Schema, Table
from maatstaf.dsl.typing import Column, Linked, ParameterRef, Scope, lookup

PERIOD, BEGIN, END = "__period", "__period_begin", "__period_end"
MONTH_BEGIN, MONTH_END = "__month_begin", "__month_end"
UNKNOWN = "onbekend"
FAR_FUTURE = dt.date(9999, 12, 31)


class CompileError(Exception):
    """A construct the engine cannot run (the resolver should have caught it)."""


@dataclass(frozen=True)
class Context:
    """What every compilation in one run shares."""

    schema: Schema
    library: Library
    tables: Mapping[str, ir.Table]
    semi_joins: bool = True  # the backend has SEMI/ANTI JOIN (DuckDB); else IN (subquery)


@dataclass(frozen=True)
class Env:
    """What names mean while compiling: a row (table, alias, relation), the period
    columns (on ``periods``, which may be the row relation itself after the period join),
    and the row around it inside ``exists``."""

    table: Table
    alias: str | None
    rel: ir.Table
    ctx: Context
    periods: ir.Table | None = None
    outer: Env | None = None

    def scope(self) -> Scope:
        outer = self.outer.scope() if self.outer else None
        params = {p: "number" for p in self.ctx.library.parameters}
        return Scope(self.table, self.alias, params, frozenset(), self.ctx.schema, outer)  # type: ignore[arg-type]

    def at(self, depth: int) -> Env:
        env = self
        for _ in range(depth):
            assert env.outer is not None
            env = env.outer
        return env

    def period(self) -> ir.Table:
        env: Env | None = self
        while env is not None:
            if env.periods is not None:
                return env.periods
            env = env.outer
        raise CompileError("a period condition outside a period join")

    def row(self, name: str | None) -> Env:
        env: Env | None = self
        while env is not None and name is not None:
            if name == (env.alias or env.table.name):
                return env
            env = env.outer
        if name is None:
            return self
        raise CompileError(f"unknown row '{name}'")


# ---- the plan of a table measure ---------------------------------------------------


def compile_version(
    version: MeasureVersion, ctx: Context, periods: ir.Table, grain: str | None = None
) -> ir.Table:
    """Rows of the measure's table x periods -> columns __period, <dimensions...>, value."""
    from maatstaf.engine.sweep import (
        compile_sweep,
        compile_timeline_sweep,
        sweepable,
        timeline_sweepable,
    )

    if grain is not None and sweepable(version, ctx):
        return compile_sweep(version, ctx, periods, grain)
    if grain is not None and timeline_sweepable(version, ctx):
        return compile_timeline_sweep(version, ctx, periods, grain)
    env = prepare(version, ctx, periods, version.where, grain)
    aggregate = version.aggregate
    if isinstance(aggregate, ast.Spread):
        return _spread(env, aggregate, [d.name for d in version.by])
    return _aggregate(env, aggregate, [d.name for d in version.by])  # type: ignore[arg-type]


def compile_members(
    version: MeasureVersion,
    ctx: Context,
    periods: ir.Table,
    where: ast.Condition | None,
    columns: tuple[str, ...] = (),
) -> ir.Table:
    """What a counting measure counts (column __entity) per period, under ``where``: the
    distinct values of a ``count distinct``, the keys of a ``count``; with ``columns``, one
    row per counted row with those columns' values beside it."""
    aggregate = version.aggregate
    table = ctx.schema.table(getattr(aggregate, "table", ""))
    if table is None or not isinstance(aggregate, ast.CountRows | ast.CountDistinct):
        raise CompileError(f"'{version.measure}' does not count clients or rows")
    env = prepare(version.model_copy(update={"by": ()}), ctx, periods, where)
    column = aggregate.column if isinstance(aggregate, ast.CountDistinct) else table.key[0]
    entity = compile_expr(_name(column), env).cast("string")
    if columns:
        values = {c: compile_expr(_name(c), env) for c in columns}
        return env.rel.select(PERIOD, __entity=entity, **values)
    return env.rel.select(PERIOD, __entity=entity).distinct()


def prepare(
    version: MeasureVersion,
    ctx: Context,
    periods: ir.Table,
    where: ast.Condition | None,
    grain: str | None = None,
) -> Env:
    """Steps 1-4 of the plan: the rows that count, joined to their periods, with dimensions.

    Where the only period condition puts one date in the period (``starts in period``,
    ``ends in period``, ``besloten_op in period``) and all periods share a grain, the join
    is an equality on the period's number, computed from the date, instead of a range join.
    """
    env, period_conditions = prepare_rows(version, ctx, where)
    if any(_uses(n, ast.ActiveEachMonth) for n in _version_nodes(version)):
        periods = _months_of(periods)
    point = _point_date(period_conditions, env) if grain else None
    if point is not None:
        rows = env.rel.mutate(__idx=period_index(point, grain))  # type: ignore[arg-type]
        numbered = periods.mutate(__pidx=period_index(periods[BEGIN], grain))  # type: ignore[arg-type]
        joined = rows.join(numbered, rows["__idx"] == numbered["__pidx"]).drop("__idx", "__pidx")
    else:
        joined = _join_periods(replace(env, periods=periods), period_conditions)
    env = Env(env.table, env.alias, joined, ctx, joined)
    exists = [c for c in period_conditions if isinstance(c, ast.Exists)]
    env = replace(env, rel=_filter(env, exists))
    return _with_dimensions(env, version.by)


def prepare_rows(
    version: MeasureVersion, ctx: Context, where: ast.Condition | None
) -> tuple[Env, list[ast.Condition]]:
    """Steps 1-2: the rows that meet the conditions that do not mention the period."""
    aggregate = version.aggregate
    assert isinstance(aggregate, TABLE_AGGREGATES)
    table = ctx.schema.table(aggregate.table)
    assert table is not None
    nodes = _version_nodes(version)
    rows = with_links(ctx.tables[table.name], table, nodes, aggregate.alias, ctx)
    row_conditions, period_conditions = split_conditions(where)
    plain = [c for c in row_conditions if not _calls([c], "spell_start")]
    rows = _filter(Env(table, aggregate.alias, rows, ctx), plain)
    rows = with_spells(rows, table, nodes)
    later = [c for c in row_conditions if c not in plain]
    rows = _filter(Env(table, aggregate.alias, rows, ctx), later)
    return Env(table, aggregate.alias, rows, ctx), period_conditions


def period_index(day: ir.DateValue, grain: str) -> ir.IntegerValue:
    """The number of the month, quarter or year a day falls in (consecutive periods have
    consecutive numbers)."""
    if grain == "month":
        return day.year() * 12 + day.month() - 1
    if grain == "quarter":
        return day.year() * 4 + (day.month() - 1) // 3
    return day.year()


def _point_date(conditions: list[ast.Condition], env: Env) -> ir.DateValue | None:
    """The date that must lie in the period, when that is the only period condition."""
    if len(conditions) != 1:
        return None
    condition = conditions[0]
    match condition:
        case ast.PeriodRelation(relation="starts" | "ends") if condition.subject in (
            None,
            env.alias,
            env.table.name,
        ):
            assert env.table.period is not None
            column = env.table.period[0 if condition.relation == "starts" else 1]
            return env.rel[column]
        case ast.InPeriod() if not mentions_period(condition.operand):
            value = compile_expr(condition.operand, env)
            return value if value.type().is_date() else None
    return None


TABLE_AGGREGATES = (
    ast.CountRows,
    ast.CountDistinct,
    ast.SumOf,
    ast.AveragePer,
    ast.ShareOf,
    ast.Spread,
)


def _version_nodes(version: MeasureVersion) -> list[ast.Node]:
    """Every node of the rule, with the aggregate's column names as name nodes."""
    nodes: list[ast.Node] = [version.aggregate, *version.by]
    if version.where is not None:
        nodes.append(version.where)
    for column in ("column", "per"):
        name = getattr(version.aggregate, column, None)
        if name is not None:
            nodes.append(_name(name))
    return nodes


def _filter(env: Env, conditions: list[ast.Condition]) -> ir.Table:
    """Apply conjuncts: exists/no as semi/anti-joins, the rest as one filter."""
    rel = env.rel
    plain = [c for c in conditions if not isinstance(c, ast.Exists)]
    if plain:
        rel = rel.filter(compile_condition(ast_and(plain), replace(env, rel=rel)))
    # semi- and anti-joins commute; the one on the most columns usually keeps the fewest
    # rows, so it goes first and the others meet fewer rows
    exists = [c for c in conditions if isinstance(c, ast.Exists)]
    for condition in sorted(exists, key=lambda c: -len(_expanded_same(c, env.ctx))):
        rel = _exists(condition, replace(env, rel=rel))
    return rel


def _expanded_same(node: ast.Exists, ctx: Context) -> list[str]:
    table = ctx.schema.table(node.table)
    return table.expand(node.same) if table is not None else []


def _join_periods(env: Env, conditions: list[ast.Condition]) -> ir.Table:
    periods = env.period()
    joins = [c for c in conditions if not isinstance(c, ast.Exists)]
    if not joins:
        return env.rel.cross_join(periods)
    return env.rel.join(periods, [compile_condition(c, env) for c in joins])


def _months_of(periods: ir.Table) -> ir.Table:
    """One row per month of each period (for ``active in each month``)."""
    months = ibis.range(0, 12).unnest().name("__m").as_table()
    expanded = periods.cross_join(months)
    begin = (expanded[BEGIN] + expanded["__m"].as_interval("M")).cast("date")
    expanded = expanded.mutate(**{MONTH_BEGIN: begin})
    expanded = expanded.filter(expanded[MONTH_BEGIN] <= expanded[END])
    end = (expanded[MONTH_BEGIN] + ibis.interval(months=1) - ibis.interval(days=1)).cast("date")
    return expanded.mutate(**{MONTH_END: end}).drop("__m")


def _aggregate(env: Env, aggregate: ast.TableAggregate, dims: list[str]) -> ir.Table:
    rel = env.rel
    keys = [PERIOD, *dims]
    match aggregate:
        case ast.CountRows():
            return rel.group_by(keys).aggregate(value=rel.count())
        case ast.CountDistinct():
            return rel.group_by(keys).aggregate(
                value=compile_expr(_name(aggregate.column), env).nunique()
            )
        case ast.SumOf(per=None):
            return rel.group_by(keys).aggregate(value=compile_expr(aggregate.expr, env).sum())
        case ast.SumOf():
            total = compile_expr(aggregate.expr, env).sum().cast("float64")
            entities = compile_expr(_name(aggregate.per), env).nunique()
            return rel.group_by(keys).aggregate(value=total / entities)
        case ast.AveragePer():
            per = rel.mutate(
                __entity=compile_expr(_name(aggregate.per), env),
                __x=compile_expr(aggregate.expr, env),
            )
            once = per.group_by([*keys, "__entity"]).aggregate(__x=per["__x"].max())
            return once.group_by(keys).aggregate(value=once["__x"].cast("float64").mean())
        case ast.ShareOf():
            meeting = _as_int(compile_condition(aggregate.meeting, env))
            return rel.group_by(keys).aggregate(value=meeting.sum().cast("float64") / rel.count())
    raise AssertionError(aggregate)


def _spread(env: Env, spread: ast.Spread, dims: list[str]) -> ir.Table:
    """Each row's amount spread evenly over its days; per part, the share of those days
    that fall within the part. One select per part, stacked, then summed."""
    rel = env.rel
    amount = compile_expr(spread.amount, env).cast("float64")
    begin, end = compile_expr(spread.begin, env), compile_expr(spread.end, env)
    days = end.delta(begin, unit="day") + 1
    parts = []
    for part in spread.parts:
        first = ibis.greatest(begin, compile_expr(part.begin, env))
        last = ibis.least(end, compile_expr(part.end, env))
        overlap = ibis.greatest(last.delta(first, unit="day") + 1, 0)
        # each row's part rounded to a millionth of a euro: the sum is then exact, so the
        # figure does not depend on the order in which DuckDB's threads add it up
        share = ibis.ifelse(days > 0, amount * overlap / days, ibis.null("float64")).cast(
            "decimal(38, 6)"
        )
        parts.append(
            rel.select(PERIOD, *dims, **{spread.into: ibis.literal(part.label), "__x": share})
        )
    stacked = parts[0].union(*parts[1:], distinct=False) if len(parts) > 1 else parts[0]
    keys = [PERIOD, *dims, spread.into]
    return stacked.group_by(keys).aggregate(value=stacked["__x"].sum())


def _name(name: str) -> ast.NameRef:
    return ast.NameRef(span=_NOWHERE, name=name)


# ---- links, spells and dimensions --------------------------------------------------


def link_column(link: str, column: str) -> str:
    return f"__link_{link}_{column}"


def with_links(
    rel: ir.Table, table: Table, nodes: list[ast.Node], alias: str | None, ctx: Context
) -> ir.Table:
    """Join in the linked columns the nodes use at this row (``client.geboortedatum``)."""
    scope = Env(table, alias, rel, ctx).scope()
    wanted: dict[str, set[str]] = {}
    for ref in _walk_names(nodes):
        found = lookup(ref.name, scope)
        if isinstance(found, Linked) and found.depth == 0:
            wanted.setdefault(found.link, set()).add(found.column)
    for link_name, columns in sorted(wanted.items()):
        link = table.link(link_name)
        assert link is not None
        target_schema = ctx.schema.table(link.table)
        assert target_schema is not None
        if link.table not in ctx.tables:
            raise CompileError(f"the data has no table '{link.table}' (needed for '{link_name}.')")
        target = ctx.tables[link.table]
        key = target_schema.key[0]
        picked = target.select(
            **{"__key": target[key]},
            **{link_column(link_name, c): target[c] for c in sorted(columns)},
        )
        rel = rel.left_join(picked, rel[link.column] == picked["__key"]).drop("__key")
    return rel


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


def spell_column(entity: str) -> str:
    return f"__spell_{entity}"


def peak_column(entity: str) -> str:
    return f"__peak_{entity}"


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
        raise CompileError(f"unknown dimension '{name}'")
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


# ---- conditions --------------------------------------------------------------------


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


PERIOD_NODES = (
    ast.PeriodRelation,
    ast.InPeriod,
    ast.PeriodBound,
    ast.Peildatum,
    ast.ActiveEachMonth,
)


def mentions_period(node: ast.Node) -> bool:
    return any(isinstance(n, PERIOD_NODES) for n in walk(node))


def _uses(node: ast.Node, kind: type) -> bool:
    return any(isinstance(n, kind) for n in walk(node))


def walk(node: object) -> Iterator[ast.Node]:
    """Every node below (and including) ``node``."""
    if isinstance(node, ast.Node):
        yield node
        for _, value in node:
            yield from walk(value)
    elif isinstance(node, tuple):
        for item in node:
            yield from walk(item)


def _walk_names(nodes: list[ast.Node]) -> Iterator[ast.NameRef]:
    """Names used at this row level (not inside the inner row of an exists)."""
    for node in nodes:
        for found in walk(node):
            if isinstance(found, ast.NameRef):
                yield found


def _calls(nodes: list[ast.Node], function: str) -> list[ast.Call]:
    return [
        n
        for node in nodes
        for n in walk(node)
        if isinstance(n, ast.Call) and n.function == function
    ]


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
            return _between(value, env.period()[BEGIN], env.period()[END])
        case ast.PeriodRelation():
            return _period_relation(
                node.relation, env.row(node.subject), env.period()[BEGIN], env.period()[END]
            )
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
            raise CompileError(f"{node.span}: 'exists' can only be combined with 'and'")
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
        raise CompileError(f"the data has no table '{node.table}'")
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
            cases = [
                ((operand < compile_expr(limit, env)).fill_null(False), compile_expr(label, env))
                for label, limit in node.bands
            ]
            return ibis.cases(*cases, else_=compile_expr(node.rest, env))
        case ast.Total():
            raise CompileError(f"{node.span}: 'total' belongs in 'compute'")
    raise AssertionError(f"unknown expression {node!r}")


def _name_value(node: ast.NameRef, env: Env) -> ir.Value:
    match lookup(node.name, env.scope()):
        case Column(name, depth):
            return env.at(depth).rel[name]
        case Linked(link, column, depth):
            return env.at(depth).rel[link_column(link, column)]
        case ParameterRef(name):
            return compile_expr(env.ctx.library.parameters[name].value, env)
    raise CompileError(f"{node.span}: '{node.name}' cannot be used here")


def _binary(node: ast.Binary, env: Env) -> ir.Value:
    left, right = compile_expr(node.left, env), compile_expr(node.right, env)
    left_date, right_date = _is_date(left), _is_date(right)
    if node.op == "-" and left_date and right_date:
        return left.delta(right, unit="day")
    if left_date or right_date:
        date, amount = (left, right) if left_date else (right, left)
        shift = amount if amount.type().is_interval() else amount.as_interval("D")
        return (date - shift if node.op == "-" else date + shift).cast("date")
    return {"+": left + right, "-": left - right, "*": left * right, "/": left / right}[node.op]


def _call(node: ast.Call, env: Env) -> ir.Value:
    match node.function:
        case "age":
            birth, day = (compile_expr(a, env) for a in node.args)
            before_birthday = (day.month() * 100 + day.day()) < (birth.month() * 100 + birth.day())
            return day.year() - birth.year() - _as_int(before_birthday)
        case "spell_start":
            entity = node.args[0]
            assert isinstance(entity, ast.NameRef)
            return env.rel[spell_column(entity.name)]
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
    raise CompileError(f"{node.span}: unknown function '{node.function}'")


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
    return int(value) if value == value.to_integral_value() else float(value)


_NOWHERE = Span(file="<engine>", line=1, column=1, end_line=1, end_column=1)
