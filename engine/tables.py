"""tables: where the computation runs and the rows it starts from: the backend (DuckDB in
this process, or the source's own database), each loaded table with its scope applied and
the latest version of each row, and the requested periods as a table."""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from maatstaf.adapters.base import LoadedData, LoadError
from maatstaf.adapters.duck import DuckTables, connect, ident, unique_name
from maatstaf.dsl import ast
from maatstaf.dsl.schema import IBIS_TYPES, Table
from maatstaf.engine.compile import (
    BEGIN,
    END,
    PERIOD,
    Context,
    Env,
    ast_and,
    compile_condition,
    walk,
    with_links,
)
from maatstaf.engine.merge import merged_tables_in
from maatstaf.engine.periods import Period, year_start
from maatstaf.engine.windows import YEAR_BEGIN


def backend_for(data: LoadedData) -> ibis.BaseBackend:
    """Where the computation runs: the source's own database, or DuckDB in this process
    (its memory capped by MAATSTAF_MEMORY_LIMIT, e.g. 8GB; beyond it DuckDB spills to disk
    or stops with a message)."""
    if data.backend is not None:
        return data.backend  # type: ignore[return-value]
    backend = duckdb_backend()
    if isinstance(data.tables, DuckTables):  # the load's own database: no copy
        return backend.from_connection(data.tables.con)
    try:
        return backend.from_connection(connect())
    except LoadError as exc:
        from maatstaf.engine.run import RunError

        raise RunError(str(exc)) from None


def duckdb_backend() -> type[ibis.BaseBackend]:
    """Ibis's DuckDB backend class, imported (``run`` imports it on a thread while the data
    loads). The class itself: ``ibis.duckdb`` would first look through every installed
    package's entry points for it (DuckDB's backend registers no options to miss); of
    Ibis's SQL compilers only DuckDB's is imported (``ibis_compilers``)."""
    from maatstaf.engine.ibis_compilers import lazy_compilers

    lazy_compilers()
    from ibis.backends.duckdb import Backend

    return Backend


def computation(
    data: LoadedData, ctx: Context, as_of: dt.date | None = None
) -> tuple[ibis.BaseBackend, dict[str, ir.Table]]:
    """Where a run computes and the rows it starts from (``backend_for``,
    ``scoped_tables``). In process, both are kept for the next run on the same data,
    schema, library and day: a report's runs (one per grain and version) start from the
    same scoped tables instead of computing the latest versions and the scopes again.
    Kept with the data, and gone with it; a table of the data replaced is data anew."""
    if data.backend is not None:  # a database's views: nothing to keep
        con = backend_for(data)
        return con, scoped_tables(con, data, ctx, as_of)
    # what the scoped tables are made of, as the objects themselves (never their ids, which
    # a new object may take once the old one is gone)
    made_of = (*_sources(data), ctx.schema, ctx.library, ctx.semi_joins, as_of)
    kept = _kept.get(id(data))
    if kept is not None and _same(kept[0], made_of):
        return kept[1], kept[2]
    con = backend_for(data)
    tables = scoped_tables(con, data, ctx, as_of)
    if kept is None:
        weakref.finalize(data, _kept.pop, id(data), None)
    _kept[id(data)] = (made_of, con, tables)
    return con, tables


# id(data) -> (what its scoped tables are made of, the backend, the scoped tables): the
# latest of each data, for as long as the data lives
_kept: dict[int, tuple] = {}


def _sources(data: LoadedData) -> tuple:
    tables = data.tables
    if isinstance(tables, DuckTables):
        return (tables.con, *sorted(tables.relations.items()))
    return tuple(tables.items())


def _same(kept: object, now: object) -> bool:
    """The same objects, in the same order: values (names, days) equal, others identical."""
    if isinstance(kept, tuple) and isinstance(now, tuple):
        return len(kept) == len(now) and all(map(_same, kept, now))
    return kept is now or (isinstance(kept, str | bool | dt.date) and kept == now)


def scoped_tables(
    con: ibis.BaseBackend, data: LoadedData, ctx: Context, as_of: dt.date | None = None
) -> dict[str, ir.Table]:
    """Each loaded table in DuckDB, without the rows its table scope excludes. Tables whose
    scope follows a link (a claim's toewijzing) come after the tables they link to, so a
    claim for a removed indication is excluded too.

    In process, DuckDB reads the tables the load left in it (or Arrow tables in place: no
    copy). A scoped table that takes work (the latest version of each row, a scope through
    a link) is computed once and kept, so every measure of the run starts from the same
    rows instead of recomputing them; a plain filter stays a view. A database or Spark
    keeps them as views of its own tables."""
    sources = data.relations if data.backend is not None else _arrow_views(con, data)
    single = getattr(data.tables, "single_version", None)
    if single is None:  # a database's tables, or Arrow tables handed over: not yet known
        single = _single_versions(con, sources, ctx) if data.backend is None else frozenset()
    raw: dict[str, ir.Table] = {}
    versioned: set[str] = set()  # their latest versions computed (not merely filtered)
    for name, rel in sources.items():
        schema_table = ctx.schema.table(name)
        declared = _with_declared(rel, schema_table)
        raw[name], latest = _known_on(declared, schema_table, as_of, name in single)
        if latest:
            versioned.add(name)
    tables: dict[str, ir.Table] = {}
    linked_last = sorted(raw, key=lambda n: bool(_scope_links(ctx, n)))
    for name in linked_last:
        table, schema_table = raw[name], ctx.schema.table(name)
        conditions = ctx.library.scopes.get(name, ())
        if conditions and schema_table is not None:
            scoped = Context(ctx.schema, ctx.library, tables, ctx.semi_joins)
            rows = with_links(table, schema_table, list(conditions), None, scoped)
            keep = ~compile_condition(
                ast_and(list(conditions)), Env(schema_table, None, rows, scoped)
            )
            table = rows.filter(keep).select(*table.columns)
        # computed once where that saves work (the latest versions, a scope through a
        # link); a plain filter stays a view, which DuckDB pushes into every scan
        if data.backend is None and (name in versioned or _scope_links(ctx, name)):
            table = con.create_table(unique_name(con.con, f"scoped_{name}"), table, temp=True)
        tables[name] = table
    return merged_tables_in(con, data, ctx, tables)  # and those derived: 'table T merges S'


def _with_declared(table: ir.Table, schema_table: Table | None) -> ir.Table:
    """The table with every column its schema declares: one the data handed over lacks
    (Arrow tables made without it, a database table from before a column was declared) is
    empty in every row, as a CSV file without that column is read (a required column
    never is: the load refuses a table without it)."""
    if schema_table is None:
        return table
    missing = {
        c.name: ibis.null(IBIS_TYPES[c.type])
        for c in schema_table.columns
        if c.name not in table.columns and c.type in IBIS_TYPES
    }
    return table.mutate(**missing) if missing else table


def _arrow_views(con: ibis.BaseBackend, data: LoadedData) -> dict[str, ir.Table]:
    """The loaded tables in DuckDB: the load's own tables, or views over Arrow memory (read
    in place)."""
    tables = data.tables
    if isinstance(tables, DuckTables) and tables.con is con.con:  # type: ignore[attr-defined]
        return {name: con.table(relation) for name, relation in tables.relations.items()}
    views = {}
    for name, arrow in tables.items():
        view = unique_name(con.con, f"loaded_{name}")
        con.con.register(view, arrow)  # type: ignore[attr-defined]
        views[name] = con.table(view)
    return views


def _single_versions(
    con: ibis.BaseBackend, tables: dict[str, ir.Table], ctx: Context
) -> frozenset[str]:
    """The tables with history in which no key occurs twice, as the load finds them for a
    file (``validate_keys``): there is no later version of a row to choose, so the latest
    versions need not be computed and kept. Asked in DuckDB, one query per such table."""
    single = set()
    for name, table in tables.items():
        schema_table = ctx.schema.table(name)
        if schema_table is None or schema_table.history is None or not schema_table.key:
            continue
        if any(k not in table.columns for k in schema_table.key):
            continue  # an empty key column: its rows share the key (versions)
        key = ", ".join(ident(k) for k in schema_table.key)
        query = (
            f"SELECT NOT EXISTS (SELECT 1 FROM {ident(table.get_name())} GROUP BY {key} "
            "HAVING count(*) > 1)"
        )
        if con.con.execute(query).fetchall()[0][0]:  # type: ignore[attr-defined]
            single.add(name)
    return frozenset(single)


def _known_on(
    table: ir.Table, schema_table: Table | None, as_of: dt.date | None, single: bool = False
) -> tuple[ir.Table, bool]:
    """The rows as known on ``as_of`` (by default: now), and whether the latest versions
    were chosen (a window over the whole table, worth computing once). Where a table keeps
    history, rows sharing a key are versions of one row: the latest version registered by
    then wins (rows without a registration time count as the earliest version).
    ``single``: every key occurs once, so there is no later version to prefer."""
    history = schema_table.history if schema_table is not None else None
    if schema_table is None or history is None or history not in table.columns:
        return table, False
    if as_of is not None:
        limit = ibis.literal(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()))
        table = table.filter(table[history].isnull() | (table[history] < limit))
    if single:
        return table, False
    key = [table[k] for k in schema_table.key]
    order = ibis.desc(table[history].fill_null(_EARLIEST))
    latest = ibis.row_number().over(group_by=key, order_by=order)
    table = table.mutate(__version=latest)
    return table.filter(table["__version"] == 0).drop("__version"), True


_EARLIEST = dt.datetime(1, 1, 1)


def _scope_links(ctx: Context, table: str) -> bool:
    schema_table = ctx.schema.table(table)
    return schema_table is not None and any(
        "." in n.name
        for c in ctx.library.scopes.get(table, ())
        for n in walk(c)
        if isinstance(n, ast.NameRef)
    )


def periods_table(periods: Sequence[Period]) -> ir.Table:
    return ibis.memtable(periods_arrow(periods))


def periods_arrow(periods: Sequence[Period]) -> pa.Table:
    """The periods: label, first and last day, and the first day of the period's year."""
    return pa.table(
        {
            PERIOD: pa.array([p.label for p in periods], pa.string()),
            BEGIN: pa.array([p.begin for p in periods], pa.date32()),
            END: pa.array([p.end for p in periods], pa.date32()),
            YEAR_BEGIN: pa.array([year_start(p) for p in periods], pa.date32()),
        }
    )
