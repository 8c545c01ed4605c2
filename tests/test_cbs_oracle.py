"""The CBS measures (definitions/cbs/) against the brute-force oracle (tests/oracle_cbs.py),
on random toewijzingen and uitkeringen (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maatstaf.engine.periods import make_period, periods_between
from maatstaf.engine.run import RunRequest, Selection, run
from tests import oracle_cbs
from tests.helpers import loaded, standard_library

ONE_DAY = dt.timedelta(days=1)
JEUGD_CATEGORIES = ["45", "43", "35", "31", "47", "54", None]
WMO_CATEGORIES = ["01", "02", "15", None]

_edges = [
    dt.date(y, m, 1) - ONE_DAY * d for y in (2015, 2019, 2020) for m in (1, 7) for d in (0, 1)
]
dates = st.one_of(
    st.sampled_from(_edges),
    st.dates(dt.date(2018, 10, 1), dt.date(2021, 3, 31)),
    st.dates(dt.date(2014, 6, 1), dt.date(2021, 3, 31)),
)


@st.composite
def toewijzingen(draw: st.DrawFn) -> list[dict]:
    rows: list[dict] = []
    for i in range(draw(st.integers(0, 12))):
        wet = draw(st.sampled_from(["wmo", "jeugdwet"]))
        categories = JEUGD_CATEGORIES if wet == "jeugdwet" else WMO_CATEGORIES
        row = {
            "toewijzing_id": f"T{i:02d}",
            "client_id": draw(st.sampled_from("ABC")),
            "wet": wet,
            "productcode": "P",
            "productcategorie": draw(st.sampled_from(categories)),
            "aanbieder": draw(st.sampled_from(["X", "Y"])),
            "leveringsvorm": draw(st.sampled_from(["zin", "zin", "pgb", None])),
            "startdatum": draw(dates),
            "reden_wijziging": draw(st.sampled_from([None, None, "05", "13", "02", "04"])),
        }
        kind = draw(st.sampled_from(["open", "short", "long", "after", "after", "overlap"]))
        if kind in ("after", "overlap") and rows:
            # next to an earlier row of the same record (mostly): 0..5 days after its end,
            # where the 3-day margin decides, or overlapping it
            prev = rows[draw(st.integers(0, len(rows) - 1))]
            if draw(st.integers(0, 3)):
                same = ("client_id", "wet", "productcategorie", "aanbieder", "leveringsvorm")
                row |= {k: prev[k] for k in same}
            end_prev = prev["einddatum"] or prev["startdatum"] + 200 * ONE_DAY
            shift = draw(st.integers(1, 6)) if kind == "after" else -draw(st.integers(0, 30))
            row["startdatum"] = max(prev["startdatum"], end_prev + shift * ONE_DAY)
        length = {"short": 60, "long": 900}.get(kind, 200)
        start = row["startdatum"]
        row["einddatum"] = (
            None if kind == "open" else start + draw(st.integers(0, length)) * ONE_DAY
        )
        rows.append(row)
    return rows


@st.composite
def uitkeringen(draw: st.DrawFn) -> list[dict]:
    rows = []
    for i in range(draw(st.integers(0, 3))):
        start = draw(dates)
        open_ended = draw(st.booleans())
        rows.append(
            {
                "uitkering_id": f"U{i}",
                "huishouden_id": f"H{i}",
                "client_id": draw(st.sampled_from("ABC")),
                "regeling": draw(st.sampled_from(["PW", "IOAW", "TOZO"])),
                "startdatum": start,
                "einddatum": None if open_ended else start + draw(st.integers(0, 400)) * ONE_DAY,
            }
        )
    return rows


def cbs_measures() -> list[str]:
    return sorted(m for m in standard_library().measures if m.startswith("cbs."))


def engine_and_oracle(
    tables: dict[str, list[dict]],
    grain: str,
    first: tuple[int, int],
    last: tuple[int, int],
    measures: list[str] | None = None,
):
    """The engine's figures and the oracle's for the periods from ``first`` to ``last``
    (year, number of the period in it); the engine's for ``measures`` (every CBS one)."""
    periods = periods_between(make_period(grain, *first), make_period(grain, *last), grain)  # type: ignore[arg-type]
    chosen = measures or cbs_measures()
    request = RunRequest(periods=periods, selections=[Selection(m) for m in chosen])
    result = run(standard_library(), loaded(**tables), request)
    got = {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }
    spans = [oracle_cbs.Period(p.label, p.begin, p.end) for p in periods]
    return got, oracle_cbs.cbs_figures(tables, spans)


def assert_equal(got: dict, expected: dict) -> None:
    for key, value in got.items():
        assert value == expected.get(key, 0), key
    missing = {k: v for k, v in expected.items() if v and k not in got}
    assert not missing


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=toewijzingen(), benefits=uitkeringen(), grain=st.sampled_from(["half-year", "year"]))
def test_cbs_engine_equals_oracle(rows: list[dict], benefits: list[dict], grain: str) -> None:
    got, expected = engine_and_oracle(
        {"toewijzingen": rows, "uitkeringen": benefits}, grain, (2019, 1), (2020, 2)
    )
    assert_equal(got, expected)
    for period in {p for _, p, _ in got}:
        assert got[("cbs.jeugd.begonnen_trajecten", period, ())] == (
            got[("cbs.jeugd.nieuwe_trajecten", period, ())]
            + got[("cbs.jeugd.herhaald_beroep", period, ())]
        )
        stapeling = [v for (m, p, _), v in got.items() if m == "cbs.wmo.stapeling" and p == period]
        assert sum(stapeling) == got[("cbs.wmo.clienten_maatwerk", period, ())]
        assert got[("cbs.stapeling.alle_drie", period, ())] <= min(
            got[(f"cbs.stapeling.{pair}", period, ())]
            for pair in ("wmo_en_jeugd", "wmo_en_participatie", "jeugd_en_participatie")
        )


STAPELING = [
    "cbs.stapeling.alle_drie",
    "cbs.stapeling.jeugd_en_participatie",
    "cbs.stapeling.wmo_en_jeugd",
    "cbs.stapeling.wmo_en_participatie",
]
# a few periods on either side of a year's turn, where the dates strategy puts its edges
TURNS = {"month": ((2019, 11), (2020, 2)), "4-weekly": ((2019, 12), (2020, 2))}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=toewijzingen(), benefits=uitkeringen(), grain=st.sampled_from(sorted(TURNS)))
def test_stapeling_equals_the_oracle_per_month_and_4_weeks(
    rows: list[dict], benefits: list[dict], grain: str
) -> None:
    """The overlap sweep (engine/sweep_overlap.py) at the grains the test above leaves out."""
    tables = {"toewijzingen": rows, "uitkeringen": benefits}
    got, expected = engine_and_oracle(tables, grain, *TURNS[grain], STAPELING)
    assert_equal(got, {k: v for k, v in expected.items() if k[0] in STAPELING})


def test_every_cbs_measure_has_an_oracle() -> None:
    """The oracle computes every CBS measure of the standard library (none forgotten)."""
    rows = [
        {
            "toewijzing_id": "t1",
            "client_id": "A",
            "wet": "jeugdwet",
            "productcode": "P",
            "productcategorie": "45",
            "startdatum": dt.date(2020, 1, 1),
            "einddatum": dt.date(2020, 2, 1),
        },
        {
            "toewijzing_id": "t2",
            "client_id": "A",
            "wet": "wmo",
            "productcode": "P",
            "productcategorie": "02",
            "startdatum": dt.date(2020, 1, 1),
            "einddatum": None,
        },
    ]
    _, expected = engine_and_oracle(
        {"toewijzingen": rows, "uitkeringen": []}, "half-year", (2020, 1), (2020, 2)
    )
    assert {m for m, _, _ in expected} == set(cbs_measures())
