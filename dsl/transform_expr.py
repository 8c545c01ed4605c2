"""The rules of conditions and expressions, and what every rule method needs (spans,
texts, dates): the base of ``transform.ToAst``."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from typing import Any, NamedTuple

from lark import Token, Transformer, v_args
from lark.tree import Meta

from maatstaf.dsl import ast
from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span
from maatstaf.dsl.syntax import token_span


def string_value(token: Token) -> str:
    raw = str(token)
    if raw.startswith('"""'):
        return _dedent(raw[3:-3])
    return raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def _dedent(text: str) -> str:
    return textwrap.dedent(text).strip()


class _When(NamedTuple):
    """One 'when ... then ...' of a case, until the case gathers them."""

    condition: Any
    value: Any


@v_args(meta=True, inline=True)
class ExpressionRules(Transformer[Token, Any]):
    """One method per condition and expression rule; each returns an ``ast`` node."""

    def __init__(self, path: str, text: str) -> None:
        super().__init__()
        self.path = path
        self.text = text

    def _span(self, meta: Meta) -> Span:
        return Span(
            file=self.path,
            line=meta.line,
            column=meta.column,
            end_line=meta.end_line,
            end_column=meta.end_column,
        )

    def _text(self, meta: Meta) -> str:
        return self.text[meta.start_pos : meta.end_pos]

    def _tspan(self, token: Token) -> Span:
        return token_span(token, self.path)

    # -- conditions
    def or_(self, meta: Meta, first: Any, *rest: Any) -> ast.Or:
        items = (*first.items, *rest) if isinstance(first, ast.Or) else (first, *rest)
        return ast.Or(span=self._span(meta), items=items)

    def and_(self, meta: Meta, first: Any, *rest: Any) -> ast.And:
        items = (*first.items, *rest) if isinstance(first, ast.And) else (first, *rest)
        return ast.And(span=self._span(meta), items=items)

    def not_(self, meta: Meta, item: Any) -> ast.Not:
        return ast.Not(span=self._span(meta), item=item)

    def compare(self, meta: Meta, left: Any, op: Token, right: Any) -> ast.Compare:
        return ast.Compare(span=self._span(meta), op=str(op), left=left, right=right)

    def in_list(self, meta: Meta, operand: Any, *values: Any) -> ast.InList:
        return ast.InList(span=self._span(meta), operand=operand, values=values)

    def not_in_list(self, meta: Meta, operand: Any, *values: Any) -> ast.InList:
        return ast.InList(span=self._span(meta), operand=operand, values=values, negated=True)

    def is_empty(self, meta: Meta, operand: Any) -> ast.IsEmpty:
        return ast.IsEmpty(span=self._span(meta), operand=operand)

    def is_not_empty(self, meta: Meta, operand: Any) -> ast.IsEmpty:
        return ast.IsEmpty(span=self._span(meta), operand=operand, negated=True)

    def period_relation(self, meta: Meta, *parts: Any) -> ast.PeriodRelation:
        subject = parts[0] if len(parts) == 2 else None
        return ast.PeriodRelation(span=self._span(meta), relation=str(parts[-1]), subject=subject)

    def subject(self, meta: Meta, name: Token) -> str:
        return str(name)

    def _active_only(self, meta: Meta, parts: tuple[Any, ...], what: str) -> str | None:
        """The subject of 'active on ...' / 'active in each month'; only 'active' has these."""
        relation = next(p for p in parts if isinstance(p, Token) and p.type == "RELATION")
        if str(relation) != "active":
            raise DefinitionError(
                [
                    Diagnostic(
                        message=f"'{relation} {what}' is not a relation",
                        span=self._span(meta),
                        hint=f"Write 'active {what}' or '{relation} in period'.",
                    )
                ]
            )
        first = parts[0]
        return first if isinstance(first, str) and not isinstance(first, Token) else None

    def active_on(self, meta: Meta, *parts: Any) -> ast.ActiveOn:
        subject = self._active_only(meta, parts, "on")
        return ast.ActiveOn(span=self._span(meta), day=parts[-1], subject=subject)

    def active_between(self, meta: Meta, *parts: Any) -> ast.ActiveBetween:
        subject = self._active_only(meta, parts, "from ... until ...")
        first, last = parts[-2:]
        return ast.ActiveBetween(span=self._span(meta), first=first, last=last, subject=subject)

    def active_each_month(self, meta: Meta, *parts: Any) -> ast.ActiveEachMonth:
        subject = self._active_only(meta, parts, "in each month")
        return ast.ActiveEachMonth(span=self._span(meta), subject=subject)

    def adjoins(self, meta: Meta, left: Token, right: Token, within: Any = None) -> ast.Adjoins:
        return ast.Adjoins(span=self._span(meta), left=str(left), right=str(right), within=within)

    def exists(self, meta: Meta, keyword: Token, table: Token, *rest: Any) -> ast.Exists:
        alias = next((r for r in rest if isinstance(r, str)), None)
        same = next((r for r in rest if isinstance(r, list)), [])
        where = next((r for r in rest if not isinstance(r, str | list)), None)
        return ast.Exists(
            span=self._span(meta),
            negated=str(keyword) == "no",
            table=str(table),
            alias=alias,
            same=tuple(n for n, _ in same),
            same_spans=tuple(sp for _, sp in same),
            where=where,
            table_span=self._tspan(table),
        )

    def same_columns(self, meta: Meta, *names: Token) -> list[tuple[str, Span]]:
        return [(str(n), self._tspan(n)) for n in names]

    def in_period(self, meta: Meta, operand: Any) -> ast.InPeriod:
        return ast.InPeriod(span=self._span(meta), operand=operand)

    # -- expressions
    def binary(self, meta: Meta, left: Any, op: Token, right: Any) -> ast.Binary:
        return ast.Binary(span=self._span(meta), op=str(op), left=left, right=right)

    def negate(self, meta: Meta, operand: Any) -> ast.Negate:
        return ast.Negate(span=self._span(meta), operand=operand)

    def call(self, meta: Meta, name: Token, *args: Any) -> ast.Call:
        return ast.Call(span=self._span(meta), function=str(name), args=args)

    def simultaneous(self, meta: Meta, entity: Token) -> ast.Simultaneous:
        return ast.Simultaneous(span=self._span(meta), entity=str(entity))

    def total(self, meta: Meta, measure: Token, *by: Token) -> ast.Total:
        return ast.Total(span=self._span(meta), measure=str(measure), by=tuple(map(str, by)))

    def mapping(self, meta: Meta, *parts: Any) -> ast.Mapping:
        return ast.Mapping(span=self._span(meta), cases=tuple(parts[:-1]), otherwise=parts[-1])

    def mapping_case(self, meta: Meta, value: Any, condition: Any) -> tuple[Any, Any]:
        return (value, condition)

    def banding(self, meta: Meta, operand: Any, *parts: Any) -> ast.Banding:
        return ast.Banding(
            span=self._span(meta), operand=operand, bands=tuple(parts[:-1]), rest=parts[-1]
        )

    def band(self, meta: Meta, label: Any, limit: Any) -> tuple[Any, Any]:
        return (label, limit)

    def case_value(self, meta: Meta, *parts: Any) -> ast.Case:
        whens = [p for p in parts if isinstance(p, _When)]
        otherwise = [p for p in parts if not isinstance(p, _When)]
        if not otherwise:
            # the case ends with the word 'end': point at it
            end = Span(
                file=self.path,
                line=meta.end_line,
                column=meta.end_column - 3,
                end_line=meta.end_line,
                end_column=meta.end_column,
            )
            raise DefinitionError(
                [
                    Diagnostic(
                        message="a 'case' needs an 'else' value before 'end': without one, a "
                        "row that meets no 'when' would silently have no value",
                        span=end,
                        hint="Write 'else <value>' before 'end', for example 'else 0'.",
                    )
                ]
            )
        return ast.Case(
            span=self._span(meta),
            cases=tuple((w.condition, w.value) for w in whens),
            otherwise=otherwise[0],
        )

    def case_when(self, meta: Meta, condition: Any, value: Any) -> _When:
        return _When(condition, value)

    def case_else(self, meta: Meta, value: Any) -> Any:
        return value

    def name_ref(self, meta: Meta, name: Token) -> ast.NameRef:
        return ast.NameRef(span=self._span(meta), name=str(name))

    def period_bound(self, meta: Meta, bound: Token) -> ast.PeriodBound:
        return ast.PeriodBound(span=self._span(meta), bound=str(bound))

    def peildatum(self, meta: Meta) -> ast.Peildatum:
        return ast.Peildatum(span=self._span(meta))

    def string(self, meta: Meta, s: Token) -> ast.StringLit:
        return ast.StringLit(span=self._span(meta), value=string_value(s))

    def number(self, meta: Meta, n: Token) -> ast.NumberLit:
        return ast.NumberLit(span=self._span(meta), value=Decimal(str(n)))

    def percent(self, meta: Meta, n: Token) -> ast.PercentLit:
        return ast.PercentLit(span=self._span(meta), value=Decimal(str(n)) / 100)

    def duration(self, meta: Meta, n: Token, unit: Token) -> ast.DurationLit:
        value = Decimal(str(n))
        if value != value.to_integral_value():
            raise DefinitionError(
                [
                    Diagnostic(
                        message=f"a duration is a whole number of {unit}", span=self._span(meta)
                    )
                ]
            )
        name = str(unit).removesuffix("s")
        return ast.DurationLit(span=self._span(meta), amount=int(value), unit=name)

    def date(self, meta: Meta, d: Token) -> ast.DateLit:
        return ast.DateLit(span=self._span(meta), value=self._date(d))

    def _date(self, token: Token) -> dt.date:
        try:
            return dt.date.fromisoformat(str(token))
        except ValueError:
            raise DefinitionError(
                [
                    Diagnostic(
                        message=f"{str(token)!r} is not a calendar date",
                        span=self._tspan(token),
                        hint="Write dates as YYYY-MM-DD.",
                    )
                ]
            ) from None
