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

from collections.abc import Iterable

from pydantic import Field

from maatstaf.dsl import ast
from maatstaf.dsl.errors import Diagnostic, Span, did_you_mean
from maatstaf.dsl.schema import Column, Link, Schema, Table, canonical_schema
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
    # where the source and each per/keep name stand, for the checks against the schema
    spans: dict[str, Span] = Field(default_factory=dict)


def merged_definition(
    name: str,
    source: str,
    description: str,
    where: ast.Condition | None,
    per: tuple[str, ...],
    gap_days: int | None,
    keep: tuple[str, ...],
    spans: dict[str, Span] | None = None,
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
        spans=spans or {},
    )


def merged_tables(schema_tables: tuple[Table, ...]) -> list[MergedTable]:
    return [t for t in schema_tables if isinstance(t, MergedTable)]


def check_merged(
    schema: Schema, dimensions: dict[str, ast.DimensionDecl], parameters: Iterable[str] = ()
) -> list[Diagnostic]:
    """Every name a merged table uses, against the table it merges: the source exists and
    has dates, each per/keep name is a column or a named dimension of it, each column its
    ``where`` names exists. Every problem at once, each at its place."""
    problems: list[Diagnostic] = []
    for table in merged_tables(schema.tables):
        source = schema.table(table.source)
        if source is None:
            names = [t.name for t in schema.tables if not isinstance(t, MergedTable)]
            message = f"unknown table '{table.source}' to merge"
            hint = did_you_mean(table.source, names)
            problems.append(Diagnostic(message=message, span=table.spans["source"], hint=hint))
            continue
        if source.period is None:
            message = f"table '{source.name}' has no start and end date, so it has no runs"
            problems.append(Diagnostic(message=message, span=table.spans["source"]))
        own = {n for n, d in dimensions.items() if d.table == source.name}
        for name in (*table.per, *table.keep):
            if source.column(name) is None and name not in own:
                known = [*source.column_names, *sorted(own)]
                problems.append(
                    Diagnostic(
                        message=f"unknown column or dimension '{name}' in table '{source.name}'",
                        span=table.spans[f"column:{name}"],
                        hint=did_you_mean(name, known),
                    )
                )
        problems += _where_names(table, source, set(parameters), schema)
    return problems


def _where_names(
    table: MergedTable, source: Table, parameters: set[str], schema: Schema
) -> list[Diagnostic]:
    found = []
    for node in _names(table.where):
        if node.name in parameters:
            continue
        first, _, rest = node.name.partition(".")
        link = source.link(first) if rest else None
        if rest and link is None:
            names = [lk.name for lk in source.links]
            hint = did_you_mean(first, names)
            found.append(Diagnostic(message=f"unknown link '{first}'", span=node.span, hint=hint))
        elif link is not None and (target := schema.table(link.table)) is not None:
            if target.column(rest) is None:
                message = f"unknown column '{rest}' in table '{target.name}'"
                hint = did_you_mean(rest, target.column_names)
                found.append(Diagnostic(message=message, span=node.span, hint=hint))
        elif not rest and source.column(first) is None:
            message = f"unknown column '{first}' in table '{source.name}'"
            hint = did_you_mean(first, source.column_names)
            found.append(Diagnostic(message=message, span=node.span, hint=hint))
    return found


def _names(node: object) -> list[ast.NameRef]:
    if isinstance(node, ast.NameRef):
        return [node]
    if isinstance(node, ast.Exists):  # names inside an exists belong to its own rows
        return []
    if isinstance(node, ast.Node):
        return [n for _, value in node for n in _names(value)]
    if isinstance(node, tuple):
        return [n for item in node for n in _names(item)]
    return []


class MergedTableDecl(TableDecl):
    """A ``table T merges S`` block: a declared table whose definition is a MergedTable."""
