"""Applications (aanvragen) and benefits per household (uitkeringen)."""

from __future__ import annotations

import numpy as np

from maatstaf.adapters.sample.common import (
    FIRST,
    HORIZON,
    OPEN,
    Options,
    Rows,
    _between,
    _concat,
    _day,
    _full,
    _moments,
    _pick,
    _take,
)

# --- applications, benefits, clients, population, budget --------------------------------

REGELINGEN = {
    "wmo": 1500,
    "jeugdwet": 500,
    "participatiewet": 600,
    "minima": 700,
    "schuldhulp": 300,
}
BESLUITEN: Options = (
    ("toegekend", 0.75),
    ("afgewezen", 0.15),
    ("ingetrokken", 0.07),
    ("buiten_behandeling", 0.03),
)
LATE_SHARE = {
    "wmo": 0.15,
    "jeugdwet": 0.05,
    "participatiewet": 0.06,
    "minima": 0.05,
    "schuldhulp": 0.08,
}


def _aanvragen(rng: np.random.Generator, pools: dict[str, np.ndarray], new_from: int) -> Rows:
    """Applications over 2019-2021: most decided within 56 days, some late (57-120 days),
    some still open on 2021-12-31. Clients come from the law's client pool; minima and
    debt help also from people not known elsewhere (numbered from ``new_from``)."""
    parts = []
    for regeling, size in REGELINGEN.items():
        received = _between(rng, FIRST, HORIZON, size)
        late = rng.random(size) < LATE_SHARE[regeling]
        days = np.where(late, rng.integers(57, 121, size), np.clip(rng.gamma(4, 7, size), 1, 56))
        decided = received + days.astype(np.int64)
        decided = np.where((decided > HORIZON) | (rng.random(size) < 0.005), OPEN, decided)
        client = rng.choice(pools[regeling], size)
        regelingen = _full(size, regeling)
        parts.append(
            {"regeling": regelingen, "received": received, "decided": decided, "client": client}
        )
    rows = _concat(parts)
    size = len(rows["received"])
    unknown = np.isin(rows["regeling"], ["minima", "schuldhulp"]) & (rng.random(size) < 0.4)
    rows["client"] = np.where(unknown, new_from + np.cumsum(unknown) - 1, rows["client"])
    besluit = _pick(rng, BESLUITEN, size)
    rows["besluit"] = np.where(rows["decided"] == OPEN, None, besluit)
    rows["registered"] = _moments(rng, rows["received"], 9)
    return _take(rows, np.lexsort((np.arange(size), rows["received"])))


UITSTROOM: Options = (
    ("werk", 0.35),
    ("verhuizing", 0.15),
    ("overlijden", 0.04),
    ("aow", 0.12),
    ("einde_toekenningsperiode", 0.04),
    ("overig", 0.30),
)
UITSTROOM_TOZO: Options = (("einde_toekenningsperiode", 0.7), ("werk", 0.2), ("overig", 0.1))
REGELING_UITKERING: Options = (("PW", 0.86), ("IOAW", 0.05), ("IOAZ", 0.02), ("TOZO", 0.07))
TOZO_FIRST, TOZO_LAST = _day(2020, 3, 1), _day(2021, 9, 30)
BENEFIT_HOUSEHOLDS = 660
BENEFIT_CLIENTS = 5001  # the first client number of a benefit applicant


def _benefit_spells(rng: np.random.Generator, size: int) -> Rows:
    """One benefit per household: the stock on 2019-01-01 (started from 2008) and the
    inflow in 2019-2021; TOZO for the self-employed between March 2020 and September 2021."""
    regeling = _pick(rng, REGELING_UITKERING, size)
    tozo = regeling == "TOZO"
    stock = ~tozo & (rng.random(size) < 0.65)
    tozo_start = _between(rng, TOZO_FIRST, TOZO_LAST - 60, size)
    stock_start = _between(rng, _day(2008, 1, 1), FIRST - 1, size)
    start = np.select([tozo, stock], [tozo_start, stock_start], _between(rng, FIRST, HORIZON, size))
    rest = np.where(stock, FIRST - start, 0) + rng.exponential(4.5 * 365, size).astype(np.int64)
    end = np.where(tozo, np.minimum(start + rng.integers(60, 400, size), TOZO_LAST), start + rest)
    end = np.where(end > HORIZON, OPEN, end)
    low = np.select([regeling == "IOAW", regeling == "IOAZ"], [1200, 1300], 950)
    amount = np.round(low + rng.uniform(0, 600, size), 2)
    return {"regeling": regeling, "start": start, "end": end, "amount": amount}


def _uitkeringen(
    rng: np.random.Generator, youth_households: np.ndarray, first_household: int
) -> Rows:
    """Benefits per household; some couples with a benefit each, some households that
    return (sometimes the very next day, under another regeling)."""
    size = BENEFIT_HOUSEHOLDS
    rows = _benefit_spells(rng, size)
    shared = rng.random(size) < 0.12  # parents of youths in care
    rows["household"] = np.where(
        shared, rng.choice(youth_households, size), first_household + np.arange(size)
    )
    rows["client"] = BENEFIT_CLIENTS + 2 * np.arange(size)  # a partner is the next number
    couple = _take(rows, np.flatnonzero((rows["regeling"] != "TOZO") & (rng.random(size) < 0.1)))
    couple["client"] = couple["client"] + 1
    couple["start"] = couple["start"] + rng.integers(0, 32, len(couple["start"]))
    couple["end"] = np.where(couple["end"] < couple["start"], OPEN, couple["end"])
    rows = _concat([rows, couple, _returns(rng, rows)])
    rows["reason"] = _uitstroom(rng, rows)
    rows["registered"] = _moments(rng, rows["start"] + rng.integers(0, 15, len(rows["start"])))
    order = np.lexsort((rows["client"], rows["household"], rows["start"]))
    return _take(rows, order)


def _returns(rng: np.random.Generator, rows: Rows) -> Rows:
    ended = (rows["end"] < _day(2021, 6, 30)) & (rows["regeling"] != "TOZO")
    back = _take(rows, np.flatnonzero(ended & (rng.random(len(ended)) < 0.15)))
    size = len(back["start"])
    adjoin = rng.random(size) < 0.3
    back["start"] = back["end"] + np.where(adjoin, 1, rng.integers(30, 400, size))
    back["regeling"] = np.where(adjoin & (rng.random(size) < 0.5), "IOAW", "PW").astype(object)
    duration = rng.exponential(2 * 365, size).astype(np.int64)
    back["end"] = np.where(back["start"] + duration > HORIZON, OPEN, back["start"] + duration)
    return _take(back, np.flatnonzero(back["start"] <= HORIZON))


def _uitstroom(rng: np.random.Generator, rows: Rows) -> np.ndarray:
    size = len(rows["start"])
    reason = np.where(
        rows["regeling"] == "TOZO", _pick(rng, UITSTROOM_TOZO, size), _pick(rng, UITSTROOM, size)
    )
    return np.where(rows["end"] == OPEN, None, reason)
