"""The rule of a measure's ``overrides`` member: a mixin of ``transform.ToAst``."""

from __future__ import annotations

from typing import Any

from lark import Token, v_args
from lark.tree import Meta

from maatstaf.dsl import ast
from maatstaf.dsl.errors import Span
from maatstaf.dsl.transform_expr import ExpressionRules


@v_args(meta=True, inline=True)
class ProjectRules(ExpressionRules):
    """``overrides NAME``: gathered into the measure's body like any other member."""

    def overrides(self, meta: Meta, name: Token) -> tuple[str, Any, Span]:
        span = self._span(meta)
        return ("overrides", ast.Overrides(span=span, measure=str(name)), span)
