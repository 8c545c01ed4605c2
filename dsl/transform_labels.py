"""The rules of ``labels`` declarations and of a measure's ``additive over`` / ``not
additive`` member: a mixin of ``transform.ToAst``."""

from __future__ import annotations

from typing import Any

from lark import Token, v_args
from lark.tree import Meta

from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span
from maatstaf.dsl.labels_ast import Additivity, CodeLabel, LabelsDecl
from maatstaf.dsl.transform_expr import ExpressionRules, string_value


@v_args(meta=True, inline=True)
class LabelsRules(ExpressionRules):
    """One method per rule of the labels block of the grammar."""

    def labels_decl(self, meta: Meta, name: Token, *pairs: CodeLabel) -> LabelsDecl:
        seen: dict[str, CodeLabel] = {}
        problems = []
        for pair in pairs:
            if pair.code in seen:
                problems.append(
                    Diagnostic(
                        message=f"code '{pair.code}' is labelled twice in 'labels {name}'",
                        span=pair.code_span,
                        hint=f"First labelled at {seen[pair.code].code_span}.",
                    )
                )
                continue
            seen[pair.code] = pair
        if problems:
            raise DefinitionError(problems)
        return LabelsDecl(
            span=self._span(meta),
            name=str(name),
            name_span=self._tspan(name),
            labels=pairs,
            text=self._text(meta),
        )

    def code_label(self, meta: Meta, code: Token, label: Token) -> CodeLabel:
        words = string_value(label)
        if not words.strip():
            raise DefinitionError(
                [
                    Diagnostic(
                        message=f"the label of code '{string_value(code)}' is empty",
                        span=self._tspan(label),
                        hint="Give the words a reader sees for this code.",
                    )
                ]
            )
        return CodeLabel(
            span=self._span(meta),
            code=string_value(code),
            label=words,
            code_span=self._tspan(code),
        )

    def additive_over(self, meta: Meta, *names: Token) -> tuple[str, Any, Span]:
        value = Additivity(
            span=self._span(meta),
            over=tuple(str(n) for n in names),
            over_spans=tuple(self._tspan(n) for n in names),
        )
        return ("additive", value, self._span(meta))

    def not_additive(self, meta: Meta) -> tuple[str, Any, Span]:
        return ("additive", Additivity(span=self._span(meta)), self._span(meta))
