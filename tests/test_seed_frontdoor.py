"""The front door (open cases, case management, caseload, waiting time) and the Wmo
provisions, flows per category, referrers, age x gender and wijk breakdowns as standard
measures, on small hand-built tables with every number worked out by hand in the comments;
and the sample's seed columns on the canonical tables. Quarters 2020-Q4 (peildatum
2020-12-31) and 2021-Q1 (peildatum 2021-03-31)."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maatstaf.adapters.registry import load_data
from maatstaf.adapters.sample import generate_all, generate_sample
from maatstaf.adapters.sample.seed_columns import VERWIJZER_NAMEN
from maatstaf.dsl.load import bundled_definitions, load_library
from maatstaf.engine.periods import make_period
from maatstaf.engine.run import RunRequest, Selection, run
from tests import oracle
from tests.helpers import run_engine

D = dt.date
Q4, Q1 = "2020-Q4", "2021-Q1"

# Peildatum 2021-03-31 unless said otherwise. 56 days before it is 2021-02-03.
MELDINGEN = """melding_id,client_id,domein,gemeld_op,toegewezen_op,consulent_id,afgesloten_op,casusregie
M1,C1,wmo,2021-03-01,2021-03-04,K1,,ja
M2,C2,wmo,2021-03-10,2021-03-31,K2,,nee
M3,C3,wmo,2021-03-20,,,,nee
M4,C4,wmo,2021-02-02,2021-04-02,K1,,ja
M5,C1,wmo,2020-11-01,2020-11-10,K1,2021-03-31,ja
M6,C5,wmo,2021-02-03,2021-02-10,K2,2021-03-15,ja
M7,C6,jeugdwet,2021-02-03,2021-02-05,K3,,ja
M8,C7,jeugdwet,2020-12-20,2021-01-04,K3,2021-02-01,nee
M9,C8,overig,2021-03-31,,,,
"""
TOEWIJZINGEN = """toewijzing_id,client_id,wet,productcode,hoofdcategorie,verwijzer_type,verwijzer_naam,leveringsvorm,startdatum,einddatum
T1,C1,wmo,01A01,huishoudelijke_hulp,gemeente,Wmo-loket,zin,2020-06-01,2021-02-28
T2,C1,wmo,02A01,begeleiding,huisarts,Huisartsenpraktijk Centrum,zin,2021-01-10,
T3,C2,wmo,01A01,huishoudelijke_hulp,gemeente,Wmo-loket,pgb,2021-03-31,2021-06-30
T4,C3,wmo,11A01,materiele_voorziening,,,zin,2020-10-01,2020-12-31
T5,C4,jeugdwet,45A01,ambulant,huisarts,Huisartsenpraktijk Centrum,zin,2021-02-01,2021-03-31
T6,C5,jeugdwet,45A01,ambulant,huisarts,,zin,2021-03-15,
T7,C6,jeugdwet,43A01,jeugdbescherming,gecertificeerde_instelling,William Schrikker Stichting,zin,2020-12-01,
T8,C4,jeugdwet,45A02,ambulant,zelf,,zin,2021-01-01,2021-01-31
T9,C7,wmo,02A01,begeleiding,gemeente,Sociaal Team,zin,2019-01-01,2020-09-30
"""
CLIENTEN = """client_id,geboortedatum,wijk,geslacht
C1,1940-04-01,Centrum,2
C2,1956-03-31,Noord,1
C3,,Oost,
C4,2010-05-05,Centrum,1
C5,2012-01-01,,2
C6,2008-08-08,Noord,1
C10,1994-04-01,Zuid,2
C11,1994-03-31,Zuid,1
C12,1960-05-05,West,1
C14,1990-03-31,West,3
"""
UITKERINGEN = """uitkering_id,huishouden_id,client_id,regeling,startdatum,einddatum,uitstroomreden
U1,H1,C10,PW,2020-01-01,,
U2,H2,C11,PW,2020-06-01,2021-03-30,werk
U3,H3,C12,IOAW,2019-01-01,,
U4,H3,C12,PW,2021-01-01,,
U5,H4,C13,TOZO,2021-01-01,,
U6,H5,C14,PW,2021-02-01,,
"""
TABLES = {
    "meldingen": MELDINGEN,
    "toewijzingen": TOEWIJZINGEN,
    "clienten": CLIENTEN,
    "uitkeringen": UITKERINGEN,
}
MEASURES = (
    "meldingen.nieuw",
    "meldingen.lopend",
    "meldingen.wachtlijst",
    "meldingen.casusregie",
    "meldingen.casusregie_lang",
    "meldingen.clienten_casusregie",
    "meldingen.toegewezen_lopend",
    "meldingen.consulenten",
    "meldingen.caseload",
    "meldingen.wachttijd",
    "meldingen.wachttijd_p90",
    "wmo.instroom_per_categorie",
    "wmo.uitstroom_per_categorie",
    "wmo.actieve_voorzieningen",
    "instroom_per_verwijzer",
    "participatie.clienten_naar_leeftijd_geslacht",
    "wmo.clienten_naar_leeftijd_geslacht",
    "clienten_per_wijk",
)
DOMEINEN = ("wmo", "jeugdwet", "participatie", "schuldhulp", "overig")
Cell = tuple[str, str, tuple[tuple[str, str], ...]]


@pytest.fixture(scope="module")
def library():
    return load_library([bundled_definitions()])


def _load(library, folder: Path, tables: dict[str, str]):
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    data = load_data(str(folder), schema=library.table_schema)
    assert [r.render() for r in data.rejected] == []
    return data


def _cells(result) -> dict[Cell, object]:
    return {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }


@pytest.fixture(scope="module")
def data(library, tmp_path_factory: pytest.TempPathFactory):
    return _load(library, tmp_path_factory.mktemp("frontdoor"), TABLES)


@pytest.fixture(scope="module")
def figures(library, data) -> dict[Cell, object]:
    return _cells(run_engine(data, "quarter", D(2020, 10, 1), D(2021, 3, 31), MEASURES, library))


def _run_q1_by(library, data, measure: str, by: str) -> dict[Cell, object]:
    """2021-Q1 of one measure with an optional dimension added (``--by``)."""
    request = RunRequest(
        periods=[make_period("quarter", 2021, 1)],
        selections=[Selection(measure)],
        optional_dims=(by,),
    )
    return _cells(run(library, data, request))


def _get(figures, measure: str, period: str, **dims: str) -> object:
    return figures[(measure, period, tuple(sorted(dims.items())))]


def _by(figures, measure: str, period: str, name: str) -> dict[str, object]:
    """The figures of a measure with one dimension, as {value: figure}."""
    return {
        dict(dims)[name]: value
        for (m, p, dims), value in figures.items()
        if m == measure and p == period
    }


def _nonzero(figures, measure: str, period: str) -> dict[tuple[str, ...], object]:
    return {
        tuple(v for _, v in dims): value
        for (m, p, dims), value in figures.items()
        if m == measure and p == period and value not in (0, None)
    }


# --- the front door ----------------------------------------------------------------------


def test_new_requests_per_domain(figures) -> None:
    # gemeld_op in Q1: wmo M1, M2, M3, M4, M6 (M5 is November); jeugdwet M7 (M8 is
    # December); overig M9. Every declared domain shows, 0 where nothing was reported.
    assert _by(figures, "meldingen.nieuw", Q1, "domein") == {
        "wmo": 5,
        "jeugdwet": 1,
        "participatie": 0,
        "schuldhulp": 0,
        "overig": 1,
    }
    assert _get(figures, "meldingen.nieuw", Q4, domein="wmo") == 1  # M5
    assert _get(figures, "meldingen.nieuw", Q4, domein="jeugdwet") == 1  # M8


def test_new_requests_year_to_date(library, data) -> None:
    result = run_engine(
        data, "month", D(2021, 2, 1), D(2021, 3, 31), ("meldingen.nieuw_tot_nu",), library
    )
    cells = _cells(result)
    # up to February: wmo M4 (02-02), M6 (02-03); jeugdwet M7 (02-03)
    assert _get(cells, "meldingen.nieuw_tot_nu", "2021-02", domein="wmo") == 2
    assert _get(cells, "meldingen.nieuw_tot_nu", "2021-02", domein="jeugdwet") == 1
    # up to March: wmo also M1, M2, M3; overig M9; jeugdwet still only M7
    assert _get(cells, "meldingen.nieuw_tot_nu", "2021-03", domein="wmo") == 5
    assert _get(cells, "meldingen.nieuw_tot_nu", "2021-03", domein="overig") == 1


def test_open_cases_on_the_peildatum(figures) -> None:
    # open on 2021-03-31: wmo M1, M2, M3, M4 and M5 (closed on the peildatum itself: it
    # still runs that day); M6 closed 03-15. jeugdwet M7 (M8 closed 02-01). overig M9,
    # reported on the peildatum.
    assert _get(figures, "meldingen.lopend", Q1, domein="wmo") == 5
    assert _get(figures, "meldingen.lopend", Q1, domein="jeugdwet") == 1
    assert _get(figures, "meldingen.lopend", Q1, domein="overig") == 1
    # on 2020-12-31: M5 (wmo) and M8 (jeugdwet)
    assert _get(figures, "meldingen.lopend", Q4, domein="wmo") == 1
    assert _get(figures, "meldingen.lopend", Q4, domein="jeugdwet") == 1


def test_waiting_list_is_open_and_not_yet_assigned(figures) -> None:
    # Q1: M3 has no assignment, M4 is assigned on 04-02 (after the peildatum); M2 is
    # assigned on the peildatum itself and waits no more. overig: M9.
    assert _get(figures, "meldingen.wachtlijst", Q1, domein="wmo") == 2
    assert _get(figures, "meldingen.wachtlijst", Q1, domein="jeugdwet") == 0
    assert _get(figures, "meldingen.wachtlijst", Q1, domein="overig") == 1
    # Q4: M8, reported 12-20, assigned 2021-01-04
    assert _get(figures, "meldingen.wachtlijst", Q4, domein="jeugdwet") == 1
    assert _get(figures, "meldingen.wachtlijst", Q4, domein="wmo") == 0


def test_case_management_and_its_long_cases(figures) -> None:
    # open with casusregie ja on 03-31: wmo M1, M4, M5; jeugdwet M7; M9 has no value
    assert _get(figures, "meldingen.casusregie", Q1, domein="wmo") == 3
    assert _get(figures, "meldingen.casusregie", Q1, domein="jeugdwet") == 1
    assert _get(figures, "meldingen.casusregie", Q1, domein="overig") == 0
    # longer than 56 days on 03-31: M4 (57 days since 02-02), M5 (150 days); M1 30 days.
    # M7, reported 02-03, is exactly 56 days old: not longer than eight weeks.
    assert _get(figures, "meldingen.casusregie_lang", Q1, domein="wmo") == 2
    assert _get(figures, "meldingen.casusregie_lang", Q1, domein="jeugdwet") == 0


def test_clients_under_case_management_during_the_period(figures) -> None:
    # casusregie ja, running on some day of Q1: wmo M1 (C1), M4 (C4), M5 (C1 again),
    # M6 (C5, closed 03-15) -> C1, C4, C5; jeugdwet M7 (C6)
    assert _get(figures, "meldingen.clienten_casusregie", Q1, domein="wmo") == 3
    assert _get(figures, "meldingen.clienten_casusregie", Q1, domein="jeugdwet") == 1
    # Q4: M5 (C1)
    assert _get(figures, "meldingen.clienten_casusregie", Q4, domein="wmo") == 1


def test_caseload_is_open_assigned_cases_per_case_worker(figures) -> None:
    # open and assigned by 03-31: wmo M1 (K1), M2 (K2, assigned that day), M5 (K1); M4
    # is assigned after the peildatum. jeugdwet M7 (K3).
    assert _get(figures, "meldingen.toegewezen_lopend", Q1, domein="wmo") == 3
    assert _get(figures, "meldingen.consulenten", Q1, domein="wmo") == 2  # K1, K2
    assert _get(figures, "meldingen.caseload", Q1, domein="wmo") == pytest.approx(1.5)
    assert _get(figures, "meldingen.caseload", Q1, domein="jeugdwet") == pytest.approx(1.0)
    # overig: M9 is unassigned, so no case worker: 0 / 0 has no figure, never 0
    assert _get(figures, "meldingen.caseload", Q1, domein="overig") is None
    # Q4: M5 with K1 (wmo); jeugdwet's M8 is not yet assigned
    assert _get(figures, "meldingen.caseload", Q4, domein="wmo") == pytest.approx(1.0)
    assert _get(figures, "meldingen.caseload", Q4, domein="jeugdwet") is None


def test_waiting_time_median_and_90th_percentile(figures) -> None:
    # assigned in Q1: wmo M1 3 days, M2 21, M6 7 -> median 7; p90: h = 2 * 0.9 = 1.8,
    # 7 + 0.8 * (21 - 7) = 18.2. jeugdwet M7 2, M8 15 -> median 8.5; p90 2 + 0.9 * 13
    assert _get(figures, "meldingen.wachttijd", Q1, domein="wmo") == pytest.approx(7)
    assert _get(figures, "meldingen.wachttijd_p90", Q1, domein="wmo") == pytest.approx(18.2)
    assert _get(figures, "meldingen.wachttijd", Q1, domein="jeugdwet") == pytest.approx(8.5)
    assert _get(figures, "meldingen.wachttijd_p90", Q1, domein="jeugdwet") == pytest.approx(13.7)
    # nothing assigned in the quarter: no figure
    assert figures.get(("meldingen.wachttijd", Q1, (("domein", "overig"),))) is None
    # Q4: M5, 9 days
    assert _get(figures, "meldingen.wachttijd", Q4, domein="wmo") == pytest.approx(9)


# --- Wmo provisions and flows, referrers ---------------------------------------------------


def test_wmo_inflow_and_outflow_per_category(figures) -> None:
    # starting in Q1: T2 begeleiding (01-10), T3 huishoudelijke hulp (03-31)
    assert _nonzero(figures, "wmo.instroom_per_categorie", Q1) == {
        ("begeleiding",): 1,
        ("huishoudelijke_hulp",): 1,
    }
    # Q4: T4 materiële voorziening (10-01)
    assert _nonzero(figures, "wmo.instroom_per_categorie", Q4) == {("materiele_voorziening",): 1}
    # ending in Q1: T1 (02-28); in Q4: T4 (12-31); T9 ended in Q3
    assert _nonzero(figures, "wmo.uitstroom_per_categorie", Q1) == {("huishoudelijke_hulp",): 1}
    assert _nonzero(figures, "wmo.uitstroom_per_categorie", Q4) == {("materiele_voorziening",): 1}


def test_running_wmo_provisions(library, data, figures) -> None:
    # running in Q1: T1, T2, T3 (T4 ended 12-31, T9 2020-09-30); in Q4: T1, T4
    assert _get(figures, "wmo.actieve_voorzieningen", Q1) == 3
    assert _get(figures, "wmo.actieve_voorzieningen", Q4) == 2
    cells = _run_q1_by(library, data, "wmo.actieve_voorzieningen", "leveringsvorm")
    # zin: T1, T2; pgb: T3; the declared values show, and "onbekend" with them
    assert _by(cells, "wmo.actieve_voorzieningen", Q1, "leveringsvorm") == {
        "zin": 2,
        "pgb": 1,
        "onbekend": 0,
    }


def test_inflow_per_referrer_type(figures) -> None:
    # starting in Q1: wmo T2 (huisarts), T3 (gemeente); jeugdwet T5, T6 (huisarts), T8 (zelf)
    assert _nonzero(figures, "instroom_per_verwijzer", Q1) == {
        ("gemeente", "wmo"): 1,
        ("huisarts", "wmo"): 1,
        ("huisarts", "jeugdwet"): 2,
        ("zelf", "jeugdwet"): 1,
    }
    # Q4: T4 without a referrer (onbekend), T7 by a gecertificeerde instelling
    assert _get(figures, "instroom_per_verwijzer", Q4, wet="wmo", verwijzer_type="onbekend") == 1
    cell = dict(wet="jeugdwet", verwijzer_type="gecertificeerde_instelling")
    assert _get(figures, "instroom_per_verwijzer", Q4, **cell) == 1
    assert _get(figures, "instroom_per_verwijzer", Q1, **cell) == 0


def test_inflow_per_referrer_name(library, data) -> None:
    figures = _run_q1_by(library, data, "instroom_per_verwijzer", "verwijzer_naam")
    cells = {
        (dict(dims)["wet"], dict(dims)["verwijzer_type"], dict(dims)["verwijzer_naam"]): value
        for (_, _, dims), value in figures.items()
        if value
    }
    # T5 names its practice, T6 (huisarts) and T8 (zelf) name none: "onbekend"
    assert cells == {
        ("wmo", "huisarts", "Huisartsenpraktijk Centrum"): 1,
        ("wmo", "gemeente", "Wmo-loket"): 1,
        ("jeugdwet", "huisarts", "Huisartsenpraktijk Centrum"): 1,
        ("jeugdwet", "huisarts", "onbekend"): 1,
        ("jeugdwet", "zelf", "onbekend"): 1,
    }


# --- age x gender, wijk -------------------------------------------------------------------


def test_social_assistance_clients_by_age_and_gender(figures) -> None:
    measure = "participatie.clienten_naar_leeftijd_geslacht"
    # on 2021-03-31: C10 (26: born 1994-04-01, birthday tomorrow; vrouw), C12 (60, man;
    # IOAW and PW: once), C14 (31, niet gespecificeerd). C11 ended 03-30; TOZO not counted.
    assert _nonzero(figures, measure, Q1) == {
        ("2", "<27"): 1,
        ("1", "55+"): 1,
        ("3", "27-34"): 1,
    }
    # on 2020-12-31: C10 and C11 (26, man) under 27, C12
    assert _nonzero(figures, measure, Q4) == {("2", "<27"): 1, ("1", "<27"): 1, ("1", "55+"): 1}


def test_wmo_clients_by_age_and_gender(figures) -> None:
    measure = "wmo.clienten_naar_leeftijd_geslacht"
    # Q1: C1 (80 on 03-31, her birthday is 04-01; vrouw), C2 (65 on 03-31 exactly; man)
    assert _nonzero(figures, measure, Q1) == {("2", "75-84"): 1, ("1", "65-74"): 1}
    # Q4: C1 and C3, whose birth date and gender are unknown: never in the last band
    assert _nonzero(figures, measure, Q4) == {("2", "75-84"): 1, ("onbekend", "onbekend"): 1}


def test_clients_per_wijk(figures) -> None:
    # Q1 running: wmo C1 (Centrum), C2 (Noord); jeugdwet C4 (Centrum, two provisions:
    # once), C5 (no wijk), C6 (Noord)
    assert _nonzero(figures, "clienten_per_wijk", Q1) == {
        ("wmo", "Centrum"): 1,
        ("wmo", "Noord"): 1,
        ("jeugdwet", "Centrum"): 1,
        ("jeugdwet", "onbekend"): 1,
        ("jeugdwet", "Noord"): 1,
    }


def test_gender_and_domain_have_labels(library) -> None:
    assert library.labels["geslacht"] == {
        "0": "Onbekend",
        "1": "Man",
        "2": "Vrouw",
        "3": "Niet gespecificeerd",
    }
    assert set(library.labels["domein"]) >= set(DOMEINEN) | {"minima", "toegang"}


# --- the day-by-day oracle ------------------------------------------------------------------

ORACLE_MEASURES = (
    "meldingen.lopend",
    "meldingen.wachtlijst",
    "meldingen.casusregie_lang",
    "meldingen.caseload",
    "meldingen.wachttijd",
)


@st.composite
def _requests(draw: st.DrawFn) -> list[dict]:
    rows = []
    for i in range(draw(st.integers(0, 14))):
        reported = D(2021, 1, 1) + dt.timedelta(days=draw(st.integers(-90, 150)))
        # the edges (assigned on the peildatum, 56 days old) drawn often
        wait = draw(st.one_of(st.none(), st.integers(0, 3), st.integers(0, 90)))
        assigned = None if wait is None else reported + dt.timedelta(days=wait)
        length = draw(st.one_of(st.none(), st.integers(0, 120)))
        closed = None
        if length is not None:
            closed = (assigned or reported) + dt.timedelta(days=length)
        rows.append(
            {
                "melding_id": f"M{i}",
                "domein": draw(st.sampled_from(["wmo", "jeugdwet"])),
                "startdatum": reported,
                "toegewezen": assigned,
                "consulent": None if assigned is None else draw(st.sampled_from("ABC")),
                "einddatum": closed,
                "casusregie": draw(st.sampled_from(["ja", "nee", None])),
            }
        )
    return rows


def _requests_oracle(rows: list[dict]) -> dict[Cell, object]:
    expected: dict[Cell, object] = {}
    for label in oracle.labels_between(D(2021, 1, 1), D(2021, 4, 30), "month"):
        period = oracle.parse_label(label)
        day = period.end
        for domein in ("wmo", "jeugdwet"):
            mine = [r for r in rows if r["domein"] == domein and oracle.covers(r, day)]
            waiting = [r for r in mine if r["toegewezen"] is None or r["toegewezen"] > day]
            long = [
                r for r in mine if r["casusregie"] == "ja" and (day - r["startdatum"]).days > 56
            ]
            assigned = [r for r in mine if r not in waiting]
            workers = {r["consulent"] for r in assigned}
            waits = [
                (r["toegewezen"] - r["startdatum"]).days
                for r in rows
                if r["domein"] == domein and oracle.in_period(r["toegewezen"], period)
            ]
            cell = (("domein", domein),)
            expected |= {
                ("meldingen.lopend", label, cell): len(mine),
                ("meldingen.wachtlijst", label, cell): len(waiting),
                ("meldingen.casusregie_lang", label, cell): len(long),
                ("meldingen.caseload", label, cell): oracle.ratio(len(assigned), len(workers)),
                ("meldingen.wachttijd", label, cell): oracle.median(waits),
            }
    return expected


def _requests_csv(rows: list[dict]) -> str:
    def cell(value: object) -> str:
        return "" if value is None else str(value)

    lines = [
        "melding_id,client_id,domein,gemeld_op,toegewezen_op,consulent_id,afgesloten_op,casusregie"
    ]
    for r in rows:
        values = (r["melding_id"], "C1", r["domein"], r["startdatum"], r["toegewezen"])
        lines.append(
            ",".join(map(cell, (*values, r["consulent"], r["einddatum"], r["casusregie"])))
        )
    return "\n".join(lines) + "\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_requests())
def test_front_door_figures_agree_with_the_oracle(library, rows: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as name:
        tables = {"toewijzingen": TOEWIJZINGEN, "meldingen": _requests_csv(rows)}
        data = _load(library, Path(name), tables)
        result = run_engine(data, "month", D(2021, 1, 1), D(2021, 4, 30), ORACLE_MEASURES, library)
    actual = _cells(result)
    for key, value in _requests_oracle(rows).items():
        if value is None:
            assert actual.get(key) is None, (key, rows)
        else:
            assert actual.get(key) == pytest.approx(float(Fraction(value))), (key, rows)


# --- the sample's seed columns --------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    return generate_all()[0]


def test_sample_gender_follows_the_groups(sample) -> None:
    clients = sample["clienten"]
    tw = sample["toewijzingen"]
    assert set(clients["geslacht"]) <= {"0", "1", "2", "3"}
    youth = set(tw.loc[tw["wet"] == "jeugdwet", "client_id"])
    wmo = set(tw.loc[tw["wet"] == "wmo", "client_id"]) - youth
    shares = {
        group: clients.loc[clients["client_id"].isin(ids), "geslacht"].value_counts(normalize=True)
        for group, ids in (("youth", youth), ("wmo", wmo))
    }
    # youth care has more boys, Wmo (mostly 70+) more women; unknown codes are rare
    assert 0.52 < shares["youth"]["1"] < 0.63
    assert 0.58 < shares["wmo"]["2"] < 0.69
    assert (clients["geslacht"].isin(["0", "3"])).mean() < 0.02


def test_sample_households_agree_across_tables(sample) -> None:
    clients = sample["clienten"].set_index("client_id")["huishouden_id"]
    assert clients.notna().all()
    tw = sample["toewijzingen"]
    assert (tw["huishouden_id"].to_numpy() == clients[tw["client_id"]].to_numpy()).all()
    benefits = sample["uitkeringen"]
    assert (benefits["huishouden_id"].to_numpy() == clients[benefits["client_id"]].to_numpy()).all()


def test_sample_referrer_names_are_organisations_of_their_type(sample) -> None:
    tw = sample["toewijzingen"]
    named = tw[tw["verwijzer_naam"].notna()]
    pairs = Counter(zip(named["verwijzer_type"], named["verwijzer_naam"], strict=True))
    for kind, name in pairs:
        assert name in VERWIJZER_NAMEN[kind], (kind, name)
    # no organisation for a self-referral or an unknown referrer; a few names unregistered
    unnamed = tw["verwijzer_type"].isna() | (tw["verwijzer_type"] == "zelf")
    assert tw.loc[unnamed, "verwijzer_naam"].isna().all()
    known = tw.loc[~unnamed, "verwijzer_naam"]
    assert 0.01 < known.isna().mean() < 0.1
    # a herindicatie keeps its referrer: of two indications of one client and product
    # where the second starts the day after the first ends, nearly all share the name
    # (drawn per lineage; by chance, two names of a type would agree far less often)
    rows = tw.sort_values(["client_id", "productcode", "startdatum"])
    end = pd.to_datetime(rows["einddatum"]) + pd.Timedelta(days=1)
    follows = (
        (rows["client_id"] == rows["client_id"].shift())
        & (rows["productcode"] == rows["productcode"].shift())
        & (pd.to_datetime(rows["startdatum"]) == end.shift())
        & rows["verwijzer_naam"].notna()
        & rows["verwijzer_naam"].shift().notna()
    )
    same = rows["verwijzer_naam"] == rows["verwijzer_naam"].shift()
    assert follows.sum() > 100
    assert same[follows].mean() > 0.95


def test_sample_budget_per_law_is_unchanged_and_has_domain_and_taakveld(sample) -> None:
    before = generate_sample()["begroting"]
    after = sample["begroting"]
    old = after.iloc[: len(before)]
    pd.testing.assert_frame_equal(old[list(before.columns)], before)
    assert (
        old["domein"].tolist()
        == before["wet"]
        .map({"wmo": "wmo", "jeugdwet": "jeugdwet", "participatiewet": "participatie"})
        .tolist()
    )
    assert old["taakveld"].str.fullmatch(r"6\.(3|5|6|71|72|82)").all()
    added = after.iloc[len(before) :]
    assert set(added["wet"]) == {"overig"}  # the budget per law stays what it was
    assert set(added["domein"]) == {"toegang", "schuldhulp", "minima", "overig"}
    # every year and version has one line per added domain
    assert (added.groupby(["jaar", "versie"]).size() == 4).all()
    # near what the ledger books for the domain in that year
    ledger = generate_all()[1]["grootboek"]
    lasten = ledger[(ledger["soort"] == "lasten") & (ledger["domein"] == "toegang")]
    booked = lasten.groupby("jaar")["bedrag"].sum()
    budget = added[(added["domein"] == "toegang") & (added["versie"] == "primitief")]
    ratio = budget.set_index("jaar")["bedrag"] / booked.reindex(budget["jaar"]).to_numpy()
    assert np.all((ratio > 0.85) & (ratio < 1.15)), ratio
