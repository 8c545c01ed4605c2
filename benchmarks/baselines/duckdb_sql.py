"""The DuckDB SQL baselines: a range join with a calendar, and a sweep or a direct
equality plan."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from benchmarks.baselines.common import (
    CALENDAR,
    INTENSITY,
    MONTHS,
    Figures,
    bands_figures,
    by_month,
    connect,
    months_sql,
)


def unique_duckdb_range_join(table: pa.Table, wet: str) -> Figures:
    return months_sql(
        connect(table),
        f"""WITH {CALENDAR}
        SELECT strftime(b, '%Y-%m'), count(DISTINCT client_id) FROM cal JOIN t
          ON t.startdatum <= cal.e AND coalesce(t.einddatum, DATE '9999-12-31') >= cal.b
        WHERE wet = '{wet}' GROUP BY 1""",
    )


def unique_duckdb_sweep(table: pa.Table, wet: str) -> Figures:
    """Per client, merge intervals at month grain (islands), then +1/-1 events and a
    running sum over months."""
    rows = (
        connect(table)
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
        ev AS (SELECT greatest(s, 0) AS k, 1 AS d FROM i WHERE e >= 0
               UNION ALL SELECT e + 1, -1 FROM i WHERE e >= 0),
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
    return by_month(running)


def flow_duckdb(table: pa.Table, wet: str, column: str) -> Figures:
    return months_sql(
        connect(table),
        f"""SELECT strftime({column}, '%Y-%m'), count(*) FROM t
        WHERE wet = '{wet}' AND {column} IS NOT NULL GROUP BY 1""",
    )


def new_duckdb(table: pa.Table, wet: str) -> Figures:
    """A start is new when it is its client's first start date."""
    return months_sql(
        connect(table),
        f"""WITH f AS (SELECT client_id, min(startdatum) AS first FROM t GROUP BY 1)
        SELECT strftime(startdatum, '%Y-%m'), count(*) FROM t JOIN f USING (client_id)
        WHERE wet = '{wet}' AND startdatum = first GROUP BY 1""",
    )


def herindicatie_duckdb(table: pa.Table, wet: str) -> Figures:
    same = " AND ".join(f"j.{c} IS NOT DISTINCT FROM i.{c}" for c in ["client_id", *INTENSITY])
    return months_sql(
        connect(table),
        f"""SELECT strftime(i.startdatum, '%Y-%m'), count(*) FROM t AS i
        SEMI JOIN t AS j ON {same} AND j.einddatum + 1 = i.startdatum
        WHERE i.wet = '{wet}' GROUP BY 1""",
    )


STACK_BANDS_SQL = "CASE WHEN peak >= 4 THEN '4+' ELSE peak::VARCHAR END"


def _stacking_sql(con: duckdb.DuckDBPyConnection, sql: str) -> Figures:
    got = {f"{m}|{b}": n for m, b, n in con.execute(sql).fetchall()}
    return {key: int(got.get(key, 0)) for key in bands_figures(np.zeros((len(MONTHS), 4)))}


def stacking_duckdb_range_join(table: pa.Table, wet: str) -> Figures:
    """Join each indication to the months it touches, clip it, and sweep per (month, client)."""
    return _stacking_sql(
        connect(table),
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
        connect(table),
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
