"""The numpy baselines over the Arrow arrays: merged-interval sweeps with a difference
array, bincounts and packed integer keys. The fastest hand-written way we know."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from benchmarks.baselines.common import (
    BANDS,
    INTENSITY,
    LAST_DAY,
    MONTHS,
    Figures,
    array_of,
    band_of,
    bands_figures,
    by_month,
    clipped,
    days,
    month_index,
)
from benchmarks.handwritten import merged_sweep


def unique_numpy_sweep(table: pa.Table, wet: str) -> Figures:
    """Each client's months merged into islands (factorize, lexsort, a per-client running
    maximum), +1/-1 into a difference array: the whole-process script's own sweep."""
    mask = array_of(table, "wet") == wet
    codes = pd.factorize(array_of(table, "client_id")[mask])[0]
    start = month_index(days(table, "startdatum")[mask])
    end_raw = days(table, "einddatum")[mask]
    end = month_index(np.where(np.isnat(end_raw), LAST_DAY, end_raw))
    return by_month(merged_sweep(codes, start, end, len(MONTHS)))


def flow_numpy(table: pa.Table, wet: str, column: str) -> Figures:
    mask = array_of(table, "wet") == wet
    day = days(table, column)[mask]
    month = month_index(day[~np.isnat(day)])
    month = month[(month >= 0) & (month < len(MONTHS))]
    return by_month(np.bincount(month, minlength=len(MONTHS)))


def new_numpy(table: pa.Table, wet: str) -> Figures:
    codes, _ = pd.factorize(array_of(table, "client_id"))
    start = days(table, "startdatum").astype(np.int64)
    first = np.full(codes.max() + 1 if len(codes) else 0, np.iinfo(np.int64).max)
    np.minimum.at(first, codes, start)
    mask = (array_of(table, "wet") == wet) & (start == first[codes])
    month = month_index(start[mask].astype("datetime64[D]"))
    month = month[(month >= 0) & (month < len(MONTHS))]
    return by_month(np.bincount(month, minlength=len(MONTHS)))


def herindicatie_numpy(table: pa.Table, wet: str) -> Figures:
    """Pack (client, provision, intensity, day) into one integer; a start is a herindicatie
    when its key with the start day is among the keys with the day after an end."""
    codes = np.zeros(table.num_rows, dtype=np.int64)
    for name in ["client_id", *INTENSITY]:  # one code per distinct combination, column by column
        column, uniques = pd.factorize(array_of(table, name), use_na_sentinel=False)
        codes = pd.factorize(codes * len(uniques) + column)[0].astype(np.int64)
    start = days(table, "startdatum").astype(np.int64)
    end = days(table, "einddatum")
    has_end = ~np.isnat(end)
    after_end = end[has_end].astype(np.int64) + 1
    span = 1 << 22  # days since 1970 fit in 22 bits until the year 13,000
    successors = np.unique(codes[has_end] * span + after_end)
    mask = array_of(table, "wet") == wet
    hit = np.isin(codes[mask] * span + start[mask], successors)
    month = month_index(start[mask][hit].astype("datetime64[D]"))
    month = month[(month >= 0) & (month < len(MONTHS))]
    return by_month(np.bincount(month, minlength=len(MONTHS)))


def stacking_numpy_sweep(table: pa.Table, wet: str) -> Figures:
    """Sort +1/-1 events by a packed (client, day) key; a global running sum is each
    client's level (a client's events add up to 0); runs of one level become month
    ranges; months where runs meet take the highest, the months inside a run its level."""
    codes, start, end = clipped(table, wet)
    span = 1 << 22
    keys = np.concatenate([codes * span + start, codes * span + end + 1])
    deltas = np.concatenate([np.ones(len(start), np.int64), -np.ones(len(end), np.int64)])
    order = np.argsort(keys, kind="stable")
    keys, deltas = keys[order], deltas[order]
    unique, first = np.unique(keys, return_index=True)
    level = np.cumsum(np.add.reduceat(deltas, first)) if len(first) else np.zeros(0, np.int64)
    client, day = unique // span, unique % span
    run = level[:-1] > 0  # a positive level runs until the client's next event
    client, level = client[:-1][run], level[:-1][run]
    first_m = month_index(day[:-1][run].astype("datetime64[D]"))
    last_m = month_index((day[1:][run] - 1).astype("datetime64[D]"))
    counts = np.zeros((len(MONTHS) + 1, len(BANDS)), dtype=np.int64)
    # months where a run begins or ends: the client's highest run touching the month
    touched = pd.DataFrame(
        {
            "key": np.concatenate([client * 4096 + first_m, client * 4096 + last_m]),
            "level": np.concatenate([level, level]),
        }
    )
    peaks = touched.groupby("key")["level"].max()
    np.add.at(counts, (peaks.index.to_numpy() % 4096, band_of(peaks.to_numpy())), 1)
    # months strictly inside a run: only that run covers them
    inner = last_m > first_m + 1
    bands = band_of(level[inner])
    diff = np.zeros((len(MONTHS) + 2, len(BANDS)), dtype=np.int64)
    np.add.at(diff, (first_m[inner] + 1, bands), 1)
    np.add.at(diff, (last_m[inner], bands), -1)
    counts[: len(MONTHS) + 1] += np.cumsum(diff, axis=0)[: len(MONTHS) + 1]
    return bands_figures(counts[: len(MONTHS)])
