"""The canonical table schema (``definitions/schema.yaml``) as frozen pydantic models.

The resolver uses it to type-check definitions and suggest column names; the adapters use
it to validate and type the rows they load.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict

ColumnType = Literal["text", "date", "timestamp", "decimal", "integer"]


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


def parse_schema(text: str) -> Schema:
    import yaml  # only when the canonical schema is read, not when a cached library is

    raw = yaml.safe_load(text)
    tables = []
    for name, spec in raw["tables"].items():
        columns = tuple(Column(name=c, **cspec) for c, cspec in spec["columns"].items())
        tables.append(
            Table(
                name=name,
                description=spec.get("description", ""),
                key=tuple(spec.get("key", ())),
                history=spec.get("history"),
                period=tuple(spec["period"]) if spec.get("period") else None,
                groups={g: tuple(cols) for g, cols in spec.get("groups", {}).items()},
                links=tuple(Link(name=n, **link) for n, link in spec.get("links", {}).items()),
                columns=columns,
            )
        )
    return Schema(tables=tuple(tables))


@cache
def canonical_schema() -> Schema:
    """The schema shipped with the standard library."""
    text = resources.files("maatstaf.definitions").joinpath("schema.yaml").read_text("utf-8")
    return parse_schema(text)
