"""python -m benchmarks.fresh_clone [--commit REV] [--warm] [--keep] [--output PATH]

``make test`` on a fresh clone, from nothing: clones this repository's HEAD (the committed
tree, not the working copy; ``--commit`` another commit, to compare) into a temporary folder, where no ``.venv`` exists, and times
the three steps that ``make test`` runs there, one after the other:

- the venv step: ``make .venv/.installed`` (create ``.venv``, install ``.[test]``);
- lint: ``make lint`` (``ruff check``, ``ruff format --check``);
- the pytest step: ``make -o lint test`` (the fast tier; ``-o lint`` because lint just ran).

Their sum is ``make test`` on a fresh clone (issue 14: under 3 minutes on 2 cores). Best
of 1: a second run would find the packages cached. By default the package caches are
empty too (``UV_CACHE_DIR`` a new folder, ``PIP_NO_CACHE_DIR=1``), as on a new machine;
``--warm`` keeps the user's caches. Wall and CPU seconds per step (CPU: user + system of
``make`` and every process it waited for, pytest-xdist workers included), the load
average at the start and the end (the machine may be shared), the date. Printed and
written to ``benchmarks/results/make-test.md``; exit status 1 when a step fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "benchmarks" / "results" / "make-test.md"
STEPS = (
    ("venv", ["make", ".venv/.installed"]),
    ("lint", ["make", "lint"]),
    ("pytest", ["make", "-o", "lint", "test"]),
)


@dataclass(frozen=True)
class Step:
    name: str
    command: str
    wall: float
    cpu: float
    status: int
    last_line: str


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fresh_clone")
    parser.add_argument("--commit", default="HEAD", help="the commit to time (default HEAD)")
    parser.add_argument("--warm", action="store_true", help="keep the user's package caches")
    parser.add_argument("--keep", action="store_true", help="keep the clone (path printed)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    load_start = os.getloadavg()
    started = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory(prefix="maatstaf-fresh-") as scratch:
        clone = Path(scratch) / "maatstaf"
        commit = _clone(clone, args.commit)
        steps = _run_steps(clone, _environment(Path(scratch), warm=args.warm))
        if args.keep:
            kept = Path(tempfile.mkdtemp(prefix="maatstaf-fresh-kept-"))
            clone.rename(kept / "maatstaf")
            print(f"clone kept in {kept / 'maatstaf'}")
    text = _report(
        steps, commit, started, load_start, os.getloadavg(), "warm" if args.warm else "empty"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(s.status == 0 for s in steps) and len(steps) == len(STEPS) else 1


def _clone(target: Path, commit: str) -> str:
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(target)], check=True
    )
    subprocess.run(["git", "-C", str(target), "checkout", "--quiet", commit], check=True)
    head = subprocess.run(
        ["git", "-C", str(target), "rev-parse", "--short", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    )
    return head.stdout.strip()


def _environment(scratch: Path, warm: bool) -> dict[str, str]:
    """The user's environment as a new machine's: no virtual environment (neither its
    variables nor its ``bin`` on PATH, where ``python3`` would be the venv's, which has no
    pip: ``make`` could not install uv and fell back to pip, 66-73 s instead of 17 s), no
    maatstaf cache folder, and by default empty package caches."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTEST"))}
    env.pop("MAATSTAF_CACHE_DIR", None)
    env["PATH"] = os.pathsep.join(
        d for d in env.get("PATH", "").split(os.pathsep) if d and not _in_a_venv(Path(d))
    )
    if not warm:
        env["UV_CACHE_DIR"] = str(scratch / "uv-cache")
        env["PIP_NO_CACHE_DIR"] = "1"
    # the clone in its temporary folder has no shared/ above it, where a checkout (and CI)
    # finds the iStandaarden examples: their 7 tests were skipped there, so the clone ran
    # fewer tests than CI does
    shared = _shared_istandaarden()
    if shared is not None and "MAATSTAF_ISTANDAARDEN" not in env:
        env["MAATSTAF_ISTANDAARDEN"] = str(shared)
    return env


def _shared_istandaarden() -> Path | None:
    """``shared/istandaarden`` beside this checkout or a folder above it, as
    ``tests/helpers.shared_istandaarden`` finds it (which imports the engine: this runs
    without the venv)."""
    repo = Path(__file__).resolve().parents[1]
    for folder in repo.parents:
        candidate = folder / "shared" / "istandaarden"
        if (candidate / "ijw-3.2" / "xsd" / "jw301.xsd").is_file():
            return candidate
    return None


def _in_a_venv(folder: Path) -> bool:
    """A virtual environment's ``bin`` folder (it has a ``pyvenv.cfg`` next to it)."""
    return (folder.parent / "pyvenv.cfg").is_file()


def _run_steps(clone: Path, env: dict[str, str]) -> list[Step]:
    steps: list[Step] = []
    for name, command in STEPS:
        step = _timed(name, command, clone, env)
        steps.append(step)
        print(f"{name}: {step.wall:.1f} s wall, {step.cpu:.1f} s CPU, exit {step.status}")
        if step.status != 0:
            break
    return steps


def _timed(name: str, command: list[str], cwd: Path, env: dict[str, str]) -> Step:
    log = cwd / f".fresh-clone-{name}.log"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        status = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    if status.returncode != 0:
        sys.stderr.write("\n".join(lines[-40:]) + "\n")
    return Step(name, " ".join(command), wall, cpu, status.returncode, lines[-1] if lines else "")


def _report(
    steps: list[Step],
    commit: str,
    started: dt.datetime,
    load_start: tuple[float, float, float],
    load_end: tuple[float, float, float],
    caches: str,
) -> str:
    wall = sum(s.wall for s in steps)
    cpu = sum(s.cpu for s in steps)
    passed = len(steps) == len(STEPS) and all(s.status == 0 for s in steps)
    rows = [
        f"| {s.name} | `{s.command}` | {s.wall:.1f} | {s.cpu:.1f} | {s.status} |" for s in steps
    ]
    pytest_line = next((s.last_line for s in steps if s.name == "pytest"), "")
    return "\n".join(
        [
            "# `make test` on a fresh clone",
            "",
            "`python -m benchmarks.fresh_clone`: a clone of HEAD in a temporary folder, no"
            " `.venv`, best of 1 (a second run would find the packages installed).",
            "",
            f"- date: {started:%Y-%m-%d %H:%M} UTC; commit {commit}",
            f"- machine: {os.cpu_count()} cores, {platform.machine()},"
            f" Python {platform.python_version()}",
            f"- load average at the start: {_load(load_start)}; at the end: {_load(load_end)}",
            f"- package caches: {caches}; PYTHONDONTWRITEBYTECODE"
            f" {'set' if os.environ.get('PYTHONDONTWRITEBYTECODE') else 'unset'}",
            f"- result: {'passed' if passed else 'FAILED'}; pytest: {pytest_line or '-'}",
            "",
            "| step | command | wall s | CPU s | exit |",
            "|---|---|---:|---:|---:|",
            *rows,
            f"| **make test** | | **{wall:.1f}** | **{cpu:.1f}** | |",
            "",
        ]
    )


def _load(load: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.2f}" for x in load) + " (1 / 5 / 15 min)"


if __name__ == "__main__":
    sys.exit(main())
