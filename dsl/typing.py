"""Type-check expressions against the table schema (names: ``dsl.names``; the conditions
inside them: ``dsl.check_conditions``)."""

from __future__ import annotations

from maatstaf.dsl import ast
from maatstaf.dsl.errors import did_you_mean
from maatstaf.dsl.names import (
    Column,
    Linked,
    MeasureRef,
    ParameterRef,
    Resolved,
    Scope,
    Type,
    Usage,
    lookup,
    scope_at,
)
from maatstaf.dsl.schema import Table

# check_condition lives in dsl.check_conditions, which imports this module at its top: the
# functions here that check conditions (_mapping_type, _case_type) import it where they run
__all__ = ["Column", "Linked", "Scope", "Type", "Usage", "expr_type", "lookup"]


TYPE_NAMES = {
    "text": "a text",
    "date": "a date",
    "timestamp": "a timestamp",
    "number": "a number",
    "days": "a number of days",
    "calendar": "a number of months or years",
}
NUMERIC_COLUMN_TYPES = {"decimal": "number", "integer": "number"}
FUNCTIONS = {
    "age": "age(birth date, day): completed years on that day",
    "spell_start": "spell_start(entity): first day of the entity's spell of merged rows",
    "ifempty": "ifempty(value, fallback): the value, or the fallback where it is empty",
    "rows_per": "rows_per(entity): in a dimension, the entity's number of counted rows in the period",
    "year": "year(date): the calendar year of a date",
    "start_of_year": "start_of_year(date): 1 January of that date's year",
    "end_of_year": "end_of_year(date): 31 December of that date's year",
    "working_days": "working_days(from, until): the Mondays to Fridays after 'from' up to and "
    "including 'until' (Friday to Monday is 1)",
    "previous_year": "previous_year(measure): in compute, the measure's figure for the year "
    "before the period's year",
    "year_value": "year_value(measure): in compute, the measure's figure for the period's "
    "year, at any grain",
    "pro_rata": "pro_rata(measure): in compute, the measure's figure per year spread evenly "
    "over the year's days, the period's days taken",
}
ARITY = {
    "age": 2,
    "spell_start": 1,
    "rows_per": 1,
    "ifempty": 2,
    "year": 1,
    "start_of_year": 1,
    "end_of_year": 1,
    "working_days": 2,
    "previous_year": 1,
    "year_value": 1,
    "pro_rata": 1,
}


def literal_type(node: ast.Literal_) -> Type:
    match node:
        case ast.StringLit():
            return "text"
        case ast.NumberLit() | ast.PercentLit():
            return "number"
        case ast.DurationLit():
            return "days" if node.unit == "day" else "calendar"
        case ast.DateLit():
            return "date"
    raise AssertionError(f"unknown literal {node!r}")


def column_type(table: Table, name: str) -> Type:
    column = table.column(name)
    assert column is not None
    return NUMERIC_COLUMN_TYPES.get(column.type, column.type)  # type: ignore[return-value]


def resolved_type(resolved: Resolved, scope: Scope) -> Type:
    match resolved:
        case Column(name, depth):
            table = scope_at(scope, depth).table
            assert table is not None
            return column_type(table, name)
        case Linked(link, column, depth):
            row = scope_at(scope, depth)
            assert row.table is not None and row.schema is not None
            target = row.schema.table(row.table.link(link).table)  # type: ignore[union-attr]
            assert target is not None
            scope.usage.tables.add(target.name)
            return column_type(target, column)
        case ParameterRef(name):
            scope.usage.parameters.add(name)
            return scope.parameters[name]
        case MeasureRef(id):
            scope.usage.measures.add(id)
            return "number"
    raise AssertionError(resolved)


def expr_type(node: ast.Expr, scope: Scope) -> Type | None:
    """The type of an expression; None (after recording a diagnostic) when it has none."""
    match node:
        case ast.StringLit() | ast.NumberLit() | ast.PercentLit() | ast.DurationLit():
            return literal_type(node)
        case ast.DateLit():
            return "date"
        case ast.NameRef():
            resolved = lookup(node.name, scope)
            if resolved is None:
                _unknown_name(node, scope)
                return None
            return resolved_type(resolved, scope)
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
        case ast.Call():
            return _call_type(node, scope)
        case ast.Simultaneous():
            _entity_column(node.entity, node, scope)
            return "number"
        case ast.Total() | ast.Slice():
            return _total_type(node, scope)
        case ast.Mapping():
            return _mapping_type(node, scope)
        case ast.Banding():
            return _banding_type(node, scope)
        case ast.Case():
            return _case_type(node, scope)
    raise AssertionError(f"unknown expression {node!r}")


def _unknown_name(node: ast.NameRef, scope: Scope) -> None:
    if scope.table is None:
        candidates = [*scope.measures, *scope.parameters]
        scope.error(f"unknown measure '{node.name}'", node, did_you_mean(node.name, candidates))
        return
    candidates = [*scope.parameters]
    linked: list[str] = []  # 'wet' in declaraties is 'toewijzing.wet', through its link
    current: Scope | None = scope
    while current is not None and current.table is not None:
        names = current.table.column_names
        candidates += names
        candidates += [f"{current.alias}.{c}" for c in names if current.alias]
        through = [
            f"{link.name}.{c}"
            for link in current.table.links
            for c in _link_columns(current, link.table)
        ]
        candidates += through
        linked += [n for n in through if n.partition(".")[2] == node.name]
        current = current.outer
    scope.error(
        f"unknown column '{node.name}' in table '{scope.table.name}'.",
        node,
        f"Did you mean '{linked[0]}'?" if linked else did_you_mean(node.name, candidates),
    )


def _link_columns(scope: Scope, table: str) -> tuple[str, ...]:
    target = scope.schema.table(table) if scope.schema else None
    return target.column_names if target else ()


def _entity_column(name: str, node: ast.Node, scope: Scope) -> None:
    if scope.table is None or scope.table.column(name) is None:
        where = f"table '{scope.table.name}'" if scope.table else "this measure"
        names = scope.table.column_names if scope.table else ()
        scope.error(f"unknown column '{name}' in {where}.", node, did_you_mean(name, names))


_ARITHMETIC: dict[tuple[str, str, str], Type] = {
    ("date", "+", "days"): "date",
    ("days", "+", "date"): "date",
    ("date", "-", "days"): "date",
    ("date", "+", "calendar"): "date",
    ("date", "-", "calendar"): "date",
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


def _call_type(node: ast.Call, scope: Scope) -> Type | None:
    from maatstaf.dsl.having import ENTITY_AGGREGATES, aggregate_type

    if node.function in ENTITY_AGGREGATES:
        return aggregate_type(node, scope)  # type: ignore[return-value]
    if node.function not in FUNCTIONS:
        hint = did_you_mean(node.function, FUNCTIONS) or "Known: " + "; ".join(FUNCTIONS.values())
        scope.error(f"unknown function '{node.function}'", node, hint)
        return None
    arity = ARITY[node.function]
    if len(node.args) != arity:
        scope.error(f"{node.function} takes {arity} argument(s)", node, FUNCTIONS[node.function])
        return None
    match node.function:
        case "spell_start":
            return _spell_type(node, scope)
        case "rows_per":  # GMSD stapeling: arrangements per person in the period
            return _rows_per_type(node, scope)
        case "previous_year" | "year_value" | "pro_rata":
            arg = node.args[0]
            if scope.table is not None or not isinstance(arg, ast.NameRef):
                scope.error(f"{node.function} takes a measure, inside 'compute'", node)
                return None
            return expr_type(arg, scope)
        case "start_of_year" | "end_of_year":
            if expr_type(node.args[0], scope) not in (None, "date"):
                scope.error(f"{node.function} needs a date", node.args[0])
            return "date"
        case "ifempty":
            kinds = [expr_type(a, scope) for a in node.args]
            if None not in kinds and kinds[0] != kinds[1]:
                scope.error(
                    f"ifempty needs two values of one type, not {kinds[0]} and {kinds[1]}", node
                )
                return None
            return kinds[0]
    two_dates = node.function in ("age", "working_days")
    wanted: list[Type] = ["date", "date"] if two_dates else ["date"]
    for arg, kind in zip(node.args, wanted, strict=True):
        found = expr_type(arg, scope)
        if found not in (None, kind):
            scope.error(f"{node.function} needs {TYPE_NAMES[kind]}, not {TYPE_NAMES[found]}", arg)
    return "number"


def _rows_per_type(node: ast.Call, scope: Scope) -> Type | None:
    arg = node.args[0]
    if not isinstance(arg, ast.NameRef) or scope.table is None:
        scope.error("rows_per needs a column of the counted table", node, FUNCTIONS["rows_per"])
        return None
    _entity_column(arg.name, arg, scope)
    return "number"


def _spell_type(node: ast.Call, scope: Scope) -> Type | None:
    arg = node.args[0]
    if not isinstance(arg, ast.NameRef) or scope.table is None:
        scope.error(
            "spell_start needs a column of the counted table", node, FUNCTIONS["spell_start"]
        )
        return None
    _entity_column(arg.name, arg, scope)
    if scope.table.period is None:
        scope.error(
            f"table '{scope.table.name}' has no start and end date, so it has no spells", node
        )
    return "date"


def _total_type(node: ast.Total | ast.Slice, scope: Scope) -> Type | None:
    if scope.table is not None or node.measure not in scope.measures:
        if scope.table is not None:
            scope.error(f"'{node.kind}' combines measures: use it in 'compute'", node)
        else:
            scope.error(
                f"unknown measure '{node.measure}'",
                node,
                did_you_mean(node.measure, scope.measures),
            )
        return None
    scope.usage.measures.add(node.measure)
    return "number"


def _mapping_type(node: ast.Mapping, scope: Scope) -> Type | None:
    from maatstaf.dsl.check_conditions import check_condition

    kinds = set()
    for value, condition in node.cases:
        kinds.add(expr_type(value, scope))
        check_condition(condition, scope)
    kinds.add(expr_type(node.otherwise, scope))
    kinds.discard(None)
    if len(kinds) > 1:
        scope.error("every value of a 'when' list must be of one type", node)
        return None
    return kinds.pop() if kinds else None


def _case_type(node: ast.Case, scope: Scope) -> Type | None:
    """Every value of a case is of one kind; the first that differs is the error."""
    from maatstaf.dsl.check_conditions import check_condition

    values = [value for _, value in node.cases] + [node.otherwise]
    for condition, _ in node.cases:
        check_condition(condition, scope)
    kinds = [(expr_type(value, scope), value) for value in values]
    known = [(kind, value) for kind, value in kinds if kind is not None]
    if not known:
        return None
    first = known[0][0]
    for kind, value in known[1:]:
        if kind != first:
            where = "the 'else' value" if value is node.otherwise else "this 'then' value"
            scope.error(
                f"every value of a 'case' must be of one kind: the first is {TYPE_NAMES[first]}, "
                f"{where} is {TYPE_NAMES[kind]}",
                value,
                _kind_hint(first, kind),
            )
            return None
    return None if len(known) < len(kinds) else first


def _kind_hint(first: Type, other: Type) -> str | None:
    if {first, other} == {"days", "number"}:
        return "Write a number of days as '56 days'."
    if "text" in (first, other):
        return "A text and a number do not mix: give every branch a text, or every one a number."
    return None


def _banding_type(node: ast.Banding, scope: Scope) -> Type | None:
    kind = expr_type(node.operand, scope)
    if kind not in (None, "number", "days"):
        scope.error(
            f"bands need a number or a number of days, not {TYPE_NAMES[kind]}", node.operand
        )
    for label, limit in node.bands:
        limit_kind = expr_type(limit, scope)
        if kind and limit_kind and limit_kind != kind:
            scope.error(
                f"a band limit must be {TYPE_NAMES[kind]}, not {TYPE_NAMES[limit_kind]}", limit
            )
        if expr_type(label, scope) not in (None, "text"):
            scope.error("a band label must be a text", label)
    if expr_type(node.rest, scope) not in (None, "text"):
        scope.error("a band label must be a text", node.rest)
    return "text"
