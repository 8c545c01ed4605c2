"""coverage: how far each table's data reaches, so a report says "nog niet bijgewerkt"
instead of counting nothing for a period its data does not cover yet."""

from __future__ import annotations

import datetime as dt

import pyarrow.compute as pc

from maatstaf.adapters.base import LoadedData
from maatstaf.adapters.duck import DuckTables
from maatstaf.dsl import ast
from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.dsl.schema import Schema, Table


def event_column(table: Table) -> str | None:
    """The date a row's event happens on (an indication's start, a claim's period start, a
    request's receipt): the start of the table's period, else its first required date.
    Tables of registrations (with a period or a history) decide coverage; others
    (clienten, populatie) do not."""
    if table.period is not None:
        return table.period[0]
    if table.history is None:
        return None
    return next((c.name for c in table.columns if c.type == "date" and c.required), None)


def last_dates(data: LoadedData, schema: Schema) -> dict[str, dt.date | None]:
    """Per table of registrations: the latest event date in the data (None: no rows)."""
    found: dict[str, dt.date | None] = {}
    for table in schema.tables:
        column = event_column(table)
        if column is None:
            continue
        if data.backend is not None and table.name in data.relations:
            rel = data.relations[table.name]
            found[table.name] = rel[column].max().execute()  # type: ignore[attr-defined]
        elif isinstance(data.tables, DuckTables) and table.name in data.tables:
            found[table.name] = data.tables.min_max(table.name, column)[1]  # no copy out
        elif table.name in data.tables and column in data.tables[table.name].column_names:
            found[table.name] = pc.max(data.tables[table.name][column]).as_py()
    return found


def source_tables(library: Library, version: MeasureVersion, depth: int = 0) -> set[str]:
    """The tables a version reads, through the measures it is computed from."""
    tables = set(version.tables)
    if depth > 20:
        return tables
    names = set(version.depends_on)
    if isinstance(version.aggregate, ast.SameAs):
        names.add(version.aggregate.measure)
    for name in names:
        measure = library.measures.get(name)
        if measure is not None:
            for other in measure.versions:
                tables |= source_tables(library, other, depth + 1)
    return tables


def covered_until(
    library: Library, version: MeasureVersion, last: dict[str, dt.date | None]
) -> dt.date | bool | None:
    """The last day every source table of registrations reaches (True: no such table)."""
    dates = [last[t] for t in sorted(source_tables(library, version)) if t in last]
    if not dates:
        return True
    if any(d is None for d in dates):
        return None
    return min(d for d in dates if d is not None)
