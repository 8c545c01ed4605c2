"""The sweep plan for ``count`` / ``count distinct`` of rows ``active in period``.

Instead of joining every row to every period it overlaps (a range join whose size grows
with rows x periods), each row becomes the numbers of its first and last period; for a
distinct count, an entity's rows are merged into islands of consecutive periods (a window
over the entity's rows: a new island starts where a row begins after the latest end so
far plus one); every island (or row) adds +1 at its first period and -1 after its last,
and a running sum over the period numbers gives the count per period. This is the plan a
careful analyst writes by hand; it gives the same figures as the range join.

A distinct count broken down by a property of the entity in the period (its peak of
simultaneous rows, ``most simultaneous per client_id``, or the class of its rows' values,
``by verwijzer_groep per client_id``) has a sweep plan too, the entity timeline: each
entity's time is cut into ranges of periods in which that property cannot change, each
with its value; the ranges then add +1/-1 events per value, and a running sum counts
entities per period. For a class, the cuts fall where one of the entity's rows begins or
ends, and each segment between cuts takes the classes of the rows that cover it (a join
within the entity only). For a peak, the entity's days are swept into runs of one level
first; a period inside a run has that run alone, and any other period the highest of the
runs beginning or ending in it (two aggregates, no join).
"""

from __future__ import annotations

from dataclasses import replace

import ibis
import ibis.expr.types as ir

from maatstaf.dsl import ast
from maatstaf.dsl.model import MeasureVersion
from maatstaf.dsl.schema import Table
from maatstaf.engine.compile import (
    BEGIN,
    END,
    FAR_FUTURE,
    PERIOD,
    UNKNOWN,
    Context,
    Env,
    _dimension_value,
    _name,
    _uses,
    _version_nodes,
    _with_dimensions,
    compile_expr,
    mentions_period,
    peak_column,
    period_index,
    prepare_rows,
    split_conditions,
    walk,
)


def sweepable(version: MeasureVersion, ctx: Context) -> bool:
    """Counts of rows active in the period, broken down by row-level dimensions only."""
    if not _counts_active_rows(version, ctx):
        return False
    table = ctx.schema.table(version.aggregate.table)  # type: ignore[union-attr]
    assert table is not None
    return not any(
        isinstance(dim, ast.EntityDimension)
        or _uses(dim, ast.Simultaneous)
        or any(isinstance(n, ast.Call) and n.function == "rows_per" for n in walk(dim))
        or _per_period(dim.name, dim.value, table, ctx)
        for dim in version.by
    )


def _per_period(name: str, value: ast.Expr | None, table: Table, ctx: Context) -> bool:
    """A row's dimension value depends on the period (so it cannot be computed per row)."""
    if value is None and table.column(name) is None:
        decl = ctx.library.dimension(table.name, name)
        value = decl.value if decl is not None else None
    return value is not None and mentions_period(value)


def timeline_sweepable(version: MeasureVersion, ctx: Context) -> bool:
    """A distinct count of entities active in the period by one property of the counted
    entity: its class (``by d per client_id``) or a value of its peak alone
    (``by d = most simultaneous per client_id in bands ...``)."""
    aggregate = version.aggregate
    if not isinstance(aggregate, ast.CountDistinct) or len(version.by) != 1:
        return False
    if not _counts_active_rows(version, ctx):
        return False
    dim = version.by[0]
    if isinstance(dim, ast.EntityDimension):
        table = ctx.schema.table(aggregate.table)
        assert table is not None
        return dim.entity == aggregate.column and not _per_period(dim.name, None, table, ctx)
    if dim.value is None or mentions_period(dim.value):
        return False
    nodes = list(walk(dim.value))
    peaks = [n for n in nodes if isinstance(n, ast.Simultaneous)]
    return (
        bool(peaks)
        and all(p.entity == aggregate.column for p in peaks)
        and not any(isinstance(n, ast.NameRef) for n in nodes)
    )


def _counts_active_rows(version: MeasureVersion, ctx: Context) -> bool:
    """A count or distinct count whose only period condition is that the row is active."""
    aggregate = version.aggregate
    if not ctx.semi_joins or not isinstance(aggregate, ast.CountRows | ast.CountDistinct):
        return False
    table = ctx.schema.table(aggregate.table)
    _, period_conditions = split_conditions(version.where)
    if table is None or table.period is None or len(period_conditions) != 1:
        return False
    condition = period_conditions[0]
    if not (
        isinstance(condition, ast.PeriodRelation)
        and condition.relation == "active"
        and condition.window is None
        and condition.subject in (None, aggregate.alias, table.name)
    ):
        return False
    return not any(_uses(n, ast.ActiveEachMonth) for n in _version_nodes(version))


def compile_sweep(version: MeasureVersion, ctx: Context, periods: ir.Table, grain: str) -> ir.Table:
    env, _ = prepare_rows(version, ctx, version.where)
    env = _with_dimensions(env, version.by)
    rel, table = env.rel, env.table
    assert table.period is not None
    dims = [d.name for d in version.by]
    numbered = periods.mutate(__pidx=period_index(periods[BEGIN], grain))
    spans = period_spans(rel, table, grain, numbered)
    if isinstance(version.aggregate, ast.CountDistinct):
        entity = compile_expr(
            _name(version.aggregate.column), env.__class__(table, env.alias, spans, ctx)
        )
        events = _island_events(spans.mutate(__entity=entity), dims)
        return _counts(events, dims, numbered)
    return _running_counts(spans, dims, numbered)


def period_spans(rel: ir.Table, table: Table, grain: str, numbered: ir.Table) -> ir.Table:
    """Each row with the numbers of its first and last period (__s, __e; an open end runs
    on), within the numbered periods asked (column __pidx); rows outside them left out."""
    assert table.period is not None
    first, last = numbered["__pidx"].min().as_scalar(), numbered["__pidx"].max().as_scalar()
    start, end = rel[table.period[0]], rel[table.period[1]].fill_null(FAR_FUTURE)
    spans = rel.mutate(__s=period_index(start, grain), __e=period_index(end, grain))
    spans = spans.filter((spans["__s"] <= last) & (spans["__e"] >= first))
    return spans.mutate(__s=ibis.greatest(spans["__s"], first), __e=ibis.least(spans["__e"], last))


def _running_counts(spans: ir.Table, dims: list[str], numbered: ir.Table) -> ir.Table:
    """Spans of period numbers (__s .. __e) per dimension values -> how many spans cover
    each numbered period: +1 at the first number, -1 after the last, a running sum."""
    ups = spans.select(*dims, __k=spans["__s"].cast("int64"), __d=ibis.literal(1, "int64"))
    downs = spans.select(*dims, __k=(spans["__e"] + 1).cast("int64"), __d=ibis.literal(-1, "int64"))
    return _counts(ups.union(downs, distinct=False), dims, numbered)


def _counts(events: ir.Table, dims: list[str], numbered: ir.Table) -> ir.Table:
    """Events (+1/-1 at period number __k, column __d) per dimension values -> their
    running sum in each numbered period."""
    steps = events.group_by([*dims, "__k"]).aggregate(__d=events["__d"].sum())
    steps = steps.mutate(
        __v=steps["__d"].cumsum(group_by=[steps[d] for d in dims], order_by=steps["__k"])
    )
    joined = numbered.join(steps, steps["__k"] <= numbered["__pidx"])
    return joined.group_by([PERIOD, *dims]).aggregate(value=joined["__v"].argmax(joined["__k"]))


def compile_timeline_sweep(
    version: MeasureVersion, ctx: Context, periods: ir.Table, grain: str
) -> ir.Table:
    """The entity timeline (see the module's docstring) for ``timeline_sweepable`` rules."""
    env, _ = prepare_rows(version, ctx, version.where)
    rel, table = env.rel, env.table
    assert table.period is not None and isinstance(version.aggregate, ast.CountDistinct)
    dim = version.by[0]
    first, last = periods[BEGIN].min().as_scalar(), periods[END].max().as_scalar()
    entity = compile_expr(_name(version.aggregate.column), env)
    start, end = rel[table.period[0]], rel[table.period[1]].fill_null(FAR_FUTURE)
    rows = rel.mutate(__entity=entity, __a=start, __b=end)
    rows = rows.filter(rows["__entity"].notnull() & (rows["__a"] <= last) & (rows["__b"] >= first))
    rows = rows.mutate(__a=ibis.greatest(rows["__a"], first), __b=ibis.least(rows["__b"], last))
    if isinstance(dim, ast.EntityDimension):
        value = _dimension_value(replace(env, rel=rows), dim.name, None)
        value = value.cast("string").fill_null(dim.ignoring)
        pieces = rows.select(
            "__entity",
            __s=period_index(rows["__a"], grain),
            __e=period_index(rows["__b"], grain),
            __x=ibis.ifelse(value == dim.ignoring, ibis.null("string"), value),
        )
        segments = _segments(pieces)
        covering = segments.join(
            pieces,
            ["__entity", pieces["__s"] <= segments["__k"], pieces["__e"] >= segments["__k"]],
        )
        classes = covering.group_by(["__entity", "__k", "__next"]).aggregate(
            __n=covering["__x"].nunique(), __one=covering["__x"].min()
        )
        label = ibis.cases(
            (classes["__n"] == 0, ibis.literal(dim.ignoring)),
            (classes["__n"] == 1, classes["__one"]),
            else_=ibis.literal(dim.mixed),
        )
    else:
        highest = _highest(_peaks(rows, grain))
        classes = highest.rename({peak_column(version.aggregate.column): "__x"})
        value = compile_expr(dim.value, Env(table, env.alias, classes, ctx))  # type: ignore[arg-type]
        label = value.cast("string").fill_null(UNKNOWN)
    spans = classes.select(**{dim.name: label}, __s=classes["__k"], __e=classes["__next"] - 1)
    numbered = periods.mutate(__pidx=period_index(periods[BEGIN], grain))
    return _running_counts(spans, [dim.name], numbered)


def _peaks(rows: ir.Table, grain: str) -> ir.Table:
    """Each entity's number of rows active per day, as runs of days with one level (a
    sweep: +1 at a start, -1 the day after an end, a running sum per entity in day order),
    each run as the numbers of the periods it touches. Events on one day are not added up
    first (an aggregate over every event): after the last of them the running sum is that
    day's level, and the others run for no day at all (the next event is on the same day),
    so they are left out."""
    ups = rows.select("__entity", __day=rows["__a"], __d=ibis.literal(1, "int64"))
    after = (rows["__b"] + ibis.interval(days=1)).cast("date")
    downs = rows.select("__entity", __day=after, __d=ibis.literal(-1, "int64"))
    events = ups.union(downs, distinct=False)
    order = ibis.window(group_by=events["__entity"], order_by=events["__day"])
    days = events.mutate(
        __level=events["__d"].cumsum(group_by=events["__entity"], order_by=events["__day"]),
        __next=events["__day"].lead().over(order),
    )
    runs = days.filter((days["__level"] > 0) & (days["__next"] > days["__day"]))
    last_day = (runs["__next"] - ibis.interval(days=1)).cast("date")
    return runs.select(
        "__entity",
        __s=period_index(runs["__day"], grain),
        __e=period_index(last_day, grain),
        __x=runs["__level"],
    )


def _highest(runs: ir.Table) -> ir.Table:
    """Each entity's highest level per period from its runs (``_peaks``), as ranges of
    period numbers with one level (__k first, __next after last, __x the level). An
    entity's runs never share a day, so a period wholly inside a run has that run alone,
    and its level; every run that touches any other period begins or ends in it, so that
    period's level is the highest of the runs beginning or ending there. Two aggregates,
    where cutting the entity's time into segments and joining each to the runs covering
    it took a window and a range join (the same figures: ``tests/test_sweep_parts.py``)."""
    touched = runs.select("__entity", __k=runs["__s"], __x=runs["__x"]).union(
        runs.select("__entity", __k=runs["__e"], __x=runs["__x"]), distinct=False
    )
    edges = touched.group_by(["__entity", "__k"]).aggregate(__x=touched["__x"].max())
    edges = edges.select(
        "__entity",
        __k=edges["__k"].cast("int64"),
        __next=(edges["__k"] + 1).cast("int64"),
        __x=edges["__x"],
    )
    inside = runs.filter(runs["__e"] > runs["__s"] + 1)
    inside = inside.select(
        "__entity",
        __k=(inside["__s"] + 1).cast("int64"),
        __next=inside["__e"].cast("int64"),
        __x=inside["__x"],
    )
    return edges.union(inside, distinct=False)


def _segments(pieces: ir.Table) -> ir.Table:
    """Per entity, the runs of period numbers between consecutive cuts (where a piece
    begins, or ends the period before): columns __entity, __k (first), __next (after last)."""
    cuts = pieces.select("__entity", __k=pieces["__s"].cast("int64")).union(
        pieces.select("__entity", __k=(pieces["__e"] + 1).cast("int64")), distinct=True
    )
    order = ibis.window(group_by=cuts["__entity"], order_by=cuts["__k"])
    cuts = cuts.mutate(__next=cuts["__k"].lead().over(order))
    return cuts.filter(cuts["__next"].notnull())


def _island_events(spans: ir.Table, dims: list[str], per_entity: bool = False) -> ir.Table:
    """An entity's consecutive or overlapping period ranges merged into islands, as the
    islands' events (+1 at an island's first number, -1 after its last), from one window
    over the entity's rows ordered by (first, last): a row begins an island where it
    begins after the latest end so far plus one (``before``); that latest end is where
    the previous island ends, and the entity's latest end (``reach``) where its last
    island ends. Equal ranges need not be merged first (an aggregate over every row): of
    two, the one the window takes second begins before the other ends, so it never begins
    an island, and the latest ends are the same. ``per_entity``: the events keep their
    entity (column __entity)."""
    spans = spans.select("__entity", *dims, "__s", "__e")
    spans = spans.filter(spans["__entity"].notnull())
    keys = [spans["__entity"], *[spans[d] for d in dims]]
    order = [spans["__s"], spans["__e"]]
    rows = ibis.window(group_by=keys, order_by=order, rows=(None, -1))
    whole = ibis.window(group_by=keys, order_by=order, rows=(None, None))
    spans = spans.mutate(
        __before=spans["__e"].max().over(rows), __reach=spans["__e"].max().over(whole)
    )
    first = spans["__before"].isnull()
    begins = spans.filter(first | (spans["__s"] > spans["__before"] + 1))
    kept = ["__entity", *dims] if per_entity else dims
    ups = begins.select(*kept, __k=begins["__s"].cast("int64"), __d=ibis.literal(1, "int64"))
    # a first row closes the entity's last island; any other, the island before it
    closed = ibis.ifelse(begins["__before"].isnull(), begins["__reach"], begins["__before"])
    downs = begins.select(*kept, __k=(closed + 1).cast("int64"), __d=ibis.literal(-1, "int64"))
    return ups.union(downs, distinct=False)
