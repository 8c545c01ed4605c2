"""The run's start: what the engine imports to compute figures, and what it leaves out.

Of Ibis's twenty SQL compilers a run imports DuckDB's only (``engine.ibis_compilers``): the lazy package gives every
name the real one gives, the same objects, and steps aside for any other package layout.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from maatstaf.engine.ibis_compilers import PACKAGE, compiler_modules

REAL = importlib.util.find_spec(PACKAGE)


def _in_process(script: str) -> str:
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return found.stdout.strip()


def test_the_lazy_package_gives_what_the_real_one_gives() -> None:
    """Every name of the real package's ``__all__``, and a compiler's own module, is the
    same object from the lazy package (asked in a process of its own, then compared with
    the real package imported after it)."""
    script = (
        "import importlib, sys\n"
        "from maatstaf.engine.ibis_compilers import PACKAGE, lazy_compilers\n"
        "assert lazy_compilers()\n"
        "lazy = sys.modules[PACKAGE]\n"
        "import ibis.backends.sql.compilers as sc\n"
        "assert sc is lazy\n"
        "assert [n for n in sys.modules if n.startswith(PACKAGE + '.')] == []\n"
        "got = {n: getattr(sc, n) for n in sc.__all__}\n"
        "duck = sc.duckdb\n"
        "del sys.modules[PACKAGE]\n"
        "real = importlib.import_module(PACKAGE)\n"
        "assert real is not lazy and sorted(real.__all__) == sorted(got)\n"
        "assert all(getattr(real, n) is v for n, v in got.items())\n"
        "assert duck is sys.modules[PACKAGE + '.duckdb'] and duck.compiler is not None\n"
        "print('same')\n"
    )
    assert _in_process(script) == "same"


def test_an_unknown_name_is_an_attribute_error() -> None:
    script = (
        "from maatstaf.engine.ibis_compilers import lazy_compilers\n"
        "lazy_compilers()\n"
        "import ibis.backends.sql.compilers as sc\n"
        "try:\n"
        "    sc.NoSuchCompiler\n"
        "except AttributeError as error:\n"
        "    print(error)\n"
    )
    assert _in_process(script) == (
        "module 'ibis.backends.sql.compilers' has no attribute 'NoSuchCompiler'"
    )


def test_a_package_imported_already_is_left_as_it_is() -> None:
    script = (
        "import ibis.backends.sql.compilers as sc\n"
        "from maatstaf.engine.ibis_compilers import lazy_compilers\n"
        "import sys\n"
        "print(lazy_compilers(), sys.modules['ibis.backends.sql.compilers'] is sc)\n"
    )
    assert _in_process(script) == "False True"


def test_the_installed_ibis_has_the_layout_the_lazy_package_is_for() -> None:
    assert REAL is not None and REAL.origin is not None
    names = compiler_modules(Path(REAL.origin).read_text("utf-8"))
    assert names is not None and names["DuckDBCompiler"] == f"{PACKAGE}.duckdb"


@pytest.mark.parametrize(
    "source",
    [
        # something else in the package: another Ibis, used as it is
        f'__all__ = ["A"]\nfrom {PACKAGE}.a import A\nREGISTRY = {{}}\n',
        f'__all__ = ["A", "B"]\nfrom {PACKAGE}.a import A\n',  # a name not imported
        '__all__ = ["A"]\nfrom .a import A\n',  # a relative import
        f"from {PACKAGE}.a import A\n",  # no __all__
        f'__all__ = ["A"]\nimport os\nfrom {PACKAGE}.a import A\n',
    ],
)
def test_any_other_layout_keeps_the_real_package(source: str) -> None:
    assert compiler_modules(source) is None


def test_a_layout_of_imports_only_is_read() -> None:
    source = (
        '"""doc"""\nfrom __future__ import annotations\n__all__ = ["A", "B"]\n'
        f"from {PACKAGE}.a import A\nfrom {PACKAGE}.b import B\n"
    )
    assert compiler_modules(source) == {"A": f"{PACKAGE}.a", "B": f"{PACKAGE}.b"}


@pytest.mark.slow  # the whole library twice: in make test-all
def test_a_run_imports_one_compiler_and_gives_the_same_figures(tmp_path: Path) -> None:
    """The whole process: a run on the sample imports DuckDB's compiler only, and its
    figures are those of the same run with every compiler imported first."""
    from maatstaf.adapters.sample import write_sample_csv

    data = tmp_path / "data"
    write_sample_csv(data)
    outputs = {}
    for name, first in (("lazy", ""), ("real", "import ibis.backends.sql.compilers\n")):
        output = tmp_path / f"{name}.json"
        args = [
            "run", "--data", str(data), "--measure", "wmo.unieke_clienten",
            "--from", "2023-01", "--to", "2023-12", "--grain", "month",
            "--output", str(output),
        ]  # fmt: skip
        script = (
            f"{first}import sys\n"
            "from maatstaf.cli import app\n"
            f"try:\n    app({args!r})\nexcept SystemExit as end:\n    assert not end.code\n"
            "print(sorted(n.rsplit('.', 1)[1] for n in sys.modules\n"
            "    if n.startswith('ibis.backends.sql.compilers.')))\n"
        )
        outputs[name] = (_in_process(script), json.loads(output.read_text("utf-8")))
    assert REAL is not None and REAL.origin is not None
    names = compiler_modules(Path(REAL.origin).read_text("utf-8"))
    assert names is not None
    dialects = {module.rsplit(".", 1)[1] for module in names.values()}
    assert dialects & set(ast.literal_eval(outputs["lazy"][0])) == {"duckdb"}
    assert dialects <= set(ast.literal_eval(outputs["real"][0]))
    assert outputs["lazy"][1]["figures"] == outputs["real"][1]["figures"]
    assert outputs["lazy"][1]["figures"]


def test_the_console_command_collects_garbage_less_often() -> None:
    """The console command (one command per process) raises the young generation's
    threshold; importing the CLI, as tests and other programs do, changes nothing."""
    script = (
        "import gc\n"
        "import maatstaf.cli as cli\n"
        "print(gc.get_threshold())\n"
        "cli.app = lambda: print(gc.get_threshold())\n"
        "cli.main()\n"
    )
    assert _in_process(script).splitlines() == ["(700, 10, 10)", "(50000, 10, 10)"]
