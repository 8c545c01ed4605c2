"""merge: the rows of each merged table (``table T merges S``; dsl/merged_table.py),
computed from the scoped rows of its source table, vectorised.

Per key, the source rows ordered by start (then end, then their own key) form runs
("islands"): a row opens a new run when it starts after the latest end of every earlier
row of the key (``overlapping``), or more than ``gap_days`` days after the day after it
(``adjoining within N days``). Each run is one row: its first start, its last end (empty
when a row of the run is open-ended), the number of rows merged, and the ``keep`` columns
of the row that ends last."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from maatstaf.dsl.merged_table import END, RECORDS, START, MergedTable, merged_tables
from maatstaf.engine.derived import _dimension_value, tiebreak
from maatstaf.engine.env import FAR_FUTURE, CompileError, Context, Env
from maatstaf.engine.expressions import compile_condition
from maatstaf.engine.links import with_links

REGION = "gemeente"


def merge_tables(ctx: Context) -> dict[str, ir.Table]:
    """Every merged table of the schema whose source table was loaded (``to_merge``); a
    merged table over another merged table comes after it."""
    tables = dict(ctx.tables)
    done: dict[str, ir.Table] = {}
    for table in to_merge(ctx):
        scoped = Context(ctx.schema, ctx.library, tables, ctx.semi_joins)
        tables[table.name] = done[table.name] = merge_table(table, scoped)
    return done


def to_merge(ctx: Context) -> list[MergedTable]:
    """The merged tables of the schema whose source table was loaded (or is merged
    itself), each after the merged table it reads."""
    present = set(ctx.tables)
    ordered: list[MergedTable] = []
    pending = merged_tables(ctx.schema.tables)
    while pending:
        ready = [t for t in pending if t.source in present]
        if not ready:  # their sources are not in the data: the measures say so
            break
        ordered += ready
        present |= {t.name for t in ready}
        pending = [t for t in pending if t not in ready]
    return ordered


def merge_table(table: MergedTable, ctx: Context) -> ir.Table:
    source = ctx.schema.table(table.source)
    if source is None or source.period is None:
        raise CompileError(
            f"tabel '{table.name}' voegt rijen van '{table.source}' samen, "
            "maar die tabel heeft geen begin- en einddatum"
        )
    nodes = [table.where] if table.where is not None else []
    rel = with_links(ctx.tables[table.source], source, nodes, None, ctx)
    if table.where is not None:
        rel = rel.filter(compile_condition(table.where, Env(source, None, rel, ctx)))
    env = Env(source, None, rel, ctx)
    first, last = source.period
    region = [REGION] if REGION in rel.columns and REGION not in table.per else []
    order = tiebreak(rel, source)
    rows = rel.select(
        *region,
        **{n: _value(env, n, table) for n in (*table.per, *table.keep)},
        __start=rel[first],
        __end=rel[last],
        **{f"__o{i}": o for i, o in enumerate(order)},
    )
    return _runs(rows, table, [*region, *table.per], len(order))


def _value(env: Env, name: str, table: MergedTable) -> ir.Value:
    value = _dimension_value(env, name, None)
    column = table.column(name)
    return value.cast("string") if column is not None and column.type == "text" else value


def _runs(rows: ir.Table, table: MergedTable, keys: list[str], tiebreaks: int) -> ir.Table:
    filled = rows["__end"].fill_null(FAR_FUTURE)
    extra = [rows[f"__o{i}"] for i in range(tiebreaks)]
    order = [rows["__start"], filled, *extra]
    earlier = ibis.window(group_by=[rows[k] for k in keys], order_by=order, rows=(None, -1))
    latest = filled.max().over(earlier)
    margin = -1 if table.gap_days is None else table.gap_days
    # a new run: no earlier row, or a start more than margin + 1 days after the latest end
    # (written as start - days, so an open end, 9999-12-31, never overflows)
    late = (rows["__start"] - ibis.interval(days=margin + 1)).cast("date") > latest
    rows = rows.mutate(__new=(latest.isnull() | late).cast("int64"))
    filled = rows["__end"].fill_null(FAR_FUTURE)
    order = [rows["__start"], filled, *[rows[f"__o{i}"] for i in range(tiebreaks)]]
    rows = rows.mutate(__run=rows["__new"].cumsum(group_by=[rows[k] for k in keys], order_by=order))
    run = [rows[k] for k in keys] + [rows["__run"]]
    descending = [ibis.desc(rows["__end"].fill_null(FAR_FUTURE)), ibis.desc(rows["__start"])]
    descending += [ibis.desc(rows[f"__o{i}"]) for i in range(tiebreaks)]
    rows = rows.mutate(__last=ibis.row_number().over(group_by=run, order_by=descending) == 0)
    kept = {
        k: ibis.ifelse(rows["__last"], rows[k], ibis.null(rows[k].type())).max() for k in table.keep
    }
    merged = rows.group_by([*keys, "__run"]).aggregate(
        **{
            START: rows["__start"].min(),
            END: ibis.ifelse(rows["__end"].isnull().any(), ibis.null("date"), rows["__end"].max()),
            RECORDS: rows.count(),
        },
        **kept,
    )
    if REGION not in merged.columns:
        merged = merged.mutate(**{REGION: ibis.null("string")})
    return merged.select(*[c.name for c in table.columns])


def merged_tables_in(
    con: ibis.BaseBackend, data: object, ctx: Context, tables: dict[str, ir.Table]
) -> dict[str, ir.Table]:
    """The scoped ``tables`` with the merged tables over them. In process, a merged table
    is computed once, when a measure first uses it (every measure then starts from the same
    rows); a run without such a measure pays nothing for it. A database keeps views."""
    scoped = Context(ctx.schema, ctx.library, tables, ctx.semi_joins)
    if getattr(data, "backend", None) is not None:
        return {**tables, **merge_tables(scoped)}
    return _ComputedOnUse(con, tables, [t.name for t in to_merge(scoped)], scoped)


@dataclass
class Uses:
    """What building a plan asked of the tables: the names it read (or found there when it
    asked), and those it asked for and found missing."""

    read: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)


class _ComputedOnUse(dict):  # type: ignore[type-arg]
    """A dict of relations whose merged tables become temporary tables when first read
    through ``[]`` (iterating gives their views, which hold the same rows). A merged
    table's name is made from its view's SQL, so a plan compiled in an earlier run
    (``plans``) names the table this run makes. ``watching``, when set, collects what a
    plan being built asks: the names read through ``[]``, and the names asked for with
    ``in`` or ``get`` (found there: as read; missing: as missing). Building a plan never
    lists the tables (``plans`` keeps it for runs on other tables).

    The merged tables' views are built (``merge_tables``) when a merged table is first
    asked for, by value: a run whose measures read none (a kept plan of unique clients)
    never builds them (0.06 s of Ibis expressions for the standard library's two)."""

    def __init__(
        self, con: ibis.BaseBackend, tables: dict[str, ir.Table], merged: list[str], ctx: Context
    ) -> None:
        super().__init__({**tables, **dict.fromkeys(merged)})
        self._con, self._lock = con, threading.Lock()
        self._merged, self._pending = frozenset(merged), set(merged)  # pending: not a table yet
        self._ctx = ctx  # the scoped tables, which the merged tables are built from
        self._views: dict[str, ir.Table] | None = None if merged else {}
        self._defined: dict[str, tuple[ir.Table, str]] = {}
        self.watching: Uses | None = None

    def _merged_views(self) -> dict[str, ir.Table]:
        """The merged tables' views, built once (all together: one may read another)."""
        if self._views is None:
            with self._lock:
                if self._views is None:
                    views = merge_tables(self._ctx)
                    for name, view in views.items():
                        if name in self._pending:
                            super().__setitem__(name, view)
                    self._views = views
        return self._views

    def values(self) -> Any:
        self._merged_views()
        return super().values()

    def items(self) -> Any:
        self._merged_views()
        return super().items()

    def __contains__(self, name: object) -> bool:
        found = super().__contains__(name)
        if self.watching is not None and isinstance(name, str):
            (self.watching.read if found else self.watching.missing).add(name)
        return found

    def get(self, name: str, default: Any = None) -> Any:
        """As a dict's (a merged table's view, not made a table), the name watched."""
        if name not in self:
            return default
        if name in self._pending:
            self._merged_views()
        return super().get(name, default)

    def __getitem__(self, name: str) -> ir.Table:
        if self.watching is not None:
            self.watching.read.add(name)
        if name in self._pending:
            view, sql = self.definition(name)
            with self._lock:
                if name in self._pending:
                    stored = (
                        f"maatstaf_merged_{name}_{hashlib.sha256(sql.encode()).hexdigest()[:20]}"
                    )
                    # made once a database: the same SQL over the same tables, the same rows
                    self._con._run_pre_execute_hooks(view)
                    self._con.con.execute(f'CREATE TEMP TABLE IF NOT EXISTS "{stored}" AS {sql}')
                    super().__setitem__(name, self._con.table(stored))
                    self._pending.discard(name)
        return super().__getitem__(name)

    def definition(self, name: str) -> tuple[ir.Table, str]:
        """What a table is defined as, and its SQL (compiled once): a merged table's view
        (whether or not it is a table yet), else the relation itself."""
        if name not in self._defined:
            merged = name in self._merged
            table = self._merged_views()[name] if merged else super().__getitem__(name)
            self._defined[name] = (table, str(self._con.compile(table)))
        return self._defined[name]
