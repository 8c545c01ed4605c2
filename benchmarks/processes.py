"""Whole processes, timed: wall time and peak resident memory of each command, best of N,
the commands of one comparison interleaved so that the machine's load falls on all alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path


class BenchmarkFailed(Exception):
    """A command failed or two sides disagree: the run stops, the message says why."""


def maatstaf_command() -> list[str]:
    """The ``maatstaf`` a user runs: the console script beside this Python, else ``-m``."""
    script = Path(sys.executable).parent / "maatstaf"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "maatstaf"]


def timed(argv: Sequence[str], env: Mapping[str, str] | None = None) -> dict[str, float]:
    """Run one command to its end (``env``: its environment, else this one's): its wall
    seconds and peak RSS (MiB, from ``wait4``)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv), stdout=subprocess.DEVNULL, stderr=err, env=None if env is None else {**env}
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-3000:]
            raise BenchmarkFailed(
                f"{' '.join(argv)} exited with {process.returncode}:\n{tail.rstrip()}"
            )
    cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mib": usage.ru_maxrss / 1024}


def best_of(
    commands: Mapping[str, Sequence[str]],
    repeat: int,
    after_round: Callable[[], None] | None = None,
    env: Mapping[str, str] | None = None,
    before_clock: Mapping[str, Path] | None = None,
) -> dict[str, dict]:
    """Run every command ``repeat`` times, round by round (``after_round`` checks each
    round's outputs); per command its best and every wall time, the least CPU time (user +
    system: less sensitive to a loaded machine than the wall time) and its highest peak.
    ``before_clock``: per command, the file in which it writes the wall and CPU seconds it
    spent before its own clock started (``{"seconds": ..., "cpu_seconds": ...}``, as
    ``after_imports.py`` does), taken off its times."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            timing = timed(argv, env)
            if before_clock and name in before_clock:
                timing = _less(timing, before_clock[name])
            runs[name].append(timing)
        if after_round is not None:
            after_round()
    return {
        name: {
            "seconds": round(min(r["seconds"] for r in timings), 3),
            "runs": [round(r["seconds"], 3) for r in timings],
            "cpu_seconds": round(min(r["cpu_seconds"] for r in timings), 3),
            "peak_mib": round(max(r["peak_mib"] for r in timings), 1),
        }
        for name, timings in runs.items()
    }


def _less(timing: dict[str, float], written: Path) -> dict[str, float]:
    """A run's wall and CPU seconds without those the command wrote it spent before its
    clock (the file is read once and removed: the next run must write its own)."""
    try:
        before = json.loads(written.read_text("utf-8"))
        written.unlink()
        seconds, cpu = float(before["seconds"]), float(before["cpu_seconds"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BenchmarkFailed(f"{written}: no seconds before the clock ({error})") from None
    if not 0 <= seconds <= timing["seconds"]:
        raise BenchmarkFailed(f"{written}: {seconds} s before the clock, of {timing['seconds']} s")
    return {
        **timing,
        "seconds": timing["seconds"] - seconds,
        "cpu_seconds": max(timing["cpu_seconds"] - cpu, 0.0),
    }


def ratio(mine: dict, reference: dict) -> float:
    return round(mine["seconds"] / reference["seconds"], 2)
