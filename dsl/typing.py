"""Type-check expressions and conditions against the table schema; resolve names.

The same name lookup (``lookup``) serves the resolver and the engine's compiler, so a name
means one thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from maatstaf.dsl import ast
from maatstaf.dsl.errors import Diagnostic, did_you_mean
from maatstaf.dsl.schema import Table

Type = Literal["text", "date", "timestamp", "number", "days"]
TYPE_NAMES = {
    "text": "a text",
    "date": "a date",
    "timestamp": "a timestamp",
    "number": "a number",
    "days": "a number of days",
}
NUMERIC_COLUMN_TYPES = {"decimal": "number", "integer": "number"}


@dataclass(frozen=True)
class Column:
    name: str


@dataclass(frozen=True)
class ParameterRef:
    name: str


@dataclass(frozen=True)
class MeasureRef:
    id: str


Resolved = Column | ParameterRef | MeasureRef


@dataclass
class Scope:
    """What names mean inside one aggregate: its table (and alias), parameters, measures."""

    table: Table | None
    alias: str | None
    parameters: dict[str, Type]
    measures: frozenset[str] = frozenset()
    diagnostics: list[Diagnostic] = field(default_factory=list)
    used_parameters: set[str] = field(default_factory=set)
    used_measures: set[str] = field(default_factory=set)

    def error(self, message: str, node: ast.Node, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(message=message, span=node.span, hint=hint))


def lookup(name: str, scope: Scope) -> Resolved | None:
    """What a written name refers to, or None."""
    table, alias = scope.table, scope.alias
    if table is not None:
        column = name
        if alias and name.startswith(alias + "."):
            column = name[len(alias) + 1 :]
        if table.column(column) is not None:
            return Column(column)
    if name in scope.parameters:
        return ParameterRef(name)
    if name in scope.measures:
        return MeasureRef(name)
    return None


def literal_type(node: ast.Literal_) -> Type:
    match node:
        case ast.StringLit():
            return "text"
        case ast.NumberLit() | ast.PercentLit():
            return "number"
        case ast.DurationLit():
            return "days"
        case ast.DateLit():
            return "date"
    raise AssertionError(f"unknown literal {node!r}")


def column_type(table: Table, name: str) -> Type:
    column = table.column(name)
    assert column is not None
    return NUMERIC_COLUMN_TYPES.get(column.type, column.type)  # type: ignore[return-value]


def expr_type(node: ast.Expr, scope: Scope) -> Type | None:
    """The type of an expression; None (after recording a diagnostic) when it has none."""
    match node:
        case (
            ast.StringLit() | ast.NumberLit() | ast.PercentLit() | ast.DurationLit() | ast.DateLit()
        ):
            return literal_type(node)
        case ast.NameRef():
            return _name_type(node, scope)
        case ast.PeriodBound() | ast.Peildatum():
            return "date"
        case ast.Negate():
            inner = expr_type(node.operand, scope)
            if inner not in (None, "number", "days"):
                scope.error(f"cannot negate {TYPE_NAMES[inner]}", node)
                return None
            return inner
        case ast.Binary():
            return _binary_type(node, scope)
    raise AssertionError(f"unknown expression {node!r}")


def _name_type(node: ast.NameRef, scope: Scope) -> Type | None:
    resolved = lookup(node.name, scope)
    match resolved:
        case Column(name):
            assert scope.table is not None
            return column_type(scope.table, name)
        case ParameterRef(name):
            scope.used_parameters.add(name)
            return scope.parameters[name]
        case MeasureRef(id):
            scope.used_measures.add(id)
            return "number"
        case None:
            _unknown_name(node, scope)
            return None
    raise AssertionError(resolved)


def _unknown_name(node: ast.NameRef, scope: Scope) -> None:
    if scope.table is None:
        candidates = [*scope.measures, *scope.parameters]
        scope.error(f"unknown measure '{node.name}'", node, did_you_mean(node.name, candidates))
        return
    candidates = [*scope.table.column_names, *scope.parameters]
    if scope.alias:
        candidates += [f"{scope.alias}.{c}" for c in scope.table.column_names]
    scope.error(
        f"unknown column '{node.name}' in table '{scope.table.name}'.",
        node,
        did_you_mean(node.name, candidates),
    )


_ARITHMETIC: dict[tuple[str, str, str], Type] = {
    ("date", "+", "days"): "date",
    ("days", "+", "date"): "date",
    ("date", "-", "days"): "date",
    ("date", "-", "date"): "days",
    ("days", "+", "days"): "days",
    ("days", "-", "days"): "days",
    ("number", "*", "days"): "days",
    ("days", "*", "number"): "days",
    ("days", "/", "number"): "days",
    ("days", "/", "days"): "number",
    **{("number", op, "number"): "number" for op in "+-*/"},
}


def _binary_type(node: ast.Binary, scope: Scope) -> Type | None:
    left, right = expr_type(node.left, scope), expr_type(node.right, scope)
    if left is None or right is None:
        return None
    result = _ARITHMETIC.get((left, node.op, right))
    if result is None:
        hint = (
            "Write a number of days as '1 day' or '56 days'." if "date" in (left, right) else None
        )
        scope.error(f"cannot compute {TYPE_NAMES[left]} {node.op} {TYPE_NAMES[right]}", node, hint)
    return result


def check_condition(node: ast.Condition, scope: Scope) -> None:
    """Record a diagnostic for every type or name error in a condition."""
    match node:
        case ast.And() | ast.Or():
            for item in node.items:
                check_condition(item, scope)
        case ast.Not():
            check_condition(node.item, scope)
        case ast.Compare():
            _check_compare(node, scope)
        case ast.InList():
            _check_in_list(node, scope)
        case ast.IsEmpty():
            expr_type(node.operand, scope)
        case ast.InPeriod():
            kind = expr_type(node.operand, scope)
            if kind not in (None, "date"):
                scope.error(f"'in period' needs a date, not {TYPE_NAMES[kind]}", node.operand)
        case ast.PeriodRelation():
            _check_period_relation(node, scope)
        case _:
            raise AssertionError(f"unknown condition {node!r}")


def _check_compare(node: ast.Compare, scope: Scope) -> None:
    left, right = expr_type(node.left, scope), expr_type(node.right, scope)
    if left is None or right is None:
        return
    if left != right:
        hint = (
            "Write a number of days as '56 days'." if {left, right} == {"days", "number"} else None
        )
        scope.error(f"cannot compare {TYPE_NAMES[left]} with {TYPE_NAMES[right]}", node, hint)
        return
    if left == "text" and node.op not in ("=", "!="):
        scope.error(f"text can only be compared with = or !=, not {node.op}", node)
    for side, other in ((node.left, node.right), (node.right, node.left)):
        if isinstance(other, ast.StringLit):
            _check_code(side, other, scope)


def _check_in_list(node: ast.InList, scope: Scope) -> None:
    kind = expr_type(node.operand, scope)
    for value in node.values:
        if kind is not None and literal_type(value) != kind:
            scope.error(
                f"cannot compare {TYPE_NAMES[kind]} with {TYPE_NAMES[literal_type(value)]}", value
            )
        elif isinstance(value, ast.StringLit):
            _check_code(node.operand, value, scope)


def _check_code(operand: ast.Expr, value: ast.StringLit, scope: Scope) -> None:
    """A coded column compared with a value it can never hold is a misspelling."""
    if not isinstance(operand, ast.NameRef) or scope.table is None:
        return
    resolved = lookup(operand.name, scope)
    if not isinstance(resolved, Column):
        return
    allowed = scope.table.column(resolved.name).values  # type: ignore[union-attr]
    if allowed and value.value not in allowed:
        hint = did_you_mean(value.value, allowed) or f"Expected one of: {', '.join(allowed)}."
        scope.error(f"'{resolved.name}' never has the value '{value.value}'.", value, hint)


def _check_period_relation(node: ast.PeriodRelation, scope: Scope) -> None:
    table = scope.table
    if table is None:
        scope.error(f"'{node.relation} in period' needs a table", node)
        return
    if node.subject is not None and node.subject not in (scope.alias, table.name):
        scope.error(
            f"unknown row '{node.subject}'",
            node,
            did_you_mean(node.subject, [n for n in (scope.alias, table.name) if n]),
        )
    if table.period is None:
        scope.error(
            f"table '{table.name}' has no start and end date, so rows cannot be "
            f"'{node.relation} in period'",
            node,
            "Use '<date column> in period' instead.",
        )
