"""Start-up: ``maatstaf --help`` and ``maatstaf check`` (the whole standard library), each a
whole process, best of N, against ``python -c "import pandas"`` (what the simplest
hand-written script pays before its first line of work)."""

from __future__ import annotations

import sys

from benchmarks.processes import best_of, maatstaf_command, ratio

REFERENCE = "python -c 'import pandas'"
GOALS = {"maatstaf --help": 1.0, "maatstaf check": 1.5}  # over the reference


def startup(repeat: int) -> dict:
    maatstaf = maatstaf_command()
    commands = {
        "maatstaf --help": [*maatstaf, "--help"],
        "maatstaf check": [*maatstaf, "check"],
        REFERENCE: [sys.executable, "-c", "import pandas"],
    }
    timings = best_of(commands, repeat)
    return {
        "reference": REFERENCE,
        "commands": timings,
        "ratios": {name: ratio(timings[name], timings[REFERENCE]) for name in GOALS},
        "goals": GOALS,
    }
