"""python -m benchmarks [--sizes 100000 1000000] [--skip-naive-above N]

Generates synthetic indications, runs maatstaf's whole standard library on them and, side
by side, the hand-written baselines for unique clients per month; checks that the figures
are equal; reports wall time and peak memory (each in a fresh process) and writes
benchmarks/results/results.json and results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
APPROACHES = ("naive_pandas", "duckdb_range_join", "duckdb_sweep", "numpy_sweep")


def _child(kind: str, rows: int, queue: mp.Queue) -> None:
    from benchmarks import baselines
    from benchmarks.generate import indications

    table = indications(rows)
    started = time.perf_counter()
    if kind == "maatstaf":
        figures, per_measure = _maatstaf(table)
    else:
        figures, per_measure = getattr(baselines, kind)(table, "wmo"), {}
    seconds = time.perf_counter() - started
    queue.put((seconds, figures, per_measure))


def _maatstaf(table) -> tuple[dict[str, int], dict[str, float]]:
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
    data = LoadedData(tables={"toewijzingen": full}, fingerprint="benchmark")
    library = load_library()
    periods = periods_between(parse_period("2015-01"), parse_period("2025-12"), "month")
    measures = [
        m
        for m in sorted(library.measures)
        if all(t == "toewijzingen" for v in library.measures[m].versions for t in v.tables)
    ]
    per_measure: dict[str, float] = {}
    figures: dict[str, int] = {}
    for measure in measures:
        started = time.perf_counter()
        result = run(library, data, RunRequest(periods=periods, selections=[Selection(measure)]))
        per_measure[measure] = time.perf_counter() - started
        if measure == "wmo.unieke_clienten":
            figures = {f.period: int(f.value or 0) for f in result.figures}
    return figures, per_measure


def measure(kind: str, rows: int) -> dict:
    ctx = mp.get_context("fork")
    queue: mp.Queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(kind, rows, queue))
    process.start()
    seconds, figures, per_measure = queue.get()
    _, _status, usage = os.wait4(process.pid, 0)
    return {
        "approach": kind,
        "rows": rows,
        "seconds": round(seconds, 3),
        "peak_mib": round(usage.ru_maxrss / 1024, 1),
        "figures": figures,
        "per_measure": {k: round(v, 3) for k, v in per_measure.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--skip-naive-above", type=int, default=1_000_000)
    args = parser.parse_args()
    runs = []
    for rows in args.sizes:
        for kind in ("maatstaf", *APPROACHES):
            if kind == "naive_pandas" and rows > args.skip_naive_above:
                continue
            result = measure(kind, rows)
            print(
                f"{rows:>10,} {kind:<18} {result['seconds']:>9.2f} s {result['peak_mib']:>9.0f} MiB",
                flush=True,
            )
            runs.append(result)
    _check_equal(runs)
    _write(runs)


def _check_equal(runs: list[dict]) -> None:
    for rows in {r["rows"] for r in runs}:
        reference = next(
            r["figures"] for r in runs if r["rows"] == rows and r["approach"] == "numpy_sweep"
        )
        for run in runs:
            if run["rows"] == rows:
                run["equal_to_numpy_sweep"] = run["figures"] == reference


def _write(runs: list[dict]) -> None:
    from maatstaf.renderers.atomic import write_text

    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    slim = [{k: v for k, v in r.items() if k != "figures"} for r in runs]
    write_text(
        RESULTS / "results.json",
        json.dumps({"measured_at": stamp, "cpus": os.cpu_count(), "runs": slim}, indent=2) + "\n",
    )
    lines = [
        f"# Benchmark results ({stamp}, {os.cpu_count()} cores)",
        "",
        "Unique clients per month (wmo), 132 months; maatstaf: every standard-library measure",
        "on toewijzingen, each run separately (total shown).",
        "",
        "| rows | approach | seconds | peak MiB | equal to numpy sweep |",
        "|---:|---|---:|---:|---|",
    ]
    for r in slim:
        lines.append(
            f"| {r['rows']:,} | {r['approach']} | {r['seconds']:.2f} | {r['peak_mib']:.0f} | {r['equal_to_numpy_sweep']} |"
        )
    lines += [
        "",
        "## maatstaf per measure (seconds)",
        "",
        "| rows | measure | seconds |",
        "|---:|---|---:|",
    ]
    for r in slim:
        for name, seconds in r["per_measure"].items():
            lines.append(f"| {r['rows']:,} | {name} | {seconds:.2f} |")
    write_text(RESULTS / "results.md", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
