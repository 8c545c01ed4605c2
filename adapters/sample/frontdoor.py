"""The front door: requests (meldingen) with their case workers and case management,
complaints, and the satisfaction surveys."""

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
    _pick,
)

# domain: requests per year, case workers, share under case management
DOMAINS = {
    "wmo": (700, 10, 0.25),
    "jeugdwet": (330, 8, 0.25),
    "participatie": (220, 4, 0.15),
    "schuldhulp": (110, 3, 0.15),
    "overig": (90, 2, 0.1),
}
OPENED = _day(2018, 7, 1)  # the oldest request (the stock on 1 January 2019)
COMPLAINT_DOMAINS: Options = (
    ("wmo", 0.35),
    ("jeugdwet", 0.25),
    ("participatie", 0.15),
    ("toegang", 0.1),
    ("minima", 0.05),
    ("schuldhulp", 0.05),
    ("overig", 0.05),
)
JUDGEMENTS: Options = (
    ("gegrond", 0.35),
    ("deels_gegrond", 0.15),
    ("ongegrond", 0.4),
    ("ingetrokken", 0.1),
)
# domain: mean mark, respondents per survey (schuldhulp: too few to publish)
SURVEYED = {
    "wmo": (7.95, 220),
    "jeugdwet": (7.75, 60),
    "toegang": (7.6, 140),
    "participatie": (6.9, 45),
    "schuldhulp": (7.4, 7),
}


def meldingen(rng: np.random.Generator, pools: dict[str, np.ndarray]) -> Rows:
    """Requests from July 2018 to 2021 per domain, by clients of that domain: assigned
    to a case worker within days (some wait weeks), closed after a lognormal time (cases
    under case management run longer); those closed before 2019 are left out."""
    parts, worker = [], 1
    for domain, (per_year, workers, managed_share) in DOMAINS.items():
        size = int(per_year * 3.5)
        reported = _between(rng, OPENED, HORIZON, size)
        late = rng.random(size) < 0.06
        wait = np.where(late, rng.integers(30, 91, size), rng.gamma(2, 4, size).astype(np.int64))
        assigned = np.where(reported + wait > HORIZON, OPEN, reported + wait)
        managed = rng.random(size) < managed_share
        days = np.exp(rng.normal(np.log(np.where(managed, 200, 75)), 0.7)).astype(np.int64)
        closed = np.where(assigned == OPEN, OPEN, assigned + days)
        parts.append(
            {
                "client": rng.choice(pools[domain], size),
                "domain": _full(size, domain),
                "reported": reported,
                "assigned": assigned,
                "worker": np.where(assigned == OPEN, 0, worker + rng.integers(0, workers, size)),
                "closed": np.where(closed > HORIZON, OPEN, closed),
                "managed": np.where(managed, "ja", "nee").astype(object),
            }
        )
        worker += workers
    rows = _concat(parts)
    keep = rows["closed"] >= FIRST
    order = np.flatnonzero(keep)[np.argsort(rows["reported"][keep], kind="stable")]
    return {name: values[order] for name, values in rows.items()}


def klachten(rng: np.random.Generator) -> Rows:
    """About 25 complaints a year, handled within 1-10 weeks; a judgement once handled."""
    size = int(rng.poisson(75))
    received = np.sort(_between(rng, FIRST, HORIZON, size))
    handled = received + rng.integers(7, 71, size)
    handled = np.where((handled > HORIZON) | (rng.random(size) < 0.03), OPEN, handled)
    judgement = _pick(rng, JUDGEMENTS, size)
    return {
        "domain": _pick(rng, COMPLAINT_DOMAINS, size),
        "received": received,
        "handled": handled,
        "judgement": np.where(handled == OPEN, None, judgement),
    }


def tevredenheid(rng: np.random.Generator) -> Rows:
    """A client experience survey per year (cev_2019 ...): per domain a mark for quality
    and for treatment (1-10) and the share that says the support helped (0-1)."""
    rows: list[tuple[str, str, int, str, float, str, int]] = []
    for year in (2019, 2020, 2021):
        for domain, (mark, respondents) in SURVEYED.items():
            answered = max(3, int(respondents * rng.normal(1, 0.1)))
            quality = float(np.clip(mark + rng.normal(0, 0.12), 1, 10))
            treatment = float(np.clip(mark + 0.15 + rng.normal(0, 0.12), 1, 10))
            effect = float(np.clip(0.62 + (mark - 7) * 0.12 + rng.normal(0, 0.02), 0, 1))
            survey = f"cev_{year}"
            rows.append((survey, domain, year, "kwaliteit", round(quality, 2), "cijfer", answered))
            rows.append(
                (survey, domain, year, "bejegening", round(treatment, 2), "cijfer", answered)
            )
            rows.append((survey, domain, year, "effect", round(effect, 2), "aandeel", answered))
    names = ("onderzoek", "domein", "jaar", "vraag", "score", "eenheid", "respondenten")
    return {
        name: np.array([r[i] for r in rows], dtype=object if i in (0, 1, 3, 5) else None)
        for i, name in enumerate(names)
    }
