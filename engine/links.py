"""links: the columns of another table a row reaches through a link
(``client.geboortedatum``), joined in."""

from __future__ import annotations

import ibis.expr.types as ir

from maatstaf.dsl import ast
from maatstaf.dsl.schema import Table
from maatstaf.dsl.typing import Linked, lookup
from maatstaf.engine.env import CompileError, Context, Env, link_column
from maatstaf.engine.nodes import _walk_names


def with_links(
    rel: ir.Table, table: Table, nodes: list[ast.Node], alias: str | None, ctx: Context
) -> ir.Table:
    """Join in the linked columns the nodes use at this row (``client.geboortedatum``)."""
    scope = Env(table, alias, rel, ctx).scope()
    wanted: dict[str, set[str]] = {}
    for ref in _walk_names(nodes):
        found = lookup(ref.name, scope)
        if isinstance(found, Linked) and found.depth == 0:
            wanted.setdefault(found.link, set()).add(found.column)
    for link_name, columns in sorted(wanted.items()):
        link = table.link(link_name)
        assert link is not None
        target_schema = ctx.schema.table(link.table)
        assert target_schema is not None
        if link.table not in ctx.tables:
            raise CompileError(
                f"de gegevens bevatten geen tabel '{link.table}' (nodig voor '{link_name}.')"
            )
        target = ctx.tables[link.table]
        key = target_schema.key[0]
        picked = target.select(
            **{"__key": target[key]},
            **{link_column(link_name, c): target[c] for c in sorted(columns)},
        )
        rel = rel.left_join(picked, rel[link.column] == picked["__key"]).drop("__key")
    return rel
