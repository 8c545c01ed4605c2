"""plan_frame: a plan's result, as DuckDB returns it in Arrow, turned into the frame Ibis's
DuckDB backend makes of it (``Backend.execute``), so that a plan kept on disk and one
compiled in the run give the engine the same frame (``tests/test_plans_frame.py``)."""

from __future__ import annotations

import re
from collections.abc import Callable

import ibis
import pandas as pd
import pyarrow as pa


def as_frame(result: pa.Table, columns: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """DuckDB's result as the frame Ibis's DuckDB backend makes of it (``Backend.execute``):
    the column types of plans (text, whole and decimal numbers) converted here, directly,
    as Ibis converts them; any other type through Ibis's own converters. Ibis converts a
    result twice, through a frame per step: 4 ms a plan, as long as a plan at 10^5 rows
    that counts one month's inflow (``tests/test_plans_frame.py`` holds the two equal)."""
    converted: dict[str, pd.Series] = {}
    for (name, kind), column in zip(columns, result.columns, strict=True):
        kind = kind.removeprefix("!")  # Ibis's mark of a column without nulls
        convert = _CONVERTERS.get(kind) or _decimal_converter(kind)
        if convert is None:
            return _ibis_frame(result, columns)
        converted[name] = convert(column)
    return pd.DataFrame(converted, index=pd.RangeIndex(result.num_rows))


def _ibis_frame(result: pa.Table, columns: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """The frame Ibis's DuckDB backend makes of a result (the reference of ``as_frame``)."""
    from ibis.backends.duckdb.converter import DuckDBPandasData

    schema = schema_of(columns)
    frame = pd.DataFrame(
        {
            name: column.to_pylist() if _as_list(column) else column.to_pandas()
            for name, column in zip(result.column_names, result.columns, strict=True)
        }
    )
    frame = DuckDBPandasData.convert_table(frame, schema)
    return ibis.table(schema).__pandas_result__(frame)


def _values(column: pa.ChunkedArray) -> pd.Series:
    """As Ibis's DuckDB backend reads a column before converting it (``_as_list``)."""
    return pd.Series(column.to_pylist()) if _as_list(column) else column.to_pandas()


def _text(column: pa.ChunkedArray) -> pd.Series:
    """Text as pandas' string type, a null as NaN (Ibis: ``astype(StringDtype(nan))``)."""
    return _values(column).astype(_TEXT)


def _number(dtype: str) -> Callable[[pa.ChunkedArray], pd.Series]:
    """int64 or float64 where pandas can hold the values so (Ibis's ``convert_default``):
    whole numbers with a null stay float64 with NaN, and only nulls stay None."""

    def convert(column: pa.ChunkedArray) -> pd.Series:
        values = _values(column)
        if values.dtype == dtype:
            return values
        try:
            return values.astype(dtype)
        except (TypeError, ValueError):
            return values

    return convert


def _decimal_converter(kind: str) -> Callable[[pa.ChunkedArray], pd.Series] | None:
    """decimal(p, s): Python Decimals normalised to their scale, None kept (as Ibis)."""
    match = _DECIMAL.fullmatch(kind)
    if match is None:
        return None
    precision, scale = int(match[1]), int(match[2])

    def convert(column: pa.ChunkedArray) -> pd.Series:
        from ibis.common.numeric import normalize_decimal

        values = [
            None if v is None else normalize_decimal(v, precision, scale, strict=False)
            for v in column.to_pylist()
        ]
        return pd.Series(values, dtype=object)

    return convert


_TEXT = pd.StringDtype(na_value=float("nan"))
_DECIMAL = re.compile(r"decimal\((\d+), (\d+)\)")
_CONVERTERS: dict[str, Callable[[pa.ChunkedArray], pd.Series]] = {
    "string": _text,
    "int64": _number("int64"),
    "float64": _number("float64"),
}


def _as_list(column: pa.ChunkedArray) -> bool:
    """As Ibis's DuckDB backend reads a column: nested, dictionary and columns with nulls
    as Python values, the rest through pandas."""
    import pyarrow.types as pat

    return bool(pat.is_nested(column.type) or pat.is_dictionary(column.type) or column.null_count)


def schema_of(columns: tuple[tuple[str, str], ...]) -> ibis.Schema:
    """The Ibis schema the columns' texts name (``_columns`` reversed)."""
    return ibis.schema({name: ibis.dtype(kind) for name, kind in columns})
