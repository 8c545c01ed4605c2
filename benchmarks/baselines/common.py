"""What every baseline shares: the months, the bands, reading columns of the Arrow table,
and turning counts into ``{label: count}`` figures."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

MONTHS = pd.period_range("2015-01", "2025-12", freq="M")
LABELS = [str(m) for m in MONTHS]
FIRST_DAY, LAST_DAY = np.datetime64("2015-01-01"), np.datetime64("2025-12-31")
BANDS = ("1", "2", "3", "4+")
INTENSITY = ["productcode", "omvang_volume", "omvang_eenheid", "omvang_frequentie"]

Figures = dict[str, int]


def by_month(counts: np.ndarray) -> Figures:
    return {label: int(counts[k]) for k, label in enumerate(LABELS)}


def bands_figures(counts: np.ndarray) -> Figures:
    """counts[month, band] -> {"YYYY-MM|band": n}."""
    return {
        f"{label}|{band}": int(counts[k, b])
        for k, label in enumerate(LABELS)
        for b, band in enumerate(BANDS)
    }


def band_of(level: np.ndarray) -> np.ndarray:
    return np.minimum(level, 4) - 1


def month_index(dates: np.ndarray) -> np.ndarray:
    d = dates.astype("datetime64[M]").astype(np.int64)
    return d - (2015 - 1970) * 12


def array_of(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(table[name].to_numpy(zero_copy_only=False))


def days(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(table[name].to_numpy(zero_copy_only=False), dtype="datetime64[D]")


def connect(table: pa.Table) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("t", table)
    return con


def months_sql(con: duckdb.DuckDBPyConnection, sql: str) -> Figures:
    got = dict(con.execute(sql).fetchall())
    return {label: int(got.get(label, 0)) for label in LABELS}


CALENDAR = """cal AS (SELECT m AS b, (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS e
                     FROM range(DATE '2015-01-01', DATE '2026-01-01', INTERVAL 1 MONTH) r(m))"""


def count_months(months: pd.Series) -> Figures:
    counts = months.value_counts()
    return {str(m): int(counts.get(m, 0)) for m in MONTHS}


def clipped(table: pa.Table, wet: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Client codes, first and last day (as day numbers) clipped to 2015-2025."""
    mask = array_of(table, "wet") == wet
    codes = pd.factorize(array_of(table, "client_id")[mask])[0].astype(np.int64)
    start = days(table, "startdatum")[mask]
    end_raw = days(table, "einddatum")[mask]
    end = np.where(np.isnat(end_raw), LAST_DAY, end_raw)
    keep = (start <= LAST_DAY) & (end >= FIRST_DAY)
    start = np.maximum(start[keep], FIRST_DAY).astype(np.int64)
    end = np.minimum(end[keep], LAST_DAY).astype(np.int64)
    return codes[keep], start, end
