"""Unique Wmo clients per month, as the fastest hand-written pandas + numpy script would
compute it: the whole-process benchmark's reference (``benchmarks.whole_process``).

    python benchmarks/handwritten.py toewijzingen.csv figures.json 2015-01 2025-12

Reads the CSV (pandas' multi-threaded pyarrow reader), keeps the Wmo indications, turns
each into its first and last month (a missing einddatum runs on), merges each client's
overlapping or adjoining months into islands (factorize, lexsort, a per-client running
maximum), adds +1/-1 into a difference array and writes ``{"YYYY-MM": clients}`` as JSON.
It assumes what the benchmark's CSV guarantees: ISO dates, one row per indication, no
removed rows. Imports only pandas and numpy, so it runs as a script in its own process.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd


def merged_sweep(client: np.ndarray, first: np.ndarray, last: np.ndarray, n: int) -> np.ndarray:
    """Distinct clients per month 0..n-1 from integer client codes and month ranges."""
    keep = (last >= first) & (last >= 0) & (first < n)
    c, s, e = client[keep], np.maximum(first[keep], 0), np.minimum(last[keep], n - 1)
    order = np.lexsort((s, c))
    c, s, e = c[order], s[order], e[order]
    new_client = np.r_[True, c[1:] != c[:-1]]
    offset = (np.cumsum(new_client) - 1) * (n + 2)  # restarts the running maximum per client
    reach = np.maximum.accumulate(e + offset) - offset
    island = new_client | (s > np.r_[-2, reach[:-1]] + 1)
    starts = np.flatnonzero(island)
    ends = np.maximum.reduceat(e, starts) if len(starts) else starts
    diff = np.bincount(s[starts], minlength=n + 1) - np.bincount(ends + 1, minlength=n + 1)
    return np.cumsum(diff)[:n]


def month_numbers(dates: pd.Series, origin: np.datetime64) -> np.ndarray:
    months = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")
    return (months - origin).astype(np.int64)


def main(csv: str, output: str, first: str, last: str) -> None:
    frame = pd.read_csv(
        csv, usecols=["client_id", "wet", "startdatum", "einddatum"], engine="pyarrow"
    )
    frame = frame[frame["wet"] == "wmo"]
    origin = np.datetime64(first, "M")
    n = int((np.datetime64(last, "M") - origin).astype(np.int64)) + 1
    start = month_numbers(pd.to_datetime(frame["startdatum"]), origin)
    end = pd.to_datetime(frame["einddatum"])
    end = np.where(end.isna().to_numpy(), n - 1, month_numbers(end, origin))
    codes = pd.factorize(frame["client_id"])[0]
    counts = merged_sweep(codes, start, end, n)
    labels = pd.period_range(first, last, freq="M").astype(str)
    with open(output, "w", encoding="utf-8") as out:
        json.dump(dict(zip(labels, counts.tolist(), strict=True)), out)


if __name__ == "__main__":
    main(*sys.argv[1:5])
