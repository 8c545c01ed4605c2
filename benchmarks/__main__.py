"""python -m benchmarks [--sizes 100000 1000000] [--skip-naive-above N] [--only maatstaf ...]

Generates synthetic indications and, for each size, in one invocation:

- runs maatstaf's whole standard library on them in one run (the data loaded once, the
  shared sub-plans computed once), timing every measure;
- runs, side by side, the hand-written baselines of ``benchmarks.baselines`` (a naive
  pandas version, DuckDB SQL, numpy) for unique clients, in- and outflow, new clients,
  herindicaties and stacking;
- checks that every baseline's figures equal maatstaf's, month by month;
- reports wall time and peak memory (each approach in a fresh process, so its peak is its
  own) and the ratios, and writes ``benchmarks/results/results.{json,md}`` (other sizes: ``results-<sizes>.*``).

Every timer starts with the indications in memory as an Arrow table; maatstaf's time per
measure is its evaluation in the run, and its total includes loading the table into
DuckDB and computing the scoped rows. ``MAATSTAF_MEMORY_LIMIT`` caps DuckDB's memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import time
from pathlib import Path

from benchmarks.baselines import BENCHMARKS, INTERVAL_BENCHMARKS

RESULTS = Path(__file__).parent / "results"
DEFAULT_SIZES = [100_000, 1_000_000]  # results.{json,md}; other sizes: results-<sizes>.*


def _child(kind: str, rows: int, queue: mp.Queue) -> None:
    try:
        queue.put(_measure_in_child(kind, rows))
    except BaseException as exc:  # report it to the parent instead of hanging it
        queue.put({"error": f"{type(exc).__name__}: {exc}"})
        raise


def _measure_in_child(kind: str, rows: int) -> dict:
    from benchmarks.generate import indications

    table = indications(rows)
    if kind == "maatstaf":
        return _maatstaf(table)
    benchmark, approach = kind.split("/")
    _, wet, approaches = BENCHMARKS[benchmark]
    started = time.perf_counter()
    figures = approaches[approach](table, wet)
    return {"seconds": time.perf_counter() - started, "figures": figures}


def _maatstaf(table) -> dict:
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
    per_measure: dict[str, float] = {}

    def progress(measure: str, done: int, total: int, seconds: float) -> None:
        per_measure[measure] = per_measure.get(measure, 0.0) + seconds

    started = time.perf_counter()
    selections = [Selection(m) for m in measures]
    result = run(library, data, RunRequest(periods=periods, selections=selections), None, progress)
    seconds = time.perf_counter() - started
    wanted = {measure: name for name, (measure, _, _) in BENCHMARKS.items()}
    figures: dict[str, dict[str, int]] = {name: {} for name in BENCHMARKS}
    for figure in result.figures:
        if figure.measure in wanted:
            key = "|".join([figure.period, *figure.dimensions.values()])
            figures[wanted[figure.measure]][key] = int(figure.value or 0)
    return {"seconds": seconds, "figures": figures, "per_measure": per_measure}


def measure(kind: str, rows: int) -> dict:
    ctx = mp.get_context("fork")
    queue: mp.Queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(kind, rows, queue))
    process.start()
    outcome = queue.get()
    _, status, usage = os.wait4(process.pid, 0)
    if "error" in outcome or status != 0:
        raise SystemExit(f"{kind} at {rows:,} rows failed: {outcome.get('error', status)}")
    return {"kind": kind, "rows": rows, "peak_mib": round(usage.ru_maxrss / 1024, 1), **outcome}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES)
    parser.add_argument("--skip-naive-above", type=int, default=1_000_000)
    parser.add_argument(
        "--only", nargs="+", default=None, help="maatstaf and/or benchmark names to run"
    )
    args = parser.parse_args()
    sizes = []
    for rows in args.sizes:
        kinds = ["maatstaf"] + [
            f"{name}/{approach}"
            for name, (_, _, approaches) in BENCHMARKS.items()
            for approach in approaches
            if not (approach == "naive_pandas" and rows > args.skip_naive_above)
        ]
        if args.only:
            kinds = [k for k in kinds if k.split("/")[0] in args.only]
        runs = []
        for kind in kinds:
            result = measure(kind, rows)
            print(
                f"{rows:>11,} {kind:<34} {result['seconds']:>9.3f} s {result['peak_mib']:>8.0f} MiB",
                flush=True,
            )
            runs.append(result)
        sizes.append(_summary(rows, runs))
    _write(sizes)


def _summary(rows: int, runs: list[dict]) -> dict:
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
            hand = [r["seconds"] for a, r in baselines.items() if a != "naive_pandas"]
            if hand:
                entry["fastest_hand_written"] = min(
                    (a for a in baselines if a != "naive_pandas"),
                    key=lambda a: baselines[a]["seconds"],
                )
                entry["ratio_to_fastest"] = round(seconds / min(hand), 2)
            if "naive_pandas" in baselines:
                entry["naive_over_maatstaf"] = round(
                    baselines["naive_pandas"]["seconds"] / seconds, 1
                )
        benchmarks.append(entry)
    summary: dict = {"rows": rows, "benchmarks": benchmarks}
    if engine is not None:
        summary["maatstaf"] = {
            "total_seconds": round(engine["seconds"], 3),
            "peak_mib": engine["peak_mib"],
            "measures": len(engine["per_measure"]),
            "per_measure": {k: round(v, 4) for k, v in sorted(engine["per_measure"].items())},
        }
    return summary


def _write(sizes: list[dict]) -> None:
    from maatstaf.renderers.atomic import write_text

    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = [size["rows"] for size in sizes]
    name = "results" if rows == DEFAULT_SIZES else "results-" + "-".join(map(str, rows))
    document = {"measured_at": stamp, "cpus": os.cpu_count(), "sizes": sizes}
    write_text(RESULTS / f"{name}.json", json.dumps(document, indent=2) + "\n")
    write_text(RESULTS / f"{name}.md", markdown(document) + "\n")


def markdown(document: dict) -> str:
    lines = [
        f"# Benchmark results ({document['measured_at']}, {document['cpus']} cores)",
        "",
        "Months 2015-01 .. 2025-12 (132). Each approach runs in a fresh process on the same",
        "synthetic indications; its timer starts with the table in memory. maatstaf runs its",
        "whole standard library (every measure on `toewijzingen`) in one run; its time for a",
        "benchmark is that measure's evaluation in the run. 'ratio' is maatstaf's time over the",
        "fastest hand-written (non-naive) baseline; 'naive / maatstaf' how many times faster",
        "maatstaf is than the naive pandas version. 'equal': the baseline's figures equal",
        "maatstaf's for every month (and band).",
    ]
    for size in document["sizes"]:
        rows = size["rows"]
        lines += ["", f"## {rows:,} indications", ""]
        engine = size.get("maatstaf")
        if engine:
            lines += [
                f"maatstaf, whole library ({engine['measures']} measures, load included): "
                f"**{engine['total_seconds']:.2f} s**, peak {engine['peak_mib']:.0f} MiB.",
                "",
            ]
        lines += [
            "| benchmark | maatstaf s | approach | s | peak MiB | equal |",
            "|---|---:|---|---:|---:|---|",
        ]
        for entry in size["benchmarks"]:
            for approach, b in entry["baselines"].items():
                mine = entry.get("maatstaf_seconds")
                lines.append(
                    f"| {entry['benchmark']} (`{entry['measure']}`) | "
                    f"{'' if mine is None else f'{mine:.3f}'} | {approach} | {b['seconds']:.3f} | "
                    f"{b['peak_mib']:.0f} | {b['equal_to_maatstaf']} |"
                )
        lines += [
            "",
            "| benchmark | interval | maatstaf s | fastest hand-written | ratio | naive / maatstaf |",
            "|---|---|---:|---|---:|---:|",
        ]
        for entry in size["benchmarks"]:
            if "maatstaf_seconds" not in entry:
                continue
            lines.append(
                f"| {entry['benchmark']} | {'yes' if entry['interval'] else 'no'} | "
                f"{entry['maatstaf_seconds']:.3f} | {entry.get('fastest_hand_written', '')} | "
                f"{entry.get('ratio_to_fastest', '')} | {entry.get('naive_over_maatstaf', '')} |"
            )
        if engine:
            lines += ["", "<details><summary>maatstaf per measure (seconds)</summary>", ""]
            lines += ["| measure | seconds |", "|---|---:|"]
            lines += [f"| {m} | {s:.3f} |" for m, s in engine["per_measure"].items()]
            lines += ["", "</details>"]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
