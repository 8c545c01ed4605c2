"""The columns ``definitions/seedtabellen.kpi`` adds to the canonical tables, filled for the
sample: a client's gender and household, the name of the referring organisation, and the
budget's domain and Iv3 taakveld (with the budget lines of the domains outside the three
laws). Drawn from a random stream of their own, after everything else, so that no column
or row the canonical tables had before moves."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from maatstaf.adapters.sample.common import Options, _ids, _pick
from maatstaf.adapters.sample.corona import with_corona_applications
from maatstaf.adapters.sample.ledger import MONTHLY
from maatstaf.adapters.sample.products import P_WET

if TYPE_CHECKING:
    from maatstaf.adapters.sample.generate import World

# iStandaarden COD046 (0 onbekend, 1 man, 2 vrouw, 3 niet gespecificeerd). Shares as in
# CBS's figures for the social domain: Wmo clients are mostly older women, youth care
# has more boys, social assistance slightly more women.
GESLACHT_WMO: Options = (("2", 0.635), ("1", 0.36), ("0", 0.003), ("3", 0.002))
GESLACHT_YOUTH: Options = (("1", 0.575), ("2", 0.42), ("0", 0.003), ("3", 0.002))
GESLACHT_OTHER: Options = (("2", 0.53), ("1", 0.465), ("0", 0.003), ("3", 0.002))

# The referring organisation per verwijzer_type: organisations, never a person (a
# practice is named after its place, not its doctor). A referral by the client (zelf)
# has no organisation; a few names are not registered (Dongen: "in enkele gevallen wordt
# de verwijzer nog niet goed geregistreerd").
VERWIJZER_NAMEN: dict[str, tuple[str, ...]] = {
    "gemeente": ("Sociaal Team Voorbeeld", "Wmo-loket Voorbeeld", "Jeugdteam Voorbeeld"),
    "huisarts": (
        "Huisartsenpraktijk Centrum",
        "Gezondheidscentrum Noord",
        "Huisartsenpraktijk De Linde",
        "Huisartsen Oost",
        "Zorggroep Voorbeeld (POH-GGZ)",
        "Huisartsenpraktijk De Hoeven",
    ),
    "jeugdarts": ("GGD Jeugdgezondheidszorg", "Consultatiebureau Zuid"),
    "medisch_specialist": ("Ziekenhuis Regio Voorbeeld", "Kinder- en Jeugdpsychiatrie Regio"),
    "gecertificeerde_instelling": (
        "Jeugdbescherming Regio",
        "William Schrikker Stichting",
        "Leger des Heils Jeugdbescherming & Reclassering",
    ),
    "rechter": ("Rechtbank (kinderrechter)",),
}
UNREGISTERED = 0.04  # a known referrer type without a name

# The Iv3 taakveld of the existing budget lines, per law and post (as the ledger books
# them); "overige jeugdhulp" (day treatment and crisis) goes to 6.72, where day
# treatment, the larger part, is booked.
TAAKVELD = {
    ("wmo", "huishoudelijke hulp"): "6.71",
    ("wmo", "begeleiding"): "6.71",
    ("wmo", "vervoer"): "6.6",
    ("wmo", "hulpmiddelen"): "6.6",
    ("jeugdwet", "ambulante jeugdhulp"): "6.72",
    ("jeugdwet", "jeugdhulp met verblijf"): "6.82",
    ("jeugdwet", "jeugdbescherming en jeugdreclassering"): "6.82",
    ("jeugdwet", "overige jeugdhulp"): "6.72",
    ("participatiewet", "uitkeringen"): "6.3",
    ("participatiewet", "re-integratie"): "6.5",
    ("participatiewet", "uitvoering"): "6.3",
}
DOMEIN = {"wmo": "wmo", "jeugdwet": "jeugdwet", "participatiewet": "participatie"}
# Budget lines outside the three laws: their wet is "overig", so that the budget per law
# (measure begroting) stays what it was; the domain says whose line it is.
OTHER_WET = "overig"


def with_seed_columns(
    rng: np.random.Generator,
    world: World,
    frames: dict[str, pd.DataFrame],
    seed_frames: dict[str, pd.DataFrame],
) -> dict[str, pd.DataFrame]:
    """The canonical frames with the seed columns added (new frames; the rest unchanged)."""
    from maatstaf.adapters.sample.seeds import _household_of

    household_of, _ = _household_of(world)
    return frames | {
        "clienten": _clienten(rng, world, frames["clienten"], household_of),
        "toewijzingen": _toewijzingen(rng, world, frames["toewijzingen"]),
        "begroting": _begroting(rng, frames["begroting"], seed_frames["minimaregelingen"]),
        # last, so every value drawn before stays as it was
        "aanvragen": with_corona_applications(rng, world, frames["aanvragen"]),
    }


def _clienten(
    rng: np.random.Generator, world: World, frame: pd.DataFrame, household_of: np.ndarray
) -> pd.DataFrame:
    clients = world.people["client"]
    size = int(clients.max()) + 1
    youth = P_WET[world.tw["product"]] == "jeugdwet"
    in_youth, in_wmo = np.zeros(size, dtype=bool), np.zeros(size, dtype=bool)
    in_youth[world.tw["client"][youth]] = True
    in_wmo[world.tw["client"][~youth]] = True
    n = len(clients)
    geslacht = np.select(
        [in_youth[clients], in_wmo[clients]],
        [_pick(rng, GESLACHT_YOUTH, n), _pick(rng, GESLACHT_WMO, n)],
        _pick(rng, GESLACHT_OTHER, n),
    )
    return frame.assign(geslacht=geslacht, huishouden_id=_ids("H", household_of[clients]))


def _toewijzingen(rng: np.random.Generator, world: World, frame: pd.DataFrame) -> pd.DataFrame:
    """A name per lineage (a herindicatie keeps its referrer), a few of them unregistered."""
    _, first, inverse = np.unique(world.tw["lineage"], return_index=True, return_inverse=True)
    kind = world.tw["verwijzer_type"][first]
    wmo = P_WET[world.tw["product"][first]] == "wmo"
    names = np.full(len(first), None, dtype=object)
    for verwijzer, options in VERWIJZER_NAMEN.items():
        chosen = np.flatnonzero(kind == verwijzer)
        weights = 1.0 / np.arange(1, len(options) + 1) ** 0.7
        names[chosen] = _pick(rng, tuple(zip(options, weights, strict=True)), len(chosen))
    # the municipality refers Wmo clients through its Wmo desk, youths through its youth team
    gemeente = kind == "gemeente"
    desk = np.where(wmo, "Wmo-loket Voorbeeld", "Jeugdteam Voorbeeld")
    names = np.where(gemeente & (rng.random(len(first)) < 0.7), desk, names)
    names = np.where(rng.random(len(first)) < UNREGISTERED, None, names)
    return frame.assign(verwijzer_naam=names[inverse])


def _begroting(rng: np.random.Generator, frame: pd.DataFrame, grants: pd.DataFrame) -> pd.DataFrame:
    pairs = zip(frame["wet"], frame["post"], strict=True)
    existing = frame.assign(
        domein=frame["wet"].map(DOMEIN), taakveld=[TAAKVELD[pair] for pair in pairs]
    )
    return pd.concat([existing, _other_lines(rng, grants)], ignore_index=True)


def _other_lines(rng: np.random.Generator, grants: pd.DataFrame) -> pd.DataFrame:
    """Budget lines of the front door, debt help, welfare and minima, near what the ledger
    books for them (the monthly costs; for minima the grants of the year)."""
    granted_year = pd.to_datetime(grants["toegekend_op"]).dt.year
    rows: list[tuple[int, str, str, str, float]] = []
    for jaar in (2019, 2020, 2021):
        for domein, taakveld, post, soort, per_month in MONTHLY:
            if soort == "lasten" and domein != "participatie":
                rows.append((jaar, domein, taakveld, post, per_month * 12))
        spent = float(grants["bedrag"][granted_year == jaar].sum())
        rows.append((jaar, "minima", "6.3", "minimaregelingen", spent))
    spent = np.array([r[4] for r in rows])
    primitief = np.round(spent * rng.uniform(0.95, 1.05, len(rows)), -3)
    gewijzigd = np.round(primitief * rng.uniform(1.0, 1.06, len(rows)), -3)
    n = len(rows)

    def column(i: int) -> np.ndarray:
        return np.tile(np.array([r[i] for r in rows], dtype=object), 2)

    return pd.DataFrame(
        {
            "jaar": np.tile([r[0] for r in rows], 2),
            "wet": np.full(2 * n, OTHER_WET, dtype=object),
            "post": column(3),
            "bedrag": np.concatenate([primitief, gewijzigd]),
            "versie": np.repeat(np.array(["primitief", "gewijzigd"], dtype=object), n),
            "domein": column(1),
            "taakveld": column(2),
        }
    )
