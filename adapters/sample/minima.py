"""Minima: grants to low-income households per scheme, and the size of the target groups
the reach percentages divide by."""

from __future__ import annotations

import numpy as np

from maatstaf.adapters.sample.common import OPEN, Rows, _concat, _day, _full

YEARS = (2019, 2020, 2021)
NEW_HOUSEHOLDS = 900  # low-income households known only to the minima schemes
# scheme, share of the target households granted it per year, median amount (euro)
SCHEMES = (
    ("collectieve_zorgverzekering", 0.40, 260.0),
    ("individuele_inkomenstoeslag", 0.22, 420.0),
    ("bijzondere_bijstand", 0.55, 650.0),
    ("kindpakket", 0.18, 220.0),
    ("meedoen", 0.35, 150.0),
    ("maatwerk", 0.15, 1200.0),
)
# target group, size on 1 January 2019 (households; kinderen_in_armoede: children)
TARGET_GROUPS = (
    ("minima_tot_120", 3400),
    ("minima_tot_150", 4600),
    ("werkende_armen", 1400),
    ("kinderen_in_armoede", 1500),
)


def minimaregelingen(rng: np.random.Generator, benefits: Rows, new_from: int) -> Rows:
    """Per year and scheme, grants to a share of the low-income households: those with a
    benefit running that year and households known only here (many of them working).
    The collective health insurance is granted in the first half of January, without an
    application; the other schemes on a day of the year, a few weeks after applying."""
    base, income, working = _households(rng, benefits, new_from)
    parts = []
    for year in YEARS:
        first, last = _day(year, 1, 1), _day(year, 12, 31)
        running = (benefits["start"] <= last) & (benefits["end"] >= first)
        eligible = np.union1d(benefits["household"][running], base[base >= new_from])
        for regeling, share, median in SCHEMES:
            chosen = eligible[rng.random(len(eligible)) < share]
            size = len(chosen)
            collective = regeling == "collectieve_zorgverzekering"
            granted = first + (
                rng.integers(0, 15, size) if collective else rng.integers(0, 365, size)
            )
            applied = np.where(collective, OPEN, granted - rng.integers(3, 41, size))
            amount = np.round(np.exp(rng.normal(np.log(median), 0.35, size)), 2)
            parts.append(
                {
                    "household": chosen,
                    "regeling": _full(size, regeling),
                    "applied": applied,
                    "granted": np.minimum(granted, last),
                    "amount": amount,
                }
            )
    rows = _concat(parts)
    position = np.searchsorted(base, rows["household"])
    rows["income_pct"], rows["working"] = income[position], working[position]
    order = np.lexsort((rows["household"], rows["granted"]))
    return {name: values[order] for name, values in rows.items()}


def _households(
    rng: np.random.Generator, benefits: Rows, new_from: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The households (sorted), their income as a percentage of the social minimum and
    whether they work: few of the benefit households, over half of the others."""
    base = np.union1d(benefits["household"], new_from + np.arange(NEW_HOUSEHOLDS))
    size = len(base)
    own = base >= new_from
    working = np.where(own, rng.random(size) < 0.55, rng.random(size) < 0.1)
    low = np.where(working, 105, 100)
    high = np.where(own, 131, 111)
    income = rng.integers(low, high)
    return base, income, np.where(working, "ja", "nee").astype(object)


def doelgroepen(rng: np.random.Generator) -> Rows:
    """The target groups' sizes on 1 January of each year, growing a little."""
    rows: list[tuple[int, str, int]] = []
    for n, year in enumerate(YEARS):
        for group, size in TARGET_GROUPS:
            grown = size * (1 + 0.015 * n) * rng.normal(1, 0.02)
            rows.append((_day(year, 1, 1), group, round(float(grown))))
    return {
        "day": np.array([r[0] for r in rows]),
        "group": np.array([r[1] for r in rows], dtype=object),
        "count": np.array([r[2] for r in rows]),
    }
