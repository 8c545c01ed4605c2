"""run and publish compute figures through one function (maatstaf/cli/computing.py): the
same options are refused with the same message before any data is read, and the same
options give the same figures, whether rendered (run) or published (publish)."""

from __future__ import annotations

import importlib
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from maatstaf.adapters.sample import write_sample_csv
from maatstaf.cli import app
from maatstaf.cli.computing import ENGINE, importing
from tests.test_outputs_tabular import figures_of_rows

# bad options, and the message both commands give for them (the data does not exist, so
# each must be refused before any data is read)
REFUSED = [
    (
        ["--grain", "weekly"],
        "unknown grain 'weekly': use month, 4-weekly, quarter, half-year or year. "
        "Did you mean '4-weekly'?",
    ),
    (["--suppress", "sometimes"], "--suppress 'sometimes': use off, a threshold such as 5, or cbs"),
    (["--as-of", "2021-13-01"], "--as-of '2021-13-01': write a date as YYYY-MM-DD"),
    (["-m", "jeugd.unieke_clienten@x"], "'jeugd.unieke_clienten@x': write a version as ID@2"),
    (["--from", "2021-13"], "'2021-13' is not a period: write a month as 2020-01"),
    (
        ["-m", "jeugd.unieke_clienten", "--by", "wijkk"],
        "--by wijkk: no chosen measure offers this dimension.",
    ),
]


def _commands(tmp_path: Path) -> dict[str, list[str]]:
    return {
        "run": ["run"],
        "publish": ["publish", "--database", f"duckdb://{tmp_path / 'cijfers.duckdb'}"],
    }


@pytest.mark.parametrize(("options", "message"), REFUSED)
def test_run_and_publish_refuse_an_option_alike_before_reading_data(
    tmp_path: Path, options: list[str], message: str
) -> None:
    said = {}
    for name, command in _commands(tmp_path).items():
        args = [*command, "--data", str(tmp_path / "no-data"), *options]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, (name, result.output)
        said[name] = result.output
    assert said["run"] == said["publish"]
    assert said["run"].startswith(f"usage error: {message}"), said["run"]


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    write_sample_csv(folder)
    return folder


@pytest.mark.slow  # the sample run and published through the CLI: in make test-all
# (test_publish checks what publishing writes in make test)
def test_run_and_publish_give_the_same_figures(tmp_path: Path, sample_folder: Path) -> None:
    """Measures with an optional dimension, CBS suppression and an as-of date: every
    option the two commands share reaches the computation of both."""
    options = ["--data", str(sample_folder), "--from", "2021-01", "--to", "2021-03"]
    options += ["-m", "jeugd.unieke_clienten", "-m", "wmo.unieke_clienten", "--by", "leveringsvorm"]
    options += ["--suppress", "cbs", "--as-of", "2021-02-15"]
    output, database = tmp_path / "cijfers.json", tmp_path / "cijfers.duckdb"
    runner = CliRunner()
    ran = runner.invoke(app, ["run", *options, "--format", "json", "-o", str(output)])
    assert ran.exit_code == 0, ran.output
    published = runner.invoke(app, ["publish", "--database", f"duckdb://{database}", *options])
    assert published.exit_code == 0, published.output

    rendered = {
        (f["measure"], f["version"], f["period"], tuple(sorted(f["dimensions"].items()))): (
            f["value"],
            f.get("suppressed"),
        )
        for f in json.loads(output.read_text(encoding="utf-8"))["figures"]
    }
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute("SELECT * FROM figures_current")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    stored = {
        key: (figure["value"], figure["suppressed"])
        for key, figure in figures_of_rows(rows, names).items()
    }
    assert stored == rendered
    assert any(dims for (_, _, _, dims) in rendered), (
        "no figure by leveringsvorm: --by did not arrive"
    )
    assert any(suppressed for _, suppressed in rendered.values()), "nothing suppressed"


# ---- the engine imported while the data loads ---------------------------------------------


def _module(folder: Path, monkeypatch: pytest.MonkeyPatch, name: str, then: str = "") -> None:
    """A module ``name`` (not imported yet) that notes the thread importing it, then runs
    ``then``."""
    source = "import threading, time\nTHREAD = threading.current_thread().name\n" + then
    (folder / f"{name}.py").write_text(source)
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(sys.modules, name, raising=False)


def test_the_modules_are_imported_in_a_thread_while_the_body_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _module(tmp_path, monkeypatch, "slow_engine_module", "time.sleep(0.2)\n")
    with importing("slow_engine_module") as begin:
        assert "slow_engine_module" not in sys.modules  # not before the body asks
        begin()
        begin()  # once is enough: a second call changes nothing
        during = threading.current_thread().name  # the body goes on meanwhile
    module = sys.modules["slow_engine_module"]  # imported by the time the body is done
    assert module.THREAD == "maatstaf-imports" != during


def test_a_function_among_the_modules_is_called_on_the_thread_in_its_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _module(tmp_path, monkeypatch, "first_engine_module")
    calls: list[tuple[str, bool]] = []

    def step() -> None:
        calls.append((threading.current_thread().name, "first_engine_module" in sys.modules))

    with importing("first_engine_module", step) as begin:
        begin()
    assert calls == [("maatstaf-imports", True)]


def test_a_body_that_never_asks_has_the_modules_imported_at_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _module(tmp_path, monkeypatch, "late_engine_module")
    with importing("late_engine_module"):
        assert "late_engine_module" not in sys.modules
    assert sys.modules["late_engine_module"].THREAD == "maatstaf-imports"


def test_a_run_begins_the_imports_when_duckdb_begins_checking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``run`` hands the load the function that begins the engine's imports, and the load
    calls it before DuckDB's first checking statement, not while it reads the files."""
    from maatstaf.adapters import validate_sql

    events: list[str] = []
    keep = validate_sql._keep

    def checking_statement(*args: object, **kwargs: object) -> None:
        events.append("checking statement")
        keep(*args, **kwargs)  # type: ignore[arg-type]

    real_importing = importing

    steps: list[object] = []

    @contextmanager
    def watched(*modules: str) -> Iterator[Callable[[], None]]:
        steps.extend(modules)
        with real_importing(*modules) as begin:

            def noted() -> None:
                events.append("imports begun")
                begin()

            yield noted

    monkeypatch.setattr(validate_sql, "_keep", checking_statement)
    monkeypatch.setattr("maatstaf.cli.computing.importing", watched)
    data = tmp_path / "data"
    write_sample_csv(data)
    result = CliRunner().invoke(app, ["run", "--data", str(data), "-m", "wmo.unieke_clienten"])
    assert result.exit_code == 0, result.output
    assert events[:2] == ["imports begun", "checking statement"]
    assert events.count("imports begun") == 1
    # Ibis's DuckDB backend too, which the run imported after the load before
    assert [getattr(s, "__name__", s) for s in steps] == [*ENGINE, "_duckdb_backend"]


def test_a_module_that_fails_to_import_fails_where_it_is_imported_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken_engine_module.py").write_text("raise ImportError('pandas is missing')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with importing("broken_engine_module"):
        pass  # nothing raised in the body, nor on leaving it
    assert "broken_engine_module" not in sys.modules
    with pytest.raises(ImportError, match="pandas is missing"):
        importlib.import_module("broken_engine_module")


def test_a_stop_does_not_wait_for_the_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop that lands inside an import can leave the module's import lock held, and the
    thread importing the same module then never ends (a SIGTERM 0.6 s into a run hung the
    process): a stopping body does not wait for it. An ordinary error still does."""
    release = threading.Event()
    monkeypatch.setattr(threading, "_maatstaf_release", release, raising=False)
    (tmp_path / "stuck_engine_module.py").write_text(
        "import threading\nthreading._maatstaf_release.wait(30)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "stuck_engine_module", raising=False)
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt), importing("stuck_engine_module") as begin:
        begin()
        raise KeyboardInterrupt
    assert time.perf_counter() - started < 5, "the stop waited for the imports"
    release.set()

    (tmp_path / "slow_engine_module_2.py").write_text("import time\ntime.sleep(0.3)\n")
    monkeypatch.delitem(sys.modules, "slow_engine_module_2", raising=False)
    with pytest.raises(ValueError), importing("slow_engine_module_2") as begin:
        begin()
        raise ValueError("a data error")
    assert "slow_engine_module_2" in sys.modules  # waited for: imported

    (tmp_path / "unasked_engine_module.py").write_text("")
    monkeypatch.delitem(sys.modules, "unasked_engine_module", raising=False)
    with pytest.raises(ValueError), importing("unasked_engine_module"):
        raise ValueError("a data error before the checking")
    assert "unasked_engine_module" not in sys.modules  # never begun, not begun then
