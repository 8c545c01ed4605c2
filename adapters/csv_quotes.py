"""runaway_quote: a quote left open, told apart from a quoted value with line breaks.

A quoted value may hold line breaks (a note typed in Excel with Alt+Enter), so the parser
reads on to the closing quote; a quote that is never closed makes it read every later
line into one value. The reader tells the two apart by content: a line inside a value that
has as many fields as the header is a record of its own, swallowed. And it appends a
sentinel record after the last line (``sentinel``): a quote still open at the end of the
file swallows the sentinel too.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

END = "\ue000end of file\ue000"  # a private-use character: never in a municipal export
MAX_REPEAT = 100  # a line with this many delimiters is a record (keeps the regex small)
PATTERN_DELIMITERS = {",": ",", ";": ";", "\t": r"\t"}


@dataclass(frozen=True)
class Runaway:
    """Where a quoted value runs away, in lines after the line its record starts on."""

    opened: int  # the line of the opening quote
    swallowed: int  # the first line inside the value that looks like a record
    fields: int  # how many fields that line has
    never_closed: bool  # the value runs on to the end of the file


def sentinel(delimiter: str, width: int) -> str:
    """One record after the last line: its own row, unless a quote is still open."""
    return delimiter.join([END] * width) + "\n"


def runaway_rows(raw: pa.Table, delimiter: str) -> np.ndarray:
    """Per row, whether a cell holds a line that looks like a record (vectorised): a line
    inside it with as many fields as the header, or a last line that does so together with
    the cells after it (the quote that ends the value may be the opening quote of a later
    field)."""
    d = PATTERN_DELIMITERS[delimiter]
    width = raw.num_columns
    inside = rf"\n(?:[^\n{d}]*{d}){{{min(width - 1, MAX_REPEAT)}}}"
    found = np.zeros(raw.num_rows, dtype=bool)
    for index, name in enumerate(raw.column_names):
        last = rf"\n(?:[^\n{d}]*{d}){{{min(_own_delimiters(index, width), MAX_REPEAT)}}}[^\n]*$"
        match = pc.match_substring_regex(raw[name], f"{inside}|{last}")
        found |= np.asarray(pc.fill_null(match, False).to_numpy(zero_copy_only=False), dtype=bool)
    return found


def runaway_quote(cells: list[str], delimiter: str, width: int) -> Runaway | None:
    """The first cell of one record that swallowed a line shaped like a record (a line
    with the ``width`` fields of the header), as ``runaway_rows`` finds it."""
    before = 0
    for index, cell in enumerate(cells):
        parts = cell.split("\n")
        for offset, part in enumerate(parts[1:], start=1):
            own = part.count(delimiter)
            if offset < len(parts) - 1:
                fields, enough = own + 1, own >= min(width - 1, MAX_REPEAT)
            else:  # the cells after this one are on the same line
                fields = own + len(cells) - index
                need = _own_delimiters(index + width - len(cells), width)
                enough = fields >= width and own >= min(need, MAX_REPEAT)
            if enough:
                return Runaway(before, before + offset, fields, END in cell)
        before += len(parts) - 1
    return None


def _own_delimiters(index: int, width: int) -> int:
    """The delimiters the last line of a cell in column ``index`` needs to look like a
    record: as many as columns before it (at least one, unless the header has one column)."""
    return min(max(index, 1), width - 1)


def runaway_in_text(text: str, delimiter: str, width: int) -> Runaway | None:
    """The same for the raw text of a record the parser found the wrong size."""
    cells = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    return runaway_quote(cells, delimiter, width)


def message(path: object, record: int, runaway: Runaway) -> str:
    """Name the line of the opening quote (``record`` is the line the record starts on),
    never echo the lines."""
    line = record + runaway.opened
    if runaway.never_closed:
        return (
            f'{path}:{line}: the quote (") opened on this line is never closed, so every '
            "later line would be read as part of one value; add the closing quote or remove "
            "the opening one"
        )
    return (
        f"{path}:{line}: the quoted value opened on this line runs on over line "
        f"{record + runaway.swallowed}, which looks like a record of its own "
        f'({runaway.fields} fields); a closing quote (") is probably missing on line {line}'
    )
