"""Every rejection of a load as one Arrow table, and the quarantine CSV written from it.

A load can reject millions of cells (one systematic code error in a large file), so the
rejections are columnar: one row per rejected cell or row in an Arrow table (``COLUMNS``
plus ``kind``, the reason without its row-specific detail). Python objects are made only
for a bounded sample (``SAMPLE`` per table, column and kind); counts are always exact.

Values that look like BSNs (8 or 9 digits passing the elfproef) are masked in every value
and reason. In the CSV, a cell that a spreadsheet would read as a formula (starting with
=, +, -, @, a tab or a carriage return) is prefixed with a single quote (OWASP's rule
against CSV injection).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import overload

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from maatstaf.adapters.base import LoadedData, RejectedRow, RejectionCount
from maatstaf.adapters.pseudonym import mask_bsns

COLUMNS = ("table", "file", "row", "column", "reason", "value")
SCHEMA = pa.schema(
    [
        ("table", pa.string()),
        ("file", pa.string()),
        ("row", pa.int64()),
        ("column", pa.string()),
        ("reason", pa.string()),
        ("value", pa.string()),
        ("kind", pa.string()),
    ]
)
SAMPLE = 20  # rejections kept as objects per table, column and kind
FORMULA = r"^[=+\-@\t\r]"


def rejections(
    table: str,
    file: str,
    rows: pa.Array,
    column: str | None,
    kind: str,
    reasons: pa.Array | None = None,
    values: pa.Array | None = None,
) -> pa.Table:
    """The rejections of one rule: ``rows`` numbers them; ``reasons`` words each (default:
    ``kind``); ``values`` are the cells to show (None for personal columns)."""
    n = len(rows)

    def same(text: str | None) -> pa.Array:
        return pa.array(np.full(n, text, dtype=object), pa.string())

    return pa.table(
        [
            same(table),
            same(file),
            rows.cast(pa.int64()),
            same(column),
            reasons.cast(pa.string()) if reasons is not None else same(kind),
            values.cast(pa.string()) if values is not None else same(None),
            same(kind),
        ],
        schema=SCHEMA,
    )


def empty() -> pa.Table:
    return pa.Table.from_batches([], schema=SCHEMA)  # empty_table() imports pandas


def combine(parts: list[pa.Table], order: list[str]) -> pa.Table:
    """The parts as one table: distinct, BSN-like values masked, sorted by table (in
    ``order``), row, column and reason."""
    if not parts:
        return empty()
    every = pa.concat_tables(parts).combine_chunks()
    every = every.group_by(list(SCHEMA.names), use_threads=False).aggregate([])
    every = every.select(list(SCHEMA.names))
    every = every.set_column(4, "reason", mask_bsns(every["reason"].combine_chunks()))
    every = every.set_column(5, "value", mask_bsns(every["value"].combine_chunks()))
    rank = pc.index_in(every["table"], value_set=pa.array(order, pa.string()))
    keyed = every.append_column("__order", rank)
    keys = [(name, "ascending", "at_start") for name in ("__order", "row", "column", "reason")]
    indices = pc.sort_indices(keyed, sort_keys=keys)
    return every.take(indices)


def sample(quarantine: pa.Table, limit: int = SAMPLE) -> tuple[RejectedRow, ...]:
    """The first ``limit`` rejections (in the table's order) per table, column and kind."""
    if quarantine.num_rows == 0:
        return ()
    groups = _group_ids([quarantine[c] for c in ("table", "column", "kind")])
    order = np.argsort(groups, kind="stable")
    starts = np.flatnonzero(np.diff(groups[order], prepend=-1))
    sizes = np.diff(np.append(starts, len(groups)))
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(len(groups)) - np.repeat(starts, sizes)
    kept = quarantine.filter(pa.array(rank < limit)).select(list(COLUMNS))
    return tuple(RejectedRow(**row) for row in kept.to_pylist())


def counts(quarantine: pa.Table) -> tuple[RejectionCount, ...]:
    """The exact number of rejections per table, file, column and kind."""
    keys = ["table", "file", "column", "kind"]
    grouped = quarantine.group_by(keys, use_threads=False).aggregate([("row", "count")])
    grouped = grouped.sort_by([(k, "ascending") for k in keys])
    return tuple(
        RejectionCount(
            table=r["table"],
            file=r["file"],
            column=r["column"],
            reason=r["kind"],
            rows=r["row_count"],
        )
        for r in grouped.to_pylist()
    )


def rejected_rows(quarantine: pa.Table) -> int:
    """How many distinct input rows were rejected (a row may break several rules)."""
    return quarantine.group_by(["table", "row"], use_threads=False).aggregate([]).num_rows


def from_rows(rows: tuple[RejectedRow, ...] | list[RejectedRow]) -> pa.Table:
    """The table of rejections an adapter listed as objects (a database source)."""
    data = {c: [getattr(r, c) for r in rows] for c in COLUMNS}
    data["kind"] = [r.reason.split(" (")[0] for r in rows]
    return pa.table(data, schema=SCHEMA)


def _group_ids(columns: list[pa.ChunkedArray]) -> np.ndarray:
    ids = np.zeros(len(columns[0]), dtype=np.int64)
    for values in columns:
        codes = pc.dictionary_encode(values.combine_chunks()).indices
        codes = np.asarray(pc.fill_null(codes, -1).to_numpy(zero_copy_only=False), np.int64)
        ids = ids * (codes.max(initial=-1) + 2) + codes + 1
        ids = np.unique(ids, return_inverse=True)[1].reshape(-1)
    return ids


def neutralise(cells: pa.Array) -> pa.Array:
    """The cells as text a spreadsheet shows and never evaluates."""
    cells = cells.cast(pa.string())
    quoted = pc.binary_join_element_wise("'", cells, "")
    return pc.if_else(pc.fill_null(pc.match_substring_regex(cells, FORMULA), False), quoted, cells)


def quarantine_csv(loaded: LoadedData) -> str:
    """Every rejected row with its reason, for the data steward (no personal values)."""
    table = loaded.quarantine if loaded.quarantine is not None else from_rows(loaded.rejected)
    columns = {
        name: table[name] if name == "row" else neutralise(table[name].combine_chunks())
        for name in COLUMNS
    }
    out = io.BytesIO()
    options = pacsv.WriteOptions(quoting_style="needed", include_header=False)
    pacsv.write_csv(pa.table(columns), out, write_options=options)
    return ",".join(COLUMNS) + "\n" + out.getvalue().decode("utf-8")


class Rejected(Sequence[RejectedRow]):
    """A table of rejections read as RejectedRow objects, made only when asked for."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def __len__(self) -> int:
        return self.table.num_rows

    @overload
    def __getitem__(self, index: int) -> RejectedRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[RejectedRow]: ...
    def __getitem__(self, index: int | slice) -> RejectedRow | list[RejectedRow]:
        if isinstance(index, slice):
            positions = range(len(self))[index]
            picked = self.table.take(pa.array(list(positions), pa.int64()))
            return [RejectedRow(**r) for r in picked.select(list(COLUMNS)).to_pylist()]
        position = range(len(self))[index]
        return RejectedRow(**self.table.slice(position, 1).select(list(COLUMNS)).to_pylist()[0])

    def __iter__(self) -> Iterator[RejectedRow]:
        for batch in self.table.select(list(COLUMNS)).to_batches(max_chunksize=1024):
            yield from (RejectedRow(**r) for r in batch.to_pylist())
