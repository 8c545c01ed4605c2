"""The whole process, CSV in and JSON out: ``maatstaf run`` for unique Wmo clients per
month against the hand-written pandas + numpy script (``benchmarks/handwritten.py``) on the
same CSV, each a separate process, best of N; both outputs compared figure by figure. For
comparison, without a goal, a hand-written script that first checks every row as maatstaf
does (``benchmarks/handwritten_checked.py``): the same job as maatstaf's; and maatstaf's run
with its imports done before its clock (``benchmarks/after_imports.py``): Ibis and pandas,
or all of them, as if importing them cost nothing."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from benchmarks.processes import BenchmarkFailed, best_of, maatstaf_command, ratio, timed

MEASURE = "wmo.unieke_clienten"
FIRST, LAST = "2015-01", "2025-12"
SCRIPT = Path(__file__).with_name("handwritten.py")
CHECKED = Path(__file__).with_name("handwritten_checked.py")  # the same, checking every row
AFTER_IMPORTS = Path(__file__).with_name("after_imports.py")  # maatstaf, imports off the clock
FLOORS = {"after_ibis_pandas": "ibis-pandas", "after_all": "all"}  # command -> its group
GOAL = 1.0  # maatstaf's best over the script's best
LIBRARY_MEMORY_GOAL_MIB = 8 * 1024  # the whole library, CSV in: under 8 GiB at any size


def write_csv(rows: int, folder: Path) -> Path:
    """The synthetic indications as ``folder/toewijzingen.csv`` (ISO dates, quoted text)."""
    import pyarrow.csv

    from benchmarks.generate import indications

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "toewijzingen.csv"
    pyarrow.csv.write_csv(indications(rows), path)
    return path


def commands(csv: Path, out: Path) -> dict[str, list[str]]:
    """Each side's command, writing its figures to ``out/<name>.json``."""
    run = ["run", "--data", str(csv.parent), "--measure", MEASURE]
    run += ["--from", FIRST, "--to", LAST, "--grain", "month", "--format", "json", "--output"]
    script = [sys.executable, str(SCRIPT), str(csv), str(out / "script.json"), FIRST, LAST]
    checked = [sys.executable, str(CHECKED), str(csv), str(out / "checked.json"), FIRST, LAST]
    found = {"maatstaf": [*maatstaf_command(), *run, str(out / "maatstaf.json")]}
    found |= {"script": script, "checked": checked}
    for name, group in FLOORS.items():
        floor = [sys.executable, str(AFTER_IMPORTS), group, str(out / f"{name}.seconds")]
        found[name] = [*floor, *run, str(out / f"{name}.json")]
    return found


def maatstaf_figures(document: dict) -> dict[str, int | None]:
    """``{period: value}`` of the measure's undivided figures in a ``--format json`` run;
    a run that rejected rows did not count the same rows as the script."""
    rejected = document["provenance"]["rejected_rows"]
    if rejected:
        raise BenchmarkFailed(f"maatstaf rejected {rejected} rows of the benchmark's CSV")
    return {
        f["period"]: f["value"]
        for f in document["figures"]
        if f["measure"] == MEASURE and not f["dimensions"]
    }


def compare_figures(
    engine: dict[str, int | None], script: dict[str, int], name: str = "script"
) -> None:
    """Fail, naming every month that differs (at most ten shown), unless both sides have
    the same months with the same figures; ``name``: the other side."""
    months = sorted(set(engine) | set(script))
    missing = "(none)"
    wrong = [
        f"{m}: maatstaf {engine.get(m, missing)}, {name} {script.get(m, missing)}"
        for m in months
        if engine.get(m, missing) != script.get(m, missing)
    ]
    if not months:
        raise BenchmarkFailed(f"neither maatstaf nor the {name} wrote a figure")
    if wrong:
        shown = "\n  ".join(wrong[:10]) + ("\n  ..." if len(wrong) > 10 else "")
        raise BenchmarkFailed(
            f"{MEASURE}: {len(wrong)} of {len(months)} months differ between maatstaf and "
            f"the {name}:\n  {shown}"
        )


def compare_outputs(out: Path) -> int:
    """Compare the output files of a round; the number of months compared."""
    engine = maatstaf_figures(json.loads((out / "maatstaf.json").read_text("utf-8")))
    compare_figures(engine, json.loads((out / "script.json").read_text("utf-8")))
    checked = json.loads((out / "checked.json").read_text("utf-8"))
    compare_figures(engine, checked, "checking script")
    for name, group in FLOORS.items():  # the same run with imports off the clock
        floor = maatstaf_figures(json.loads((out / f"{name}.json").read_text("utf-8")))
        compare_figures(engine, floor, f"run with its imports ({group}) off the clock")
    for name in ("maatstaf", "script", "checked", *FLOORS):  # each round writes its own
        (out / f"{name}.json").unlink()
    return len(engine)


def whole_process(rows: int, repeat: int, workdir: Path) -> dict:
    """Time both sides at ``rows`` indications; fails loudly on any differing figure.

    maatstaf starts from an empty cache folder of its own: its first run parses the
    library and compiles the plan, and keeps both (``dsl.cache``, ``engine.plans``); the
    runs after it read them, as a user's second run does. The whole library then runs
    twice: its plans compiled, then kept."""
    csv = write_csv(rows, workdir / str(rows))
    out = workdir / f"{rows}-out"
    out.mkdir(exist_ok=True)
    cache = workdir / f"{rows}-cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "MAATSTAF_CACHE_DIR": str(cache)}
    compared: list[int] = []
    before_clock = {name: out / f"{name}.seconds" for name in FLOORS}
    timings = best_of(
        commands(csv, out), repeat, lambda: compared.append(compare_outputs(out)), env, before_clock
    )
    library = timed(library_command(csv, out), env)
    kept = timed(library_command(csv, out), env)
    (out / "library.json").unlink()
    return {
        "rows": rows,
        "measure": MEASURE,
        "csv_mib": round(csv.stat().st_size / 2**20, 1),
        "months_compared": compared[-1],
        "figures_equal": True,
        "maatstaf": timings["maatstaf"],
        "script": timings["script"],
        "ratio": ratio(timings["maatstaf"], timings["script"]),
        "goal": GOAL,
        # for comparison, no goal: the same count after the same checks of every row
        "checked": timings["checked"],
        "checked_ratio": ratio(timings["maatstaf"], timings["checked"]),
        # for comparison, no goal: maatstaf as if importing Ibis and pandas, or all, cost nothing
        "after_imports": {
            group: {**timings[name], "ratio": ratio(timings[name], timings["script"])}
            for name, group in FLOORS.items()
        },
        "library": {
            **{k: round(v, 3) for k, v in library.items()},
            "goal_mib": LIBRARY_MEMORY_GOAL_MIB,
            "kept": {k: round(v, 3) for k, v in kept.items()},
        },
    }


def library_command(csv: Path, out: Path) -> list[str]:
    """The whole standard library on the same CSV, every month, once: its memory is the
    one that matters at scale (goal: under 8 GiB at 10^7 indications)."""
    run = ["run", "--data", str(csv.parent), "--from", FIRST, "--to", LAST, "--grain", "month"]
    return [*maatstaf_command(), *run, "--format", "json", "--output", str(out / "library.json")]
