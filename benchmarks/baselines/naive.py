"""The naive baselines, as analysts often start: every indication exploded into one row
per month it runs (``explode_months``), the measure's logic on top."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from benchmarks.baselines.common import (
    BANDS,
    INTENSITY,
    MONTHS,
    Figures,
    band_of,
    bands_figures,
    clipped,
    count_months,
)


def explode_months(table: pa.Table, wet: str, columns: list[str]) -> pd.DataFrame:
    """The naive way: every indication of the law exploded into one row per month it runs
    (open-ended until 2025-12), with a Python object per row and month."""
    frame = table.select(list(dict.fromkeys(["wet", "startdatum", "einddatum", *columns])))
    frame = frame.to_pandas()
    frame = frame[frame["wet"] == wet]
    end = frame["einddatum"].fillna(pd.Timestamp("2025-12-31")).astype("datetime64[s]")
    start = frame["startdatum"].astype("datetime64[s]")
    frame = frame.assign(
        month=[pd.period_range(s, e, freq="M") for s, e in zip(start, end, strict=True)]
    )
    return frame.explode("month")


def unique_naive_pandas(table: pa.Table, wet: str) -> Figures:
    """Explode every indication into its months, then count distinct clients per month."""
    exploded = explode_months(table, wet, ["client_id"])
    counts = exploded.groupby("month")["client_id"].nunique()
    return {str(m): int(counts.get(m, 0)) for m in MONTHS}


def flow_naive_pandas(table: pa.Table, wet: str, column: str) -> Figures:
    """From the exploded months: the month row in which the indication starts (ends)."""
    exploded = explode_months(table, wet, [])
    day = pd.to_datetime(exploded[column])
    at = exploded["month"] == day.dt.to_period("M")
    return count_months(exploded["month"][at & day.notna()])


def new_naive_pandas(table: pa.Table, wet: str) -> Figures:
    """From the exploded months: the start-month rows of indications whose client has no
    indication (of any law) with an earlier start."""
    exploded = explode_months(table, wet, ["client_id"])
    starting = exploded[
        exploded["month"] == pd.to_datetime(exploded["startdatum"]).dt.to_period("M")
    ]
    first = (
        table.select(["client_id", "startdatum"])
        .to_pandas()
        .groupby("client_id")["startdatum"]
        .min()
    )
    new = starting[starting["startdatum"] == starting["client_id"].map(first)]
    return count_months(new["month"])


def herindicatie_naive_pandas(table: pa.Table, wet: str) -> Figures:
    """From the exploded months: each start-month row paired with its client's
    indications (of any law) of the same provision and intensity, kept when one of them
    ends the day before. (An adjoining predecessor starts earlier, so such a start is
    always a returning one.)"""
    exploded = explode_months(table, wet, ["toewijzing_id", "client_id", *INTENSITY])
    starting = exploded[
        exploded["month"] == pd.to_datetime(exploded["startdatum"]).dt.to_period("M")
    ]
    keys = ["client_id", *INTENSITY]
    others = table.select([*keys, "einddatum"]).to_pandas()
    pairs = starting.merge(others, on=keys, suffixes=("", "_j"))
    adjoining = pd.to_datetime(pairs["einddatum_j"]) + pd.Timedelta(days=1) == pd.to_datetime(
        pairs["startdatum"]
    )
    found = pairs[adjoining].drop_duplicates("toewijzing_id")
    return count_months(found["month"])


def _peak(group: pd.DataFrame) -> int:
    """The most rows active on one day: sort the +1/-1 events, ends first on a day."""
    if len(group) == 1:
        return 1
    events = sorted([(s, 1) for s in group["s"]] + [(e + 1, -1) for e in group["e"]])
    level = peak = 0
    for _, delta in events:
        level += delta
        peak = max(peak, level)
    return peak


def stacking_naive_pandas(table: pa.Table, wet: str) -> Figures:
    """Explode every indication into its months, clip it to each month, and compute each
    client's peak per month with a small Python sweep per (client, month)."""
    codes, start, end = clipped(table, wet)
    frame = pd.DataFrame({"client": codes, "s": start, "e": end})
    months = np.arange(len(MONTHS) + 1)
    bounds = (months + (2015 - 1970) * 12).astype("datetime64[M]").astype("datetime64[D]")
    bounds = bounds.astype(np.int64)
    first_m = np.searchsorted(bounds, frame["s"].to_numpy(), side="right") - 1
    last_m = np.searchsorted(bounds, frame["e"].to_numpy(), side="right") - 1
    frame = frame.assign(
        month=[list(range(a, b + 1)) for a, b in zip(first_m, last_m, strict=True)]
    )
    exploded = frame.explode("month")
    exploded["month"] = exploded["month"].astype(np.int64)
    exploded["s"] = np.maximum(exploded["s"], bounds[exploded["month"]])
    exploded["e"] = np.minimum(exploded["e"], bounds[exploded["month"] + 1] - 1)
    peaks = exploded.groupby(["month", "client"])[["s", "e"]].apply(_peak)
    counts = np.zeros((len(MONTHS), len(BANDS)), dtype=np.int64)
    np.add.at(counts, (peaks.index.get_level_values("month"), band_of(peaks.to_numpy())), 1)
    return bands_figures(counts)
