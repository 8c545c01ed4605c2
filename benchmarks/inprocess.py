"""maatstaf against hand-written baselines in process, measure by measure: each approach
in a fresh (forked) process on the same synthetic indications, its timer starting with the
table in memory; maatstaf runs its whole standard library (every measure on
``toewijzingen``) in one run, its time for a benchmark is that measure's evaluation in the
run. Every baseline's figures are compared with maatstaf's month by month (and band)."""

from __future__ import annotations

import multiprocessing as mp
import os
import tempfile
import time

from benchmarks.baselines import BENCHMARKS, INTERVAL_BENCHMARKS
from benchmarks.processes import BenchmarkFailed

GOAL = 1.5  # maatstaf's time for a measure over the fastest hand-written baseline's
MEMORY_GOAL_MIB, MEMORY_GOAL_ROWS = 8 * 1024, 10_000_000  # the whole library's peak at 10^7


def _child(kind: str, rows: int, repeat: int, queue: mp.Queue) -> None:
    try:
        queue.put(_measure_in_child(kind, rows, repeat))
    except BaseException as exc:  # report it to the parent instead of hanging it
        queue.put({"error": f"{type(exc).__name__}: {exc}"})
        raise


def _measure_in_child(kind: str, rows: int, repeat: int) -> dict:
    """One approach, timed ``repeat`` times on the same table, the best kept (a naive
    baseline, minutes at 10^6, once); its figures must be the same every time."""
    from benchmarks.generate import indications

    table = indications(rows)
    if kind == "maatstaf":
        return _maatstaf(table, repeat)
    benchmark, approach = kind.split("/")
    _, wet, approaches = BENCHMARKS[benchmark]
    best, figures = float("inf"), None
    for _ in range(1 if approach == "naive_pandas" else repeat):
        started = time.perf_counter()
        these = approaches[approach](table, wet)
        best = min(best, time.perf_counter() - started)
        if figures is not None and these != figures:
            raise AssertionError(f"{kind} counted otherwise when run again")
        figures = these
    return {"seconds": best, "figures": figures}


def _maatstaf(table, repeat: int) -> dict:
    import pyarrow as pa

    from maatstaf.adapters.base import LoadedData
    from maatstaf.dsl.load import load_library
    from maatstaf.dsl.schema import canonical_schema
    from maatstaf.engine.periods import parse_period, periods_between
    from maatstaf.engine.run import RunRequest, Selection, run

    schema = canonical_schema().table("toewijzingen")
    types = {
        "text": pa.string(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us"),
        "decimal": pa.decimal128(18, 2),
        "integer": pa.int64(),
    }
    full = pa.table(
        {
            c.name: (
                table[c.name].cast(types[c.type])
                if c.name in table.column_names
                else pa.nulls(table.num_rows, types[c.type])
            )
            for c in schema.columns
        }
    )
    del table
    data = LoadedData(tables={"toewijzingen": full}, fingerprint="benchmark")
    library = load_library()
    periods = periods_between(parse_period("2015-01"), parse_period("2025-12"), "month")
    measures = [
        m
        for m in sorted(library.measures)
        if all(t == "toewijzingen" for v in library.measures[m].versions for t in v.tables)
    ]
    request = RunRequest(periods=periods, selections=[Selection(m) for m in measures])

    def once() -> tuple[float, dict[str, float], dict[str, dict[str, int]]]:
        """One run, in a database of its own as in a new process (the relations it makes
        are numbered per database: the plans it keeps name them)."""
        per_measure: dict[str, float] = {}

        def progress(measure: str, done: int, total: int, seconds: float) -> None:
            per_measure[measure] = per_measure.get(measure, 0.0) + seconds

        started = time.perf_counter()
        result = run(library, data, request, None, progress)
        seconds = time.perf_counter() - started
        wanted = {measure: name for name, (measure, _, _) in BENCHMARKS.items()}
        figures: dict[str, dict[str, int]] = {name: {} for name in BENCHMARKS}
        for figure in result.figures:
            if figure.measure in wanted:
                key = "|".join([figure.period, *figure.dimensions.values()])
                figures[wanted[figure.measure]][key] = int(figure.value or 0)
        return seconds, per_measure, figures

    # an empty cache folder: the first run compiles every plan and keeps it, the runs
    # after it (what every later run on these definitions costs) run the kept plans: the
    # best of ``repeat`` such runs, per measure and in all, as for the baselines
    os.environ["MAATSTAF_CACHE_DIR"] = tempfile.mkdtemp(prefix="maatstaf-benchmark-")
    compiled, per_compiled, first = once()
    seconds, per_measure = float("inf"), {}
    for _ in range(repeat):
        total, measures, figures = once()
        if figures != first:
            raise AssertionError("the run with kept plans counted otherwise than the first run")
        seconds = min(seconds, total)
        per_measure = {m: min(t, per_measure.get(m, t)) for m, t in measures.items()}
    return {
        "seconds": seconds,
        "figures": figures,
        "per_measure": per_measure,
        "compiled_seconds": compiled,
        "per_measure_compiled": per_compiled,
    }


def measure(kind: str, rows: int, repeat: int) -> dict:
    ctx = mp.get_context("fork")
    queue: mp.Queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(kind, rows, repeat, queue))
    process.start()
    outcome = queue.get()
    _, status, usage = os.wait4(process.pid, 0)
    if "error" in outcome or status != 0:
        raise BenchmarkFailed(f"{kind} at {rows:,} rows failed: {outcome.get('error', status)}")
    return {"kind": kind, "rows": rows, "peak_mib": round(usage.ru_maxrss / 1024, 1), **outcome}


def in_process(rows: int, skip_naive_above: int, only: list[str] | None, repeat: int) -> dict:
    """maatstaf's run and every baseline (``only``: those benchmarks, or ``maatstaf``),
    each in its own process, the best of ``repeat`` runs there; the naive ones once, and
    only up to ``skip_naive_above`` rows."""
    kinds = ["maatstaf"] + [
        f"{name}/{approach}"
        for name, (_, _, approaches) in BENCHMARKS.items()
        for approach in approaches
        if not (approach == "naive_pandas" and rows > skip_naive_above)
    ]
    if only:
        kinds = [k for k in kinds if k.split("/")[0] in only]
    runs = []
    for kind in kinds:
        result = measure(kind, rows, repeat)
        print(
            f"{rows:>11,} {kind:<34} {result['seconds']:>9.3f} s {result['peak_mib']:>8.0f} MiB",
            flush=True,
        )
        runs.append(result)
    return _summary(rows, runs, repeat)


def unequal(summary: dict) -> list[str]:
    """The baselines whose figures differ from maatstaf's, as ``rows benchmark/approach``."""
    return [
        f"{summary['rows']:,} rows: {entry['benchmark']}/{approach}"
        for entry in summary["benchmarks"]
        for approach, baseline in entry["baselines"].items()
        if baseline["equal_to_maatstaf"] is False
    ]


def _summary(rows: int, runs: list[dict], repeat: int) -> dict:
    """Per benchmark: maatstaf's time for its measure beside every baseline's, the ratios,
    and whether the figures are equal."""
    engine = next((r for r in runs if r["kind"] == "maatstaf"), None)
    benchmarks = []
    for name, (measure_id, _, _approaches) in BENCHMARKS.items():
        baselines = {r["kind"].split("/")[1]: r for r in runs if r["kind"].split("/")[0] == name}
        if not baselines and engine is None:
            continue
        entry: dict = {
            "benchmark": name,
            "measure": measure_id,
            "interval": name in INTERVAL_BENCHMARKS,
        }
        entry["baselines"] = {
            approach: {
                "seconds": round(r["seconds"], 4),
                "peak_mib": r["peak_mib"],
                "equal_to_maatstaf": None
                if engine is None
                else r["figures"] == engine["figures"][name],
            }
            for approach, r in baselines.items()
        }
        if engine is not None:
            seconds = engine["per_measure"][measure_id]
            entry["maatstaf_seconds"] = round(seconds, 4)
            compiled = engine.get("per_measure_compiled", {}).get(measure_id)
            if compiled is not None:
                entry["maatstaf_compiled_seconds"] = round(compiled, 4)
            hand = [r["seconds"] for a, r in baselines.items() if a != "naive_pandas"]
            if hand:
                entry["fastest_hand_written"] = min(
                    (a for a in baselines if a != "naive_pandas"),
                    key=lambda a: baselines[a]["seconds"],
                )
                entry["ratio_to_fastest"] = round(seconds / min(hand), 2)
                if compiled is not None:
                    entry["compiled_ratio_to_fastest"] = round(compiled / min(hand), 2)
            if "naive_pandas" in baselines:
                entry["naive_over_maatstaf"] = round(
                    baselines["naive_pandas"]["seconds"] / seconds, 1
                )
        benchmarks.append(entry)
    summary: dict = {"rows": rows, "goal": GOAL, "repeat": repeat, "benchmarks": benchmarks}
    if engine is not None:
        summary["maatstaf"] = {
            "total_seconds": round(engine["seconds"], 3),
            "compiled_total_seconds": round(engine.get("compiled_seconds", 0.0), 3),
            "peak_mib": engine["peak_mib"],
            "measures": len(engine["per_measure"]),
            "per_measure": {k: round(v, 4) for k, v in sorted(engine["per_measure"].items())},
        }
        if rows >= MEMORY_GOAL_ROWS:
            summary["maatstaf"]["memory_goal_mib"] = MEMORY_GOAL_MIB
    return summary
