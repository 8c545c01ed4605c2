"""Regression tests for the engine's part of issue 12 (defects found by trying maatstaf as a
new user and as an attacker would). Each expected number is worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from maatstaf.dsl.load import load_library
from maatstaf.dsl.model import Library
from maatstaf.renderers.json_renderer import JsonRenderer
from tests import oracle
from tests.helpers import loaded, run_engine
from tests.test_measures_by_hand import assert_figures, tw

# --- item 3: herhaald beroep counts only a start that begins a new traject -------------------

HERHAALD_BEROEP_ROWS = [
    # R: restart of running care: r2 runs on past 2021-01-01 -> r3 begins no new traject
    # (the older r1 ended with a gap would otherwise make it a repetition).
    tw("r1", "R", "jeugdwet", "45A48", "2017-01-01", "2018-12-31"),
    tw("r2", "R", "jeugdwet", "45A48", "2019-06-01", "2021-06-30"),
    tw("r3", "R", "jeugdwet", "45A48", "2021-01-01", None),
    # S: adjoining k: s2 ends the day before s3 starts -> continuation, not counted.
    tw("s1", "S", "jeugdwet", "45A48", "2016-01-01", "2017-05-31"),
    tw("s2", "S", "jeugdwet", "45A48", "2019-01-01", "2020-12-31"),
    tw("s3", "S", "jeugdwet", "45A48", "2021-01-01", None),
    # O: open k (o2 has no einddatum) counts as running -> o3 not counted.
    tw("o1", "O", "jeugdwet", "45A48", "2016-01-01", "2018-03-31"),
    tw("o2", "O", "jeugdwet", "45A48", "2019-01-01", None),
    tw("o3", "O", "jeugdwet", "45A48", "2021-01-15", None),
    # P: two starts on the same day: neither started before the other -> both counted (2).
    tw("p1", "P", "jeugdwet", "45A48", "2018-01-01", "2019-12-31"),
    tw("p2", "P", "jeugdwet", "45A48", "2021-01-10", None),
    tw("p3", "P", "jeugdwet", "45A48", "2021-01-10", "2021-03-31"),
    # Q: q0 ended in 2019; q1 ended two days before q2 starts (one day between) -> q2
    # begins a new traject, counted (1).
    tw("q0", "Q", "jeugdwet", "45A48", "2018-01-01", "2019-02-28"),
    tw("q1", "Q", "jeugdwet", "45A48", "2020-01-01", "2021-01-18"),
    tw("q2", "Q", "jeugdwet", "45A48", "2021-01-20", None),
    # W: the running care is Wmo, not Jeugdwet -> w3 counted (1).
    tw("w1", "W", "jeugdwet", "45A48", "2018-01-01", "2019-01-31"),
    tw("w2", "W", "wmo", "02A05", "2019-06-01", None),
    tw("w3", "W", "jeugdwet", "45A48", "2021-01-05", None),
    # X: the running Jeugdwet row was removed (13) -> x3 counted (1).
    tw("x1", "X", "jeugdwet", "45A48", "2018-01-01", "2019-03-31"),
    tw("x2", "X", "jeugdwet", "45A48", "2020-01-01", None, reden_wijziging="13"),
    tw("x3", "X", "jeugdwet", "45A48", "2021-01-25", None),
]
# January 2021: p2 + p3 + q2 + w3 + x3 = 5 (the old rule also counted r3, s3 and o3: 8).
# February 2021: nothing starts -> 0.


def test_herhaald_beroep_needs_a_new_traject() -> None:
    result = run_engine(
        loaded(toewijzingen=HERHAALD_BEROEP_ROWS),
        "month",
        dt.date(2021, 1, 1),
        dt.date(2021, 2, 28),
        ["jeugd.herhaald_beroep"],
    )
    assert_figures(result, "jeugd.herhaald_beroep", {"2021-01": 5, "2021-02": 0})


def test_oracle_herhaald_beroep_needs_a_new_traject() -> None:
    found = oracle.all_figures(
        {"toewijzingen": HERHAALD_BEROEP_ROWS},
        "month",
        ["2021-01", "2021-02"],
        ["jeugd.herhaald_beroep"],
    )
    assert found[("jeugd.herhaald_beroep", "2021-01", ())] == 5
    assert found[("jeugd.herhaald_beroep", "2021-02", ())] == 0


# --- item 9: no data is not zero ------------------------------------------------------------


def claim(declaratie_id: str, toewijzing_id: str, client_id: str, start: str, bedrag: str) -> dict:
    first = dt.date.fromisoformat(start)
    return {
        "declaratie_id": declaratie_id,
        "toewijzing_id": toewijzing_id,
        "client_id": client_id,
        "periode_start": first,
        "periode_eind": first + dt.timedelta(days=27),
        "bedrag": Decimal(bedrag),
    }


def budget_line(jaar: int, wet: str, bedrag: str) -> dict:
    return {"jaar": jaar, "wet": wet, "bedrag": Decimal(bedrag), "versie": "primitief"}


# T1 (Wmo) runs 2018-01-01 .. 2019-12-31 with a budget of 730: one euro a day. The only
# claim is 100 for March 2019: 2018 has no claims at all.
MONEY = loaded(
    toewijzingen=[
        tw("T1", "A", "wmo", "02A05", "2018-01-01", "2019-12-31", budget=Decimal(730)),
        tw("T2", "B", "jeugdwet", "45A48", "2019-01-01", "2019-12-31", budget=Decimal(365)),
    ],
    declaraties=[
        claim("D1", "T1", "A", "2019-03-01", "100"),
        claim("D2", "T2", "B", "2019-04-01", "50"),
    ],
    begroting=[
        budget_line(2019, "wmo", "1000"),
        budget_line(2019, "jeugdwet", "500"),
        budget_line(2019, "participatiewet", "2000"),
    ],
)


def notes_of(result, measure: str) -> list[str]:
    return [n.message for n in result.notes if n.measure == measure]


def test_realisatie_begroting_of_a_law_without_claims_is_no_figure() -> None:
    result = run_engine(
        MONEY, "year", dt.date(2019, 1, 1), dt.date(2019, 12, 31), ["realisatie_begroting"]
    )
    # wmo 100 / 1000, jeugdwet 50 / 500; participatiewet is never claimed through
    # declaraties: no figure (not 0 %).
    assert_figures(
        result,
        "realisatie_begroting",
        {"2019": {"wmo": 0.1, "jeugdwet": 0.1, "participatiewet": None}},
        dims=("wet",),
        default=None,
    )
    [note] = [n for n in notes_of(result, "realisatie_begroting") if "participatiewet" in n]
    assert "verzilvering" in note and "geen cijfer" in note


def test_verzilveringsgraad_of_a_year_without_claims_is_no_figure() -> None:
    result = run_engine(
        MONEY, "year", dt.date(2018, 1, 1), dt.date(2019, 12, 31), ["verzilveringsgraad"]
    )
    # 2018: T1 commits 365 but no claim starts in 2018 at all -> no figure.
    # 2019: wmo 100 / 365, jeugdwet 50 / 365.
    assert_figures(
        result,
        "verzilveringsgraad",
        {"2018": {"wmo": None, "jeugdwet": None}, "2019": {"wmo": 100 / 365, "jeugdwet": 50 / 365}},
        dims=("wet",),
        default=None,
    )
    verzilvering = run_engine(
        MONEY, "year", dt.date(2018, 1, 1), dt.date(2018, 12, 31), ["verzilvering"]
    )
    assert all(f.value is None for f in verzilvering.figures)
    [note] = notes_of(verzilvering, "verzilvering")
    assert "declaraties" in note and "2018" in note


def test_prognose_uses_factor_1_after_a_year_without_claims() -> None:
    result = run_engine(
        MONEY, "month", dt.date(2019, 6, 1), dt.date(2019, 6, 30), ["prognose_uitgaven"]
    )
    # June 2019, wmo: claims so far 100 + T1's commitment after June (184 days: 1 July ..
    # 31 December, one euro a day) x 1 (2018 has no verzilveringsgraad) = 284.
    # jeugdwet: 50 + 184 x (365 / 365 per day = 1) x 1 (T2 did not run in 2018) = 234.
    assert_figures(
        result, "prognose_uitgaven", {"2019-06": {"wmo": 284, "jeugdwet": 234}}, dims=("wet",)
    )


def _custom(tmp_path: Path, body: str) -> Library:
    (tmp_path / "x.kpi").write_text(body, encoding="utf-8")
    return load_library([tmp_path / "x.kpi"])


def test_an_empty_value_in_bands_is_onbekend(tmp_path: Path) -> None:
    library = _custom(
        tmp_path,
        'measure jeugd.naar_leeftijd {\n  label "L"\n  unit clienten\n  owner "o"\n'
        '  description "d"\n  count distinct client_id in toewijzingen\n'
        "  where active in period\n"
        "  by leeftijdsklasse = age(client.geboortedatum, peildatum)\n"
        '     in bands "0-17" under 18, "18+"\n}\n',
    )
    data = loaded(
        toewijzingen=[
            tw("t1", "A", "jeugdwet", "45A48", "2020-01-01"),
            tw("t2", "B", "jeugdwet", "45A48", "2020-01-01"),
            tw("t3", "C", "jeugdwet", "45A48", "2020-01-01"),
        ],
        clienten=[
            {"client_id": "A", "geboortedatum": dt.date(2010, 5, 1)},  # 10 on 2020-12-31
            {"client_id": "B", "geboortedatum": dt.date(1990, 5, 1)},  # 30
            {"client_id": "C", "geboortedatum": None},  # unknown age
        ],
    )
    result = run_engine(data, "year", dt.date(2020, 1, 1), dt.date(2020, 12, 31), library=library)
    assert_figures(
        result,
        "jeugd.naar_leeftijd",
        {"2020": {"0-17": 1, "18+": 1, "onbekend": 1}},
        dims=("leeftijdsklasse",),
    )


def test_an_overflowing_compute_is_no_figure_with_a_note(tmp_path: Path) -> None:
    huge = "1" + "0" * 400
    library = _custom(
        tmp_path,
        'measure jeugd.tel {\n  label "T"\n  unit toewijzingen\n  owner "o"\n'
        '  description "d"\n  count toewijzingen\n  where active in period\n}\n'
        'measure jeugd.groot {\n  label "G"\n  unit toewijzingen\n  owner "o"\n'
        f'  description "d"\n  compute jeugd.tel * {huge}\n}}\n',
    )
    data = loaded(toewijzingen=[tw("t1", "A", "jeugdwet", "45A48", "2020-01-01")])
    result = run_engine(data, "year", dt.date(2020, 1, 1), dt.date(2020, 12, 31), library=library)
    [figure] = [f for f in result.figures if f.measure == "jeugd.groot"]
    assert figure.value is None
    [note] = notes_of(result, "jeugd.groot")
    assert "2020" in note and "geen cijfer" in note
    assert "Infinity" not in JsonRenderer().render(result, library)


# --- item 15: a named dimension through a link -----------------------------------------------


def test_a_named_dimension_through_a_link_runs(tmp_path: Path) -> None:
    library = _custom(
        tmp_path,
        "dimension categorie of declaraties = toewijzing.hoofdcategorie\n\n"
        'measure wmo.per_categorie {\n  label "P"\n  unit euro\n  owner "o"\n'
        '  description "d"\n  sum bedrag in declaraties\n  where periode_start in period\n'
        "  by categorie\n}\n",
    )
    data = loaded(
        toewijzingen=[
            tw("T1", "A", "wmo", "02A05", "2020-01-01", hoofdcategorie="huishoudelijke_hulp"),
            tw("T2", "B", "wmo", "02A05", "2020-01-01"),
        ],
        declaraties=[
            claim("D1", "T1", "A", "2020-02-01", "100"),
            claim("D2", "T1", "A", "2020-03-01", "20"),
            claim("D3", "T2", "B", "2020-03-01", "7"),
        ],
    )
    result = run_engine(data, "year", dt.date(2020, 1, 1), dt.date(2020, 12, 31), library=library)
    # T1's claims 100 + 20 under its category; T2 has none: 7 under onbekend.
    assert_figures(
        result,
        "wmo.per_categorie",
        {"2020": {"huishoudelijke_hulp": 120, "onbekend": 7}},
        dims=("categorie",),
    )


# --- item 21: the engine's notes are Dutch, like the outputs ----------------------------------


def test_notes_are_dutch() -> None:
    result = run_engine(
        loaded(toewijzingen=[tw("t1", "A", "wmo", "02A05", "2020-01-01")]),
        "month",
        dt.date(2020, 1, 1),
        dt.date(2020, 3, 31),
        ["verplichting", "participatie.huishoudens"],
    )
    notes = {n.measure: n.message for n in result.notes}
    assert notes["verplichting"] == (
        "versie 1 is alleen per jaar gedefinieerd; geen cijfer voor 2020-01 .. 2020-03 (3 perioden)"
    )
    assert notes["participatie.huishoudens"] == (
        "de gegevens bevatten geen tabel uitkeringen: deze maatstaf heeft geen cijfers"
    )


def test_an_overflowing_sum_is_no_figure_with_a_note(tmp_path: Path) -> None:
    huge = "1" + "0" * 400
    library = _custom(
        tmp_path,
        'measure wmo.groot {\n  label "G"\n  unit euro\n  owner "o"\n  description "d"\n'
        f"  sum bedrag * {huge} in declaraties\n  where periode_start in period\n}}\n",
    )
    data = loaded(
        toewijzingen=[tw("T1", "A", "wmo", "02A05", "2020-01-01")],
        declaraties=[claim("D1", "T1", "A", "2020-02-01", "100")],
    )
    result = run_engine(data, "year", dt.date(2020, 1, 1), dt.date(2020, 12, 31), library=library)
    [figure] = result.figures
    assert figure.value is None
    [note] = notes_of(result, "wmo.groot")
    assert note.startswith("geen cijfer voor 2020: de berekening loopt over")


def test_previous_year_in_the_year_one_is_no_figure_not_a_crash(tmp_path) -> None:
    """Issue 12, item 16: `previous_year` in 0001 looked up the year '0' and crashed."""
    (tmp_path / "x.kpi").write_text(
        'measure x.n {\n label "n"\n unit toewijzingen\n owner "o"\n description "d"\n'
        " count toewijzingen where active in period }\n"
        'measure x.vorig {\n label "v"\n unit toewijzingen\n owner "o"\n description "d"\n'
        " compute ifempty(previous_year(x.n), 0) + x.n }\n"
    )
    row = {
        "toewijzing_id": "T1",
        "client_id": "C1",
        "wet": "wmo",
        "productcode": "01A01",
        "startdatum": dt.date(1, 1, 1),
        "einddatum": None,
    }
    library = load_library([tmp_path / "x.kpi"])
    result = run_engine(
        loaded(toewijzingen=[row]), "year", dt.date(1, 1, 1), dt.date(2, 12, 31), None, library
    )
    values = {(f.measure, f.period): f.value for f in result.figures}
    assert values[("x.vorig", "0002")] == 2
    assert values[("x.n", "0001")] == 1
