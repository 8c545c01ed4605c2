"""The CSV folder adapter: one file per canonical table (``toewijzingen.csv``, ...).

Reads every cell as text through Arrow (never row by row in Python), detects the
delimiter (comma, semicolon, tab) and the encoding (UTF-8 with or without BOM, else
Windows-1252), reads decimal commas where the file uses them (semicolon files, as Excel
writes them in the Netherlands, or any amount written with a comma) and dates as
YYYY-MM-DD or DD-MM-YYYY. Then validates every row and checks references between tables.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from maatstaf.adapters.assemble import LoadOptions, RawTable, assemble
from maatstaf.adapters.base import LoadedData, LoadError
from maatstaf.adapters.validate import ROW
from maatstaf.dsl.schema import Schema, Table, canonical_schema

REQUIRED_TABLE = "toewijzingen"


class CsvFolderAdapter:
    name = "csv"

    def __init__(self, schema: Schema | None = None) -> None:
        self.schema = schema or canonical_schema()

    def load(self, location: str, options: LoadOptions | None = None) -> LoadedData:
        """A folder with one CSV or Parquet file per table, named after the table (or as
        the mapping says)."""
        folder = Path(location)
        mapping = options.mapping if options else None
        raws: dict[str, RawTable] = {}
        for table in self.schema.tables:
            stem = mapping.source_name(table.name) if mapping else table.name
            csv_path, parquet_path = folder / f"{stem}.csv", folder / f"{stem}.parquet"
            if csv_path.is_file():
                raws[table.name] = read_csv_table(csv_path, table)
            elif parquet_path.is_file():
                raws[table.name] = read_parquet_table(parquet_path, table)
        if REQUIRED_TABLE not in raws:
            names = ", ".join(f"{t.name}.csv" for t in self.schema.tables)
            raise LoadError(
                f"{folder}: no {REQUIRED_TABLE}.csv or .parquet "
                f"(expected files named after the tables: {names})"
            )
        return assemble(raws, self.schema, options)


def read_csv_table(path: Path, table: Table) -> RawTable:
    data = path.read_bytes()
    raw, comma, warnings = read_csv(path, data, table)
    return RawTable(table.name, str(path), raw, data, comma, warnings)


def read_parquet_table(path: Path, table: Table) -> RawTable:
    """Parquet columns as text (dates ISO, amounts with a point), then the same checks."""
    import pyarrow.parquet as pq

    data = path.read_bytes()
    try:
        typed = pq.read_table(io.BytesIO(data))
    except pa.ArrowException as exc:
        raise LoadError(f"{path}: cannot read as Parquet: {exc}") from None
    columns = {name: _as_text(typed[name]) for name in typed.column_names}
    raw = pa.table(columns).append_column(ROW, pa.array(range(1, typed.num_rows + 1), pa.int64()))
    return RawTable(table.name, str(path), raw, data, False)


def _as_text(values: pa.ChunkedArray) -> pa.ChunkedArray:
    kind = values.type
    if pa.types.is_timestamp(kind):  # registration times are kept to the second
        return pc.strftime(values.cast(pa.timestamp("s"), safe=False), format="%Y-%m-%d %H:%M:%S")
    if pa.types.is_date(kind):
        return pc.strftime(values, format="%Y-%m-%d")
    return values.cast(pa.string())


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252, as Excel writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_csv(path: Path, data: bytes, table: Table) -> tuple[pa.Table, bool, list[str]]:
    """All cells as text plus the row number; whether amounts use a decimal comma."""
    text = decode(path, data)
    header_line = text.split("\n", 1)[0]
    delimiter = _delimiter(header_line)
    header = next(csv.reader([header_line], delimiter=delimiter))
    header = [h.strip() for h in header]
    options = pacsv.ReadOptions(column_names=header, skip_rows=1, encoding="utf8")
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False)
    convert = pacsv.ConvertOptions(
        column_types={h: pa.string() for h in header},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    try:
        raw = pacsv.read_csv(io.BytesIO(text.encode("utf-8")), options, parse, convert)
    except pa.ArrowInvalid as exc:
        raise LoadError(f"{path}: cannot read as CSV: {_arrow_message(exc)}") from None
    raw = raw.append_column(ROW, pa.array(range(2, raw.num_rows + 2), pa.int64()))
    return raw, _decimal_comma(delimiter, raw, table), []


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", "\t", ",")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _decimal_comma(delimiter: str, raw: pa.Table, table: Table) -> bool:
    """Semicolon files are Dutch Excel exports; otherwise look for an amount like 12,50."""
    if delimiter == ";":
        return True
    pattern = r"^\s*-?\d+,\d{1,2}\s*$"
    return any(
        pc.any(pc.match_substring_regex(raw[c.name], pattern)).as_py()
        for c in table.columns
        if c.type == "decimal" and c.name in raw.column_names
    )


def _arrow_message(exc: Exception) -> str:
    text = str(exc)
    match = re.search(r"CSV parse error: (.*)", text)
    return match.group(1) if match else text
