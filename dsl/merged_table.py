"""Merged tables: ``table T merges S { where ...  per a, b  overlapping | adjoining within N days }``.

A merged table is derived, never read: the rows of ``S`` that meet ``where`` are merged per
key (the ``per`` columns, or named dimensions of ``S``) into runs, and each run becomes one
row of ``T``. Rows join a run when they overlap it (share a day) or, with ``adjoining``,
when they start at most N days after the day after its latest end (``adjoining`` alone:
the day after). CBS counts its jeugdhulptrajecten and Wmo maatwerkarrangementen this way
(docs/cbs.md).

A row of ``T`` has the ``per`` columns, ``startdatum`` (the run's first day),
``einddatum`` (its last day; empty when a row of the run is open-ended), ``records`` (the
number of rows merged) and each ``keep`` column, taken from the run's last row (the one
that ends last; an open end is last).
"""

from __future__ import annotations

from maatstaf.dsl import ast
from maatstaf.dsl.schema import Column, Link, Table, canonical_schema
from maatstaf.dsl.table_decl import TableDecl

START, END, RECORDS = "startdatum", "einddatum", "records"


class MergedTable(Table):
    """The schema of a merged table, with what it is derived from."""

    source: str
    where: ast.Condition | None = None
    per: tuple[str, ...]
    # None: rows merge only where they overlap; n: also when at most n days lie between
    gap_days: int | None = None
    keep: tuple[str, ...] = ()


def merged_definition(
    name: str,
    source: str,
    description: str,
    where: ast.Condition | None,
    per: tuple[str, ...],
    gap_days: int | None,
    keep: tuple[str, ...],
) -> MergedTable:
    """The columns of a merged table: a ``per`` or ``keep`` column of a canonical table
    keeps its type (a personal column stays personal); a named dimension is text."""
    base = canonical_schema().table(source)

    def column(n: str) -> Column:
        found = base.column(n) if base is not None else None
        return (
            found.model_copy(update={"required": False, "references": None})
            if found
            else (Column(name=n, type="text"))
        )

    columns = (
        *(column(n) for n in per),
        Column(name=START, type="date", required=True),
        Column(name=END, type="date"),
        Column(name=RECORDS, type="integer", required=True),
        *(column(n) for n in keep),
    )
    links = tuple(
        link for link in (base.links if base is not None else ()) if link.column in per
    ) or (
        (Link(name="client", column="client_id", table="clienten"),) if "client_id" in per else ()
    )
    return MergedTable(
        name=name,
        description=description,
        key=(*per, START),
        period=(START, END),
        links=links,
        columns=columns,
        source=source,
        where=where,
        per=per,
        gap_days=gap_days,
        keep=keep,
    )


def merged_tables(schema_tables: tuple[Table, ...]) -> list[MergedTable]:
    return [t for t in schema_tables if isinstance(t, MergedTable)]


class MergedTableDecl(TableDecl):
    """A ``table T merges S`` block: a declared table whose definition is a MergedTable."""
