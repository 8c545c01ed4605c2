"""The two test tiers (tests/conftest.py): the fast tier leaves out every marked test and
caps each property test's examples; the rest runs the marked tests and the property tests at
the budgets they name; and no test that needs a server, Spark or a browser is left
unmarked, so the fast tier never needs one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
CONFTEST = TESTS / "conftest.py"
ROOT = TESTS.parent
pytest_plugins = ["pytester"]

PROJECT = """
import pytest
from hypothesis import example, given, settings, strategies as st

CALLS = []


def test_plain():
    pass


@pytest.mark.slow
def test_marked_slow():
    pass


@pytest.mark.postgres
def test_marked_postgres():
    pass


@settings(max_examples=50, deadline=None, database=None)
@given(st.integers())
@example(-1)
def test_property(x):
    with open("calls.txt", "a") as f:
        f.write(f"{x}\\n")
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    markers = re.search(r"markers = \[.*?\]", (ROOT / "pyproject.toml").read_text(), re.S)
    assert markers is not None, "pyproject.toml declares the tier markers"
    pytester.makefile(
        ".toml", pyproject=f'[tool.pytest.ini_options]\naddopts = "--strict-markers"\n{markers[0]}'
    )
    pytester.makepyfile(test_project=PROJECT)
    return pytester


def _calls(pytester: pytest.Pytester) -> list[str]:
    path = pytester.path / "calls.txt"
    return path.read_text().split() if path.exists() else []


def test_fast_tier_leaves_out_marked_tests_and_caps_examples(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--tier=fast", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, deselected=2)
    result.stdout.fnmatch_lines(["*test_plain PASSED*", "*test_property PASSED*"])
    calls = _calls(project)
    assert "-1" in calls, "the explicit example runs in the fast tier"
    assert 1 < len(calls) <= 1 + 3, f"the fast tier caps generated examples at 3: {calls}"


def test_rest_tier_runs_marked_tests_and_full_property_budgets(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--tier=rest", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, deselected=1)
    result.stdout.no_fnmatch_line("*test_plain*")
    assert len(_calls(project)) > 1 + 3, "the rest tier runs the budget @settings names"


def test_all_tier_is_every_test_at_full_budget(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    assert len(_calls(project)) > 1 + 3


def test_an_unknown_marker_is_an_error(project: pytest.Pytester) -> None:
    project.makepyfile(test_typo="import pytest\n\n@pytest.mark.slwo\ndef test_x():\n    pass\n")
    result = project.runpytest_subprocess("--tier=fast", "-p", "no:cacheprovider")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*'slwo' not found in `markers` configuration option*"])


# what a test module uses -> the marker that keeps it out of the fast tier
NEEDS = {
    "MAATSTAF_TEST_DATABASE_URL": "postgres",
    "psycopg": "postgres",
    "pyspark": "spark",
    "spark_session": "spark",
    "playwright": "browser",
    "chromium": "browser",
}


# modules that name a service only to check what happens without it
WITHOUT = {
    "test_regress_cli.py": "the message when PySpark is not installed",
    "test_startup.py": "the modules a command must not import",
}


def _module_markers(tree: ast.Module) -> set[str]:
    """The markers in the module's ``pytestmark``, which apply to all of its tests."""
    marks = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
    ]
    # and the markers of test functions and of fixture parameters: a module whose one
    # browser test carries @pytest.mark.browser, or whose fixture runs each test on DuckDB
    # and on PostgreSQL (pytest.param(..., marks=pytest.mark.postgres)), keeps its other
    # tests in the fast tier
    marks += [
        decorator
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        for decorator in node.decorator_list
    ]
    return {
        node.attr
        for mark in marks
        for node in ast.walk(mark)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "mark"
    }


@pytest.mark.parametrize(
    "path",
    sorted(p for p in TESTS.glob("test_*.py") if p.name not in {*WITHOUT, Path(__file__).name}),
    ids=lambda p: p.name,
)
def test_every_module_that_needs_a_service_is_marked(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    needed = {marker for word, marker in NEEDS.items() if word in text}
    missing = needed - _module_markers(ast.parse(text))
    assert not missing, f"{path.name} needs {sorted(missing)}: mark its pytestmark"


def test_the_service_check_sees_an_unmarked_module() -> None:
    unmarked = ast.parse("import os\nURL = os.environ.get('MAATSTAF_TEST_DATABASE_URL')\n")
    marked = ast.parse("import pytest\npytestmark = [pytest.mark.postgres]\n")
    assert _module_markers(unmarked) == set()
    assert _module_markers(marked) == {"postgres"}
