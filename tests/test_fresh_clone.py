"""benchmarks/fresh_clone.py: each step of ``make test`` timed on its own (wall and the CPU
of every process it waited for), a failing step ends the run, and the report says so."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest

from benchmarks import fresh_clone
from benchmarks.fresh_clone import Step

BUSY = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"


def test_a_step_counts_the_cpu_of_its_children(tmp_path: Path) -> None:
    step = fresh_clone._timed(
        "busy", [sys.executable, "-c", BUSY], tmp_path, {"PATH": "/usr/bin:/bin"}
    )
    assert step.status == 0
    assert step.cpu >= 0.25, step
    assert step.wall >= step.cpu * 0.5


def test_a_failing_step_ends_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    steps = (
        ("one", ["sh", "-c", "echo first"]),
        ("two", ["sh", "-c", "echo 'tier fast: 3 failed'; exit 3"]),
        ("three", ["sh", "-c", "echo never"]),
    )
    monkeypatch.setattr(fresh_clone, "STEPS", steps)
    done = fresh_clone._run_steps(tmp_path, {"PATH": "/usr/bin:/bin"})
    assert [(s.name, s.status, s.last_line) for s in done] == [
        ("one", 0, "first"),
        ("two", 3, "tier fast: 3 failed"),
    ]


def _steps(pytest_status: int) -> list[Step]:
    return [
        Step("venv", "make .venv/.installed", 9.04, 6.5, 0, ""),
        Step("lint", "make lint", 1.0, 1.5, 0, ""),
        Step("pytest", "make -o lint test", 120.0, 230.25, pytest_status, "585 passed in 120s"),
    ]


def test_the_report_has_each_step_the_sum_the_load_and_the_date() -> None:
    text = fresh_clone._report(
        _steps(0), "abc1234", dt.datetime(2026, 12, 2, 1, 30), (1.5, 2.0, 2.5), (3, 2, 1), "empty"
    )
    assert "| venv | `make .venv/.installed` | 9.0 | 6.5 | 0 |" in text
    assert "| pytest | `make -o lint test` | 120.0 | 230.2 | 0 |" in text
    assert "| **make test** | | **130.0** | **238.2** | |" in text
    assert "load average at the start: 1.50 / 2.00 / 2.50 (1 / 5 / 15 min)" in text
    assert "- date: 2026-12-02 01:30 UTC; commit abc1234" in text
    assert "- result: passed; pytest: 585 passed in 120s" in text
    assert re.search(r"machine: \d+ cores", text)


def test_the_report_says_a_failed_run_failed() -> None:
    text = fresh_clone._report(
        _steps(1), "abc1234", dt.datetime(2026, 12, 2), (0, 0, 0), (0, 0, 0), "warm"
    )
    assert "- result: FAILED" in text
    assert "- package caches: warm; PYTHONDONTWRITEBYTECODE" in text


def test_an_activated_venv_is_not_on_the_clones_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # python3 from an activated venv has no pip: make could not install uv with it
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    monkeypatch.setenv("PATH", f"{venv / 'bin'}:/usr/local/bin:/usr/bin")
    monkeypatch.setenv("VIRTUAL_ENV", str(venv))
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", str(tmp_path / "cache"))
    env = fresh_clone._environment(tmp_path, warm=False)
    assert env["PATH"] == "/usr/local/bin:/usr/bin"
    assert "VIRTUAL_ENV" not in env and "MAATSTAF_CACHE_DIR" not in env
    assert env["UV_CACHE_DIR"] == str(tmp_path / "uv-cache")


def test_the_clone_reads_the_shared_examples_of_this_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "istandaarden"
    monkeypatch.delenv("MAATSTAF_ISTANDAARDEN", raising=False)
    monkeypatch.setattr(fresh_clone, "_shared_istandaarden", lambda: shared)
    assert fresh_clone._environment(tmp_path, warm=False)["MAATSTAF_ISTANDAARDEN"] == str(shared)
    monkeypatch.setattr(fresh_clone, "_shared_istandaarden", lambda: None)
    assert "MAATSTAF_ISTANDAARDEN" not in fresh_clone._environment(tmp_path, warm=False)


def test_the_benchmark_finds_the_shared_examples_where_the_tests_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.helpers import shared_istandaarden

    monkeypatch.delenv("MAATSTAF_ISTANDAARDEN", raising=False)
    assert fresh_clone._shared_istandaarden() == shared_istandaarden()
