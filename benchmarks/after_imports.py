"""``maatstaf`` with some of its imports done before its clock starts: how long the whole
process would take if importing those modules cost nothing. A floor to compare with, not a
run a user can make: ``benchmarks.whole_process`` subtracts the seconds this writes from
the process's wall and CPU time.

    python benchmarks/after_imports.py GROUP SECONDS_FILE run --data DIR ...

GROUP ``ibis-pandas``: Ibis (with its SQL compiler for DuckDB and sqlglot) and pandas, what
a run path without them would no longer import. ``all``: besides those, the modules of
maatstaf and its libraries that the run imports (the command line, the CSV reader and its
checks, the engine, the JSON renderer). SECONDS_FILE gets ``{"seconds": ..., "cpu_seconds":
...}``: the wall time from this script's first line to the clock, and the process's CPU
time until then (one thread runs until then).
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import importlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

IBIS_PANDAS = ("pandas", "ibis", "sqlglot", "sqlglot.dialects.duckdb", "ibis.backends.duckdb")
ALL = (
    *IBIS_PANDAS,
    "pyarrow.csv",
    "duckdb",
    "maatstaf.cli",
    "maatstaf.cli.figures",
    "maatstaf.cli.computing",
    "maatstaf.cli.loading",
    "maatstaf.adapters.csv_folder",
    "maatstaf.adapters.assemble",
    "maatstaf.engine.run",
    "maatstaf.engine.suppression",
    "maatstaf.progress",
    "maatstaf.renderers.json_renderer",
)
GROUPS = {"ibis-pandas": IBIS_PANDAS, "all": ALL}


def main(group: str, seconds_file: str, arguments: list[str]) -> None:
    if group not in GROUPS:
        raise SystemExit(f"after_imports.py: GROUP is one of {', '.join(GROUPS)}, not {group!r}")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as maatstaf's main() sets it
    for module in GROUPS[group]:
        importlib.import_module(module)
    if group == "all":  # Ibis's DuckDB backend made, as a run makes it
        from maatstaf.engine.tables import duckdb_backend

        duckdb_backend()
    before = {"seconds": time.perf_counter() - STARTED, "cpu_seconds": time.process_time()}
    with open(seconds_file, "w", encoding="utf-8") as out:
        json.dump(before, out)
    sys.argv = ["maatstaf", *arguments]
    from maatstaf.cli import main as maatstaf

    maatstaf()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
