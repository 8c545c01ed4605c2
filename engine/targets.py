"""Targets: ``target >= 80% when regeling = "wmo"`` -> the figure's target and whether it is met."""

from __future__ import annotations

from maatstaf.dsl import ast
from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.engine.result import Target

_OPS = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def figure_target(
    version: MeasureVersion, dimensions: dict[str, str], value: float | int | None, library: Library
) -> Target | None:
    """The first target whose condition holds for the figure's dimensions (``otherwise``
    applies when no other does)."""
    chosen = next(
        (t for t in version.targets if t.when is not None and _holds(t.when, dimensions)), None
    )
    chosen = chosen or next((t for t in version.targets if t.when is None), None)
    if chosen is None:
        return None
    goal = _number(chosen.value, library)
    met = None if value is None else bool(_OPS[chosen.op](value, goal))
    warn = None if chosen.warn is None else _number(chosen.warn, library)
    status = None
    if value is not None:
        within = warn is not None and chosen.warn_op is not None
        status = (
            "met" if met else "warn" if within and _OPS[chosen.warn_op](value, warn) else "missed"
        )
    return Target(operator=chosen.op, value=goal, met=met, warn=warn, status=status)


def _number(node: ast.Expr, library: Library) -> float:
    match node:
        case ast.NumberLit() | ast.PercentLit():
            return float(node.value)
        case ast.NameRef() if node.name in library.parameters:
            return _number(library.parameters[node.name].value, library)
    raise AssertionError(f"a target is a number: {node!r}")


def _holds(node: ast.Condition, dims: dict[str, str]) -> bool:
    match node:
        case ast.And():
            return all(_holds(i, dims) for i in node.items)
        case ast.Or():
            return any(_holds(i, dims) for i in node.items)
        case ast.Not():
            return not _holds(node.item, dims)
        case ast.Compare(left=ast.NameRef() as name, right=ast.StringLit() as value):
            return _OPS[node.op](dims.get(name.name), value.value)
        case ast.InList(operand=ast.NameRef() as name):
            found = dims.get(name.name) in [str(v.value) for v in node.values]
            return not found if node.negated else found
    raise AssertionError(f"not a target condition: {node!r}")
