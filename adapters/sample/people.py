"""Clients with a birth date and a neighbourhood, and the population by age."""

from __future__ import annotations

import numpy as np

from maatstaf.adapters.sample.common import OPEN, WIJKEN, Rows, _concat, _day
from maatstaf.adapters.sample.products import P_WET


def _birth_days(rng: np.random.Generator, tw: Rows, clients: np.ndarray) -> np.ndarray:
    """Birth dates: youths from the age at their first youth care (0-17, younger for early
    starters; just 17 for those who move on to Wmo), Wmo clients mostly 70+, others 19-66."""
    size = len(clients)
    youth = P_WET[tw["product"]] == "jeugdwet"
    first_youth = np.full(int(clients.max()) + 1, OPEN)
    np.minimum.at(first_youth, tw["client"][youth], tw["start"][youth])
    wmo_clients = np.zeros(int(clients.max()) + 1, dtype=bool)
    wmo_clients[tw["client"][~youth]] = True
    start = first_youth[clients]
    age = np.where(start < _day(2017, 1, 1), rng.uniform(0, 11, size), rng.uniform(0, 17.9, size))
    age = np.where(wmo_clients[clients], rng.uniform(17, 17.9, size), age)
    child = start - (age * 365.25).astype(np.int64)
    elderly = np.clip(rng.normal(81, 7, size), 70, 100)
    adult_age = np.where(rng.random(size) < 0.68, elderly, rng.uniform(18, 70, size))
    adult = _day(2021, 1, 1) - (adult_age * 365.25).astype(np.int64)
    other = _day(2021, 1, 1) - (rng.uniform(19, 67, size) * 365.25).astype(np.int64)
    return np.select(
        [start != OPEN, wmo_clients[clients]], [np.maximum(child, _day(1999, 1, 1)), adult], other
    )


def _clienten(
    rng: np.random.Generator,
    tw: Rows,
    others: list[np.ndarray],
    households: np.ndarray,
    benefit: Rows,
) -> Rows:
    """Every client that occurs anywhere, with a birth date and a neighbourhood (that of
    their household, where known)."""
    clients = np.unique(np.concatenate([tw["client"], *others]))
    size = len(clients)
    n_households = int(max(households.max(), benefit["household"].max())) + 1
    wijk_of_household = rng.integers(0, len(WIJKEN), n_households)
    household = np.full(int(clients.max()) + 1, -1)
    household[benefit["client"]] = benefit["household"]
    household[1 : len(households)] = households[1:]
    own = household[clients]
    wijk = np.where(own >= 0, wijk_of_household[np.maximum(own, 0)], rng.integers(0, 7, size))
    return {
        "client": clients,
        "birth": _birth_days(rng, tw, clients),
        "wijk": np.array(WIJKEN, dtype=object)[wijk],
    }


AGE_POINTS = (0, 5, 12, 17, 20, 25, 30, 40, 50, 57, 65, 70, 75, 80, 85, 90, 95, 100)
AGE_COUNTS = (430, 480, 520, 540, 470, 430, 470, 520, 600, 660, 590, 560, 470, 350, 220, 100, 30, 8)


def _populatie(rng: np.random.Generator) -> Rows:
    """Inhabitants by age on 1 January 2019-2021, about 45,000 and growing slowly."""
    ages = np.arange(101)
    shape = np.interp(ages, AGE_POINTS, AGE_COUNTS)
    parts = []
    for n, total in enumerate((45_000, 45_250, 45_500)):
        counts = shape / shape.sum() * total * rng.normal(1, 0.015, len(ages))
        peildatum = np.full(len(ages), _day(2019 + n, 1, 1))
        aantal = np.round(counts).astype(np.int64)
        parts.append({"peildatum": peildatum, "leeftijd": ages, "aantal": aantal})
    return _concat(parts)
