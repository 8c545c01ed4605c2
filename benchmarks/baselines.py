"""Hand-written baselines, per measure and per approach, each written as an analyst would:
a naive pandas version, DuckDB SQL (a range join with a calendar, and a sweep or a direct
equality plan), and numpy over the Arrow arrays.

The naive versions all start as analysts often do: every indication exploded into one row
per month it runs (``_exploded``), the measure's logic on top. Every function takes the
indications (an Arrow table as ``benchmarks.generate`` makes it)
and a law, and returns ``{month label: count}``; stacking returns
``{"2020-01|2": count}`` (month and band). Months run from 2015-01 to 2025-12.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

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


# ---- shared helpers ----------------------------------------------------------------


def _by_month(counts: np.ndarray) -> Figures:
    return {label: int(counts[k]) for k, label in enumerate(LABELS)}


def _bands_figures(counts: np.ndarray) -> Figures:
    """counts[month, band] -> {"YYYY-MM|band": n}."""
    return {
        f"{label}|{band}": int(counts[k, b])
        for k, label in enumerate(LABELS)
        for b, band in enumerate(BANDS)
    }


def _band_of(level: np.ndarray) -> np.ndarray:
    return np.minimum(level, 4) - 1


def month_index(dates: np.ndarray) -> np.ndarray:
    d = dates.astype("datetime64[M]").astype(np.int64)
    return d - (2015 - 1970) * 12


def _column(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(table[name].to_numpy(zero_copy_only=False))


def _days(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(table[name].to_numpy(zero_copy_only=False), dtype="datetime64[D]")


def _duckdb(table: pa.Table) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("t", table)
    return con


def _months_sql(con: duckdb.DuckDBPyConnection, sql: str) -> Figures:
    got = dict(con.execute(sql).fetchall())
    return {label: int(got.get(label, 0)) for label in LABELS}


CALENDAR = """cal AS (SELECT m AS b, (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS e
                     FROM range(DATE '2015-01-01', DATE '2026-01-01', INTERVAL 1 MONTH) r(m))"""


# ---- unique clients per month --------------------------------------------------------


def _exploded(table: pa.Table, wet: str, columns: list[str]) -> pd.DataFrame:
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


def _count_months(months: pd.Series) -> Figures:
    counts = months.value_counts()
    return {str(m): int(counts.get(m, 0)) for m in MONTHS}


def unique_naive_pandas(table: pa.Table, wet: str) -> Figures:
    """Explode every indication into its months, then count distinct clients per month."""
    exploded = _exploded(table, wet, ["client_id"])
    counts = exploded.groupby("month")["client_id"].nunique()
    return {str(m): int(counts.get(m, 0)) for m in MONTHS}


def unique_duckdb_range_join(table: pa.Table, wet: str) -> Figures:
    return _months_sql(
        _duckdb(table),
        f"""WITH {CALENDAR}
        SELECT strftime(b, '%Y-%m'), count(DISTINCT client_id) FROM cal JOIN t
          ON t.startdatum <= cal.e AND coalesce(t.einddatum, DATE '9999-12-31') >= cal.b
        WHERE wet = '{wet}' GROUP BY 1""",
    )


def unique_duckdb_sweep(table: pa.Table, wet: str) -> Figures:
    """Per client, merge intervals at month grain (islands), then +1/-1 events and a
    running sum over months."""
    rows = (
        _duckdb(table)
        .execute(f"""
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
        SELECT k, sum(d) OVER (ORDER BY k) FROM agg ORDER BY k""")
        .fetchall()
    )
    running = np.zeros(len(MONTHS), dtype=np.int64)
    last = 0
    points = dict(rows)
    for k in range(len(MONTHS)):
        last = points.get(k, last)
        running[k] = last
    return _by_month(running)


def unique_numpy_sweep(table: pa.Table, wet: str) -> Figures:
    """Sort by a packed (client, month) key, merge each client's month intervals, and add
    +1/-1 into a difference array."""
    mask = _column(table, "wet") == wet
    codes = pd.factorize(_column(table, "client_id")[mask])[0]
    start = month_index(_days(table, "startdatum")[mask])
    end_raw = _days(table, "einddatum")[mask]
    end = month_index(np.where(np.isnat(end_raw), LAST_DAY, end_raw))
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
    return _by_month(np.cumsum(diff)[: len(MONTHS)])


# ---- inflow and outflow: indications starting / ending in the month ------------------


def _flows(column: str) -> dict[str, Baseline]:
    """The flow baselines for indications starting (``startdatum``) or ending (``einddatum``)."""
    return {
        approach: partial(function, column=column)
        for approach, function in (
            ("naive_pandas", _flow_naive_pandas),
            ("duckdb", _flow_duckdb),
            ("numpy", _flow_numpy),
        )
    }


def _flow_naive_pandas(table: pa.Table, wet: str, column: str) -> Figures:
    """From the exploded months: the month row in which the indication starts (ends)."""
    exploded = _exploded(table, wet, [])
    day = pd.to_datetime(exploded[column])
    at = exploded["month"] == day.dt.to_period("M")
    return _count_months(exploded["month"][at & day.notna()])


def _flow_duckdb(table: pa.Table, wet: str, column: str) -> Figures:
    return _months_sql(
        _duckdb(table),
        f"""SELECT strftime({column}, '%Y-%m'), count(*) FROM t
        WHERE wet = '{wet}' AND {column} IS NOT NULL GROUP BY 1""",
    )


def _flow_numpy(table: pa.Table, wet: str, column: str) -> Figures:
    mask = _column(table, "wet") == wet
    day = _days(table, column)[mask]
    month = month_index(day[~np.isnat(day)])
    month = month[(month >= 0) & (month < len(MONTHS))]
    return _by_month(np.bincount(month, minlength=len(MONTHS)))


# ---- new clients: starting indications of a client with no earlier start (any law) ---


def new_naive_pandas(table: pa.Table, wet: str) -> Figures:
    """From the exploded months: the start-month rows of indications whose client has no
    indication (of any law) with an earlier start."""
    exploded = _exploded(table, wet, ["client_id"])
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
    return _count_months(new["month"])


def new_duckdb(table: pa.Table, wet: str) -> Figures:
    """A start is new when it is its client's first start date."""
    return _months_sql(
        _duckdb(table),
        f"""WITH f AS (SELECT client_id, min(startdatum) AS first FROM t GROUP BY 1)
        SELECT strftime(startdatum, '%Y-%m'), count(*) FROM t JOIN f USING (client_id)
        WHERE wet = '{wet}' AND startdatum = first GROUP BY 1""",
    )


def new_numpy(table: pa.Table, wet: str) -> Figures:
    codes, _ = pd.factorize(_column(table, "client_id"))
    start = _days(table, "startdatum").astype(np.int64)
    first = np.full(codes.max() + 1 if len(codes) else 0, np.iinfo(np.int64).max)
    np.minimum.at(first, codes, start)
    mask = (_column(table, "wet") == wet) & (start == first[codes])
    month = month_index(start[mask].astype("datetime64[D]"))
    month = month[(month >= 0) & (month < len(MONTHS))]
    return _by_month(np.bincount(month, minlength=len(MONTHS)))


# ---- herindicaties: a start adjoining an indication with the same provision and intensity


def herindicatie_naive_pandas(table: pa.Table, wet: str) -> Figures:
    """From the exploded months: each start-month row paired with its client's
    indications (of any law) of the same provision and intensity, kept when one of them
    ends the day before. (An adjoining predecessor starts earlier, so such a start is
    always a returning one.)"""
    exploded = _exploded(table, wet, ["toewijzing_id", "client_id", *INTENSITY])
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
    return _count_months(found["month"])


def herindicatie_duckdb(table: pa.Table, wet: str) -> Figures:
    same = " AND ".join(f"j.{c} IS NOT DISTINCT FROM i.{c}" for c in ["client_id", *INTENSITY])
    return _months_sql(
        _duckdb(table),
        f"""SELECT strftime(i.startdatum, '%Y-%m'), count(*) FROM t AS i
        SEMI JOIN t AS j ON {same} AND j.einddatum + 1 = i.startdatum
        WHERE i.wet = '{wet}' GROUP BY 1""",
    )


def herindicatie_numpy(table: pa.Table, wet: str) -> Figures:
    """Pack (client, provision, intensity, day) into one integer; a start is a herindicatie
    when its key with the start day is among the keys with the day after an end."""
    codes = np.zeros(table.num_rows, dtype=np.int64)
    for name in ["client_id", *INTENSITY]:  # one code per distinct combination, column by column
        column, uniques = pd.factorize(_column(table, name), use_na_sentinel=False)
        codes = pd.factorize(codes * len(uniques) + column)[0].astype(np.int64)
    start = _days(table, "startdatum").astype(np.int64)
    end = _days(table, "einddatum")
    has_end = ~np.isnat(end)
    after_end = end[has_end].astype(np.int64) + 1
    span = 1 << 22  # days since 1970 fit in 22 bits until the year 13,000
    successors = np.unique(codes[has_end] * span + after_end)
    mask = _column(table, "wet") == wet
    hit = np.isin(codes[mask] * span + start[mask], successors)
    month = month_index(start[mask][hit].astype("datetime64[D]"))
    month = month[(month >= 0) & (month < len(MONTHS))]
    return _by_month(np.bincount(month, minlength=len(MONTHS)))


# ---- stacking: clients by the most of their indications active on one day of the month


def _clipped(table: pa.Table, wet: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Client codes, first and last day (as day numbers) clipped to 2015-2025."""
    mask = _column(table, "wet") == wet
    codes = pd.factorize(_column(table, "client_id")[mask])[0].astype(np.int64)
    start = _days(table, "startdatum")[mask]
    end_raw = _days(table, "einddatum")[mask]
    end = np.where(np.isnat(end_raw), LAST_DAY, end_raw)
    keep = (start <= LAST_DAY) & (end >= FIRST_DAY)
    start = np.maximum(start[keep], FIRST_DAY).astype(np.int64)
    end = np.minimum(end[keep], LAST_DAY).astype(np.int64)
    return codes[keep], start, end


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
    codes, start, end = _clipped(table, wet)
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
    np.add.at(counts, (peaks.index.get_level_values("month"), _band_of(peaks.to_numpy())), 1)
    return _bands_figures(counts)


STACK_BANDS_SQL = "CASE WHEN peak >= 4 THEN '4+' ELSE peak::VARCHAR END"


def _stacking_sql(con: duckdb.DuckDBPyConnection, sql: str) -> Figures:
    got = {f"{m}|{b}": n for m, b, n in con.execute(sql).fetchall()}
    return {key: int(got.get(key, 0)) for key in _bands_figures(np.zeros((len(MONTHS), 4)))}


def stacking_duckdb_range_join(table: pa.Table, wet: str) -> Figures:
    """Join each indication to the months it touches, clip it, and sweep per (month, client)."""
    return _stacking_sql(
        _duckdb(table),
        f"""WITH {CALENDAR},
        r AS (SELECT cal.b, client_id, greatest(startdatum, cal.b) AS s,
                     least(coalesce(einddatum, DATE '9999-12-31'), cal.e) AS e
              FROM cal JOIN t ON t.startdatum <= cal.e
               AND coalesce(t.einddatum, DATE '9999-12-31') >= cal.b
              WHERE wet = '{wet}'),
        ev AS (SELECT b, client_id, s AS day, 1 AS d FROM r
               UNION ALL SELECT b, client_id, e + 1, -1 FROM r),
        run AS (SELECT b, client_id, sum(d) OVER (PARTITION BY b, client_id
                  ORDER BY day, d ROWS UNBOUNDED PRECEDING) AS level FROM ev),
        p AS (SELECT b, client_id, max(level) AS peak FROM run GROUP BY ALL)
        SELECT strftime(b, '%Y-%m'), {STACK_BANDS_SQL}, count(*) FROM p GROUP BY ALL""",
    )


def stacking_duckdb_sweep(table: pa.Table, wet: str) -> Figures:
    """A day-level sweep per client gives runs of equal level; each run meets the months
    it touches; a client's peak in a month is the highest run there."""
    return _stacking_sql(
        _duckdb(table),
        f"""WITH {CALENDAR},
        c AS (SELECT client_id, greatest(startdatum, DATE '2015-01-01') AS s,
                     least(coalesce(einddatum, DATE '2025-12-31'), DATE '2025-12-31') AS e
              FROM t WHERE wet = '{wet}' AND startdatum <= DATE '2025-12-31'
               AND coalesce(einddatum, DATE '2025-12-31') >= DATE '2015-01-01'),
        ev AS (SELECT client_id, day, sum(d) AS d FROM (
                 SELECT client_id, s AS day, 1 AS d FROM c
                 UNION ALL SELECT client_id, e + 1, -1 FROM c) GROUP BY ALL),
        lv AS (SELECT client_id, day, sum(d) OVER w AS level, lead(day) OVER w AS next
               FROM ev WINDOW w AS (PARTITION BY client_id ORDER BY day)),
        runs AS (SELECT client_id, day AS s, next - 1 AS e, level FROM lv WHERE level > 0),
        p AS (SELECT cal.b, client_id, max(level) AS peak FROM runs JOIN cal
               ON runs.s <= cal.e AND runs.e >= cal.b GROUP BY ALL)
        SELECT strftime(b, '%Y-%m'), {STACK_BANDS_SQL}, count(*) FROM p GROUP BY ALL""",
    )


def stacking_numpy_sweep(table: pa.Table, wet: str) -> Figures:
    """Sort +1/-1 events by a packed (client, day) key; a global running sum is each
    client's level (a client's events add up to 0); runs of one level become month
    ranges; months where runs meet take the highest, the months inside a run its level."""
    codes, start, end = _clipped(table, wet)
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
    np.add.at(counts, (peaks.index.to_numpy() % 4096, _band_of(peaks.to_numpy())), 1)
    # months strictly inside a run: only that run covers them
    inner = last_m > first_m + 1
    bands = _band_of(level[inner])
    diff = np.zeros((len(MONTHS) + 2, len(BANDS)), dtype=np.int64)
    np.add.at(diff, (first_m[inner] + 1, bands), 1)
    np.add.at(diff, (last_m[inner], bands), -1)
    counts[: len(MONTHS) + 1] += np.cumsum(diff, axis=0)[: len(MONTHS) + 1]
    return _bands_figures(counts[: len(MONTHS)])


# ---- the catalogue of baselines ------------------------------------------------------

Baseline = Callable[[pa.Table, str], Figures]

# benchmark -> (the maatstaf measure it stands beside, its law, {approach: function})
BENCHMARKS: dict[str, tuple[str, str, dict[str, Baseline]]] = {
    "unique_clients": (
        "wmo.unieke_clienten",
        "wmo",
        {
            "naive_pandas": unique_naive_pandas,
            "duckdb_range_join": unique_duckdb_range_join,
            "duckdb_sweep": unique_duckdb_sweep,
            "numpy_sweep": unique_numpy_sweep,
        },
    ),
    "inflow": (
        "wmo.instroom",
        "wmo",
        _flows("startdatum"),
    ),
    "outflow": (
        "wmo.uitstroom",
        "wmo",
        _flows("einddatum"),
    ),
    "new_clients": (
        "wmo.nieuwe_instroom",
        "wmo",
        {"naive_pandas": new_naive_pandas, "duckdb": new_duckdb, "numpy": new_numpy},
    ),
    "herindicaties": (
        "wmo.herindicaties",
        "wmo",
        {
            "naive_pandas": herindicatie_naive_pandas,
            "duckdb": herindicatie_duckdb,
            "numpy": herindicatie_numpy,
        },
    ),
    "stacking": (
        "jeugd.stapeling",
        "jeugdwet",
        {
            "naive_pandas": stacking_naive_pandas,
            "duckdb_range_join": stacking_duckdb_range_join,
            "duckdb_sweep": stacking_duckdb_sweep,
            "numpy_sweep": stacking_numpy_sweep,
        },
    ),
}

# measures whose rule is an interval (active in the period): the 100x target applies
INTERVAL_BENCHMARKS = frozenset({"unique_clients", "stacking"})
