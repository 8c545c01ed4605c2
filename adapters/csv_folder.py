"""The CSV folder adapter: one file per canonical table (``toewijzingen.csv``, ...).

Each file is read by Arrow's parallel reader where its records are its lines
(``csv_plain``), else by the exact reader (``csv_exact``), with the same rows, line
numbers and messages either way.

Reads every cell as text (never row by row in Python), detects the
delimiter (comma, semicolon, tab) and the encoding (``encoding.decode``: UTF-8 with or
without BOM, UTF-16 with a BOM, else Windows-1252 when nothing in the file is UTF-8),
reads decimal commas where the file uses them (semicolon files, as Excel writes them in
the Netherlands, or any amount written with a comma) and dates as YYYY-MM-DD or
DD-MM-YYYY. Then validates every row and checks references between tables.

A rejected row is named by the file line it starts on (the header is line 1), counting
blank lines and line breaks inside quoted cells; rows without any value are left out.
Every line is accounted for: a quote left open (``csv_quotes``), a record with the wrong
number of fields, a first line of values instead of column names, a column named twice
or an undecodable file makes the file unusable (LoadError naming the line, never echoing
it). A column named ``__row`` (the internal row number) or without a name is not used.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from maatstaf.adapters.assemble import LoadOptions, RawTable, assemble
from maatstaf.adapters.base import LoadedData, LoadError
from maatstaf.adapters.csv_exact import delimiter_of, header_of, read_csv
from maatstaf.adapters.csv_plain import other_encoding, read_plain_csv
from maatstaf.adapters.duck import connect
from maatstaf.adapters.encoding import decode
from maatstaf.adapters.limits import (
    MEMORY_ERRORS,
    Limits,
    check_bytes,
    check_rows,
    current_limits,
    out_of_memory,
)
from maatstaf.dsl.schema import Schema, Table, canonical_schema

if TYPE_CHECKING:  # a mapping (YAML) and Parquet are imported where a load uses them
    from collections.abc import Callable

    from maatstaf.adapters.mapping import Mapping

REQUIRED_TABLE = "toewijzingen"


def _read_deferred(raws: dict[str, RawTable]) -> None:
    """Read the files left to DuckDB with the exact reader, which raises the error about
    such a file, if it has one (called only when a later file cannot be read)."""
    for raw in raws.values():
        if raw.exact is not None:
            raw.exact()


def _pseudonymized(options: LoadOptions | None, table: Table) -> bool:
    """Whether a column of ``table`` holds BSNs to replace before anything else."""
    if options is None:
        return False
    named = set(options.pseudonymize) | set(options.mapping.pseudonymize if options.mapping else ())
    return any(c in named for c in table.column_names)


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
        con = connect()
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
                rules = mapping.tables.get(table.name) if mapping else None
                parallel_may_read = rules is None and not _pseudonymized(options, table)
                try:
                    raws[table.name] = read_table(path, table, mapping, limits, parallel_may_read)
                except LoadError:
                    _read_deferred(raws)  # an earlier file's own error comes first
                    raise
        if REQUIRED_TABLE not in raws:
            names = ", ".join(f"{t.name}.csv" for t in self.schema.tables)
            raise LoadError(
                f"{folder}: no {REQUIRED_TABLE}.csv or .parquet "
                f"(expected files named after the tables: {names})"
            )
        try:
            return assemble(raws, self.schema, options, con)
        except MEMORY_ERRORS:
            raise out_of_memory(str(folder)) from None


def read_table(
    path: Path, table: Table, mapping: Mapping | None, limits: Limits, parallel_may_read: bool
) -> RawTable:
    """One file within the limits; running out of memory names the file."""
    try:
        if path.suffix == ".parquet":
            from maatstaf.adapters.parquet import read_parquet_table

            return read_parquet_table(path, table, mapping, limits)
        check_bytes(str(path), path.stat().st_size, limits)
        raw = read_csv_table(path, table, parallel_may_read)
    except MEMORY_ERRORS:
        raise out_of_memory(str(path), path.stat().st_size) from None
    width = raw.raw.num_columns - 1 if raw.raw is not None else len(raw.columns)
    check_rows(str(path), raw.num_rows, width, limits)
    return raw


def read_csv_table(path: Path, table: Table, parallel_may_read: bool = False) -> RawTable:
    """The file's cells as text: read by the parallel reader as the load validates it
    where it can (``csv_plain``: no mapping or BSNs to handle first), else by the exact
    reader."""
    data = path.read_bytes()

    def exact() -> RawTable:
        raw, comma, warnings = read_csv(path, data, table)
        return RawTable(table.name, str(path), raw, data, comma, warnings)

    first = _first_line(data) if parallel_may_read else None
    if first is not None:
        delimiter = delimiter_of(first)
        header = header_of(path, first, delimiter, table)
        fast = read_plain_csv(path, data, table, header, delimiter, exact)
        if fast is not None:
            return fast
    if parallel_may_read and other_encoding(data):
        fast = _decoded_plain(path, data, table, exact)
        if fast is not None:
            return fast
    return exact()


def _decoded_plain(
    path: Path, data: bytes, table: Table, exact: Callable[[], RawTable]
) -> RawTable | None:
    """A file in another encoding (Windows-1252; UTF-16 or UTF-32 with a byte order mark)
    read by the parallel reader from its text in UTF-8, decoded as the exact reader
    decodes it (its errors are the exact reader's): the same lines and cells, faster (a
    Windows-1252 export of 10^6 indications: 3.0-3.7 s for the run by the exact reader,
    2.3-2.4 s so). The fingerprint is the file's own bytes."""
    utf8 = decode(path, data).encode("utf-8")
    first = _first_line(utf8)
    if first is None:
        return None
    delimiter = delimiter_of(first)
    header = header_of(path, first, delimiter, table)
    fast = read_plain_csv(path, utf8, table, header, delimiter, exact)
    return None if fast is None else replace(fast, content=data)


def _first_line(data: bytes) -> str | None:
    """The header line of a UTF-8 file (a byte order mark dropped), or None: the exact
    reader then decodes the file and says what is wrong with it."""
    end = data.find(b"\n")
    line = data if end < 0 else data[:end]
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return text if text.strip() else None
