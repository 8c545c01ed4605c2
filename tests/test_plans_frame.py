"""A kept plan's result becomes the frame Ibis's DuckDB backend would make of it: the
direct conversion (``plan_frame.as_frame``) against Ibis's own (``plan_frame._ibis_frame``), on
DuckDB's results of every column type plans return, with nulls, NaN and no rows."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maatstaf.engine.plan_frame import _ibis_frame, as_frame

# (the plan's column type as Ibis names it, DuckDB's type, values DuckDB can hold)
KINDS = {
    "string": ("VARCHAR", st.text(max_size=6)),
    "int64": ("BIGINT", st.integers(-(2**63), 2**63 - 1)),
    "float64": (
        "DOUBLE",
        st.floats(allow_infinity=True, allow_nan=True) | st.sampled_from([0.0, -0.0]),
    ),
    "decimal(38, 2)": (
        "DECIMAL(38, 2)",
        st.decimals(-(10**12), 10**12, places=2, allow_nan=False, allow_infinity=False),
    ),
    "decimal(18, 2)": (
        "DECIMAL(18, 2)",
        st.decimals(-(10**9), 10**9, places=2, allow_nan=False, allow_infinity=False),
    ),
    "decimal(38, 6)": (
        "DECIMAL(38, 6)",
        st.decimals(-(10**6), 10**6, places=6, allow_nan=False, allow_infinity=False),
    ),
}


ARROW = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "decimal(38, 2)": pa.decimal128(38, 2),
    "decimal(18, 2)": pa.decimal128(18, 2),
    "decimal(38, 6)": pa.decimal128(38, 6),
}


_CON = duckdb.connect()


def _result(columns: list[tuple[str, str, list]]) -> pa.Table:
    """DuckDB's Arrow result of a query that returns these columns' values."""
    source = pa.table({name: pa.array(values, ARROW[kind]) for name, kind, values in columns})
    con = _CON
    con.register("source", source)
    casts = ", ".join(f'CAST("{n}" AS {KINDS[k][0]}) AS "{n}"' for n, k, _ in columns)
    return con.sql(f"SELECT {casts} FROM source").to_arrow_table()


def _same(found: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(found.dtypes) == list(expected.dtypes)
    assert found.index.equals(expected.index) and type(found.index) is type(expected.index)
    pd.testing.assert_frame_equal(found, expected, check_exact=True)
    for name in found.columns:  # a Decimal's digits and scale, None beside NaN
        assert [repr(v) for v in found[name]] == [repr(v) for v in expected[name]]


@st.composite
def results(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=4))
    rows = draw(st.integers(0, 5))
    columns = []
    for i, kind in enumerate(kinds):
        values = draw(st.lists(st.none() | KINDS[kind][1], min_size=rows, max_size=rows))
        columns.append((f"c{i}", kind, values))
    return columns


@settings(max_examples=150, deadline=None)
@given(results())
def test_the_direct_conversion_is_ibis_conversion(columns: list[tuple[str, str, list]]) -> None:
    plan_columns = tuple((name, kind) for name, kind, _ in columns)
    result = _result(columns)
    _same(as_frame(result, plan_columns), _ibis_frame(result, plan_columns))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_value_null_and_no_rows(kind: str) -> None:
    for values in ([None, None], []):
        result = _result([("v", kind, values)])
        _same(as_frame(result, (("v", kind),)), _ibis_frame(result, (("v", kind),)))


def test_another_type_goes_through_ibis() -> None:
    result = duckdb.sql("SELECT DATE '2024-02-29' AS d, 1::BIGINT AS n").to_arrow_table()
    columns = (("d", "date"), ("n", "int64"))
    found = as_frame(result, columns)
    _same(found, _ibis_frame(result, columns))
    assert found["d"].tolist() == _ibis_frame(result, columns)["d"].tolist()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_column_marked_without_nulls_converts_alike(kind: str) -> None:
    values = {"string": ["a"], "int64": [7], "float64": [1.5]}.get(kind, [Decimal("2.50")])
    result = _result([("v", kind, values)])
    marked = (("v", f"!{kind}"),)
    _same(as_frame(result, marked), _ibis_frame(result, marked))
