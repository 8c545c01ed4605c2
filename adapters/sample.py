"""The sample municipality "Gemeente Voorbeeld": a deterministic generator of every
canonical table, so the demo and the tests need no download.

About 2,000 Wmo and 600 Jeugdwet clients with care over 2019-2021 (and care histories from
2014 on): realistic durations per provision, follow-up indications for the same provision
and intensity the day after the previous one ends (herindicaties), a changed intensity,
overlapping and same-day indications (stapeling), returning clients after a gap,
open-ended indications, removed duplicates (reden_wijziging 13), an administrative
conversion on 2021-01-01 (every running indication ends on 2020-12-31 and restarts the
next day) and one for Wmo household help in July 2019. Then budget bookings, monthly
claims with a claim lag and credits, applications with decision times, benefits per
household (TOZO included), clients with birth dates and neighbourhoods, the population by
age and a budget per law. The same seed gives the same frames and the same bytes.

Internally every table is built as a dict of numpy arrays ("rows") with dates as day
numbers (days since 1970-01-01); only the last step turns them into DataFrames.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from maatstaf.dsl.schema import Schema, Table, canonical_schema

SEED = 2021
Rows = dict[str, np.ndarray]
Options = tuple[tuple[object, float], ...]


def _day(year: int, month: int, day: int) -> int:
    """The day number of a date (days since 1970-01-01)."""
    return (dt.date(year, month, day) - dt.date(1970, 1, 1)).days


HISTORY = _day(2014, 1, 1)  # the oldest care in the sample
FIRST = _day(2019, 1, 1)  # the window the sample is made for
HORIZON = _day(2021, 12, 31)
OPEN = _day(9999, 12, 31)  # an empty end date (or decision date)
CONVERSIONS = ((_day(2019, 6, 30), "huishoudelijke_hulp"), (_day(2020, 12, 31), None))
TARGET_CLIENTS = {"wmo": 2000, "jeugdwet": 600}
EARLY_SHARE = {"wmo": 0.55, "jeugdwet": 0.45}  # first known care before 2019
BOTH_LAWS = 25  # youths who also get Wmo support when they turn 18
WIJKEN = ("Centrum", "Noord", "Oost", "Zuid", "West", "De Hoeven", "Buitengebied")
WMO_PROVIDERS = tuple(f"{75000000 + 7919 * i + 311:08d}" for i in range(13))
YOUTH_PROVIDERS = WMO_PROVIDERS[-2:] + tuple(f"{73000000 + 6133 * i + 87:08d}" for i in range(12))


@dataclass(frozen=True)
class Product:
    """A provision: its codes, its intensity options, how long it runs and what it costs."""

    wet: str
    categorie: str
    code: str
    hoofdcategorie: str
    volumes: tuple[float, ...]
    eenheid: str
    frequentie: str
    weight: float  # share of the law's new indications
    median_days: int  # typical duration (lognormal)
    sigma: float  # spread of the duration
    open_share: float  # share of indications without an end date
    euro_per_day: float  # cost per day of one unit of volume
    pgb_share: float
    budget_share: float  # share of indications with an assigned budget


# wet, productcategorie, productcode, hoofdcategorie, volumes, eenheid, frequentie,
# weight, median_days, sigma, open_share, euro_per_day, pgb_share, budget_share
PRODUCTS = (
    Product("wmo", "01", "01A01", "huishoudelijke_hulp", (2, 2.5, 3, 4), "uur", "week",
            0.34, 700, 0.8, 0.5, 27.0 / 7, 0.12, 0.8),
    Product("wmo", "01", "01A02", "huishoudelijke_hulp", (4, 5, 6), "uur", "week",
            0.06, 600, 0.8, 0.45, 29.0 / 7, 0.10, 0.8),
    Product("wmo", "02", "02A05", "begeleiding", (1.5, 2, 3, 4), "uur", "week",
            0.16, 300, 0.7, 0.25, 58.0 / 7, 0.15, 0.85),
    Product("wmo", "07", "07A02", "begeleiding", (2, 3, 4), "dagdeel", "week",
            0.08, 420, 0.7, 0.22, 40.0 / 7, 0.08, 0.85),
    Product("wmo", "12", "12A01", "vervoer", (1500, 2250), "km", "jaar",
            0.18, 1100, 0.6, 0.55, 1.2 / 365, 0.0, 0.3),
    Product("wmo", "11", "11A01", "materiele_voorziening", (1,), "stuk", "totaal",
            0.09, 1500, 0.6, 0.4, 3.5, 0.05, 0.6),
    Product("wmo", "13", "13A02", "materiele_voorziening", (1,), "stuk", "totaal",
            0.05, 1800, 0.5, 0.4, 2.0, 0.05, 0.6),
    Product("wmo", "14", "14A01", "materiele_voorziening", (1,), "stuk", "totaal",
            0.04, 1200, 0.5, 0.4, 1.5, 0.05, 0.6),
    Product("jeugdwet", "45", "45A48", "ambulant", (1, 1.5, 2, 3), "uur", "week",
            0.30, 200, 0.5, 0.15, 95.0 / 7, 0.08, 0.95),
    Product("jeugdwet", "45", "45A53", "ambulant", (2, 4), "uur", "week",
            0.14, 150, 0.5, 0.15, 85.0 / 7, 0.05, 0.95),
    Product("jeugdwet", "54", "54001", "ambulant", (4, 6, 8), "uur", "maand",
            0.18, 240, 0.5, 0.15, 110.0 * 12 / 365, 0.05, 0.95),
    Product("jeugdwet", "41", "41A01", "dagbehandeling", (2, 3, 5), "dagdeel", "week",
            0.06, 300, 0.5, 0.10, 75.0 / 7, 0.02, 0.95),
    Product("jeugdwet", "43", "43A01", "verblijf", (7,), "etmaal", "week",
            0.07, 420, 0.6, 0.20, 250.0 / 7, 0.02, 0.95),
    Product("jeugdwet", "44", "44A05", "verblijf", (7,), "etmaal", "week",
            0.07, 900, 0.6, 0.35, 40.0 / 7, 0.02, 0.95),
    Product("jeugdwet", "46", "46A01", "crisis", (7,), "etmaal", "week",
            0.03, 28, 0.4, 0.0, 330.0 / 7, 0.0, 0.95),
    Product("jeugdwet", "48", "48A01", "jeugdbescherming", (1,), "stuk", "maand",
            0.12, 450, 0.5, 0.15, 1300.0 * 12 / 365, 0.0, 0.95),
    Product("jeugdwet", "47", "47A01", "jeugdreclassering", (1,), "stuk", "maand",
            0.03, 270, 0.4, 0.05, 900.0 * 12 / 365, 0.0, 0.95),
)  # fmt: skip


def _column(name: str) -> np.ndarray:
    values = [getattr(p, name) for p in PRODUCTS]
    return np.array(values, dtype=object if isinstance(values[0], str) else None)


P_WET, P_CATEGORIE, P_CODE = _column("wet"), _column("categorie"), _column("code")
P_HOOFD = _column("hoofdcategorie")
P_EENHEID, P_FREQUENTIE = _column("eenheid"), _column("frequentie")
P_MEDIAN, P_SIGMA, P_OPEN = _column("median_days"), _column("sigma"), _column("open_share")
P_EURO, P_PGB, P_BUDGET = _column("euro_per_day"), _column("pgb_share"), _column("budget_share")
P_NVOL = np.array([len(p.volumes) for p in PRODUCTS])
P_VOLUMES = np.array([p.volumes + (0,) * (P_NVOL.max() - len(p.volumes)) for p in PRODUCTS])
LAW_PRODUCTS = {
    wet: np.flatnonzero([p.wet == wet for p in PRODUCTS]) for wet in ("wmo", "jeugdwet")
}
LONG_RUNNING = int(np.flatnonzero(P_CODE == "44A05")[0])  # foster care, for spells of 5+ years
BEGELEIDING = int(np.flatnonzero(P_CODE == "02A05")[0])

ZWAARTE_WMO: Options = (("licht", 0.25), ("middel", 0.15), ("zwaar", 0.05), (None, 0.55))
ZWAARTE_AMBULANT: Options = (("licht", 0.5), ("middel", 0.35), ("zwaar", 0.1), (None, 0.05))
ZWAARTE_YOUTH: Options = (("licht", 0.1), ("middel", 0.4), ("zwaar", 0.45), (None, 0.05))
VERWIJZER_WMO: Options = (
    ("gemeente", 0.87),
    ("huisarts", 0.03),
    ("medisch_specialist", 0.03),
    ("zelf", 0.02),
    (None, 0.05),
)
VERWIJZER_YOUTH: Options = (
    ("gemeente", 0.32),
    ("huisarts", 0.35),
    ("jeugdarts", 0.09),
    ("medisch_specialist", 0.09),
    ("gecertificeerde_instelling", 0.06),
    ("zelf", 0.02),
    ("rechter", 0.02),
    (None, 0.05),
)
VERWIJZER_PROTECTION: Options = (
    ("gecertificeerde_instelling", 0.6),
    ("rechter", 0.3),
    ("gemeente", 0.05),
    (None, 0.05),
)


# --- small helpers ---------------------------------------------------------------------


def _pick(rng: np.random.Generator, options: Options, size: int) -> np.ndarray:
    """``size`` values drawn from weighted options (an object array; None stays None)."""
    values = np.empty(len(options), dtype=object)
    values[:] = [value for value, _ in options]
    weights = np.array([weight for _, weight in options])
    return values[rng.choice(len(options), size=size, p=weights / weights.sum())]


def _take(rows: Rows, index: np.ndarray) -> Rows:
    return {name: values[index] for name, values in rows.items()}


def _concat(parts: list[Rows]) -> Rows:
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def _full(size: int, value: object) -> np.ndarray:
    out = np.empty(size, dtype=object)
    out[:] = value
    return out


def _between(rng: np.random.Generator, first: int, last: int, size: int) -> np.ndarray:
    """Day numbers drawn uniformly from ``first..last`` (inclusive)."""
    return rng.integers(first, last + 1, size)


def _month(days: np.ndarray) -> np.ndarray:
    """Month numbers (months since 1970-01) of day numbers."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _month_start(months: np.ndarray) -> np.ndarray:
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _month_end(months: np.ndarray) -> np.ndarray:
    return _month_start(months + 1) - 1


def _year_end(days: np.ndarray, years_later: int = 0) -> np.ndarray:
    """The day number of 31 December of the year of ``days`` (plus ``years_later``)."""
    years = days.astype("datetime64[D]").astype("datetime64[Y]") + years_later + 1
    return years.astype("datetime64[D]").astype(np.int64) - 1


def _spread(offsets: np.ndarray) -> np.ndarray:
    """For group sizes ``offsets``, the position of every element within its group."""
    total = int(offsets.sum())
    return np.arange(total) - np.repeat(np.cumsum(offsets) - offsets, offsets)


def _moments(rng: np.random.Generator, days: np.ndarray, first_hour: int = 8) -> np.ndarray:
    """Timestamps (seconds since 1970) during office hours on the given days."""
    seconds = first_hour * 3600 + rng.integers(0, 9 * 3600, len(days))
    return days.astype(np.int64) * 86400 + seconds


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


# --- budget bookings and claims --------------------------------------------------------


def _budgetboekingen(rng: np.random.Generator, tw: Rows) -> Rows:
    """Youth budgets: ambulant care books the whole budget on the start date, other care
    one equal share per month of care (on the start date, then on the 1st of each month;
    open-ended and long indications up to 2021-12-31). A few bookings are reversed and
    booked again, and a few are zero."""
    youth = (P_WET[tw["product"]] == "jeugdwet") & ~np.isnan(tw["budget"]) & (tw["reden"] != "13")
    rows = np.flatnonzero(youth)
    ambulant = P_HOOFD[tw["product"][rows]] == "ambulant"
    first = _month(tw["start"][rows])
    months = np.where(ambulant, 1, _month(np.minimum(tw["end"][rows], HORIZON)) - first + 1)
    source, k = np.repeat(rows, months), _spread(months)
    count = np.repeat(months, months)
    cents = np.round(tw["budget"][source] * 100).astype(np.int64)
    share = cents // count
    amount = np.where(k == count - 1, cents - share * (count - 1), share)
    day = np.where(k == 0, tw["start"][source], _month_start(np.repeat(first, months) + k))
    bookings = {"source": source, "day": day, "cents": amount}
    return _corrections(rng, bookings)


def _corrections(rng: np.random.Generator, bookings: Rows) -> Rows:
    size = len(bookings["day"])
    reversed_ = _take(bookings, np.flatnonzero(rng.random(size) < 0.01))
    later = np.minimum(reversed_["day"] + rng.integers(3, 20, len(reversed_["day"])), HORIZON)
    storno = reversed_ | {"day": later, "cents": -reversed_["cents"]}
    again = reversed_ | {"day": later}
    zero = _take(bookings, np.flatnonzero(rng.random(size) < 0.003))
    zero["cents"] = np.zeros(len(zero["cents"]), dtype=np.int64)
    rows = _concat([bookings, storno, again, zero])
    order = np.lexsort((np.arange(len(rows["day"])), rows["day"], rows["source"]))
    return _take(rows, order)


# the share of the months with a claim (transport only when used)
P_CLAIMED = np.where(P_HOOFD == "vervoer", 0.5, 0.92)


def _claim_months(tw: Rows) -> Rows:
    """Every month of care in 2019-2021 of every claimable indication (care in kind, not
    removed), as the part of the month within the indication."""
    claimable = (tw["reden"] != "13") & (tw["leveringsvorm"] == "zin")
    rows = np.flatnonzero(claimable & (tw["start"] <= HORIZON) & (tw["end"] >= FIRST))
    first = np.maximum(tw["start"][rows], FIRST)
    last = np.minimum(tw["end"][rows], HORIZON)
    months = _month(last) - _month(first) + 1
    source, k = np.repeat(rows, months), _spread(months)
    month = np.repeat(_month(first), months) + k
    begin = np.maximum(_month_start(month), tw["start"][source])
    end = np.minimum(_month_end(month), np.repeat(last, months))
    return {"source": source, "k": k, "begin": begin, "end": end}


def _declaraties(rng: np.random.Generator, tw: Rows) -> Rows:
    """Claims per indication per month of care (most months; transport only when used) at
    75-100 % of the indicated cost; aids (materiele voorzieningen) are claimed once, in
    their first month. Submitted 3 weeks to 3 months after the period; a few credits."""
    months = _claim_months(tw)
    hoofd = P_HOOFD[tw["product"][months["source"]]]
    once = hoofd == "materiele_voorziening"
    share = P_CLAIMED[tw["product"][months["source"]]]
    first = (months["k"] == 0) & (tw["start"][months["source"]] >= FIRST)
    keep = np.where(once, first, rng.random(len(once)) < share)
    claims = _take(months, np.flatnonzero(keep))
    source, once = claims.pop("source"), once[keep]
    days = np.where(once, 3 * 365, claims["end"] - claims["begin"] + 1)
    factor = rng.uniform(0.75, 1.0, len(source))
    cents = np.round(tw["per_day"][source] * days * factor * 100).astype(np.int64)
    claims |= {"source": source, "cents": np.maximum(cents, 1)}
    claims["submitted"] = claims["end"] + rng.integers(21, 92, len(source))
    del claims["k"]
    return _credits(rng, claims)


def _credits(rng: np.random.Generator, claims: Rows) -> Rows:
    size = len(claims["source"])
    credit = _take(claims, np.flatnonzero(rng.random(size) < 0.012))
    n = len(credit["source"])
    part = np.where(rng.random(n) < 0.5, 1.0, rng.uniform(0.1, 0.5, n))
    credit["cents"] = -np.round(credit["cents"] * part).astype(np.int64)
    credit["submitted"] = credit["submitted"] + rng.integers(14, 61, n)
    rows = _concat([claims, credit])
    order = np.lexsort((rows["submitted"], rows["begin"], rows["source"]))
    return _take(rows, order)


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


POSTS = {  # budget lines and the hoofdcategorieen they pay for
    "wmo": {
        "huishoudelijke hulp": ("huishoudelijke_hulp",),
        "begeleiding": ("begeleiding",),
        "vervoer": ("vervoer",),
        "hulpmiddelen": ("materiele_voorziening",),
    },
    "jeugdwet": {
        "ambulante jeugdhulp": ("ambulant",),
        "jeugdhulp met verblijf": ("verblijf",),
        "jeugdbescherming en jeugdreclassering": ("jeugdbescherming", "jeugdreclassering"),
        "overige jeugdhulp": ("dagbehandeling", "crisis"),
    },
}


def _begroting(rng: np.random.Generator, tw: Rows, claims: Rows, benefits: Rows) -> Rows:
    """The budget per year, law and post, near what was spent: the original budget
    (primitief) and the amended one (gewijzigd)."""
    year = _month(claims["begin"]) // 12 + 1970
    hoofd = P_HOOFD[tw["product"][claims["source"]]]
    rows: list[tuple[int, str, str, float]] = []
    for jaar in (2019, 2020, 2021):
        for wet, posts in POSTS.items():
            for post, groups in posts.items():
                spent = claims["cents"][(year == jaar) & np.isin(hoofd, groups)].sum() / 100
                rows.append((jaar, wet, post, spent))
        paid = _paid(benefits, jaar)
        for post, share in (("uitkeringen", 1.0), ("re-integratie", 0.09), ("uitvoering", 0.06)):
            rows.append((jaar, "participatiewet", post, paid * share))
    spent = np.array([r[3] for r in rows])
    primitief = np.round(spent * rng.uniform(0.9, 1.04, len(rows)), -3)
    gewijzigd = np.round(primitief * rng.uniform(1.01, 1.09, len(rows)), -3)
    size = len(rows)
    return {
        "jaar": np.tile([r[0] for r in rows], 2),
        "wet": np.tile(np.array([r[1] for r in rows], dtype=object), 2),
        "post": np.tile(np.array([r[2] for r in rows], dtype=object), 2),
        "bedrag": np.concatenate([primitief, gewijzigd]),
        "versie": np.repeat(np.array(["primitief", "gewijzigd"], dtype=object), size),
    }


def _paid(benefits: Rows, year: int) -> float:
    """What the Participatiewet benefits (PW, IOAW, IOAZ) paid in ``year``."""
    counted = np.isin(benefits["regeling"], ["PW", "IOAW", "IOAZ"])
    first = np.maximum(_month(benefits["start"]), (year - 1970) * 12)
    last = np.minimum(_month(np.minimum(benefits["end"], HORIZON)), (year - 1970) * 12 + 11)
    months = np.clip(last - first + 1, 0, None)
    return float((benefits["amount"] * months)[counted].sum())


# --- frames ------------------------------------------------------------------------------


def _dates(days: np.ndarray) -> np.ndarray:
    """datetime.date objects; OPEN becomes None."""
    out = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype(object)
    out[np.asarray(days) == OPEN] = None
    return out


def _times(seconds: np.ndarray) -> np.ndarray:
    return np.asarray(seconds, dtype=np.int64).astype("datetime64[s]").astype("datetime64[us]")


def _populatie_frame(rows: Rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "peildatum": _dates(rows["peildatum"]),
            "leeftijd": rows["leeftijd"],
            "aantal": rows["aantal"],
        }
    )


def _clienten_frame(people: Rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client_id": _ids("C", people["client"]),
            "geboortedatum": _dates(people["birth"]),
            "wijk": people["wijk"],
        }
    )


def _ids(prefix: str, numbers: np.ndarray, width: int = 6) -> np.ndarray:
    return np.array([f"{prefix}{n:0{width}d}" for n in numbers], dtype=object)


def _toewijzingen_frame(tw: Rows, households: np.ndarray) -> pd.DataFrame:
    product = tw["product"]
    return pd.DataFrame(
        {
            "toewijzing_id": tw["id"],
            "client_id": _ids("C", tw["client"]),
            "huishouden_id": _ids("H", households[tw["client"]]),
            "wet": P_WET[product],
            "productcategorie": P_CATEGORIE[product],
            "productcode": P_CODE[product],
            "hoofdcategorie": P_HOOFD[product],
            "omvang_volume": tw["volume"],
            "omvang_eenheid": P_EENHEID[product],
            "omvang_frequentie": P_FREQUENTIE[product],
            "zwaarte": tw["zwaarte"],
            "verwijzer_type": tw["verwijzer_type"],
            "aanbieder": tw["aanbieder"],
            "leveringsvorm": tw["leveringsvorm"],
            "startdatum": _dates(tw["start"]),
            "einddatum": _dates(tw["end"]),
            "reden_wijziging": tw["reden"],
            "budget": tw["budget"],
            "geregistreerd_op": _times(tw["registered"]),
        }
    )


def _budgetboekingen_frame(bookings: Rows, tw: Rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "toewijzing_id": tw["id"][bookings["source"]],
            "boekdatum": _dates(bookings["day"]),
            "bedrag": bookings["cents"] / 100,
            "geregistreerd_op": _times(bookings["day"] * 86400 + 7 * 3600),
        }
    )


def _declaraties_frame(claims: Rows, tw: Rows) -> pd.DataFrame:
    size = len(claims["source"])
    return pd.DataFrame(
        {
            "declaratie_id": _ids("D", np.arange(1, size + 1), 7),
            "toewijzing_id": tw["id"][claims["source"]],
            "client_id": _ids("C", tw["client"][claims["source"]]),
            "periode_start": _dates(claims["begin"]),
            "periode_eind": _dates(claims["end"]),
            "bedrag": claims["cents"] / 100,
            "ingediend_op": _dates(claims["submitted"]),
            "geregistreerd_op": _times(claims["submitted"] * 86400 + 10 * 3600),
        }
    )


def _aanvragen_frame(rows: Rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "aanvraag_id": _ids("A", np.arange(1, len(rows["client"]) + 1)),
            "client_id": _ids("C", rows["client"]),
            "regeling": rows["regeling"],
            "ontvangen_op": _dates(rows["received"]),
            "besloten_op": _dates(rows["decided"]),
            "besluit": rows["besluit"],
            "geregistreerd_op": _times(rows["registered"]),
        }
    )


def _uitkeringen_frame(rows: Rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uitkering_id": _ids("U", np.arange(1, len(rows["client"]) + 1)),
            "huishouden_id": _ids("H", rows["household"]),
            "client_id": _ids("C", rows["client"]),
            "regeling": rows["regeling"],
            "startdatum": _dates(rows["start"]),
            "einddatum": _dates(rows["end"]),
            "uitstroomreden": rows["reason"],
            "bedrag_per_maand": rows["amount"],
            "geregistreerd_op": _times(rows["registered"]),
        }
    )


def _conform(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Exactly the schema's columns, in its order; absent ones (gemeente) empty."""
    for name in table.column_names:
        if name not in frame:
            frame[name] = _full(len(frame), None)
    return frame[list(table.column_names)]


def generate_sample(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Every canonical table of the sample municipality, with the schema's columns. Dates
    are ``datetime.date`` objects, registration times ``datetime64``, amounts floats with
    at most 2 decimals, missing values None or NaN."""
    rng = np.random.default_rng(seed)
    tw, households = _indications(rng)
    claims = _declaraties(rng, tw)
    bookings = _budgetboekingen(rng, tw)
    youth_households = households[TARGET_CLIENTS["wmo"] + 1 :]
    benefits = _uitkeringen(rng, youth_households, int(households.max()) + 1)
    youth = P_WET[tw["product"]] == "jeugdwet"
    pools = {"wmo": tw["client"][~youth], "jeugdwet": tw["client"][youth]}
    pools |= dict.fromkeys(("participatiewet", "minima", "schuldhulp"), benefits["client"])
    applications = _aanvragen(rng, pools, int(benefits["client"].max()) + 1)
    people = _clienten(rng, tw, [benefits["client"], applications["client"]], households, benefits)
    frames = {
        "toewijzingen": _toewijzingen_frame(tw, households),
        "budgetboekingen": _budgetboekingen_frame(bookings, tw),
        "declaraties": _declaraties_frame(claims, tw),
        "aanvragen": _aanvragen_frame(applications),
        "uitkeringen": _uitkeringen_frame(benefits),
        "clienten": _clienten_frame(people),
        "populatie": _populatie_frame(_populatie(rng)),
        "begroting": pd.DataFrame(_begroting(rng, tw, claims, benefits)),
    }
    schema = canonical_schema()
    return {name: _conform(frame, _table(schema, name)) for name, frame in frames.items()}


def _table(schema: Schema, name: str) -> Table:
    table = schema.table(name)
    if table is None:
        raise KeyError(f"the schema has no table {name!r}")
    return table


# --- CSV ---------------------------------------------------------------------------------


def write_sample_csv(directory: Path, seed: int = SEED) -> list[Path]:
    """The sample as canonical CSV files ``<table>.csv`` in ``directory``: UTF-8, comma
    separated, a header row, ISO dates, amounts with a decimal point and 2 decimals, an
    empty cell for a missing value. Returns the paths, in the schema's table order."""
    from maatstaf.renderers.atomic import write_bytes

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    schema = canonical_schema()
    written = []
    for name, frame in generate_sample(seed).items():
        table = _table(schema, name)
        text = pd.DataFrame({c.name: _cells(frame[c.name], c.type) for c in table.columns}).to_csv(
            index=False, lineterminator="\n"
        )
        path = directory / f"{name}.csv"
        write_bytes(path, text.encode("utf-8"))  # atomic: a reader never sees half a file
        written.append(path)
    return written


def _cells(values: pd.Series, kind: str) -> np.ndarray:
    """The CSV text of one column; formats are fixed, so the bytes do not depend on the
    locale."""
    missing = values.isna().to_numpy()
    if kind in ("date", "timestamp"):
        fmt = "%Y-%m-%d" if kind == "date" else "%Y-%m-%d %H:%M:%S"
        text = pd.to_datetime(values).dt.strftime(fmt).to_numpy(dtype=object)
    elif kind == "decimal":
        numbers = np.round(values.to_numpy(dtype=float, na_value=0.0), 2) + 0.0
        text = np.array([f"{number:.2f}" for number in numbers.tolist()], dtype=object)
    elif kind == "integer":
        numbers = values.to_numpy(dtype=float, na_value=0.0).astype(np.int64)
        text = np.array([str(number) for number in numbers.tolist()], dtype=object)
    else:
        text = values.to_numpy(dtype=object)
    return np.where(missing, "", text)
