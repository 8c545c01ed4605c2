"""Parquet tables for the folder adapter: typed columns as the text the CSV reader would
see, then the same checks.

- Dates (date32, date64) are written YYYY-MM-DD. Timestamps at midnight are dates too, as
  pandas writes them (timestamp[ns] or [us]); other timestamps keep their time, to the
  second, so a time in a date column is rejected, never cut off.
- A timestamp with a time zone is converted to Europe/Amsterdam before its date is taken:
  23:30 UTC on 31 December is 1 January in the municipality.
- Text must be valid UTF-8; the first invalid cell is named by row and column, not shown.
- A nested column (list, struct, map) cannot be read as one value: one the table or the
  mapping uses is an error, another is left out with a warning.
- Before reading, the file's metadata (rows, columns, uncompressed size) is checked
  against the input limits.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from maatstaf.adapters.assemble import RawTable
from maatstaf.adapters.base import LoadError
from maatstaf.adapters.cell_rules import ROW
from maatstaf.adapters.limits import Limits, check_bytes, check_rows, current_limits
from maatstaf.adapters.mapping import Mapping, _sources
from maatstaf.dsl.schema import Table

TIME_ZONE = "Europe/Amsterdam"


def read_parquet_table(
    path: Path, table: Table, mapping: Mapping | None = None, limits: Limits | None = None
) -> RawTable:
    """Parquet columns as text (dates ISO, amounts with a point), then the same checks."""
    limits = limits or current_limits()
    check_bytes(str(path), path.stat().st_size, limits)
    data = path.read_bytes()
    try:
        source = pq.ParquetFile(io.BytesIO(data))
        _check_metadata(path, source.metadata, limits)
        typed = source.read()
    except pa.ArrowMemoryError:
        raise
    except (pa.ArrowException, OSError) as exc:
        raise LoadError(f"{path}: cannot read as Parquet: {exc}") from None
    used = _used_names(table, mapping)
    columns: dict[str, pa.ChunkedArray] = {}
    warnings: list[str] = []
    for name in typed.column_names:
        if _is_nested(typed[name].type):
            warnings.append(_nested(path, name, typed[name].type, used))
        else:
            columns[name] = _as_text(path, name, typed[name])
    rows = pa.array(range(1, typed.num_rows + 1), pa.int64())  # the first record is row 1
    raw = pa.table({**columns, ROW: rows})
    return RawTable(table.name, str(path), raw, data, False, warnings)


def _check_metadata(path: Path, metadata: pq.FileMetaData, limits: Limits) -> None:
    """What the file says it holds, before it is unpacked."""
    check_rows(str(path), metadata.num_rows, metadata.num_columns, limits)
    unpacked = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    check_bytes(str(path), unpacked, limits, "bytes uncompressed")


def _used_names(table: Table, mapping: Mapping | None) -> set[str]:
    """The source columns the table or its mapping reads."""
    rules = mapping.tables.get(table.name) if mapping else None
    return set(table.column_names) | (_sources(rules) if rules else set())


def _is_nested(kind: pa.DataType) -> bool:
    return pa.types.is_nested(kind) or (
        pa.types.is_dictionary(kind) and pa.types.is_nested(kind.value_type)
    )


def _nested(path: Path, name: str, kind: pa.DataType, used: set[str]) -> str:
    """An error for a nested column that is used, else the warning that it is left out."""
    if name in used:
        raise LoadError(
            f"{path}: column '{name}' holds {kind} values, not one value per row; maatstaf "
            "reads flat columns (text, numbers, dates): write it as a flat column"
        )
    return f"{path}: column '{name}' ({kind}) is not read: maatstaf reads flat columns only"


def _as_text(path: Path, name: str, values: pa.ChunkedArray) -> pa.ChunkedArray:
    kind = values.type
    if pa.types.is_dictionary(kind):
        values = values.cast(kind.value_type)
        kind = kind.value_type
    if pa.types.is_timestamp(kind):
        return _timestamp_text(path, name, values)
    if pa.types.is_date(kind):
        return pc.strftime(values.cast(pa.date32()), format="%Y-%m-%d")
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        values = pa.chunked_array(
            [c.view(pa.large_string()) for c in values.cast(pa.large_binary()).chunks],
            pa.large_string(),
        )
        kind = values.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        _check_utf8(path, name, values)
    try:
        return values.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise LoadError(
            f"{path}: column '{name}' of type {kind} cannot be read as text ({exc}); "
            "write it as text, a number or a date"
        ) from None


def _timestamp_text(path: Path, name: str, values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Local time in Amsterdam, to the second; a moment at midnight as a date."""
    kind = values.type
    if kind.tz is not None:
        try:
            values = pc.local_timestamp(values.cast(pa.timestamp(kind.unit, TIME_ZONE)))
        except pa.ArrowException as exc:
            raise LoadError(
                f"{path}: column '{name}': cannot convert time zone {kind.tz} to "
                f"{TIME_ZONE} ({exc})"
            ) from None
    seconds = pc.floor_temporal(values, unit="second").cast(pa.timestamp("s"))
    midnight = pc.equal(pc.floor_temporal(seconds, unit="day"), seconds)
    return pc.if_else(
        midnight,
        pc.strftime(seconds, format="%Y-%m-%d"),
        pc.strftime(seconds, format="%Y-%m-%d %H:%M:%S"),
    )


def _check_utf8(path: Path, name: str, values: pa.ChunkedArray) -> None:
    """Refuse invalid UTF-8, naming the first such row (the first record is row 1)."""
    offset = 0
    for chunk in values.chunks:
        try:
            chunk.validate(full=True)
        except pa.ArrowInvalid as exc:
            found = re.search(r"string index (\d+)", str(exc))
            where = f"{path}:{offset + int(found.group(1)) + 1}" if found else str(path)
            raise LoadError(
                f"{where}: column '{name}' is not valid UTF-8 text; write the file with "
                "text columns in UTF-8"
            ) from None
        offset += len(chunk)
