"""``dimensions.complete`` looks each period and combination up instead of merging: on
random frames of every value type it gives the frame the merge gives (the reference
below is ``complete`` as it was, a merge)."""

from __future__ import annotations

import decimal
import itertools

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from maatstaf.engine.dimensions import complete

LABELS = ["2024-01", "2024-02", "2024-03"]
BANDS = ["a", "b", "onbekend"]


def merged(
    frame: pd.DataFrame, labels: list[str], domains: dict[str, list[str]], fill: bool, integer: bool
) -> pd.DataFrame:
    """``complete`` by a merge: the reference."""
    dims = list(domains)
    combos = list(itertools.product(*domains.values())) if dims else [()]
    grid = pd.DataFrame(
        [(label, *combo) for label in labels for combo in combos], columns=["period", *dims]
    )
    for dim in dims:
        frame[dim] = frame[dim].astype(str)
    result = grid.merge(frame, on=["period", *dims], how="left" if fill else "inner")
    if fill:
        result["value"] = result["value"].astype(object).where(result["value"].notna(), 0)
    if integer:
        result["value"] = result["value"].fillna(0).astype("int64")
    return result


VALUES = {
    "int64": st.integers(-(10**6), 10**6),
    "float64": st.floats(allow_nan=True, allow_infinity=False, width=64),
    "decimal": st.none() | st.decimals(-100, 100, places=2, allow_nan=False),
    "str": st.none() | st.text(max_size=3),
}


@st.composite
def frames(draw):
    dims = draw(st.integers(0, 2))
    kind = draw(st.sampled_from(sorted(VALUES)))
    periods = st.sampled_from([*LABELS, "2023-12"])
    band = st.none() | st.sampled_from([*BANDS, "z"])
    keys = st.tuples(periods, *[band] * dims)
    unique = draw(st.booleans())
    rows = draw(st.lists(keys, max_size=12, unique=unique))
    values = draw(st.lists(VALUES[kind], min_size=len(rows), max_size=len(rows)))
    columns: dict[str, list] = {"period": [r[0] for r in rows]}
    for d in range(dims):
        columns[f"d{d}"] = [r[d + 1] for r in rows]
    columns["value"] = values
    dtype = {"int64": "int64", "float64": "float64", "decimal": object, "str": "str"}[kind]
    frame = pd.DataFrame(columns).astype({"period": "str", "value": dtype})
    if draw(st.booleans()):
        frame["extra"] = np.arange(len(frame), dtype="int64")
    domains = {f"d{d}": list(BANDS) for d in range(dims)}
    integer = kind == "int64" and draw(st.booleans())
    return frame, domains, draw(st.booleans()), integer


@settings(max_examples=300, deadline=None)
@given(frames())
def test_complete_is_the_merge(case) -> None:
    frame, domains, fill, integer = case
    found = complete(frame.copy(), LABELS, domains, fill, integer)
    expected = merged(frame.copy(), LABELS, domains, fill, integer)
    assert list(found.columns) == list(expected.columns)
    assert list(found.dtypes) == list(expected.dtypes)
    pd.testing.assert_frame_equal(found, expected, check_exact=True)
    for name in found.columns:
        assert [repr(v) for v in found[name]] == [repr(v) for v in expected[name]]


def test_an_empty_frame_and_a_decimal_figure() -> None:
    empty = pd.DataFrame({"period": pd.Series([], dtype="str"), "value": []})
    for fill in (True, False):
        found = complete(empty.copy(), LABELS, {}, fill, False)
        pd.testing.assert_frame_equal(found, merged(empty.copy(), LABELS, {}, fill, False))
    one = pd.DataFrame({"period": ["2024-02"], "value": [decimal.Decimal("1.50")]})
    found = complete(one, LABELS, {}, True, False)
    assert found["value"].tolist() == [0, decimal.Decimal("1.50"), 0]
