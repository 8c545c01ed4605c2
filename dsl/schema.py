"""The table schema as frozen pydantic models, and the canonical one: the standard tables
as ``definitions/standaardtabellen.kpi`` declares them (``table toewijzingen { ... }``).

The resolver uses it to type-check definitions and suggest column names; the adapters use
it to validate and type the rows they load. A library's own schema adds the tables its
files declare (``dsl/table_decl.py``).
"""

from __future__ import annotations

import contextlib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

ColumnType = Literal["text", "date", "timestamp", "decimal", "integer"]
# The column types as the engine's Ibis plans and DuckDB's SQL spell them: one place, so a
# loaded column and a column the data lacks (filled with NULL) always have the same type.
IBIS_TYPES: dict[str, str] = {
    "text": "string",
    "date": "date",
    "timestamp": "timestamp",
    "decimal": "decimal(18, 2)",
    "integer": "int64",
}
SQL_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "decimal": "DECIMAL(18, 2)",
    "integer": "BIGINT",
}

# The standard tables' declarations in the standard library, and the name messages show.
CANONICAL_FILE = "standaardtabellen.kpi"
CANONICAL_NAME = f"definitions/{CANONICAL_FILE}"
SCHEMA_PREFIX = "schema-"  # its cache entries (dsl/cache.py)


class Column(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    type: ColumnType
    required: bool = False
    personal: bool = False
    references: str | None = None
    values: tuple[str, ...] | None = None


class Link(BaseModel):
    """``client`` on toewijzingen: the clienten row whose key equals toewijzingen.client_id."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    column: str
    table: str


class Table(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str = ""
    key: tuple[str, ...] = ()
    history: str | None = None
    period: tuple[str, str] | None = None
    groups: dict[str, tuple[str, ...]] = {}
    links: tuple[Link, ...] = ()
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def link(self, name: str) -> Link | None:
        return next((link for link in self.links if link.name == name), None)

    def expand(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """Column names with every group name replaced by its columns."""
        return tuple(c for n in names for c in self.groups.get(n, (n,)))

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


class Schema(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    tables: tuple[Table, ...]

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)


def canonical_source() -> bytes:
    """The bytes of the standard tables' declarations (``CANONICAL_FILE``)."""
    return resources.files("maatstaf.definitions").joinpath(CANONICAL_FILE).read_bytes()


@cache
def canonical_schema() -> Schema:
    """The standard tables, as ``definitions/standaardtabellen.kpi`` declares them: that one
    file parsed (never the whole standard library), or its schema read from the cache
    (``dsl/cache.py``) under the hash of its bytes and of the language's modules."""
    from maatstaf.dsl.cache import LibraryCache, Source, cache_folder, library_key

    data = canonical_source()
    folder = cache_folder()
    if folder is None:
        return _declared(data)
    path = Path(str(resources.files("maatstaf.definitions"))) / CANONICAL_FILE
    store = LibraryCache(folder, SCHEMA_PREFIX)
    key = library_key([Source(CANONICAL_NAME, path, data)], "canonical schema", b"")
    payload = store.read(key)
    if payload is not None:
        from maatstaf.dsl import codec

        with contextlib.suppress(codec.CodecError):
            found = codec.loads(payload)
            if isinstance(found, Schema):
                return found
    schema = _declared(data)
    store.write(key, _dumps(schema))
    return schema


def _declared(data: bytes) -> Schema:
    from maatstaf.dsl.table_decl import declared_schema

    return declared_schema(data.decode("utf-8-sig"), CANONICAL_NAME)


def _dumps(schema: Schema) -> bytes:
    from maatstaf.dsl import codec

    return codec.dumps(schema)
