"""Warning bands of targets: ``target >= 95% warn >= 90%`` -> the band lies on the failing side.

A figure that meets the target is green, one that misses it but meets ``warn`` is amber,
one that misses both is red. So the band must point the same way as the target and lie
beyond it on the failing side: below a ``>=`` target, above a ``<=`` target.
"""

from __future__ import annotations

from typing import Any

from lark import Token

from maatstaf.dsl import ast
from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span

_UPWARD = (">=", ">")
_DOWNWARD = ("<=", "<")


def check_band(op: str, value: Any, warn_op: Token, warn: Any, span: Span, op_span: Span) -> None:
    """Raise a positioned DefinitionError when the band cannot be a warning band."""
    if op not in _UPWARD + _DOWNWARD:
        raise _fail(
            f"a target with '{op}' has no warning band: a figure either is or is not {op} "
            "the target",
            span,
            "Drop 'warn ...', or give a target with >=, >, <= or <.",
        )
    direction = _UPWARD if op in _UPWARD else _DOWNWARD
    if str(warn_op) not in direction:
        raise _fail(
            f"the warning band points the other way than the target ('{op}')",
            op_span,
            f"Write 'warn {direction[0]} ...'.",
        )
    if isinstance(value, ast.NumberLit | ast.PercentLit) and isinstance(
        warn, ast.NumberLit | ast.PercentLit
    ):
        _check_values(op, value, warn, direction)


def _check_values(op: str, value: Any, warn: Any, direction: tuple[str, str]) -> None:
    if type(value) is not type(warn):
        what = "a percentage" if isinstance(value, ast.PercentLit) else "a number"
        raise _fail(
            f"the target is {what}, so its warning band is {what} too",
            warn.span,
        )
    shown = _shown(value)
    upward = direction is _UPWARD
    if (warn.value >= value.value) if upward else (warn.value <= value.value):
        side = "below" if upward else "above"
        raise _fail(
            f"the warning band lies on the failing side of the target: {side} {shown}",
            warn.span,
            f"A figure that misses 'target {op} {shown}' may still meet 'warn'; "
            f"give a bound {side} {shown}.",
        )


def _shown(node: Any) -> str:
    if isinstance(node, ast.PercentLit):
        return f"{(node.value * 100).normalize():f}%"
    return f"{node.value.normalize():f}"


def _fail(message: str, span: Span, hint: str | None = None) -> DefinitionError:
    return DefinitionError([Diagnostic(message=message, span=span, hint=hint)])
