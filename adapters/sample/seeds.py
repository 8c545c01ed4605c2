"""The tables for the rest of the seeds (``definitions/seedtabellen.kpi``), built on the
sample's own clients, households, applications, benefits and claims."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from maatstaf.adapters.sample.common import _dates, _ids
from maatstaf.adapters.sample.debt import schuldhulp, signalen
from maatstaf.adapters.sample.frontdoor import klachten, meldingen, tevredenheid
from maatstaf.adapters.sample.ledger import betalingen, grootboek
from maatstaf.adapters.sample.minima import doelgroepen, minimaregelingen
from maatstaf.adapters.sample.products import P_WET

if TYPE_CHECKING:
    from maatstaf.adapters.sample.generate import World


def seed_tables(rng: np.random.Generator, world: World) -> dict[str, pd.DataFrame]:
    """The seed tables as DataFrames with their declared columns, in a fixed order."""
    household_of, next_household = _household_of(world)
    on_benefit = np.zeros(len(household_of), dtype=bool)
    on_benefit[world.benefits["client"]] = True
    debt = schuldhulp(rng, world.applications, household_of, on_benefit)
    signals = signalen(rng, np.unique(world.benefits["household"]), next_household)
    grants = minimaregelingen(rng, world.benefits, next_household + 10_000)
    payments = betalingen(rng, world.benefits)
    youth = P_WET[world.tw["product"]] == "jeugdwet"
    debt_clients = world.applications["client"][world.applications["regeling"] == "schuldhulp"]
    pools = {
        "wmo": world.tw["client"][~youth],
        "jeugdwet": world.tw["client"][youth],
        "participatie": world.benefits["client"],
        "schuldhulp": debt_clients,
        "overig": world.people["client"],
    }
    return {
        "grootboek": _grootboek_frame(grootboek(rng, world.tw, world.claims, payments, grants)),
        "betalingen": _betalingen_frame(payments),
        "schuldhulp": _schuldhulp_frame(debt),
        "signalen": _signalen_frame(signals),
        "minimaregelingen": _minima_frame(grants),
        "doelgroepen": _doelgroepen_frame(doelgroepen(rng)),
        "meldingen": _meldingen_frame(meldingen(rng, pools)),
        "klachten": _klachten_frame(klachten(rng)),
        "tevredenheid": pd.DataFrame(tevredenheid(rng)),
    }


def _household_of(world: World) -> tuple[np.ndarray, int]:
    """Every client's household number (as the canonical tables give it; a new one for a
    client they give none), and the first number no household has."""
    clients = world.people["client"]
    household = np.full(int(clients.max()) + 1, -1)
    household[world.benefits["client"]] = world.benefits["household"]
    household[1 : len(world.households)] = world.households[1:]
    known = int(max(world.households.max(), world.benefits["household"].max())) + 1
    missing = np.flatnonzero(household < 0)
    household[missing] = known + np.arange(len(missing))
    return household, known + len(missing)


def _optional_ids(prefix: str, numbers: np.ndarray) -> np.ndarray:
    return np.where(numbers >= 0, _ids(prefix, np.maximum(numbers, 0)), None)


def _grootboek_frame(lines: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "regel_id": _ids("G", np.arange(1, len(lines) + 1), 7),
            "boekdatum": _dates(lines["boekdatum"].to_numpy()),
            "jaar": lines["jaar"].to_numpy(),
            "domein": lines["domein"].to_numpy(dtype=object),
            "taakveld": lines["taakveld"].to_numpy(dtype=object),
            "post": lines["post"].to_numpy(dtype=object),
            "soort": lines["soort"].to_numpy(dtype=object),
            "bedrag": lines["bedrag"].to_numpy(),
        }
    )


def _betalingen_frame(rows: dict[str, np.ndarray]) -> pd.DataFrame:
    month = rows["month"]
    return pd.DataFrame(
        {
            "betaling_id": _ids("B", np.arange(1, len(month) + 1), 7),
            "uitkering_id": _ids("U", rows["source"] + 1),
            "betaald_op": _dates(rows["paid"]),
            "periode": [f"{m // 12 + 1970:04d}-{m % 12 + 1:02d}" for m in month.tolist()],
            "soort": rows["kind"],
            "bedrag": rows["amount"],
        }
    )


def _schuldhulp_frame(rows: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "traject_id": _ids("S", np.arange(1, len(rows["client"]) + 1)),
            "huishouden_id": _ids("H", rows["household"]),
            "client_id": _ids("C", rows["client"]),
            "aangemeld_op": _dates(rows["registered"]),
            "eerste_gesprek_op": _dates(rows["interview"]),
            "crisis": rows["crisis"],
            "gestart_op": _dates(rows["started"]),
            "beeindigd_op": _dates(rows["ended"]),
            "uitkomst": rows["outcome"],
            "inkomensbron": rows["income"],
        }
    )


def _signalen_frame(rows: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "signaal_id": _ids("V", np.arange(1, len(rows["received"]) + 1)),
            "ontvangen_op": _dates(rows["received"]),
            "partner": rows["partner"],
            "huishouden_id": _optional_ids("H", rows["household"]),
            "opgevolgd_op": _dates(rows["outreach"]),
            "uitkomst": rows["outcome"],
        }
    )


def _minima_frame(rows: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "toekenning_id": _ids("M", np.arange(1, len(rows["household"]) + 1)),
            "huishouden_id": _ids("H", rows["household"]),
            "regeling": rows["regeling"],
            "aangevraagd_op": _dates(rows["applied"]),
            "toegekend_op": _dates(rows["granted"]),
            "bedrag": rows["amount"],
            "inkomen_pct_sociaal_minimum": rows["income_pct"],
            "werkend": rows["working"],
        }
    )


def _doelgroepen_frame(rows: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame(
        {"gemeten_op": _dates(rows["day"]), "doelgroep": rows["group"], "aantal": rows["count"]}
    )


def _meldingen_frame(rows: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "melding_id": _ids("R", np.arange(1, len(rows["client"]) + 1)),
            "client_id": _ids("C", rows["client"]),
            "domein": rows["domain"],
            "gemeld_op": _dates(rows["reported"]),
            "toegewezen_op": _dates(rows["assigned"]),
            "consulent_id": np.where(rows["worker"] > 0, _ids("W", rows["worker"], 3), None),
            "afgesloten_op": _dates(rows["closed"]),
            "casusregie": rows["managed"],
        }
    )


def _klachten_frame(rows: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "klacht_id": _ids("K", np.arange(1, len(rows["received"]) + 1), 5),
            "domein": rows["domain"],
            "ontvangen_op": _dates(rows["received"]),
            "afgehandeld_op": _dates(rows["handled"]),
            "oordeel": rows["judgement"],
        }
    )
