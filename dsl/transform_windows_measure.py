"""transform (windows in a measure): ``besloten_op in year to date``, ``active in rolling
12 months``: a period condition taken over a window of days ending with the period's last
day, the figure still labelled by the period (see docs/language.md, "Which rows")."""

from __future__ import annotations

from typing import Any

from lark import Token, v_args
from lark.tree import Meta

from maatstaf.dsl import ast
from maatstaf.dsl.errors import DefinitionError, Diagnostic
from maatstaf.dsl.transform_expr import ExpressionRules

# the longest rolling window: ten years (a longer one is surely a typing error)
MAX_MONTHS = 120


@v_args(meta=True, inline=True)
class MeasureWindowRules(ExpressionRules):
    """One method per rule of the ``// --- windows ---`` block of the grammar."""

    def in_window(self, meta: Meta, *parts: Any) -> ast.PeriodRelation | ast.InPeriod:
        *before, window = parts
        relation = next((p for p in before if isinstance(p, Token) and p.type == "RELATION"), None)
        span = self._span(meta)
        if relation is None:
            return ast.InPeriod(span=span, operand=before[0], window=window)
        subject = before[0] if len(before) == 2 else None
        return ast.PeriodRelation(span=span, relation=str(relation), subject=subject, window=window)

    def row_window_year_to_date(self, meta: Meta) -> ast.RowWindow:
        return ast.RowWindow(span=self._span(meta), what="year_to_date")

    def row_window_rolling(self, meta: Meta, count: Token, unit: Token) -> ast.RowWindow:
        months = int(count)
        if str(unit) not in ("months", "month"):
            raise _fail(
                f"a rolling window counts months, not {unit}",
                self._tspan(unit),
                f"Write 'rolling {months * 12 if unit.startswith('year') else 12} months'.",
            )
        if not 1 <= months <= MAX_MONTHS:
            raise _fail(
                f"a rolling window of {months} months",
                self._tspan(count),
                f"A rolling window is 1 to {MAX_MONTHS} months long, e.g. 'rolling 12 months'.",
            )
        return ast.RowWindow(span=self._span(meta), what="rolling", months=months)


def _fail(message: str, span: Any, hint: str) -> DefinitionError:
    return DefinitionError([Diagnostic(message=message, span=span, hint=hint)])
