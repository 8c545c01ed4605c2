"""The checks of a measure's rule: what it aggregates, its dimensions and its targets.

``resolve`` finds the rule's table and builds its scope; the functions here check the rule
inside that scope. Every problem goes to ``scope.error`` (the version's usage diagnostics),
in the order the rule reads: the aggregate, ``where``, ``having``, the dimensions of ``by``
and ``optional by``, the targets.
"""

from __future__ import annotations

from collections.abc import Mapping

from maatstaf.dsl import ast
from maatstaf.dsl.check_conditions import check_condition
from maatstaf.dsl.errors import did_you_mean
from maatstaf.dsl.having import check_having
from maatstaf.dsl.typing import TYPE_NAMES, Scope, expr_type


def check_computed(aggregate: ast.Compute | ast.SameAs, merged: dict, scope: Scope) -> None:
    """A measure computed from other measures (``compute``, ``same as``): its expression and
    targets; ``where`` and ``having`` have no meaning there."""
    target = (
        ast.NameRef(span=aggregate.span, name=aggregate.measure)
        if isinstance(aggregate, ast.SameAs)
        else aggregate.expr
    )
    expr_type(target, scope)
    for clause in ("where", "having"):
        if merged.get(clause) is not None:
            scope.error(
                f"'{clause}' has no meaning for a measure computed from other measures",
                merged[clause],
            )
    _check_targets(merged, scope, dims=None)


def check_table_rule(
    aggregate: ast.TableAggregate,
    merged: dict,
    scope: Scope,
    dimensions: Mapping[str, ast.DimensionDecl],
) -> None:
    """A rule over a table (the scope's): its aggregate, ``where``, ``having``, dimensions
    (columns of the table or named dimensions declared for it) and targets."""
    _check_aggregate(aggregate, scope)
    if merged.get("where") is not None:
        check_condition(merged["where"], scope)
    if merged.get("having") is not None:
        check_having(merged["having"], aggregate, scope)
    for dim in (*merged.get("by", ()), *merged.get("optional_by", ())):
        _check_dimension(dim, scope, dimensions)
    dims = {d.name for d in merged.get("by", ())}
    if isinstance(aggregate, ast.Spread):
        dims.add(aggregate.into)
    _check_targets(merged, scope, dims=dims)


def _check_aggregate(aggregate: ast.TableAggregate, scope: Scope) -> None:
    match aggregate:
        case ast.CountDistinct():
            node = ast.NameRef(span=aggregate.column_span or aggregate.span, name=aggregate.column)
            expr_type(node, scope)
        case ast.SumOf() | ast.AveragePer():
            kind = expr_type(aggregate.expr, scope)
            allowed = ("number",) if isinstance(aggregate, ast.SumOf) else ("number", "days")
            if kind is not None and kind not in allowed:
                scope.error(f"cannot add up {kind} values", aggregate.expr)
            if aggregate.per is not None:
                expr_type(ast.NameRef(span=aggregate.span, name=aggregate.per), scope)
        case ast.Statistic():
            _check_statistic(aggregate, scope)
        case ast.ShareOf():
            check_condition(aggregate.meeting, scope)
        case ast.Spread():
            _check_spread(aggregate, scope)


def _check_statistic(statistic: ast.Statistic, scope: Scope) -> None:
    kind = expr_type(statistic.expr, scope)
    if kind is not None and kind not in ("number", "days"):
        word = "the median" if statistic.function == "median" else f"a {statistic.function}"
        word = "a percentile" if statistic.function == "percentile" else word
        scope.error(
            f"{word} is taken of numbers or numbers of days, not of {TYPE_NAMES[kind]}",
            statistic.expr,
            "Subtract dates for a number of days: 'besloten_op - ontvangen_op'."
            if kind == "date"
            else None,
        )
    if statistic.per is not None:
        expr_type(ast.NameRef(span=statistic.span, name=statistic.per), scope)


def _check_spread(spread: ast.Spread, scope: Scope) -> None:
    if expr_type(spread.amount, scope) not in (None, "number"):
        scope.error("only an amount can be spread", spread.amount)
    bounds = [spread.begin, spread.end] + [b for p in spread.parts for b in (p.begin, p.end)]
    for bound in bounds:
        kind = expr_type(bound, scope)
        if kind not in (None, "date"):
            scope.error(f"a spread runs from a date until a date, not {kind}", bound)


def _check_dimension(
    dim: ast.DimensionSpec, scope: Scope, dimensions: Mapping[str, ast.DimensionDecl]
) -> None:
    assert scope.table is not None
    if isinstance(dim, ast.EntityDimension):
        expr_type(ast.NameRef(span=dim.span, name=dim.entity), scope)
    if isinstance(dim, ast.Dimension) and dim.value is not None:
        kind = expr_type(dim.value, scope)
        if kind not in (None, "text", "number"):
            scope.error(f"a dimension value must be a text or a number, not {kind}", dim.value)
        return
    if scope.table.column(dim.name) is None and dimensions.get(dim.name) is None:
        candidates = [*scope.table.column_names, *dimensions]
        scope.error(
            f"unknown column or dimension '{dim.name}' in table '{scope.table.name}'.",
            dim,
            did_you_mean(dim.name, candidates),
        )
    elif (
        (decl := dimensions.get(dim.name))
        and scope.table.column(dim.name) is None
        and decl.table != scope.table.name
    ):
        scope.error(
            f"dimension '{dim.name}' is defined for table '{decl.table}', not '{scope.table.name}'",
            dim,
        )


def _check_targets(merged: dict, scope: Scope, dims: set[str] | None) -> None:
    for target in merged.get("targets", ()):
        if expr_type(target.value, scope) not in (None, "number"):
            scope.error("a target is a number or a percentage", target.value)
        if target.when is not None:
            _check_target_condition(target.when, scope, dims or set())


def _check_target_condition(node: ast.Condition, scope: Scope, dims: set[str]) -> None:
    """A target's 'when' speaks of the figure's dimensions only: dim = "value"."""
    match node:
        case ast.And() | ast.Or():
            for item in node.items:
                _check_target_condition(item, scope, dims)
        case ast.Not():
            _check_target_condition(node.item, scope, dims)
        case (
            ast.Compare(left=ast.NameRef() as name, right=ast.StringLit())
            | ast.InList(operand=ast.NameRef() as name)
        ):
            if name.name not in dims:
                scope.error(
                    f"'{name.name}' is not a dimension of this measure",
                    name,
                    did_you_mean(name.name, dims),
                )
        case _:
            scope.error(
                'a target condition compares a dimension with a value, like regeling = "wmo"',
                node,
            )
