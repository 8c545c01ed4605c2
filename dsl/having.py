"""having: a condition on each counted entity's rows, checked.

``count distinct client_id in declaraties where ... having sum(bedrag) > 10000`` counts
the clients whose rows (those the ``where`` keeps, in the period and in the figure's cell)
add up to more than 10000. Inside ``having`` a column stands only inside one of the
entity aggregates below, since a client has many rows; parameters, numbers and arithmetic
stand as anywhere else. Conditions on single rows (``active in period``, ``exists``)
belong in ``where``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from maatstaf.dsl import ast
from maatstaf.dsl.names import Column, Linked, Scope, lookup

# function -> what it gives, for messages
ENTITY_AGGREGATES = {
    "sum": "sum(x): the sum of x over the entity's rows",
    "count": "count(x): the number of the entity's rows with a value in x",
    "min": "min(x): the smallest x of the entity's rows",
    "max": "max(x): the largest x of the entity's rows",
    "average": "average(x): the mean of x over the entity's rows with a value",
}
NUMERIC = ("number", "days")
HAVING_CONDITIONS = (ast.Compare, ast.InList, ast.IsEmpty, ast.And, ast.Or, ast.Not)
ROW_CONDITION_HINT = (
    "In 'having', compare an entity's totals: "
    + ", ".join(f.split(":")[0] for f in ENTITY_AGGREGATES.values())
    + ". A condition on single rows belongs in 'where'."
)


def check_having(having: ast.Condition, aggregate: ast.Aggregate, scope: Scope) -> None:
    """Record every problem of a ``having`` condition in the scope's diagnostics."""
    from maatstaf.dsl.check_conditions import check_condition

    if not isinstance(aggregate, ast.CountDistinct):
        scope.error(
            "'having' says which counted entities count: it needs 'count distinct <column> "
            "in <table>'",
            having,
            "Write e.g. 'count distinct client_id in declaraties ... having sum(bedrag) > 10000'.",
        )
        return
    for node in _conditions(having):
        if not isinstance(node, HAVING_CONDITIONS):
            scope.error(
                "this condition is about single rows: it cannot stand in 'having'",
                node,
                ROW_CONDITION_HINT,
            )
            return
    for name in _bare_names(having):
        if isinstance(lookup(name.name, scope), Column | Linked):
            scope.error(
                f"column '{name.name}' has a value per row, and an entity has several rows",
                name,
                f"Take it over the entity's rows: sum({name.name}), max({name.name}), ... "
                "A condition on single rows belongs in 'where'.",
            )
    check_condition(having, replace(scope, having=True))


def aggregate_type(node: ast.Call, scope: Scope) -> str | None:
    """The type of ``sum(x)``, ``count(x)``, ... (only in ``having``)."""
    from maatstaf.dsl.typing import TYPE_NAMES, expr_type

    if not scope.having:
        scope.error(
            f"{node.function}(...) takes a value over an entity's rows: it stands only in 'having'",
            node,
            "To add up rows, write the measure as 'sum x in table'.",
        )
        return None
    if len(node.args) != 1:
        scope.error(f"{node.function} takes 1 argument", node, ENTITY_AGGREGATES[node.function])
        return None
    if any(isinstance(n, ast.Call) and n.function in ENTITY_AGGREGATES for n in _below(node)):
        scope.error(f"{node.function}(...) cannot hold another entity aggregate", node)
        return None
    kind = expr_type(node.args[0], replace(scope, having=False))
    if kind is None:
        return None
    match node.function:
        case "count":
            return "number"
        case "sum" | "average" if kind not in NUMERIC:
            scope.error(f"cannot {node.function} {TYPE_NAMES[kind]}", node.args[0])
            return None
        case "min" | "max" if kind not in (*NUMERIC, "date"):
            scope.error(f"{node.function} needs numbers, days or dates", node.args[0])
            return None
    return "number" if node.function == "average" else kind


def entity_aggregates(having: ast.Condition) -> list[ast.Call]:
    """The aggregate calls of a ``having`` condition, in order, each once."""
    return list(
        {
            id(n): n
            for n in _below(having)
            if isinstance(n, ast.Call) and n.function in ENTITY_AGGREGATES
        }.values()
    )


def _conditions(node: ast.Condition) -> Iterator[ast.Node]:
    yield node
    if isinstance(node, ast.And | ast.Or):
        for item in node.items:
            yield from _conditions(item)
    elif isinstance(node, ast.Not):
        yield from _conditions(node.item)


def _bare_names(node: object) -> Iterator[ast.NameRef]:
    """The names outside any entity aggregate."""
    if isinstance(node, ast.Call) and node.function in ENTITY_AGGREGATES:
        return
    if isinstance(node, ast.NameRef):
        yield node
    elif isinstance(node, ast.Node):
        for _, value in node:
            yield from _bare_names(value)
    elif isinstance(node, tuple):
        for item in node:
            yield from _bare_names(item)


def _below(node: object) -> Iterator[ast.Node]:
    if isinstance(node, ast.Node):
        for _, value in node:
            if isinstance(value, ast.Node):
                yield value
            yield from _below(value)
    elif isinstance(node, tuple):
        for item in node:
            if isinstance(item, ast.Node):
                yield item
            yield from _below(item)
