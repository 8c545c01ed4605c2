"""The engine against the day-by-day oracle, on random indications (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maatstaf.engine.periods import parse_period
from tests import oracle
from tests.helpers import loaded, run_engine, values

FIRST, LAST = dt.date(2019, 12, 1), dt.date(2021, 2, 28)
MEASURES = [
    f"{p}.{m}" for p in ("wmo", "jeugd") for m in ("unieke_clienten", "instroom", "uitstroom")
]

# Dates cluster around month, quarter and year boundaries, where off-by-one errors live.
_edges = [
    dt.date(y, m, 1) + dt.timedelta(days=d)
    for y in (2019, 2020, 2021)
    for m in range(1, 13)
    for d in (-1, 0)
]
dates = st.one_of(st.sampled_from(_edges), st.dates(dt.date(2019, 10, 1), dt.date(2021, 4, 30)))


@st.composite
def indications(draw: st.DrawFn) -> list[dict]:
    rows = []
    for i in range(draw(st.integers(0, 14))):
        start = draw(dates)
        kind = draw(
            st.sampled_from(["open", "short", "long", "same_day", "adjoin", "reversed_free"])
        )
        if kind == "open":
            end = None
        elif kind == "same_day":
            end = start
        elif kind == "adjoin" and rows:
            # start the day after an earlier indication ends: adjoining care
            prev = rows[draw(st.integers(0, len(rows) - 1))]
            start = (prev["einddatum"] or start) + dt.timedelta(days=1)
            end = start + dt.timedelta(days=draw(st.integers(0, 90)))
        else:
            end = start + dt.timedelta(days=draw(st.integers(0, 40 if kind == "short" else 500)))
        rows.append(
            {
                "toewijzing_id": f"T{i}",
                "client_id": draw(st.sampled_from("ABCDE")),
                "wet": draw(st.sampled_from(["wmo", "jeugdwet"])),
                "productcode": "45A48",
                "startdatum": start,
                "einddatum": end,
                "reden_wijziging": draw(st.sampled_from([None, None, None, "01", "13"])),
            }
        )
    return rows


def _expected(rows: list[dict], grain: str, labels: list[str]) -> dict[tuple[str, str], int]:
    first, last = parse_period(labels[0]).begin, parse_period(labels[-1]).end
    found = oracle.figures(rows, grain, first, last)
    return {(m, p): found.get((m, p), 0) for m in MEASURES for p in labels}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=indications(), grain=st.sampled_from(["month", "quarter", "year"]))
def test_engine_equals_oracle(rows: list[dict], grain: str) -> None:
    result = run_engine(loaded(toewijzingen=rows), grain, FIRST, LAST, MEASURES)
    got = values(result)
    labels = sorted({p for _, p in got}, key=lambda label: parse_period(label).begin)
    assert got == _expected(rows, grain, labels)


def test_worked_example_of_the_catalogue() -> None:
    """The catalogue's worked example, checked by hand: one youth A, months 2020-01..07."""
    rows = [
        {
            "toewijzing_id": "t1",
            "client_id": "A",
            "wet": "jeugdwet",
            "productcode": "45A48",
            "startdatum": dt.date(2020, 1, 15),
            "einddatum": dt.date(2020, 3, 31),
        },
        {
            "toewijzing_id": "t2",
            "client_id": "A",
            "wet": "jeugdwet",
            "productcode": "45A48",
            "startdatum": dt.date(2020, 4, 1),
            "einddatum": dt.date(2020, 6, 30),
        },
        {
            "toewijzing_id": "t3",
            "client_id": "A",
            "wet": "jeugdwet",
            "productcode": "54001",
            "startdatum": dt.date(2020, 3, 20),
            "einddatum": None,
        },
    ]
    got = values(
        run_engine(
            loaded(toewijzingen=rows),
            "month",
            dt.date(2020, 1, 1),
            dt.date(2020, 7, 31),
            ["jeugd.unieke_clienten", "jeugd.instroom", "jeugd.uitstroom"],
        )
    )
    months = ["2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06", "2020-07"]
    assert [got[("jeugd.unieke_clienten", m)] for m in months] == [1, 1, 1, 1, 1, 1, 1]
    assert [got[("jeugd.instroom", m)] for m in months] == [1, 0, 1, 1, 0, 0, 0]
    assert [got[("jeugd.uitstroom", m)] for m in months] == [0, 0, 1, 0, 0, 1, 0]


def test_removed_indication_counts_nowhere() -> None:
    rows = [
        {
            "toewijzing_id": "t1",
            "client_id": "A",
            "wet": "wmo",
            "productcode": "02A05",
            "startdatum": dt.date(2020, 1, 1),
            "einddatum": dt.date(2020, 1, 31),
            "reden_wijziging": "13",
        },
        {
            "toewijzing_id": "t2",
            "client_id": "B",
            "wet": "wmo",
            "productcode": "02A05",
            "startdatum": dt.date(2020, 1, 10),
            "einddatum": None,
            "reden_wijziging": "01",
        },
    ]
    got = values(
        run_engine(
            loaded(toewijzingen=rows),
            "month",
            dt.date(2020, 1, 1),
            dt.date(2020, 1, 31),
            ["wmo.unieke_clienten", "wmo.instroom", "wmo.uitstroom"],
        )
    )
    assert got == {
        ("wmo.unieke_clienten", "2020-01"): 1,
        ("wmo.instroom", "2020-01"): 1,
        ("wmo.uitstroom", "2020-01"): 0,
    }
