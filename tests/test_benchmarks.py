"""The benchmark compares like with like: every baseline (the hand-written script, the numpy
sweeps, the DuckDB SQL, the naive pandas) equals maatstaf's figures on a small synthetic
table and the day-by-day oracle's on random ones, and the harness fails loudly when a
figure differs (the harness checks the figures again at every size)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.csv
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from benchmarks import handwritten
from benchmarks import whole_process as wp
from benchmarks.__main__ import MEASURED_WITH, arguments, results_name, versions
from benchmarks.baselines import BENCHMARKS
from benchmarks.baselines.common import LABELS
from benchmarks.generate import indications
from benchmarks.inprocess import _maatstaf, unequal
from benchmarks.processes import BenchmarkFailed, best_of
from benchmarks.report import markdown
from tests import oracle
from tests.golden import check_golden

GOLDEN = Path(__file__).parent / "golden" / "benchmarks"
# an engine run, a CLI process or a property run: the slow tier (the unit tests stay fast)
slow = pytest.mark.slow

# benchmark equivalence: in test-all (make test-rest), not in the fast tier
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def table():
    return indications(4_000, seed=11)


@pytest.fixture(scope="module")
def engine(table) -> dict:
    return _maatstaf(table, repeat=1)


@slow
@pytest.mark.parametrize("benchmark", sorted(BENCHMARKS))
def test_every_baseline_equals_maatstaf(table, engine: dict, benchmark: str) -> None:
    measure, wet, approaches = BENCHMARKS[benchmark]
    expected = engine["figures"][benchmark]
    assert sum(expected.values()) > 0, f"{measure} counts nothing on the synthetic data"
    for approach, baseline in approaches.items():
        assert baseline(table, wet) == expected, f"{benchmark}/{approach} differs from {measure}"


@slow
def test_every_measure_is_timed(engine: dict) -> None:
    timed = engine["per_measure"]
    assert {measure for measure, _, _ in BENCHMARKS.values()} <= set(timed)
    assert all(seconds >= 0 for seconds in timed.values())


@slow
def test_the_handwritten_script_equals_maatstaf(table, engine: dict, tmp_path: Path) -> None:
    csv, out = tmp_path / "toewijzingen.csv", tmp_path / "script.json"
    pyarrow.csv.write_csv(table, csv)
    command = [sys.executable, str(wp.SCRIPT), str(csv), str(out), wp.FIRST, wp.LAST]
    subprocess.run(command, check=True, capture_output=True)
    written = json.loads(out.read_text("utf-8"))
    assert list(written) == LABELS
    assert written == engine["figures"]["unique_clients"]


# ---- every baseline against the day-by-day oracle, on random indications -----------------

EARLIEST, LATEST = dt.date(2014, 10, 1), dt.date(2026, 3, 31)


@st.composite
def random_indications(draw: st.DrawFn) -> list[dict]:
    """A few clients' indications around 2015-2025 (some before, some after), open-ended,
    overlapping, and some starting the day after the client's previous one ended."""
    rows: list[dict] = []
    for n in range(draw(st.integers(1, 14))):
        client = draw(st.sampled_from(["C1", "C2", "C3", "C4"]))
        previous = [r for r in rows if r["client_id"] == client and r["einddatum"]]
        if previous and draw(st.booleans()):
            start = previous[-1]["einddatum"] + dt.timedelta(days=1)
        else:
            start = draw(st.dates(EARLIEST, LATEST))
        length = draw(st.none() | st.integers(0, 700))
        rows.append(
            {
                "toewijzing_id": f"T{n}",
                "client_id": client,
                "wet": draw(st.sampled_from(["wmo", "jeugdwet"])),
                "productcode": draw(st.sampled_from(["02A05", "45A48"])),
                "omvang_volume": draw(st.sampled_from(["3.00", "4.00"])),
                "omvang_eenheid": "uur",
                "omvang_frequentie": "week",
                "startdatum": start,
                "einddatum": None if length is None else start + dt.timedelta(days=length),
            }
        )
    return rows


def edge_row(wet: str, start: dt.date, end: dt.date | None) -> dict:
    return {
        "toewijzing_id": "T0",
        "client_id": "C1",
        "wet": wet,
        "productcode": "02A05",
        "omvang_volume": "3.00",
        "omvang_eenheid": "uur",
        "omvang_frequentie": "week",
        "startdatum": start,
        "einddatum": end,
    }


def oracle_figures(rows: list[dict], benchmark: str) -> dict[str, int]:
    measure = BENCHMARKS[benchmark][0]
    found = oracle.all_figures({"toewijzingen": rows}, "month", LABELS, [measure])
    if benchmark != "stacking":
        return {label: int(found.get((measure, label, ()), 0) or 0) for label in LABELS}
    bands = ("1", "2", "3", "4+")
    return {
        f"{label}|{band}": int(found.get((measure, label, (("gelijktijdig", band),)), 0) or 0)
        for label in LABELS
        for band in bands
    }


@slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=random_indications())
@example(rows=[edge_row("wmo", dt.date(2014, 10, 1), None)])  # an empty einddatum column
@example(rows=[edge_row("jeugdwet", dt.date(2020, 2, 29), dt.date(2026, 1, 1))])  # no Wmo
def test_every_fast_baseline_equals_the_oracle(rows: list[dict]) -> None:
    table = pa.Table.from_pylist(rows)
    table = table.set_column(7, "startdatum", table["startdatum"].cast(pa.date32()))
    table = table.set_column(8, "einddatum", table["einddatum"].cast(pa.date32()))
    for benchmark, (_, wet, approaches) in BENCHMARKS.items():
        expected = oracle_figures(rows, benchmark)
        for approach, baseline in approaches.items():
            if approach != "naive_pandas":  # the naive ones are checked against maatstaf
                assert baseline(table, wet) == expected, f"{benchmark}/{approach}"
    with tempfile.TemporaryDirectory() as tmp:  # the script, from its CSV on
        csv, out = Path(tmp) / "toewijzingen.csv", Path(tmp) / "script.json"
        pyarrow.csv.write_csv(table, csv)
        handwritten.main(str(csv), str(out), wp.FIRST, wp.LAST)
        written = json.loads(out.read_text("utf-8"))
    assert written == oracle_figures(rows, "unique_clients"), "the hand-written script"


# ---- the whole-process harness -------------------------------------------------------------


@slow
def test_whole_process_compares_every_month(tmp_path: Path) -> None:
    result = wp.whole_process(3_000, 1, tmp_path)
    assert result["figures_equal"] and result["months_compared"] == len(LABELS)
    assert result["maatstaf"]["seconds"] > 0 and result["script"]["peak_mib"] > 0
    assert result["ratio"] == round(result["maatstaf"]["seconds"] / result["script"]["seconds"], 2)
    checked = result["checked"]  # the checking script's figures were compared too
    assert result["checked_ratio"] == round(result["maatstaf"]["seconds"] / checked["seconds"], 2)
    floors = result["after_imports"]  # and those of maatstaf with its imports off the clock
    assert set(floors) == {"ibis-pandas", "all"}
    for floor in floors.values():
        assert floor["ratio"] == round(floor["seconds"] / result["script"]["seconds"], 2)
    library = result["library"]  # the whole library on the same CSV, with its memory goal
    assert library["peak_mib"] > 0 and library["goal_mib"] == 8 * 1024
    document = {"measured_at": "now", "cpus": 2, "load_average": [0, 0, 0], "python": "3"}
    written = markdown({**document, "repeat": 1, "whole_process": [result], "sizes": []})
    assert "The whole standard library on the same CSV" in written
    assert "| 3,000 | every module the run imports |" in written


@slow
def test_whole_process_fails_on_a_changed_figure(tmp_path: Path, monkeypatch) -> None:
    """A script that counts one client too many in 2016-02 stops the benchmark, naming it."""
    tampered = tmp_path / "tampered.py"
    tampered.write_text(
        "import json, runpy, sys\n"
        f"runpy.run_path({str(wp.SCRIPT)!r}, run_name='__main__')\n"
        "figures = json.load(open(sys.argv[2]))\n"
        "figures['2016-02'] += 1\n"
        "json.dump(figures, open(sys.argv[2], 'w'))\n"
    )
    monkeypatch.setattr(wp, "SCRIPT", tampered)
    with pytest.raises(BenchmarkFailed) as failure:
        wp.whole_process(3_000, 1, tmp_path)
    found = re.search(
        r"1 of 132 months differ.*:\n  2016-02: maatstaf (\d+), script (\d+)$", str(failure.value)
    )
    assert found, str(failure.value)
    assert int(found[2]) == int(found[1]) + 1


def test_compare_figures_names_the_differences() -> None:
    same = {"2020-01": 3, "2020-02": 4}
    wp.compare_figures(same, dict(same))
    with pytest.raises(BenchmarkFailed, match="2020-02: maatstaf 4, script 5"):
        wp.compare_figures(same, {"2020-01": 3, "2020-02": 5})
    with pytest.raises(BenchmarkFailed, match=r"2020-02: maatstaf 4, script \(none\)"):
        wp.compare_figures(same, {"2020-01": 3})
    with pytest.raises(BenchmarkFailed, match="2020-01: maatstaf None, script 3"):
        wp.compare_figures({"2020-01": None, "2020-02": 4}, same)
    with pytest.raises(BenchmarkFailed, match="neither"):
        wp.compare_figures({}, {})
    with pytest.raises(BenchmarkFailed, match="2020-02: maatstaf 4, checking script 5"):
        wp.compare_figures(same, {"2020-01": 3, "2020-02": 5}, "checking script")


def test_a_floor_that_counts_otherwise_stops_the_run(tmp_path: Path) -> None:
    """Every output of a round is compared with maatstaf's, the runs with their imports off
    the clock too; a differing month is named with the run it comes from."""
    figures = {"2020-01": 3, "2020-02": 4}
    document = {
        "provenance": {"rejected_rows": 0},
        "figures": [
            {"measure": wp.MEASURE, "period": p, "value": v, "dimensions": {}}
            for p, v in figures.items()
        ],
    }

    def a_round() -> None:
        for name in ("maatstaf", *wp.FLOORS):
            (tmp_path / f"{name}.json").write_text(json.dumps(document))
        for name in ("script", "checked"):
            (tmp_path / f"{name}.json").write_text(json.dumps(figures))

    a_round()
    assert wp.compare_outputs(tmp_path) == 2 and not list(tmp_path.iterdir())
    a_round()
    document["figures"][1]["value"] = 5
    (tmp_path / "after_all.json").write_text(json.dumps(document))
    with pytest.raises(BenchmarkFailed) as failure:
        wp.compare_outputs(tmp_path)
    assert "2020-02: maatstaf 4, run with its imports (all) off the clock 5" in str(failure.value)


def test_a_run_that_rejected_rows_is_no_comparison() -> None:
    document = {"provenance": {"rejected_rows": 2}, "figures": []}
    with pytest.raises(BenchmarkFailed, match="maatstaf rejected 2 rows"):
        wp.maatstaf_figures(document)


def test_a_failing_command_stops_the_run() -> None:
    command = [sys.executable, "-c", "import sys; sys.exit('no such table')"]
    with pytest.raises(BenchmarkFailed, match="exited with 1:\nno such table"):
        best_of({"broken": command}, 1)


def test_best_of_keeps_every_run_and_the_best() -> None:
    rounds: list[int] = []
    result = best_of({"python": [sys.executable, "-c", "pass"]}, 2, lambda: rounds.append(1))
    assert rounds == [1, 1] and len(result["python"]["runs"]) == 2
    assert result["python"]["seconds"] == min(result["python"]["runs"])
    assert result["python"]["cpu_seconds"] > 0 and result["python"]["peak_mib"] > 1


def test_seconds_before_the_clock_are_taken_off(tmp_path: Path, monkeypatch) -> None:
    """A command that says it spent 0.5 s (0.3 s of CPU) before its clock: its times are
    the process's less those; the file is used once; a missing or impossible one stops
    the run."""
    from benchmarks import processes

    monkeypatch.setattr(
        processes,
        "timed",
        lambda argv, env=None: {"seconds": 2.0, "cpu_seconds": 1.5, "peak_mib": 9},
    )
    written = tmp_path / "floor.seconds"

    def command() -> None:
        written.write_text(json.dumps({"seconds": 0.5, "cpu_seconds": 0.3}))

    command()
    result = best_of({"floor": ["x"], "other": ["y"]}, 1, command, None, {"floor": written})
    assert result["floor"]["runs"] == [1.5] and result["floor"]["cpu_seconds"] == 1.2
    assert result["other"]["runs"] == [2.0] and result["other"]["cpu_seconds"] == 1.5
    written.unlink()
    with pytest.raises(BenchmarkFailed, match="no seconds before the clock"):
        best_of({"floor": ["x"]}, 1, None, None, {"floor": written})
    written.write_text(json.dumps({"seconds": 3.0, "cpu_seconds": 0.3}))
    with pytest.raises(BenchmarkFailed, match=r"3\.0 s before the clock, of 2\.0 s"):
        best_of({"floor": ["x"]}, 1, None, None, {"floor": written})


def test_after_imports_imports_its_group_before_the_clock(tmp_path: Path) -> None:
    """The floor's script has Ibis and pandas imported before it starts maatstaf (here a
    probe in maatstaf's place), says how long that took, and hands maatstaf its arguments."""
    written = tmp_path / "before.seconds"
    probe = (
        "import json, runpy, sys\n"
        "import maatstaf.cli\n"
        "assert 'pandas' not in sys.modules and 'ibis' not in sys.modules\n"
        "def seen():\n"
        "    found = [m for m in ('pandas', 'ibis', 'sqlglot') if m in sys.modules]\n"
        "    print(json.dumps({'argv': sys.argv, 'imported': found}))\n"
        "maatstaf.cli.main = seen\n"
        "sys.argv = sys.argv[1:]\n"
        "runpy.run_path(sys.argv[0], run_name='__main__')\n"
    )
    command = [sys.executable, "-c", probe, str(wp.AFTER_IMPORTS), "ibis-pandas", str(written)]
    shown = subprocess.run([*command, "run", "--x"], capture_output=True, text=True, check=True)
    assert json.loads(shown.stdout) == {
        "argv": ["maatstaf", "run", "--x"],
        "imported": ["pandas", "ibis", "sqlglot"],
    }
    before = json.loads(written.read_text())
    assert 0 < before["seconds"] < 60 and before["cpu_seconds"] > 0
    wrong = [sys.executable, str(wp.AFTER_IMPORTS), "pandas-only", str(written)]
    failed = subprocess.run(wrong, capture_output=True)
    assert failed.returncode != 0 and b"GROUP is one of ibis-pandas, all" in failed.stderr


def test_unequal_baselines_are_named() -> None:
    size = {
        "rows": 1000,
        "benchmarks": [
            {
                "benchmark": "inflow",
                "baselines": {"numpy": {"equal_to_maatstaf": False}, "duckdb": {}},
            }
        ],
    }
    size["benchmarks"][0]["baselines"]["duckdb"] = {"equal_to_maatstaf": True}
    assert unequal(size) == ["1,000 rows: inflow/numpy"]


def test_flags_and_result_names() -> None:
    assert results_name([100_000, 1_000_000], ["startup", "process", "inprocess"]) == "results"
    assert results_name([10_000_000], ["process", "inprocess", "startup"]) == "results-10000000"
    assert results_name([100_000], ["process"]) == "results-process-100000"
    assert arguments(["--skip-naive"]).skip_naive_above == -1
    with pytest.raises(SystemExit):
        arguments(["--repeat", "0"])


def test_results_page(tmp_path: Path) -> None:
    document = json.loads((GOLDEN / "results.json").read_text("utf-8"))
    check_golden(markdown(document) + "\n", GOLDEN / "results.md")


def test_the_memory_goal_at_ten_million() -> None:
    document = json.loads((GOLDEN / "results.json").read_text("utf-8"))
    engine = document["sizes"][0]["maatstaf"]
    engine.update(memory_goal_mib=8192, peak_mib=8193.0)
    assert "peak 8193 MiB (goal: under 8 GiB, **not met**)." in markdown(document)
    engine.update(peak_mib=8192.0)
    assert "peak 8192 MiB (goal: under 8 GiB, met)." in markdown(document)


def test_the_page_names_the_library_versions_measured_with() -> None:
    document = json.loads((GOLDEN / "results.json").read_text("utf-8"))
    assert "duckdb" not in markdown(document).split("\n")[2]  # an older page names none
    document["versions"] = {"duckdb": "2.0.1", "pandas": "3.1.1"}
    assert "(duckdb 2.0.1, pandas 3.1.1); " in markdown(document).split("\n")[2]
    assert set(versions()) == set(MEASURED_WITH) and versions()["duckdb"][0].isdigit()


def test_the_page_says_how_often_each_approach_ran() -> None:
    document = json.loads((GOLDEN / "results.json").read_text("utf-8"))

    def text() -> str:  # the page's words, however its lines are wrapped
        return " ".join(markdown(document).split())

    assert "the naive one runs once in its process" in text()  # an older page
    document["sizes"][0]["repeat"] = 5
    assert "the naive one runs 5 times in its process; its best time counts" in text()
