"""python -m benchmarks [--sizes 100000 1000000] [--parts startup process inprocess]
[--repeat 3] [--skip-naive | --skip-naive-above N] [--only maatstaf unique_clients ...]

One run measures, in this order:

- start-up: ``maatstaf --help`` and ``maatstaf check`` against ``python -c "import pandas"``
  (whole processes, best of ``--repeat``; goals <= 1.0 and <= 1.5);
- the whole process, per size: ``maatstaf run`` of unique Wmo clients per month, CSV in and
  JSON out, against the hand-written pandas + numpy script ``benchmarks/handwritten.py``
  (separate processes, best of ``--repeat``, figures compared after every run; goal <= 1.0);
- in process, per size: maatstaf's whole standard library in one run beside the
  hand-written baselines of ``benchmarks.baselines`` (naive pandas, DuckDB SQL, numpy) for
  unique clients, in- and outflow, new clients, herindicaties and stacking, each the best
  of ``--repeat`` runs in its process (a naive baseline once), every baseline's figures
  compared with maatstaf's (goal: every measure <= 1.5x the fastest).

Results: ``benchmarks/results/results.{json,md}`` for the default sizes and all parts,
else ``results-<parts>-<sizes>.*``. Any differing figure or failing command ends the run
with exit status 1 (in process, after the results are written). ``MAATSTAF_MEMORY_LIMIT``
caps DuckDB's memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
from pathlib import Path

from benchmarks.inprocess import in_process, unequal
from benchmarks.processes import BenchmarkFailed
from benchmarks.report import write
from benchmarks.startup import startup
from benchmarks.whole_process import whole_process

DEFAULT_SIZES = [100_000, 1_000_000]
PARTS = ("startup", "process", "inprocess")


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=DEFAULT_SIZES,
        help="indications (default: %(default)s)",
    )
    parser.add_argument(
        "--parts", nargs="+", choices=PARTS, default=list(PARTS), help="what to measure (all)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each whole process, and of each approach in process",
    )
    parser.add_argument(
        "--skip-naive-above", type=int, default=1_000_000, help="naive baselines up to N rows"
    )
    parser.add_argument("--skip-naive", action="store_true", help="no naive pandas baselines")
    parser.add_argument(
        "--only", nargs="+", default=None, help="in process: maatstaf and/or benchmark names"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="for the CSVs (default: tmp)")
    args = parser.parse_args(argv)
    if args.skip_naive:
        args.skip_naive_above = -1
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def results_name(sizes: list[int], parts: list[str]) -> str:
    if sizes == DEFAULT_SIZES and set(parts) == set(PARTS):
        return "results"
    chosen = [p for p in PARTS if p in parts] if set(parts) != set(PARTS) else []
    return "-".join(["results", *chosen, *map(str, sizes)])


MEASURED_WITH = ("duckdb", "ibis-framework", "pandas", "pyarrow", "numpy")


def versions() -> dict[str, str]:
    """The versions of the libraries the figures depend on (a new DuckDB moves them)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in MEASURED_WITH:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def measure_all(args: argparse.Namespace, workdir: Path) -> dict:
    document: dict = {
        "measured_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "versions": versions(),
        "repeat": args.repeat,
    }
    if "startup" in args.parts:
        document["startup"] = startup(args.repeat)
        print(f"start-up: {document['startup']['ratios']}", flush=True)
    document["whole_process"], document["sizes"] = [], []
    for rows in args.sizes:
        if "process" in args.parts:
            result = whole_process(rows, args.repeat, workdir)
            print(f"{rows:>11,} whole process: ratio {result['ratio']}", flush=True)
            document["whole_process"].append(result)
        if "inprocess" in args.parts:
            document["sizes"].append(
                in_process(rows, args.skip_naive_above, args.only, args.repeat)
            )
    return document


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    try:
        if args.workdir is not None:
            document = measure_all(args, args.workdir)
        else:
            with tempfile.TemporaryDirectory(prefix="maatstaf-bench-") as tmp:
                document = measure_all(args, Path(tmp))
    except BenchmarkFailed as failure:
        print(f"benchmark failed: {failure}", file=sys.stderr)
        return 1
    for path in write(document, results_name(args.sizes, args.parts)):
        print(f"wrote {path}")
    differing = [name for size in document["sizes"] for name in unequal(size)]
    if differing:
        print("figures differ from maatstaf's: " + ", ".join(differing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
