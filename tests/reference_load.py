"""The previous all-Arrow load (before commit e03064e), kept as the reference the DuckDB
load is compared with in ``tests/test_plain_loading.py``: the exact reader, the header
checks, the open ends, the Arrow validator (``tests/reference_validate``) and its check of
references, which names a rejected row a reference points at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from maatstaf.adapters import csv_folder
from maatstaf.adapters.base import LoadError, TableStats
from maatstaf.adapters.cell_rules import ROW
from maatstaf.adapters.headers import check_header, unknown_columns
from maatstaf.adapters.quarantine import combine
from maatstaf.dsl.schema import Table, canonical_schema
from tests import reference_validate

SCHEMA = canonical_schema()


def any_order(arrow: pa.Table) -> tuple[pa.Schema, list[dict[str, Any]]]:
    """A table's schema and rows, the rows in an order of their own (not the table's)."""
    rows = sorted(arrow.to_pylist(), key=lambda r: [(v is None, repr(v)) for v in r.values()])
    return arrow.schema, rows


OPEN_END = ("9999-12-31", "31-12-9999")


def open_ends(raw: pa.Table, table: Table) -> pa.Table:
    """The end date 9999-12-31 read as empty, as the Arrow load did before it validated
    (``assemble.open_ends`` before commit e03064e; ``validate_sql`` does it itself)."""
    end = table.period[1] if table.period else None
    if end is None or end not in raw.column_names:
        return raw
    marked = pc.is_in(pc.utf8_trim_whitespace(raw[end]), pa.array(OPEN_END))
    cleared = pc.if_else(marked, pa.scalar(None, pa.string()), raw[end])
    return raw.set_column(raw.column_names.index(end), end, cleared)


def previous_load(folder: Path) -> dict[str, Any] | str:
    """The folder loaded as before commit e03064e, all in Arrow: the exact reader, the
    header checks, ``open_ends``, the reference validator, and the reference check of
    references, which names a rejected row a reference points at (``dropped``)."""
    found: dict[str, Any] = {"tables": {}, "warnings": [], "parts": [], "dropped": {}}
    files, read = {}, {}
    try:
        raws = {}
        for table in SCHEMA.tables:
            path = folder / f"{table.name}.csv"
            if path.is_file():
                raws[table.name] = (
                    table,
                    path,
                    *csv_folder.read_csv(path, path.read_bytes(), table),
                )
        errors = []
        for name, (table, path, raw, comma, warnings) in raws.items():
            files[name], read[name] = str(path), raw.num_rows
            header = [c for c in raw.column_names if c != ROW]
            check_header(str(path), header, table)
            problems, notes = unknown_columns(str(path), header, table)
            errors += problems
            raw = raw.select([c for c in raw.column_names if c == ROW or table.column(c)])
            raw, note = previous_open_ends(raw, table, str(path))
            accepted, rejected = reference_validate.validate_table(
                table, raw, str(path), decimal_comma=comma
            )
            found["tables"][name] = accepted
            found["warnings"] += [*notes, *note, *warnings]
            found["parts"].append(rejected.table)
            kept = pc.is_in(raw[ROW], accepted[ROW].combine_chunks())
            found["dropped"][name] = raw.filter(pc.invert(kept))
        if errors:
            raise LoadError("\n".join(errors))
    except LoadError as error:
        return f"LoadError: {error}"
    tables, unknown = reference_validate.check_references(
        found["tables"], SCHEMA, files, found["dropped"]
    )
    every = combine([*found["parts"], unknown.table], [t.name for t in SCHEMA.tables])
    return {
        "tables": {n: any_order(t.drop_columns([ROW])) for n, t in tables.items()},
        "quarantine": every.to_pylist(),
        "stats": tuple(
            TableStats(table=n, file=files[n], rows_read=read[n], rows_accepted=t.num_rows)
            for n, t in tables.items()
        ),
        "warnings": tuple(found["warnings"]),
    }


def previous_open_ends(raw: pa.Table, table: Table, where: str) -> tuple[pa.Table, list[str]]:
    """``open_ends`` and its note, as the Arrow load said it."""
    end = table.period[1] if table.period else None
    if end is None or end not in raw.column_names:
        return raw, []
    count = pc.sum(pc.is_in(pc.utf8_trim_whitespace(raw[end]), pa.array(OPEN_END))).as_py()
    if not count:
        return raw, []
    note = f"{where}: {count} row(s) have {end} 9999-12-31; read as open-ended (no end date)"
    return open_ends(raw, table), [note]
