"""The corona schemes of the seeds (Tozo, TONK, Tozo loans) as standard measures, on small
hand-built tables with every number worked out by hand in the comments, and the
application counts against a day-by-day reference. Periods: 2020-Q4 (October to
December) and 2021-Q1 (January to March)."""

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
from maatstaf.engine.periods import parse_period, periods_between
from maatstaf.engine.run import RunRequest, Selection, run
from tests import oracle
from tests.helpers import run_engine

D = dt.date
Q3, Q4, Q1 = "2020-Q3", "2020-Q4", "2021-Q1"

AANVRAGEN = """aanvraag_id,client_id,regeling,ontvangen_op,besloten_op,besluit
A1,C1,tozo_3,2021-01-05,2021-01-20,toegekend
A2,C2,tozo_3,2021-03-25,2021-04-10,afgewezen
A3,C3,tozo_4,2021-04-02,2021-04-15,toegekend
A4,C4,tonk,2021-02-01,2021-02-20,toegekend
A5,C5,tonk,2021-02-10,2021-03-31,buiten_behandeling
A6,C6,tonk,2021-03-15,,
A7,C7,tozo_krediet,2020-12-20,2021-01-10,toegekend
A8,C8,wmo,2021-01-10,2021-01-30,toegekend
A9,C9,tozo,2020-10-01,2020-10-20,ingetrokken
A10,C1,tozo_krediet,2021-03-01,2021-03-20,afgewezen
"""
UITKERINGEN = """uitkering_id,huishouden_id,client_id,regeling,startdatum,einddatum,uitstroomreden,bedrag_per_maand
U1,H1,C1,TOZO,2020-04-01,2020-09-30,einde_toekenningsperiode,1000.00
U2,H1,C1,TOZO,2020-10-01,2021-03-31,einde_toekenningsperiode,1000.00
U3,H2,C2,TOZO,2020-11-15,,,1500.00
U4,H3,C3,TONK,2021-02-01,2021-02-01,einde_toekenningsperiode,2000.00
U5,H4,C4,PW,2020-01-01,,,1100.00
U6,H5,C5,TOZO_KREDIET,2021-03-10,2021-03-10,,10000.00
U7,H2,C9,TONK,2021-01-20,2021-01-20,,500.00
"""
BETALINGEN = """betaling_id,uitkering_id,betaald_op,periode,soort,bedrag
B1,U2,2021-01-25,2021-01,periodiek,1000.00
B2,U2,2021-02-25,2021-02,periodiek,1000.00
B3,U3,2021-01-25,2021-01,periodiek,1500.00
B4,U3,2021-03-15,2021-02,terugvordering,-200.00
B5,U4,2021-02-05,2021-02,periodiek,2000.00
B6,U6,2021-03-12,2021-03,periodiek,10000.00
B7,U5,2021-01-25,2021-01,periodiek,1100.00
B8,U2,2020-12-24,2020-12,periodiek,1000.00
B9,U7,2021-04-02,2021-01,nabetaling,500.00
"""
TOEWIJZINGEN = "toewijzing_id,client_id,wet,productcode,startdatum\nT1,C1,wmo,P1,2021-01-01\n"
TABLES = {
    # the folder adapter wants the one table every source has
    "toewijzingen": TOEWIJZINGEN,
    "aanvragen": AANVRAGEN,
    "uitkeringen": UITKERINGEN,
    "betalingen": BETALINGEN,
}
MEASURES = (
    "corona.aanvragen",
    "corona.afgehandeld",
    "corona.toegekend",
    "corona.besluiten",
    "corona.huishoudens",
    "corona.instroom",
    "corona.uitbetaald",
    "corona.ontvangers",
)
SCHEMES = ("tozo", "tonk", "krediet")
Cell = tuple[str, str, tuple[tuple[str, str], ...]]


@pytest.fixture(scope="module")
def library():
    return load_library([bundled_definitions()])


@pytest.fixture(scope="module")
def data(library, tmp_path_factory: pytest.TempPathFactory):
    folder: Path = tmp_path_factory.mktemp("seed_corona")
    for name, text in TABLES.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    loaded = load_data(str(folder), schema=library.table_schema)
    assert loaded.rejected_row_count == 0
    return loaded


@pytest.fixture(scope="module")
def result(library, data):
    return run_engine(data, "quarter", D(2020, 7, 1), D(2021, 3, 31), MEASURES, library)


@pytest.fixture(scope="module")
def figures(result) -> dict[Cell, object]:
    return {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }


def _get(figures, measure: str, period: str, **dims: str) -> object:
    return figures[(measure, period, tuple(sorted(dims.items())))]


# --- applications ---------------------------------------------------------------------------


def test_applications_received_per_scheme_with_the_tranches_together(figures) -> None:
    # Q1: Tozo A1, A2 (both tozo_3; A3 tozo_4 is April); TONK A4, A5, A6 (open, still
    # received); krediet A10 (an increase counts as an application); A8 is wmo
    expected = {"tozo": 2, "tonk": 3, "krediet": 1}
    for scheme, count in expected.items():
        assert _get(figures, "corona.aanvragen", Q1, coronaregeling=scheme) == count, scheme
    # Q4: A9 (tozo without a tranche) and A7 (krediet, received 12-20, decided in January)
    assert _get(figures, "corona.aanvragen", Q4, coronaregeling="tozo") == 1
    assert _get(figures, "corona.aanvragen", Q4, coronaregeling="krediet") == 1
    assert _get(figures, "corona.aanvragen", Q4, coronaregeling="tonk") == 0


def test_applications_handled_count_by_decision_date(figures) -> None:
    # Q1: Tozo A1 (A2 is decided in April); TONK A4 and A5 (decided on the last day, 03-31;
    # A6 has no decision); krediet A7 (received in Q4, decided 01-10) and A10
    expected = {"tozo": 1, "tonk": 2, "krediet": 2}
    for scheme, count in expected.items():
        assert _get(figures, "corona.afgehandeld", Q1, coronaregeling=scheme) == count, scheme
    # Q4: A9 withdrawn 10-20 is handled too
    assert _get(figures, "corona.afgehandeld", Q4, coronaregeling="tozo") == 1


def test_applications_granted(figures) -> None:
    # Q1: A1 (tozo), A4 (tonk), A7 (krediet); A10 rejected, A5 not taken in
    for scheme in SCHEMES:
        assert _get(figures, "corona.toegekend", Q1, coronaregeling=scheme) == 1, scheme
    # Q4: A9 was withdrawn, nothing granted
    for scheme in SCHEMES:
        assert _get(figures, "corona.toegekend", Q4, coronaregeling=scheme) == 0, scheme


def test_decisions_add_up_to_the_handled_applications(figures) -> None:
    # TONK in Q1, as Steenwijkerland's "6 toegekend, 4 afgewezen en 2 niet in behandeling
    # genomen": A4 toegekend, A5 buiten behandeling
    tonk = {"toegekend": 1, "afgewezen": 0, "ingetrokken": 0, "buiten_behandeling": 1}
    for besluit, count in tonk.items():
        got = _get(figures, "corona.besluiten", Q1, coronaregeling="tonk", besluit=besluit)
        assert got == count, besluit
    assert _get(figures, "corona.besluiten", Q1, coronaregeling="krediet", besluit="afgewezen") == 1
    assert _get(figures, "corona.besluiten", Q4, coronaregeling="tozo", besluit="ingetrokken") == 1
    for period in (Q4, Q1):
        for scheme in SCHEMES:
            parts = sum(
                value
                for (measure, label, dims), value in figures.items()
                if measure == "corona.besluiten"
                and label == period
                and ("coronaregeling", scheme) in dims
            )
            assert parts == _get(figures, "corona.afgehandeld", period, coronaregeling=scheme)


def test_tranches_apart_with_the_optional_breakdown(library, data) -> None:
    # Q1 with --by regeling: A1 and A2 are tozo_3; Q2: A3 tozo_4
    request = RunRequest(
        periods=periods_between(parse_period("2021-Q1"), parse_period("2021-Q2"), "quarter"),
        selections=[Selection("corona.aanvragen")],
        optional_dims=("regeling",),
    )
    got = {
        (f.period, tuple(sorted(f.dimensions.items()))): f.value
        for f in run(library, data, request).figures
    }
    assert got[(Q1, (("coronaregeling", "tozo"), ("regeling", "tozo_3")))] == 2
    assert got[("2021-Q2", (("coronaregeling", "tozo"), ("regeling", "tozo_4")))] == 1
    assert got[(Q1, (("coronaregeling", "tonk"), ("regeling", "tonk")))] == 3


# --- benefits and payments ----------------------------------------------------------------


def test_households_with_a_corona_benefit(figures) -> None:
    # Q3 2020: U1 (H1); Q4: U2 (H1) and U3 (H2), U1 ended 09-30
    assert _get(figures, "corona.huishoudens", Q3, regeling="TOZO") == 1
    assert _get(figures, "corona.huishoudens", Q4, regeling="TOZO") == 2
    # Q1: Tozo H1 (U2 until 03-31) and H2 (U3); TONK H3 (U4) and H2 (U7): H2 in both
    # schemes; krediet H5 (U6); the PW benefit U5 is no corona scheme
    assert _get(figures, "corona.huishoudens", Q1, regeling="TOZO") == 2
    assert _get(figures, "corona.huishoudens", Q1, regeling="TONK") == 2
    assert _get(figures, "corona.huishoudens", Q1, regeling="TOZO_KREDIET") == 1
    assert ("corona.huishoudens", Q1, (("regeling", "PW"),)) not in figures


def test_inflow_counts_each_new_benefit(figures) -> None:
    # Q4: U2 (10-01, adjoining U1 of the same household: a new granting period) and U3
    assert _get(figures, "corona.instroom", Q4, regeling="TOZO") == 2
    # Q1: TONK U4 and U7; krediet U6; no new Tozo
    assert _get(figures, "corona.instroom", Q1, regeling="TONK") == 2
    assert _get(figures, "corona.instroom", Q1, regeling="TOZO_KREDIET") == 1
    assert _get(figures, "corona.instroom", Q1, regeling="TOZO") == 0


def test_amounts_paid_by_payment_date_with_recoveries(figures) -> None:
    # Q1 Tozo: B1 1000.00 + B2 1000.00 + B3 1500.00 - B4 200.00 = 3300.00; TONK B5 2000.00
    # (B9 for U7 is paid 04-02); krediet B6 10000.00; B7 is PW
    assert _get(figures, "corona.uitbetaald", Q1, regeling="TOZO") == pytest.approx(3300.00)
    assert _get(figures, "corona.uitbetaald", Q1, regeling="TONK") == pytest.approx(2000.00)
    assert _get(figures, "corona.uitbetaald", Q1, regeling="TOZO_KREDIET") == pytest.approx(
        10000.00
    )
    # Q4: B8 paid 12-24 for December
    assert _get(figures, "corona.uitbetaald", Q4, regeling="TOZO") == pytest.approx(1000.00)


def test_households_paid(figures) -> None:
    # Q1 Tozo: H1 (B1, B2) and H2 (B3, B4) = 2; TONK H3 (B5) = 1, H2's TONK is paid in
    # April; krediet H5 = 1; Q4: H1 (B8)
    assert _get(figures, "corona.ontvangers", Q1, regeling="TOZO") == 2
    assert _get(figures, "corona.ontvangers", Q1, regeling="TONK") == 1
    assert _get(figures, "corona.ontvangers", Q1, regeling="TOZO_KREDIET") == 1
    assert _get(figures, "corona.ontvangers", Q4, regeling="TOZO") == 1


def test_no_payments_table_is_no_figure(library, tmp_path: Path) -> None:
    (tmp_path / "toewijzingen.csv").write_text(TOEWIJZINGEN, encoding="utf-8")
    (tmp_path / "uitkeringen.csv").write_text(UITKERINGEN, encoding="utf-8")
    loaded = load_data(str(tmp_path), schema=library.table_schema)
    result = run_engine(
        loaded, "quarter", D(2021, 1, 1), D(2021, 3, 31), ("corona.uitbetaald",), library
    )
    assert not [f for f in result.figures if f.value is not None]
    assert [n for n in result.notes if n.measure == "corona.uitbetaald"]


def test_a_scheme_never_in_the_data_is_said(library, tmp_path: Path) -> None:
    # a source without any corona application counts 0, and the notes say why: the codes
    # never occur (here only wmo does); in the hand-built data above, where tozo_3 occurs,
    # an absent tranche such as tozo_5 is no typo of an occurring code and is not said
    (tmp_path / "toewijzingen.csv").write_text(TOEWIJZINGEN, encoding="utf-8")
    only_wmo = "\n".join(AANVRAGEN.splitlines()[0:1] + AANVRAGEN.splitlines()[8:9]) + "\n"
    (tmp_path / "aanvragen.csv").write_text(only_wmo, encoding="utf-8")
    loaded = load_data(str(tmp_path), schema=library.table_schema)
    measures = ("corona.aanvragen",)
    result = run_engine(loaded, "quarter", D(2021, 1, 1), D(2021, 3, 31), measures, library)
    assert {f.dimensions["coronaregeling"]: f.value for f in result.figures} == {
        "tozo": 0,
        "tonk": 0,
        "krediet": 0,
    }
    notes = " ".join(n.message for n in result.notes if n.measure == "corona.aanvragen")
    assert '"tonk" komt in kolom regeling van aanvragen nergens voor' in notes
    assert '(wel: "wmo")' in notes


def test_an_absent_tranche_beside_occurring_ones_is_not_said(result) -> None:
    notes = " ".join(n.message for n in result.notes if n.measure == "corona.aanvragen")
    assert "tozo_5" not in notes


# --- applications against the day-by-day oracle ------------------------------------------

CODES = ("tozo", "tozo_3", "tozo_4", "tonk", "tozo_krediet", "wmo", "participatiewet")
BESLUITEN = ("toegekend", "afgewezen", "ingetrokken", "buiten_behandeling")


def _scheme(code: str) -> str | None:
    if code.startswith("tozo_krediet"):
        return "krediet"
    if code.startswith("tozo"):
        return "tozo"
    return "tonk" if code == "tonk" else None


@st.composite
def _applications(draw: st.DrawFn) -> list[dict]:
    rows = []
    for i in range(draw(st.integers(0, 16))):
        received = D(2020, 12, 1) + dt.timedelta(days=draw(st.integers(0, 150)))
        wait = draw(st.one_of(st.none(), st.integers(0, 60)))
        rows.append(
            {
                "id": f"A{i}",
                "regeling": draw(st.sampled_from(CODES)),
                "ontvangen_op": received,
                "besloten_op": None if wait is None else received + dt.timedelta(days=wait),
                "besluit": None if wait is None else draw(st.sampled_from(BESLUITEN)),
            }
        )
    return rows


def _applications_oracle(rows: list[dict]) -> dict[Cell, int]:
    expected: dict[Cell, int] = {}
    for label in oracle.labels_between(D(2021, 1, 1), D(2021, 4, 30), "month"):
        period = oracle.parse_label(label)
        corona = [r for r in rows if _scheme(r["regeling"])]
        received = Counter(
            _scheme(r["regeling"]) for r in corona if oracle.in_period(r["ontvangen_op"], period)
        )
        decided = [r for r in corona if oracle.in_period(r["besloten_op"], period)]
        handled = Counter(_scheme(r["regeling"]) for r in decided)
        granted = Counter(_scheme(r["regeling"]) for r in decided if r["besluit"] == "toegekend")
        decisions = Counter((_scheme(r["regeling"]), r["besluit"]) for r in decided)
        for scheme in SCHEMES:
            dims = (("coronaregeling", scheme),)
            expected[("corona.aanvragen", label, dims)] = received[scheme]
            expected[("corona.afgehandeld", label, dims)] = handled[scheme]
            expected[("corona.toegekend", label, dims)] = granted[scheme]
            for besluit in BESLUITEN:
                cell = (("besluit", besluit), ("coronaregeling", scheme))
                expected[("corona.besluiten", label, cell)] = decisions[(scheme, besluit)]
    return expected


def _applications_csv(rows: list[dict]) -> str:
    def cell(value: object) -> str:
        return "" if value is None else str(value)

    lines = ["aanvraag_id,client_id,regeling,ontvangen_op,besloten_op,besluit"]
    for r in rows:
        values = (r["id"], "C1", r["regeling"], r["ontvangen_op"], r["besloten_op"], r["besluit"])
        lines.append(",".join(map(cell, values)))
    return "\n".join(lines) + "\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_applications())
def test_application_figures_agree_with_the_oracle(library, rows: list[dict]) -> None:
    measures = ("corona.aanvragen", "corona.afgehandeld", "corona.toegekend", "corona.besluiten")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "toewijzingen.csv").write_text(TOEWIJZINGEN, encoding="utf-8")
        (folder / "aanvragen.csv").write_text(_applications_csv(rows), encoding="utf-8")
        loaded = load_data(str(folder), schema=library.table_schema)
        result = run_engine(loaded, "month", D(2021, 1, 1), D(2021, 4, 30), measures, library)
    actual = {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }
    for key, value in _applications_oracle(rows).items():
        assert actual.get(key) == value, (key, rows)
