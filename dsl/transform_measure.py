"""transform (inside a measure): one method per member and aggregate rule of a ``measure``
or ``version`` block, a mixin of ``transform.ToAst``.

Every member (``label``, ``unit``, ``grain``, ``where``, ``having``, ``by``, ``target``, the
aggregate: ``count``, ``sum``, ``average``, a statistic, ``share``, ``spread``, ``compute``,
``same as``) becomes a ``(field, value, span)`` triple; ``transform._body`` gathers a
block's triples into one ``ast.Body``. Two rules serve beyond a member: ``alias``
(``as NAME``, also in ``exists``) and ``slice`` (``m for d = "x"``, an expression of a
``compute``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from lark import Token, v_args
from lark.tree import Meta

from maatstaf.dsl import ast
from maatstaf.dsl.bands import check_band
from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span
from maatstaf.dsl.transform_expr import ExpressionRules, string_value


@v_args(meta=True, inline=True)
class MeasureRules(ExpressionRules):
    """One method per member and aggregate rule of a measure block."""

    # -- members: (field, value, span) triples, gathered by transform._body
    def _member(self, field: str, value: Any, meta: Meta) -> tuple[str, Any, Span]:
        return (field, value, self._span(meta))

    def label(self, meta: Meta, s: Token) -> tuple[str, Any, Span]:
        return self._member("label", string_value(s), meta)

    def unit(self, meta: Meta, s: Token) -> tuple[str, Any, Span]:
        return self._member("unit", string_value(s) if s.type == "STRING" else str(s), meta)

    def owner(self, meta: Meta, s: Token) -> tuple[str, Any, Span]:
        return self._member("owner", string_value(s), meta)

    def source(self, meta: Meta, s: Token) -> tuple[str, Any, Span]:
        return self._member("source", string_value(s), meta)

    def description(self, meta: Meta, s: Token) -> tuple[str, Any, Span]:
        return self._member("description", string_value(s), meta)

    def grains(self, meta: Meta, *grains: str) -> tuple[str, Any, Span]:
        return self._member("grains", tuple(grains), meta)

    def grain_name(self, meta: Meta, token: Token) -> str:
        return str(token)

    def where(self, meta: Meta, condition: Any) -> tuple[str, Any, Span]:
        return self._member("where", condition, meta)

    def having(self, meta: Meta, condition: Any) -> tuple[str, Any, Span]:
        return self._member("having", condition, meta)

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
            mixed=string_value(mixed),
            ignoring=string_value(ignoring),
        )

    def target(self, meta: Meta, op: Token, value: Any, *rest: Any) -> tuple[str, Any, Span]:
        warn = rest[0] if rest and isinstance(rest[0], _Warn) else None
        when = rest[-1] if rest and not isinstance(rest[-1], _Warn) else None
        node = self._target(meta, op, value, warn, when=when)
        return self._member("targets", node, meta)

    def target_otherwise(self, meta: Meta, op: Token, value: Any, *rest: Any):
        warn = rest[0] if rest else None
        node = self._target(meta, op, value, warn, otherwise=True)
        return self._member("targets", node, meta)

    def warn(self, meta: Meta, op: Token, value: Any) -> _Warn:
        return _Warn(op, value, self._span(meta))

    def _target(self, meta: Meta, op: Token, value: Any, warn: _Warn | None, **rest: Any):
        if warn is not None:
            check_band(str(op), value, warn.op, warn.value, warn.span, self._tspan(warn.op))
        return ast.Target(
            span=self._span(meta),
            op=str(op),
            value=value,
            warn_op=str(warn.op) if warn else None,
            warn=warn.value if warn else None,
            **rest,
        )

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

    def statistic_of(self, meta: Meta, stat: _Stat, expr: Any, table: Token, alias=None):
        return self._statistic(meta, stat, expr, None, table, alias)

    def statistic_per(
        self, meta: Meta, stat: _Stat, expr: Any, per: Token, table: Token, alias=None
    ):
        return self._statistic(meta, stat, expr, str(per), table, alias)

    def _statistic(
        self, meta: Meta, stat: _Stat, expr: Any, per: str | None, table: Token, alias: str | None
    ):
        node = ast.Statistic(
            span=self._span(meta),
            function=stat.function,
            percentile=stat.percentile,
            expr=expr,
            table=str(table),
            alias=alias,
            per=per,
            table_span=self._tspan(table),
        )
        return self._member("aggregate", node, meta)

    def stat_min(self, meta: Meta) -> _Stat:
        return _Stat("min")

    def stat_max(self, meta: Meta) -> _Stat:
        return _Stat("max")

    def stat_median(self, meta: Meta) -> _Stat:
        return _Stat("median")

    def stat_percentile(self, meta: Meta, number: Token) -> _Stat:
        value = Decimal(str(number))
        if not 0 < value < 100:
            raise DefinitionError(
                [
                    Diagnostic(
                        message=f"a percentile lies strictly between 0 and 100, not {number}",
                        span=self._tspan(number),
                        hint="Write 'min' for the smallest value, 'max' for the largest, "
                        "'median' for percentile 50.",
                    )
                ]
            )
        return _Stat("percentile", value)

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
            span=self._span(meta), label=string_value(label), begin=begin, end=end
        )

    def slice(self, meta: Meta, measure: Token, dimension: Token, value: Token) -> ast.Slice:
        return ast.Slice(
            span=self._span(meta),
            measure=str(measure),
            dimension=str(dimension),
            value=string_value(value),
        )

    def compute(self, meta: Meta, expr: ast.Expr):
        return self._member("aggregate", ast.Compute(span=self._span(meta), expr=expr), meta)


class _Stat(NamedTuple):
    function: str
    percentile: Decimal | None = None


class _Warn(NamedTuple):
    op: Token
    value: Any
    span: Span
