"""validate_arrow: the SQL validator (``validate_sql``) for text tables handed over as
Arrow, each in a database of its own: a reader's rows typed and checked, and references
checked between accepted tables."""

from __future__ import annotations

import pyarrow as pa

from maatstaf.adapters.duck import connect, ident
from maatstaf.adapters.quarantine import Rejected
from maatstaf.adapters.validate_refs import check_references
from maatstaf.adapters.validate_sql import ROW, validate
from maatstaf.dsl.schema import Schema, Table


def validate_arrow(
    table: Table, raw: pa.Table, file: str, first_row: int = 2, *, decimal_comma: bool = False
) -> tuple[pa.Table, Rejected]:
    """``validate`` for text cells in Arrow (row i numbered ``first_row + i`` unless
    ``raw`` has ``__row``), in a database of its own: the accepted rows (the schema's
    columns and ``__row``) and the rejections."""
    con = connect()
    if ROW not in raw.column_names:
        numbers = pa.array(range(first_row, first_row + raw.num_rows), pa.int64())
        raw = raw.append_column(ROW, numbers)
    con.register("raw", raw)
    found = validate(con, table, "raw", file, decimal_comma=decimal_comma)
    accepted = con.sql(f"SELECT * FROM {found.relation} ORDER BY {ident(ROW)}")
    return accepted.to_arrow_table(), found.rejected


def check_arrow_references(
    tables: dict[str, pa.Table], schema: Schema, files: dict[str, str]
) -> tuple[dict[str, pa.Table], Rejected]:
    """``check_references`` for accepted tables in Arrow (with ``__row``), in a database
    of its own."""
    con = connect()
    for name, arrow in tables.items():
        con.register(f"given_{name}", arrow)
    relations = {name: f"given_{name}" for name in tables}
    known = {t.name: t for t in schema.tables if t.name in tables}
    kept, rejected = check_references(con, known, relations, {}, files)
    out = {
        name: con.sql(f"SELECT * FROM {relation} ORDER BY {ident(ROW)}").to_arrow_table()
        for name, relation in kept.items()
    }
    return out, rejected
