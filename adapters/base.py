"""What every adapter returns: typed canonical tables plus the rows it rejected, with reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import pyarrow as pa
from pydantic import BaseModel, ConfigDict


class RejectedRow(BaseModel):
    """One input row that was not used, and why.

    ``row`` is the line number in the source file (the header is line 1), or the
    spreadsheet row; ``column`` is the column that failed (None for a whole-row reason).
    ``value`` is the offending cell, never shown for personal columns (client ids).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    table: str
    file: str
    row: int
    column: str | None
    reason: str
    value: str | None = None

    def render(self) -> str:
        where = f"{self.file}:{self.row}"
        col = f", column '{self.column}'" if self.column else ""
        val = f" (value {self.value!r})" if self.value is not None else ""
        return f"{where}{col}: {self.reason}{val}"


class RejectionCount(BaseModel):
    """How many rejections one rule made in one table: exact, however many were sampled.

    ``reason`` is the reason without its row-specific detail (``duplicate key``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    table: str
    file: str
    column: str | None
    reason: str
    rows: int


class TableStats(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    table: str
    file: str
    rows_read: int
    rows_accepted: int


@dataclass(frozen=True)
class LoadedData:
    """The canonical tables an adapter delivers.

    ``tables`` holds one Arrow table per canonical table that the source has, with the
    canonical column names and types (text -> string, date -> date32, timestamp ->
    timestamp[us], decimal -> decimal128(18, 2) or float64 for volumes, integer -> int64);
    optional columns the source lacks are present and all-null.

    ``rejected`` is a bounded sample of the rejections (at most 20 per table, column and
    reason); ``quarantine`` holds every one of them as an Arrow table (columns table, file,
    row, column, reason, value, kind), ``rejection_counts`` their exact numbers per table,
    column and reason, and ``rejected_row_count`` the number of distinct rejected rows.
    An adapter that lists only ``rejected`` gets the other three derived from it.
    """

    tables: Mapping[str, pa.Table]
    rejected: tuple[RejectedRow, ...] = ()
    stats: tuple[TableStats, ...] = ()
    fingerprint: str = ""
    errors: tuple[str, ...] = field(default=())
    # A source that computes in place (a database): the Ibis backend and, per table, the
    # validated relation in it. The engine then runs there instead of copying rows out.
    backend: object | None = None
    relations: dict[str, object] = field(default_factory=dict)
    quarantine: pa.Table | None = None
    rejection_counts: tuple[RejectionCount, ...] = ()
    rejected_row_count: int = 0

    def __post_init__(self) -> None:
        if self.quarantine is not None or not self.rejected:
            return
        from maatstaf.adapters import quarantine

        every = quarantine.from_rows(self.rejected)
        object.__setattr__(self, "quarantine", every)
        object.__setattr__(self, "rejection_counts", quarantine.counts(every))
        object.__setattr__(self, "rejected_row_count", quarantine.rejected_rows(every))

    @property
    def table_names(self) -> list[str]:
        return list(self.relations) if self.backend is not None else list(self.tables)

    @property
    def has_rows(self) -> bool:
        if self.backend is not None:
            return any(s.rows_accepted for s in self.stats)
        rows = getattr(self.tables, "rows", None)  # kept in DuckDB: counted by the load
        if rows is not None:
            return any(rows.values())
        return any(t.num_rows for t in self.tables.values())


class LoadError(Exception):
    """A source that cannot be used at all (missing file, missing required column)."""


@runtime_checkable
class Adapter(Protocol):
    name: str

    def load(self, location: str) -> LoadedData: ...
