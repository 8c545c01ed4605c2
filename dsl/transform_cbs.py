"""transform: ``table T merges S { ... }`` -> ``MergedTableDecl`` (see dsl/merged_table.py).

Everything one block can check is checked here, every problem at once: a line given twice,
no ``per``, no or two merge rules, a margin that is not a number of days, a column named
twice."""

from __future__ import annotations

from typing import Any, NamedTuple

from lark import Token, v_args
from lark.tree import Meta

from maatstaf.dsl import ast
from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span
from maatstaf.dsl.merged_table import END, RECORDS, START, MergedTableDecl, merged_definition
from maatstaf.dsl.transform_expr import ExpressionRules, string_value


class _Line(NamedTuple):
    kind: str  # description, where, per, merge, keep
    span: Span
    value: Any = None
    tokens: tuple[Token, ...] = ()


@v_args(meta=True, inline=True)
class MergedTableRules(ExpressionRules):
    """One method per rule of a ``merges`` block."""

    def merged_description(self, meta: Meta, text: Token) -> _Line:
        return _Line("description", self._span(meta), string_value(text))

    def merged_where(self, meta: Meta, condition: Any) -> _Line:
        return _Line("where", self._span(meta), condition)

    def merged_per(self, meta: Meta, *names: Token) -> _Line:
        return _Line("per", self._span(meta), tokens=names)

    def merged_keep(self, meta: Meta, *names: Token) -> _Line:
        return _Line("keep", self._span(meta), tokens=names)

    def merged_overlapping(self, meta: Meta) -> _Line:
        return _Line("merge", self._span(meta), None)

    def merged_adjoining(self, meta: Meta, margin: Any = None) -> _Line:
        span = self._span(meta)
        if margin is None:
            return _Line("merge", span, 0)
        if not isinstance(margin, ast.DurationLit) or margin.unit != "day":
            problem = Diagnostic(
                message="the margin of 'adjoining within' is a number of days",
                span=margin.span,
                hint="Write for example 'adjoining within 3 days'.",
            )
            return _Line("merge", span, problem)
        return _Line("merge", span, margin.amount)

    def merged_table(self, meta: Meta, name: Token, source: Token, *lines: _Line) -> Any:
        problems: list[Diagnostic] = []
        seen: dict[str, _Line] = {}
        for line in lines:
            if isinstance(line.value, Diagnostic):
                problems.append(line.value)
            if line.kind in seen:
                first = seen[line.kind].span
                problems.append(
                    Diagnostic(
                        message=f"{_WORDS[line.kind]} is given twice in table '{name}'",
                        span=line.span,
                        hint=f"First given at {first.file}:{first.line}:{first.column}.",
                    )
                )
            seen.setdefault(line.kind, line)
        span = self._span(meta)
        for kind, hint in _REQUIRED.items():
            if kind not in seen:
                problems.append(
                    Diagnostic(
                        message=f"table '{name}' merges rows but does not say {hint}",
                        span=self._tspan(name),
                    )
                )
        per = seen["per"].tokens if "per" in seen else ()
        keep = seen["keep"].tokens if "keep" in seen else ()
        problems += _names_once(per, keep, self._tspan)
        if "." in str(name):
            problems.append(
                Diagnostic(message=f"a table name is one word, not '{name}'", span=span)
            )
        if problems:
            raise DefinitionError(problems)
        spans = {"name": self._tspan(name), "link:client": self._tspan(name)}
        spans |= {f"column:{t}": self._tspan(t) for t in (*per, *keep)}
        definition = merged_definition(
            name=str(name),
            source=str(source),
            description=seen["description"].value if "description" in seen else "",
            where=seen["where"].value if "where" in seen else None,
            per=tuple(str(t) for t in per),
            gap_days=seen["merge"].value,
            keep=tuple(str(t) for t in keep),
            spans={"source": self._tspan(source)} | spans,
        )
        return MergedTableDecl(
            span=span,
            table=str(name),
            excludes=(),
            text=self._text(meta),
            extends=False,
            definition=definition,
            spans=spans,
        )


_WORDS = {
    "description": "'description'",
    "where": "'where'",
    "per": "'per'",
    "merge": "a merge rule ('overlapping' or 'adjoining')",
    "keep": "'keep'",
}
_REQUIRED = {
    "per": "per which columns ('per client_id, hulpvorm')",
    "merge": "when rows merge ('overlapping', or 'adjoining within 3 days')",
}


def _names_once(per: tuple[Token, ...], keep: tuple[Token, ...], tspan: Any) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    for token in (*per, *keep):
        if str(token) in (START, END, RECORDS):
            message = f"'{token}' is a column of every merged table; it cannot be kept or merged on"
            hint = f"A merged table has {START}, {END} and {RECORDS} of its own."
            problems.append(Diagnostic(message=message, span=tspan(token), hint=hint))
        elif str(token) in seen:
            message = f"column '{token}' is named twice in a merged table"
            problems.append(Diagnostic(message=message, span=tspan(token)))
        seen.add(str(token))
    return problems
