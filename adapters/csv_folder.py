"""The CSV folder adapter: one file per canonical table (``toewijzingen.csv``, ...).

Reads every cell as text through Arrow (never row by row in Python), detects the
delimiter (comma, semicolon, tab) and the encoding (UTF-8 with or without BOM, else
Windows-1252), reads decimal commas where the file uses them (semicolon files, as Excel
writes them in the Netherlands, or any amount written with a comma) and dates as
YYYY-MM-DD or DD-MM-YYYY. Then validates every row and checks references between tables.

A rejected row is named by the file line it starts on (the header is line 1), counting
blank lines and line breaks inside quoted cells; rows without any value are left out. A
record with the wrong number of fields, a column named twice in the header or an
undecodable file makes the file unusable (LoadError naming the line, never echoing it).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from maatstaf.adapters.assemble import LoadOptions, RawTable, assemble
from maatstaf.adapters.base import LoadedData, LoadError
from maatstaf.adapters.limits import (
    MEMORY_ERRORS,
    Limits,
    check_bytes,
    check_rows,
    current_limits,
    out_of_memory,
)
from maatstaf.adapters.mapping import Mapping
from maatstaf.adapters.parquet import read_parquet_table
from maatstaf.adapters.validate import ROW
from maatstaf.dsl.schema import Schema, Table, canonical_schema

REQUIRED_TABLE = "toewijzingen"


class CsvFolderAdapter:
    name = "csv"

    def __init__(self, schema: Schema | None = None) -> None:
        self.schema = schema or canonical_schema()

    def load(self, location: str, options: LoadOptions | None = None) -> LoadedData:
        """A folder with one CSV or Parquet file per table, named after the table (or as
        the mapping says). A table given both ways is refused: which one is meant?"""
        folder = Path(location)
        mapping = options.mapping if options else None
        limits = current_limits()
        raws: dict[str, RawTable] = {}
        for table in self.schema.tables:
            stem = mapping.source_name(table.name) if mapping else table.name
            csv_path, parquet_path = folder / f"{stem}.csv", folder / f"{stem}.parquet"
            if csv_path.is_file() and parquet_path.is_file():
                raise LoadError(
                    f"{folder}: both {csv_path.name} and {parquet_path.name} hold table "
                    f"'{table.name}'; remove the one that should not be read"
                )
            path = csv_path if csv_path.is_file() else parquet_path
            if path.is_file():
                raws[table.name] = _read_table(path, table, mapping, limits)
        if REQUIRED_TABLE not in raws:
            names = ", ".join(f"{t.name}.csv" for t in self.schema.tables)
            raise LoadError(
                f"{folder}: no {REQUIRED_TABLE}.csv or .parquet "
                f"(expected files named after the tables: {names})"
            )
        try:
            return assemble(raws, self.schema, options)
        except MEMORY_ERRORS:
            raise out_of_memory(str(folder)) from None


def _read_table(path: Path, table: Table, mapping: Mapping | None, limits: Limits) -> RawTable:
    """One file within the limits; running out of memory names the file."""
    try:
        if path.suffix == ".parquet":
            return read_parquet_table(path, table, mapping, limits)
        check_bytes(str(path), path.stat().st_size, limits)
        raw = read_csv_table(path, table)
    except MEMORY_ERRORS:
        raise out_of_memory(str(path), path.stat().st_size) from None
    check_rows(str(path), raw.raw.num_rows, raw.raw.num_columns - 1, limits)
    return raw


def read_csv_table(path: Path, table: Table) -> RawTable:
    data = path.read_bytes()
    raw, comma, warnings = read_csv(path, data, table)
    return RawTable(table.name, str(path), raw, data, comma, warnings)


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252, as Excel writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, utf8.start) + 1
            raise LoadError(
                f"{path}:{line}: neither UTF-8 nor Windows-1252 (byte {utf8.start}); "
                "save the file as CSV UTF-8"
            ) from None


def read_csv(path: Path, data: bytes, table: Table) -> tuple[pa.Table, bool, list[str]]:
    """All cells as text plus ``__row``, the file line where each row starts (blank lines
    and quoted line breaks counted); whether amounts use a decimal comma. Rows without any
    value (blank lines, ``;;;;`` from Excel) are left out."""
    text = decode(path, data)
    if not text.strip():
        raise LoadError(f"{path}: the file is empty (expected a header line with column names)")
    delimiter = _delimiter(text.split("\n", 1)[0])
    header = _header(path, text, delimiter)
    invalid: list[BadRecord] = []
    options = pacsv.ReadOptions(column_names=header, skip_rows=1, use_threads=False)
    parse = pacsv.ParseOptions(
        delimiter=delimiter,
        ignore_empty_lines=False,  # blank lines keep their place, so line numbers stay right
        newlines_in_values=True,  # a quoted line break may fall on a block boundary
        invalid_row_handler=lambda row: _skip(row, invalid),
    )
    convert = pacsv.ConvertOptions(
        column_types={h: pa.string() for h in header if h},
        include_columns=[h for h in header if h],  # an unnamed column holds nothing we use
        strings_can_be_null=False,  # "NA" or "NULL" may be a code; only empty is missing
        quoted_strings_can_be_null=False,
    )
    try:
        raw = pacsv.read_csv(io.BytesIO(text.encode("utf-8")), options, parse, convert)
    except pa.ArrowInvalid as exc:
        raise LoadError(f"{path}: cannot read as CSV: {_arrow_message(exc)}") from None
    raw = _with_line_numbers(path, raw, invalid)
    return raw, _decimal_comma(delimiter, raw, table), []


def _header(path: Path, text: str, delimiter: str) -> list[str]:
    """The column names, trimmed; a name used twice is an error (which one is meant?)."""
    header = [h.strip() for h in next(csv.reader([text.split("\n", 1)[0]], delimiter=delimiter))]
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        raise LoadError(f"{path}:1: column '{twice[0]}' appears more than once in the header")
    return header


@dataclass(frozen=True)
class BadRecord:
    """A record with too many or too few fields (its text is not kept: it may be personal)."""

    number: int | None  # Arrow's record number, the header being record 1
    expected: int
    actual: int
    breaks: int  # line breaks inside it


def _skip(row: pacsv.InvalidRow, invalid: list[BadRecord]) -> str:
    """Arrow calls this for a record with the wrong number of fields: note it, skip it."""
    breaks = row.text.count("\n") if row.text else 0
    invalid.append(BadRecord(row.number, row.expected_columns, row.actual_columns, breaks))
    return "skip"


def _with_line_numbers(path: Path, raw: pa.Table, invalid: list[BadRecord]) -> pa.Table:
    """Add ``__row``, the line each record starts on: Arrow counts records (the header is
    record 1, a blank line is a record) and a quoted line break moves every later record
    one line down. A record with the wrong number of fields makes the file unusable."""
    if any(bad.number is None for bad in invalid):
        raise LoadError(
            f"{path}: {invalid[0].actual} fields where the header has {invalid[0].expected}"
        )
    records = np.arange(2, 2 + raw.num_rows + len(invalid), dtype=np.int64)
    is_bad = np.isin(records, [bad.number for bad in invalid])
    extra = np.zeros(len(records), dtype=np.int64)
    extra[is_bad] = [bad.breaks for bad in sorted(invalid, key=lambda b: b.number or 0)]
    extra[~is_bad] = _line_breaks(raw)
    lines = records + np.cumsum(extra) - extra
    if invalid:
        _raise_invalid(path, invalid[0], lines[is_bad].tolist())
    raw = raw.append_column(ROW, pa.array(lines[~is_bad]))
    return raw.filter(pa.array(~_all_empty(raw)))


def _line_breaks(raw: pa.Table) -> np.ndarray:
    """Per row, the line breaks inside its (quoted) cells."""
    total = np.zeros(raw.num_rows, dtype=np.int64)
    for name in raw.column_names:
        counts = pc.fill_null(pc.count_substring(raw[name], "\n"), 0)
        total += np.asarray(counts.to_numpy(), dtype=np.int64)
    return total


def _all_empty(raw: pa.Table) -> np.ndarray:
    """Rows without a single value: blank lines, or ``;;;;`` as Excel writes below a table."""
    empty = np.ones(raw.num_rows, dtype=bool)
    for name in raw.column_names:
        if name != ROW:
            blank = pc.equal(pc.utf8_trim_whitespace(raw[name]), "")
            empty &= np.asarray(pc.fill_null(blank, True).to_numpy(), dtype=bool)
    return empty


def _raise_invalid(path: Path, first: BadRecord, lines: list[int]) -> None:
    """Name the lines, never echo them."""
    others = ", ".join(str(line) for line in lines[1:6]) + (", ..." if len(lines) > 6 else "")
    also = f" (also on line {others})" if others else ""
    raise LoadError(
        f"{path}:{lines[0]}: {first.actual} fields where the header has {first.expected}"
        f"{also}; check the delimiter and the quotes"
    )


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
