"""The CBS measures on a small hand-built table, every figure worked out by hand
(docs/cbs.md walks through the same table)."""

from __future__ import annotations

import datetime as dt

import pytest

from maatstaf.engine.periods import make_period, periods_between
from maatstaf.engine.run import RunRequest, Selection, run
from tests.helpers import loaded, standard_library

D = dt.date


def _t(tid: str, client: str, wet: str, cat: str, start: dt.date, end: dt.date | None, **extra):
    row = {
        "toewijzing_id": tid,
        "client_id": client,
        "wet": wet,
        "productcode": f"{cat}X",
        "productcategorie": cat,
        "aanbieder": "X",
        "leveringsvorm": "zin",
        "startdatum": start,
        "einddatum": end,
    }
    return row | extra


TOEWIJZINGEN = [
    # A: two overlapping ambulant toewijzingen at X are one traject; the third adjoins it
    _t("t1", "A", "jeugdwet", "45", D(2020, 1, 1), D(2020, 4, 30)),
    _t("t2", "A", "jeugdwet", "45", D(2020, 3, 1), D(2020, 9, 30), reden_wijziging="04"),
    _t("t3", "A", "jeugdwet", "45", D(2020, 10, 1), None),
    # B: the same hulpvorm at two aanbieders: two trajecten
    _t("b1", "B", "jeugdwet", "45", D(2020, 2, 1), D(2020, 6, 30)),
    _t("b2", "B", "jeugdwet", "45", D(2020, 3, 1), D(2020, 12, 31), aanbieder="Y"),
    # C: pgb, D: jeugdbescherming: no jeugdhulp in natura, so not counted by CBS
    _t("c1", "C", "jeugdwet", "45", D(2020, 1, 1), None, leveringsvorm="pgb"),
    _t("d1", "D", "jeugdwet", "48", D(2020, 1, 1), D(2020, 12, 31)),
    # E: jeugdhulp that ended in 2016, then pleegzorg (verblijf) ended early by a move
    _t("e1", "E", "jeugdwet", "45", D(2015, 10, 1), D(2016, 3, 31)),
    _t("e2", "E", "jeugdwet", "35", D(2020, 2, 1), D(2020, 5, 31), reden_wijziging="07"),
    # a removed toewijzing counts nowhere
    _t("e3", "E", "jeugdwet", "45", D(2020, 1, 1), D(2020, 1, 1), reden_wijziging="13"),
    # F: begeleiding with 3 days between (one arrangement), then 4 days (a new one); hbh
    _t("f1", "F", "wmo", "02", D(2020, 1, 1), D(2020, 2, 10)),
    _t("f2", "F", "wmo", "02", D(2020, 2, 14), D(2020, 3, 10)),
    _t("f3", "F", "wmo", "02", D(2020, 3, 15), D(2020, 4, 10)),
    _t("f4", "F", "wmo", "01", D(2020, 3, 15), None),
    # G: begeleiding in natura, then as pgb: another financing, another arrangement
    _t("g1", "G", "wmo", "02", D(2020, 1, 1), D(2020, 3, 31)),
    _t("g2", "G", "wmo", "02", D(2020, 4, 1), D(2020, 6, 30), leveringsvorm="pgb"),
]
UITKERINGEN = [
    {"uitkering_id": "u1", "huishouden_id": "h1", "client_id": "F", "regeling": "PW",
     "startdatum": D(2019, 1, 1), "einddatum": None},
    {"uitkering_id": "u2", "huishouden_id": "h2", "client_id": "B", "regeling": "IOAW",
     "startdatum": D(2020, 7, 1), "einddatum": None},
]  # fmt: skip


@pytest.fixture(scope="module")
def figures() -> dict[tuple[str, str, tuple], object]:
    periods = periods_between(
        make_period("half-year", 2020, 1), make_period("half-year", 2020, 2), "half-year"
    )
    measures = [m for m in standard_library().measures if m.startswith("cbs.")]
    measures += ["jeugd.unieke_clienten", "jeugd.instroom", "wmo.instroom"]
    request = RunRequest(periods=periods, selections=[Selection(m) for m in measures])
    data = loaded(toewijzingen=TOEWIJZINGEN, uitkeringen=UITKERINGEN)
    result = run(standard_library(), data, request)
    return {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }


def _both(figures: dict, measure: str, dims: tuple = ()) -> tuple:
    return figures[(measure, "2020-H1", dims)], figures[(measure, "2020-H2", dims)]


def test_jongeren_and_trajecten(figures: dict) -> None:
    # H1: trajecten A(t1+t2), B at X, B at Y, E pleegzorg; H2: A(t1+t2), A(t3), B at Y
    assert _both(figures, "cbs.jeugd.trajecten") == (4, 3)
    assert _both(figures, "cbs.jeugd.jongeren_met_jeugdhulp") == (3, 2)
    # the municipality also counts C (pgb) and D (jeugdbescherming)
    assert _both(figures, "jeugd.unieke_clienten") == (5, 4)


def test_met_en_zonder_verblijf(figures: dict) -> None:
    met, zonder = (("verblijf", "met_verblijf"),), (("verblijf", "zonder_verblijf"),)
    assert _both(figures, "cbs.jeugd.jongeren_naar_verblijf", met) == (1, 0)
    assert _both(figures, "cbs.jeugd.jongeren_naar_verblijf", zonder) == (2, 2)


def test_begonnen_nieuw_en_herhaald(figures: dict) -> None:
    assert _both(figures, "cbs.jeugd.begonnen_trajecten") == (4, 1)
    # E ended jeugdhulp in 2016, within five years of 2020-H1: herhaald beroep; A's t3
    # adjoins A's first traject: no herhaald beroep, though a new traject
    assert _both(figures, "cbs.jeugd.herhaald_beroep") == (1, 0)
    assert _both(figures, "cbs.jeugd.nieuwe_trajecten") == (3, 1)
    # the municipality counts every starting toewijzing: t1, t2, b1, b2, c1, d1, e2 | t3
    assert _both(figures, "jeugd.instroom") == (7, 1)


def test_beeindigd_naar_reden_en_duur(figures: dict) -> None:
    def ended(reden: str, duur: str) -> tuple:
        dims = (("beeindiging", reden), ("duurklasse", duur))
        return _both(figures, "cbs.jeugd.beeindigde_trajecten", dims)

    # H1: B at X (5 months, as planned), E's pleegzorg (4 months, moved: voortijdig)
    # H2: A's traject (9 months; its last toewijzing t2 was extended: as planned), B at Y
    assert ended("volgens_plan", "3-6 maanden") == (1, 0)
    assert ended("voortijdig", "3-6 maanden") == (1, 0)
    assert ended("volgens_plan", "6-12 maanden") == (0, 2)
    total = sum(v for (m, p, _), v in figures.items() if m == "cbs.jeugd.beeindigde_trajecten")
    assert total == 4


def test_wmo_arrangementen_en_stapeling(figures: dict) -> None:
    # H1: F begeleiding f1+f2 (3 days between), f3 (4 days: new), hbh; G natura, G pgb
    assert _both(figures, "cbs.wmo.arrangementen") == (5, 1)
    assert _both(figures, "cbs.wmo.clienten_maatwerk") == (2, 1)
    assert _both(figures, "wmo.instroom") == (6, 0)
    stapeling = {
        band: _both(figures, "cbs.wmo.stapeling", (("aantal_arrangementen", band),))
        for band in ("1", "2", "3", "4", "5", "6+")
    }
    assert stapeling == {
        "1": (0, 1), "2": (1, 0), "3": (1, 0), "4": (0, 0), "5": (0, 0), "6+": (0, 0)
    }  # fmt: skip


def test_stapeling_over_domeinen(figures: dict) -> None:
    assert _both(figures, "cbs.stapeling.wmo_en_participatie") == (1, 1)
    assert _both(figures, "cbs.stapeling.jeugd_en_participatie") == (0, 1)
    assert _both(figures, "cbs.stapeling.wmo_en_jeugd") == (0, 0)
    assert _both(figures, "cbs.stapeling.alle_drie") == (0, 0)
