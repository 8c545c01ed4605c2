"""The databases a run is published into: a DuckDB file (the embedded default) or a
PostgreSQL server, behind one small interface: statements with ``?`` parameters, one
transaction, the columns of a table, and Arrow batches written in bulk (DuckDB reads the
Arrow batch itself; PostgreSQL gets it as CSV through COPY). No row is ever written one
by one from Python.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from maatstaf.renderers.tabular_files import csv_bytes

BATCH_ROWS = 10_000  # rows per bulk write: one INSERT ... SELECT (DuckDB) or COPY (PostgreSQL)
URL_FORMS = (
    "a .duckdb file (figures.duckdb, duckdb:///abs/path.duckdb), a PostgreSQL URL "
    "(postgresql://user@host/db) or env:NAME (the URL from that environment variable)"
)


class PublishError(Exception):
    """The database cannot be published into (unreachable, another schema, a failure)."""


@dataclass(frozen=True)
class Target:
    """Where to publish: the kind of database and how to reach it (never printed with a
    password: ``shown`` is what messages use)."""

    kind: str  # "duckdb" or "postgres"
    location: str  # a file path (duckdb) or a libpq URL (postgres)
    shown: str


def target_of(url: str) -> Target:
    """The database a ``--database`` value names."""
    given = url
    if url.startswith("env:"):
        name = url[4:]
        url = os.environ.get(name, "")
        if not url:
            raise PublishError(f"--database {given}: the environment variable {name} is not set")
    if url.startswith(("postgresql://", "postgres://")):
        return Target("postgres", url, _without_password(url) if given == url else given)
    if url.startswith("duckdb://"):
        path = url.removeprefix("duckdb://")
        if not path:
            raise PublishError(f"--database {given}: give a file, {URL_FORMS}")
        return Target("duckdb", path, given)
    if "://" in url:
        scheme = url.split("://", 1)[0]
        raise PublishError(f"--database {given}: unknown kind of database '{scheme}': {URL_FORMS}")
    return Target("duckdb", url, given)


def _without_password(url: str) -> str:
    head, at, tail = url.rpartition("@")
    if not at or ":" not in head.removeprefix("postgresql://").removeprefix("postgres://"):
        return url
    scheme, _, user = head.partition("://")
    return f"{scheme}://{user.split(':', 1)[0]}:***@{tail}"


class Database(Protocol):
    kind: str

    def execute(self, sql: str, params: Sequence[object] = ()) -> None: ...

    def fetch(self, sql: str, params: Sequence[object] = ()) -> list[tuple]: ...

    def columns(self, table: str) -> list[str]: ...

    def write_batch(self, table: str, batch: pa.Table) -> None: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def close(self) -> None: ...


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_table(database: Database, table: str, rows: pa.Table) -> None:
    """All rows, in batches of ``BATCH_ROWS``, each written in bulk."""
    for batch in rows.to_batches(max_chunksize=BATCH_ROWS):
        database.write_batch(table, pa.Table.from_batches([batch], rows.schema))


class DuckDatabase:
    kind = "duckdb"

    def __init__(self, path: str) -> None:
        import duckdb

        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self.connection = duckdb.connect(str(Path(path).expanduser()))
        except duckdb.Error as exc:
            raise PublishError(f"{path}: cannot open the DuckDB file: {exc}") from None

    def execute(self, sql: str, params: Sequence[object] = ()) -> None:
        self.connection.execute(sql, list(params))

    def fetch(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        return self.connection.execute(sql, list(params)).fetchall()

    def columns(self, table: str) -> list[str]:
        rows = self.fetch(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in rows]

    def write_batch(self, table: str, batch: pa.Table) -> None:
        names = ", ".join(quoted(n) for n in batch.column_names)
        self.connection.register("maatstaf_batch", batch)
        try:
            self.connection.execute(
                f"INSERT INTO {quoted(table)} ({names}) SELECT {names} FROM maatstaf_batch"
            )
        finally:
            self.connection.unregister("maatstaf_batch")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.connection.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()


class PostgresDatabase:
    kind = "postgres"

    def __init__(self, url: str, shown: str) -> None:
        import psycopg

        try:
            self.connection = psycopg.connect(url, connect_timeout=10)
        except psycopg.Error as exc:
            raise PublishError(f"{shown}: cannot connect: {_first_line(exc)}") from None

    def execute(self, sql: str, params: Sequence[object] = ()) -> None:
        self.connection.execute(sql.replace("?", "%s"), list(params))  # type: ignore[arg-type]

    def fetch(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        return self.connection.execute(sql.replace("?", "%s"), list(params)).fetchall()  # type: ignore[arg-type]

    def columns(self, table: str) -> list[str]:
        rows = self.fetch(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in rows]

    def write_batch(self, table: str, batch: pa.Table) -> None:
        """One COPY of the batch as CSV: an empty unquoted field is NULL, ``""`` is ''."""
        names = ", ".join(quoted(n) for n in batch.column_names)
        data = csv_bytes(batch).split(b"\n", 1)[1]  # without the header
        with (
            self.connection.cursor() as cursor,
            cursor.copy(f"COPY {quoted(table)} ({names}) FROM STDIN (FORMAT csv)") as copy,
        ):
            copy.write(data)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.connection.transaction():
            yield

    def close(self) -> None:
        self.connection.close()


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def connect(target: Target) -> Database:
    if target.kind == "postgres":
        return PostgresDatabase(target.location, target.shown)
    return DuckDatabase(target.location)
