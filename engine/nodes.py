"""nodes: walking the syntax tree (which conjuncts mention the period, which names and
functions a rule uses)."""

from __future__ import annotations

from collections.abc import Iterator

from maatstaf.dsl import ast


def ast_and(items: list[ast.Condition]) -> ast.Condition:
    return items[0] if len(items) == 1 else ast.And(span=items[0].span, items=tuple(items))


def split_conditions(
    where: ast.Condition | None,
) -> tuple[list[ast.Condition], list[ast.Condition]]:
    """The top-level conjuncts that concern only the row, and those that mention the period."""
    if where is None:
        return [], []
    items = list(where.items) if isinstance(where, ast.And) else [where]
    about_period = [c for c in items if mentions_period(c)]
    return [c for c in items if c not in about_period], about_period


PERIOD_NODES = (
    ast.PeriodRelation,
    ast.InPeriod,
    ast.PeriodBound,
    ast.Peildatum,
    ast.ActiveEachMonth,
)


def mentions_period(node: ast.Node) -> bool:
    return any(isinstance(n, PERIOD_NODES) for n in walk(node))


def _uses(node: ast.Node, kind: type) -> bool:
    return any(isinstance(n, kind) for n in walk(node))


def walk(node: object) -> Iterator[ast.Node]:
    """Every node below (and including) ``node``."""
    if isinstance(node, ast.Node):
        yield node
        for _, value in node:
            yield from walk(value)
    elif isinstance(node, tuple):
        for item in node:
            yield from walk(item)


def _walk_names(nodes: list[ast.Node]) -> Iterator[ast.NameRef]:
    """Names used at this row level (not inside the inner row of an exists)."""
    for node in nodes:
        for found in walk(node):
            if isinstance(found, ast.NameRef):
                yield found


def _calls(nodes: list[ast.Node], function: str) -> list[ast.Call]:
    return [
        n
        for node in nodes
        for n in walk(node)
        if isinstance(n, ast.Call) and n.function == function
    ]
