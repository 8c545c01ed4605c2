"""Outputs are written atomically: a run killed at any moment leaves the old file or the
new one, never a torn one; two runs writing the same file at once do not corrupt it."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from maatstaf.adapters.sample import write_sample_csv

# killed processes at random moments: in test-all (make test-rest), not in the fast tier
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    write_sample_csv(folder)
    return folder


def _command(data: Path, out: Path, grain: str = "month") -> list[str]:
    return [
        sys.executable,
        "-m",
        "maatstaf",
        "run",
        "--data",
        str(data),
        "--from",
        "2019-01",
        "--to",
        "2021-12",
        "--grain",
        grain,
        "--output",
        str(out),
    ]


def _intact(out: Path, before: str | None) -> None:
    if not out.exists():
        assert before is None
        return
    text = out.read_text(encoding="utf-8")
    if text != before:
        json.loads(text)  # a complete new file
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")], (
        "a temporary file was left behind"
    )


def test_killing_a_run_at_random_moments_never_tears_the_output(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    subprocess.run(_command(data, out, "year"), check=True, capture_output=True)
    rng = random.Random(7)
    for attempt in range(8):
        before = out.read_text(encoding="utf-8")
        process = subprocess.Popen(  # a session of its own: only our signal reaches it
            _command(data, out),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        time.sleep(rng.uniform(0.5, 6.0))
        sig = signal.SIGKILL if attempt % 2 else signal.SIGTERM
        process.send_signal(sig)
        _, err = process.communicate(timeout=60)
        # killed while Python was still starting, the default handler ends it (-SIGTERM);
        # once maatstaf runs, SIGTERM stops it like Ctrl-C, with exit 130 and a message.
        # A death by SIGINT (-2) was seen once in CI, under a parallel test run, with the
        # child in the test's process group; how it came about is not known. It is allowed
        # here because what this test guards is the file: whole, old or new, either way.
        stopped = (0, 130, -signal.SIGTERM, -signal.SIGKILL, -signal.SIGINT)
        assert process.returncode in stopped, err.decode(errors="replace")
        if process.returncode == 130:
            assert b"interrupted: nothing more was written" in err
        _intact(out, before)
        if attempt % 2 and process.returncode == -signal.SIGKILL:
            for leftover in tmp_path.glob(".figures.json.*"):
                leftover.unlink()  # a SIGKILL cannot clean up; the real file is intact


def test_two_runs_writing_the_same_file_at_once(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    processes = [
        subprocess.Popen(_command(data, out, grain), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for grain in ("quarter", "year")
    ]
    for process in processes:
        assert process.wait(timeout=120) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))["figures"]
    assert {f["period"][:4] for f in figures} == {"2019", "2020", "2021"}
    assert os.listdir(tmp_path) == ["figures.json"]
