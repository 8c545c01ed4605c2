"""Indications (toewijzingen): care histories per law, their attributes, removals and conversions."""

from __future__ import annotations

import numpy as np

from maatstaf.adapters.sample.common import (
    BOTH_LAWS,
    CONVERSIONS,
    EARLY_SHARE,
    FIRST,
    HISTORY,
    HORIZON,
    OPEN,
    TARGET_CLIENTS,
    WMO_PROVIDERS,
    YOUTH_PROVIDERS,
    Rows,
    _between,
    _concat,
    _day,
    _full,
    _moments,
    _pick,
    _spread,
    _take,
    _year_end,
)
from maatstaf.adapters.sample.products import (
    BEGELEIDING,
    LAW_PRODUCTS,
    LONG_RUNNING,
    P_BUDGET,
    P_EURO,
    P_HOOFD,
    P_MEDIAN,
    P_NVOL,
    P_OPEN,
    P_PGB,
    P_SIGMA,
    P_VOLUMES,
    P_WET,
    PRODUCTS,
    VERWIJZER_PROTECTION,
    VERWIJZER_WMO,
    VERWIJZER_YOUTH,
    ZWAARTE_AMBULANT,
    ZWAARTE_WMO,
    ZWAARTE_YOUTH,
)

# --- indications: care histories per law ---------------------------------------------


def _products(rng: np.random.Generator, wet: str, size: int) -> np.ndarray:
    candidates = LAW_PRODUCTS[wet]
    weights = np.array([PRODUCTS[i].weight for i in candidates])
    return rng.choice(candidates, size=size, p=weights / weights.sum())


def _volumes(rng: np.random.Generator, product: np.ndarray) -> np.ndarray:
    choice = (rng.random(len(product)) * P_NVOL[product]).astype(np.int64)
    return P_VOLUMES[product, choice].astype(float)


def _ends(rng: np.random.Generator, product: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Planned end dates: a lognormal duration per provision, some open-ended."""
    days = np.exp(rng.normal(np.log(P_MEDIAN[product].astype(float)), P_SIGMA[product]))
    days = np.clip(np.round(days), 7, 4000).astype(np.int64)
    open_ended = rng.random(len(product)) < P_OPEN[product]
    return np.where(open_ended, OPEN, start + days - 1)


def _fresh(
    client: np.ndarray,
    product: np.ndarray,
    volume: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    lineage: int,
    kind: str,
) -> Rows:
    """New indications; ``lineage`` numbers them (copies keep their lineage)."""
    return {
        "client": client,
        "product": product,
        "volume": volume,
        "start": start,
        "end": end,
        "lineage": lineage + np.arange(len(client)),
        "kind": _full(len(client), kind),
    }


def _first(rng: np.random.Generator, wet: str, size: int, lineage: int) -> Rows:
    """Every candidate client's first known indication: most start in 2019-2021, some
    earlier (from 2014); some youths are in long-running foster care."""
    early = rng.random(size) < EARLY_SHARE[wet]
    # drawn from FIRST .. HORIZON - 30 and stretched onto FIRST .. HORIZON, so that new
    # clients keep arriving in December 2021 and every later draw stays as it was
    earlier = _between(rng, HISTORY, FIRST - 1, size)
    recent = _between(rng, FIRST, HORIZON - 30, size)
    recent = FIRST + (recent - FIRST) * (HORIZON - FIRST) // (HORIZON - 30 - FIRST)
    start = np.where(early, earlier, recent)
    product = _products(rng, wet, size)
    end = _ends(rng, product, start)
    if wet == "jeugdwet":
        long = rng.random(size) < 0.05
        product = np.where(long, LONG_RUNNING, product)
        start = np.where(long, _between(rng, HISTORY, _day(2016, 6, 30), size), start)
        end = np.where(long, OPEN, end)
    volume = _volumes(rng, product)
    return _fresh(np.arange(size), product, volume, start, end, lineage, "first")


def _other_product(rng: np.random.Generator, wet: str, previous: np.ndarray) -> np.ndarray:
    """A provision of the law that differs from ``previous``."""
    product = _products(rng, wet, len(previous))
    candidates = LAW_PRODUCTS[wet]
    shifted = candidates[(np.searchsorted(candidates, product) + 1) % len(candidates)]
    return np.where(product == previous, shifted, product)


def _follow_up(rng: np.random.Generator, wet: str, prev: Rows, lineage: int) -> Rows:
    """The next indication of the clients whose history goes on after ``prev``: a
    herindicatie (same provision and intensity, the next day), a changed intensity (the
    next day), an overlapping or same-day other provision, or a return after a gap."""
    keep = (prev["start"] <= HORIZON) & (rng.random(len(prev["start"])) < 0.55)
    prev = _take(prev, keep)
    size, closed = len(prev["start"]), prev["end"] != OPEN
    u = rng.random(size)
    kind = np.select(
        [closed & (u < 0.36), closed & (u < 0.44), u < 0.72, u < 0.82, closed],
        ["herindicatie", "change", "overlap", "same_day", "return"],
        "overlap",
    ).astype(object)
    adjoin = (kind == "herindicatie") | (kind == "change")
    running = np.minimum(np.where(closed, prev["end"] - prev["start"] + 1, 300), 300)
    overlap = prev["start"] + (rng.random(size) * running).astype(np.int64)
    gap = 30 + rng.exponential(350, size).astype(np.int64)
    start = np.select(
        [adjoin, kind == "overlap", kind == "same_day"],
        [prev["end"] + 1, overlap, prev["start"]],
        prev["end"] + gap,
    )
    product = np.where(adjoin, prev["product"], _other_product(rng, wet, prev["product"]))
    volume = np.where(kind == "herindicatie", prev["volume"], _volumes(rng, product))
    rows = _fresh(prev["client"], product, volume, start, _ends(rng, product, start), lineage, "")
    rows["lineage"] = np.where(adjoin, prev["lineage"], rows["lineage"])
    rows["kind"] = kind
    return rows


def _stacked(rng: np.random.Generator, first: Rows, lineage: int) -> Rows:
    """Youths with several provisions at once: 1-3 extra indications that start within a
    month of the first one and run for months."""
    chosen = np.flatnonzero(rng.random(len(first["start"])) < 0.09)
    extra = rng.integers(1, 4, len(chosen))
    source = np.repeat(chosen, extra)
    candidates = LAW_PRODUCTS["jeugdwet"]
    position = np.searchsorted(candidates, first["product"][source]) + 1 + _spread(extra)
    product = candidates[position % len(candidates)]
    start = first["start"][source] + rng.integers(0, 31, len(source))
    end = start + np.exp(rng.normal(np.log(240), 0.4, len(source))).astype(np.int64) + 120
    volume = _volumes(rng, product)
    return _fresh(first["client"][source], product, volume, start, end, lineage, "stacked")


def _histories(rng: np.random.Generator, wet: str, size: int, lineage: int) -> Rows:
    """The indications of ``size`` candidate clients of one law."""
    first = _first(rng, wet, size, lineage)
    parts, prev = [first], first
    for step in range(1, 7):
        prev = _follow_up(rng, wet, prev, lineage + step * 100_000)
        parts.append(prev)
    if wet == "jeugdwet":
        parts.append(_stacked(rng, first, lineage + 900_000))
    rows = _concat(parts)
    return _take(rows, rows["start"] <= HORIZON)


def _select_clients(rows: Rows, target: int, offset: int) -> Rows:
    """Keep the first ``target`` candidates with care in 2019-2021 and number them from
    ``offset``."""
    active = (rows["start"] <= HORIZON) & (rows["end"] >= FIRST)
    candidates = int(rows["client"].max()) + 1
    chosen = np.flatnonzero(np.bincount(rows["client"][active], minlength=candidates) > 0)
    chosen = chosen[:target]
    number = np.full(candidates, -1)
    number[chosen] = offset + np.arange(len(chosen))
    rows = _take(rows, number[rows["client"]] >= 0)
    rows["client"] = number[rows["client"]]
    return rows


def _to_adults(rng: np.random.Generator, youth: Rows, lineage: int) -> Rows:
    """Youths who move on to Wmo support (begeleiding) when they turn 18: their youth care
    began in 2019-2020 at 17 (see ``_birth_days``), the Wmo support a year or so later."""
    first = np.full(int(youth["client"].max()) + 1, OPEN)
    np.minimum.at(first, youth["client"], youth["start"])
    recent = np.flatnonzero((first >= FIRST) & (first <= _day(2020, 9, 30)))
    clients = np.sort(rng.choice(recent, BOTH_LAWS, replace=False))
    start = first[clients] + rng.integers(365, 450, BOTH_LAWS)
    product = np.full(BOTH_LAWS, BEGELEIDING)
    end = _ends(rng, product, start)
    return _fresh(clients, product, _volumes(rng, product), start, end, lineage, "adult")


# --- indications: attributes, removals, conversions -----------------------------------


def _per_lineage(rng: np.random.Generator, rows: Rows) -> Rows:
    """Zwaarte, referrer, provider, delivery form and budget flag: drawn once per lineage,
    so a herindicatie or a converted indication keeps them."""
    _, first, inverse = np.unique(rows["lineage"], return_index=True, return_inverse=True)
    product, size = rows["product"][first], len(first)
    youth, hoofd = P_WET[product] == "jeugdwet", P_HOOFD[product]
    protection = np.isin(hoofd, ["jeugdbescherming", "jeugdreclassering"])
    zwaarte = np.select(
        [~youth, hoofd == "ambulant"],
        [_pick(rng, ZWAARTE_WMO, size), _pick(rng, ZWAARTE_AMBULANT, size)],
        _pick(rng, ZWAARTE_YOUTH, size),
    )
    verwijzer = np.select(
        [~youth, protection],
        [_pick(rng, VERWIJZER_WMO, size), _pick(rng, VERWIJZER_PROTECTION, size)],
        _pick(rng, VERWIJZER_YOUTH, size),
    )
    providers = np.where(
        youth, _providers(rng, YOUTH_PROVIDERS, size), _providers(rng, WMO_PROVIDERS, size)
    )
    attributes = {
        "zwaarte": zwaarte,
        "verwijzer_type": verwijzer,
        "aanbieder": providers,
        "leveringsvorm": np.where(rng.random(size) < P_PGB[product], "pgb", "zin").astype(object),
        "has_budget": rng.random(size) < P_BUDGET[product],
    }
    return rows | {name: values[inverse] for name, values in attributes.items()}


def _providers(rng: np.random.Generator, providers: tuple[str, ...], size: int) -> np.ndarray:
    """Providers with a few large ones (Zipf-like shares)."""
    weights = 1.0 / np.arange(1, len(providers) + 1) ** 0.8
    return np.array(providers, dtype=object)[
        rng.choice(len(providers), size, p=weights / weights.sum())
    ]


def _reasons(rng: np.random.Generator, rows: Rows) -> Rows:
    """About 1 % of the indications were sent twice and the copy removed (reden 13);
    a few percent carry a correction (reden 01)."""
    size = len(rows["start"])
    rows = rows | {"reden": np.where(rng.random(size) < 0.04, "01", None).astype(object)}
    copies = _take(rows, np.flatnonzero(rng.random(size) < 0.015))
    copies["reden"] = _full(len(copies["start"]), "13")
    copies["kind"] = _full(len(copies["start"]), "removed")
    return _concat([rows, copies])


def _convert(rows: Rows, day: int, hoofdcategorie: str | None) -> Rows:
    """An administrative conversion: every indication running after ``day`` ends on it and
    restarts the next day with the same attributes and the original planned end."""
    hit = (rows["start"] <= day) & (rows["end"] > day) & (rows["reden"] != "13")
    if hoofdcategorie is not None:
        hit &= (P_HOOFD[rows["product"]] == hoofdcategorie) & (P_WET[rows["product"]] == "wmo")
    restart = _take(rows, np.flatnonzero(hit))
    size = len(restart["start"])
    restart |= {"start": np.full(size, day + 1), "reden": _full(size, None)}
    restart["kind"] = _full(size, "conversion")
    rows["end"] = np.where(hit, day, rows["end"])
    return _concat([rows, restart])


def _finish(rng: np.random.Generator, rows: Rows) -> Rows:
    """Budget, cost per day, registration time and the order and ids of the indications."""
    size = len(rows["start"])
    per_day = rows["volume"] * P_EURO[rows["product"]]
    until = np.where(rows["end"] == OPEN, _year_end(rows["start"], 1), rows["end"])
    budget = np.round(per_day * (until - rows["start"] + 1), 2)
    late = np.where(rows["kind"] == "removed", rng.integers(8, 40, size), 0)
    registered = _moments(rng, rows["start"] + rng.integers(1, 8, size) + late)
    rows |= {
        "per_day": per_day,
        "budget": np.where(rows["has_budget"], budget, np.nan),
        "registered": registered,
    }
    keys = (np.arange(size), rows["product"], rows["end"], rows["start"], rows["client"])
    rows = _take(rows, np.lexsort(keys))
    rows["id"] = np.array([f"T{n:07d}" for n in range(1, size + 1)], dtype=object)
    return rows


def _households(rng: np.random.Generator, clients: int, share: float, offset: int) -> np.ndarray:
    """Household numbers: a client shares the previous client's household with ``share``."""
    new = rng.random(clients) >= share
    new[0] = True
    return offset + np.cumsum(new)


def _indications(rng: np.random.Generator) -> tuple[Rows, np.ndarray]:
    """All indications (internal rows) and the household number of every care client."""
    n_wmo, n_youth = TARGET_CLIENTS["wmo"], TARGET_CLIENTS["jeugdwet"]
    wmo = _select_clients(_histories(rng, "wmo", int(n_wmo * 1.6), 0), n_wmo, 1)
    youth = _select_clients(
        _histories(rng, "jeugdwet", int(n_youth * 1.6), 10_000_000), n_youth, n_wmo + 1
    )
    adults = _to_adults(rng, youth, 20_000_000)
    rows = _reasons(rng, _per_lineage(rng, _concat([wmo, youth, adults])))
    for day, hoofdcategorie in CONVERSIONS:
        rows = _convert(rows, day, hoofdcategorie)
    wmo_households = _households(rng, n_wmo, 0.12, 0)
    youth_households = _households(rng, n_youth, 0.2, int(wmo_households[-1]))
    households = np.concatenate([[0], wmo_households, youth_households])
    return _finish(rng, rows), households
