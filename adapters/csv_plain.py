"""csv_plain: a plain CSV file (one record per line) read by Arrow's parallel reader, with
the options and the parser of the exact reader, its cells handed to DuckDB to validate.

The exact reader (``csv_exact``) numbers every record by the line it starts on, counting
line breaks inside quoted cells, and names a quote left open; it reads on one core, after
decoding the whole file in Python. Most exports hold one record per line, and for those
the line numbers are known without that work: record i is on line i + 2. So a file is
read in parallel only when its records turn out to be exactly its lines after the header,
and handed to the exact reader otherwise: when Arrow refuses a record (another number of
fields than the header), when a quoted line break makes fewer records than lines, when a
quote is left open on the last line (``_open_at_the_end``), when it holds NUL bytes or a
carriage return that ends a line on its own. Line numbers, errors and rejections are the
same whichever reader read a file; only the time differs (10^6 indications: 0.15-0.2 s
where DuckDB's own CSV reader took 0.45 s on 2 cores, and its date columns typed by
Arrow's strict parser, ``with_typed_dates``, instead of a match and a cast in SQL).

A file in another encoding (Windows-1252; UTF-16 or UTF-32 with a byte order mark) is
decoded as the exact reader decodes it, and its UTF-8 text is read so, under the same
rules; two encodings mixed in one file are an error from either reader.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from maatstaf.adapters.assemble import RawTable
from maatstaf.adapters.cell_rules import CONTROL_SPACE, ROW, WHITE_SPACE, typed_name
from maatstaf.adapters.csv_exact import parse_options
from maatstaf.adapters.csv_quotes import END, sentinel
from maatstaf.dsl.schema import Table

# the white space DuckDB's trim() trims besides the ASCII space: the Unicode space separators
WIDE_SPACES = tuple(c for c in WHITE_SPACE if not c.isascii() and c not in CONTROL_SPACE)
NOT_UTF8 = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_plain_csv(
    path: Path,
    data: bytes,
    table: Table,
    header: list[str],
    delimiter: str,
    exact: Callable[[], RawTable],
) -> RawTable | None:
    """The file as the parallel reader will read it (``RawTable.read``), or None when the
    file needs the exact reader (see the module). ``data``: the file's text in UTF-8;
    ``header`` its column names, as ``csv_folder`` read them; ``exact`` reads the file
    with the exact reader, for when its records turn out not to be its lines."""
    feeds, controls = line_ends_and_controls(data)
    ascii_only = data.isascii()
    plain = _plain_utf8(data, delimiter, ascii_only, controls == feeds)
    if plain is None:
        return None
    names = [h if h and h != ROW else f"__unused_{i}" for i, h in enumerate(header)]
    if len(set(names)) != len(names) or all(n.startswith("__unused_") for n in names):
        return None  # no column to read: the exact reader and the header check say so
    used = [n for n in names if not n.startswith("__unused_")]
    lines = feeds + (0 if data.endswith(b"\n") else 1)
    warnings = [f"{path}:1: column '{ROW}' is not used (the name is reserved)"] * (ROW in header)
    return RawTable(
        table.name,
        str(path),
        None,
        data,
        delimiter == ";",
        warnings,
        rows=lines - 1,
        plain_trim=plain,
        bare=plain and not edge_space(data, delimiter, ascii_only),
        read=partial(read_plain, data, names, used, delimiter, table, lines - 1),
        columns=tuple(used),
        exact=exact,
    )


def read_plain(
    data: bytes, names: list[str], used: list[str], delimiter: str, table: Table, rows: int
) -> tuple[pa.Table, frozenset[str]] | None:
    """The cells of the columns ``used`` of a plain file (UTF-8, ``rows`` records after
    the header, one per line) as Arrow text, read by Arrow's parallel reader with the
    options of the exact reader: an empty cell (quoted or not) is missing (null), every
    other cell is its text as the file holds it; with the date columns it could type
    (``with_typed_dates``). None when the file is not plain after all, and the exact
    reader must read it: a record with another number of fields than the header, a
    quoted line break (fewer records than lines), or a quote left open at the end."""
    try:
        cells = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=BLOCK),
            parse_options=parse_options(delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in used},
                include_columns=used,
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if cells.num_rows != rows or _open_at_the_end(data, delimiter, len(names)):
        return None
    return with_typed_dates(cells, table)


def _open_at_the_end(data: bytes, delimiter: str, width: int) -> bool:
    """Whether a quote on the file's last line is still open at its end. Arrow reads such
    a quote to the end of the file without a word; every earlier line ends outside quotes
    when the records are the lines, so the last line read on its own, with the exact
    reader's sentinel record after it (``csv_quotes``), tells."""
    end = len(data) - 1 if data.endswith(b"\n") else len(data)
    last = data[data.rfind(b"\n", 0, end) + 1 : end]  # no copy of the rest (72 MiB: 0.04 s)
    if b'"' not in last:
        return False
    text = last + b"\n" + sentinel(delimiter, width).encode("utf-8")
    try:
        records = pacsv.read_csv(
            pa.py_buffer(text),
            read_options=pacsv.ReadOptions(column_names=[f"c{i}" for i in range(width)]),
            parse_options=parse_options(delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types={f"c{i}": pa.string() for i in range(width)}
            ),
        )
    except pa.ArrowInvalid:
        return True
    return records.num_rows != 2 or records["c0"][1].as_py() != END


FIRST_DAY = -719162  # 0001-01-01 as days since 1970-01-01: a year 0000 is no date here


def with_typed_dates(cells: pa.Table, table: Table) -> tuple[pa.Table, frozenset[str]]:
    """``cells`` with, per date column of ``table`` whose every cell Arrow's parser reads as
    a date, that column typed as ``__typed_<name>``; and the names of those columns.
    Arrow reads YYYY-MM-DD only, of a day that exists (2020-02-30 is no date), which is
    exactly how the SQL reads a cell of that shape, from the year 1 on: a column holding
    any other cell (DD-MM-YYYY, a space, a year 0000) is typed by the SQL, cell by cell.
    Parsing a column so takes 15-20 ms at 10^6 rows, where matching and casting it in the
    SQL took 0.15-0.2 s of CPU."""
    typed = []
    for column in table.columns:
        if column.type != "date" or column.name not in cells.column_names:
            continue
        try:
            days = pc.cast(cells[column.name], pa.date32())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        first = pc.min(days.cast(pa.int32())).as_py()
        if first is not None and first < FIRST_DAY:
            continue
        cells = cells.append_column(typed_name(column.name), days)
        typed.append(column.name)
    return cells, frozenset(typed)


def other_encoding(data: bytes) -> bool:
    """Whether the file is not UTF-8: a byte order mark of UTF-16 or UTF-32, or bytes
    that are no UTF-8 (Windows-1252, as older Excel versions and many source systems save
    CSV). ``encoding.decode`` says which, or that it is neither."""
    if data.startswith(NOT_UTF8):
        return True
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _plain_utf8(
    data: bytes, delimiter: str, ascii_only: bool, only_line_feeds: bool = False
) -> bool | None:
    """Whether the parallel reader may read the file: None if not (see the module);
    else whether its only white space is spaces (besides line ends, and tab delimiters in
    a file without quotes), so that a plain trim reads the cells as the exact reader's
    trim does.
    ``ascii_only``: ``data.isascii()``; ``only_line_feeds``: no byte below 0x20 but line
    feeds (``line_ends_and_controls``), so no NUL, carriage return, tab or other control
    byte is there to look for."""
    if data.startswith(NOT_UTF8):
        return None
    if not only_line_feeds:
        if b"\x00" in data:
            return None
        if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
            return None
    text = None
    if not ascii_only:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if delimiter == "\t" and b'"' in data:  # a tab may be in a quoted cell: not a delimiter
        return False
    controls = [c for c in CONTROL_SPACE if c not in "\n\r" and c != delimiter]
    if not only_line_feeds and any(c.encode() in data for c in controls if c.isascii()):
        return False
    return not (text is not None and any(c in text for c in controls if not c.isascii()))


def edge_space(data: bytes, delimiter: str, ascii_only: bool | None = None) -> bool:
    """Whether a cell may begin or end with white space that DuckDB's trim() trims: any
    Unicode space separator but the ASCII space (no-break space, ...), or a space beside a
    delimiter, a quote, a line end or the file's start or end (also inside a quoted cell,
    where it is harmless: the cells are then merely trimmed). Vectorised over the bytes,
    a block at a time (the temporary arrays stay small). ``ascii_only``: ``data.isascii()``
    where the caller knows it."""
    if data.startswith(b" ") or data.endswith(b" "):
        return True
    wide = not (data.isascii() if ascii_only is None else ascii_only)
    spaced = b" " in data
    if not (spaced or wide):
        return False
    cells = np.frombuffer(data, dtype=np.uint8)
    beside = np.zeros(256, dtype=bool)
    beside[list(delimiter.encode() + b'"\n\r')] = True
    last = len(cells) - 1
    for start in range(0, len(cells), BLOCK):
        block = cells[start : start + BLOCK]
        if wide and _wide_space(cells, np.flatnonzero(block >= 0xC2) + start):
            return True
        if spaced:
            at = np.flatnonzero(block == 32) + start  # never the first or last byte
            if beside[cells[at - 1]].any() or beside[cells[np.minimum(at + 1, last)]].any():
                return True
    return False


BLOCK = 1 << 21  # bytes


def line_ends_and_controls(data: bytes) -> tuple[int, int]:
    """How many line feeds ``data`` holds, and how many bytes below 0x20 (line feeds
    included), in one pass a block at a time in numpy (22 ms for the 72 MiB of 10^6
    indications; ``data.count(b"\\n")`` alone takes 33 ms). When the two are equal the file holds no
    NUL, carriage return, tab or other control byte, and ``_plain_utf8`` need not look
    for each of them (a pass over the whole file each: 33 ms at 10^6 indications, where
    counting them adds 11 ms to counting the line feeds alone)."""
    cells = np.frombuffer(data, dtype=np.uint8)
    feeds = controls = 0
    for start in range(0, len(cells), BLOCK):
        block = cells[start : start + BLOCK]
        feeds += int(np.count_nonzero(block == 10))
        controls += int(np.count_nonzero(block < 0x20))
    return feeds, controls


def _wide_space(cells: np.ndarray, lead: np.ndarray) -> bool:
    """Whether the UTF-8 characters starting at ``lead`` include one of ``WIDE_SPACES``
    (C2 A0, E1 9A 80, E2 80 80..8A, E2 80 AF, E2 81 9F, E3 80 80)."""
    last = len(cells) - 1
    first = cells[lead]
    second = cells[np.minimum(lead + 1, last)]
    third = cells[np.minimum(lead + 2, last)]
    found = (first == 0xC2) & (second == 0xA0)
    found |= (first == 0xE1) & (second == 0x9A) & (third == 0x80)
    found |= (first == 0xE2) & (second == 0x80) & ((third <= 0x8A) | (third == 0xAF))
    found |= (first == 0xE2) & (second == 0x81) & (third == 0x9F)
    found |= (first == 0xE3) & (second == 0x80) & (third == 0x80)
    return bool(found.any())
