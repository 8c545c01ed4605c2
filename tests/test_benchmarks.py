"""The benchmark's baselines and maatstaf agree on a small synthetic table, so a
benchmark run compares like with like (the harness checks this again at every size)."""

from __future__ import annotations

import pytest

from benchmarks.__main__ import _maatstaf
from benchmarks.baselines import BENCHMARKS
from benchmarks.generate import indications

# benchmark equivalence: in test-all (make test-rest), not in the fast tier
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def table():
    return indications(4_000, seed=11)


@pytest.fixture(scope="module")
def engine(table) -> dict:
    return _maatstaf(table)


@pytest.mark.parametrize("benchmark", sorted(BENCHMARKS))
def test_every_baseline_equals_maatstaf(table, engine: dict, benchmark: str) -> None:
    measure, wet, approaches = BENCHMARKS[benchmark]
    expected = engine["figures"][benchmark]
    assert sum(expected.values()) > 0, f"{measure} counts nothing on the synthetic data"
    for approach, baseline in approaches.items():
        assert baseline(table, wet) == expected, f"{benchmark}/{approach} differs from {measure}"


def test_every_measure_is_timed(engine: dict) -> None:
    timed = engine["per_measure"]
    assert {measure for measure, _, _ in BENCHMARKS.values()} <= set(timed)
    assert all(seconds >= 0 for seconds in timed.values())
