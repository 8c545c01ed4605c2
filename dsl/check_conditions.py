"""Type-check a condition against the table schema: ``where``, ``meeting``, ``having``, a
``case`` or ``when`` branch. Every problem is a diagnostic in the scope, at its position.

Comparisons (``=`` on like types, ``<`` not on texts, a coded column against a value it
never holds), ``in`` lists, ``in period``, period relations of a row (``active on``,
``adjoins``, ...) and ``exists`` with its inner rows. The types of the expressions a
condition compares come from ``dsl.typing``.
"""

from __future__ import annotations

from maatstaf.dsl import ast
from maatstaf.dsl.errors import did_you_mean
from maatstaf.dsl.names import Column, Linked, Scope, lookup, scope_at

# dsl.typing and this module need each other: a condition compares expressions, and a
# 'case' or 'when' expression has conditions. This side imports dsl.typing at the top, as
# any module would; dsl.typing imports check_condition inside the functions that need it
# (and lends it out through its __getattr__), so neither is imported half-done whichever
# of the two a process imports first, and importing dsl.typing alone does not import this.
from maatstaf.dsl.typing import TYPE_NAMES, expr_type, literal_type

__all__ = ["check_condition"]


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
                words = node.window.words() if node.window is not None else "period"
                scope.error(f"'in {words}' needs a date, not {TYPE_NAMES[kind]}", node.operand)
        case ast.PeriodRelation() | ast.ActiveEachMonth():
            _check_row_with_period(node, node.subject, scope)
        case ast.ActiveOn():
            _check_row_with_period(node, node.subject, scope)
            kind = expr_type(node.day, scope)
            if kind not in (None, "date"):
                scope.error(f"'active on' needs a date, not {TYPE_NAMES[kind]}", node.day)
        case ast.ActiveBetween():
            _check_row_with_period(node, node.subject, scope)
            for bound in (node.first, node.last):
                kind = expr_type(bound, scope)
                if kind not in (None, "date"):
                    scope.error(
                        f"'active from ... until' needs dates, not {TYPE_NAMES[kind]}", bound
                    )
        case ast.Adjoins():
            _check_adjoins(node, scope)
        case ast.Exists():
            _check_exists(node, scope)
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
    if node.parameter is not None:  # 'in NAME': the list's values, filled in by dsl.params
        scope.usage.parameters.add(node.parameter)
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
    if isinstance(resolved, Column):
        table = scope_at(scope, resolved.depth).table
    elif isinstance(resolved, Linked) and scope.schema is not None:
        row = scope_at(scope, resolved.depth)
        table = scope.schema.table(row.table.link(resolved.link).table)  # type: ignore[union-attr]
    else:
        return
    column = table.column(resolved.column if isinstance(resolved, Linked) else resolved.name)  # type: ignore[union-attr]
    allowed = column.values if column else None
    if allowed and value.value not in allowed:
        hint = did_you_mean(value.value, allowed) or f"Expected one of: {', '.join(allowed)}."
        scope.error(f"'{operand.name}' never has the value '{value.value}'.", value, hint)


def _check_row_with_period(node: ast.Node, subject: str | None, scope: Scope) -> None:
    row = scope if subject is None else scope.row_scope(subject)
    if row is None:
        scope.error(
            f"unknown row '{subject}'", node, did_you_mean(subject or "", _row_names(scope))
        )
        return
    if row.table is None:
        scope.error("a period relation needs a table", node)
    elif row.table.period is None:
        scope.error(
            f"table '{row.table.name}' has no start and end date, so its rows are not active "
            "in a period",
            node,
            "Use '<date column> in period' instead.",
        )


def _row_names(scope: Scope) -> list[str]:
    names: list[str] = []
    current: Scope | None = scope
    while current is not None and current.table is not None:
        names.append(current.alias or current.table.name)
        current = current.outer
    return names


def _check_adjoins(node: ast.Adjoins, scope: Scope) -> None:
    for name in (node.left, node.right):
        _check_row_with_period(node, name, scope)
    if node.within is not None:
        kind = expr_type(node.within, scope)
        if kind not in (None, "days"):
            scope.error(f"'within' needs a number of days, not {TYPE_NAMES[kind]}", node.within)


def _check_exists(node: ast.Exists, scope: Scope) -> None:
    table = scope.schema.table(node.table) if scope.schema else None
    if table is None or scope.table is None:
        names = scope.schema.table_names if scope.schema else ()
        scope.error(f"unknown table '{node.table}'", node, did_you_mean(node.table, names))
        return
    scope.usage.tables.add(table.name)
    inner = scope.inner(table, node.alias)
    for name, span in zip(node.same, node.same_spans, strict=True):
        for column in table.expand((name,)):
            if table.column(column) is None or scope.table.column(column) is None:
                where = table.name if table.column(column) is None else scope.table.name
                candidates = [*table.column_names, *table.groups]
                scope.error(
                    f"unknown column '{column}' in table '{where}'.",
                    ast.Node(span=span),
                    did_you_mean(column, candidates),
                )
    if node.where is not None:
        check_condition(node.where, inner)
