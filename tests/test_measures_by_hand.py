"""Every measure of the standard library on a small hand-made case.

Each expected number is worked out by hand from docs/definitions-catalogue.md (and, for
the helper measures the catalogue does not list, from the definition's own description)
and written down literally, with the arithmetic in a comment. The data is chosen to hit
the edges of each rule: inclusive end dates, open-ended indications, same-day starts,
adjoining versus a one-day gap, removed indications (reden_wijziging 13), empty codes
and period boundaries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import pytest

from maatstaf.adapters.base import LoadedData
from maatstaf.engine.periods import parse_period
from maatstaf.engine.result import Figure, RunResult
from maatstaf.engine.run import RunRequest, Selection, run
from tests.helpers import loaded, run_engine, standard_library

Value = int | float | None
Key = str | tuple[str, ...]


# --- helpers ------------------------------------------------------------------------------


def day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def tw(
    toewijzing_id: str,
    client_id: str,
    wet: str,
    productcode: str,
    start: str,
    end: str | None = None,
    **extra: object,
) -> dict:
    """One row of toewijzingen; dates as ISO text, ``omvang=(volume, eenheid, frequentie)``."""
    row: dict = {
        "toewijzing_id": toewijzing_id,
        "client_id": client_id,
        "wet": wet,
        "productcode": productcode,
        "startdatum": day(start),
        "einddatum": day(end),
    }
    omvang = extra.pop("omvang", None)
    if omvang is not None:
        volume, eenheid, frequentie = omvang  # type: ignore[misc]
        row |= {
            "omvang_volume": Decimal(volume),
            "omvang_eenheid": eenheid,
            "omvang_frequentie": frequentie,
        }
    return row | extra


def figures_of(result: RunResult, measure: str) -> list[Figure]:
    return [f for f in result.figures if f.measure == measure]


def assert_figures(
    result: RunResult,
    measure: str,
    expected: Mapping[str, Value | Mapping[Key, Value]],
    dims: tuple[str, ...] = (),
    default: Value = 0,
    tolerance: float = 1e-9,
) -> None:
    """Compare a measure's figures with hand-computed ones, for the periods in ``expected``.

    ``expected`` maps a period to a value (no dimensions) or to {dimension value(s): value}.
    None means "no figure" (the figure is absent or its value is None). A figure of a listed
    period whose dimension values are not listed must equal ``default`` (0 for counts and
    sums, None for shares), so every non-trivial cell is stated explicitly. ``tolerance``
    is the absolute tolerance of a comparison (the relative one is 1e-9).
    """
    found: dict[tuple[str, tuple[str, ...]], Value] = {}
    for f in figures_of(result, measure):
        assert set(f.dimensions) == set(dims), (measure, f.dimensions)
        found[(f.period, tuple(f.dimensions[d] for d in dims))] = f.value
    for period, want in expected.items():
        cells: dict[tuple[str, ...], Value]
        if dims:
            assert isinstance(want, Mapping)
            cells = {(k,) if isinstance(k, str) else k: v for k, v in want.items()}
        else:
            assert not isinstance(want, Mapping)
            cells = {(): want}
        keys = set(cells) | {k for (p, k) in found if p == period}
        for key in sorted(keys):
            wanted = cells.get(key, default)
            got = found.get((period, key))
            where = f"{measure} {period} {dict(zip(dims, key, strict=True))}"
            if wanted is None:
                assert got is None, f"{where}: expected no figure, got {got}"
            else:
                assert got is not None, f"{where}: expected {wanted}, got no figure"
                assert got == pytest.approx(wanted, rel=1e-9, abs=tolerance), (
                    f"{where}: expected {wanted}, got {got}"
                )


def run_forced(data: LoadedData, labels: list[str], measure: str, version: int) -> RunResult:
    periods = [parse_period(label) for label in labels]
    request = RunRequest(periods=periods, selections=[Selection(measure, version)])
    return run(standard_library(), data, request)


# --- client counting: youth in- and outflow -------------------------------------------------

# omvang is (volume, eenheid, frequentie); rows without it have an empty omvang.
YOUTH_FLOWS = [
    # A: t1 ends 2020-02-29 (leap day), t2 starts 2020-03-01 = t1 end + 1 day, same
    # productcode and omvang -> t2 is a herindicatie, t1's end is no real outflow.
    tw("t1", "A", "jeugdwet", "45A48", "2020-01-15", "2020-02-29", omvang=("5", "uur", "week")),
    tw("t2", "A", "jeugdwet", "45A48", "2020-03-01", None, omvang=("5", "uur", "week")),
    # B: b2 starts 2020-02-02, b1 ended 2020-01-31: a one-day gap (02-01) -> not adjoining.
    tw("b1", "B", "jeugdwet", "45A48", "2020-01-01", "2020-01-31", omvang=("5", "uur", "week")),
    tw("b2", "B", "jeugdwet", "45A48", "2020-02-02", "2020-03-31", omvang=("5", "uur", "week")),
    # C: new client, two indications starting the same day (both new); c1 lasts one day.
    tw("c1", "C", "jeugdwet", "54001", "2020-02-10", "2020-02-10"),
    tw("c2", "C", "jeugdwet", "45A48", "2020-02-10", None),
    # D: an earlier Wmo indication makes the youth indication d2 returning (either law);
    # d1 adjoins d2 but is another provision -> no herindicatie.
    tw("d1", "D", "wmo", "02A05", "2019-06-01", "2019-12-31"),
    tw("d2", "D", "jeugdwet", "45A48", "2020-01-01", "2020-01-31", omvang=("5", "uur", "week")),
]


def test_youth_inflow_outflow_herindicatie_by_month() -> None:
    measures = [
        "jeugd.unieke_clienten",
        "jeugd.instroom",
        "jeugd.nieuwe_instroom",
        "jeugd.terugkerende_instroom",
        "jeugd.herindicaties",
        "jeugd.geen_herindicatie",
        "jeugd.echte_instroom",
        "jeugd.uitstroom",
        "jeugd.echte_uitstroom",
    ]
    result = run_engine(
        loaded(toewijzingen=YOUTH_FLOWS),
        "month",
        dt.date(2019, 12, 1),
        dt.date(2020, 4, 30),
        measures,
    )
    months = ["2019-12", "2020-01", "2020-02", "2020-03", "2020-04"]

    def series(*numbers: int) -> dict[str, Value]:
        return dict(zip(months, numbers, strict=True))

    # active: Dec none (d1 is Wmo); Jan A,B,D; Feb A(t1),B(b2),C; Mar A(t2),B(b2),C(c2);
    # Apr A(t2),C(c2) (b2 ended 03-31 inclusive).
    assert_figures(result, "jeugd.unieke_clienten", series(0, 3, 3, 3, 2))
    # starts: Jan t1,b1,d2; Feb b2,c1,c2; Mar t2.
    assert_figures(result, "jeugd.instroom", series(0, 3, 3, 1, 0))
    # new: Jan t1,b1 (d2 has d1 of 2019-06-01 before it); Feb c1,c2 (same-day starts are
    # not "earlier"); b2 and t2 are returning.
    assert_figures(result, "jeugd.nieuwe_instroom", series(0, 2, 2, 0, 0))
    assert_figures(result, "jeugd.terugkerende_instroom", series(0, 1, 1, 1, 0))
    # herindicatie: only t2 (t1 + 1 day, same code and omvang); b2 has a gap, d2 other code.
    assert_figures(result, "jeugd.herindicaties", series(0, 0, 0, 1, 0))
    # returning minus herindicaties: Jan d2, Feb b2.
    assert_figures(result, "jeugd.geen_herindicatie", series(0, 1, 1, 0, 0))
    # instroom - herindicaties: 3-0, 3-0, 1-1.
    assert_figures(result, "jeugd.echte_instroom", series(0, 3, 3, 0, 0))
    # ends: Jan b1,d2 (01-31); Feb t1 (02-29), c1 (02-10); Mar b2 (03-31).
    assert_figures(result, "jeugd.uitstroom", series(0, 2, 2, 1, 0))
    # real ends: Jan b1 (b2 starts 02-02, not 02-01), d2; Feb c1 (t1 is continued by t2);
    # Mar b2.
    assert_figures(result, "jeugd.echte_uitstroom", series(0, 2, 1, 1, 0))


def test_youth_inflow_outflow_by_quarter() -> None:
    measures = [
        "jeugd.unieke_clienten",
        "jeugd.instroom",
        "jeugd.nieuwe_instroom",
        "jeugd.terugkerende_instroom",
        "jeugd.herindicaties",
        "jeugd.geen_herindicatie",
        "jeugd.echte_instroom",
        "jeugd.uitstroom",
        "jeugd.echte_uitstroom",
    ]
    result = run_engine(
        loaded(toewijzingen=YOUTH_FLOWS),
        "quarter",
        dt.date(2019, 10, 1),
        dt.date(2020, 3, 31),
        measures,
    )
    # Q1 2020 adds up the months above; unieke_clienten counts A,B,C,D once each.
    expected = {
        "jeugd.unieke_clienten": 4,
        "jeugd.instroom": 7,
        "jeugd.nieuwe_instroom": 4,
        "jeugd.terugkerende_instroom": 3,
        "jeugd.herindicaties": 1,
        "jeugd.geen_herindicatie": 2,
        "jeugd.echte_instroom": 6,
        "jeugd.uitstroom": 5,
        "jeugd.echte_uitstroom": 4,
    }
    for measure, q1 in expected.items():
        assert_figures(result, measure, {"2019-Q4": 0, "2020-Q1": q1})


# --- client counting: Wmo in- and outflow ---------------------------------------------------

WMO_FLOWS = [
    # P: p2 starts 07-01 = p1 end + 1 day, same code, both omvang empty (empty equals
    # empty) -> herindicatie.
    tw("p1", "P", "wmo", "02A05", "2020-05-01", "2020-06-30"),
    tw("p2", "P", "wmo", "02A05", "2020-07-01", "2020-07-31"),
    # Q: q1 is removed (13): never sent, so q2 is new and no herindicatie.
    tw(
        "q1",
        "Q",
        "wmo",
        "01A01",
        "2020-06-15",
        "2020-07-14",
        omvang=("3", "uur", "week"),
        reden_wijziging="13",
    ),
    tw("q2", "Q", "wmo", "01A01", "2020-07-15", None, omvang=("3", "uur", "week")),
    # R: an earlier youth indication makes the Wmo indication r2 returning.
    tw("r1", "R", "jeugdwet", "45A48", "2020-01-01", "2020-06-30"),
    tw("r2", "R", "wmo", "02A05", "2020-06-01", "2020-08-31"),
    # S: s2 adjoins s1 with the same code but another frequency -> not a herindicatie.
    tw("s1", "S", "wmo", "02A05", "2020-06-01", "2020-06-30", omvang=("2", "uur", "week")),
    tw("s2", "S", "wmo", "02A05", "2020-07-01", "2020-07-31", omvang=("2", "uur", "maand")),
]


def test_wmo_inflow_outflow_herindicatie_by_month() -> None:
    measures = [
        "wmo.unieke_clienten",
        "wmo.instroom",
        "wmo.nieuwe_instroom",
        "wmo.terugkerende_instroom",
        "wmo.herindicaties",
        "wmo.geen_herindicatie",
        "wmo.echte_instroom",
        "wmo.uitstroom",
        "wmo.echte_uitstroom",
    ]
    result = run_engine(
        loaded(toewijzingen=WMO_FLOWS), "month", dt.date(2020, 4, 1), dt.date(2020, 9, 30), measures
    )
    months = ["2020-04", "2020-05", "2020-06", "2020-07", "2020-08", "2020-09"]

    def series(*numbers: int) -> dict[str, Value]:
        return dict(zip(months, numbers, strict=True))

    # active Wmo: May P; Jun P,R,S (q1 removed); Jul P,Q,R,S; Aug Q,R; Sep Q.
    assert_figures(result, "wmo.unieke_clienten", series(0, 1, 3, 4, 2, 1))
    # starts: May p1; Jun r2,s1; Jul p2,q2,s2 (q1 removed).
    assert_figures(result, "wmo.instroom", series(0, 1, 2, 3, 0, 0))
    # new: May p1; Jun s1 (r2 has r1 of 2020-01-01); Jul q2 (q1 does not count).
    assert_figures(result, "wmo.nieuwe_instroom", series(0, 1, 1, 1, 0, 0))
    assert_figures(result, "wmo.terugkerende_instroom", series(0, 0, 1, 2, 0, 0))
    # herindicatie: p2 only (s2 other frequency, r2 other code than r1).
    assert_figures(result, "wmo.herindicaties", series(0, 0, 0, 1, 0, 0))
    assert_figures(result, "wmo.geen_herindicatie", series(0, 0, 1, 1, 0, 0))
    assert_figures(result, "wmo.echte_instroom", series(0, 1, 2, 2, 0, 0))
    # ends: Jun p1,s1; Jul p2,s2 (q1 removed); Aug r2.
    assert_figures(result, "wmo.uitstroom", series(0, 0, 2, 2, 1, 0))
    # real ends: Jun s1 (p1 continued by p2); Jul p2,s2; Aug r2.
    assert_figures(result, "wmo.echte_uitstroom", series(0, 0, 1, 2, 1, 0))


# --- stapeling ------------------------------------------------------------------------------


def test_youth_stapeling_counts_most_simultaneous_on_one_day() -> None:
    rows = [
        # K: two indications in March that never run on the same day -> 1.
        tw("k1", "K", "jeugdwet", "45A48", "2020-03-01", "2020-03-15"),
        tw("k2", "K", "jeugdwet", "54001", "2020-03-16", "2020-03-31"),
        # ... and a Wmo indication beside them, which is no youth care -> still 1.
        tw("k3", "K", "wmo", "02A05", "2020-03-01", "2020-03-31"),
        # M: on 03-20 m1, m2, m3, m4 run -> 4+; on 04-01 m1 (inclusive end), m2, m4 -> 3.
        tw("m1", "M", "jeugdwet", "45A48", "2020-02-01", "2020-04-01"),
        tw("m2", "M", "jeugdwet", "54001", "2020-03-10", None),
        tw("m3", "M", "jeugdwet", "43A01", "2020-03-20", "2020-03-20"),
        tw("m4", "M", "jeugdwet", "45A49", "2020-03-20", "2020-04-30"),
        # L: l2 is removed, so L has 1 in April, not 2.
        tw("l1", "L", "jeugdwet", "45A48", "2020-04-01", "2020-04-30"),
        tw("l2", "L", "jeugdwet", "54001", "2020-04-15", "2020-04-15", reden_wijziging="13"),
    ]
    result = run_engine(
        loaded(toewijzingen=rows),
        "month",
        dt.date(2020, 1, 1),
        dt.date(2020, 5, 31),
        ["jeugd.stapeling", "jeugd.unieke_clienten"],
    )
    assert_figures(
        result,
        "jeugd.stapeling",
        {
            "2020-01": {"1": 0, "2": 0, "3": 0, "4+": 0},
            "2020-02": {"1": 1, "2": 0, "3": 0, "4+": 0},  # M: m1 only
            "2020-03": {"1": 1, "2": 0, "3": 0, "4+": 1},  # K: 1, M: 4
            "2020-04": {"1": 1, "2": 0, "3": 1, "4+": 0},  # L: 1, M: 3 on 04-01
            "2020-05": {"1": 1, "2": 0, "3": 0, "4+": 0},  # M: m2 only
        },
        dims=("gelijktijdig",),
    )
    # invariant: the sum over gelijktijdig equals unieke_clienten
    assert_figures(
        result,
        "jeugd.unieke_clienten",
        {"2020-01": 0, "2020-02": 1, "2020-03": 2, "2020-04": 2, "2020-05": 1},
    )


# --- care spells, ages, population ----------------------------------------------------------


def test_youth_in_care_five_years_merges_adjoining_and_overlapping_spells() -> None:
    rows = [
        # Y1: overlapping indications, spell from 2015-06-01.
        tw("y1a", "Y1", "jeugdwet", "45A48", "2015-06-01", "2018-03-31"),
        tw("y1b", "Y1", "jeugdwet", "54001", "2018-01-01", None),
        # Y2: spell from 2012-01-01; turns 18 on 2021-12-31.
        tw("y2a", "Y2", "jeugdwet", "45A48", "2012-01-01", None),
        # Y3: one-day gap (2017-12-31 uncovered): the running spell starts 2018-01-01.
        tw("y3a", "Y3", "jeugdwet", "45A48", "2015-01-01", "2017-12-30"),
        tw("y3b", "Y3", "jeugdwet", "45A48", "2018-01-01", None),
        # Y4: adjoining indications, spell from 2015-12-31 = 2020-12-31 minus 5 years.
        tw("y4a", "Y4", "jeugdwet", "45A48", "2015-12-31", "2016-12-31"),
        tw("y4b", "Y4", "jeugdwet", "45A48", "2017-01-01", None),
    ]
    clienten = [
        {"client_id": "Y1", "geboortedatum": day("2008-05-01")},
        {"client_id": "Y2", "geboortedatum": day("2003-12-31")},
        {"client_id": "Y3", "geboortedatum": day("2010-01-01")},
        {"client_id": "Y4", "geboortedatum": day("2012-01-01")},
    ]
    result = run_engine(
        loaded(toewijzingen=rows, clienten=clienten),
        "year",
        dt.date(2016, 1, 1),
        dt.date(2021, 12, 31),
        ["jeugd.in_zorg_5_jaar", "jeugd.clienten_0_17"],
    )
    # peildatum Y-12-31, spell must start on or before (Y-5)-12-31:
    # 2016 (<= 2011-12-31): nobody. 2017..2019: Y2 (2012-01-01 <= 2012/13/14-12-31).
    # 2020 (<= 2015-12-31): Y1 (2015-06-01), Y2 (age 17), Y4 (2015-12-31, on the edge);
    # Y3's spell starts 2018-01-01 (without the gap it would be 2015-01-01 and count).
    # 2021 (<= 2016-12-31): Y1, Y4; Y2 is 18.
    assert_figures(
        result,
        "jeugd.in_zorg_5_jaar",
        {"2016": 0, "2017": 1, "2018": 1, "2019": 1, "2020": 3, "2021": 2},
    )
    # running on the peildatum, aged 0-17: 2016 all four (y4a ends 2016-12-31, inclusive);
    # 2017 Y3 has no indication on 2017-12-31 -> 3; 2021 Y2 is 18 -> 3.
    assert_figures(
        result,
        "jeugd.clienten_0_17",
        {"2016": 4, "2017": 3, "2018": 4, "2019": 4, "2020": 4, "2021": 3},
    )


POPULATIE = [
    # 2020-01-01: total 100, 0-17: 10 + 20 = 30, 70+: 25
    {"peildatum": day("2020-01-01"), "leeftijd": 0, "aantal": 10},
    {"peildatum": day("2020-01-01"), "leeftijd": 17, "aantal": 20},
    {"peildatum": day("2020-01-01"), "leeftijd": 18, "aantal": 40},
    {"peildatum": day("2020-01-01"), "leeftijd": 69, "aantal": 5},
    {"peildatum": day("2020-01-01"), "leeftijd": 70, "aantal": 25},
    # 2021-01-01: total 125, 0-17: 12 + 28 = 40, 70+: 30 + 10 = 40
    {"peildatum": day("2021-01-01"), "leeftijd": 0, "aantal": 12},
    {"peildatum": day("2021-01-01"), "leeftijd": 17, "aantal": 28},
    {"peildatum": day("2021-01-01"), "leeftijd": 18, "aantal": 45},
    {"peildatum": day("2021-01-01"), "leeftijd": 70, "aantal": 30},
    {"peildatum": day("2021-01-01"), "leeftijd": 95, "aantal": 10},
]


def test_population_and_ratios_on_the_peildatum() -> None:
    rows = [
        tw("v1", "V1", "wmo", "12A01", "2020-06-01", None, hoofdcategorie="vervoer"),
        tw("v2", "V2", "wmo", "12A01", "2019-01-01", None, hoofdcategorie="vervoer"),
        # v3 ends the day before the 2020 peildatum
        tw("v3", "V3", "wmo", "12A01", "2019-01-01", "2020-12-30", hoofdcategorie="vervoer"),
        tw("v4", "V4", "wmo", "02A05", "2019-01-01", None, hoofdcategorie="begeleiding"),
        tw("j1", "J1", "jeugdwet", "45A48", "2020-01-01", None),
        tw("j2", "J2", "jeugdwet", "45A48", "2020-12-31", "2020-12-31"),  # on the peildatum
        tw("j3", "J3", "jeugdwet", "45A48", "2021-01-01", "2021-12-30"),
    ]
    clienten = [
        {"client_id": "V1", "geboortedatum": day("1950-12-31")},  # 70 on 2020-12-31
        {"client_id": "V2", "geboortedatum": day("1951-01-01")},  # 69 then, 70 on 2021-12-31
        {"client_id": "V3", "geboortedatum": day("1930-05-05")},
        {"client_id": "V4", "geboortedatum": day("1940-01-01")},
        {"client_id": "J1", "geboortedatum": day("2003-12-31")},  # 17 in 2020, 18 in 2021
        {"client_id": "J2", "geboortedatum": day("2015-05-05")},
        {"client_id": "J3", "geboortedatum": day("2010-02-02")},
    ]
    measures = [
        "populatie.inwoners",
        "populatie.inwoners_0_17",
        "populatie.inwoners_70plus",
        "populatie.inwoners_1_januari",
        "wmo.vervoer_70plus",
        "wmo.vervoer_70plus_aandeel",
        "jeugd.clienten_0_17",
        "jeugd.clienten_0_17_aandeel",
    ]
    result = run_engine(
        loaded(toewijzingen=rows, clienten=clienten, populatie=POPULATIE),
        "year",
        dt.date(2018, 1, 1),
        dt.date(2021, 12, 31),
        measures,
    )
    # latest populatie peildatum on or before Y-12-31: none for 2018/2019 (no data: no
    # figure, not 0); 2020-01-01 for 2020; 2021-01-01 (not added to 2020's) for 2021.
    assert_figures(
        result, "populatie.inwoners", {"2018": None, "2019": None, "2020": 100, "2021": 125}
    )
    assert_figures(result, "populatie.inwoners_0_17", {"2018": None, "2020": 30, "2021": 40})
    assert_figures(result, "populatie.inwoners_70plus", {"2018": None, "2020": 25, "2021": 40})
    # on or before the first day: 2020-01-01 itself counts for 2020.
    assert_figures(
        result,
        "populatie.inwoners_1_januari",
        {"2018": None, "2019": None, "2020": 100, "2021": 125},
    )
    # 2019: V3 (89); V2 is 68. 2020: V1 (70); V3 ended 12-30; V2 is 69. 2021: V1, V2.
    # V4 is no vervoer.
    assert_figures(result, "wmo.vervoer_70plus", {"2018": 0, "2019": 1, "2020": 1, "2021": 2})
    # divided by 70+: 2018 and 2019 have no population figure -> no figure; 1/25; 2/40.
    assert_figures(
        result,
        "wmo.vervoer_70plus_aandeel",
        {"2018": None, "2019": None, "2020": 0.04, "2021": 0.05},
    )
    # 2020: J1 (17), J2 (one day, the peildatum). 2021: J1 is 18, j3 ended 12-30.
    assert_figures(result, "jeugd.clienten_0_17", {"2018": 0, "2019": 0, "2020": 2, "2021": 0})
    assert_figures(
        result,
        "jeugd.clienten_0_17_aandeel",
        {"2018": None, "2019": None, "2020": 2 / 30, "2021": 0.0},
    )


# --- herhaald beroep (CBS) ------------------------------------------------------------------


def test_herhaald_beroep_needs_a_gap_and_an_end_before_the_period() -> None:
    rows = [
        # A: adjoining (a1 end + 1 day = a2 start) -> no repetition.
        tw("a1", "A", "jeugdwet", "45A48", "2020-01-01", "2020-02-29"),
        tw("a2", "A", "jeugdwet", "45A48", "2020-03-01", None),
        # B: b1 ended 02-27, b2 starts 03-01: two days between -> repetition in March.
        tw("b1", "B", "jeugdwet", "45A48", "2019-05-01", "2020-02-27"),
        tw("b2", "B", "jeugdwet", "45A48", "2020-03-01", None),
        # E: e1 ended inside March itself (not before the period began) -> no.
        tw("e1", "E", "jeugdwet", "45A48", "2020-03-05", "2020-03-10"),
        tw("e2", "E", "jeugdwet", "45A48", "2020-03-20", None),
        # F: the earlier indication is Wmo -> no.
        tw("f1", "F", "wmo", "02A05", "2019-01-01", "2019-12-31"),
        tw("f2", "F", "jeugdwet", "45A48", "2020-03-15", None),
    ]
    result = run_engine(
        loaded(toewijzingen=rows),
        "month",
        dt.date(2020, 2, 1),
        dt.date(2020, 4, 30),
        ["jeugd.herhaald_beroep"],
    )
    # Feb: no youth indication starts. Mar: b2 only. Apr: nothing starts.
    assert_figures(result, "jeugd.herhaald_beroep", {"2020-02": 0, "2020-03": 1, "2020-04": 0})


def test_herhaald_beroep_five_year_window_is_inclusive_at_its_start() -> None:
    rows = [
        # C: April window is 2015-04-01 <= end < 2020-04-01; c1 ended 2015-03-31 -> no.
        tw("c1", "C", "jeugdwet", "45A48", "2015-01-01", "2015-03-31"),
        tw("c2", "C", "jeugdwet", "45A48", "2020-04-15", None),
        # D: d1 ended 2015-04-01, exactly on the window's start -> yes (April).
        tw("d1", "D", "jeugdwet", "45A48", "2014-06-01", "2015-04-01"),
        tw("d2", "D", "jeugdwet", "45A48", "2020-04-10", None),
        # G: March window 2015-03-01 <= end < 2020-03-01; g1 ended 2015-03-01 -> yes (March).
        tw("g1", "G", "jeugdwet", "45A48", "2015-03-01", "2015-03-01"),
        tw("g2", "G", "jeugdwet", "45A48", "2020-03-31", "2020-03-31"),
        # H: h1 is removed (13) -> h2 is no repetition.
        tw("h1", "H", "jeugdwet", "45A48", "2019-01-01", "2019-12-31", reden_wijziging="13"),
        tw("h2", "H", "jeugdwet", "45A48", "2020-03-10", None),
    ]
    result = run_engine(
        loaded(toewijzingen=rows),
        "month",
        dt.date(2020, 3, 1),
        dt.date(2020, 5, 31),
        ["jeugd.herhaald_beroep"],
    )
    assert_figures(result, "jeugd.herhaald_beroep", {"2020-03": 1, "2020-04": 1, "2020-05": 0})


# --- unique youths: old and new definition ---------------------------------------------------

UNIEKE_JEUGDIGEN_TOEWIJZINGEN = [
    tw("g1", "G", "jeugdwet", "45A48", "2019-12-15", "2020-06-30"),
    tw("h1", "H", "jeugdwet", "45A48", "2020-03-01", "2021-02-28"),
    tw("k1", "K", "jeugdwet", "45A48", "2020-05-01", None),
    tw("m1", "M", "wmo", "02A05", "2020-01-01", None),
    tw("r1", "R", "jeugdwet", "45A48", "2020-07-01", "2020-12-31", reden_wijziging="13"),
    tw("n1", "N", "jeugdwet", "45A48", "2021-01-01", "2021-12-31"),
]
BUDGETBOEKINGEN = [
    # ambulant care books its whole budget on the start date
    {"toewijzing_id": "g1", "boekdatum": day("2019-12-15"), "bedrag": Decimal("1200.00")},
    {"toewijzing_id": "h1", "boekdatum": day("2020-03-01"), "bedrag": Decimal("600.00")},
    {"toewijzing_id": "h1", "boekdatum": day("2021-01-01"), "bedrag": Decimal("200.00")},
    {"toewijzing_id": "k1", "boekdatum": day("2020-05-01"), "bedrag": Decimal("0.00")},
    {"toewijzing_id": "k1", "boekdatum": day("2021-01-05"), "bedrag": Decimal("-50.00")},
    {"toewijzing_id": "m1", "boekdatum": day("2020-01-01"), "bedrag": Decimal("300.00")},
    {"toewijzing_id": "r1", "boekdatum": day("2020-07-01"), "bedrag": Decimal("400.00")},
    {"toewijzing_id": "n1", "boekdatum": day("2021-01-01"), "bedrag": Decimal("1000.00")},
]


def test_unique_youths_version_1_until_2020_and_version_2_from_2021() -> None:
    data = loaded(toewijzingen=UNIEKE_JEUGDIGEN_TOEWIJZINGEN, budgetboekingen=BUDGETBOEKINGEN)
    result = run_engine(
        data, "year", dt.date(2018, 1, 1), dt.date(2021, 12, 31), ["jeugd.unieke_jeugdigen"]
    )
    # version 1 (budget bookings > 0 in P for a youth indication):
    # 2018 none; 2019 G (booked 2019-12-15, so not in 2020 although care runs until June);
    # 2020 H only (k1 books 0, m1 is Wmo, r1 is removed).
    # version 2 (active in 2021): H (until 2021-02-28), K (open), N; G ended 2020-06-30.
    assert_figures(result, "jeugd.unieke_jeugdigen", {"2018": 0, "2019": 1, "2020": 1, "2021": 3})
    versions = {f.period: f.version for f in figures_of(result, "jeugd.unieke_jeugdigen")}
    assert versions == {"2018": 1, "2019": 1, "2020": 1, "2021": 2}


def test_unique_youths_forced_versions() -> None:
    data = loaded(toewijzingen=UNIEKE_JEUGDIGEN_TOEWIJZINGEN, budgetboekingen=BUDGETBOEKINGEN)
    # version 1 for 2021: H (200 on 2021-01-01) and N (1000); K's -50 is not > 0.
    # 2022: no bookings -> 0.
    forced_1 = run_forced(data, ["2021", "2022"], "jeugd.unieke_jeugdigen", 1)
    assert_figures(forced_1, "jeugd.unieke_jeugdigen", {"2021": 2, "2022": 0})
    assert {f.version for f in forced_1.figures} == {1}
    # version 2 for 2020: G, H, K active (r1 removed, m1 Wmo) -> 3 against version 1's 1;
    # 2019: G (from 2019-12-15) -> 1.
    forced_2 = run_forced(data, ["2019", "2020"], "jeugd.unieke_jeugdigen", 2)
    assert_figures(forced_2, "jeugd.unieke_jeugdigen", {"2019": 1, "2020": 3})
    assert {f.version for f in forced_2.figures} == {2}


# --- referrers and weight -------------------------------------------------------------------

REFERRERS = [
    tw("x1", "X", "jeugdwet", "45A48", "2021-01-10", "2021-02-28",
       verwijzer_type="gemeente", zwaarte="licht"),
    tw("x2", "X", "jeugdwet", "45A48", "2021-03-01", None,
       verwijzer_type="huisarts", zwaarte="middel"),
    tw("y1", "Y", "jeugdwet", "45A48", "2021-02-01", "2021-04-15",
       verwijzer_type="huisarts", zwaarte="zwaar"),
    # empty referrer: ignored next to Y's known one
    tw("y2", "Y", "jeugdwet", "45A48", "2021-04-10", None, zwaarte="licht"),
    # empty referrer and empty weight, one day on the last day of Q1
    tw("z1", "Z", "jeugdwet", "45A48", "2021-03-31", "2021-03-31"),
    tw("w1", "W", "jeugdwet", "45A48", "2021-05-01", None,
       verwijzer_type="gemeente", zwaarte="zwaar"),
    tw("w2", "W", "jeugdwet", "45A48", "2021-06-30", "2021-06-30",
       verwijzer_type="huisarts", zwaarte="middel", reden_wijziging="13"),
    tw("v1", "V", "wmo", "02A05", "2021-01-01", None,
       verwijzer_type="gemeente", zwaarte="licht"),
]  # fmt: skip

REFERRER_MEASURES = [
    "jeugd.unieke_jeugdigen_naar_verwijzer",
    "jeugd.ingezette_voorzieningen",
    "jeugd.ingezette_voorzieningen_aandeel",
    "jeugd.aandeel_verwijzer",
    "jeugd.actieve_voorzieningen",
    "jeugd.actieve_voorzieningen_aandeel",
]


def test_youths_by_referrer_and_provisions_by_weight_per_quarter() -> None:
    result = run_engine(
        loaded(toewijzingen=REFERRERS),
        "quarter",
        dt.date(2020, 10, 1),
        dt.date(2021, 6, 30),
        REFERRER_MEASURES,
    )
    # Q1 active: X (x1 gemeente + x2 huisarts -> beide), Y (y1 huisarts), Z (empty).
    # Q2 active: X (x2 -> niet_gemeente), Y (y1 huisarts + y2 empty -> niet_gemeente),
    # W (w1 gemeente; w2 removed). Sum = unieke jeugdigen 3 and 3.
    assert_figures(
        result,
        "jeugd.unieke_jeugdigen_naar_verwijzer",
        {
            "2020-Q4": {"gemeente": 0, "niet_gemeente": 0, "beide": 0, "onbekend": 0},
            "2021-Q1": {"gemeente": 0, "niet_gemeente": 1, "beide": 1, "onbekend": 1},
            "2021-Q2": {"gemeente": 1, "niet_gemeente": 2, "beide": 0, "onbekend": 0},
        },
        dims=("verwijzer_groep",),
    )
    # starts: Q1 x1 (gemeente, licht), x2 (niet_gemeente, middel), y1 (niet_gemeente,
    # zwaar), z1 (onbekend, onbekend); Q2 y2 (onbekend, licht), w1 (gemeente, zwaar).
    assert_figures(
        result,
        "jeugd.ingezette_voorzieningen",
        {
            "2020-Q4": {("gemeente", "licht"): 0, ("onbekend", "onbekend"): 0},
            "2021-Q1": {
                ("gemeente", "licht"): 1,
                ("niet_gemeente", "middel"): 1,
                ("niet_gemeente", "zwaar"): 1,
                ("onbekend", "onbekend"): 1,
            },
            "2021-Q2": {("onbekend", "licht"): 1, ("gemeente", "zwaar"): 1},
        },
        dims=("verwijzer_groep", "zwaarte"),
    )
    # count / count of its verwijzer_groep. Q1: gemeente 1 start, niet_gemeente 2,
    # onbekend 1. Q2: gemeente 1, niet_gemeente 0 (no figure), onbekend 1.
    assert_figures(
        result,
        "jeugd.ingezette_voorzieningen_aandeel",
        {
            "2020-Q4": {("gemeente", "licht"): None, ("niet_gemeente", "zwaar"): None},
            "2021-Q1": {
                **{("gemeente", z): 0.0 for z in ("middel", "zwaar", "onbekend")},
                ("gemeente", "licht"): 1.0,
                **{("niet_gemeente", z): 0.0 for z in ("licht", "onbekend")},
                ("niet_gemeente", "middel"): 0.5,
                ("niet_gemeente", "zwaar"): 0.5,
                **{("onbekend", z): 0.0 for z in ("licht", "middel", "zwaar")},
                ("onbekend", "onbekend"): 1.0,
            },
            "2021-Q2": {
                **{("gemeente", z): 0.0 for z in ("licht", "middel", "onbekend")},
                ("gemeente", "zwaar"): 1.0,
                **{("onbekend", z): 0.0 for z in ("middel", "zwaar", "onbekend")},
                ("onbekend", "licht"): 1.0,
                ("niet_gemeente", "licht"): None,
            },
        },
        dims=("verwijzer_groep", "zwaarte"),
        default=None,
    )
    # group / all starts: Q1 1/4, 2/4, 1/4; Q2 1/2, 0/2, 1/2; Q4 2020 0/0 -> no figure.
    assert_figures(
        result,
        "jeugd.aandeel_verwijzer",
        {
            "2020-Q4": {"gemeente": None, "niet_gemeente": None, "onbekend": None},
            "2021-Q1": {"gemeente": 0.25, "niet_gemeente": 0.5, "onbekend": 0.25},
            "2021-Q2": {"gemeente": 0.5, "niet_gemeente": 0.0, "onbekend": 0.5},
        },
        dims=("verwijzer_groep",),
        default=None,
    )
    # active: Q1 x1 licht, x2 middel, y1 zwaar, z1 onbekend; Q2 x2 middel, y1 zwaar,
    # y2 licht, w1 zwaar (w2 removed, v1 Wmo).
    assert_figures(
        result,
        "jeugd.actieve_voorzieningen",
        {
            "2020-Q4": {"licht": 0, "middel": 0, "zwaar": 0, "onbekend": 0},
            "2021-Q1": {"licht": 1, "middel": 1, "zwaar": 1, "onbekend": 1},
            "2021-Q2": {"licht": 1, "middel": 1, "zwaar": 2, "onbekend": 0},
        },
        dims=("zwaarte",),
    )
    assert_figures(
        result,
        "jeugd.actieve_voorzieningen_aandeel",
        {
            "2020-Q4": {"licht": None, "middel": None, "zwaar": None, "onbekend": None},
            "2021-Q1": {"licht": 0.25, "middel": 0.25, "zwaar": 0.25, "onbekend": 0.25},
            "2021-Q2": {"licht": 0.25, "middel": 0.25, "zwaar": 0.5, "onbekend": 0.0},
        },
        dims=("zwaarte",),
        default=None,
    )


def test_youths_by_referrer_and_provisions_by_weight_per_year() -> None:
    result = run_engine(
        loaded(toewijzingen=REFERRERS),
        "year",
        dt.date(2020, 1, 1),
        dt.date(2021, 12, 31),
        REFERRER_MEASURES,
    )
    # 2021: X beide, Y niet_gemeente, Z onbekend, W gemeente.
    assert_figures(
        result,
        "jeugd.unieke_jeugdigen_naar_verwijzer",
        {
            "2020": {"gemeente": 0, "niet_gemeente": 0, "beide": 0, "onbekend": 0},
            "2021": {"gemeente": 1, "niet_gemeente": 1, "beide": 1, "onbekend": 1},
        },
        dims=("verwijzer_groep",),
    )
    # additive: 2021 = Q1 + Q2 (six starts)
    assert_figures(
        result,
        "jeugd.ingezette_voorzieningen",
        {
            "2020": {("gemeente", "licht"): 0},
            "2021": {
                ("gemeente", "licht"): 1,
                ("gemeente", "zwaar"): 1,
                ("niet_gemeente", "middel"): 1,
                ("niet_gemeente", "zwaar"): 1,
                ("onbekend", "onbekend"): 1,
                ("onbekend", "licht"): 1,
            },
        },
        dims=("verwijzer_groep", "zwaarte"),
    )
    assert_figures(
        result,
        "jeugd.ingezette_voorzieningen_aandeel",
        {
            "2020": {("gemeente", "licht"): None},
            "2021": {
                ("gemeente", "licht"): 0.5,
                ("gemeente", "zwaar"): 0.5,
                ("gemeente", "middel"): 0.0,
                ("gemeente", "onbekend"): 0.0,
                ("niet_gemeente", "middel"): 0.5,
                ("niet_gemeente", "zwaar"): 0.5,
                ("niet_gemeente", "licht"): 0.0,
                ("niet_gemeente", "onbekend"): 0.0,
                ("onbekend", "onbekend"): 0.5,
                ("onbekend", "licht"): 0.5,
                ("onbekend", "middel"): 0.0,
                ("onbekend", "zwaar"): 0.0,
            },
        },
        dims=("verwijzer_groep", "zwaarte"),
        default=None,
    )
    assert_figures(
        result,
        "jeugd.aandeel_verwijzer",
        {
            "2020": {"gemeente": None},
            "2021": {"gemeente": 2 / 6, "niet_gemeente": 2 / 6, "onbekend": 2 / 6},
        },
        dims=("verwijzer_groep",),
        default=None,
    )
    # not additive: 2021 counts each of the six indications once (Q1 4 + Q2 4 = 8).
    assert_figures(
        result,
        "jeugd.actieve_voorzieningen",
        {
            "2020": {"licht": 0, "middel": 0, "zwaar": 0, "onbekend": 0},
            "2021": {"licht": 2, "middel": 1, "zwaar": 2, "onbekend": 1},
        },
        dims=("zwaarte",),
    )
    assert_figures(
        result,
        "jeugd.actieve_voorzieningen_aandeel",
        {
            "2020": {"licht": None},
            "2021": {"licht": 2 / 6, "middel": 1 / 6, "zwaar": 2 / 6, "onbekend": 1 / 6},
        },
        dims=("zwaarte",),
        default=None,
    )


# --- applications ---------------------------------------------------------------------------


def aanvraag(aanvraag_id: str, regeling: str, ontvangen: str, besloten: str | None) -> dict:
    return {
        "aanvraag_id": aanvraag_id,
        "client_id": f"c{aanvraag_id}",
        "regeling": regeling,
        "ontvangen_op": day(ontvangen),
        "besloten_op": day(besloten),
    }


AANVRAGEN = [
    aanvraag("a1", "wmo", "2020-01-05", "2020-03-01"),  # 26 + 29 + 1 = 56 days: on time
    aanvraag("a2", "wmo", "2020-01-04", "2020-03-01"),  # 57 days: late
    aanvraag("a3", "wmo", "2020-02-01", "2020-03-10"),  # 38
    aanvraag("a4", "wmo", "2020-03-01", "2020-03-02"),  # 1
    aanvraag("a5", "wmo", "2020-03-15", "2020-03-20"),  # 5
    aanvraag("a6", "wmo", "2020-02-01", "2020-04-01"),  # 29 + 31 = 60: late
    aanvraag("j1", "jeugdwet", "2020-02-01", "2020-03-31"),  # 29 + 30 = 59: late
    aanvraag("j2", "jeugdwet", "2020-03-01", "2020-03-31"),  # 30
    aanvraag("p1", "participatiewet", "2020-04-01", "2020-05-27"),  # 30 + 26 = 56
    aanvraag("o1", "wmo", "2020-01-15", None),  # still open
]


def test_applications_timeliness_backlog_and_received() -> None:
    result = run_engine(
        loaded(aanvragen=AANVRAGEN),
        "month",
        dt.date(2020, 2, 1),
        dt.date(2020, 5, 31),
        ["tijdigheid", "aanvragen.lopend_over_termijn", "aanvragen.ontvangen"],
    )
    # decided in Feb: none -> no figure. Mar wmo a1..a5: 4 of 5 on time = 0.8 (a2 late);
    # Mar jeugdwet: j2 of j1, j2 = 0.5. Apr wmo: a6 late = 0.0. May participatiewet: 1.0.
    assert_figures(
        result,
        "tijdigheid",
        {
            "2020-02": {"wmo": None, "jeugdwet": None, "participatiewet": None},
            "2020-03": {"wmo": 0.8, "jeugdwet": 0.5},
            "2020-04": {"wmo": 0.0, "jeugdwet": None},
            "2020-05": {"participatiewet": 1.0, "wmo": None},
        },
        dims=("regeling",),
        default=None,
    )
    targets = {
        (f.period, f.dimensions["regeling"]): f.target for f in figures_of(result, "tijdigheid")
    }
    expected_targets = {
        ("2020-03", "wmo"): (0.8, True),  # 0.8 >= 0.8: met on the edge
        ("2020-03", "jeugdwet"): (0.95, False),
        ("2020-04", "wmo"): (0.8, False),
        ("2020-05", "participatiewet"): (0.95, True),
    }
    for key, (goal, met) in expected_targets.items():
        target = targets[key]
        assert target is not None, key
        assert target.operator == ">=", key
        assert target.value == pytest.approx(goal), key
        assert target.met is met, key
    # open on the peildatum and received more than 56 days before it:
    # 02-29: a2 is open but 27 + 29 = 56 days old (not > 56); o1 45 -> 0.
    # 03-31: a6 (decided 04-01, 59 days), o1 (76); j1 was decided on the peildatum -> 2.
    # 04-30: o1 (106); p1 is 29 days old -> 1.  05-31: o1 -> 1.
    assert_figures(
        result,
        "aanvragen.lopend_over_termijn",
        {"2020-02": 0, "2020-03": 2, "2020-04": 1, "2020-05": 1},
    )
    # received: Feb a3, a6, j1; Mar a4, a5, j2; Apr p1; May none.
    assert_figures(
        result,
        "aanvragen.ontvangen",
        {
            "2020-02": {"wmo": 2, "jeugdwet": 1, "participatiewet": 0},
            "2020-03": {"wmo": 2, "jeugdwet": 1, "participatiewet": 0},
            "2020-04": {"wmo": 0, "jeugdwet": 0, "participatiewet": 1},
            "2020-05": {"wmo": 0, "jeugdwet": 0, "participatiewet": 0},
        },
        dims=("regeling",),
    )


# --- social assistance ----------------------------------------------------------------------


def uitkering(
    uitkering_id: str,
    huishouden_id: str,
    regeling: str,
    start: str,
    end: str | None,
    reden: str | None,
    bedrag: str,
) -> dict:
    return {
        "uitkering_id": uitkering_id,
        "huishouden_id": huishouden_id,
        "client_id": f"c{uitkering_id}",
        "regeling": regeling,
        "startdatum": day(start),
        "einddatum": day(end),
        "uitstroomreden": reden,
        "bedrag_per_maand": Decimal(bedrag),
    }


UITKERINGEN = [
    # H1: a household with two overlapping benefits ending on one day
    uitkering("u1", "H1", "PW", "2020-01-01", "2020-03-31", "werk", "1000"),
    uitkering("u2", "H1", "PW", "2020-02-15", "2020-03-31", "werk", "500"),
    # H2: IOAW then PW adjoining (02-29 + 1 day = 03-01): one spell from 2019-01-01
    uitkering("u3", "H2", "IOAW", "2019-01-01", "2020-02-29", "aow", "800"),
    uitkering("u4", "H2", "PW", "2020-03-01", None, None, "900"),
    # H3: TOZO is not a Participatiewet regeling here
    uitkering("u5", "H3", "TOZO", "2020-02-01", "2020-04-30", "werk", "700"),
    # H4: 2020-03-31 - 2015-04-01 = 1826 days exactly; no reason recorded
    uitkering("u6", "H4", "IOAZ", "2015-04-01", "2020-04-01", None, "600"),
    # H5: a one-day benefit
    uitkering("u7", "H5", "PW", "2020-04-02", "2020-04-02", "verhuizing", "300"),
]

PARTICIPATIE_MEASURES = [
    "participatie.huishoudens",
    "participatie.huishoudens_per_regeling",
    "participatie.instroom",
    "participatie.uitstroom",
    "participatie.uitstroom_naar_werk",
    "participatie.uitstroomredenen",
    "participatie.uitgekeerd",
    "participatie.duur_in_bijstand",
    "participatie.gemiddelde_duur",
]
REDENEN_NUL = {
    r: 0 for r in ("werk", "verhuizing", "overlijden", "aow", "einde_toekenningsperiode", "overig")
} | {"onbekend": 0}
DUUR_NUL = {"<1 jaar": 0, "1-2 jaar": 0, "2-5 jaar": 0, "5+ jaar": 0}


def test_social_assistance_by_month() -> None:
    result = run_engine(
        loaded(uitkeringen=UITKERINGEN),
        "month",
        dt.date(2020, 1, 1),
        dt.date(2020, 5, 31),
        PARTICIPATIE_MEASURES,
    )
    months = ["2020-01", "2020-02", "2020-03", "2020-04", "2020-05"]

    def series(*numbers: Value) -> dict[str, Value]:
        return dict(zip(months, numbers, strict=True))

    # households (TOZO H3 never): Jan H1,H2,H4; Feb same; Mar H1,H2,H4; Apr H2,H4 (u6 ends
    # 04-01),H5; May H2.
    assert_figures(result, "participatie.huishoudens", series(3, 3, 3, 3, 1))
    assert_figures(
        result,
        "participatie.huishoudens_per_regeling",
        {
            "2020-01": {"PW": 1, "IOAW": 1, "IOAZ": 1},
            "2020-02": {"PW": 1, "IOAW": 1, "IOAZ": 1},  # H1 once with u1 and u2
            "2020-03": {"PW": 2, "IOAW": 0, "IOAZ": 1},  # H1, H2 (u4); u3 ended 02-29
            "2020-04": {"PW": 2, "IOAW": 0, "IOAZ": 1},  # H2, H5
            "2020-05": {"PW": 1, "IOAW": 0, "IOAZ": 0},
        },
        dims=("regeling",),
    )
    # starts: Jan u1 H1; Feb u2 H1 (u5 TOZO); Mar u4 H2; Apr u7 H5.
    assert_figures(result, "participatie.instroom", series(1, 1, 1, 1, 0))
    # ends: Feb u3 H2; Mar u1+u2 -> H1 once; Apr u6 H4, u7 H5 (u5 TOZO).
    assert_figures(result, "participatie.uitstroom", series(0, 1, 1, 2, 0))
    assert_figures(result, "participatie.uitstroom_naar_werk", series(0, 0, 1, 0, 0))
    # benefits, not households: Mar u1 and u2 both werk; u6 without reason -> onbekend.
    assert_figures(
        result,
        "participatie.uitstroomredenen",
        {
            "2020-01": REDENEN_NUL,
            "2020-02": REDENEN_NUL | {"aow": 1},
            "2020-03": REDENEN_NUL | {"werk": 2},
            "2020-04": REDENEN_NUL | {"onbekend": 1, "verhuizing": 1},
            "2020-05": REDENEN_NUL,
        },
        dims=("uitstroomreden",),
    )
    # Jan 1000+800+600; Feb +500; Mar 1000+500+900+600; Apr 900+600+300; May 900.
    assert_figures(result, "participatie.uitgekeerd", series(2400, 2900, 3000, 1800, 900))
    # spell lengths on the peildatum: H1 from 01-01: 30, 59, 90; H2 from 2019-01-01:
    # 395, 424, 455, 485, 516; H4: 1766, 1795, 1826 (>= 1826 -> 5+).
    assert_figures(
        result,
        "participatie.duur_in_bijstand",
        {
            "2020-01": DUUR_NUL | {"<1 jaar": 1, "1-2 jaar": 1, "2-5 jaar": 1},
            "2020-02": DUUR_NUL | {"<1 jaar": 1, "1-2 jaar": 1, "2-5 jaar": 1},
            "2020-03": DUUR_NUL | {"<1 jaar": 1, "1-2 jaar": 1, "5+ jaar": 1},
            "2020-04": DUUR_NUL | {"1-2 jaar": 1},
            "2020-05": DUUR_NUL | {"1-2 jaar": 1},
        },
        dims=("duurklasse",),
    )
    assert_figures(
        result,
        "participatie.gemiddelde_duur",
        series((30 + 395 + 1766) / 3, (59 + 424 + 1795) / 3, (90 + 455 + 1826) / 3, 485, 516),
    )


def test_social_assistance_by_year() -> None:
    result = run_engine(
        loaded(uitkeringen=UITKERINGEN),
        "year",
        dt.date(2014, 1, 1),
        dt.date(2020, 12, 31),
        PARTICIPATIE_MEASURES,
    )
    # 2014: nothing runs. 2015: H4 from 04-01. 2020: H1, H2, H4, H5.
    assert_figures(result, "participatie.huishoudens", {"2014": 0, "2015": 1, "2020": 4})
    # 2020: H2 counts under IOAW and PW -> the parts add up to 5 > 4.
    assert_figures(
        result,
        "participatie.huishoudens_per_regeling",
        {
            "2014": {"PW": 0, "IOAW": 0, "IOAZ": 0},
            "2015": {"PW": 0, "IOAW": 0, "IOAZ": 1},
            "2020": {"PW": 3, "IOAW": 1, "IOAZ": 1},
        },
        dims=("regeling",),
    )
    # 2020 starts u1, u2 (H1), u4 (H2), u7 (H5): 4 benefits, 3 households.
    assert_figures(result, "participatie.instroom", {"2014": 0, "2015": 1, "2020": 3})
    # 2020 ends u1, u2 (H1), u3 (H2), u6 (H4), u7 (H5): 4 households.
    assert_figures(result, "participatie.uitstroom", {"2014": 0, "2015": 0, "2020": 4})
    assert_figures(result, "participatie.uitstroom_naar_werk", {"2014": 0, "2020": 1})
    assert_figures(
        result,
        "participatie.uitstroomredenen",
        {
            "2014": REDENEN_NUL,
            "2020": REDENEN_NUL | {"werk": 2, "aow": 1, "verhuizing": 1, "onbekend": 1},
        },
        dims=("uitstroomreden",),
    )
    # 2015: u6 Apr..Dec = 9 months x 600. 2020: 2400 + 2900 + 3000 + 1800 + 8 x 900.
    # 2014: no benefit runs at all -> no data, no figure (not 0).
    assert_figures(result, "participatie.uitgekeerd", {"2014": None, "2015": 5400, "2020": 17300})
    # 2015-12-31 - 2015-04-01 = 274 days; 2020-12-31 - 2019-01-01 = 365 + 365 = 730,
    # not under 730 -> 2-5 jaar.
    assert_figures(
        result,
        "participatie.duur_in_bijstand",
        {
            "2014": DUUR_NUL,
            "2015": DUUR_NUL | {"<1 jaar": 1},
            "2020": DUUR_NUL | {"2-5 jaar": 1},
        },
        dims=("duurklasse",),
    )
    assert_figures(result, "participatie.gemiddelde_duur", {"2014": None, "2015": 274, "2020": 730})


# --- money ----------------------------------------------------------------------------------

MONEY_TOEWIJZINGEN = [
    # 3650 over 2020-07-01..2021-06-30 = 365 days: 10 a day; 184 days in 2020, 181 in 2021.
    tw("b1", "P1", "wmo", "02A05", "2020-07-01", "2021-06-30",
       hoofdcategorie="begeleiding", budget=Decimal("3650.00")),
    # open-ended: for 2020 spread over 2020-01-01..2021-12-31 (366 + 365 = 731 days),
    # for 2021 over 2020-01-01..2022-12-31 (1096 days).
    tw("b2", "J1", "jeugdwet", "45A48", "2020-01-01", None,
       hoofdcategorie="ambulant", budget=Decimal("1000.00")),
    # one day, the last day of 2020
    tw("b3", "J2", "jeugdwet", "43A01", "2020-12-31", "2020-12-31",
       hoofdcategorie="verblijf", budget=Decimal("500.00")),
    # no budget: no commitment, but its claims count
    tw("b4", "P2", "wmo", "01A01", "2020-01-01", None, hoofdcategorie="huishoudelijke_hulp"),
    # removed: neither its budget nor its claims count
    tw("b5", "J3", "jeugdwet", "45A48", "2020-02-01", "2020-02-29",
       hoofdcategorie="ambulant", budget=Decimal("9999.00"), reden_wijziging="13"),
]  # fmt: skip


def declaratie(
    declaratie_id: str, toewijzing_id: str, client_id: str, start: str, end: str, bedrag: str
) -> dict:
    return {
        "declaratie_id": declaratie_id,
        "toewijzing_id": toewijzing_id,
        "client_id": client_id,
        "periode_start": day(start),
        "periode_eind": day(end),
        "bedrag": Decimal(bedrag),
    }


DECLARATIES = [
    declaratie("d1", "b1", "P1", "2020-07-01", "2020-07-31", "800"),
    declaratie("d2", "b1", "P1", "2020-12-01", "2020-12-31", "900"),
    declaratie("d3", "b4", "P2", "2020-12-31", "2021-01-06", "200"),  # starts in 2020
    declaratie("d4", "b2", "J1", "2021-01-01", "2021-01-31", "300"),
    declaratie("d5", "b2", "J1", "2020-03-01", "2020-03-31", "450"),
    declaratie("d6", "b2", "J1", "2020-03-15", "2020-03-31", "-50"),  # credit
    declaratie("d7", "b3", "J2", "2020-12-31", "2020-12-31", "100"),
    declaratie("d8", "b5", "J3", "2020-02-01", "2020-02-29", "5000"),  # removed indication
]

BEGROTING = [
    {"jaar": 2020, "wet": "wmo", "bedrag": Decimal("4000"), "versie": "primitief"},
    {"jaar": 2020, "wet": "wmo", "bedrag": Decimal("5000"), "versie": "gewijzigd"},
    {
        "jaar": 2020,
        "wet": "jeugdwet",
        "post": "A",
        "bedrag": Decimal("1000"),
        "versie": "primitief",
    },
    {"jaar": 2020, "wet": "jeugdwet", "post": "B", "bedrag": Decimal("250"), "versie": "primitief"},
    {"jaar": 2021, "wet": "wmo", "bedrag": Decimal("2000"), "versie": "primitief"},
    {"jaar": 2021, "wet": "jeugdwet", "bedrag": Decimal("800")},  # no version: not primitief
]

MONEY_POPULATIE = [
    {"peildatum": day("2020-01-01"), "leeftijd": 10, "aantal": 60},
    {"peildatum": day("2020-01-01"), "leeftijd": 50, "aantal": 40},
]

YEARLY = [
    "verplichting",
    "verzilvering",
    "verzilveringsgraad",
    "uitgaven_per_inwoner",
    "begroting",
    "realisatie_begroting",
]

# hand-computed commitments (verplichting) per year
JEUGD_KAL_2020 = 500 + 1000 * 366 / 731  # b3 whole + b2's 366 of 731 days
JEUGD_VOLG_2020 = 1000 * 365 / 731
JEUGD_KAL_2021 = 1000 * 365 / 1096  # b2's 2021 days of 2020-01-01..2022-12-31
JEUGD_VOLG_2021 = 1000 * 365 / 1096
# The engine rounds each indication's share of a spread budget to a millionth of a euro
# (engine/compile.py, so that sums do not depend on thread order): far below a cent.
MONEY_TOLERANCE = 1e-5


def money_data() -> LoadedData:
    return loaded(
        toewijzingen=MONEY_TOEWIJZINGEN,
        declaraties=DECLARATIES,
        begroting=BEGROTING,
        populatie=MONEY_POPULATIE,
    )


def test_money_yearly_measures() -> None:
    result = run_engine(
        money_data(),
        "year",
        dt.date(2019, 1, 1),
        dt.date(2021, 12, 31),
        [
            *YEARLY,
            "verzilvering_per_categorie",
            "wmo.gedeclareerd_per_client",
            "jeugd.gedeclareerd_per_client",
        ],
    )
    assert_figures(
        result,
        "verplichting",
        {
            # no indication runs in 2019 at all: no data, no figure (not 0)
            "2019": {
                ("wmo", "kalenderjaar"): None,
                ("wmo", "volgend_jaar"): None,
                ("jeugdwet", "kalenderjaar"): None,
                ("jeugdwet", "volgend_jaar"): None,
            },
            # wmo: 184 x 10 in 2020, 181 x 10 in 2021 (b4 has no budget, b5 removed)
            "2020": {
                ("wmo", "kalenderjaar"): 1840,
                ("wmo", "volgend_jaar"): 1810,
                ("jeugdwet", "kalenderjaar"): JEUGD_KAL_2020,
                ("jeugdwet", "volgend_jaar"): JEUGD_VOLG_2020,
            },
            # b1's 2021 part stays 1810 (fixed end date); nothing of it falls in 2022
            "2021": {
                ("wmo", "kalenderjaar"): 1810,
                ("wmo", "volgend_jaar"): 0,
                ("jeugdwet", "kalenderjaar"): JEUGD_KAL_2021,
                ("jeugdwet", "volgend_jaar"): JEUGD_VOLG_2021,
            },
        },
        dims=("wet", "jaardeel"),
        tolerance=MONEY_TOLERANCE,
    )
    # claims by periode_start: 2020 wmo 800 + 900 + 200 (d3 starts 12-31);
    # jeugdwet 450 - 50 + 100 (d8 is for a removed indication); 2021 jeugdwet 300 (and
    # wmo 0: 2021 has claims, none for wmo). 2019 has no claims at all: no figure.
    assert_figures(
        result,
        "verzilvering",
        {
            "2019": {"wmo": None, "jeugdwet": None},
            "2020": {"wmo": 1900, "jeugdwet": 500},
            "2021": {"wmo": 0, "jeugdwet": 300},
        },
        dims=("wet",),
    )
    assert_figures(
        result,
        "verzilveringsgraad",
        {
            "2019": {"wmo": None, "jeugdwet": None},  # 0 / 0
            "2020": {"wmo": 1900 / 1840, "jeugdwet": 500 / JEUGD_KAL_2020},
            "2021": {"wmo": 0.0, "jeugdwet": 300 / JEUGD_KAL_2021},
        },
        dims=("wet",),
        default=None,
        tolerance=MONEY_TOLERANCE,
    )
    # population on 1 January: 2020-01-01 rows (100) also serve 2021; none for 2019.
    assert_figures(
        result,
        "uitgaven_per_inwoner",
        {
            "2019": {"wmo": None, "jeugdwet": None},
            "2020": {"wmo": 19.0, "jeugdwet": 5.0},
            "2021": {"wmo": 0.0, "jeugdwet": 3.0},
        },
        dims=("wet",),
        default=None,
    )
    # primitief only: 2020 wmo 4000 (not 5000 gewijzigd), jeugdwet 1000 + 250;
    # 2021 jeugdwet's row has no version.
    assert_figures(
        result,
        "begroting",
        {
            "2019": {"wmo": None, "jeugdwet": None},  # no budget line for 2019 at all
            "2020": {"wmo": 4000, "jeugdwet": 1250},
            "2021": {"wmo": 2000, "jeugdwet": 0},
        },
        dims=("wet",),
    )
    assert_figures(
        result,
        "realisatie_begroting",
        {
            "2019": {"wmo": None, "jeugdwet": None},
            "2020": {"wmo": 1900 / 4000, "jeugdwet": 500 / 1250},
            "2021": {"wmo": 0.0, "jeugdwet": None},  # 300 / 0
        },
        dims=("wet",),
        default=None,
    )
    assert_figures(
        result,
        "verzilvering_per_categorie",
        {
            "2020": {
                ("wmo", "begeleiding"): 1700,
                ("wmo", "huishoudelijke_hulp"): 200,
                ("jeugdwet", "ambulant"): 400,
                ("jeugdwet", "verblijf"): 100,
            },
            "2021": {("jeugdwet", "ambulant"): 300},
        },
        dims=("wet", "hoofdcategorie"),
    )
    # 2019 has no claims at all: no figure in any category
    assert_figures(
        result, "verzilvering_per_categorie", {"2019": {}}, ("wet", "hoofdcategorie"), None
    )
    # 2020 wmo (800 + 900 + 200) / 2 clients; jeugdwet (450 - 50 + 100) / 2; 2021 300 / 1.
    assert_figures(result, "wmo.gedeclareerd_per_client", {"2019": None, "2020": 950, "2021": None})
    assert_figures(
        result, "jeugd.gedeclareerd_per_client", {"2019": None, "2020": 250, "2021": 300}
    )


def test_money_by_month_and_yearly_measures_give_no_month_figures() -> None:
    result = run_engine(
        money_data(),
        "month",
        dt.date(2020, 3, 1),
        dt.date(2021, 1, 31),
        [
            *YEARLY,
            "verzilvering_per_categorie",
            "wmo.gedeclareerd_per_client",
            "jeugd.gedeclareerd_per_client",
            "prognose.gedeclareerd_tot_en_met",
            "prognose.resterende_verplichting",
        ],
    )
    for measure in YEARLY:
        assert figures_of(result, measure) == [], measure
        assert any(n.measure == measure for n in result.notes), measure
    assert_figures(
        result,
        "verzilvering_per_categorie",
        {
            "2020-03": {("jeugdwet", "ambulant"): 400},  # 450 - 50
            "2020-12": {
                ("wmo", "begeleiding"): 900,
                ("wmo", "huishoudelijke_hulp"): 200,
                ("jeugdwet", "verblijf"): 100,
            },
        },
        dims=("wet", "hoofdcategorie"),
    )
    # no claim starts in April: no figure in any category
    assert_figures(
        result, "verzilvering_per_categorie", {"2020-04": {}}, ("wet", "hoofdcategorie"), None
    )
    # Dec wmo: (900 + 200) / 2; Mar jeugdwet: (450 - 50) / 1.
    assert_figures(
        result,
        "wmo.gedeclareerd_per_client",
        {"2020-03": None, "2020-07": 800, "2020-08": None, "2020-12": 550},
    )
    assert_figures(
        result,
        "jeugd.gedeclareerd_per_client",
        {"2020-03": 400, "2020-04": None, "2020-12": 100, "2021-01": 300},
    )
    # claims from 1 January of the month's year up to the month's end
    assert_figures(
        result,
        "prognose.gedeclareerd_tot_en_met",
        {
            "2020-03": {"wmo": 0, "jeugdwet": 400},
            "2020-06": {"wmo": 0, "jeugdwet": 400},
            "2020-07": {"wmo": 800, "jeugdwet": 400},
            "2020-12": {"wmo": 1900, "jeugdwet": 500},
            "2021-01": {"wmo": 0, "jeugdwet": 300},  # a new year starts from zero
        },
        dims=("wet",),
    )
    # the commitments of the year falling after the month: days from the month's end + 1
    # to 31 December. After Mar: 275 days (b1's 184 x 10 = 1840; b2 275/731; b3 500).
    # After Jun: 184 days. After Nov: 31 days (b1 310). After Dec: nothing.
    # After 2021-01: 2021-02-01..12-31 = 334 days; b1 Feb..Jun 150 x 10; b2 334/1096.
    rest = "rest van het jaar"
    assert_figures(
        result,
        "prognose.resterende_verplichting",
        {
            "2020-03": {("wmo", rest): 1840, ("jeugdwet", rest): 500 + 1000 * 275 / 731},
            "2020-06": {("wmo", rest): 1840, ("jeugdwet", rest): 500 + 1000 * 184 / 731},
            "2020-11": {("wmo", rest): 310, ("jeugdwet", rest): 500 + 1000 * 31 / 731},
            "2020-12": {("wmo", rest): 0, ("jeugdwet", rest): 0},
            "2021-01": {("wmo", rest): 1500, ("jeugdwet", rest): 1000 * 334 / 1096},
        },
        dims=("wet", "jaardeel"),
        tolerance=MONEY_TOLERANCE,
    )


def test_yearly_money_measures_give_no_quarter_figures() -> None:
    result = run_engine(money_data(), "quarter", dt.date(2020, 1, 1), dt.date(2020, 6, 30), YEARLY)
    assert result.figures == []
    for measure in YEARLY:
        assert any(n.measure == measure for n in result.notes), measure


def test_commitment_of_an_indication_running_past_next_year() -> None:
    rows = [
        # 7300 over 2020-07-01..2022-06-30 = 184 + 365 + 181 = 730 days: 10 a day. For 2020
        # the part in 2022 falls in neither jaardeel.
        tw("b", "P", "wmo", "02A05", "2020-07-01", "2022-06-30", budget=Decimal("7300")),
        # ends the day before 2020 begins: not active in 2020, no commitment at all
        tw("c", "Q", "jeugdwet", "45A48", "2019-01-01", "2019-12-31", budget=Decimal("365")),
    ]
    result = run_engine(
        loaded(toewijzingen=rows),
        "year",
        dt.date(2020, 1, 1),
        dt.date(2023, 12, 31),
        ["verplichting"],
    )
    assert_figures(
        result,
        "verplichting",
        {
            "2020": {("wmo", "kalenderjaar"): 1840, ("wmo", "volgend_jaar"): 3650},
            "2021": {("wmo", "kalenderjaar"): 3650, ("wmo", "volgend_jaar"): 1810},
            "2022": {("wmo", "kalenderjaar"): 1810, ("wmo", "volgend_jaar"): 0},
        },
        dims=("wet", "jaardeel"),
        tolerance=MONEY_TOLERANCE,
    )
    # nothing runs in 2023: no data, no figure (not 0)
    assert_figures(result, "verplichting", {"2023": {}}, ("wet", "jaardeel"), None)


def test_declared_per_client_counts_a_client_with_only_a_credit() -> None:
    rows = [
        tw("w1", "P1", "wmo", "02A05", "2020-01-01", None),
        tw("w2", "P2", "wmo", "02A05", "2020-01-01", None),
        tw("j1", "J1", "jeugdwet", "45A48", "2020-01-01", None),
    ]
    claims = [
        declaratie("d1", "w1", "P1", "2020-01-01", "2020-01-31", "100"),
        declaratie("d2", "w1", "P1", "2020-01-31", "2020-02-06", "20"),  # starts in January
        declaratie("d3", "w2", "P2", "2020-01-05", "2020-01-31", "-40"),  # credit only
        declaratie("d4", "j1", "J1", "2020-02-01", "2020-02-29", "70"),
    ]
    result = run_engine(
        loaded(toewijzingen=rows, declaraties=claims),
        "month",
        dt.date(2020, 1, 1),
        dt.date(2020, 2, 29),
        ["wmo.gedeclareerd_per_client", "jeugd.gedeclareerd_per_client"],
    )
    # Jan wmo: (100 + 20 - 40) / 2 clients = 40; Feb: no Wmo claim starts -> no figure.
    assert_figures(result, "wmo.gedeclareerd_per_client", {"2020-01": 40, "2020-02": None})
    assert_figures(result, "jeugd.gedeclareerd_per_client", {"2020-01": None, "2020-02": 70})


def test_removed_successor_and_empty_versus_filled_omvang() -> None:
    rows = [
        # A: the adjoining successor a2 is removed -> a1 is a real outflow.
        tw("a1", "A", "jeugdwet", "45A48", "2020-01-01", "2020-01-31", omvang=("5", "uur", "week")),
        tw(
            "a2",
            "A",
            "jeugdwet",
            "45A48",
            "2020-02-01",
            None,
            omvang=("5", "uur", "week"),
            reden_wijziging="13",
        ),
        # B: adjoining, same code, but empty omvang versus 5 uur per week -> no herindicatie.
        tw("b1", "B", "jeugdwet", "45A48", "2020-01-01", "2020-01-31"),
        tw("b2", "B", "jeugdwet", "45A48", "2020-02-01", None, omvang=("5", "uur", "week")),
    ]
    result = run_engine(
        loaded(toewijzingen=rows),
        "month",
        dt.date(2020, 1, 1),
        dt.date(2020, 2, 29),
        [
            "jeugd.uitstroom",
            "jeugd.echte_uitstroom",
            "jeugd.instroom",
            "jeugd.herindicaties",
            "jeugd.geen_herindicatie",
            "jeugd.echte_instroom",
        ],
    )
    assert_figures(result, "jeugd.uitstroom", {"2020-01": 2, "2020-02": 0})
    assert_figures(result, "jeugd.echte_uitstroom", {"2020-01": 2, "2020-02": 0})  # a1, b1
    assert_figures(result, "jeugd.instroom", {"2020-01": 2, "2020-02": 1})  # b2 (a2 removed)
    assert_figures(result, "jeugd.herindicaties", {"2020-01": 0, "2020-02": 0})
    assert_figures(result, "jeugd.geen_herindicatie", {"2020-01": 0, "2020-02": 1})
    assert_figures(result, "jeugd.echte_instroom", {"2020-01": 2, "2020-02": 1})


def test_care_spells_are_bridged_only_by_youth_indications_still_on_record() -> None:
    rows = [
        # Y3: the one-day gap 2017-12-31 is covered by a Wmo indication only -> the youth
        # care spell still starts 2018-01-01.
        tw("y3a", "Y3", "jeugdwet", "45A48", "2015-01-01", "2017-12-30"),
        tw("y3w", "Y3", "wmo", "02A05", "2017-12-31", "2017-12-31"),
        tw("y3b", "Y3", "jeugdwet", "45A48", "2018-01-01", None),
        # Y5: the gap 2015-12-31 is covered by a removed indication -> spell from 2016-01-01.
        tw("y5a", "Y5", "jeugdwet", "45A48", "2010-01-01", "2015-12-30"),
        tw("y5r", "Y5", "jeugdwet", "45A48", "2015-12-31", "2015-12-31", reden_wijziging="13"),
        tw("y5b", "Y5", "jeugdwet", "45A48", "2016-01-01", None),
        # N: n2 ends long before n3 starts, but n1 (running until 2016-12-31) covers n3's
        # start: one spell from 2010-01-01 (merging must use the running maximum end).
        tw("n1", "N", "jeugdwet", "45A48", "2010-01-01", "2016-12-31"),
        tw("n2", "N", "jeugdwet", "54001", "2011-01-01", "2011-12-31"),
        tw("n3", "N", "jeugdwet", "45A48", "2016-06-01", None),
    ]
    clienten = [
        {"client_id": "Y3", "geboortedatum": day("2010-01-01")},
        {"client_id": "Y5", "geboortedatum": day("2008-01-01")},
        {"client_id": "N", "geboortedatum": day("2008-01-01")},
    ]
    result = run_engine(
        loaded(toewijzingen=rows, clienten=clienten),
        "year",
        dt.date(2020, 1, 1),
        dt.date(2021, 12, 31),
        ["jeugd.in_zorg_5_jaar"],
    )
    # 2020 (spell start <= 2015-12-31): N only (Y3 2018-01-01, Y5 2016-01-01).
    # 2021 (<= 2016-12-31): N, Y5. Y3 never in these years.
    assert_figures(result, "jeugd.in_zorg_5_jaar", {"2020": 1, "2021": 2})


def test_benefit_spells_ignore_other_regelingen_and_use_the_running_spell() -> None:
    rows = [
        # H6: PW, then TOZO (not a Participatiewet regeling) adjoining, then PW adjoining:
        # the TOZO benefit does not bridge, so the running spell starts 2020-01-01.
        uitkering("u1", "H6", "PW", "2019-01-01", "2019-06-30", None, "100"),
        uitkering("u2", "H6", "TOZO", "2019-07-01", "2019-12-31", None, "100"),
        uitkering("u3", "H6", "PW", "2020-01-01", None, None, "100"),
        # H7: an old spell 2010-2012, then the running one from 2019-06-01.
        uitkering("u4", "H7", "PW", "2010-01-01", "2012-12-31", None, "100"),
        uitkering("u5", "H7", "IOAW", "2019-06-01", None, None, "100"),
    ]
    result = run_engine(
        loaded(uitkeringen=rows),
        "year",
        dt.date(2018, 1, 1),
        dt.date(2020, 12, 31),
        ["participatie.duur_in_bijstand", "participatie.gemiddelde_duur"],
    )
    # 2020-12-31: H6 2020-12-31 - 2020-01-01 = 365 (not under 365 -> 1-2 jaar);
    # H7 2020-12-31 - 2019-06-01 = 214 + 365 = 579 -> 1-2 jaar.
    # 2019-12-31: H7 213 days (H6 has only TOZO running) -> <1 jaar. 2018-12-31: nobody.
    assert_figures(
        result,
        "participatie.duur_in_bijstand",
        {
            "2018": DUUR_NUL,
            "2019": DUUR_NUL | {"<1 jaar": 1},
            "2020": DUUR_NUL | {"1-2 jaar": 2},
        },
        dims=("duurklasse",),
    )
    assert_figures(
        result,
        "participatie.gemiddelde_duur",
        {"2018": None, "2019": 213, "2020": (365 + 579) / 2},
    )


def test_applications_received_compared_with_a_year_earlier() -> None:
    rows = [
        aanvraag("x1", "wmo", "2020-03-01", None),
        aanvraag("x2", "wmo", "2020-03-31", None),
        aanvraag("x3", "wmo", "2021-03-01", None),
        aanvraag("x4", "wmo", "2021-03-15", None),
        aanvraag("x5", "wmo", "2021-03-31", None),
        aanvraag("x6", "jeugdwet", "2021-02-28", None),
    ]
    request = RunRequest(
        periods=[parse_period("2021-03")],
        selections=[Selection("aanvragen.ontvangen")],
        compare=True,
    )
    result = run(standard_library(), loaded(aanvragen=rows), request)
    # 2021-03: wmo x3, x4, x5 = 3 (x6 is February); a year earlier 2020-03: x1, x2 = 2;
    # the previous month 2021-02: wmo 0, jeugdwet x6 = 1.
    assert_figures(
        result, "aanvragen.ontvangen", {"2021-03": {"wmo": 3, "jeugdwet": 0}}, dims=("regeling",)
    )
    comparisons = {
        f.dimensions["regeling"]: f.comparison for f in figures_of(result, "aanvragen.ontvangen")
    }
    wmo, jeugd = comparisons["wmo"], comparisons["jeugdwet"]
    assert wmo is not None and jeugd is not None
    assert (wmo.year_earlier_period, wmo.year_earlier_value) == ("2020-03", 2)
    assert (wmo.previous_period, wmo.previous_value) == ("2021-02", 0)
    assert (jeugd.year_earlier_value, jeugd.previous_value) == (0, 1)


def test_overlap_and_same_day_restart_are_no_herindicatie() -> None:
    vijf = ("5", "uur", "week")
    rows = [
        # A: a2 starts inside a1 (overlap, not adjoining).
        tw("a1", "A", "wmo", "02A05", "2020-01-01", "2020-03-31", omvang=vijf),
        tw("a2", "A", "wmo", "02A05", "2020-03-15", None, omvang=vijf),
        # B: b2 starts on b1's last day (one day of overlap).
        tw("b1", "B", "wmo", "02A05", "2020-01-01", "2020-03-10", omvang=vijf),
        tw("b2", "B", "wmo", "02A05", "2020-03-10", "2020-03-20", omvang=vijf),
        # C: one uncovered day (2020-03-01) between c1 and c2.
        tw("c1", "C", "wmo", "02A05", "2020-01-01", "2020-02-29", omvang=vijf),
        tw("c2", "C", "wmo", "02A05", "2020-03-02", None, omvang=vijf),
    ]
    result = run_engine(
        loaded(toewijzingen=rows),
        "month",
        dt.date(2020, 2, 1),
        dt.date(2020, 3, 31),
        [
            "wmo.instroom",
            "wmo.herindicaties",
            "wmo.geen_herindicatie",
            "wmo.echte_instroom",
            "wmo.uitstroom",
            "wmo.echte_uitstroom",
        ],
    )
    # March starts a2, b2, c2: all returning, none adjoins -> 0 herindicaties.
    assert_figures(result, "wmo.instroom", {"2020-02": 0, "2020-03": 3})
    assert_figures(result, "wmo.herindicaties", {"2020-02": 0, "2020-03": 0})
    assert_figures(result, "wmo.geen_herindicatie", {"2020-02": 0, "2020-03": 3})
    assert_figures(result, "wmo.echte_instroom", {"2020-02": 0, "2020-03": 3})
    # ends: Feb c1; Mar a1, b1, b2 -- none followed by an adjoining indication.
    assert_figures(result, "wmo.uitstroom", {"2020-02": 1, "2020-03": 3})
    assert_figures(result, "wmo.echte_uitstroom", {"2020-02": 1, "2020-03": 3})


def test_timeliness_target_per_regeling() -> None:
    rows = [
        aanvraag("w", "wmo", "2020-05-01", "2020-06-26"),  # 31 + 25 = 56: on time
        aanvraag("j", "jeugdwet", "2020-05-01", "2020-06-27"),  # 57: late
        aanvraag("p", "participatiewet", "2020-06-01", "2020-06-30"),  # 29
        aanvraag("m", "minima", "2020-04-01", "2020-06-30"),  # 90: late
        aanvraag("s", "schuldhulp", "2020-06-10", "2020-06-10"),  # 0
    ]
    result = run_engine(
        loaded(aanvragen=rows), "month", dt.date(2020, 6, 1), dt.date(2020, 7, 31), ["tijdigheid"]
    )
    assert_figures(
        result,
        "tijdigheid",
        {
            "2020-06": {
                "wmo": 1.0,
                "jeugdwet": 0.0,
                "participatiewet": 1.0,
                "minima": 0.0,
                "schuldhulp": 1.0,
            },
            "2020-07": {"wmo": None, "jeugdwet": None, "minima": None},  # nothing decided
        },
        dims=("regeling",),
        default=None,
    )
    targets = {
        f.dimensions["regeling"]: f.target
        for f in figures_of(result, "tijdigheid")
        if f.period == "2020-06"
    }
    expected = {
        "wmo": (0.8, True),
        "jeugdwet": (0.95, False),
        "participatiewet": (0.95, True),
        "minima": (0.95, False),
        "schuldhulp": (0.95, True),
    }
    assert {k: (t.operator, t.value, t.met) for k, t in targets.items() if t is not None} == {
        k: (">=", pytest.approx(v), met) for k, (v, met) in expected.items()
    }


def test_unique_youths_switch_version_between_december_and_january() -> None:
    data = loaded(toewijzingen=UNIEKE_JEUGDIGEN_TOEWIJZINGEN, budgetboekingen=BUDGETBOEKINGEN)
    result = run_engine(
        data, "month", dt.date(2020, 12, 1), dt.date(2021, 1, 31), ["jeugd.unieke_jeugdigen"]
    )
    # 2020-12 (version 1): no booking in December -> 0, although H and K are in care.
    # 2021-01 (version 2): H, K, N active.
    assert_figures(result, "jeugd.unieke_jeugdigen", {"2020-12": 0, "2021-01": 3})
    versions = {f.period: f.version for f in figures_of(result, "jeugd.unieke_jeugdigen")}
    assert versions == {"2020-12": 1, "2021-01": 2}
