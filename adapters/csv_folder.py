"""The CSV folder adapter: one file per canonical table (``toewijzingen.csv``, ...).

Reads every cell as text through Arrow (never row by row in Python), detects the
delimiter (comma, semicolon, tab) and the encoding (UTF-8 with or without BOM, else
Windows-1252), reads decimal commas where the file uses them (semicolon files, as Excel
writes them in the Netherlands, or any amount written with a comma) and dates as
YYYY-MM-DD or DD-MM-YYYY. Then validates every row and checks references between tables.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from maatstaf.adapters.base import LoadedData, LoadError, RejectedRow, TableStats
from maatstaf.adapters.validate import ROW, validate_table
from maatstaf.dsl.schema import Schema, Table, canonical_schema

REQUIRED_TABLE = "toewijzingen"


class CsvFolderAdapter:
    name = "csv"

    def __init__(self, schema: Schema | None = None) -> None:
        self.schema = schema or canonical_schema()

    def load(self, location: str) -> LoadedData:
        folder = Path(location)
        files = {t.name: folder / f"{t.name}.csv" for t in self.schema.tables}
        present = {name: path for name, path in files.items() if path.is_file()}
        if REQUIRED_TABLE not in present:
            names = ", ".join(f"{t}.csv" for t in files)
            raise LoadError(
                f"{folder}: no {REQUIRED_TABLE}.csv (expected files named after the tables: {names})"
            )
        return load_tables(
            {name: (path, path.read_bytes()) for name, path in present.items()}, self.schema
        )


def load_tables(sources: dict[str, tuple[Path, bytes]], schema: Schema) -> LoadedData:
    """Validate each table's raw bytes, check references, and fingerprint the input."""
    tables: dict[str, pa.Table] = {}
    rejected: list[RejectedRow] = []
    warnings: list[str] = []
    raw_counts: dict[str, int] = {}
    for table in schema.tables:
        if table.name not in sources:
            continue
        path, data = sources[table.name]
        raw, comma, found_warnings = read_csv(path, data, table)
        warnings += found_warnings
        raw_counts[table.name] = raw.num_rows
        accepted, problems = validate_table(table, raw, str(path), decimal_comma=comma)
        tables[table.name] = accepted
        rejected += problems
    tables, unknown = check_references(tables, schema, {n: str(p) for n, (p, _) in sources.items()})
    rejected += unknown
    order = {t.name: i for i, t in enumerate(schema.tables)}
    rejected.sort(key=lambda r: (order[r.table], r.row, r.column or ""))
    stats = tuple(
        TableStats(
            table=n, file=str(sources[n][0]), rows_read=raw_counts[n], rows_accepted=t.num_rows
        )
        for n, t in tables.items()
    )
    final = {name: t.drop_columns([ROW]) for name, t in tables.items()}
    return LoadedData(final, tuple(rejected), stats, fingerprint(sources), tuple(warnings))


def fingerprint(sources: dict[str, tuple[Path, bytes]]) -> str:
    digest = hashlib.sha256()
    for name in sorted(sources):
        data = sources[name][1]
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


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
    _check_header(path, header, table)
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
    raw = raw.select([h for h in header if table.column(h) is not None])
    raw = raw.append_column(ROW, pa.array(range(2, raw.num_rows + 2), pa.int64()))
    return raw, _decimal_comma(delimiter, raw, table), _unknown_columns(path, header, table)


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", "\t", ",")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _check_header(path: Path, header: list[str], table: Table) -> None:
    missing = [c for c in table.required if c not in header]
    if not missing:
        return
    column = missing[0]
    close = difflib.get_close_matches(column, header, n=1, cutoff=0.6)
    hint = (
        f" Did you mean '{close[0]}'? (the header has '{close[0]}')"
        if close
        else f" The header has: {', '.join(header)}."
    )
    others = f" (also missing: {', '.join(missing[1:])})" if missing[1:] else ""
    raise LoadError(f"{path}:1: required column '{column}' is missing{others}.{hint}")


def _unknown_columns(path: Path, header: list[str], table: Table) -> list[str]:
    warnings = []
    for name in header:
        if table.column(name) is None:
            close = difflib.get_close_matches(name, table.column_names, n=1, cutoff=0.75)
            if close:
                warnings.append(
                    f"{path}:1: column '{name}' is not used; did you mean '{close[0]}'?"
                )
    return warnings


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


def check_references(
    tables: dict[str, pa.Table], schema: Schema, files: dict[str, str]
) -> tuple[dict[str, pa.Table], list[RejectedRow]]:
    """Reject rows whose reference (a claim's toewijzing_id) names no accepted row."""
    rejected: list[RejectedRow] = []
    for table in schema.tables:
        if table.name not in tables:
            continue
        for column in table.columns:
            if column.references is None:
                continue
            target, key = column.references.split(".")
            if target not in tables:
                continue
            values = tables[table.name][column.name]
            unknown = pc.invert(pc.fill_null(pc.is_in(values, tables[target][key]), False))
            indices = pc.indices_nonzero(unknown).to_pylist()
            rows = tables[table.name][ROW].take(indices).to_pylist() if indices else []
            shown = values.take(indices).to_pylist() if indices else []
            rejected += [
                RejectedRow(
                    table=table.name,
                    file=files[table.name],
                    row=row,
                    column=column.name,
                    reason=f"unknown {column.name}: no such row in {target}",
                    value=None if column.personal else value,
                )
                for row, value in zip(rows, shown, strict=True)
            ]
            tables[table.name] = tables[table.name].filter(pc.invert(unknown))
    return tables, rejected
