"""Synthetic indications at scale: consecutive, overlapping and open-ended, about 2.5 per
client, 2015-2025, built with numpy in a second or two for a million rows."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

EPOCH = np.datetime64("1970-01-01")
FIRST, LAST = np.datetime64("2015-01-01"), np.datetime64("2025-12-31")


def indications(rows: int, seed: int = 7) -> pa.Table:
    rng = np.random.default_rng(seed)
    clients = max(1, int(rows / 2.5))
    client = np.sort(rng.integers(0, clients, rows))
    span = (LAST - FIRST).astype(int)
    start = FIRST + rng.integers(0, span, rows).astype("timedelta64[D]")
    duration = rng.exponential(300, rows).astype(int)
    # a third follows on the client's previous indication: the next day (herindicatie)
    follow = np.r_[False, (client[1:] == client[:-1]) & (rng.random(rows - 1) < 0.35)]
    end = start + duration.astype("timedelta64[D]")
    prev_end = np.r_[end[:1], end[:-1]]
    start = np.where(follow, prev_end + np.timedelta64(1, "D"), start)
    end = np.where(follow, start + duration.astype("timedelta64[D]"), end)
    open_ended = rng.random(rows) < 0.2
    product = rng.choice(np.array(["02A05", "01A01", "45A48"]), rows)
    return pa.table(
        {
            "toewijzing_id": pa.array(np.char.add("T", np.arange(rows).astype(str))),
            "client_id": pa.array(np.char.add("C", client.astype(str))),
            "wet": pa.array(np.where(rng.random(rows) < 0.7, "wmo", "jeugdwet")),
            "productcode": pa.array(product),
            "omvang_volume": pa.array(np.full(rows, "3.00")),
            "omvang_eenheid": pa.array(np.full(rows, "uur")),
            "omvang_frequentie": pa.array(np.full(rows, "week")),
            "startdatum": pa.array(start.astype("datetime64[D]"), pa.date32()),
            "einddatum": pa.array(
                np.where(open_ended, np.datetime64("NaT"), end).astype("datetime64[D]"), pa.date32()
            ),
        }
    )
