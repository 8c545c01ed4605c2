"""Debt help (schuldhulp): trajectories from the sample's debt-help applications, and the
early-warning signals of payment arrears (vroegsignalering) with their follow-up."""

from __future__ import annotations

import numpy as np

from maatstaf.adapters.sample.common import (
    FIRST,
    HORIZON,
    OPEN,
    Options,
    Rows,
    _between,
    _day,
    _pick,
    _take,
)

CRISIS_SHARE = 0.1  # eviction or cut-off: the first interview within 3 working days
OUTCOMES: Options = (
    ("schuldenvrij", 0.3),
    ("stabiel", 0.35),
    ("doorverwezen", 0.15),
    ("uitgevallen", 0.2),
)
INCOME: Options = (("werk", 0.55), ("overig", 0.45))  # of those without a benefit
# signals per year; from 2021 the law makes energy, water and health insurers signal too
SIGNALS = {2019: 140, 2020: 170, 2021: 650}
PARTNERS_2021: Options = (
    ("woningcorporatie", 0.2),
    ("energie", 0.3),
    ("water", 0.2),
    ("zorgverzekeraar", 0.25),
    ("overig", 0.05),
)
FOLLOW_UP: Options = (
    ("geen_contact", 0.45),
    ("contact", 0.3),
    ("hulp_gestart", 0.07),
    ("geen_hulp_nodig", 0.18),
)


def schuldhulp(
    rng: np.random.Generator, applications: Rows, household_of: np.ndarray, on_benefit: np.ndarray
) -> Rows:
    """One trajectory per debt-help application: the first interview mostly within four
    weeks (within days at a crisis), a plan of approach for the granted ones, an end with
    an outcome for the ended ones; declined and withdrawn requests end on the decision."""
    rows = _take(applications, np.flatnonzero(applications["regeling"] == "schuldhulp"))
    size = len(rows["client"])
    crisis = rng.random(size) < CRISIS_SHARE
    wait = np.where(
        crisis, rng.integers(0, 6, size), np.clip(rng.gamma(3, 6, size), 1, 60).astype(np.int64)
    )
    interview = rows["received"] + wait
    interview = np.where((rng.random(size) < 0.04) | (interview > HORIZON), OPEN, interview)
    granted = rows["besluit"] == "toegekend"
    started = np.where(granted & (interview != OPEN), interview + rng.integers(14, 61, size), OPEN)
    started = np.where(started > HORIZON, OPEN, started)
    duration = np.exp(rng.normal(np.log(420), 0.6, size)).astype(np.int64)
    declined = (rows["decided"] != OPEN) & ~granted
    ended = np.select([started != OPEN, declined], [started + duration, rows["decided"]], OPEN)
    ended = np.where(ended > HORIZON, OPEN, ended)
    refused = np.where(rows["besluit"] == "afgewezen", "afgewezen", "uitgevallen")
    outcome = np.where(started != OPEN, _pick(rng, OUTCOMES, size), refused).astype(object)
    income = np.where(on_benefit[rows["client"]], "uitkering", _pick(rng, INCOME, size))
    return {
        "household": household_of[rows["client"]],
        "client": rows["client"],
        "registered": rows["received"],
        "interview": interview,
        "crisis": np.where(crisis, "ja", "nee").astype(object),
        "started": started,
        "ended": ended,
        "outcome": np.where(ended == OPEN, None, outcome),
        "income": income.astype(object),
    }


def signalen(rng: np.random.Generator, known: np.ndarray, new_from: int) -> Rows:
    """Signals from housing corporations (from 2021 also energy, water and health
    insurers); most are followed up within two weeks. A signal names a household once it
    is identified: a known one (with a benefit) or one the sample knows from nowhere else."""
    parts = []
    for year, size in SIGNALS.items():
        received = _between(rng, max(_day(year, 1, 1), FIRST), _day(year, 12, 31), size)
        partner = (
            _pick(rng, PARTNERS_2021, size)
            if year >= 2021
            else np.full(size, "woningcorporatie", dtype=object)
        )
        parts.append((received, partner))
    received = np.concatenate([p[0] for p in parts])
    partner = np.concatenate([p[1] for p in parts])
    order = np.argsort(received, kind="stable")
    received, partner, size = received[order], partner[order], len(order)
    identified = rng.random(size) < 0.85
    from_known = rng.random(size) < 0.25
    household = np.where(
        from_known, rng.choice(known, size), new_from + rng.integers(0, 2 * size, size)
    )
    household = np.where(identified, household, -1)
    followed = identified & (rng.random(size) < 0.92)
    outreach = np.where(followed, received + rng.integers(1, 15, size), OPEN)
    outreach = np.where(outreach > HORIZON, OPEN, outreach)
    outcome = np.where(outreach != OPEN, _pick(rng, FOLLOW_UP, size), None)
    return {
        "received": received,
        "partner": partner,
        "household": household,
        "outreach": outreach,
        "outcome": outcome,
    }
