"""Unique Wmo clients per month as ``handwritten.py`` counts them, after checking every row
as maatstaf checks a ``toewijzingen.csv``: a hand-written script doing the same job as
``maatstaf run``, the whole-process benchmark's second reference (``whole_process``).

    python benchmarks/handwritten_checked.py toewijzingen.csv figures.json 2015-01 2025-12 \
        [rejected.csv]

The rules are the table's (``definitions/standaardtabellen.kpi``), for the columns of the
benchmark's file: a row without any value is left out; toewijzing_id, client_id, wet,
productcode and startdatum are required; wet is wmo or jeugdwet; omvang_volume is an
amount (at most 2 decimals and 16 digits before them); a date is YYYY-MM-DD or DD-MM-YYYY
of a day that exists, from the year 1, and an einddatum of 9999-12-31 is no end; an
einddatum before its startdatum is rejected; of rows sharing a toewijzing_id, one equal in
every cell to an earlier one is a copy (rejected, the first kept), and the others sharing
it are all rejected. A rejected row counts in no figure; each broken rule is written to
``rejected.csv`` (line, column, reason), the header on line 1.

It assumes what a script written for one known export may: UTF-8 with commas, one record
per line, no white space around cells, and only the columns above (any other column is
refused, since no rule of it would be checked). Arrow's multi-threaded reader reads it
and the checks are vectorised (pyarrow.compute, numpy); only the rows whose toewijzing_id
occurs more than once are visited one by one (copies). It imports what the plain script
imports, and runs as a script in its own process.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

try:
    from benchmarks.handwritten import merged_sweep
except ImportError:  # run as a script: the plain script is beside this one
    from handwritten import merged_sweep  # type: ignore[no-redef]

COLUMNS = (
    "toewijzing_id",
    "client_id",
    "wet",
    "productcode",
    "omvang_volume",
    "omvang_eenheid",
    "omvang_frequentie",
    "startdatum",
    "einddatum",
)
REQUIRED = ("toewijzing_id", "client_id", "wet", "productcode", "startdatum")
LAWS = ("wmo", "jeugdwet")
OPEN_END = ("9999-12-31", "31-12-9999")


class Checked:
    """The file's cells as text, and every broken rule found so far."""

    def __init__(self, path: str) -> None:
        self.cells = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in COLUMNS},
                strings_can_be_null=True,  # an empty cell, quoted or not, is missing
                quoted_strings_can_be_null=True,
            ),
        )
        others = sorted(set(self.cells.column_names) - set(COLUMNS))
        if others:
            raise SystemExit(f"{path}: columns this script does not check: {', '.join(others)}")
        self.rows = self.cells.num_rows
        self.rejected = np.zeros(self.rows, dtype=bool)
        self.found: list[tuple[np.ndarray, str, str]] = []
        self.empty = np.logical_and.reduce([self.missing(c) for c in self.cells.column_names])

    def missing(self, column: str) -> np.ndarray:
        if column not in self.cells.column_names:
            return np.ones(self.rows, dtype=bool)
        return _numpy(pc.is_null(self.cells[column]))

    def reject(self, broken: np.ndarray, column: str, reason: str) -> None:
        broken = broken & ~self.empty
        if broken.any():
            self.found.append((np.flatnonzero(broken) + 2, column, reason))
            self.rejected |= broken

    def date(self, column: str, open_end: bool = False) -> np.ndarray:
        """The column's days (NaT where missing, an open end, or no date: rejected). A
        column of YYYY-MM-DD dates only is cast at once; any other is read cell by cell."""
        text = self.cells[column]
        try:
            days = _numpy(pc.cast(text, pa.date32())).astype("datetime64[D]")
        except pa.ArrowInvalid:
            iso = _numpy(_days(text, "%Y-%m-%d")).astype("datetime64[D]")
            dmy = _numpy(_days(text, "%d-%m-%Y")).astype("datetime64[D]")
            days = np.where(np.isnat(iso), dmy, iso)
        days[days < np.datetime64("0001-01-01")] = np.datetime64("NaT")  # the year 0000
        ended = (
            _numpy(pc.is_in(text, pa.array(OPEN_END))) if open_end else np.zeros_like(days, bool)
        )
        days[ended] = np.datetime64("NaT")
        self.reject(~self.missing(column) & np.isnat(days) & ~ended, column, "not a date")
        return days

    def copies_and_duplicate_keys(self) -> None:
        """Rows sharing a toewijzing_id: a copy of an earlier row is rejected, the first
        kept; the other rows sharing it, with a key, are all rejected."""
        key = self.cells["toewijzing_id"]
        if len(pc.unique(key)) == self.rows:
            return
        codes = _numpy(pc.dictionary_encode(key).combine_chunks().indices.fill_null(-1))
        counts = np.bincount(codes + 1)
        shared = np.flatnonzero((counts[codes + 1] > 1) & ~self.empty)
        lines = (shared + 2).tolist()
        names = self.cells.column_names
        columns = [self.cells[c].take(shared).to_pylist() for c in names]
        rows = list(zip(*columns, strict=True))
        keys = columns[names.index("toewijzing_id")]
        first: dict[tuple, int] = {}  # the first line of each set of equal rows
        copies: dict[int, int] = {}  # line -> the line it copies
        for line, cells in zip(lines, rows, strict=True):
            if cells in first:
                copies[line] = first[cells]
            else:
                first[cells] = line
        originals = Counter(k for line, k in zip(lines, keys, strict=True) if line not in copies)
        duplicated = [
            line
            for line, k in zip(lines, keys, strict=True)
            if line not in copies and k is not None and originals[k] > 1
        ]
        for line, original in copies.items():
            self.found.append((np.array([line]), "", f"exact copy of row {original}"))
        if duplicated:
            self.found.append((np.array(duplicated), "toewijzing_id", "duplicate key"))
        self.rejected[np.array([*copies, *duplicated], dtype=np.int64) - 2] = True


def _numpy(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return values.to_numpy(zero_copy_only=False)


def _days(text: pa.ChunkedArray, layout: str) -> pa.ChunkedArray:
    """Days of the cells of that layout, missing where a cell has another or names a day
    that does not exist: strptime reads 2021-02-30 as 2021-03-02, so a day counts only if
    it is written back as the cell was."""
    days = pc.cast(pc.strptime(text, format=layout, unit="s", error_is_null=True), pa.date32())
    exact = pc.equal(pc.strftime(days, format=layout), text)
    return pc.if_else(exact, days, pa.scalar(None, pa.date32()))


def main(path: str, output: str, first: str, last: str, rejected: str | None = None) -> None:
    checked = Checked(path)
    for column in REQUIRED:
        checked.reject(checked.missing(column), column, "required value is empty")
    law = checked.cells["wet"]
    checked.reject(
        ~checked.missing("wet") & ~_numpy(pc.is_in(law, pa.array(LAWS))), "wet", "unknown code"
    )
    amount = checked.cells["omvang_volume"]
    shaped = _numpy(
        pc.fill_null(pc.match_substring_regex(amount, r"^-?\d{1,16}(\.\d{1,2})?$"), True)
    )
    checked.reject(~shaped, "omvang_volume", "not an amount")
    start = checked.date("startdatum")
    end = checked.date("einddatum", open_end=True)
    checked.reject(end < start, "einddatum", "einddatum before startdatum")
    checked.copies_and_duplicate_keys()

    counted = ~checked.rejected & ~checked.empty & _numpy(pc.fill_null(pc.equal(law, "wmo"), False))
    origin = np.datetime64(first, "M")
    months = int((np.datetime64(last, "M") - origin).astype(np.int64)) + 1
    first_month = (start[counted].astype("datetime64[M]") - origin).astype(np.int64)
    ends = end[counted]
    last_month = np.where(
        np.isnat(ends), months - 1, (ends.astype("datetime64[M]") - origin).astype(np.int64)
    )
    clients = checked.cells["client_id"].filter(pa.array(counted))
    codes = _numpy(pc.dictionary_encode(clients).combine_chunks().indices)
    counts = merged_sweep(codes.astype(np.int64), first_month, last_month, months)
    labels = np.arange(origin, origin + months).astype(str)
    with open(output, "w", encoding="utf-8") as out:
        json.dump(dict(zip(labels.tolist(), counts.tolist(), strict=True)), out)
    if rejected is not None:
        with open(rejected, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["line", "column", "reason"])
            for lines, column, reason in checked.found:
                writer.writerows([line, column, reason] for line in lines.tolist())


if __name__ == "__main__":
    main(*sys.argv[1:6])
