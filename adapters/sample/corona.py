"""Applications for the corona schemes (Tozo per tranche, TONK, the Tozo loan), appended
to the sample's ``aanvragen`` after every row it had, from the random stream of the seed
columns: the rows before stay exactly what they were.

The Tozo tranches follow the national timetable; applicants are the self-employed who
receive a Tozo benefit (most applied again for each tranche they were paid in), plus
applications that were refused. TONK ran in 2021 only; the loan (bedrijfskapitaal) from
March 2020. Sizes are those of a municipality of the sample's size (Steenwijkerland: 277
Tozo 3 applications up to April 2021, 26 TONK, 157 loans)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from maatstaf.adapters.sample.common import (
    OPEN,
    Options,
    _dates,
    _day,
    _ids,
    _moments,
    _pick,
    _times,
)

if TYPE_CHECKING:
    from maatstaf.adapters.sample.generate import World

# code, first and last day applications came in, how many
SCHEMES = (
    ("tozo_1", _day(2020, 3, 17), _day(2020, 5, 31), 420),
    ("tozo_2", _day(2020, 6, 1), _day(2020, 9, 30), 260),
    ("tozo_3", _day(2020, 10, 1), _day(2021, 3, 31), 280),
    ("tozo_4", _day(2021, 4, 1), _day(2021, 6, 30), 150),
    ("tozo_5", _day(2021, 7, 1), _day(2021, 9, 30), 110),
    ("tonk", _day(2021, 1, 4), _day(2021, 9, 30), 30),
    ("tozo_krediet", _day(2020, 3, 17), _day(2021, 9, 30), 160),
)
BESLUIT_TOZO: Options = (
    ("toegekend", 0.9),
    ("afgewezen", 0.06),
    ("ingetrokken", 0.03),
    ("buiten_behandeling", 0.01),
)
BESLUIT_TONK: Options = (
    ("toegekend", 0.3),
    ("afgewezen", 0.45),
    ("ingetrokken", 0.1),
    ("buiten_behandeling", 0.15),
)
HORIZON = _day(2021, 12, 31)


def with_corona_applications(
    rng: np.random.Generator, world: World, frame: pd.DataFrame
) -> pd.DataFrame:
    """``aanvragen`` with the corona applications after its rows (ids numbered on)."""
    tozo = world.benefits["client"][world.benefits["regeling"] == "TOZO"]
    others = np.unique(world.applications["client"])
    parts = []
    for code, first, last, size in SCHEMES:
        received = rng.integers(first, last + 1, size)
        # Tozo was decided within weeks; TONK and loans took longer
        quick = code.startswith("tozo_") and code != "tozo_krediet"
        decided = received + rng.integers(1, 29 if quick else 57, size)
        decided = np.where(decided > HORIZON, OPEN, decided)
        known = rng.random(size) < 0.85
        pool = tozo if len(tozo) else others
        client = np.where(known, rng.choice(pool, size), rng.choice(others, size))
        besluit = _pick(rng, BESLUIT_TONK if code == "tonk" else BESLUIT_TOZO, size)
        parts.append(
            pd.DataFrame(
                {
                    "client_id": _ids("C", client),
                    "regeling": code,
                    "ontvangen_op": _dates(received),
                    "besloten_op": _dates(decided),
                    "besluit": np.where(decided == OPEN, None, besluit),
                    "geregistreerd_op": _times(_moments(rng, received, 9)),
                    "received": received,
                }
            )
        )
    rows = pd.concat(parts, ignore_index=True).sort_values("received", kind="stable")
    rows = rows.drop(columns="received").reset_index(drop=True)
    first_id = len(frame) + 1
    rows.insert(0, "aanvraag_id", _ids("A", np.arange(first_id, first_id + len(rows))))
    return pd.concat([frame, rows.reindex(columns=frame.columns)], ignore_index=True)
