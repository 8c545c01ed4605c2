"""The engine against the day-by-day oracle (tests/oracle.py) for every measure of the
catalogue, on small random but nasty data for all tables at once; and the catalogue's
invariants, checked on the engine's own output.

The data is built to collide: few clients and households, dates clustered on month,
quarter and year boundaries, 29 February and the days five years before a peildatum,
adjoining, overlapping and same-day indications, removed rows, empty codes, birth dates
on both sides of the 0-17 and 70 thresholds, benefit spells on the edges of the duration
bands, applications decided on day 56 and 57.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from maatstaf.engine.result import RunResult
from tests import oracle
from tests.helpers import loaded, run_engine
from tests.oracle import Dims, Figures, Key, Row, Value

Tables = dict[str, list[Row]]
EngineFigures = dict[Key, int | float | None]

# months 2019-12 .. 2022-03: 29 February 2020, the switch of jeugd.unieke_jeugdigen on
# 1 January 2021, and 28 February 2022 (no 29th: someone born on 29 February 2004 is 17)
FIRST, LAST = dt.date(2019, 12, 1), dt.date(2022, 3, 31)
GRAINS = ("month", "quarter", "year")
DAY = dt.timedelta(days=1)
# An engine run takes a second or two, so failures are not shrunk by default (that can
# take many minutes); set MAATSTAF_SHRINK=1 to get a minimal failing example.
PHASES = (
    tuple(Phase)
    if os.environ.get("MAATSTAF_SHRINK")
    else (Phase.explicit, Phase.reuse, Phase.generate)
)
SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
SETTINGS = settings(max_examples=8, deadline=None, phases=PHASES, suppress_health_check=SLOW)

# ---- dates where the off-by-one errors live ------------------------------------------------

PEILDATA = [oracle.parse_label(label).end for label in oracle.labels_between(FIRST, LAST, "month")]
EDGES = sorted(
    {
        dt.date(y, m, 1) + DAY * d
        for y in (2019, 2020, 2021, 2022)
        for m in range(1, 13)
        for d in (-1, 0)
    }
    | {dt.date(2020, 2, 28), dt.date(2020, 2, 29), dt.date(2021, 3, 1)}
)
# the days around "5 years before a peildatum" (29 Feb 2020 -> 28 Feb 2015)
FIVE_YEARS_BEFORE = sorted(
    {oracle.add_years(p, -5) + DAY * d for p in PEILDATA for d in (-1, 0, 1)}
    | {dt.date(2016, 2, 29), dt.date(2015, 3, 1)}
)
# ... and before the first day of a period (herhaald_beroep's five-year window)
FIVE_YEARS_BEFORE_BEGIN = sorted(
    {oracle.add_years(p + DAY, -5) + DAY * d for p in PEILDATA for d in (-1, 0)}
)
# benefit spells on the edges of the duration bands (365, 730 and 1826 days)
BAND_EDGES = sorted({p - DAY * n for p in PEILDATA[::3] for n in (364, 365, 729, 730, 1825, 1826)})

recent_dates = st.one_of(
    st.sampled_from(EDGES),
    st.sampled_from(EDGES),
    st.dates(dt.date(2019, 6, 1), dt.date(2022, 4, 30)),
)
old_dates = st.one_of(
    st.sampled_from(FIVE_YEARS_BEFORE), st.dates(dt.date(2014, 1, 1), dt.date(2016, 6, 30))
)
any_dates = st.one_of(recent_dates, recent_dates, old_dates)

CLIENTS = st.sampled_from(["A", "B", "C", "D", "E"])
HOUSEHOLDS = st.sampled_from(["H1", "H2", "H3"])
# intensities that differ in one part only (empty equals empty, but not a filled value)
OMVANG = [
    dict(zip(("omvang_volume", "omvang_eenheid", "omvang_frequentie"), values, strict=True))
    for values in [
        (None, None, None),
        (Decimal(4), "uur", "week"),
        (Decimal(4), "uur", None),
        (Decimal(4), "dag", "week"),
        (None, "uur", "week"),
        (Decimal("4.50"), "uur", "week"),
    ]
]
amounts = st.one_of(
    st.integers(0, 5000).map(Decimal),
    st.integers(1, 500_000).map(lambda cents: Decimal(cents) / 100),
)


def end_after(draw: st.DrawFn, start: dt.date) -> dt.date | None:
    """An einddatum on or after ``start``: open, the same day, soon, late, or on an edge."""
    kind = draw(st.sampled_from(["open", "same_day", "short", "long", "edge"]))
    if kind == "open":
        return None
    if kind == "same_day":
        return start
    if kind == "edge":
        later = [e for e in EDGES + FIVE_YEARS_BEFORE_BEGIN if e >= start]
        return draw(st.sampled_from(later)) if later else start
    return start + DAY * draw(st.integers(0, 40 if kind == "short" else 2200))


# ---- tables --------------------------------------------------------------------------------


# Clients A and B are mostly youths, C and D mostly elderly, E anyone: so that birth dates
# on a threshold meet indications of the law (and Wmo transport) that ask for an age.
LAW_OF_CLIENT = {
    "A": ["jeugdwet", "jeugdwet", "wmo"],
    "B": ["jeugdwet", "jeugdwet", "wmo"],
    "C": ["wmo", "wmo", "jeugdwet"],
    "D": ["wmo", "wmo", "jeugdwet"],
    "E": ["wmo", "jeugdwet"],
}
BIRTH_OF_CLIENT = {
    "A": ["youth"],
    "B": ["youth", "special", "young", "none"],
    "C": ["elderly"],
    "D": ["elderly", "special", "any", "none"],
    "E": ["any", "young", "none"],
}
# born on 29 February, or the day before or after a birthday that matters
SPECIAL_BIRTHS = [dt.date(2004, 2, 29), dt.date(2003, 2, 28), dt.date(2003, 3, 1)]
SPECIAL_BIRTHS += [dt.date(2002, 2, 28), dt.date(1952, 2, 29), dt.date(1950, 2, 28)]
SPECIAL_BIRTHS += [dt.date(1950, 3, 1), dt.date(1948, 2, 29)]
QUARTER_ENDS = [p for p in PEILDATA if p.month % 3 == 0]


def fresh_indication(draw: st.DrawFn, n: int) -> dict[str, Any]:
    client = draw(CLIENTS)
    wet = draw(st.sampled_from(LAW_OF_CLIENT[client]))
    categories = ["vervoer", "vervoer", None, "begeleiding"] if wet == "wmo" else [None, "ambulant"]
    return {
        "toewijzing_id": f"T{n}",
        "client_id": client,
        "wet": wet,
        "productcode": draw(st.sampled_from(["45A48", "54001"])),
        **draw(st.sampled_from(OMVANG)),
        "hoofdcategorie": draw(st.sampled_from(categories)),
        "zwaarte": draw(st.sampled_from([None, "licht", "middel", "zwaar"])),
        "verwijzer_type": draw(st.sampled_from([None, "gemeente", "huisarts", "rechter"])),
        "leveringsvorm": draw(st.sampled_from([None, "zin", "pgb"])),
        "budget": draw(st.one_of(st.none(), amounts)),
        "reden_wijziging": draw(st.sampled_from([None, None, None, "01", "13"])),
        "startdatum": draw(any_dates),
    }


SAME = {
    "continuation": ("client_id", "wet", "productcode", *OMVANG[0]),
    "other_omvang": ("client_id", "wet", "productcode"),
    "other_law": ("client_id", "productcode", *OMVANG[0]),
    "same_client": ("client_id",),
    "nothing": (),
}


@st.composite
def toewijzingen(draw: st.DrawFn) -> list[Row]:
    """Indications, many of them adjoining, overlapping or starting with an earlier one,
    sharing client, law, provision and intensity with it, or all but one of those."""
    rows: list[Row] = []
    for n in range(draw(st.integers(3, 20))):
        row = fresh_indication(draw, n)
        relation = draw(
            st.sampled_from(["none", "none", "adjoin", "adjoin", "overlap", "same_day"])
        )
        if relation != "none" and rows:
            previous = draw(st.sampled_from(rows))
            same = draw(st.sampled_from(sorted(SAME)))
            for column in SAME[same]:
                row[column] = previous[column]
            if same == "other_omvang":
                others = [o for o in OMVANG if o != {c: previous[c] for c in OMVANG[0]}]
                row.update(draw(st.sampled_from(others)))
            start = previous["startdatum"]
            if relation == "adjoin":
                start = (previous["einddatum"] or start) + DAY
            elif relation == "overlap":
                start += DAY * draw(st.integers(0, 60))
            row["startdatum"] = start
        row["einddatum"] = end_after(draw, row["startdatum"])
        rows.append(row)
    return rows


def birth_date(draw: st.DrawFn, kind: str) -> dt.date | None:
    if kind in ("youth", "elderly"):
        age = draw(st.sampled_from([17, 18] if kind == "youth" else [69, 70]))
        peildatum = draw(st.sampled_from(QUARTER_ENDS + PEILDATA))
        return oracle.add_years(peildatum, -age) + DAY * draw(st.integers(-1, 1))
    if kind == "special":
        return draw(st.sampled_from(SPECIAL_BIRTHS))
    if kind == "young":
        return draw(st.dates(dt.date(2005, 1, 1), dt.date(2019, 11, 30)))
    if kind == "any":
        return draw(st.dates(dt.date(1930, 1, 1), dt.date(2019, 11, 30)))
    return None


@st.composite
def clienten(draw: st.DrawFn) -> list[Row]:
    """Most clients known; birth dates on both sides of turning 18 and 70 on a peildatum,
    on 29 February, or empty. Nobody is born after a peildatum of the run."""
    return [
        {"client_id": client, "geboortedatum": birth_date(draw, draw(st.sampled_from(kinds)))}
        for client, kinds in BIRTH_OF_CLIENT.items()
        if draw(st.integers(0, 9)) > 0
    ]


@st.composite
def budgetboekingen(draw: st.DrawFn, indications: list[Row]) -> list[Row]:
    if not indications:
        return []
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        indication = draw(st.sampled_from(indications))
        booked = draw(st.one_of(st.just(indication["startdatum"]), recent_dates))
        amount = draw(st.sampled_from([Decimal(-50), Decimal(0), Decimal("0.01"), Decimal(1200)]))
        rows.append(
            {"toewijzing_id": indication["toewijzing_id"], "boekdatum": booked, "bedrag": amount}
        )
    return rows


@st.composite
def declaraties(draw: st.DrawFn, indications: list[Row]) -> list[Row]:
    if not indications:
        return []
    rows = []
    for n in range(draw(st.integers(0, 8))):
        indication = draw(st.sampled_from(indications))
        start = draw(st.one_of(st.just(indication["startdatum"]), recent_dates))
        client = indication["client_id"] if draw(st.integers(0, 4)) else draw(CLIENTS)
        amount = draw(st.integers(-20_000, 300_000).map(lambda cents: Decimal(cents) / 100))
        rows.append(
            {
                "declaratie_id": f"D{n}",
                "toewijzing_id": indication["toewijzing_id"],
                "client_id": client,
                "periode_start": start,
                "periode_eind": start + DAY * draw(st.integers(0, 30)),
                "bedrag": amount,
            }
        )
    return rows


# received 56 or 57 days before a peildatum: on the edge of aanvragen.lopend_over_termijn
OVERDUE_EDGES = sorted({p - DAY * n for p in PEILDATA for n in (56, 57)})


def after(day: dt.date, n: int) -> dt.date:
    return day + DAY * n


@st.composite
def aanvragen(draw: st.DrawFn) -> list[Row]:
    rows = []
    for n in range(draw(st.integers(0, 8))):
        received = draw(st.one_of(recent_dates, st.sampled_from(OVERDUE_EDGES)))
        decided = draw(
            st.one_of(
                st.none(),
                st.sampled_from([0, 55, 56, 57]).map(partial(after, received)),
                st.integers(0, 200).map(partial(after, received)),
            )
        )
        regeling = draw(
            st.sampled_from(["wmo", "jeugdwet", "participatiewet", "minima", "schuldhulp"])
        )
        rows.append(
            {
                "aanvraag_id": f"A{n}",
                "client_id": draw(CLIENTS),
                "regeling": regeling,
                "ontvangen_op": received,
                "besloten_op": decided,
                "besluit": None if decided is None else "toegekend",
            }
        )
    return rows


@st.composite
def uitkeringen(draw: st.DrawFn) -> list[Row]:
    rows: list[Row] = []
    for n in range(draw(st.integers(1, 10))):
        start = draw(st.one_of(any_dates, st.sampled_from(BAND_EDGES)))
        household = draw(HOUSEHOLDS)
        if rows and draw(st.booleans()):  # adjoin or overlap an earlier benefit of its household
            previous = draw(st.sampled_from(rows))
            household = previous["huishouden_id"]
            start = (previous["einddatum"] or previous["startdatum"]) + DAY * draw(
                st.integers(-20, 2)
            )
        end = end_after(draw, start)
        rows.append(
            {
                "uitkering_id": f"U{n}",
                "huishouden_id": household,
                "client_id": draw(CLIENTS),
                "regeling": draw(st.sampled_from(["PW", "PW", "IOAW", "IOAZ", "TOZO"])),
                "startdatum": start,
                "einddatum": end,
                "uitstroomreden": draw(st.sampled_from([None, "werk", "werk", "aow", "overig"])),
                "bedrag_per_maand": draw(st.one_of(st.none(), amounts)),
            }
        )
    return rows


@st.composite
def populatie(draw: st.DrawFn) -> list[Row]:
    snapshots = [dt.date(2019, 1, 1), dt.date(2019, 12, 31), dt.date(2020, 1, 1)]
    snapshots += [
        dt.date(2020, 2, 29),
        dt.date(2020, 7, 1),
        dt.date(2021, 1, 1),
        dt.date(2021, 1, 2),
        dt.date(2022, 1, 1),
    ]
    chosen = draw(st.lists(st.sampled_from(snapshots), max_size=3, unique=True))
    rows = []
    for peildatum in chosen:
        ages = draw(
            st.lists(st.sampled_from([0, 5, 17, 18, 40, 69, 70, 90]), min_size=1, unique=True)
        )
        for age in ages:
            rows.append(
                {"peildatum": peildatum, "leeftijd": age, "aantal": draw(st.integers(0, 900))}
            )
    return rows


@st.composite
def begroting(draw: st.DrawFn) -> list[Row]:
    return [
        {
            "jaar": draw(st.sampled_from([2019, 2020, 2021, 2022])),
            "wet": draw(st.sampled_from(["wmo", "jeugdwet", "participatiewet"])),
            "post": None,
            "bedrag": draw(amounts),
            "versie": draw(st.sampled_from(["primitief", "primitief", "gewijzigd", None])),
        }
        for _ in range(draw(st.integers(0, 5)))
    ]


@st.composite
def all_tables(draw: st.DrawFn) -> Tables:
    indications = draw(toewijzingen())
    return {
        "toewijzingen": indications,
        "clienten": draw(clienten()),
        "budgetboekingen": draw(budgetboekingen(indications)),
        "declaraties": draw(declaraties(indications)),
        "aanvragen": draw(aanvragen()),
        "uitkeringen": draw(uitkeringen()),
        "populatie": draw(populatie()),
        "begroting": draw(begroting()),
    }


# ---- hand-made examples that always run -------------------------------------------------


def day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def indication(
    client: str, toewijzing_id: str, code: str, start: str, end: str | None
) -> dict[str, Any]:
    """A youth indication; ``code`` is the productcode, dates are ISO text."""
    return {
        "toewijzing_id": toewijzing_id,
        "client_id": client,
        "wet": "jeugdwet",
        "productcode": code,
        "startdatum": day(start),
        "einddatum": day(end),
    }


def benefit(uitkering_id: str, regeling: str, start: str, end: str | None) -> Row:
    return {
        "uitkering_id": uitkering_id,
        "huishouden_id": "H1",
        "client_id": "E",
        "regeling": regeling,
        "startdatum": day(start),
        "einddatum": day(end),
        "bedrag_per_maand": Decimal("1234.56"),
    }


def empty_tables() -> Tables:
    return {name: [] for name in ("toewijzingen", "clienten", "budgetboekingen", "declaraties")} | {
        name: [] for name in ("aanvragen", "uitkeringen", "populatie", "begroting")
    }


WMO_TRANSPORT = {"wet": "wmo", "hoofdcategorie": "vervoer"}

# The catalogue's worked example: one youth A, t2 continues t1, t3 another provision.
WORKED_EXAMPLE: Tables = empty_tables() | {
    "toewijzingen": [
        indication("A", "t1", "45A48", "2020-01-15", "2020-03-31"),
        indication("A", "t2", "45A48", "2020-04-01", "2020-06-30"),
        indication("A", "t3", "54001", "2020-03-20", None),
    ]
}

# Leap days: A (born 29-02-2004) is 17 on 28-02-2022 and in care since 01-03-2015, which is
# not 5 years before 29-02-2020 (that is 28-02-2015, B's start); C turns 70 on 28-02-2020;
# D (born 29-02-1952) is 69 on 28-02-2022 and 70 on 01-03-2022; household H1's spell
# starts on 28-02-2015 and is continued by another regeling on 01-03-2016.
LEAP_BIRTHS = {"A": "2004-02-29", "B": "2005-06-01", "C": "1950-02-28", "D": "1952-02-29"}
LEAP_DAYS: Tables = empty_tables() | {
    "toewijzingen": [
        indication("A", "L1", "45A48", "2015-03-01", None),
        indication("B", "L2", "45A48", "2015-02-28", "2020-02-29"),
        indication("C", "L3", "02A05", "2020-02-29", "2020-02-29") | WMO_TRANSPORT,
        indication("D", "L4", "02A05", "2021-01-01", None) | WMO_TRANSPORT,
    ],
    "clienten": [{"client_id": c, "geboortedatum": day(b)} for c, b in LEAP_BIRTHS.items()],
    "uitkeringen": [
        benefit("U1", "PW", "2015-02-28", "2016-02-29"),
        benefit("U2", "IOAW", "2016-03-01", None),
    ],
    "populatie": [
        {"peildatum": day("2020-01-01"), "leeftijd": age, "aantal": 100} for age in (17, 70)
    ],
}


# ---- engine output -------------------------------------------------------------------------

ORACLE_MEASURES = set(oracle.MEASURES)


def engine_run(tables: Tables, grain: str, measures: Sequence[str] | None = None) -> RunResult:
    return run_engine(loaded(**tables), grain, FIRST, LAST, measures)


def engine_figures(result: RunResult) -> EngineFigures:
    """(measure, period, dims) -> value of the measures the oracle knows."""
    found: EngineFigures = {}
    for figure in result.figures:
        if figure.measure in ORACLE_MEASURES:
            key = (figure.measure, figure.period, tuple(sorted(figure.dimensions.items())))
            assert key not in found, f"two figures for {key}"
            found[key] = figure.value
    return found


def labels(grain: str) -> list[str]:
    return oracle.labels_between(FIRST, LAST, grain)


# ---- comparing -----------------------------------------------------------------------------

# The engine rounds each indication's share of a spread budget to a millionth of a euro
# (engine/compile.py::_spread); the oracle is exact. Allow that much per budgeted row.
SPREAD_ROUNDING = Fraction(1, 2_000_000)


def normalised(measure: str, value: Value | float) -> Value | float:
    return value  # no figure stays no figure: no data is not 0


def spread_slack(tables: Tables) -> Fraction:
    rows = [r for r in tables["toewijzingen"] if r.get("budget") is not None]
    return SPREAD_ROUNDING * len(rows) + Fraction(1, 10**9)


def graad_bounds(expected: Figures, key: Key, slack: Fraction) -> tuple[float, float] | None:
    """verzilvering / verplichting where the commitment may be off by ``slack``."""
    _, period, dims = key
    claimed = Fraction(expected.get(("verzilvering", period, dims)) or 0)
    committed_key = tuple(sorted((*dims, ("jaardeel", "kalenderjaar"))))
    committed = Fraction(expected.get(("verplichting", period, committed_key)) or 0)
    if committed <= slack:
        return None
    low, high = sorted([claimed / (committed + slack), claimed / (committed - slack)])
    return float(low), float(high)


# Sums of whole numbers: compared as numbers (the engine may give 3.0 for 3).
POPULATION = frozenset(m for m in oracle.MEASURES if m.startswith("populatie."))
NUMERIC = oracle.MONEY_MEASURES | oracle.RATIO_MEASURES | POPULATION

# Ratios over verzilvering: 0, not "no figure", where a law has commitments, a budget or
# inhabitants but no claim in the year (the engine once gave None; see the tests at the end).
OVER_VERZILVERING = frozenset(
    {"verzilveringsgraad", "uitgaven_per_inwoner", "realisatie_begroting"}
)


def mismatch(expected: Figures, key: Key, got: int | float | None, slack: Fraction) -> str | None:
    """None when the engine's value equals the oracle's, else a line saying how it differs."""
    measure = key[0]
    if key[2] == oracle.NO_DATA:
        return None  # the marker itself; the measure's own keys are compared one by one
    want = normalised(measure, oracle.expected_value(expected, key))
    got = normalised(measure, got)
    if want is None or got is None:
        return None if want is got else f"{key}: oracle {want}, engine {got}"
    if measure not in NUMERIC:
        return (
            None
            if want == got and isinstance(got, int)
            else f"{key}: oracle {want}, engine {got!r}"
        )
    tolerance = float(slack) if measure == "verplichting" else 0.0
    if math.isclose(float(want), float(got), rel_tol=1e-9, abs_tol=tolerance):
        return None
    if measure == "verzilveringsgraad":
        bounds = graad_bounds(expected, key, slack)
        if bounds and bounds[0] * (1 - 1e-9) <= got <= bounds[1] * (1 + 1e-9):
            return None
    return f"{key}: oracle {float(want)!r}, engine {got!r}"


def differences(tables: Tables, grain: str, got: EngineFigures) -> list[str]:
    expected = oracle.all_figures(tables, grain, labels(grain))
    slack = spread_slack(tables)
    keys = sorted(set(expected) | set(got))
    return [line for key in keys if (line := mismatch(expected, key, got.get(key), slack))]


def check_versions(result: RunResult) -> None:
    """jeugd.unieke_jeugdigen: version 1 up to 2020, version 2 from 2021."""
    for figure in result.figures:
        if figure.measure == "jeugd.unieke_jeugdigen":
            last_day = oracle.parse_label(figure.period).end
            assert figure.version == (1 if last_day <= oracle.LAST_DAY_OF_VERSION_1 else 2), figure


# month in make test; quarter and year (the same plans at other period bounds) in make test-all
@pytest.mark.parametrize(
    "grain", ["month", *(pytest.param(g, marks=pytest.mark.slow) for g in GRAINS[1:])]
)
@SETTINGS
@given(tables=all_tables())
@example(tables=LEAP_DAYS)
def test_engine_equals_oracle_for_every_measure(tables: Tables, grain: str) -> None:
    result = engine_run(tables, grain)
    check_versions(result)
    found = differences(tables, grain, engine_figures(result))
    assert not found, f"{len(found)} figures differ:\n" + "\n".join(found[:40])


# ---- invariants of the catalogue, on any figures (engine or oracle) --------------------------


def total(figures: Mapping[Key, Any], measure: str, period: str, **where: str) -> int | float:
    """Sum over every dimension combination of one measure and period (matching ``where``)."""
    return sum(
        v or 0
        for (m, p, d), v in figures.items()
        if m == measure and p == period and all(dict(d).get(k) == w for k, w in where.items())
    )


def per_period(figures: Mapping[Key, Any]) -> set[str]:
    return {p for _, p, _ in figures}


INFLOW = ("instroom", "nieuwe_instroom", "terugkerende_instroom", "herindicaties")
INFLOW += ("geen_herindicatie", "echte_instroom")


def check_inflow_split(figures: Mapping[Key, Any]) -> None:
    """nieuwe + terugkerende == instroom; herindicaties + geen_herindicatie == terugkerende;
    echte_instroom == instroom - herindicaties."""
    for period in per_period(figures):
        for law in oracle.LAWS:
            v = {name: total(figures, f"{law}.{name}", period) for name in INFLOW}
            where = f"{law} {period}: {v}"
            assert v["nieuwe_instroom"] + v["terugkerende_instroom"] == v["instroom"], where
            assert v["herindicaties"] + v["geen_herindicatie"] == v["terugkerende_instroom"], where
            assert v["echte_instroom"] == v["instroom"] - v["herindicaties"], where


def check_youth_sums(figures: Mapping[Key, Any]) -> None:
    """stapeling and unieke_jeugdigen_naar_verwijzer add up to the unique youths (version 2)."""
    for period in per_period(figures):
        clients = total(figures, "jeugd.unieke_clienten", period)
        assert total(figures, "jeugd.stapeling", period) == clients, period
        assert total(figures, "jeugd.unieke_jeugdigen_naar_verwijzer", period) == clients, period
        if oracle.parse_label(period).end > oracle.LAST_DAY_OF_VERSION_1:
            assert total(figures, "jeugd.unieke_jeugdigen", period) == clients, period


def check_unique_clients_between_months(
    months: Mapping[Key, Any], years: Mapping[Key, Any]
) -> None:
    """A year's unique clients: at most the sum over its months, at least their maximum."""
    for year in per_period(years):
        of_year = [m for m in per_period(months) if m.startswith(f"{year}-")]
        if len(of_year) < 12:
            continue
        for law in oracle.LAWS:
            measure = f"{law}.unieke_clienten"
            monthly = [total(months, measure, m) for m in of_year]
            assert max(monthly) <= total(years, measure, year) <= sum(monthly), (law, year)


def dimension_sums(
    figures: Mapping[Key, Any], measure: str, period_of: Callable[[str], str]
) -> dict:
    sums: dict[tuple[str, Dims], Any] = defaultdict(int)
    for (m, p, d), v in figures.items():
        if m == measure:
            sums[(period_of(p), d)] += v or 0
    return dict(sums)


ADDITIVE = [
    "jeugd.ingezette_voorzieningen",
    "wmo.instroom",
    "jeugd.uitstroom",
    "aanvragen.ontvangen",
]
ADDITIVE_MONEY = ["verzilvering_per_categorie", "participatie.uitgekeerd"]


def check_additive(parts: Mapping[Key, Any], years: Mapping[Key, Any]) -> None:
    """A year of an additive measure equals the sum of its quarters (or months), per dims."""
    whole_years = {
        y
        for y in per_period(years)
        if sum(p.startswith(f"{y}-") for p in per_period(parts)) in (4, 12)
    }
    for measure in ADDITIVE + ADDITIVE_MONEY:
        summed = dimension_sums(parts, measure, lambda p: p[:4])
        direct = dimension_sums(years, measure, lambda p: p)
        for key in set(summed) | set(direct):
            if key[0] in whole_years:
                a, b = summed.get(key, 0), direct.get(key, 0)
                assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6), (measure, key, a, b)


def check_all(by_grain: Mapping[str, Mapping[Key, Any]]) -> None:
    for figures in by_grain.values():
        check_inflow_split(figures)
        check_youth_sums(figures)
    check_unique_clients_between_months(by_grain["month"], by_grain["year"])
    check_additive(by_grain["quarter"], by_grain["year"])
    check_additive(by_grain["month"], by_grain["year"])


INVARIANT_MEASURES = [
    *(f"{law}.{m}" for law in oracle.LAWS for m in ("unieke_clienten", "instroom", "uitstroom")),
    *(f"{law}.{m}" for law in oracle.LAWS for m in ("nieuwe_instroom", "terugkerende_instroom")),
    *(
        f"{law}.{m}"
        for law in oracle.LAWS
        for m in ("herindicaties", "geen_herindicatie", "echte_instroom")
    ),
    "jeugd.stapeling",
    "jeugd.unieke_jeugdigen",
    "jeugd.unieke_jeugdigen_naar_verwijzer",
    "jeugd.ingezette_voorzieningen",
    "aanvragen.ontvangen",
    *ADDITIVE_MONEY,
]


@pytest.mark.slow  # three grains of the whole library per example: in make test-all
@settings(max_examples=6, deadline=None, phases=PHASES, suppress_health_check=SLOW)
@given(tables=all_tables())
def test_invariants_hold_on_engine_output(tables: Tables) -> None:
    by_grain = {g: engine_figures(engine_run(tables, g, INVARIANT_MEASURES)) for g in GRAINS}
    check_all(by_grain)


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW)
@given(tables=all_tables())
def test_invariants_hold_on_oracle_output(tables: Tables) -> None:
    """The same invariants on the oracle: a check of the oracle itself."""
    check_all({g: oracle.all_figures(tables, g, labels(g)) for g in GRAINS})


# ---- the checks above can fail -------------------------------------------------------------


ONBEKEND = (("verwijzer_groep", "onbekend"), ("zwaarte", "onbekend"))


@pytest.mark.parametrize(
    ("grain", "measure", "period", "dims", "delta"),
    [
        ("month", "jeugd.nieuwe_instroom", "2020-03", (), 1),
        ("month", "jeugd.herindicaties", "2020-04", (), -1),
        ("quarter", "jeugd.echte_instroom", "2020-Q2", (), 1),
        ("quarter", "jeugd.stapeling", "2020-Q2", (("gelijktijdig", "4+"),), 1),
        (
            "month",
            "jeugd.unieke_jeugdigen_naar_verwijzer",
            "2020-05",
            (("verwijzer_groep", "beide"),),
            1,
        ),
        ("year", "jeugd.unieke_jeugdigen", "2021", (), 1),
        ("year", "jeugd.unieke_clienten", "2020", (), -1),
        ("year", "jeugd.unieke_clienten", "2020", (), 12),
        ("year", "jeugd.ingezette_voorzieningen", "2020", ONBEKEND, 1),
        ("quarter", "jeugd.ingezette_voorzieningen", "2020-Q1", ONBEKEND, -1),
        ("month", "participatie.uitgekeerd", "2020-07", (), 1),
    ],
)
def test_invariant_checks_catch_a_wrong_figure(
    grain: str, measure: str, period: str, dims: Dims, delta: int
) -> None:
    by_grain = {g: oracle.all_figures(WORKED_EXAMPLE, g, labels(g)) for g in GRAINS}
    check_all(by_grain)
    figures = by_grain[grain]
    figures[(measure, period, dims)] = (figures.get((measure, period, dims)) or 0) + delta
    with pytest.raises(AssertionError):
        check_all(by_grain)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (("jeugd.uitstroom", "2020-03", ()), 0),  # t1 ends in March
        (("jeugd.echte_uitstroom", "2020-06", ()), 0),  # t2 ends and nothing continues it
        (("jeugd.stapeling", "2020-07", (("gelijktijdig", "1"),)), None),  # t3 alone in July
        (("jeugd.actieve_voorzieningen_aandeel", "2020-01", (("zwaarte", "onbekend"),)), 0.5),
        (("jeugd.aandeel_verwijzer", "2019-12", (("verwijzer_groep", "onbekend"),)), 0.0),
        (("verplichting", "2020", (("jaardeel", "kalenderjaar"), ("wet", "wmo"))), 0.01),
    ],
)
def test_comparison_catches_a_wrong_figure(key: Key, value: int | float | None) -> None:
    """The oracle's own figures pass the comparison; with one figure changed they fail."""
    grain = "quarter" if "Q" in key[1] else "year" if len(key[1]) == 4 else "month"
    expected = oracle.all_figures(WORKED_EXAMPLE, grain, labels(grain))
    as_engine: EngineFigures = {
        k: float(v) if isinstance(v, Fraction) else v for k, v in expected.items()
    }
    assert differences(WORKED_EXAMPLE, grain, as_engine) == []
    as_engine[key] = value
    assert differences(WORKED_EXAMPLE, grain, as_engine) != []


# ---- where the engine once differed from the catalogue (found by these tests, now fixed) ----


def measure_differences(tables: Tables, grain: str, measure: str) -> list[str]:
    got = engine_figures(engine_run(tables, grain, [measure]))
    expected = oracle.all_figures(tables, grain, labels(grain))
    slack = spread_slack(tables)
    keys = sorted({k for k in set(expected) | set(got) if k[0] == measure})
    return [line for key in keys if (line := mismatch(expected, key, got.get(key), slack))]


@st.composite
def tables_with_an_unclaimed_law(draw: st.DrawFn) -> Tables:
    """Any data, plus a budgeted Wmo indication running through 2020, a primitive Wmo
    budget for 2020 and inhabitants on 1 January 2020; and no Wmo claim at all."""
    tables = draw(all_tables())
    tables["toewijzingen"].append(
        {
            "toewijzing_id": "TW",
            "client_id": "W",
            "wet": "wmo",
            "productcode": "02A05",
            "startdatum": dt.date(2020, 1, 1),
            "einddatum": None,
            "budget": Decimal(draw(st.integers(1, 10_000))),
        }
    )
    wmo = {r["toewijzing_id"] for r in tables["toewijzingen"] if r["wet"] == "wmo"}
    tables["declaraties"] = [c for c in tables["declaraties"] if c["toewijzing_id"] not in wmo]
    tables["begroting"].append(
        {"jaar": 2020, "wet": "wmo", "post": None, "bedrag": Decimal(1000), "versie": "primitief"}
    )
    tables["populatie"].append({"peildatum": dt.date(2020, 1, 1), "leeftijd": 33, "aantal": 1000})
    return tables


@pytest.mark.slow  # three measures, each a run of its own: in make test-all
@pytest.mark.parametrize("measure", sorted(OVER_VERZILVERING))
@settings(max_examples=3, deadline=None, phases=PHASES, suppress_health_check=SLOW)
@given(tables=tables_with_an_unclaimed_law())
def test_ratio_over_verzilvering_without_claims_is_0(measure: str, tables: Tables) -> None:
    assert measure_differences(tables, "year", measure) == []


@st.composite
def tables_with_an_unborn_youth(draw: st.DrawFn) -> Tables:
    """Any data, plus youth U born a few days after some peildatum, in care since 2014."""
    tables = draw(all_tables())
    birth = draw(st.sampled_from(PEILDATA)) + DAY * draw(st.integers(1, 40))
    tables["clienten"].append({"client_id": "U", "geboortedatum": birth})
    tables["toewijzingen"].append(
        {
            "toewijzing_id": "TU",
            "client_id": "U",
            "wet": "jeugdwet",
            "productcode": "45A48",
            "startdatum": dt.date(2014, 1, 1),
            "einddatum": None,
        }
    )
    return tables


@pytest.mark.parametrize("measure", ["jeugd.clienten_0_17", "jeugd.in_zorg_5_jaar"])
@settings(max_examples=3, deadline=None, phases=PHASES, suppress_health_check=SLOW)
@given(tables=tables_with_an_unborn_youth())
def test_a_youth_not_yet_born_is_not_aged_0_17(measure: str, tables: Tables) -> None:
    assert measure_differences(tables, "month", measure) == []
