"""validate_refs: a reference (a claim's toewijzing_id) must name an accepted row; one that
names a rejected row says which."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from maatstaf.adapters.cell_rules import ROW
from maatstaf.adapters.duck import ident, unique_name
from maatstaf.adapters.quarantine import Rejected, combine, empty, rejections
from maatstaf.dsl.schema import Column, Table


def check_references(
    con: duckdb.DuckDBPyConnection,
    tables: dict[str, Table],
    accepted: dict[str, str],
    rejected_keys: dict[str, dict[str, str]],
    files: dict[str, str],
) -> tuple[dict[str, str], Rejected]:
    """Reject rows whose reference (a claim's toewijzing_id) names no accepted row.

    ``accepted`` maps each table to its accepted relation (with ``__row``);
    ``rejected_keys`` per table and column the values of its rejected rows (``validate``'s
    ``rejected_keys``). An empty reference is not
    checked here (``required`` is); a reference to a table the source lacks is not
    checked. A reference to a rejected row names that row instead of "no such row".
    Returns the new accepted relations."""
    accepted = dict(accepted)
    parts: list[pa.Table] = []
    order = list(tables)
    for name, table in tables.items():
        for column in table.columns:
            target, key = (column.references or ".").split(".")
            if name in accepted and target in accepted:
                accepted[name], found = _check_reference(
                    con,
                    table,
                    column,
                    (accepted[name], accepted[target], key),
                    rejected_keys.get(target, {}).get(key),
                    (files[name], files.get(target, target)),
                )
                parts.append(found)
    return accepted, Rejected(combine(parts, order) if parts else empty())


def _check_reference(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    column: Column,
    relations: tuple[str, str, str],
    rejected: str | None,
    files: tuple[str, str],
) -> tuple[str, pa.Table]:
    """``relations``: the rows, the target's accepted rows and the target's key column."""
    rows, known, key = relations
    file, target_file = files
    target = (column.references or "").split(".")[0]
    value, ref = ident(column.name), ident(key)
    unknown = (
        f"SELECT r.{ident(ROW)} AS row, r.{value}::VARCHAR AS value FROM {rows} r "
        f"WHERE r.{value} IS NOT NULL AND r.{value} NOT IN (SELECT {ref} FROM {known} "
        f"WHERE {ref} IS NOT NULL)"
    )
    parent = "NULL::BIGINT"
    join = ""
    if rejected is not None:  # the first rejected row of the target holding that key
        join = f" LEFT JOIN {rejected} p ON p.k = u.value"
        parent = "p.row"
    found = con.sql(
        f"SELECT u.row, u.value, {parent} AS parent FROM ({unknown}) u{join} ORDER BY u.row"
    ).to_arrow_table()
    if found.num_rows == 0:
        return rows, empty()
    values = None if column.personal else found["value"].combine_chunks()
    orphan = pc.is_null(found["parent"]).combine_chunks()
    parts = []
    if pc.any(orphan).as_py():
        parts.append(
            rejections(
                table.name,
                file,
                found["row"].filter(orphan).combine_chunks(),
                column.name,
                f"unknown {column.name}: no such row in {target}",
                None,
                values.filter(orphan) if values is not None else None,
            )
        )
    child = pc.invert(orphan)
    if pc.any(child).as_py():
        kind = f"{column.name} refers to a rejected row of {target}"
        lines = pc.cast(found["parent"].filter(child).combine_chunks(), pa.string())
        parts.append(
            rejections(
                table.name,
                file,
                found["row"].filter(child).combine_chunks(),
                column.name,
                kind,
                pc.binary_join_element_wise(
                    f"{kind} ({target_file}:", lines, "); correct that row and this one counts", ""
                ),
                values.filter(child) if values is not None else None,
            )
        )
    kept = unique_name(con, f"referenced_{table.name}")
    con.execute(
        f"CREATE TEMP TABLE {kept} AS SELECT * FROM {rows} WHERE {ident(ROW)} NOT IN "
        f"(SELECT row FROM ({unknown})) ORDER BY {ident(ROW)}"
    )
    return kept, pa.concat_tables(parts)
