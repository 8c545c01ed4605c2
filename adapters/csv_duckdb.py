"""csv_duckdb: a CSV file read by DuckDB's own parallel reader, straight into the database
the load validates and the engine computes in.

DuckDB does not say on which line a record starts, so it reads the files whose records are
one line each, and those only: a file is handed back to the exact reader (``csv_folder``:
Arrow, which counts blank lines and line breaks inside quoted cells and names a quote left
open) when DuckDB's records are not exactly the file's lines after the header, or when
DuckDB refuses it (a record with the wrong number of fields, a stray quote), or when it
holds NUL bytes, or when a carriage return ends a line on its own, or when white space
comes before a quote at the start of a field (DuckDB skips it and reads the quoted value;
the exact reader, as RFC 4180 has it, reads that quote as a character). So line numbers,
errors and rejections are the same whichever reader read the file; only the time differs.

A file in another encoding (Windows-1252; UTF-16 or UTF-32 with a byte order mark) is
decoded as the exact reader decodes it, and DuckDB reads a UTF-8 copy of that text
(``utf8_copy``), under the same rules; two encodings mixed in one file are an error from
either reader.
"""

from __future__ import annotations

import atexit
import codecs
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from maatstaf.adapters.assemble import RawTable
from maatstaf.adapters.cell_rules import CONTROL_SPACE, ROW, WHITE_SPACE
from maatstaf.adapters.duck import literal
from maatstaf.dsl.schema import Table

# the white space DuckDB's trim() trims besides the ASCII space: the Unicode space separators
WIDE_SPACES = tuple(c for c in WHITE_SPACE if not c.isascii() and c not in CONTROL_SPACE)
NOT_UTF8 = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_csv_in_duckdb(
    path: Path,
    data: bytes,
    table: Table,
    header: list[str],
    delimiter: str,
    exact: Callable[[], RawTable],
    shown: Path | None = None,
) -> RawTable | None:
    """The file as DuckDB's reader reads it (the FROM clause of the validating query), or
    None when the file needs the exact reader (see the module). ``header`` is the file's
    column names, as ``csv_folder`` read them; ``exact`` reads the file with the exact
    reader, for when DuckDB's records turn out not to be the file's lines. ``shown``: the
    file as messages name it, where ``path`` is a UTF-8 copy of it (``utf8_copy``)."""
    shown = shown or path
    feeds, controls = line_ends_and_controls(data)
    ascii_only = data.isascii()
    plain = _plain_utf8(data, delimiter, ascii_only, controls == feeds)
    if plain is None:
        return None
    names = [h if h and h != ROW else f"__unused_{i}" for i, h in enumerate(header)]
    if len(set(names)) != len(names) or all(n.startswith("__unused_") for n in names):
        return None  # no column to read: the exact reader and the header check say so
    columns = ", ".join(f"{literal(n)}: 'VARCHAR'" for n in names)
    query = (
        f"read_csv({literal(str(path))}, header = true, columns = {{{columns}}}, "
        f"delim = {literal(delimiter)}, quote = '\"', escape = '\"', auto_detect = false, "
        "strict_mode = true, null_padding = false, encoding = 'utf-8')"
    )
    lines = feeds + (0 if data.endswith(b"\n") else 1)
    warnings = [f"{shown}:1: column '{ROW}' is not used (the name is reserved)"] * (ROW in header)
    return RawTable(
        table.name,
        str(shown),
        None,
        data,
        delimiter == ";",
        warnings,
        rows=lines - 1,
        plain_trim=plain,
        bare=plain and not edge_space(data, delimiter, ascii_only),
        query=query,
        columns=tuple(n for n in names if not n.startswith("__unused_")),
        exact=exact,
    )


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


def utf8_copy(utf8: bytes) -> Path:
    """A file of its own holding ``utf8``, for DuckDB's reader: the text of a file in
    another encoding, decoded as the exact reader decodes it, so its lines and cells are
    the same (both encodings keep every line end and quote where it was). The copy holds
    the source's rows: the load removes it once DuckDB has read it, and the process at its
    end if the load never got there."""
    handle, name = tempfile.mkstemp(prefix="maatstaf-utf8-", suffix=".csv")
    copy = Path(name)
    atexit.register(copy.unlink, missing_ok=True)
    with os.fdopen(handle, "wb") as out:
        out.write(utf8)
    return copy


def _plain_utf8(
    data: bytes, delimiter: str, ascii_only: bool, only_line_feeds: bool = False
) -> bool | None:
    """Whether DuckDB may read the file: None if not (see the module); else whether its
    only white space is spaces (besides line ends, and tab delimiters in a file without
    quotes), so that a plain trim reads the cells as the exact reader's trim does.
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
    if _quote_after_space(data, delimiter, only_line_feeds):
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


def _quote_after_space(data: bytes, delimiter: str, no_tabs: bool = False) -> bool:
    """Whether spaces or tabs may come before a quote that starts a field (also inside a
    quoted cell, where it is harmless: such a file is merely read by the exact reader).
    ``no_tabs``: the file is known to hold no tab."""
    # a byte search first (memchr): most exports have no quote, or no space or tab at all
    tabs = not no_tabs and b"\t" in data
    if b'"' not in data or (not tabs and b" " not in data):
        return False
    if b' "' not in data and not (tabs and b'\t"' in data):
        return False
    start = re.escape(delimiter.encode())
    return re.search(rb"(?:^|" + start + rb")[ \t]+\"", data, re.MULTILINE) is not None


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
