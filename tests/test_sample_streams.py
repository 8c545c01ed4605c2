"""The sample's random streams (adapters/sample/common.py): one per part, none shared."""

from __future__ import annotations

import numpy as np
import pytest

from maatstaf.adapters.sample.common import SEED, STREAMS, stream


def test_every_stream_has_a_number_of_its_own() -> None:
    numbers = list(STREAMS.values())
    assert len(set(numbers)) == len(numbers), STREAMS


def test_the_canonical_tables_draw_from_the_seed_itself() -> None:
    """The canonical tables' bytes were pinned when they drew from default_rng(seed)."""
    assert (
        stream(SEED, "canonical").random(4).tolist()
        == np.random.default_rng(SEED).random(4).tolist()
    )


@pytest.mark.parametrize("name", [n for n in STREAMS if n != "canonical"])
def test_a_later_stream_is_seed_and_its_number(name: str) -> None:
    expected = np.random.default_rng([SEED, STREAMS[name]]).random(4).tolist()
    assert stream(SEED, name).random(4).tolist() == expected
    assert stream(SEED, name).random(4).tolist() != stream(SEED, "canonical").random(4).tolist()
