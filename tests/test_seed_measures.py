"""The seed figures of debt help, minima, complaints and satisfaction as standard
measures, on small hand-built tables with every number worked out by hand in the comments.
Periods: 2020-Q4 (peildatum 2020-12-31) and 2021-Q1 (peildatum 2021-03-31)."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maatstaf.adapters.registry import load_data
from maatstaf.dsl.load import bundled_definitions, load_library
from tests import oracle
from tests.helpers import run_engine

D = dt.date
Q4, Q1 = "2020-Q4", "2021-Q1"

SCHULDHULP = """traject_id,huishouden_id,client_id,aangemeld_op,eerste_gesprek_op,crisis,gestart_op,beeindigd_op,uitkomst,inkomensbron
S1,H1,C1,2020-11-02,2020-11-20,nee,2020-12-01,2021-02-15,schuldenvrij,werk
S2,H2,C2,2021-01-05,2021-01-25,nee,2021-02-10,,,uitkering
S3,H3,C3,2021-01-10,2021-02-12,nee,,2021-03-31,uitgevallen,overig
S4,H4,C4,2021-02-01,2021-02-03,ja,2021-02-20,,,werk
S5,H5,C5,2020-06-01,2020-06-20,nee,2020-07-01,2021-01-31,stabiel,uitkering
S6,H6,C6,2020-09-01,2020-09-10,nee,2020-10-01,2021-03-15,doorverwezen,werk
S7,H7,C7,2021-03-20,2021-04-16,nee,,,,overig
S8,H8,C8,2020-12-10,2021-01-07,,,2021-01-20,afgewezen,overig
S9,H9,C9,2019-05-01,2019-05-10,nee,2019-06-01,2020-12-31,schuldenvrij,werk
"""
SIGNALEN = """signaal_id,ontvangen_op,partner,huishouden_id,opgevolgd_op,uitkomst
V1,2021-01-04,woningcorporatie,H1,2021-01-10,contact
V2,2021-01-15,energie,H2,2021-01-20,hulp_gestart
V3,2021-02-01,energie,,,
V4,2021-03-30,zorgverzekeraar,H3,2021-04-05,hulp_gestart
V5,2020-12-20,water,H4,2021-01-05,hulp_gestart
"""
MINIMA = """toekenning_id,huishouden_id,regeling,aangevraagd_op,toegekend_op,bedrag,inkomen_pct_sociaal_minimum,werkend
M1,H1,collectieve_zorgverzekering,,2021-01-05,250.00,105,nee
M2,H1,bijzondere_bijstand,2021-01-20,2021-02-10,400.50,105,nee
M3,H2,maatwerk,2021-02-01,2021-02-20,1200.00,120,ja
M4,H3,meedoen,2021-03-01,2021-03-05,150.00,110,ja
M5,H4,kindpakket,2021-03-10,2021-03-25,200.00,131,ja
M6,H5,maatwerk,2021-03-01,2021-03-31,300.00,125,nee
M7,H6,bijzondere_bijstand,2020-12-01,2020-12-15,99.99,100,nee
M8,H2,meedoen,,2021-04-02,150.00,120,ja
"""
DOELGROEPEN = """gemeten_op,doelgroep,aantal
2020-01-01,minima_tot_120,20
2021-01-01,minima_tot_120,25
2021-06-01,minima_tot_120,40
2021-01-01,werkende_armen,8
"""
KLACHTEN = """klacht_id,domein,ontvangen_op,afgehandeld_op,oordeel
K1,wmo,2021-01-10,2021-02-01,gegrond
K2,wmo,2021-02-15,2021-03-01,deels_gegrond
K3,jeugdwet,2021-03-20,,
K4,toegang,2021-03-31,2021-04-20,ongegrond
K5,wmo,2020-12-30,2021-01-15,gegrond
"""
TEVREDENHEID = """onderzoek,domein,jaar,vraag,score,eenheid,respondenten
cev_2021a,wmo,2021,kwaliteit,8.00,cijfer,30
cev_2021b,wmo,2021,kwaliteit,7.00,cijfer,10
cev_2021a,wmo,2021,effect,0.80,aandeel,30
cev_2021a,schuldhulp,2021,kwaliteit,9.00,cijfer,6
cev_2021a,jeugdwet,2021,kwaliteit,7.50,cijfer,9
cev_2021a,jeugdwet,2021,bejegening,8.20,cijfer,12
cev_2020,wmo,2020,kwaliteit,6.00,cijfer,50
"""
TABLES = {
    # the folder adapter wants the one table every source has
    "toewijzingen": "toewijzing_id,client_id,wet,productcode,startdatum\nT1,C1,wmo,P1,2021-01-01\n",
    "schuldhulp": SCHULDHULP,
    "signalen": SIGNALEN,
    "minimaregelingen": MINIMA,
    "doelgroepen": DOELGROEPEN,
    "klachten": KLACHTEN,
    "tevredenheid": TEVREDENHEID,
}
QUARTERLY = (
    "schuldhulp.aanmeldingen",
    "schuldhulp.lopend",
    "schuldhulp.beeindigd",
    "schuldhulp.succespercentage",
    "schuldhulp.eerste_gesprek_tijdig",
    "schuldhulp.signalen",
    "schuldhulp.signalen_opgevolgd",
    "schuldhulp.signalen_hulp_gestart",
    "minima.doelgroep",
    "minima.bereikte_huishoudens",
    "minima.bereikte_werkende_armen",
    "minima.bereik",
    "minima.bereik_werkende_armen",
    "minima.uitgaven",
    "klachten.ontvangen",
    "klachten.naar_oordeel",
)
YEARLY = ("tevredenheid.respondenten", "tevredenheid.cijfer")
Cell = tuple[str, str, tuple[tuple[str, str], ...]]


@pytest.fixture(scope="module")
def library():
    return load_library([bundled_definitions()])


@pytest.fixture(scope="module")
def figures(library, tmp_path_factory: pytest.TempPathFactory) -> dict[Cell, object]:
    folder: Path = tmp_path_factory.mktemp("seed_measures")
    for name, text in TABLES.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    data = load_data(str(folder), schema=library.table_schema)
    assert data.rejected_row_count == 0
    quarters = run_engine(data, "quarter", D(2020, 10, 1), D(2021, 3, 31), QUARTERLY, library)
    years = run_engine(data, "year", D(2020, 1, 1), D(2021, 12, 31), YEARLY, library)
    return {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value
        for f in (*quarters.figures, *years.figures)
    }


def _get(figures, measure: str, period: str, **dims: str) -> object:
    return figures[(measure, period, tuple(sorted(dims.items())))]


# --- debt help ----------------------------------------------------------------------------


def test_registrations(figures) -> None:
    # aangemeld_op in the quarter: Q4 S1 (11-02), S8 (12-10); Q1 S2, S3, S4, S7
    assert _get(figures, "schuldhulp.aanmeldingen", Q4) == 2
    assert _get(figures, "schuldhulp.aanmeldingen", Q1) == 4


def test_running_trajectories(figures) -> None:
    # on 2020-12-31: S1, S5, S6, S8 and S9 (its last day, inclusive) = 5
    assert _get(figures, "schuldhulp.lopend", Q4) == 5
    # on 2021-03-31: S2, S4, S7 (open) and S3 (ends that day) = 4; S1, S5, S6, S8 ended
    assert _get(figures, "schuldhulp.lopend", Q1) == 4


def test_ended_trajectories_by_outcome(figures) -> None:
    # Q4: S9 (2020-12-31); Q1: S5 01-31 stabiel, S8 01-20 afgewezen, S1 02-15 schuldenvrij,
    # S6 03-15 doorverwezen, S3 03-31 uitgevallen: one each
    assert _get(figures, "schuldhulp.beeindigd", Q4, uitkomst="schuldenvrij") == 1
    assert _get(figures, "schuldhulp.beeindigd", Q4, uitkomst="stabiel") == 0
    for outcome in ("schuldenvrij", "stabiel", "doorverwezen", "uitgevallen", "afgewezen"):
        assert _get(figures, "schuldhulp.beeindigd", Q1, uitkomst=outcome) == 1, outcome


def test_success_rate_leaves_referred_and_declined_out(figures) -> None:
    # Q4: S9 schuldenvrij of {S9} = 1; Q1: S1 and S5 of {S1, S5, S3}; S6 (doorverwezen) and
    # S8 (afgewezen) are neither success nor failure = 2/3
    assert _get(figures, "schuldhulp.succespercentage", Q4) == pytest.approx(1.0)
    assert _get(figures, "schuldhulp.succespercentage", Q1) == pytest.approx(2 / 3)


def test_first_interview_within_four_weeks(figures) -> None:
    # Q4: S1 interviewed 11-20, 18 days after 11-02 = 1/1
    assert _get(figures, "schuldhulp.eerste_gesprek_tijdig", Q4) == pytest.approx(1.0)
    # Q1 interviews without crisis: S2 20 days (yes), S3 33 days (no), S8 28 days (yes,
    # crisis empty counts as no crisis); S4 is a crisis, S7's interview is in Q2 = 2/3
    assert _get(figures, "schuldhulp.eerste_gesprek_tijdig", Q1) == pytest.approx(2 / 3)


def test_signals_by_partner_and_follow_up(figures) -> None:
    # Q1: V1 woningcorporatie, V2 and V3 energie, V4 zorgverzekeraar; V5 is Q4 (water)
    expected = {"woningcorporatie": 1, "energie": 2, "water": 0, "zorgverzekeraar": 1}
    for partner, count in expected.items():
        assert _get(figures, "schuldhulp.signalen", Q1, partner=partner) == count, partner
    assert _get(figures, "schuldhulp.signalen", Q4, partner="water") == 1
    # followed up: V1, V2, V4 of the 4 received in Q1 (V4 in April, still followed) = 0.75
    assert _get(figures, "schuldhulp.signalen_opgevolgd", Q1) == pytest.approx(0.75)
    assert _get(figures, "schuldhulp.signalen_opgevolgd", Q4) == pytest.approx(1.0)
    # help started: V2 and V4 in Q1, V5 in Q4
    assert _get(figures, "schuldhulp.signalen_hulp_gestart", Q1) == 2
    assert _get(figures, "schuldhulp.signalen_hulp_gestart", Q4) == 1


# --- minima -------------------------------------------------------------------------------


def test_households_reached(figures) -> None:
    # Q1 grants: H1 (twice: once), H2, H3, H4, H5 = 5; M8 (H2) is April; Q4: H6 = 1
    assert _get(figures, "minima.bereikte_huishoudens", Q1) == 5
    assert _get(figures, "minima.bereikte_huishoudens", Q4) == 1
    # working, income 110-130 %: H2 (120), H3 (110, the bound); H4 131 % and H5 not working
    assert _get(figures, "minima.bereikte_werkende_armen", Q1) == 2


def test_target_group_is_the_latest_count_on_the_peildatum(figures) -> None:
    # minima_tot_120 on 2021-03-31: the count of 2021-01-01 (25), not that of 2021-06-01
    assert _get(figures, "minima.doelgroep", Q1, doelgroep="minima_tot_120") == 25
    assert _get(figures, "minima.doelgroep", Q4, doelgroep="minima_tot_120") == 20
    assert _get(figures, "minima.doelgroep", Q1, doelgroep="werkende_armen") == 8
    # no count of werkende_armen on or before 2020-12-31: no figure, never 0
    key = ("minima.doelgroep", Q4, (("doelgroep", "werkende_armen"),))
    assert figures.get(key) is None


def test_reach(figures) -> None:
    # Q1: 5 / 25 = 0.2 and 2 / 8 = 0.25; Q4: 1 / 20 = 0.05, and no count of working poor
    # before 2021, so no figure (no data is not 0)
    assert _get(figures, "minima.bereik", Q1) == pytest.approx(0.2)
    assert _get(figures, "minima.bereik", Q4) == pytest.approx(0.05)
    assert _get(figures, "minima.bereik_werkende_armen", Q1) == pytest.approx(0.25)
    assert figures.get(("minima.bereik_werkende_armen", Q4, ())) is None


def test_amounts_per_scheme(figures) -> None:
    # Q1: maatwerk 1200.00 + 300.00; bijzondere bijstand 400.50 (M7 is December)
    expected = {
        "maatwerk": 1500.00,
        "bijzondere_bijstand": 400.50,
        "collectieve_zorgverzekering": 250.00,
        "meedoen": 150.00,
        "kindpakket": 200.00,
    }
    for regeling, amount in expected.items():
        value = _get(figures, "minima.uitgaven", Q1, regeling=regeling)
        assert value == pytest.approx(amount), regeling
    assert _get(figures, "minima.uitgaven", Q4, regeling="bijzondere_bijstand") == pytest.approx(
        99.99
    )


# --- complaints and satisfaction --------------------------------------------------------


def test_complaints_received(figures) -> None:
    # Q1: K1, K2 wmo; K3 jeugdwet; K4 toegang (received on the last day); K5 is December
    assert _get(figures, "klachten.ontvangen", Q1, domein="wmo") == 2
    assert _get(figures, "klachten.ontvangen", Q1, domein="jeugdwet") == 1
    assert _get(figures, "klachten.ontvangen", Q1, domein="toegang") == 1
    assert _get(figures, "klachten.ontvangen", Q4, domein="wmo") == 1


def test_complaints_by_judgement_keep_partly_founded_apart(figures) -> None:
    # Q1: K1 gegrond, K2 deels gegrond, K4 ongegrond, K3 not yet judged (onbekend)
    expected = {"gegrond": 1, "deels_gegrond": 1, "ongegrond": 1, "ingetrokken": 0}
    for oordeel, count in expected.items():
        assert _get(figures, "klachten.naar_oordeel", Q1, oordeel=oordeel) == count, oordeel
    assert _get(figures, "klachten.naar_oordeel", Q1, oordeel="onbekend") == 1


def test_satisfaction_is_weighted_by_respondents_and_suppressed_when_small(figures) -> None:
    # wmo kwaliteit 2021: (8.00 x 30 + 7.00 x 10) / (30 + 10) = 310 / 40 = 7.75 (the
    # unweighted mean would be 7.5); the share "effect" is no mark and stays out
    cijfer = "tevredenheid.cijfer"
    assert _get(figures, cijfer, "2021", domein="wmo", vraag="kwaliteit") == pytest.approx(7.75)
    assert _get(figures, "tevredenheid.respondenten", "2021", domein="wmo", vraag="kwaliteit") == 40
    assert _get(figures, cijfer, "2020", domein="wmo", vraag="kwaliteit") == pytest.approx(6.0)
    # jeugdwet bejegening: 12 respondents, shown; jeugdwet kwaliteit (9) and schuldhulp
    # kwaliteit (6) have fewer than 10: no figure
    assert _get(figures, cijfer, "2021", domein="jeugdwet", vraag="bejegening") == pytest.approx(
        8.2
    )
    for domein in ("jeugdwet", "schuldhulp"):
        key = (cijfer, "2021", (("domein", domein), ("vraag", "kwaliteit")))
        assert figures.get(key) is None, domein


def test_without_the_seed_tables_there_is_no_figure_and_no_crash(library, tmp_path: Path) -> None:
    # only the table every source has: the minima reach, which takes one target group of
    # a measure whose table is absent, has no figure and says why
    (tmp_path / "toewijzingen.csv").write_text(TABLES["toewijzingen"], encoding="utf-8")
    data = load_data(str(tmp_path), schema=library.table_schema)
    measures = ("minima.bereik", "schuldhulp.aanmeldingen")
    result = run_engine(data, "quarter", D(2021, 1, 1), D(2021, 3, 31), measures, library)
    values = {(f.measure, f.period): f.value for f in result.figures if not f.dimensions}
    assert values.get(("minima.bereik", Q1)) is None
    assert values.get(("schuldhulp.aanmeldingen", Q1)) is None  # no table is no 0
    notes = " ".join(n.message for n in result.notes if n.measure == "minima.bereik")
    assert "minima.doelgroep heeft daar geen cijfer" in notes


# --- debt help against the day-by-day oracle ------------------------------------------------

OUTCOMES = ("schuldenvrij", "stabiel", "doorverwezen", "uitgevallen", "afgewezen")
DEBT_MEASURES = (
    "schuldhulp.aanmeldingen",
    "schuldhulp.lopend",
    "schuldhulp.beeindigd",
    "schuldhulp.succespercentage",
    "schuldhulp.eerste_gesprek_tijdig",
)


@st.composite
def _trajectories(draw: st.DrawFn) -> list[dict]:
    rows = []
    for i in range(draw(st.integers(0, 14))):
        start = D(2020, 11, 1) + dt.timedelta(days=draw(st.integers(0, 200)))
        # the norm's edge (28 days) drawn often, so an off-by-one cannot pass unseen
        interview = draw(st.one_of(st.none(), st.sampled_from([27, 28, 29]), st.integers(0, 60)))
        length = draw(st.one_of(st.none(), st.integers(0, 150)))
        rows.append(
            {
                "traject_id": f"S{i}",
                "startdatum": start,
                "gesprek": None if interview is None else start + dt.timedelta(days=interview),
                "crisis": draw(st.sampled_from(["ja", "nee", None])),
                "einddatum": None if length is None else start + dt.timedelta(days=length),
                "uitkomst": draw(st.sampled_from([*OUTCOMES, None])),
            }
        )
    return rows


def _debt_oracle(rows: list[dict]) -> dict[Cell, object]:
    expected: dict[Cell, object] = {}
    for label in oracle.labels_between(D(2021, 1, 1), D(2021, 4, 30), "month"):
        period = oracle.parse_label(label)
        ended = [r for r in rows if oracle.ends_in(r, period)]
        outcomes = Counter(r["uitkomst"] or "onbekend" for r in ended)
        for outcome in (*OUTCOMES, "onbekend"):
            key = ("schuldhulp.beeindigd", label, (("uitkomst", outcome),))
            expected[key] = outcomes[outcome]
        judged = [r for r in ended if r["uitkomst"] in ("schuldenvrij", "stabiel", "uitgevallen")]
        success = sum(r["uitkomst"] != "uitgevallen" for r in judged)
        talks = [r for r in rows if oracle.in_period(r["gesprek"], period) and r["crisis"] != "ja"]
        in_time = sum((r["gesprek"] - r["startdatum"]).days <= 28 for r in talks)
        expected |= {
            ("schuldhulp.aanmeldingen", label, ()): sum(
                oracle.in_period(r["startdatum"], period) for r in rows
            ),
            ("schuldhulp.lopend", label, ()): sum(oracle.covers(r, period.end) for r in rows),
            ("schuldhulp.succespercentage", label, ()): oracle.ratio(success, len(judged)),
            ("schuldhulp.eerste_gesprek_tijdig", label, ()): oracle.ratio(in_time, len(talks)),
        }
    return expected


def _debt_csv(rows: list[dict]) -> str:
    def cell(value: object) -> str:
        return "" if value is None else str(value)

    lines = ["traject_id,huishouden_id,aangemeld_op,eerste_gesprek_op,crisis,beeindigd_op,uitkomst"]
    for r in rows:
        values = (r["traject_id"], "H1", r["startdatum"], r["gesprek"], r["crisis"])
        lines.append(",".join(map(cell, (*values, r["einddatum"], r["uitkomst"]))))
    return "\n".join(lines) + "\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_trajectories())
def test_debt_help_figures_agree_with_the_oracle(library, rows: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "toewijzingen.csv").write_text(TABLES["toewijzingen"], encoding="utf-8")
        (folder / "schuldhulp.csv").write_text(_debt_csv(rows), encoding="utf-8")
        data = load_data(str(folder), schema=library.table_schema)
        result = run_engine(data, "month", D(2021, 1, 1), D(2021, 4, 30), DEBT_MEASURES, library)
    actual = {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }
    for key, value in _debt_oracle(rows).items():
        if value is None:
            assert actual.get(key) is None, key
        else:
            assert actual.get(key) == pytest.approx(float(value)), (key, rows)
