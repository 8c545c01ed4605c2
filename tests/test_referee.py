"""Versions, diff, reconciliation, published tables, impact, hashes and as-of runs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from maatstaf.dsl.load import load_library
from maatstaf.engine.diff import diff, resolve_side
from maatstaf.engine.graph import build_graph, content_hashes, impact
from maatstaf.engine.periods import parse_period
from maatstaf.engine.published import check, load_table, parse_cell
from maatstaf.engine.reconcile import compare, expected_requests, junit_xml, load_expected
from maatstaf.engine.run import RunRequest, run
from maatstaf.renderers.json_renderer import JsonRenderer
from tests.helpers import loaded, run_engine, standard_library, values, youth_indication

D = dt.date


def _old_vs_new_data():
    """A: care in 2020, budget booked 2019-12-01 (ambulant, booked at the start);
    B: care and a booking in 2020; C: a booking in 2020 but care for Wmo only."""
    rows = [
        youth_indication("t1", "A", D(2019, 12, 1), D(2020, 5, 31)),
        youth_indication("t2", "B", D(2020, 2, 1), None),
        {
            "toewijzing_id": "t3",
            "client_id": "C",
            "wet": "wmo",
            "productcode": "02A05",
            "startdatum": D(2020, 1, 1),
            "einddatum": None,
        },
    ]
    bookings = [
        {"toewijzing_id": "t1", "boekdatum": D(2019, 12, 1), "bedrag": 900},
        {"toewijzing_id": "t2", "boekdatum": D(2020, 2, 1), "bedrag": 400},
        {"toewijzing_id": "t3", "boekdatum": D(2020, 1, 1), "bedrag": 100},
    ]
    return loaded(toewijzingen=rows, budgetboekingen=bookings)


def test_diff_of_the_two_youth_definitions_adds_up_and_gives_reasons() -> None:
    library = standard_library()
    period = parse_period("2020")
    left = resolve_side(library, "jeugd.unieke_jeugdigen", 1, period)
    right = resolve_side(library, "jeugd.unieke_jeugdigen", 2, period)
    result = diff(library, _old_vs_new_data(), left, right, period, records=True)
    assert (result.left_total, result.right_total, result.both) == (1, 2, 1)
    assert (result.left_only, result.right_only) == (0, 1)
    assert result.both + result.left_only == result.left_total
    assert result.both + result.right_only == result.right_total
    assert [(r.side, r.reason, r.count) for r in result.reasons] == [
        (
            "right",
            "niet geteld door jeugd.unieke_jeugdigen@1: 'boekdatum in period' geldt niet"
            " (boekdatum 2019-12-01)",
            1,
        )
    ]
    assert [(r.side, r.entity) for r in result.records or []] == [("right", "A")]


def test_diff_without_records_lists_no_client() -> None:
    library = standard_library()
    period = parse_period("2020")
    sides = [resolve_side(library, "jeugd.unieke_jeugdigen", n, period) for n in (1, 2)]
    result = diff(library, _old_vs_new_data(), *sides, period)
    assert result.records is None
    assert '"A"' not in result.model_dump_json()


def test_forced_version_runs_for_any_period() -> None:
    library = standard_library()
    from maatstaf.engine.run import Selection

    request = RunRequest(
        periods=[parse_period("2021")], selections=[Selection("jeugd.unieke_jeugdigen", 1)]
    )
    result = run(library, _old_vs_new_data(), request)
    assert [(f.version, f.value) for f in result.figures] == [(1, 0)]


def test_reconcile_reports_each_mismatch_with_both_values(tmp_path: Path) -> None:
    expected = tmp_path / "expected.yaml"
    expected.write_text(
        "- {measure: jeugd.unieke_clienten, period: '2020', value: 2}\n"
        "- {measure: jeugd.unieke_clienten, period: '2020-03', value: 5, tolerance: 1}\n"
        "- {measure: jeugd.unieke_jeugdigen, period: '2020', value: 1, version: 1}\n",
        encoding="utf-8",
    )
    entries = load_expected(expected)
    assert [e.line for e in entries] == [1, 2, 3]
    checks = []
    for request in expected_requests(entries, None):
        result = run(standard_library(), _old_vs_new_data(), request)
        checks += compare(
            result,
            [
                e
                for e in entries
                if e.period in {p.label for p in request.periods}
                and (e.measure, e.version)
                in {(s.measure, s.version) for s in request.selections or ()}
            ],
        )
    by_name = {c.name: c for c in checks}
    assert by_name["jeugd.unieke_clienten 2020"].ok
    assert by_name["jeugd.unieke_jeugdigen@1 2020"].ok
    wrong = by_name["jeugd.unieke_clienten 2020-03"]
    assert not wrong.ok
    assert wrong.message() == (
        "jeugd.unieke_clienten 2020-03: expected 5, computed 2, difference -3 (tolerance 1)"
    )
    xml = junit_xml([c.case() for c in checks])
    assert 'tests="3" failures="1"' in xml and "difference -3" in xml


def test_expected_csv_with_dimensions(tmp_path: Path) -> None:
    path = tmp_path / "expected.csv"
    path.write_text(
        "measure,period,value,dimensions\njeugd.stapeling,2020,2,gelijktijdig=1\n", encoding="utf-8"
    )
    [entry] = load_expected(path)
    assert entry.dimensions == {"gelijktijdig": "1"} and entry.line == 2


def test_bad_expected_entry_names_file_and_line(tmp_path: Path) -> None:
    from maatstaf.engine.reconcile import ExpectedError

    path = tmp_path / "expected.yaml"
    path.write_text("- {measure: a, period: '2020', value: 1}\n- {measure: b, value: 2}\n")
    with pytest.raises(ExpectedError, match=r"expected.yaml:2: period: Field required"):
        load_expected(path)


CHECKS = """
published verwijzers {
  each row: "Totaal" = "Gemeente" + "Beide" + "Niet-gemeente"
  each row: "Aandeel gemeente" = "Gemeente" / "Totaal"
  each column in ("Gemeente", "Beide", "Niet-gemeente"): "Regio" = "Dongen" + "Tilburg"
}
"""


def _published(tmp_path: Path, rows: list[str]) -> list[str]:
    (tmp_path / "checks.kpi").write_text(CHECKS, encoding="utf-8")
    table = tmp_path / "table.csv"
    header = "Gemeente;Gemeente;Beide;Niet-gemeente;Totaal;Aandeel gemeente"
    table.write_text("\n".join([header.replace("Gemeente;", "Naam;", 1), *rows]) + "\n")
    library = load_library([tmp_path / "checks.kpi"])
    return [v.message() for v in check(load_table(table), library.published["verwijzers"])]


def test_published_table_reports_exactly_the_wrong_cells(tmp_path: Path) -> None:
    rows = [
        "Dongen;467;245;1.243;1.956;24%",  # total wrong by one
        "Tilburg;451;100;191;742;70%",  # 451 / 742 = 60.8 %, shown 70 %
        "Regio;918;345;1.434;2.697;34%",
    ]
    assert _published(tmp_path, rows) == [
        "row 'Dongen', column 'Totaal': shown 1.956, but 'Gemeente' + 'Beide' + 'Niet-gemeente' "
        "gives 1955",
        "row 'Tilburg', column 'Aandeel gemeente': shown 70%, but 'Gemeente' / 'Totaal' gives "
        "60.8%",
    ]


def test_published_table_corrected_passes_and_rounding_never_fails(tmp_path: Path) -> None:
    rows = [
        "Dongen;467;245;1.243;1.955;24%",
        "Tilburg;451;100;191;742;61%",  # 60.78 % shown as 61 %
        "Regio;918;345;1.434;2.697;34%",  # 918 / 2697 = 34.04 %
    ]
    assert _published(tmp_path, rows) == []


def test_rounded_decimals_form_intervals() -> None:
    cell = parse_cell("-166,8")
    assert (
        cell is not None
        and cell.low == pytest.approx(-166.85)
        and cell.high == pytest.approx(-166.75)
    )
    thousands, plain = parse_cell("1.955"), parse_cell("1955")
    assert thousands is not None and plain is not None
    assert (thousands.low, thousands.high) == (plain.low, plain.high) == (1955, 1955)
    percent = parse_cell("94,3%")
    assert percent is not None and percent.low == pytest.approx(0.9425)
    assert parse_cell("") is None
    with pytest.raises(ValueError):
        parse_cell("twaalf")


def test_impact_of_a_file_and_of_a_measure() -> None:
    library = standard_library()
    graph = build_graph(library)
    assert impact(library, graph, "jeugd.unieke_clienten") == [
        "jeugd.unieke_clienten",
        "jeugd.unieke_jeugdigen",
    ]
    assert "tijdigheid" in impact(library, graph, "definitions/parameters.kpi")
    assert "jeugd.echte_instroom" in impact(library, graph, "parameters.kpi")


def test_changing_one_definition_changes_only_its_hashes_and_its_dependants(tmp_path: Path) -> None:
    import shutil

    from maatstaf.dsl.load import bundled_definitions

    copy = tmp_path / "definitions"
    shutil.copytree(bundled_definitions(), copy)
    before = content_hashes(library := load_library([copy]), build_graph(library))
    target = copy / "jeugd" / "unieke_clienten.kpi"
    target.write_text(target.read_text().replace("Een cliënt met", "Een jeugdige met"))
    after = content_hashes(library := load_library([copy]), build_graph(library))
    changed = {m for m, _ in before if before[(m, _)] != after[(m, _)]}
    assert changed == {"jeugd.unieke_clienten", "jeugd.unieke_jeugdigen"}


@pytest.mark.slow  # the whole library twice: in make test-all
def test_same_inputs_give_byte_identical_json() -> None:
    data = _old_vs_new_data()
    texts = [
        JsonRenderer().render(
            run_engine(data, "quarter", D(2020, 1, 1), D(2021, 12, 31)), standard_library()
        )
        for _ in range(2)
    ]
    assert texts[0] == texts[1]
    assert json.loads(texts[0])["provenance"]["measures"][0]["hash"]


def _history() -> object:
    """t1 was registered ending 2020-06-30; on 2021-02-15 a correction (a new version of
    t1) moved the end to 2020-03-31 retroactively."""
    first = youth_indication(
        "t1", "A", D(2020, 1, 1), D(2020, 6, 30), geregistreerd_op=dt.datetime(2020, 1, 5, 9, 0)
    )
    corrected = youth_indication(
        "t1", "A", D(2020, 1, 1), D(2020, 3, 31), geregistreerd_op=dt.datetime(2021, 2, 15, 14, 30)
    )
    return loaded(toewijzingen=[first, corrected])


@pytest.mark.parametrize(
    ("as_of", "expected"), [(D(2021, 1, 31), 1), (D(2021, 2, 15), 0), (None, 0)]
)
def test_as_of_reproduces_the_figure_before_a_retroactive_correction(
    as_of: dt.date | None, expected: int
) -> None:
    request = RunRequest(periods=[parse_period("2020-Q2")], as_of=as_of)
    from maatstaf.engine.run import Selection

    request = RunRequest(
        periods=request.periods, as_of=as_of, selections=[Selection("jeugd.unieke_clienten")]
    )
    result = run(standard_library(), _history(), request)
    assert values(result) == {("jeugd.unieke_clienten", "2020-Q2"): expected}
    assert result.provenance.as_of == (as_of.isoformat() if as_of else None)


def test_diff_evidence_gives_the_values_of_the_deciding_columns() -> None:
    """Counted by version 2 only: A's budget was booked before 2020 (2019-12-01), D's youth
    care ran in 2020 with no booking at all, E's bookings (2018 and 2021) fall on both
    sides of it; B is counted by both."""
    data = loaded(
        toewijzingen=[
            youth_indication("t1", "A", D(2019, 12, 1), D(2020, 5, 31)),
            youth_indication("t2", "B", D(2020, 2, 1), None),
            youth_indication("t4", "D", D(2020, 3, 1), None),
            youth_indication("t5", "E", D(2018, 6, 1), D(2021, 3, 31)),
        ],
        budgetboekingen=[
            {"toewijzing_id": "t1", "boekdatum": D(2019, 12, 1), "bedrag": 900},
            {"toewijzing_id": "t2", "boekdatum": D(2020, 2, 1), "bedrag": 400},
            {"toewijzing_id": "t5", "boekdatum": D(2018, 6, 1), "bedrag": 300},
            {"toewijzing_id": "t5", "boekdatum": D(2021, 1, 4), "bedrag": 300},
        ],
    )
    library, period = standard_library(), parse_period("2020")
    sides = [resolve_side(library, "jeugd.unieke_jeugdigen", n, period) for n in (1, 2)]
    result = diff(library, data, *sides, period)
    assert (result.right_only, result.left_only) == (3, 0)
    assert [(r.reason, r.count) for r in result.reasons] == [
        (
            "niet geteld door jeugd.unieke_jeugdigen@1: 'boekdatum in period' geldt niet"
            " (boekdatum 2018-06-01 .. 2021-01-04)",
            2,
        ),
        ("niet geteld door jeugd.unieke_jeugdigen@1: geen rij in budgetboekingen", 1),
    ]
