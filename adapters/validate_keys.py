"""validate_keys: copies and duplicate keys. Only rows whose key occurs more than once are
visited: a row equal in every cell to an earlier one is a copy (the first is kept), and
otherwise every row sharing its key (and registration time) with another is rejected."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from maatstaf.adapters.cell_rules import ROW
from maatstaf.adapters.duck import ident, scalar, unique_name
from maatstaf.adapters.quarantine import rejections
from maatstaf.dsl.schema import Table

MAX_LISTED = 5  # other rows named in a duplicate-key message


def duplicates(
    con: duckdb.DuckDBPyConnection, table: Table, file: str, checked: str
) -> tuple[str | None, list[pa.Table], bool]:
    """Copies and duplicate keys: the rows rejected for them (a table of ``__row``, or
    None), their rejections, and whether every key occurs once. Only rows whose key
    occurs more than once are visited."""
    if not table.key:
        return None, [], False
    names = [*table.key, *([table.history] if table.history else [])]
    names = [n for n in names if table.column(n) is not None]  # the source's, of those
    key = ", ".join(ident(n) for n in names)
    shared = unique_name(con, f"shared_{table.name}")
    rows_read = f"(SELECT * FROM {checked} WHERE NOT __empty)"
    own = [n for n in table.key if table.column(n) is not None]  # the key, without history
    con.execute(
        f"CREATE TEMP TABLE {shared} AS SELECT k.* FROM {rows_read} k SEMI JOIN (SELECT "
        f"{', '.join(ident(n) for n in own)} FROM {rows_read} GROUP BY ALL HAVING count(*) > 1)"
        f" d ON {' AND '.join(f'k.{ident(n)} IS NOT DISTINCT FROM d.{ident(n)}' for n in own)}"
    )
    count = scalar(con, f"SELECT count(*) FROM {shared}")
    if not count:
        con.execute(f"DROP TABLE {shared}")
        return None, [], True
    # equal cells: equal typed values, and equal text (a hash of the cleaned cells tells
    # 2021-01-05 from 05-01-2021 and 12.5 from 12.50, which type alike)
    cells = ", ".join(f"s.{ident(n)}" for n in [*table.column_names, "__cells"])
    complete = " AND ".join(
        [f"s.{ident(n)} IS NOT NULL" for n in table.key if _required(table, n)] or ["true"]
    )
    rows = con.sql(
        f"""
        WITH marked AS (
            SELECT s.{ident(ROW)} AS row, {", ".join(f"s.{ident(n)}" for n in names)},
                   {complete} AS complete,
                   min(s.{ident(ROW)}) OVER (PARTITION BY {cells}) AS first
            FROM {shared} s
        )
        SELECT *, dense_rank() OVER (ORDER BY {key}) AS grp,
               count(*) FILTER (WHERE row = first) OVER (PARTITION BY {key}) AS others
        FROM marked ORDER BY row
        """
    ).to_arrow_table()
    con.execute(f"DROP TABLE {shared}")
    numbers = rows["row"].to_numpy()
    copies = numbers != rows["first"].to_numpy()
    duplicated = ~copies & rows["complete"].to_numpy(zero_copy_only=False).astype(bool)
    duplicated &= rows["others"].to_numpy() > 1
    parts = []
    if copies.any():
        original = pc.cast(rows["first"].filter(pa.array(copies)), pa.string())
        reasons = pc.binary_join_element_wise("exact copy of row ", original, "")
        parts.append(
            rejections(table.name, file, pa.array(numbers[copies]), None, "exact copy", reasons)
        )
    if duplicated.any():
        reasons = _duplicate_reasons(table, names, rows, duplicated)
        parts.append(
            rejections(
                table.name,
                file,
                pa.array(numbers[duplicated]),
                table.key[0],
                "duplicate key",
                pa.array(reasons, pa.string()),
            )
        )
    rejected = copies | duplicated
    if not rejected.any():
        return None, parts, False
    dropped = unique_name(con, f"dropped_{table.name}")
    con.execute(f"CREATE TEMP TABLE {dropped} ({ident(ROW)} BIGINT)")
    con.register(f"{dropped}_arrow", pa.table({ROW: pa.array(numbers[rejected])}))
    con.execute(f"INSERT INTO {dropped} SELECT * FROM {dropped}_arrow")
    con.unregister(f"{dropped}_arrow")
    return dropped, parts, False


def _required(table: Table, name: str) -> bool:
    column = table.column(name)
    return column is not None and column.required


def _duplicate_reasons(
    table: Table, names: list[str], rows: pa.Table, duplicated: np.ndarray
) -> list[str]:
    """Per duplicated row (in row order): the key and the other rows holding it."""
    indices = np.flatnonzero(duplicated)
    groups = rows["grp"].to_numpy()[indices]
    numbers = rows["row"].to_numpy()[indices]
    by_group: dict[int, list[int]] = {}
    for group, number in zip(groups.tolist(), numbers.tolist(), strict=True):
        by_group.setdefault(group, []).append(number)
    reasons = []
    for index, group, number in zip(
        indices.tolist(), groups.tolist(), numbers.tolist(), strict=True
    ):
        members = by_group[group]
        head = members[: MAX_LISTED + 1]  # enough to name MAX_LISTED others for every row
        listed = ", ".join(str(n) for n in [m for m in head if m != number][:MAX_LISTED])
        more = len(members) - 1 - MAX_LISTED
        where = f"row {listed}" if len(members) == 2 else f"rows {listed}"
        key = _describe_key(table, names, rows, index)
        reasons.append(
            f"duplicate key {key} (also on {where}{f' and {more} more' if more > 0 else ''})"
        )
    return reasons


def _describe_key(table: Table, names: list[str], rows: pa.Table, index: int) -> str:
    """toewijzing_id='T1'; a personal part by name only; an empty part left out."""
    parts = []
    for name in names:
        value = rows[name][index].as_py()
        column = table.column(name)
        if column is not None and column.personal:
            parts.append(name)
        elif value is not None:
            parts.append(f"{name}={value!r}" if isinstance(value, str) else f"{name}={value}")
    return ", ".join(parts)
