"""plans: each measure's compiled SQL kept on disk, so a run on unchanged definitions, over
tables of the same names and columns, neither builds nor compiles its plans again.

Building a measure's relational expression and compiling it with Ibis costs 10-30 ms per
measure: at 10^5 rows about as long as running it (the whole library: 1.9 s of 4.5 s).
A plan's SQL depends on nothing but its key, never on the rows:

- of the run (``run_key``): the versions of maatstaf, Python, Ibis, sqlglot and DuckDB;
  the bytes of every module of the engine and the language; the schema; every parameter
  and dimension of the library; whether the backend has SEMI/ANTI joins;
- of the plan (``plan_key``): the measure version as the library holds it (its text,
  conditions and dimensions, the dimensions a run adds included) and the grain (or none:
  spans, or periods of several grains), never the periods themselves: a plan reads them
  from the view ``maatstaf_periods``, pointed at its run's periods before it runs, so a
  run for other periods of the same grain (the next quarter's report) compiles nothing;
- checked before a kept plan is used: each table it read when it was compiled, by its
  columns and the SQL that defines it (``Plans.signature``: a scope kept as a view, the
  latest versions, a merged table's view), and each table it asked for and found
  missing, still missing. The other tables are no part of it: a run whose data has a
  table more or less (another municipality's export, a report on part of the tables)
  is served the plans of the measures that do not read it. A plan key keeps up to
  ``VARIANTS`` plans, one per state of the tables it read (the newest first): runs that
  take turns on two exports, one with a table the other lacks, compile each plan once,
  not at every turn.

Anything else changed, and the plan is built and compiled as before. The periods are a
table named after its contents, read through that view (``Plans.periods``); a merged
table is named after its view's SQL (``merge``) and the other tables a load or run makes
are numbered per connection and name (``duck.unique_name``), so a plan names the same
tables in every process, whatever other tables the data has, and in every run of one
process on tables handed over as Arrow (each in a connection of its own). A plan reading
one of Ibis's in-memory tables is never kept.

Only in process on DuckDB (a database or Spark compiles as before). Entries are JSON in
the library's cache folder (``dsl.cache``: written whole, checked on reading, the newest
kept, ``MAATSTAF_CACHE_DIR=off`` turns it off); one holds a run's plans and at most
``KEEP_PLANS`` (variants counted). A plan from disk and one compiled now run through the
same code (``Plans.execute``): DuckDB's result converted to a frame by the plan's column
types, as Ibis's DuckDB backend converts it (``plan_frame``).
"""

from __future__ import annotations

import hashlib
import json
import sys
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pandas as pd

from maatstaf.adapters.duck import arrow_once, unique_name
from maatstaf.dsl import codec
from maatstaf.dsl.cache import LibraryCache, cache_folder
from maatstaf.dsl.model import MeasureVersion
from maatstaf.engine.compile import Context
from maatstaf.engine.merge import Uses, _ComputedOnUse
from maatstaf.engine.periods import Period
from maatstaf.engine.plan_frame import as_frame, schema_of
from maatstaf.engine.tables import periods_arrow

MAGIC = "maatstaf-plans 3"
PREFIX = "plans-"
KEEP_PLANS = 1000  # plans in one entry (the whole library for about ten period ranges)
VARIANTS = 4  # plans of one key, each for another state of the tables it reads
_CODE = (Path(__file__).parent, Path(codec.__file__).parent)  # the engine, the language


MISSING = ""  # the signature of a table a plan asked for and found missing
PERIODS = "maatstaf_periods"  # the view a kept plan reads its periods from
# per connection: the table of periods its view maatstaf_periods shows now
_showing: weakref.WeakKeyDictionary[object, str] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Plan:
    """A query and its result's columns (name, Ibis type); ``expr`` when compiled in this
    run (it registers Ibis's in-memory tables before it runs); ``periods``: the table of
    periods the view ``maatstaf_periods`` shows while it runs (not kept)."""

    sql: str
    columns: tuple[tuple[str, str], ...]
    # each table it reads, and its signature; each it asked for and found missing, MISSING
    tables: tuple[tuple[str, str], ...] = ()
    expr: ir.Table | None = None
    periods: str | None = None

    def as_json(self) -> dict:
        return {
            "sql": self.sql,
            "columns": [list(c) for c in self.columns],
            "tables": [list(t) for t in self.tables],
        }

    @classmethod
    def from_json(cls, data: dict) -> Plan:
        return cls(
            str(data["sql"]),
            tuple((str(n), str(t)) for n, t in data["columns"]),
            tuple((str(n), str(s)) for n, s in data["tables"]),
        )


@dataclass
class Plans:
    """The plans of one run: those read from disk and those compiled in it."""

    con: ibis.BaseBackend
    tables: _ComputedOnUse | None = None
    cache: LibraryCache | None = None
    key: str | None = None
    known: dict[str, list[Plan]] = field(default_factory=dict)  # per key, newest first
    added: int = 0
    replayed: int = 0
    used: set[str] = field(default_factory=set)  # the keys of this run's plans
    _periods: dict[tuple, str] = field(default_factory=dict)  # periods -> their table
    _signatures: dict[str, str] = field(default_factory=dict)
    _view: ir.Table | None = None  # maatstaf_periods, once made
    _asked: str | None = None  # the table of the periods last asked for: the next plan's

    @classmethod
    def open(cls, con: ibis.BaseBackend, ctx: Context, in_process: bool) -> Plans:
        """The run's plans; with the cache off, or outside DuckDB in process, none are
        read or kept (every plan is compiled, and run through Ibis where it is not
        DuckDB)."""
        folder, tables = cache_folder(), ctx.tables
        if folder is None or not in_process or con.name != "duckdb":
            return cls(con)
        if not isinstance(tables, _ComputedOnUse):  # always so in process; else compiled
            return cls(con)
        cache = LibraryCache(folder, PREFIX)
        key = run_key(ctx)
        known: dict[str, list[Plan]] = {}
        payload = cache.read(key)
        if payload is not None:
            try:
                known = {k: [Plan.from_json(p) for p in v] for k, v in json.loads(payload).items()}
            except (ValueError, TypeError, KeyError, AttributeError):
                known = {}  # not an entry of this layout: rebuilt
        return cls(con, tables, cache, key, known)

    def periods(self, periods: Sequence[Period]) -> ir.Table:
        """The periods as a table; with the cache on, the view ``maatstaf_periods``, now
        showing a table named after the periods. The plans made next read these periods:
        each tells ``execute`` which to show while it runs."""
        arrow = periods_arrow(periods)
        if self.cache is None:
            return ibis.memtable(arrow)
        raw = self.con.con  # type: ignore[attr-defined]
        name = self._periods.get(tuple(periods))
        if name is None:
            digest = hashlib.sha256()
            for column in arrow.columns:
                digest.update(repr(column.to_pylist()).encode())
            name = f"maatstaf_periods_{digest.hexdigest()[:20]}"
            source = unique_name(raw, "periods_arrow")
            raw.register(source, arrow)
            try:
                raw.execute(f'CREATE TEMP TABLE IF NOT EXISTS "{name}" AS SELECT * FROM {source}')
            finally:
                raw.unregister(source)
            self._periods[tuple(periods)] = name
        self._asked = name
        self._show(name)
        if self._view is None:
            self._view = self.con.table(PERIODS)
        return self._view

    def _show(self, name: str) -> None:
        """Point the view ``maatstaf_periods`` at the table of periods ``name`` (what it
        shows is the connection's: the runs of a report share one)."""
        raw = self.con.con  # type: ignore[attr-defined]
        if _showing.get(raw) != name:
            raw.execute(f'CREATE OR REPLACE TEMP VIEW "{PERIODS}" AS SELECT * FROM "{name}"')
            _showing[raw] = name

    def plan(self, parts: Sequence[object], build: Callable[[], ir.Table | None]) -> Plan | None:
        """The plan for these key parts: from disk, else ``build()`` compiled now (None
        when it builds none). A CompileError of ``build`` is the caller's."""
        if self.tables is None or self.key is None:
            expr = build()
            return None if expr is None else Plan("", _columns(expr.as_table()), (), expr)
        key = plan_key(parts)
        variants = self.known.get(key, [])
        known = next((v for v in variants if all(self._holds(n, s) for n, s in v.tables)), None)
        if known is not None:
            for name, signature in known.tables:
                if signature != MISSING:
                    self.tables[name]  # a merged table it reads is made now, as compiling would
            self.replayed += 1
            self.used.add(key)
            return replace(known, periods=self._asked)
        self.tables.watching = uses = Uses()
        try:
            expr = build()
        finally:
            self.tables.watching = None
        if expr is None:
            return None
        table = expr.as_table()
        columns = _columns(table)
        self.con._run_pre_execute_hooks(table)  # its in-memory tables, registered
        sql = str(self.con.compile(table))
        tables = tuple(
            sorted(
                [(n, self.signature(n)) for n in uses.read]
                + [(n, MISSING) for n in uses.missing - uses.read]
            )
        )
        plan = Plan(sql, columns, tables, table, self._asked)
        if not table.op().find(ops.InMemoryTable) and _round_trips(columns):
            others = [v for v in variants if v.tables != tables]  # another state of them
            self.known[key] = [Plan(sql, columns, tables), *others][:VARIANTS]
            self.used.add(key)
            self.added += 1
        return plan

    def _holds(self, name: str, signature: str) -> bool:
        """Whether a table is as a kept plan found it: missing, or there, defined alike."""
        assert self.tables is not None
        if signature == MISSING:
            return name not in self.tables
        return name in self.tables and self.signature(name) == signature

    def signature(self, name: str) -> str:
        """What a plan reading this table depends on: its columns and the SQL defining
        it (a merged table's view, whether it is a table yet or not)."""
        assert self.tables is not None
        if name not in self._signatures:
            table, sql = self.tables.definition(name)
            text = f"{table.schema()}\n{sql}"
            self._signatures[name] = hashlib.sha256(text.encode()).hexdigest()
        return self._signatures[name]

    def execute(self, plan: Plan) -> pd.DataFrame:
        """The plan's result as a frame: through Ibis off DuckDB; on DuckDB its SQL run and
        converted as Ibis's DuckDB backend converts a result (``Backend.execute``)."""
        if self.cache is None:
            assert plan.expr is not None
            return self.con.execute(plan.expr)
        if plan.periods is not None:
            self._show(plan.periods)
        result = arrow_once(self.con.con, plan.sql)  # type: ignore[attr-defined]
        return as_frame(result, plan.columns)

    def save(self) -> None:
        """Keep the plans compiled in this run with those read (nothing when none is new)."""
        if self.cache is None or self.key is None or not self.added:
            return
        # an entry holds this run's plans and, up to KEEP_PLANS, those of earlier runs
        # (other periods): it never grows with every range a user asks for
        room = KEEP_PLANS - sum(len(self.known[k]) for k in self.used)
        others = []
        for k in (k for k in self.known if k not in self.used):
            room -= len(self.known[k])
            if room < 0:
                break
            others.append(k)
        kept = {k: [p.as_json() for p in self.known[k]] for k in [*self.used, *others]}
        payload = json.dumps(kept, sort_keys=True)
        self.cache.write(self.key, payload.encode())


def _round_trips(columns: tuple[tuple[str, str], ...]) -> bool:
    """Every column type reads back as itself from its text (else the plan is not kept)."""
    try:
        return _columns(ibis.table(schema_of(columns))) == columns
    except Exception:
        return False


def _columns(table: ir.Table) -> tuple[tuple[str, str], ...]:
    return tuple((name, str(dtype)) for name, dtype in table.schema().items())


def run_key(ctx: Context) -> str:
    """The hash of what every plan of a run depends on besides the plan's own parts (see
    the module)."""
    import duckdb
    import sqlglot

    from maatstaf import __version__

    parts: list[object] = [MAGIC, __version__, sys.version, ibis.__version__]
    parts += [sqlglot.__version__, duckdb.__version__, _code_digest()]
    parts += [ctx.schema.model_dump_json(), ctx.semi_joins]
    library = ctx.library
    parts.append(codec.dumps({"parameters": library.parameters, "dims": library.dimensions}))
    return _digest(parts)


def plan_key(parts: Sequence[object]) -> str:
    return _digest([codec.dumps(p) if isinstance(p, MeasureVersion) else repr(p) for p in parts])


_code: list[str] = []


def _code_digest() -> str:
    """The hash of every module of the engine and the language (read once a process)."""
    if not _code:
        digest = hashlib.sha256()
        for folder in _CODE:
            for module in sorted(folder.iterdir()):
                if module.suffix in (".py", ".lark"):
                    digest.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
        _code.append(digest.hexdigest())
    return _code[0]


def _digest(parts: Sequence[object]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode()
        digest.update(len(data).to_bytes(8, "big") + data)  # no two parts run together
    return digest.hexdigest()
