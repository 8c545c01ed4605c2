"""Two parts of the sweep plans against counting by hand: an entity's highest number of
simultaneous rows per period (the peak ``jeugd.stapeling`` bands: ``engine.sweep._peaks``
then ``_highest``) against counting every day of every row, and the islands of a distinct
count (``_island_events``) against counting entities period by period."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maatstaf.engine.sweep import _highest, _island_events, _peaks

GRAINS = ["month", "quarter", "half-year", "year", "4-weekly"]
FIRST_DAY = date(2020, 11, 20)  # near a year's end: a 4-weekly period 13 and an ISO week 53

Row = tuple[str, int, int]  # entity, first day, last day (days after FIRST_DAY)

rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.integers(0, 400),
        st.integers(0, 120),
    ).map(lambda r: (r[0], r[1], r[1] + r[2])),
    max_size=14,
)


def period_number(day: date, grain: str) -> int:
    if grain == "month":
        return day.year * 12 + day.month - 1
    if grain == "quarter":
        return day.year * 4 + (day.month - 1) // 3
    if grain == "half-year":
        return day.year * 2 + (day.month - 1) // 6
    if grain == "year":
        return day.year
    # 4-weekly: ISO weeks 1-4 are period 1, and so on; week 53 opens the next year
    iso_year, week, _ = day.isocalendar()
    return (iso_year + 1) * 13 if week == 53 else iso_year * 13 + (week - 1) // 4


def by_hand(rows: list[Row], grain: str) -> dict[tuple[str, int], int]:
    """Every day of every row counted; an entity's peak in a period, the most of its rows
    on one day of it."""
    level: Counter[tuple[str, int]] = Counter()
    for entity, first, last in rows:
        for day in range(first, last + 1):
            level[entity, day] += 1
    peaks: dict[tuple[str, int], int] = {}
    for (entity, day), n in level.items():
        key = (entity, period_number(FIRST_DAY + timedelta(days=day), grain))
        peaks[key] = max(peaks.get(key, 0), n)
    return peaks


def by_sweep(rows: list[Row], grain: str) -> dict[tuple[str, int], int]:
    """The sweep's ranges of periods, each period of each range once (a period in two of
    an entity's ranges fails the test)."""
    columns = {
        "__entity": pa.array([r[0] for r in rows], pa.string()),
        "__a": pa.array([FIRST_DAY + timedelta(days=r[1]) for r in rows], pa.date32()),
        "__b": pa.array([FIRST_DAY + timedelta(days=r[2]) for r in rows], pa.date32()),
    }
    table = ibis.memtable(pa.table(columns))
    result = ibis.duckdb.connect().execute(_highest(_peaks(table, grain)))
    peaks: dict[tuple[str, int], int] = {}
    for entity, first, after, level in zip(
        result["__entity"], result["__k"], result["__next"], result["__x"], strict=True
    ):
        assert first < after, (entity, first, after)
        for number in range(int(first), int(after)):
            assert (entity, number) not in peaks, f"{entity} has two levels in period {number}"
            peaks[entity, number] = int(level)
    return peaks


@pytest.mark.parametrize("grain", GRAINS)
def test_hand_checked_peaks(grain: str) -> None:
    """Client a: two rows meet for a day in December 2020, a third runs alone until June
    2021, where a fourth overlaps it for a day; client b has one day in November."""
    rows = [("a", 0, 20), ("a", 20, 30), ("a", 31, 200), ("a", 200, 205), ("b", 10, 10)]
    assert by_sweep(rows, grain) == by_hand(rows, grain)
    if grain == "month":
        assert by_sweep(rows, grain) == {
            ("a", 2020 * 12 + 10): 1,  # 20-30 November 2020: the first row
            ("a", 2020 * 12 + 11): 2,  # 10 December 2020: the first and the second
            **{("a", 2021 * 12 + m): 1 for m in range(0, 5)},  # January-May 2021: the third
            ("a", 2021 * 12 + 5): 2,  # 8 June 2021: the third and the fourth
            ("b", 2020 * 12 + 10): 1,  # 30 November 2020
        }


@settings(max_examples=60, deadline=None)
@given(rows=rows_strategy, grain=st.sampled_from(GRAINS))
def test_peaks_equal_counting_every_day(rows: list[Row], grain: str) -> None:
    assert by_sweep(rows, grain) == by_hand(rows, grain)


# ---- islands: an entity's overlapping or adjoining ranges of periods merged -------------

Span = tuple[str, int, int]  # entity, first and last period number

spans_strategy = st.lists(
    st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 12), st.integers(0, 4)).map(
        lambda r: (r[0], r[1], r[1] + r[2])
    ),
    max_size=12,
).flatmap(lambda spans: st.permutations(spans + spans[: len(spans) // 2]))  # equal ranges


def distinct_by_hand(spans: list[Span]) -> dict[int, int]:
    """Entities with a range covering each period, period by period."""
    counts: Counter[int] = Counter()
    for number in range(0, 20):
        counts[number] = len({e for e, s, last in spans if s <= number <= last})
    return {n: c for n, c in counts.items() if c}


def distinct_by_islands(spans: list[Span]) -> dict[int, int]:
    columns = {
        "__entity": pa.array([s[0] for s in spans], pa.string()),
        "__s": pa.array([s[1] for s in spans], pa.int64()),
        "__e": pa.array([s[2] for s in spans], pa.int64()),
    }
    events = ibis.duckdb.connect().execute(_island_events(ibis.memtable(pa.table(columns)), []))
    counts: Counter[int] = Counter()
    for number, step in zip(events["__k"], events["__d"], strict=True):
        for later in range(int(number), 20):
            counts[later] += int(step)
    assert all(c >= 0 for c in counts.values()), counts
    return {n: c for n, c in counts.items() if c}


def test_hand_checked_islands() -> None:
    """a: months 1-2 twice, 3-5 (adjoining), 8; b: 2-2 three times. One island of a per
    month 1-5, another in 8; b once in 2."""
    spans = [("a", 1, 2), ("a", 1, 2), ("a", 3, 5), ("a", 8, 8)] + [("b", 2, 2)] * 3
    expected = {1: 1, 2: 2, 3: 1, 4: 1, 5: 1, 8: 1}
    assert distinct_by_islands(spans) == distinct_by_hand(spans) == expected


@settings(max_examples=60, deadline=None)
@given(spans=spans_strategy)
def test_islands_count_each_entity_once(spans: list[Span]) -> None:
    assert distinct_by_islands(spans) == distinct_by_hand(spans)
