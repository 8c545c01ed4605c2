"""csv_exact: the exact CSV reader, for the files the parallel reader does not read (see
``csv_plain``): every cell as text through Arrow (never row by row in Python), each row
numbered by the file line it starts on, blank lines and line breaks inside quoted cells
counted; the delimiter (comma, semicolon, tab) and the decimal comma detected; every
line accounted for (a quote left open, a record with the wrong number of fields: a
LoadError naming the line, never echoing it)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from maatstaf.adapters.base import LoadError
from maatstaf.adapters.cell_rules import ROW
from maatstaf.adapters.csv_quotes import (
    Runaway,
    runaway_in_text,
    runaway_quote,
    runaway_rows,
    sentinel,
)
from maatstaf.adapters.csv_quotes import message as quote_message
from maatstaf.adapters.encoding import decode
from maatstaf.dsl.schema import Table

MAX_BLOCK = 2**31 - 1  # Arrow's largest block, in bytes
DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T].*)?")
NUMBER = re.compile(r"[-+]?\d+([.,]\d+)*")


def read_csv(path: Path, data: bytes, table: Table) -> tuple[pa.Table, bool, list[str]]:
    """All cells as text plus ``__row``, the file line where each row starts (blank lines
    and quoted line breaks counted); whether amounts use a decimal comma; warnings. Rows
    without any value (blank lines, ``;;;;`` from Excel) are left out."""
    text = decode(path, data)
    if not text.strip():
        raise LoadError(f"{path}: the file is empty (expected a header line with column names)")
    delimiter = delimiter_of(text.split("\n", 1)[0])
    header = header_of(path, text, delimiter, table)
    names = [h if h and h != ROW else f"\0{i}" for i, h in enumerate(header)]  # \0: unused
    raw, invalid = _parse(path, text, names, delimiter)
    raw = _with_line_numbers(path, raw, invalid, delimiter)
    raw = raw.select([n for n in raw.column_names if not n.startswith("\0")])
    raw = raw.filter(pa.array(~_all_empty(raw)))
    warnings = [f"{path}:1: column '{ROW}' is not used (the name is reserved)"] * (ROW in header)
    return raw, _decimal_comma(delimiter, raw, table), warnings


def _parse(
    path: Path, text: str, names: list[str], delimiter: str
) -> tuple[pa.Table, list[BadRecord]]:
    """Arrow reads the text and a sentinel record after it; a record larger than a block
    (1 MB) is read with one block for the whole file."""
    ending = "" if text.endswith(("\n", "\r")) else "\n"
    body = (text + ending + sentinel(delimiter, len(names))).encode("utf-8")
    parse = parse_options(delimiter)
    convert = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        strings_can_be_null=False,  # "NA" or "NULL" may be a code; only empty is missing
        quoted_strings_can_be_null=False,
    )
    blocks = (1 << 20, min(len(body) + 1, MAX_BLOCK))
    for block in blocks:
        invalid: list[BadRecord] = []
        parse.invalid_row_handler = partial(
            _skip, invalid=invalid, delimiter=delimiter, width=len(names)
        )
        options = pacsv.ReadOptions(
            column_names=names, skip_rows=1, use_threads=False, block_size=block
        )
        try:
            return pacsv.read_csv(io.BytesIO(body), options, parse, convert), invalid
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc) or block == blocks[-1]:
                raise LoadError(f"{path}: cannot read as CSV: {_arrow_message(exc)}") from None
    raise AssertionError("unreachable: the last block size raises or returns")


def parse_options(delimiter: str) -> pacsv.ParseOptions:
    """How both CSV readers parse a file (``csv_plain`` too, so that a cell is the same
    text whichever read it); a new object each time (the exact reader adds its handler)."""
    return pacsv.ParseOptions(
        delimiter=delimiter,
        ignore_empty_lines=False,  # blank lines keep their place, so line numbers stay right
        newlines_in_values=True,  # a quoted line break may fall on a block boundary
    )


def header_of(path: Path, text: str, delimiter: str, table: Table) -> list[str]:
    """The column names, trimmed; a name used twice is an error (which one is meant?), and
    so is a first line of values (never echoed: it may be personal)."""
    header = [h.strip() for h in next(csv.reader([text.split("\n", 1)[0]], delimiter=delimiter))]
    sep = "<tab>" if delimiter == "\t" else delimiter
    if not header:  # Arrow would take the next record for the header
        raise LoadError(
            f"{path}:1: the first line is empty; the header must be on the first line, naming "
            f"the columns, e.g. {sep.join(table.required)}"
        )
    for number, name in enumerate(header, start=1):
        kind = "date" if DATE.fullmatch(name) else "number" if NUMBER.fullmatch(name) else ""
        if kind:
            raise LoadError(
                f"{path}:1: the first line holds values, not column names (field {number} is "
                f"a {kind}); add a header line naming the columns, e.g. {sep.join(table.required)}"
            )
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
    runaway: Runaway | None  # a quote left open in it


def _skip(row: pacsv.InvalidRow, invalid: list[BadRecord], delimiter: str, width: int) -> str:
    """Arrow calls this for a record with the wrong number of fields: note it, skip it."""
    text = row.text or ""
    runaway = runaway_in_text(text, delimiter, width) if "\n" in text else None
    invalid.append(
        BadRecord(row.number, row.expected_columns, row.actual_columns, text.count("\n"), runaway)
    )
    return "skip"


def _with_line_numbers(
    path: Path, raw: pa.Table, invalid: list[BadRecord], delimiter: str
) -> pa.Table:
    """Add ``__row``, the line each record starts on, and drop the sentinel record: Arrow
    counts records (the header is record 1, a blank line is a record) and a quoted line
    break moves every later record one line down. A quote left open, or a record with the
    wrong number of fields, makes the file unusable."""
    if any(bad.number is None for bad in invalid):
        raise LoadError(
            f"{path}: {invalid[0].actual} fields where the header has {invalid[0].expected}"
        )
    invalid = sorted(invalid, key=lambda b: b.number or 0)
    records = np.arange(2, 2 + raw.num_rows + len(invalid), dtype=np.int64)
    is_bad = np.isin(records, [bad.number for bad in invalid])
    extra = np.zeros(len(records), dtype=np.int64)
    extra[is_bad] = [bad.breaks for bad in invalid]
    breaks = _line_breaks(raw)
    extra[~is_bad] = breaks
    lines = records + np.cumsum(extra) - extra
    _check_quotes(path, raw, breaks, lines[~is_bad], invalid, lines[is_bad], delimiter)
    if invalid:
        _raise_invalid(path, invalid[0], lines[is_bad].tolist())
    raw = raw.slice(0, raw.num_rows - 1)  # the sentinel: no quote was left open
    return raw.append_column(ROW, pa.array(lines[~is_bad][:-1]))


def _check_quotes(
    path: Path,
    raw: pa.Table,
    breaks: np.ndarray,
    lines: np.ndarray,
    invalid: list[BadRecord],
    bad_lines: np.ndarray,
    delimiter: str,
) -> None:
    """The first quote left open, in a record of the right size or not, is an error. Only
    a row with a line break in a cell can hold one."""
    found = [
        (int(line), bad.runaway)
        for line, bad in zip(bad_lines, invalid, strict=True)
        if bad.runaway
    ]
    rows = np.flatnonzero(breaks)
    rows = rows[runaway_rows(raw.take(rows), delimiter)]
    if len(rows):
        cells = [raw[name][int(rows[0])].as_py() for name in raw.column_names]
        runaway = runaway_quote(cells, delimiter, raw.num_columns)
        found += [(int(lines[rows[0]]), runaway)] if runaway else []
    if found:
        line, runaway = min(found, key=lambda f: f[0] + f[1].opened)
        raise LoadError(quote_message(path, line, runaway))


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


def delimiter_of(header: str) -> str:
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
