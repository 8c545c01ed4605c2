"""Parallel runs (``make test``: pytest-xdist, ``--dist loadgroup``; tests/conftest.py): the
tests of a module that share one of its module-scoped fixtures run on one worker, so the
fixture is computed once; a test that names its own group keeps it; other tests go to
whichever worker is free."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

CONFTEST = Path(__file__).parent / "conftest.py"

pytest_plugins = ["pytester"]

PROJECT = """
import os
import time

import pytest


def log(name):
    with open("log.txt", "a") as f:
        f.write(f"{name} {os.environ.get('PYTEST_XDIST_WORKER', 'none')}\\n")


@pytest.fixture(scope="module")
def shared():
    log("fixture")
    time.sleep(0.2)
    return 1


@pytest.mark.parametrize("i", range(6))
def test_shared(shared, i):
    log(f"shared{i}")


@pytest.mark.xdist_group("spark")
def test_own_group(shared):
    log("own")


@pytest.mark.parametrize("i", range(6))
def test_plain(i):
    time.sleep(0.1)
    log(f"plain{i}")
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makepyfile(test_project=PROJECT)
    return pytester


@pytest.mark.slow  # a pytest run of its own with two workers: in make test-all
def test_module_fixture_groups_named_groups_and_free_tests(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess(
        "-n", "2", "--dist", "loadgroup", "-v", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=13)
    workers: dict[str, list[str]] = defaultdict(list)
    for line in (project.path / "log.txt").read_text().split("\n"):
        if line:
            name, worker = line.split()
            workers[name].append(worker)
    # the six tests of the module fixture: one group, one worker, one set-up there (the
    # own-group test may run on the other worker and set the fixture up again)
    result.stdout.fnmatch_lines(["*test_shared?0?@test_project*"])
    shared = {w for i in range(6) for w in workers[f"shared{i}"]}
    assert len(shared) == 1, f"the tests of one module fixture ran on {sorted(shared)}"
    assert workers["fixture"].count(shared.pop()) == 1, workers["fixture"]
    # a test that names its group keeps it; a test without a module fixture has none
    result.stdout.fnmatch_lines(["*test_own_group@spark*"])
    result.stdout.no_fnmatch_line("*test_own_group@*test_project*")
    result.stdout.no_fnmatch_line("*test_plain*@*")
