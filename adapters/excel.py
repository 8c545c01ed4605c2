"""The Excel adapter: an .xlsx workbook with one sheet per table, named after the table
(or as the mapping says). Cells are read as text in read-only mode and checked exactly as
CSV cells are; a rejected row names the sheet and its spreadsheet row.

- Before openpyxl opens it, the workbook's zip directory is checked against the input
  limits (its declared unpacked size, and how tightly each part is packed: a zip bomb).
- Only the columns up to the last named one in the header are read, so a sheet that
  claims the whole grid (A1:XFD1048576) costs no more than its real cells.
- A column named twice is refused, as in a CSV: which one is meant?
- A formula is read through its last computed value. A formula without one (the workbook
  was written by a program and never calculated) is refused, never read as empty.
- Numbers are read as Excel shows them, to 15 significant digits (0.1 + 0.2 is 0.3), and
  never rounded further: an amount 12.345 is rejected as in a CSV.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pyarrow as pa

from maatstaf.adapters.assemble import LoadOptions, RawTable, assemble
from maatstaf.adapters.base import LoadedData, LoadError
from maatstaf.adapters.cell_rules import ROW
from maatstaf.adapters.limits import (
    MEMORY_ERRORS,
    Limits,
    check_bytes,
    check_rows,
    check_zip,
    current_limits,
    out_of_memory,
)
from maatstaf.dsl.schema import Schema, canonical_schema

REQUIRED_TABLE = "toewijzingen"
FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
CHUNK = 1 << 20
SHOWN = 5  # cells named in a message


class ExcelAdapter:
    name = "excel"

    def __init__(self, schema: Schema | None = None) -> None:
        self.schema = schema or canonical_schema()

    def load(self, location: str, options: LoadOptions | None = None) -> LoadedData:
        path = Path(location)
        limits = current_limits()
        check_bytes(str(path), path.stat().st_size, limits)
        _check_package(path, limits)
        try:
            raws = self._read(path, options, limits)
            return assemble(raws, self.schema, options)
        except MEMORY_ERRORS:
            raise out_of_memory(str(path), path.stat().st_size) from None

    def _read(self, path: Path, options: LoadOptions | None, limits: Limits) -> dict[str, RawTable]:
        import openpyxl

        content = path.read_bytes()
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except MEMORY_ERRORS:
            raise
        except Exception as exc:  # openpyxl raises several kinds for a damaged file
            raise LoadError(f"{path}: cannot read as an Excel workbook: {exc}") from None
        mapping = options.mapping if options else None
        raws: dict[str, RawTable] = {}
        try:
            for table in self.schema.tables:
                sheet = mapping.source_name(table.name) if mapping else table.name
                if sheet in workbook.sheetnames:
                    where = f"{path}[{sheet}]"
                    raw = read_sheet(workbook[sheet], where, limits)
                    raws[table.name] = RawTable(table.name, where, raw, content + sheet.encode())
        finally:
            workbook.close()
        if REQUIRED_TABLE not in raws:
            raise LoadError(
                f"{path}: no sheet '{REQUIRED_TABLE}' (sheets: {', '.join(workbook.sheetnames)})"
            )
        return raws


def _check_package(path: Path, limits: Limits) -> None:
    """The zip directory within the limits, before anything is unpacked."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [(i.filename, i.file_size, i.compress_size) for i in archive.infolist()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise LoadError(f"{path}: cannot read as an Excel workbook: {exc}") from None
    check_zip(str(path), members, limits)


def read_sheet(sheet: Any, where: str, limits: Limits) -> pa.Table:
    """The sheet's named columns as text plus ``__row``, the spreadsheet row; rows without
    any value are left out."""
    header = _header(sheet, where)
    width = len(header)
    numbers: list[int] = []
    columns: list[list[object]] = [[] for _ in header]
    rows = sheet.iter_rows(min_row=2, max_col=width, values_only=True) if width else ()
    for number, row in enumerate(rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        numbers.append(number)
        if len(numbers) > limits.max_rows or len(numbers) * width > limits.max_cells:
            check_rows(where, len(numbers), width, limits)
        for values, value in zip(columns, row, strict=True):
            values.append(value)
    _check_formulas(sheet, where, header)
    table = {
        name: pa.array([_text(v) for v in values], pa.string())
        for name, values in zip(header, columns, strict=True)
        if name
    }
    return pa.table({**table, ROW: pa.array(numbers, pa.int64())})


def _header(sheet: Any, where: str) -> list[str]:
    """The column names up to the last named one; a name used twice is an error."""
    first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    header = [str(h).strip() if h is not None else "" for h in first]
    while header and not header[-1]:
        header.pop()
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        raise LoadError(f"{where}:1: column '{twice[0]}' appears more than once in the header")
    return header


def _check_formulas(sheet: Any, where: str, header: list[str]) -> None:
    """Refuse a formula without a computed value in a named column (read as empty, an
    open-ended indication could silently stay open)."""
    if not header or not _has_formulas(sheet):
        return
    named = {i + 1 for i, name in enumerate(header) if name}
    found = [(r, c) for r, c in _uncached_formulas(sheet) if r >= 2 and c in named]
    if not found:
        return
    row, column = found[0]
    cells = ", ".join(f"{_letter(c)}{r}" for r, c in found[1 : SHOWN + 1])
    more = f" (also {cells}{', ...' if len(found) > SHOWN + 1 else ''})" if cells else ""
    raise LoadError(
        f"{where}:{row}: column '{header[column - 1]}' (cell {_letter(column)}{row}) holds a "
        f"formula without a computed value{more}; the workbook was saved by a program that "
        "does not calculate. Open it in Excel or LibreOffice and save it, or write values "
        "instead of formulas"
    )


def _has_formulas(sheet: Any) -> bool:
    """Whether the sheet's XML has any formula, by a quick scan of its bytes."""
    tail = b""
    with sheet._get_source() as source:  # openpyxl's stream of the sheet's part
        while chunk := source.read(CHUNK):
            if FORMULA.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _uncached_formulas(sheet: Any) -> list[tuple[int, int]]:
    """(row, column) of each formula cell without a stored value: no ``<v>``, or an empty
    one that is not a text result (an empty text result is stored as ``t="str"``)."""
    found: list[tuple[int, int]] = []
    row = column = 0
    with sheet._get_source() as source:
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "start" and tag == "row":
                row, column = int(element.get("r") or row + 1), 0
            elif event == "end" and tag == "c":
                column = _column_number(element.get("r")) or column + 1
                value = element.find("{*}v")
                empty = value is None or (not value.text and element.get("t") != "str")
                if empty and element.find("{*}f") is not None:
                    found.append((row, column))
                element.clear()
            elif event == "end" and tag == "row":
                element.clear()
    return found


def _column_number(reference: str | None) -> int:
    letters = re.match(r"[A-Z]+", reference or "")
    number = 0
    for letter in letters.group(0) if letters else "":
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _letter(column: int) -> str:
    text = ""
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


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
        return _number(value)
    return str(value)


def _number(value: float) -> str:
    """As Excel shows it, to 15 significant digits, without an exponent; never rounded to
    2 decimals (12.345 stays 12.345, and validation rejects it as in a CSV)."""
    if value.is_integer():
        return str(int(value))
    text = format(Decimal(f"{value:.15g}"), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
