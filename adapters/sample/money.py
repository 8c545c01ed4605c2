"""Budget bookings, monthly claims with credits, and the budget per law and post."""

from __future__ import annotations

import numpy as np

from maatstaf.adapters.sample.common import (
    FIRST,
    HORIZON,
    Rows,
    _concat,
    _month,
    _month_end,
    _month_start,
    _spread,
    _take,
)
from maatstaf.adapters.sample.products import P_HOOFD, P_WET

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
