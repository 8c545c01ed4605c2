"""``having``: count only the entities whose rows meet a condition on their totals.

Hand-checked figures, exact diagnostics, the cache round trip, the entities a drill-down
lists, and the engine against a day-by-day oracle on random indications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maatstaf.dsl import codec
from maatstaf.dsl.model import Library
from tests import oracle
from tests.helpers import diagnostics, in_measure, library_of, loaded, run_engine
from tests.test_oracle_properties import toewijzingen

DEFINITIONS = """
parameter veel_uren = 10
measure h.veel_uren {
  label "Cliënten met veel uren"  unit cliënten  owner "Test"
  description "Cliënten wier lopende toewijzingen samen meer dan 10 uur omvatten."
  count distinct client_id in toewijzingen
  where active in period
  having sum(omvang_volume) > veel_uren
}
measure h.meerdere {
  label "Cliënten met twee of meer toewijzingen"  unit cliënten  owner "Test"
  description "Cliënten met minstens twee lopende toewijzingen, per wet."
  count distinct client_id in toewijzingen
  where active in period
  having count(toewijzing_id) >= 2
  by wet
}
measure h.lang_in_zorg {
  label "Cliënten al lang in zorg"  unit cliënten  owner "Test"
  description "Cliënten wier eerste lopende toewijzing voor 2020 begon, of met een groot volume."
  count distinct client_id in toewijzingen
  where active in period
  having min(startdatum) < 2020-01-01 or max(omvang_volume) >= 8
}
measure h.gemiddeld {
  label "Cliënten met gemiddeld weinig uren"  unit cliënten  owner "Test"
  description "Cliënten met een gemiddeld volume per toewijzing onder 4 (zonder volume telt niet)."
  count distinct client_id in toewijzingen
  where active in period
  having not (average(omvang_volume) >= 4)
}
"""
MEASURES = ["h.veel_uren", "h.meerdere", "h.lang_in_zorg", "h.gemiddeld"]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    return library_of(tmp_path_factory.mktemp("having"), DEFINITIONS)


def row(n: int, client: str, wet: str, start: str, end: str | None, volume: str | None) -> dict:
    return {
        "toewijzing_id": f"T{n}",
        "client_id": client,
        "wet": wet,
        "productcode": "45A48",
        "startdatum": dt.date.fromisoformat(start),
        "einddatum": dt.date.fromisoformat(end) if end else None,
        "omvang_volume": Decimal(volume) if volume is not None else None,
        "omvang_eenheid": "uur",
        "omvang_frequentie": "week",
    }


ROWS = [
    row(1, "A", "jeugdwet", "2019-11-01", "2020-03-10", "6"),
    row(2, "A", "jeugdwet", "2020-03-05", None, "6"),
    row(3, "B", "wmo", "2020-03-01", "2020-04-30", "3"),
    row(4, "B", "jeugdwet", "2020-04-01", None, "2"),
    row(5, "C", "wmo", "2020-02-01", "2020-02-29", "9"),
    row(6, "D", "wmo", "2020-03-01", None, None),
    # removed (reden 13): never counted, also not in a client's totals
    row(7, "D", "wmo", "2020-03-01", "2020-03-01", "50") | {"reden_wijziging": "13"},
]


def figures(library: Library, rows: list[dict] = ROWS) -> dict[tuple[str, str, tuple], object]:
    result = run_engine(
        loaded(toewijzingen=rows), "month", dt.date(2020, 2, 1), dt.date(2020, 4, 1),
        MEASURES, library=library,
    )  # fmt: skip
    return {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }


def test_having_by_hand(library: Library) -> None:
    got = figures(library)
    # Feb: A 6 (T1), C 9 -> none above 10.  Mar: A 6 + 6 = 12 (T1, T2), B 3, D none -> A.
    # Apr: A 6 (T2), B 3 + 2 = 5, D none -> none.
    assert [got[("h.veel_uren", m, ())] for m in ("2020-02", "2020-03", "2020-04")] == [0, 1, 0]
    # two or more rows per law: Mar jeugdwet A (T1, T2); Apr: B has one per law -> none
    assert got[("h.meerdere", "2020-03", (("wet", "jeugdwet"),))] == 1
    assert got.get(("h.meerdere", "2020-03", (("wet", "wmo"),)), 0) == 0
    assert got.get(("h.meerdere", "2020-04", (("wet", "jeugdwet"),)), 0) == 0
    # started before 2020 (A in Feb and Mar, via T1) or a volume of 8 or more (C in Feb);
    # April: A's running row T2 started in 2020, 6 < 8 -> none
    assert [got[("h.lang_in_zorg", m, ())] for m in ("2020-02", "2020-03", "2020-04")] == [2, 1, 0]
    # average under 4: Feb A 6, C 9 -> none; Mar B 3 (D has no volume: its average is
    # empty, and 'not (empty >= 4)' is true: D counts); Apr B (3+2)/2 = 2.5, D -> 2
    assert [got[("h.gemiddeld", m, ())] for m in ("2020-02", "2020-03", "2020-04")] == [0, 2, 2]


def test_the_cache_gives_back_having(library: Library) -> None:
    again = codec.loads(codec.dumps(library))
    assert again.measures["h.veel_uren"].versions[0].having is not None
    assert figures(again) == figures(library)


COUNT = "  count distinct client_id in declaraties\n  where periode_start in period\n"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            COUNT + "  having bedrag > 10000",
            "/d.kpi:8:10: column 'bedrag' has a value per row, and an entity has several rows. "
            "Take it over the entity's rows: sum(bedrag), max(bedrag), ... A condition on "
            "single rows belongs in 'where'.\n    having bedrag > 10000\n           ^^^^^^",
        ),
        (
            COUNT + "  having active in period",
            "/d.kpi:8:10: this condition is about single rows: it cannot stand in 'having'. "
            "In 'having', compare an entity's totals: sum(x), count(x), min(x), max(x), "
            "average(x). A condition on single rows belongs in 'where'.\n"
            "    having active in period\n           ^^^^^^^^^^^^^^^^",
        ),
        (
            COUNT + "  having sum(periode_start) > 3",
            "/d.kpi:8:14: cannot sum a date\n    having sum(periode_start) > 3\n"
            "               ^^^^^^^^^^^^^",
        ),
        (
            "  count distinct client_id in declaraties\n  where sum(bedrag) > 3",
            "/d.kpi:7:9: sum(...) takes a value over an entity's rows: it stands only in "
            "'having'. To add up rows, write the measure as 'sum x in table'.\n"
            "    where sum(bedrag) > 3\n          ^^^^^^^^^^^",
        ),
        (
            "  sum bedrag in declaraties\n  having count(bedrag) > 3",
            "/d.kpi:7:10: 'having' says which counted entities count: it needs 'count "
            "distinct <column> in <table>'. Write e.g. 'count distinct client_id in "
            "declaraties ... having sum(bedrag) > 10000'.\n    having count(bedrag) > 3\n"
            "           ^^^^^^^^^^^^^^^^^",
        ),
        (
            COUNT + "  having sum(sum(bedrag)) > 3",
            "/d.kpi:8:10: sum(...) cannot hold another entity aggregate\n"
            "    having sum(sum(bedrag)) > 3\n           ^^^^^^^^^^^^^^^^",
        ),
    ],
)
def test_having_diagnostics(tmp_path: Path, rule: str, expected: str) -> None:
    assert diagnostics(tmp_path, in_measure(rule, "cliënten")) == expected


def test_having_twice_is_an_error(tmp_path: Path) -> None:
    found = diagnostics(
        tmp_path,
        in_measure(COUNT + "  having sum(bedrag) > 1\n  having sum(bedrag) > 2", "cliënten"),
    )
    assert "having is given twice in one block" in found


def test_a_diff_sees_only_the_entities_meeting_it(library: Library) -> None:
    """``maatstaf diff`` lists the clients a measure counts: with ``having``, only those
    meeting it (March: A for veel_uren; B and D for gemiddeld)."""
    from maatstaf.engine.diff import diff, resolve_side
    from maatstaf.engine.periods import Period

    march = Period(dt.date(2020, 3, 1), dt.date(2020, 3, 31), "month", "2020-03")
    left = resolve_side(library, "h.veel_uren", None, march)
    right = resolve_side(library, "h.gemiddeld", None, march)
    found = diff(library, loaded(toewijzingen=ROWS), left, right, march, records=True)
    assert (found.left_total, found.right_total, found.both) == (1, 2, 0)


# ---- the engine against a day-by-day oracle ------------------------------------------------

FIRST, LAST = dt.date(2019, 12, 1), dt.date(2021, 3, 31)


def _active_rows(data: oracle.Data, period: oracle.Period) -> dict[str, list[dict]]:
    return oracle.by_key([r for r in data.toewijzingen if data.active(r, period)], "client_id")


def _volumes(rows: list[dict]) -> list[Fraction]:
    return [Fraction(r["omvang_volume"]) for r in rows if r.get("omvang_volume") is not None]


def expected(rows: list[dict], label: str) -> dict[tuple[str, tuple], int]:
    data = oracle.Data.of({"toewijzingen": rows})
    period = oracle.parse_label(label)
    clients = _active_rows(data, period)
    out: dict[tuple[str, tuple], int] = {}
    out[("h.veel_uren", ())] = sum(
        1 for c, rs in clients.items() if _volumes(rs) and sum(_volumes(rs)) > 10
    )
    for wet in ("wmo", "jeugdwet"):
        out[("h.meerdere", (("wet", wet),))] = sum(
            1 for rs in clients.values() if sum(1 for r in rs if r["wet"] == wet) >= 2
        )
    out[("h.lang_in_zorg", ())] = sum(
        1
        for rs in clients.values()
        if min(r["startdatum"] for r in rs) < dt.date(2020, 1, 1)
        or (_volumes(rs) and max(_volumes(rs)) >= 8)
    )
    out[("h.gemiddeld", ())] = sum(
        1
        for rs in clients.values()
        if not (_volumes(rs) and sum(_volumes(rs)) / len(_volumes(rs)) >= 4)
    )
    return out


def compare(rows: list[dict], grain: str, library: Library) -> list[str]:
    result = run_engine(loaded(toewijzingen=rows), grain, FIRST, LAST, MEASURES, library=library)
    got = {
        (f.measure, f.period, tuple(sorted(f.dimensions.items()))): f.value for f in result.figures
    }
    problems = []
    for label in oracle.labels_between(FIRST, LAST, grain):
        for (measure, dims), want in expected(rows, label).items():
            have = got.get((measure, label, dims), 0)
            if have != want:
                problems.append(f"{measure} {label} {dims}: engine {have}, oracle {want}")
    return problems


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=toewijzingen(), grain=st.sampled_from(["month", "quarter", "year"]))
def test_engine_equals_oracle(rows: list[dict], grain: str, library: Library) -> None:
    assert compare(rows, grain, library) == []


def test_the_comparison_catches_a_wrong_threshold(library: Library) -> None:
    """The same rule with '>=' instead of '>' disagrees where a client's sum is exactly 10."""
    rows = [
        row(1, "A", "wmo", "2020-01-01", None, "4"),
        row(2, "A", "wmo", "2020-01-01", None, "6"),
    ]
    assert compare(rows, "month", library) == []
    loose = library_of(None, DEFINITIONS.replace("> veel_uren", ">= veel_uren"))
    assert compare(rows, "month", loose) != []
