"""Plain JSON numbers from what DuckDB and pandas hand back."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd


def plain_number(value: object) -> int | float | None:
    """Counts as int, amounts and fractions as float, no figure as None."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "item"):
        value = value.item()  # a numpy scalar
    if isinstance(value, bool):
        return int(value)
    return value  # type: ignore[return-value]
