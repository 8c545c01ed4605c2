"""combine: measures computed from other measures' figures (``compute a / b``, ``a - b``).

Operands are aligned on the period and on the dimensions they share; a measure without a
dimension applies to every dimension value of the other. A ratio with a zero or missing
denominator gives no figure (None), never infinity or zero.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from maatstaf.dsl import ast
from maatstaf.dsl.model import Parameter

Operand = pd.DataFrame | float | int


def evaluate_compute(
    expr: ast.Expr,
    results: Mapping[str, pd.DataFrame],
    labels: list[str],
    parameters: Mapping[str, Parameter],
) -> pd.DataFrame:
    value = _evaluate(expr, results, labels, parameters)
    if isinstance(value, pd.DataFrame):
        return value
    return pd.DataFrame({"period": labels, "value": [value] * len(labels)})


def _evaluate(
    expr: ast.Expr,
    results: Mapping[str, pd.DataFrame],
    labels: list[str],
    parameters: Mapping[str, Parameter],
) -> Operand:
    match expr:
        case ast.NumberLit() | ast.PercentLit():
            return float(expr.value)
        case ast.NameRef() if expr.name in parameters:
            return _evaluate(parameters[expr.name].value, results, labels, parameters)
        case ast.NameRef():
            frame = results[expr.name]
            frame = frame[frame["period"].isin(labels)].drop(columns="version")
            return frame.assign(value=frame["value"].map(_as_float))
        case ast.Total():
            frame = results[expr.measure]
            frame = frame[frame["period"].isin(labels)]
            values = frame.assign(value=frame["value"].map(_as_float))
            keys = ["period", *expr.by]
            return values.groupby(keys, as_index=False, sort=False)["value"].sum(min_count=1)
        case ast.Slice():
            frame = results[expr.measure]
            frame = frame[frame["period"].isin(labels) & (frame[expr.dimension] == expr.value)]
            frame = frame.drop(columns=["version", expr.dimension])
            return frame.assign(value=frame["value"].map(_as_float))
        case ast.Negate():
            return _apply("*", -1.0, _evaluate(expr.operand, results, labels, parameters))
        case ast.Binary():
            left = _evaluate(expr.left, results, labels, parameters)
            right = _evaluate(expr.right, results, labels, parameters)
            return _apply(expr.op, left, right)
    raise AssertionError(f"cannot compute with {expr!r}")


def _as_float(value: object) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return float(value)  # type: ignore[arg-type]


def _apply(op: str, left: Operand, right: Operand) -> Operand:
    if not isinstance(left, pd.DataFrame) and not isinstance(right, pd.DataFrame):
        return _scalar(op, left, right)
    if not isinstance(left, pd.DataFrame):
        assert isinstance(right, pd.DataFrame)
        return right.assign(value=[_scalar(op, left, v) for v in right["value"]])
    if not isinstance(right, pd.DataFrame):
        return left.assign(value=[_scalar(op, v, right) for v in left["value"]])
    keys = ["period", *sorted((set(left.columns) & set(right.columns)) - {"period", "value"})]
    merged = left.merge(right, on=keys, how="outer", suffixes=("_l", "_r"))
    values = [_scalar(op, a, b) for a, b in zip(merged["value_l"], merged["value_r"], strict=True)]
    return merged.drop(columns=["value_l", "value_r"]).assign(value=values)


def _scalar(op: str, a: float | None, b: float | None) -> float | None:
    if a is None or b is None or a != a or b != b:
        return None
    if op == "/":
        return None if b == 0 else a / b
    return {"+": a + b, "-": a - b, "*": a * b}[op]
