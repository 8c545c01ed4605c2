"""Input limits: how large an input may be before maatstaf refuses it, up front.

A file that is too large (or claims to be: a zip bomb, a Parquet file whose metadata
promises billions of rows) is refused with a message naming the file, the limit and the
environment variable that raises it, before it can take all memory or hours of time.

=========================== ================================================ ==============
variable                    what it limits                                   default
=========================== ================================================ ==============
MAATSTAF_MAX_INPUT_BYTES    uncompressed bytes of one input file (a CSV, a   4G
                            Parquet file's data, all parts of a workbook)
MAATSTAF_MAX_ROWS           rows of one table                                50M
MAATSTAF_MAX_CELLS          rows times columns of one table                  1000M
MAATSTAF_MAX_ZIP_RATIO      how many times larger a workbook part may be     200
                            unpacked than packed (parts above 1 MB)
=========================== ================================================ ==============

Values are whole numbers, optionally with ``_`` and a suffix K, M or G (thousand,
million, billion): ``MAATSTAF_MAX_ROWS=20M``. The defaults let a file of 10 million rows
through. Running out of memory all the same ends in ``out_of_memory``'s message.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from maatstaf.adapters.base import LoadError

SUFFIXES = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9}
DEFAULTS = {
    "MAATSTAF_MAX_INPUT_BYTES": 4 * 10**9,
    "MAATSTAF_MAX_ROWS": 50 * 10**6,
    "MAATSTAF_MAX_CELLS": 1000 * 10**6,
    "MAATSTAF_MAX_ZIP_RATIO": 200,
}
RATIO_FLOOR = 10**6  # a small part may pack well (styles, repeated empty cells)


@dataclass(frozen=True)
class Limits:
    max_input_bytes: int = DEFAULTS["MAATSTAF_MAX_INPUT_BYTES"]
    max_rows: int = DEFAULTS["MAATSTAF_MAX_ROWS"]
    max_cells: int = DEFAULTS["MAATSTAF_MAX_CELLS"]
    max_zip_ratio: int = DEFAULTS["MAATSTAF_MAX_ZIP_RATIO"]


def current_limits() -> Limits:
    """The limits as the environment sets them (read on every load, so tests and long
    sessions see a change)."""
    return Limits(*(_setting(name) for name in DEFAULTS))


def _setting(name: str) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return DEFAULTS[name]
    match = re.fullmatch(r"(\d[\d_]*)\s*([KMG]?)B?", text.upper())
    if not match or int(match.group(1).replace("_", "")) == 0:
        raise LoadError(
            f"{name}={text!r} is not a number (expected a whole number above 0, "
            f"optionally with K, M or G: e.g. {_human(DEFAULTS[name])})"
        )
    return int(match.group(1).replace("_", "")) * SUFFIXES[match.group(2)]


def _human(value: int) -> str:
    for suffix in ("G", "M", "K"):
        if value % SUFFIXES[suffix] == 0:
            return f"{value // SUFFIXES[suffix]}{suffix}"
    return str(value)


def _refuse(where: str, what: str, variable: str, limit: int, advice: str = "") -> LoadError:
    return LoadError(
        f"{where}: {what} (limit {variable}={_human(limit)}); {advice}"
        f"if the input is genuine, raise the limit (e.g. {variable}={_human(limit * 4)})"
    )


def check_bytes(where: str, size: int, limits: Limits, what: str = "bytes") -> None:
    """Refuse an input of more than ``max_input_bytes`` (its size as stored or unpacked)."""
    if size > limits.max_input_bytes:
        raise _refuse(where, f"{size:,} {what}", "MAATSTAF_MAX_INPUT_BYTES", limits.max_input_bytes)


def check_rows(where: str, rows: int, columns: int, limits: Limits) -> None:
    """Refuse a table of more than ``max_rows`` rows or ``max_cells`` cells."""
    if rows > limits.max_rows:
        raise _refuse(where, f"{rows:,} rows", "MAATSTAF_MAX_ROWS", limits.max_rows)
    if rows * columns > limits.max_cells:
        raise _refuse(
            where,
            f"{rows:,} rows of {columns} columns = {rows * columns:,} cells",
            "MAATSTAF_MAX_CELLS",
            limits.max_cells,
            "leave out columns maatstaf does not use, or ",
        )


def check_zip(where: str, members: list[tuple[str, int, int]], limits: Limits) -> None:
    """Refuse a zip (an .xlsx) by what it declares, before anything is unpacked: its parts
    (name, unpacked size, packed size) together above ``max_input_bytes``, or a large part
    packed more tightly than real data packs (a zip bomb). Python's zipfile never unpacks
    a part beyond its declared size, so the declaration is what counts."""
    total = sum(size for _, size, _ in members)
    check_bytes(where, total, limits, "bytes uncompressed")
    for name, size, packed in members:
        ratio = size / max(packed, 1)
        if size > RATIO_FLOOR and ratio > limits.max_zip_ratio:
            raise _refuse(
                where,
                f"part {name} unpacks to {ratio:,.0f} times its compressed size ({size:,} "
                f"bytes from {packed:,}), far more than real spreadsheet data; this looks like "
                "a zip bomb",
                "MAATSTAF_MAX_ZIP_RATIO",
                limits.max_zip_ratio,
            )


def out_of_memory(where: str, size: int | None = None) -> LoadError:
    """The message when reading ``where`` ran out of memory (MemoryError or Arrow's)."""
    stored = f" ({size:,} bytes)" if size is not None else ""
    return LoadError(
        f"{where}: not enough memory to read this input{stored}. Run maatstaf with more "
        "memory (the machine's or the container's memory limit), split the input, or set "
        "MAATSTAF_MAX_INPUT_BYTES / MAATSTAF_MAX_ROWS lower so that such inputs are refused "
        "up front"
    )


MEMORY_ERRORS: tuple[type[BaseException], ...] = (MemoryError,)
try:  # pyarrow is a dependency, but keep this module importable on its own
    import pyarrow as _pa

    MEMORY_ERRORS = (*MEMORY_ERRORS, _pa.ArrowMemoryError)
except ImportError:  # pragma: no cover
    pass
try:  # DuckDB reads and validates CSV files; its memory limit is MAATSTAF_MEMORY_LIMIT
    import duckdb as _duckdb

    MEMORY_ERRORS = (*MEMORY_ERRORS, _duckdb.OutOfMemoryException)
except ImportError:  # pragma: no cover
    pass
