"""transform: a Lark parse tree -> the syntax tree of ``dsl.ast``, one method per rule
(the declarations here: parameters, dimensions, published tables, measures and their
versions; the members and aggregates of a measure in ``transform_measure``, conditions and
expressions in the base ``transform_expr``, the other blocks in the other mixins)."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from lark import Token, v_args
from lark.tree import Meta

from maatstaf.dsl import ast
from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span
from maatstaf.dsl.transform_cbs import MergedTableRules
from maatstaf.dsl.transform_expr import string_value
from maatstaf.dsl.transform_labels import LabelsRules
from maatstaf.dsl.transform_measure import MeasureRules
from maatstaf.dsl.transform_params import ParameterRules
from maatstaf.dsl.transform_project import ProjectRules
from maatstaf.dsl.transform_table import TableRules
from maatstaf.dsl.transform_windows_measure import MeasureWindowRules


@v_args(meta=True, inline=True)
class ToAst(
    TableRules,
    MeasureRules,
    MeasureWindowRules,
    LabelsRules,
    ParameterRules,
    ProjectRules,
    MergedTableRules,
):
    """One method per declaration rule; the other rules come from the mixins."""

    # -- declarations
    def parameter(self, meta: Meta, name: Token, value: Any) -> ast.ParameterDecl:
        return ast.ParameterDecl(
            span=self._span(meta), name=str(name), value=value, text=self._text(meta)
        )

    def exclude(self, meta: Meta, condition: Any) -> Any:
        return condition

    def dimension_decl(self, meta: Meta, name: Token, table: Token, value: Any) -> Any:
        return ast.DimensionDecl(
            span=self._span(meta),
            name=str(name),
            table=str(table),
            value=value,
            text=self._text(meta),
        )

    def published(self, meta: Meta, name: Token, *members: Any) -> ast.PublishedDecl:
        labels = [m for m in members if isinstance(m, str)]
        relations = tuple(m for m in members if isinstance(m, ast.Relation))
        return ast.PublishedDecl(
            span=self._span(meta),
            name=str(name),
            label=labels[0] if labels else None,
            relations=relations,
        )

    def published_label(self, meta: Meta, s: Token) -> str:
        return string_value(s)

    def relation(self, meta: Meta, axis: Token, *parts: Any) -> ast.Relation:
        only = parts[0] if len(parts) == 4 else ()
        left, op, right = parts[-3:]
        if str(op) != "=":
            raise DefinitionError(
                [
                    Diagnostic(
                        message=f"a relation says that two sides are equal, not {str(op)!r}",
                        span=self._tspan(op),
                        hint="Write '='.",
                    )
                ]
            )
        return ast.Relation(
            span=self._span(meta), axis=str(axis), only=only, left=left, right=right
        )

    def lines(self, meta: Meta, *names: Token) -> tuple[str, ...]:
        return tuple(string_value(n) for n in names)

    def measure(self, meta: Meta, name: Token, *members: Any) -> ast.MeasureDecl:
        versions = tuple(m for m in members if isinstance(m, ast.VersionDecl))
        rest = [m for m in members if not isinstance(m, ast.VersionDecl)]
        return ast.MeasureDecl(
            span=self._span(meta),
            id=str(name),
            body=_body(self._span(meta), rest),
            versions=versions,
            text=self._text(meta),
        )

    def version(self, meta: Meta, number: Token, *members: Any) -> ast.VersionDecl:
        nested = [m for m in members if isinstance(m, ast.VersionDecl)]
        if nested:
            raise DefinitionError(
                [
                    Diagnostic(
                        message="a version cannot contain another version",
                        span=nested[0].span,
                        hint="Close the first version with '}' before the next one starts.",
                    )
                ]
            )
        validity = _validity(int(number), [m for m in members if isinstance(m, _Validity)])
        rest = [m for m in members if not isinstance(m, _Validity)]
        return ast.VersionDecl(
            span=self._span(meta),
            number=int(number),
            valid_from=validity.get("valid_from"),
            valid_until=validity.get("valid_until"),
            body=_body(self._span(meta), rest),
            text=self._text(meta),
        )

    def valid_from(self, meta: Meta, date: Token) -> _Validity:
        return _Validity("valid_from", self._date(date), self._span(meta))

    def valid_until(self, meta: Meta, date: Token) -> _Validity:
        return _Validity("valid_until", self._date(date), self._span(meta))


class _Validity(NamedTuple):
    field: str
    day: dt.date
    span: Span


def _validity(number: int, found: list[_Validity]) -> dict[str, dt.date]:
    """valid from / valid until of a version; either given twice is an error at its second."""
    days: dict[str, dt.date] = {}
    problems = []
    for item in found:
        if item.field in days:
            words = item.field.replace("_", " ")
            problems.append(
                Diagnostic(
                    message=f"'{words}' is given twice for version {number}",
                    span=item.span,
                    hint=f"Keep one '{words}'; a later version takes over with its own "
                    "'valid from'.",
                )
            )
        days[item.field] = item.day
    if problems:
        raise DefinitionError(problems)
    return days


def _body(span: Span, members: list[tuple[str, Any, Span]]) -> ast.Body:
    """Gather a block's members; a member written twice is an error at its second place."""
    fields: dict[str, Any] = {}
    problems = []
    for name, value, where in members:
        if name == "targets":
            fields["targets"] = (*fields.get("targets", ()), value)
            continue
        if name in fields:
            what = (
                "an aggregate (count/sum/average/median/compute/same as)"
                if name == "aggregate"
                else name
            )
            problems.append(Diagnostic(message=f"{what} is given twice in one block", span=where))
            continue
        fields[name] = value
        if name == "unit":
            fields["unit_span"] = where
    if problems:
        raise DefinitionError(problems)
    return ast.Body(span=span, **fields)
