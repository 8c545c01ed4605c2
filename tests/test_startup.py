"""Start-up (issue 14, item 1): what `--help`, `check` and a load import (the cache of
parsed libraries: ``test_library_cache.py``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from maatstaf.cli import app
from maatstaf.cli.boundary import DATA_ERRORS, DEFINITION_ERRORS, USAGE_ERRORS, imported

# Modules that cost seconds to import and that neither --help nor check needs.
HEAVY = ("ibis", "duckdb", "pyarrow", "pandas", "numpy", "sqlglot", "pyspark")


def _modules_after(args: list[str], cache: Path | str) -> tuple[set[str], subprocess.Popen]:
    """The modules a fresh process has imported after running the CLI with these args."""
    code = (
        "import json, sys\n"
        "from maatstaf.cli import app\n"
        "try:\n"
        f"    app({args!r})\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "sys.__stderr__.write('\\nMODULES ' + json.dumps(sorted(sys.modules)) + '\\n')\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "MAATSTAF_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    said, _, modules = done.stderr.partition("\nMODULES ")
    done.stderr = said  # what the command itself wrote
    return set(json.loads(modules)), done  # type: ignore[return-value]


def _roots(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


# ---- what a command imports ---------------------------------------------------------


def test_help_imports_neither_the_engine_nor_its_libraries(tmp_path: Path) -> None:
    modules, done = _modules_after(["--help"], tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert "Commands" in done.stdout and "check" in done.stdout
    assert not _roots(modules) & {*HEAVY, "networkx", "lark", "yaml", "rich"}
    assert not {m for m in modules if m.startswith(("maatstaf.engine", "maatstaf.adapters"))}
    assert "maatstaf.dsl.ast" not in modules  # not even the syntax tree


def test_check_imports_no_data_library_and_nothing_to_parse_on_a_second_run(
    tmp_path: Path,
) -> None:
    cold, done = _modules_after(["check"], tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert "ok: " in done.stderr
    assert not _roots(cold) & set(HEAVY), "the first check parses, but reads no data"
    warm, again = _modules_after(["check"], tmp_path / "cache")
    assert again.returncode == 0 and again.stderr == done.stderr
    # the second check neither parses (Lark) nor resolves (networkx, the schema's YAML)
    assert not _roots(warm) & {*HEAVY, "lark", "networkx", "yaml"}
    assert not {m for m in warm if m.startswith(("maatstaf.engine", "maatstaf.adapters"))}


def test_check_without_a_cache_imports_no_data_library() -> None:
    modules, done = _modules_after(["check"], "off")
    assert done.returncode == 0, done.stderr
    assert not _roots(modules) & set(HEAVY)
    assert "maatstaf.dsl.parser" in modules  # it did parse


def test_loading_a_plain_csv_file_imports_no_pandas(tmp_path: Path) -> None:
    """The load needs Arrow and DuckDB, never pandas; ``run`` imports pandas on a thread of
    its own while the data loads. Arrow imports pandas for some of its calls (``pa.array``
    of anything, ``Schema.empty_table``), and a load that made one waited on the import
    lock for the whole of pandas (0.35 s of a 1.9 s run at 10^6 indications)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "toewijzingen.csv").write_text(
        "toewijzing_id,client_id,wet,productcode,omvang_volume,omvang_eenheid,"
        "omvang_frequentie,startdatum,einddatum\n"
        "T1,C1,wmo,01A01,3.00,uur,week,2021-04-28,2023-01-14\n"
        "T2,C2,jeugdwet,02A05,1.5,uur,week,2020-04-05,\n",
        encoding="utf-8",
    )
    code = (
        "import sys\n"
        "from maatstaf.cli.loading import load\n"
        f"loaded = load({str(data)!r})\n"
        "print(loaded.rejected_row_count, loaded.tables.relations['toewijzingen'] is not None)\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "True", "False"]


def test_the_boundary_names_errors_that_exist() -> None:
    """The boundary finds its errors by module and name: a renamed class or a moved module
    must fail here, not turn a user's error into a traceback."""
    import importlib

    for module, name in (*DEFINITION_ERRORS, *DATA_ERRORS, *USAGE_ERRORS):
        found = getattr(importlib.import_module(module), name, None)
        assert isinstance(found, type) and issubclass(found, Exception), (module, name)
    assert len(imported(DATA_ERRORS)) == len(DATA_ERRORS)
    assert imported((("maatstaf.not_a_module", "Nope"),)) == ()


def test_an_error_of_a_lazily_imported_module_still_has_its_exit_code(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", "--data", str(tmp_path / "nowhere"), "-m", "x@y"])
    assert result.exit_code == 2
    assert "usage error: 'x@y': write a version as ID@2" in result.output
    result = CliRunner().invoke(
        app, ["diff", "x", "--data", "d", "--period", "2020-13", "--left", "1", "--right", "2"]
    )
    assert result.exit_code == 2, result.output
    assert "usage error: " in result.output and "2020-13" in result.output


def test_the_console_command_starts_no_blas_threads_unless_asked() -> None:
    """The console command sets OPENBLAS_NUM_THREADS=1 before anything imports numpy (no
    command multiplies matrices, and OpenBLAS's threads spin on a core the load needs);
    a value the user set stands, and importing the CLI, as programs do, sets nothing."""
    script = (
        "import os, sys\n"
        "import maatstaf.cli as cli\n"
        "print(os.environ.get('OPENBLAS_NUM_THREADS'), 'numpy' in sys.modules)\n"
        "cli.app = lambda: print(os.environ.get('OPENBLAS_NUM_THREADS'))\n"
        "cli.main()\n"
    )
    for given, expected in ((None, ["None False", "1"]), ("3", ["3 False", "3"])):
        env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
        env.update({"OPENBLAS_NUM_THREADS": given} if given else {})
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == expected
