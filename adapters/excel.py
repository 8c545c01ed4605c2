"""The Excel adapter: an .xlsx workbook with one sheet per table, named after the table
(or as the mapping says). Cells are read as text in read-only mode and checked exactly as
CSV cells are; a rejected row names the sheet and its spreadsheet row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from maatstaf.adapters.assemble import LoadOptions, RawTable, assemble
from maatstaf.adapters.base import LoadedData, LoadError
from maatstaf.adapters.validate import ROW
from maatstaf.dsl.schema import Schema, canonical_schema

REQUIRED_TABLE = "toewijzingen"


class ExcelAdapter:
    name = "excel"

    def __init__(self, schema: Schema | None = None) -> None:
        self.schema = schema or canonical_schema()

    def load(self, location: str, options: LoadOptions | None = None) -> LoadedData:
        import openpyxl

        path = Path(location)
        content = path.read_bytes()
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a damaged file
            raise LoadError(f"{path}: cannot read as an Excel workbook: {exc}") from None
        mapping = options.mapping if options else None
        raws: dict[str, RawTable] = {}
        for table in self.schema.tables:
            sheet = mapping.source_name(table.name) if mapping else table.name
            if sheet in workbook.sheetnames:
                raw = _sheet(workbook[sheet])
                raws[table.name] = RawTable(
                    table.name, f"{path}[{sheet}]", raw, content + sheet.encode()
                )
        workbook.close()
        if REQUIRED_TABLE not in raws:
            raise LoadError(
                f"{path}: no sheet '{REQUIRED_TABLE}' (sheets: {', '.join(workbook.sheetnames)})"
            )
        return assemble(raws, self.schema, options)


def _sheet(sheet) -> pa.Table:
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    columns: list[list[str | None]] = [[] for _ in header]
    numbers: list[int] = []
    for number, row in enumerate(rows, start=2):
        if row is None or all(v is None or str(v).strip() == "" for v in row):
            continue
        numbers.append(number)
        for i in range(len(header)):
            columns[i].append(_text(row[i]) if i < len(row) else None)
    table = {
        h: pa.array(values, pa.string()) for h, values in zip(header, columns, strict=True) if h
    }
    return pa.table({**table, ROW: pa.array(numbers, pa.int64())})


def _text(value: object) -> str | None:
    """A cell as the text the CSV reader would see: dates ISO, numbers plain."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M:%S")
            if value.time() != dt.time()
            else value.date().isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return str(value)
