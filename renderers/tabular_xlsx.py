"""The Excel workbook: the tidy table for people, one sheet per domain, and two sheets that
say what the figures are (``definities``) and where they come from (``herkomst``).

Numbers stay numbers and dates stay dates, so a controller can sum, filter and pivot. The
formats are stored as Excel stores them (``#,##0``, ``0.0%``); Excel shows them with the
reader's separators, in a Dutch Windows or Excel 1.234,5 and 12,5%. Amounts carry a
Dutch euro format (``[$€-413]``), dates ``dd-mm-yyyy``. Every sheet has a frozen header, an
autofilter and column widths fitted to its contents. No client id is ever written: a figure
is a count or an amount, and the provenance sheet gives rejected rows by number only.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from maatstaf.dsl.model import Library
from maatstaf.engine.result import SCHEMA_VERSION, RunResult
from maatstaf.renderers.domains import domain_key
from maatstaf.renderers.format import MONEY_UNITS, SHARE_UNITS
from maatstaf.renderers.tabular import FIXED, tidy_table, version_of

COUNT, DECIMAL, SHARE = "#,##0", "#,##0.0", "0.0%"
EURO = "[$€-413] #,##0.00"
DATE = "dd-mm-yyyy"
VALUE_COLUMNS = ("value", "target_value", "target_warn", "previous_value", "year_earlier_value")
DATE_COLUMNS = ("period_start", "period_end", "valid_from", "valid_until", "as_of")
DEFINITIONS, PROVENANCE = "definities", "herkomst"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
WIDEST = 60


class XlsxRenderer:
    name = "xlsx"
    suffix = ".xlsx"
    binary = True  # bytes, written to a file (never to a terminal)

    def render(self, result: RunResult, library: Library) -> bytes:  # type: ignore[override]
        sink = io.BytesIO()
        workbook_of(result, library).save(sink)
        return sink.getvalue()


def workbook_of(result: RunResult, library: Library) -> Workbook:
    table = tidy_table(result, library)
    book = Workbook()
    book.remove(book.active)
    domains = sorted(set(table["domain"].to_pylist()), key=domain_key)
    for domain in domains:
        part = table.filter(pc.equal(table["domain"], domain))
        _figures_sheet(book.create_sheet(sheet_name(domain)), _without_empty_dimensions(part))
    if not domains:  # a run without figures still opens on a (header-only) figures sheet
        _figures_sheet(book.create_sheet("cijfers"), table)
    _definitions_sheet(book.create_sheet(DEFINITIONS), result, library)
    _provenance_sheet(book.create_sheet(PROVENANCE), result, len(table))
    return book


def sheet_name(domain: str) -> str:
    """A valid, unique-enough sheet name: Excel allows 31 characters and no []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", domain)[:31] or "overig"


def _without_empty_dimensions(part: pa.Table) -> pa.Table:
    """A domain's sheet has the dimension columns its own figures use, not every domain's."""
    fixed_or_used = [
        name for name in part.column_names if name in FIXED or part[name].null_count < len(part)
    ]
    return part.select(fixed_or_used)


def _figures_sheet(sheet: Worksheet, table: pa.Table) -> None:
    names = table.column_names
    _header(sheet, names)
    columns = [table[name].to_pylist() for name in names]
    units = table["unit"].to_pylist()
    formats = {index: name for index, name in enumerate(names, start=1) if name in VALUE_COLUMNS}
    for row_number, row in enumerate(zip(*columns, strict=True), start=2):
        sheet.append(list(row))
        for index in formats:
            cell = sheet.cell(row=row_number, column=index)
            cell.number_format = value_format(units[row_number - 2], cell.value)
            exact(cell)
    _date_formats(sheet, names)
    _finish(sheet, names)


def exact(cell: Cell) -> None:
    """Write a float in full (shortest round-trip) precision: openpyxl would write 16
    significant digits, which is not always the double the JSON has. The cell stays a
    number (type n); Excel shows 15 digits of it, every reader gets the exact value."""
    if isinstance(cell.value, float):
        text = repr(cell.value)
        cell.value = text
        cell.data_type = "n"


def value_format(unit: str | None, value: object) -> str:
    """The Excel format of a figure by its unit: euro, a percentage (a share is stored as
    the fraction it is), a whole count, or one decimal."""
    if unit in MONEY_UNITS:
        return EURO
    if unit in SHARE_UNITS:
        return SHARE
    if isinstance(value, float) and not value.is_integer():
        return DECIMAL
    return COUNT


def _definitions_sheet(sheet: Worksheet, result: RunResult, library: Library) -> None:
    names = [
        "measure",
        "version",
        "label",
        "description",
        "unit",
        "owner",
        "source",
        "valid_from",
        "valid_until",
        "definition_hash",
    ]
    rows = []
    for used in result.provenance.measures:
        version = version_of(library, used.measure, used.version)
        rows.append(
            [
                used.measure,
                used.version,
                used.label,
                version.description if version else None,
                used.unit,
                version.owner if version else None,
                version.source if version else None,
                version.valid_from if version else None,
                version.valid_until if version else None,
                used.hash,
            ]
        )
    _write_rows(sheet, names, rows)


def _provenance_sheet(sheet: Worksheet, result: RunResult, figures: int) -> None:
    provenance = result.provenance
    suppression = result.suppression
    about: list[list[object]] = [
        ["schema_version", SCHEMA_VERSION],
        ["engine", provenance.engine],
        ["engine_version", provenance.engine_version],
        ["data_fingerprint", provenance.data_fingerprint],
        ["as_of", dt.date.fromisoformat(provenance.as_of) if provenance.as_of else None],
        ["grain", provenance.grain],
        ["period_from", provenance.period_from],
        ["period_to", provenance.period_to],
        ["figures", figures],
        ["rejected_rows", provenance.rejected_rows],
        [
            "suppression",
            f"{suppression.policy} {suppression.threshold} ({suppression.hidden} verborgen, "
            f"getoond als {suppression.marker})"
            if suppression
            else "off",
        ],
    ]
    _write_rows(sheet, ["item", "value"], about)
    for cell in sheet["B"][1:]:
        if isinstance(cell.value, dt.date):
            cell.number_format = DATE
    _block(
        sheet,
        ["table", "file", "rows_read", "rows_accepted"],
        [[s.table, s.file, s.rows_read, s.rows_accepted] for s in result.table_stats],
    )
    _block(
        sheet,
        ["rejected_in_table", "file", "column", "reason", "rows"],
        [[c.table, c.file, c.column, c.reason, c.rows] for c in result.rejection_counts],
    )
    _block(sheet, ["note_on_measure", "message"], [[n.measure, n.message] for n in result.notes])
    _fit_widths(sheet)


def _block(sheet: Worksheet, names: list[str], rows: list[list[object]]) -> None:
    """A second table under the first, after an empty row (only where it has rows)."""
    if not rows:
        return
    sheet.append([])
    sheet.append(names)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in rows:
        sheet.append(row)


def _write_rows(sheet: Worksheet, names: list[str], rows: Sequence[Sequence[object]]) -> None:
    _header(sheet, names)
    for row in rows:
        sheet.append(list(row))
    _date_formats(sheet, names)
    _finish(sheet, names)


def _header(sheet: Worksheet, names: Sequence[str]) -> None:
    sheet.append(list(names))
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="top")


def _date_formats(sheet: Worksheet, names: Sequence[str]) -> None:
    for index, name in enumerate(names, start=1):
        if name in DATE_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = DATE


def _finish(sheet: Worksheet, names: Sequence[str]) -> None:
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(len(names), 1))
    sheet.auto_filter.ref = f"A1:{last}{max(sheet.max_row, 1)}"
    _fit_widths(sheet)


def _fit_widths(sheet: Worksheet) -> None:
    """Each column as wide as its widest cell (dates and numbers as Excel shows them),
    within bounds, so nothing shows as ##### and no label runs off the screen."""
    for column in sheet.iter_cols():
        widest = max((_shown_width(_value_of(cell)) for cell in column), default=8)
        letter = get_column_letter(column[0].column)
        sheet.column_dimensions[letter].width = min(max(widest + 2, 8), WIDEST)


def _value_of(cell: Cell) -> object:
    return (
        float(cell.value) if cell.data_type == "n" and isinstance(cell.value, str) else cell.value
    )


def _shown_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.2f}") + 2  # the euro sign or a percent sign
    return len(str(value))
