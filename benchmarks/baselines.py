"""Hand-written baselines for unique clients per month: a naive pandas explode, a DuckDB
range join with a calendar, a DuckDB sweep over start/end events, and a numpy sweep."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

MONTHS = pd.period_range("2015-01", "2025-12", freq="M")


def month_index(dates: np.ndarray) -> np.ndarray:
    d = dates.astype("datetime64[M]").astype(int)
    return d - (2015 - 1970) * 12


def naive_pandas(table: pa.Table, wet: str) -> dict[str, int]:
    frame = table.select(["client_id", "wet", "startdatum", "einddatum"]).to_pandas()
    frame = frame[frame["wet"] == wet]
    end = frame["einddatum"].fillna(pd.Timestamp("2025-12-31")).astype("datetime64[s]")
    start = frame["startdatum"].astype("datetime64[s]")
    frame = frame.assign(
        month=[pd.period_range(s, e, freq="M") for s, e in zip(start, end, strict=True)]
    )
    exploded = frame.explode("month")
    counts = exploded.groupby("month")["client_id"].nunique()
    return {str(m): int(counts.get(m, 0)) for m in MONTHS}


def duckdb_range_join(table: pa.Table, wet: str) -> dict[str, int]:
    con = duckdb.connect()
    con.register("t", table)
    rows = con.execute(f"""
        WITH cal AS (SELECT m AS b, (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS e
                     FROM range(DATE '2015-01-01', DATE '2026-01-01', INTERVAL 1 MONTH) r(m))
        SELECT strftime(b, '%Y-%m'), count(DISTINCT client_id) FROM cal JOIN t
          ON t.startdatum <= cal.e AND coalesce(t.einddatum, DATE '9999-12-31') >= cal.b
        WHERE wet = '{wet}' GROUP BY 1""").fetchall()
    got = dict(rows)
    return {str(m): int(got.get(str(m), 0)) for m in MONTHS}


def duckdb_sweep(table: pa.Table, wet: str) -> dict[str, int]:
    """Per client, merge intervals at month grain (islands), then +1/-1 events and a
    running sum over months."""
    con = duckdb.connect()
    con.register("t", table)
    rows = con.execute(f"""
        WITH m AS (
          SELECT client_id,
                 (year(startdatum) - 2015) * 12 + month(startdatum) - 1 AS s,
                 (year(coalesce(einddatum, DATE '2025-12-31')) - 2015) * 12
                   + month(coalesce(einddatum, DATE '2025-12-31')) - 1 AS e
          FROM t WHERE wet = '{wet}'),
        o AS (SELECT *, max(e) OVER (PARTITION BY client_id ORDER BY s, e
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS pe FROM m),
        g AS (SELECT *, sum(CASE WHEN pe IS NULL OR s > pe + 1 THEN 1 ELSE 0 END)
                 OVER (PARTITION BY client_id ORDER BY s, e) AS isl FROM o),
        i AS (SELECT client_id, isl, min(s) AS s, max(e) AS e FROM g GROUP BY ALL),
        ev AS (SELECT s AS k, 1 AS d FROM i UNION ALL SELECT e + 1, -1 FROM i),
        agg AS (SELECT k, sum(d) AS d FROM ev GROUP BY k)
        SELECT k, sum(d) OVER (ORDER BY k) FROM agg ORDER BY k""").fetchall()
    running = np.zeros(len(MONTHS), dtype=np.int64)
    last = 0
    points = dict(rows)
    for k in range(len(MONTHS)):
        last = points.get(k, last)
        running[k] = last
    return {str(m): int(running[k]) for k, m in enumerate(MONTHS)}


def numpy_sweep(table: pa.Table, wet: str) -> dict[str, int]:
    """Sort by a packed (client, month) key, merge each client's month intervals, and add
    +1/-1 into a difference array."""
    mask = np.asarray(table["wet"].to_numpy(zero_copy_only=False) == wet)
    codes = pd.factorize(np.asarray(table["client_id"].to_numpy(zero_copy_only=False))[mask])[0]
    start = month_index(
        np.asarray(table["startdatum"].to_numpy(zero_copy_only=False), dtype="datetime64[D]")[mask]
    )
    end_raw = np.asarray(table["einddatum"].to_numpy(zero_copy_only=False), dtype="datetime64[D]")[
        mask
    ]
    end = month_index(np.where(np.isnat(end_raw), np.datetime64("2025-12-31"), end_raw))
    order = np.argsort(codes.astype(np.int64) * 4096 + start, kind="stable")
    c, s, e = codes[order], start[order], end[order]
    new_client = np.r_[True, c[1:] != c[:-1]]
    # a per-client running maximum of the end month: offset each client's ends so that a
    # global cumulative maximum restarts at every client
    group = np.cumsum(new_client) - 1
    shifted = e.astype(np.int64) + group.astype(np.int64) * 10_000
    cummax = np.maximum.accumulate(shifted) - group.astype(np.int64) * 10_000
    previous = np.r_[-10, cummax[:-1]]
    starts_island = new_client | (s > previous + 1)
    first = s[starts_island]
    last = np.maximum.reduceat(e, np.flatnonzero(starts_island))
    diff = np.zeros(len(MONTHS) + 1, dtype=np.int64)
    np.add.at(diff, np.clip(first, 0, len(MONTHS)), 1)
    np.add.at(diff, np.clip(last + 1, 0, len(MONTHS)), -1)
    counts = np.cumsum(diff)[: len(MONTHS)]
    return {str(m): int(counts[k]) for k, m in enumerate(MONTHS)}
