"""duck: the DuckDB database a load fills and the engine computes in, in this process.

A CSV or Parquet folder is read by DuckDB's own readers straight into this database, and
validated there (``validate_sql``); the engine then runs its plans on the same tables, so
rows are never copied between Arrow and DuckDB. ``DuckTables`` hands a table to code that
wants Arrow (Spark, ``tables``, tests) only when asked, once.
"""

from __future__ import annotations

import os
import re
import threading
import warnings
import weakref
from collections.abc import Iterator, Mapping
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from maatstaf.adapters.base import LoadError

# per connection and stem: the names a load or run made in it are numbered from 0, so the
# same work in a fresh connection names the same tables (a kept plan names them:
# ``engine/plans.py``), whichever other tables were made before them
_names: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, dict[str, int]] = (
    weakref.WeakKeyDictionary()
)


def connect() -> duckdb.DuckDBPyConnection:
    """A fresh connection to the process's in-memory database, its memory capped by
    MAATSTAF_MEMORY_LIMIT (e.g. 8GB; beyond it DuckDB spills to disk or stops with a
    message). Arrow tables registered in it (a load's checked rows) are outside the cap.

    Every load and run makes its tables temporary (or registers Arrow tables), and those
    belong to the connection that made them: no other connection sees them, and they go
    with it. So a connection is as empty as a new database, and costs no new database
    (about 40 ms each: its catalogue of functions is built anew). The cap is the
    database's, set anew at every connection from the environment of the moment."""
    limit = os.environ.get("MAATSTAF_MEMORY_LIMIT")
    size = memory_size(limit) if limit else None
    with _lock:
        global _database
        if _database is None:
            _database = duckdb.connect()
        con = _database.cursor()
    con.execute(f"SET memory_limit = '{size}'" if size else "RESET memory_limit")
    return con


_database: duckdb.DuckDBPyConnection | None = None
_lock = threading.Lock()
# databases inherited through a fork: never closed in the child, since closing one there
# joins threads that did not come along and crashes the child (one that a subprocess with
# a preexec_fn, such as Spark's gateway, runs between fork and exec)
_inherited: list[duckdb.DuckDBPyConnection] = []


def close_database() -> None:
    """Close the process's database, its connections with it: DuckDB removes the files it
    spilled to (``.tmp`` in the working folder) when it closes. The console command calls
    this when it is done; a later ``connect`` opens a new database."""
    global _database
    with _lock:
        if _database is not None:
            _database.close()
            _database = None


def _forget_database() -> None:
    """A forked process makes a database of its own (DuckDB's threads do not survive a
    fork); the parent's it keeps, unused and never closed."""
    global _database, _lock
    if _database is not None:
        _inherited.append(_database)
    _database, _lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_database)


def memory_size(text: str) -> str:
    """A memory size such as 8GB or 512MB (checked, since it goes into a setting)."""
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", text.strip()):
        raise LoadError(f"MAATSTAF_MEMORY_LIMIT={text!r}: write a size such as 8GB or 512MB")
    return text.strip()


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The one value a query returns (its result read to the end, as DuckDB asks before
    the next statement on the connection)."""
    rows = con.execute(sql).fetchall()
    return rows[0][0] if rows else None


def arrow_once(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    """A query's result as Arrow, the query parsed, bound and planned once.

    A relation (``con.sql(sql).to_arrow_table()``) binds its query twice: once to describe
    its columns, when it is made, and again to run it. For a plan (several kilobytes of
    SQL, a result of figures) the first bind costs about as much as running it on small
    tables: the standard library on the sample spent 0.46-0.52 s of 1.6-1.8 s in it. A
    DB-API result binds once but copies its rows once more into Arrow (DuckDB warns of
    that): nothing for a result of figures, 15-50 ms for 10^6 rows of 10 columns, so the
    load's large results stay relations."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Arrow output on a DB-API result", UserWarning)
        return con.execute(sql).to_arrow_table()


def unique_name(con: duckdb.DuckDBPyConnection, stem: str) -> str:
    """A table name nothing else in connection ``con`` uses: the stem and how many names
    with that stem were asked for in it before. So a load or run in a fresh connection
    names its tables as every other does, and a table's name does not depend on the other
    tables made before it (loaded_toewijzingen_0 with or without a table clienten): a
    plan kept in a run on other tables names the same ones. The number follows the last
    underscore, so two stems never give one name."""
    stem = re.sub(r"[^0-9A-Za-z_]", "_", stem)
    names = _names.setdefault(con, {})
    number = names.get(stem, 0)
    names[stem] = number + 1
    return f"{stem}_{number}"


def ident(name: str) -> str:
    """A quoted SQL identifier (a column name from a header may hold anything)."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


class DuckTables(Mapping[str, pa.Table]):
    """The loaded tables, kept in DuckDB: ``relations`` maps each canonical table to its
    table in ``con``. Reading one as Arrow copies it out (once, cached)."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        relations: dict[str, str],
        rows: dict[str, int],
        single_version: frozenset[str] = frozenset(),
    ) -> None:
        self.con = con
        self.relations = relations
        self.rows = rows
        self.single_version = single_version  # tables in which no key occurs twice
        self._arrow: dict[str, pa.Table] = {}

    def __getitem__(self, name: str) -> pa.Table:
        if name not in self.relations:
            raise KeyError(name)
        if name not in self._arrow:
            relation = ident(self.relations[name])
            self._arrow[name] = self.con.sql(f"SELECT * FROM {relation}").to_arrow_table()
        return self._arrow[name]

    def columns(self, name: str) -> list[str]:
        return [
            c[0] for c in self.con.execute(f"DESCRIBE {ident(self.relations[name])}").fetchall()
        ]

    def has_values(self, name: str, column: str) -> bool:
        """Whether any row of table ``name`` has a value in ``column`` (which it has)."""
        relation, cell = ident(self.relations[name]), ident(column)
        return bool(scalar(self.con, f"SELECT count({cell}) > 0 FROM {relation}"))

    def min_max(self, name: str, column: str) -> tuple[Any, Any]:
        """The smallest and largest value of a column (None, None without any)."""
        relation, cell = ident(self.relations[name]), ident(column)
        rows = self.con.execute(f"SELECT min({cell}), max({cell}) FROM {relation}").fetchall()
        return rows[0][0], rows[0][1]

    def __iter__(self) -> Iterator[str]:
        return iter(self.relations)

    def __len__(self) -> int:
        return len(self.relations)


def int64_array(values: np.ndarray) -> pa.Array:
    """Arrow's int64 array over numpy's whole numbers, without a copy and without pandas:
    ``pa.array`` of a numpy array imports pandas to ask whether it is pandas' (0.35 s).
    The load's main thread then waited on the import lock for the whole of pandas, which
    ``run`` imports on a thread of its own meanwhile (``cli.computing.importing``)."""
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])
