"""The rules of list parameters (``parameter regelingen = ["pw", "ioaw"]``), dated
parameters (``parameter tarief { 52.10 valid from 2020-01-01 ... }``) and the conditions
``x in NAME`` / ``x not in NAME``: a mixin of ``transform.ToAst``. Each declaration is
checked here, where its positions are: one kind of value, no empty list, dated values
without duplicate dates, overlaps or gaps."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from typing import Any

from lark import Token, v_args
from lark.tree import Meta

from maatstaf.dsl import ast
from maatstaf.dsl.errors import DefinitionError, Diagnostic
from maatstaf.dsl.transform_expr import ExpressionRules

KIND_NAMES = {
    "string": "a text",
    "number": "a number",
    "percent": "a percentage",
    "duration": "a number of days",
    "date": "a date",
}
LIST_KINDS = ("string", "number", "percent", "duration")


def value_kind(value: ast.Literal_) -> str:
    """The kind of a literal as the parameter rules name it (days only as 'duration')."""
    if isinstance(value, ast.DurationLit) and value.unit != "day":
        return f"duration_{value.unit}"
    return value.kind


@v_args(meta=True, inline=True)
class ParameterRules(ExpressionRules):
    """One method per rule of the params block of the grammar."""

    def parameter_list(self, meta: Meta, name: Token, *values: Any) -> ast.ParameterDecl:
        if not values:
            raise DefinitionError(
                [
                    Diagnostic(
                        message=f"list parameter '{name}' has no values",
                        span=self._span(meta),
                        hint='Write at least one value: parameter regelingen = ["pw", "ioaw"].',
                    )
                ]
            )
        problems = [
            Diagnostic(
                message=f"a list parameter holds texts, numbers, days or percentages, "
                f"not {_kind_name(v)}",
                span=v.span,
            )
            for v in values
            if value_kind(v) not in LIST_KINDS
        ]
        problems += _mixed(str(name), values)
        if problems:
            raise DefinitionError(problems)
        listed = ast.ListValue(span=self._span(meta), values=values)
        return self._parameter_decl(meta, name, listed)

    def parameter_dated(
        self, meta: Meta, name: Token, *values: ast.DatedValue
    ) -> ast.ParameterDecl:
        if not values:
            raise DefinitionError(
                [
                    Diagnostic(
                        message=f"dated parameter '{name}' has no values",
                        span=self._span(meta),
                        hint="Write one value per validity: "
                        "parameter tarief { 52.10 valid from 2020-01-01 }.",
                    )
                ]
            )
        ordered = tuple(sorted(values, key=lambda v: v.valid_from))
        problems = _mixed(str(name), [v.value for v in values]) + _validity(str(name), ordered)
        if problems:
            raise DefinitionError(problems)
        dated = ast.DatedValues(span=self._span(meta), values=ordered)
        return self._parameter_decl(meta, name, dated)

    def dated_value(
        self, meta: Meta, value: Any, first: Token, last: Token | None = None
    ) -> ast.DatedValue:
        return ast.DatedValue(
            span=self._span(meta),
            value=value,
            valid_from=dt.date.fromisoformat(str(first)),
            valid_until=dt.date.fromisoformat(str(last)) if last is not None else None,
        )

    def in_parameter(self, meta: Meta, operand: Any, name: Token) -> ast.InList:
        return ast.InList(span=self._span(meta), operand=operand, values=(), parameter=str(name))

    def not_in_parameter(self, meta: Meta, operand: Any, name: Token) -> ast.InList:
        return ast.InList(
            span=self._span(meta), operand=operand, values=(), parameter=str(name), negated=True
        )

    def _parameter_decl(self, meta: Meta, name: Token, value: Any) -> ast.ParameterDecl:
        return ast.ParameterDecl(
            span=self._span(meta), name=str(name), value=value, text=self._text(meta)
        )


def _kind_name(value: ast.Literal_) -> str:
    kind = value_kind(value)
    return KIND_NAMES.get(kind, f"a number of {kind.partition('_')[2]}s")


def _mixed(name: str, values: list[ast.Literal_] | tuple[ast.Literal_, ...]) -> list[Diagnostic]:
    """Every value of another kind than the first: a positioned error each."""
    first = values[0]
    return [
        Diagnostic(
            message=f"parameter '{name}' mixes kinds: {_kind_name(first)} first, "
            f"then {_kind_name(v)}",
            span=v.span,
            hint="All values of a parameter are of one kind (texts, numbers, days or percentages).",
        )
        for v in values[1:]
        if value_kind(v) != value_kind(first)
    ]


def _validity(name: str, ordered: tuple[ast.DatedValue, ...]) -> list[Diagnostic]:
    """Dated values (in date order): each valid until after it is valid from, no date twice,
    no day with two values, no day between two values without one."""
    problems = [
        Diagnostic(
            message=f"a value of '{name}' is valid until {v.valid_until}, before it is valid "
            f"from {v.valid_from}",
            span=v.span,
        )
        for v in ordered
        if v.valid_until is not None and v.valid_until < v.valid_from
    ]
    for earlier, later in pairwise(ordered):
        if earlier.valid_from == later.valid_from:
            problems.append(
                Diagnostic(
                    message=f"'{name}' has two values valid from {later.valid_from}",
                    span=later.span,
                    hint=f"The first is at {earlier.span}; give each value its own date.",
                )
            )
        elif earlier.valid_until is None:
            continue  # valid until the next value is
        elif earlier.valid_until >= later.valid_from:
            problems.append(
                Diagnostic(
                    message=f"two values of '{name}' are both valid from {later.valid_from} "
                    f"until {min(earlier.valid_until, later.valid_until or dt.date.max)}",
                    span=later.span,
                    hint=f"Let the earlier value be valid until "
                    f"{later.valid_from - dt.timedelta(days=1)}, or leave its 'valid until' out.",
                )
            )
        elif earlier.valid_until + dt.timedelta(days=1) < later.valid_from:
            first = earlier.valid_until + dt.timedelta(days=1)
            last = later.valid_from - dt.timedelta(days=1)
            problems.append(
                Diagnostic(
                    message=f"no value of '{name}' is valid from {first} until {last}",
                    span=later.span,
                    hint=f"Let this value be valid from {first}, or the earlier one valid "
                    f"until {last}.",
                )
            )
    return problems
