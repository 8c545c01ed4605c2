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

The stages live in their own modules: ``env`` (context, names), ``nodes`` (walking the
tree), ``links`` (step 1's linked columns), ``expressions`` (conditions and values, with
``exists``), ``derived`` (spells, peaks, classes, dimensions).
"""

from __future__ import annotations

from dataclasses import replace

import ibis
import ibis.expr.types as ir

from maatstaf.dsl import ast
from maatstaf.dsl.model import MeasureVersion
from maatstaf.engine.derived import (  # noqa: F401  (re-exported)
    _dimension_value,
    _with_dimensions,
    tiebreak,
    with_spells,
)
from maatstaf.engine.env import (  # noqa: F401  (re-exported)
    BEGIN,
    END,
    FAR_FUTURE,
    MONTH_BEGIN,
    MONTH_END,
    NOWHERE,
    PERIOD,
    UNKNOWN,
    CompileError,
    Context,
    Env,
    link_column,
    peak_column,
    spell_column,
)
from maatstaf.engine.expressions import (
    _as_int,
    _exists,
    compile_condition,
    compile_expr,
)
from maatstaf.engine.links import with_links
from maatstaf.engine.nodes import (  # noqa: F401  (re-exported)
    _calls,
    _uses,
    ast_and,
    mentions_period,
    split_conditions,
    walk,
)

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
    from maatstaf.engine.sweep_overlap import compile_overlap_sweep, overlap_sweepable

    if version.having is not None:  # per entity first: no sweep counts that
        from maatstaf.engine.having import count_meeting

        env = prepare(version, ctx, periods, version.where, grain)
        assert isinstance(version.aggregate, ast.CountDistinct)
        dims = [d.name for d in version.by]
        return count_meeting(env, _name(version.aggregate.column), version.having, [PERIOD, *dims])
    if grain is not None and sweepable(version, ctx):
        return compile_sweep(version, ctx, periods, grain)
    if grain is not None and timeline_sweepable(version, ctx):
        return compile_timeline_sweep(version, ctx, periods, grain)
    if grain is not None and overlap_sweepable(version, ctx):
        return compile_overlap_sweep(version, ctx, periods, grain)
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
        raise CompileError(f"'{version.measure}' telt geen cliënten of rijen")
    env = prepare(version.model_copy(update={"by": ()}), ctx, periods, where)
    column = aggregate.column if isinstance(aggregate, ast.CountDistinct) else table.key[0]
    entity = compile_expr(_name(column), env).cast("string")
    if version.having is not None:  # only the entities meeting it, with their rows
        from maatstaf.engine.having import ENTITY, entities_meeting

        met = entities_meeting(env, entity, version.having, [PERIOD])
        rel = env.rel.mutate(__member=entity)
        rel = rel.semi_join(met, [rel[PERIOD] == met[PERIOD], rel["__member"] == met[ENTITY]])
        env, entity = replace(env, rel=rel), rel["__member"]
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
    nodes = _version_nodes(version, ctx)
    rows = with_links(ctx.tables[table.name], table, nodes, aggregate.alias, ctx)
    row_conditions, period_conditions = split_conditions(where)
    plain = [c for c in row_conditions if not _calls([c], "spell_start")]
    rows = _filter(Env(table, aggregate.alias, rows, ctx), plain)
    rows = with_spells(rows, table, nodes)
    later = [c for c in row_conditions if c not in plain]
    rows = _filter(Env(table, aggregate.alias, rows, ctx), later)
    return Env(table, aggregate.alias, rows, ctx), period_conditions


def period_index(day: ir.DateValue, grain: str) -> ir.IntegerValue:
    """The number of the month, 4-weekly period, quarter, half-year or year a day falls in
    (consecutive periods have consecutive numbers)."""
    if grain == "month":
        return day.year() * 12 + day.month() - 1
    if grain == "quarter":
        return day.year() * 4 + (day.month() - 1) // 3
    if grain == "half-year":
        return day.year() * 2 + (day.month() - 1) // 6
    if grain == "4-weekly":
        # the ISO year and week from the Thursday of the day's week; week 53 opens
        # period 1 of the next year (engine/periods.py)
        thursday = (day + (3 - day.day_of_week.index()).as_interval("D")).cast("date")
        iso_year, week = thursday.year(), (thursday.day_of_year() - 1) // 7 + 1
        return ibis.ifelse(week == 53, (iso_year + 1) * 13, iso_year * 13 + (week - 1) // 4)
    return day.year()


def _point_date(conditions: list[ast.Condition], env: Env) -> ir.DateValue | None:
    """The date that must lie in the period, when that is the only period condition."""
    if len(conditions) != 1 or getattr(conditions[0], "window", None) is not None:
        return None  # a window spans several periods: no equality on the period's number
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
    ast.Statistic,
    ast.ShareOf,
    ast.Spread,
)


def _version_nodes(version: MeasureVersion, ctx: Context | None = None) -> list[ast.Node]:
    """Every node of the rule, with the aggregate's column names as name nodes; with
    ``ctx``, also the values of the named dimensions it uses (``dimension x of T =
    toewijzing.hoofdcategorie``), so their linked columns are joined in too."""
    nodes: list[ast.Node] = [version.aggregate, *version.by]
    if version.where is not None:
        nodes.append(version.where)
    for column in ("column", "per"):
        name = getattr(version.aggregate, column, None)
        if name is not None:
            nodes.append(_name(name))
    table = ctx.schema.table(getattr(version.aggregate, "table", "")) if ctx else None
    for dim in version.by if ctx and table else ():
        if getattr(dim, "value", None) is None and table.column(dim.name) is None:  # type: ignore[union-attr]
            decl = ctx.library.dimension(table.name, dim.name)  # type: ignore[union-attr]
            if decl is not None:
                nodes.append(decl.value)
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
        # where the periods are joined in, a second exists reads them from the filtered rows
        periods = rel if env.periods is env.rel else env.periods
        rel = _exists(condition, replace(env, rel=rel, periods=periods))
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
        case ast.Statistic():
            return _statistic(env, aggregate, keys)
        case ast.ShareOf():
            meeting = _as_int(compile_condition(aggregate.meeting, env))
            return rel.group_by(keys).aggregate(value=meeting.sum().cast("float64") / rel.count())
    raise AssertionError(aggregate)


def _statistic(env: Env, statistic: ast.Statistic, keys: list[str]) -> ir.Table:
    """min, max, median or percentile of x over the rows (with ``per``: over the entities,
    each with its x once, as ``average ... per``). Rows without x do not count; a group
    without any x has no figure (never 0)."""
    rel = env.rel.mutate(__x=compile_expr(statistic.expr, env))
    if statistic.per is not None:
        rel = rel.mutate(__entity=compile_expr(_name(statistic.per), env))
        rel = rel.group_by([*keys, "__entity"]).aggregate(__x=rel["__x"].max())
    x = rel["__x"]
    match statistic.function:
        case "min":
            value = x.min()
        case "max":
            value = x.max()
        case "median" | "percentile":
            # linear interpolation between the closest ranks: quantile_cont on DuckDB,
            # percentile_cont on PostgreSQL, percentile on Spark
            value = x.cast("float64").quantile(statistic.fraction)
    return rel.group_by(keys).aggregate(value=value)


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
    return ast.NameRef(span=NOWHERE, name=name)
