"""transform: a Lark parse tree -> the syntax tree of ``dsl.ast``, one method per rule."""

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


def _string_value(token: Token) -> str:
    raw = str(token)
    if raw.startswith('"""'):
        return _dedent(raw[3:-3])
    return raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def _dedent(text: str) -> str:
    return textwrap.dedent(text).strip()


@v_args(meta=True, inline=True)
class ToAst(Transformer[Token, Any]):
    """One method per grammar rule; each returns an ``ast`` node with its span."""

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

    # -- declarations
    def parameter(self, meta: Meta, name: Token, value: Any) -> ast.ParameterDecl:
        return ast.ParameterDecl(
            span=self._span(meta), name=str(name), value=value, text=self._text(meta)
        )

    def table_scope(self, meta: Meta, name: Token, *excludes: Any) -> ast.TableScopeDecl:
        return ast.TableScopeDecl(
            span=self._span(meta), table=str(name), excludes=excludes, text=self._text(meta)
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
        return _string_value(s)

    def relation(self, meta: Meta, axis: Token, *parts: Any) -> ast.Relation:
        only = parts[0] if len(parts) == 3 else ()
        return ast.Relation(
            span=self._span(meta), axis=str(axis), only=only, left=parts[-2], right=parts[-1]
        )

    def lines(self, meta: Meta, *names: Token) -> tuple[str, ...]:
        return tuple(_string_value(n) for n in names)

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

    # -- members: (field, value, span) triples, gathered by _body
    def _member(self, field: str, value: Any, meta: Meta) -> tuple[str, Any, Span]:
        return (field, value, self._span(meta))

    def label(self, meta: Meta, s: Token) -> tuple[str, Any, Span]:
        return self._member("label", _string_value(s), meta)

    def unit(self, meta: Meta, s: Token) -> tuple[str, Any, Span]:
        return self._member("unit", _string_value(s) if s.type == "STRING" else str(s), meta)

    def owner(self, meta: Meta, s: Token) -> tuple[str, Any, Span]:
        return self._member("owner", _string_value(s), meta)

    def source(self, meta: Meta, s: Token) -> tuple[str, Any, Span]:
        return self._member("source", _string_value(s), meta)

    def description(self, meta: Meta, s: Token) -> tuple[str, Any, Span]:
        return self._member("description", _string_value(s), meta)

    def grains(self, meta: Meta, *grains: str) -> tuple[str, Any, Span]:
        return self._member("grains", tuple(grains), meta)

    def grain_name(self, meta: Meta, token: Token) -> str:
        return str(token)

    def where(self, meta: Meta, condition: Any) -> tuple[str, Any, Span]:
        return self._member("where", condition, meta)

    def by(self, meta: Meta, *dims: ast.DimensionSpec) -> tuple[str, Any, Span]:
        return self._member("by", tuple(dims), meta)

    def optional_by(self, meta: Meta, *dims: ast.Dimension) -> tuple[str, Any, Span]:
        return self._member("optional_by", tuple(dims), meta)

    def dimension(self, meta: Meta, name: Token) -> ast.Dimension:
        return ast.Dimension(span=self._span(meta), name=str(name))

    def derived_dimension(self, meta: Meta, name: Token, value: Any) -> ast.Dimension:
        return ast.Dimension(span=self._span(meta), name=str(name), value=value)

    def entity_dimension(
        self, meta: Meta, name: Token, entity: Token, mixed: Token, ignoring: Token
    ) -> ast.EntityDimension:
        return ast.EntityDimension(
            span=self._span(meta),
            name=str(name),
            entity=str(entity),
            mixed=_string_value(mixed),
            ignoring=_string_value(ignoring),
        )

    def target(self, meta: Meta, op: Token, value: Any, when: Any = None) -> tuple[str, Any, Span]:
        node = ast.Target(span=self._span(meta), op=str(op), value=value, when=when)
        return self._member("targets", node, meta)

    def target_otherwise(self, meta: Meta, op: Token, value: Any) -> tuple[str, Any, Span]:
        node = ast.Target(span=self._span(meta), op=str(op), value=value, otherwise=True)
        return self._member("targets", node, meta)

    def same_as(self, meta: Meta, name: Token) -> tuple[str, Any, Span]:
        return self._member("aggregate", ast.SameAs(span=self._span(meta), measure=str(name)), meta)

    def alias(self, meta: Meta, name: Token) -> str:
        return str(name)

    # -- aggregates
    def count_distinct(self, meta: Meta, column: Token, table: Token, alias: str | None = None):
        node = ast.CountDistinct(
            span=self._span(meta),
            column=str(column),
            table=str(table),
            alias=alias,
            column_span=self._tspan(column),
            table_span=self._tspan(table),
        )
        return self._member("aggregate", node, meta)

    def count_rows(self, meta: Meta, table: Token, alias: str | None = None):
        node = ast.CountRows(
            span=self._span(meta), table=str(table), alias=alias, table_span=self._tspan(table)
        )
        return self._member("aggregate", node, meta)

    def sum_of(self, meta: Meta, expr: Any, table: Token, alias: str | None = None):
        node = ast.SumOf(
            span=self._span(meta),
            expr=expr,
            table=str(table),
            alias=alias,
            table_span=self._tspan(table),
        )
        return self._member("aggregate", node, meta)

    def sum_per(self, meta: Meta, expr: Any, per: Token, table: Token, alias: str | None = None):
        node = ast.SumOf(
            span=self._span(meta),
            expr=expr,
            table=str(table),
            alias=alias,
            per=str(per),
            table_span=self._tspan(table),
        )
        return self._member("aggregate", node, meta)

    def average_per(
        self, meta: Meta, expr: Any, per: Token, table: Token, alias: str | None = None
    ):
        node = ast.AveragePer(
            span=self._span(meta),
            expr=expr,
            per=str(per),
            table=str(table),
            alias=alias,
            table_span=self._tspan(table),
        )
        return self._member("aggregate", node, meta)

    def share_of(self, meta: Meta, table: Token, *rest: Any):
        node = ast.ShareOf(
            span=self._span(meta),
            table=str(table),
            alias=rest[0] if len(rest) == 2 else None,
            meeting=rest[-1],
            table_span=self._tspan(table),
        )
        return self._member("aggregate", node, meta)

    def spread(self, meta: Meta, amount: Any, table: Token, *rest: Any):
        alias = rest[0] if isinstance(rest[0], str) and not isinstance(rest[0], Token) else None
        begin, end, into, *parts = rest[1:] if alias is not None else rest
        node = ast.Spread(
            span=self._span(meta),
            amount=amount,
            table=str(table),
            alias=alias,
            begin=begin,
            end=end,
            into=str(into),
            parts=tuple(parts),
            table_span=self._tspan(table),
        )
        return self._member("aggregate", node, meta)

    def spread_part(self, meta: Meta, label: Token, begin: Any, end: Any) -> ast.SpreadPart:
        return ast.SpreadPart(
            span=self._span(meta), label=_string_value(label), begin=begin, end=end
        )

    def slice(self, meta: Meta, measure: Token, dimension: Token, value: Token) -> ast.Slice:
        return ast.Slice(
            span=self._span(meta),
            measure=str(measure),
            dimension=str(dimension),
            value=_string_value(value),
        )

    def compute(self, meta: Meta, expr: ast.Expr):
        return self._member("aggregate", ast.Compute(span=self._span(meta), expr=expr), meta)

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

    def name_ref(self, meta: Meta, name: Token) -> ast.NameRef:
        return ast.NameRef(span=self._span(meta), name=str(name))

    def period_bound(self, meta: Meta, bound: Token) -> ast.PeriodBound:
        return ast.PeriodBound(span=self._span(meta), bound=str(bound))

    def peildatum(self, meta: Meta) -> ast.Peildatum:
        return ast.Peildatum(span=self._span(meta))

    def string(self, meta: Meta, s: Token) -> ast.StringLit:
        return ast.StringLit(span=self._span(meta), value=_string_value(s))

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
            what = "an aggregate (count/sum/compute/same as)" if name == "aggregate" else name
            problems.append(Diagnostic(message=f"{what} is given twice in one block", span=where))
            continue
        fields[name] = value
        if name == "unit":
            fields["unit_span"] = where
    if problems:
        raise DefinitionError(problems)
    return ast.Body(span=span, **fields)
