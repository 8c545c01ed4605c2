"""Money outside the claims: the benefit payments as paid (betalingen) and the ledger
lines of the financial system (grootboek), both built from what the sample pays."""

from __future__ import annotations

import numpy as np
import pandas as pd

from maatstaf.adapters.sample.common import (
    FIRST,
    HORIZON,
    OPEN,
    Rows,
    _month,
    _month_end,
    _month_start,
    _spread,
)
from maatstaf.adapters.sample.products import P_HOOFD, P_WET

HOLIDAY = 0.05  # the holiday allowance reserved of a benefit, paid with May's benefit
# hoofdcategorie: Iv3 taakveld and budget post (as in begroting)
TAAKVELD = {
    "huishoudelijke_hulp": ("6.71", "huishoudelijke hulp"),
    "begeleiding": ("6.71", "begeleiding"),
    "vervoer": ("6.6", "vervoer"),
    "materiele_voorziening": ("6.6", "hulpmiddelen"),
    "ambulant": ("6.72", "ambulante jeugdhulp"),
    "dagbehandeling": ("6.72", "overige jeugdhulp"),
    "crisis": ("6.82", "overige jeugdhulp"),
    "verblijf": ("6.82", "jeugdhulp met verblijf"),
    "jeugdbescherming": ("6.82", "jeugdbescherming en jeugdreclassering"),
    "jeugdreclassering": ("6.82", "jeugdbescherming en jeugdreclassering"),
}
# monthly costs outside claims and benefits: domein, taakveld, post, soort, euro per month
MONTHLY = (
    ("toegang", "6.2", "sociaal plein", "lasten", 210_000.0),
    ("schuldhulp", "6.3", "schuldhulpverlening", "lasten", 55_000.0),
    ("overig", "6.1", "subsidies welzijn", "lasten", 130_000.0),
    ("participatie", "6.5", "re-integratie", "lasten", 60_000.0),
    ("wmo", "6.71", "eigen bijdrage", "baten", 32_000.0),
)


def betalingen(rng: np.random.Generator, benefits: Rows) -> Rows:
    """Every month a benefit runs in 2019-2021 its monthly amount (pro rata in its first
    and last month), paid on the 25th; in May the holiday allowance (5 % of the twelve
    months up to May; TOZO has none); a few back payments and recoveries."""
    first = np.maximum(_month(benefits["start"]), _month(np.array([FIRST])))
    last = _month(np.minimum(benefits["end"], HORIZON))
    months = np.clip(last - first + 1, 0, None)
    source = np.repeat(np.arange(len(first)), months)
    month = np.repeat(first, months) + _spread(months)
    begin = np.maximum(_month_start(month), benefits["start"][source])
    end = np.minimum(_month_end(month), benefits["end"][source])
    share = (end - begin + 1) / (_month_end(month) - _month_start(month) + 1)
    amount = np.round(benefits["amount"][source] * share, 2)
    paid = np.maximum(_month_start(month) + 24, begin + 5)
    periodic = {"source": source, "month": month, "paid": paid, "amount": amount}
    kind = np.full(len(source), "periodiek", dtype=object)
    parts = [periodic | {"kind": kind}, _holiday(benefits, periodic), _corrections(rng, periodic)]
    rows = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    keep = rows["paid"] <= HORIZON
    order = np.flatnonzero(keep)[np.lexsort((rows["source"][keep], rows["paid"][keep]))]
    return {name: values[order] for name, values in rows.items()}


def _holiday(benefits: Rows, periodic: Rows) -> Rows:
    may = (periodic["month"] % 12 == 4) & (benefits["regeling"][periodic["source"]] != "TOZO")
    source, month = periodic["source"][may], periodic["month"][may]
    window_start = _month_start(month - 11)
    window_end = _month_end(month)
    start = np.maximum(benefits["start"][source], window_start)
    end = np.minimum(
        np.where(benefits["end"][source] == OPEN, window_end, benefits["end"][source]), window_end
    )
    months = np.clip((end - start + 1) / 30.44, 0, 12)
    amount = np.round(HOLIDAY * benefits["amount"][source] * months, 2)
    kind = np.full(len(source), "vakantiegeld", dtype=object)
    return {
        "source": source,
        "month": month,
        "paid": periodic["paid"][may],
        "amount": amount,
        "kind": kind,
    }


def _corrections(rng: np.random.Generator, periodic: Rows) -> Rows:
    size = len(periodic["source"])
    back = rng.random(size) < 0.03
    recover = ~back & (rng.random(size) < 0.015)
    chosen = np.flatnonzero(back | recover)
    n = len(chosen)
    is_back = back[chosen]
    amount = np.where(is_back, rng.uniform(20, 300, n), -rng.uniform(50, 600, n))
    later = np.where(is_back, rng.integers(10, 40, n), rng.integers(30, 121, n))
    return {
        "source": periodic["source"][chosen],
        "month": periodic["month"][chosen],
        "paid": periodic["paid"][chosen] + later,
        "amount": np.round(amount, 2),
        "kind": np.where(is_back, "nabetaling", "terugvordering").astype(object),
    }


def grootboek(
    rng: np.random.Generator, tw: Rows, claims: Rows, payments: Rows, grants: Rows
) -> pd.DataFrame:
    """Ledger lines per booking month: the claims paid (two weeks after submission, to the
    budget year of the care), the benefits and minima grants paid, the monthly costs and
    revenues outside them; a few corrections (negative) the month after."""
    product = tw["product"][claims["source"]]
    hoofd = P_HOOFD[product]
    parts = [
        pd.DataFrame(
            {
                "day": claims["submitted"] + 14,
                "jaar": _month(claims["begin"]) // 12 + 1970,
                "domein": P_WET[product],
                "taakveld": [TAAKVELD[h][0] for h in hoofd],
                "post": [TAAKVELD[h][1] for h in hoofd],
                "bedrag": claims["cents"] / 100,
            }
        ),
        pd.DataFrame(
            {
                "day": payments["paid"],
                "jaar": payments["month"] // 12 + 1970,
                "domein": "participatie",
                "taakveld": "6.3",
                "post": "uitkeringen",
                "bedrag": payments["amount"],
            }
        ),
        pd.DataFrame(
            {
                "day": grants["granted"],
                "jaar": _month(grants["granted"]) // 12 + 1970,
                "domein": "minima",
                "taakveld": "6.3",
                "post": grants["regeling"],
                "bedrag": grants["amount"],
            }
        ),
    ]
    lines = pd.concat(parts, ignore_index=True)
    lines = lines[lines["day"] <= HORIZON]
    lines["month"] = _month(lines["day"].to_numpy())
    booked = lines.groupby(["month", "jaar", "domein", "taakveld", "post"], as_index=False)[
        "bedrag"
    ].sum()
    booked["soort"] = "lasten"
    booked = pd.concat([booked, _monthly(rng)], ignore_index=True)
    booked["bedrag"] = booked["bedrag"].round(2)
    return _with_corrections(rng, booked)


def _monthly(rng: np.random.Generator) -> pd.DataFrame:
    months = np.arange(_month(np.array([FIRST]))[0], _month(np.array([HORIZON]))[0] + 1)
    frames = [
        pd.DataFrame(
            {
                "month": months,
                "jaar": months // 12 + 1970,
                "domein": domein,
                "taakveld": taakveld,
                "post": post,
                "soort": soort,
                "bedrag": per_month * rng.normal(1, 0.08, len(months)),
            }
        )
        for domein, taakveld, post, soort, per_month in MONTHLY
    ]
    return pd.concat(frames, ignore_index=True)


def _with_corrections(rng: np.random.Generator, booked: pd.DataFrame) -> pd.DataFrame:
    wrong = booked[rng.random(len(booked)) < 0.02].copy()
    wrong["bedrag"] = -(wrong["bedrag"] * rng.uniform(0.01, 0.1, len(wrong))).round(2)
    wrong["month"] = wrong["month"] + 1
    lines = pd.concat([booked, wrong], ignore_index=True)
    lines["boekdatum"] = _month_end(lines["month"].to_numpy())
    lines = lines[lines["boekdatum"] <= HORIZON]
    return lines.sort_values(["boekdatum", "domein", "taakveld", "post", "soort"], kind="stable")
