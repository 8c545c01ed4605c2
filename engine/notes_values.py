"""Values that never occur: ``where aanbieder = "Zorg Plus BV"`` on a free-text column
whose data holds no such value counts nothing, silently, unless a note says so.

For every literal comparison (``=``, ``!=``, ``in (...)``) of a text column that declares
no ``values`` (a declared column is checked by the type checker when the definition
loads), one DISTINCT query per compared column finds the values that occur; a literal
that is not among them is a warning in the run's notes, with the position of the
comparison and "bedoelt u ...?" from the values that do occur.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import ibis.expr.types as ir

from maatstaf.dsl import ast
from maatstaf.dsl.model import MeasureVersion
from maatstaf.dsl.schema import Schema, Table


@dataclass
class ValueCheck:
    """The distinct values per (table, column), queried once per run state."""

    schema: Schema
    tables: Mapping[str, ir.Table]
    seen: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    said: set[tuple[str, str]] = field(default_factory=set)  # (measure, warning) given

    def warnings(self, version: MeasureVersion) -> list[str]:
        """The warnings not given before for this measure (a state evaluates a version
        again for compared periods and whole years)."""
        new = [w for w in self._warnings(version) if (version.measure, w) not in self.said]
        self.said.update((version.measure, w) for w in new)
        return new

    def _warnings(self, version: MeasureVersion) -> list[str]:
        table = self.schema.table(getattr(version.aggregate, "table", ""))
        if table is None:
            return []
        found = []
        for column, literals, span in _literal_comparisons(version, table, self.schema):
            occurring = self._distinct(column)
            if occurring is None:
                continue
            missing = [v for v in literals if v not in occurring]
            if len(literals) > 1 and len(missing) < len(literals):
                # a list of alternatives of which some occur: a missing one is only a
                # warning where it looks like a typo of a value that does occur
                others = occurring - set(literals)
                missing = [v for v in missing if _closest(v, others)]
            found += [_message(column, v, span, occurring - set(literals)) for v in missing]
        return list(dict.fromkeys(found))

    def _distinct(self, column: tuple[str, str]) -> frozenset[str] | None:
        if column not in self.seen:
            rel = self.tables.get(column[0])
            if rel is None or column[1] not in rel.columns:
                return None
            values = rel.select(__v=rel[column[1]].cast("string")).distinct().execute()["__v"]
            self.seen[column] = frozenset(str(v) for v in values.dropna())
        return self.seen[column]


def _message(column: tuple[str, str], literal: str, span: object, occurring: frozenset[str]) -> str:
    table, name = column
    text = (
        f'waarschuwing: {span}: de waarde "{literal}" komt in kolom {name} van {table} '
        "nergens voor, dus deze vergelijking is voor geen enkele rij waar"
    )
    close = _closest(literal, occurring)
    if close:
        return f'{text}; bedoelt u "{close}"?'
    if not occurring:
        return f"{text} (de kolom is overal leeg)"
    shown = sorted(occurring)
    more = f" en {len(shown) - 5} andere" if len(shown) > 5 else ""
    return text + " (wel: " + ", ".join(f'"{v}"' for v in shown[:5]) + more + ")"


def _closest(literal: str, occurring: frozenset[str] | set[str]) -> str | None:
    close = difflib.get_close_matches(literal, sorted(occurring), n=1, cutoff=0.6)
    return close[0] if close else None


def _literal_comparisons(
    version: MeasureVersion, table: Table, schema: Schema
) -> Iterator[tuple[tuple[str, str], list[str], object]]:
    """(table, column), the literal texts and the comparison's position, for each literal
    comparison of a text column without declared values, in the measure's own rows (not
    inside an ``exists`` on another table)."""
    for node in _nodes(version):
        match node:
            case (
                ast.Compare(op="=" | "!=", left=ast.NameRef() as ref, right=ast.StringLit() as lit)
                | ast.Compare(
                    op="=" | "!=", left=ast.StringLit() as lit, right=ast.NameRef() as ref
                )
            ):
                literals = [lit.value]
            case ast.InList(operand=ast.NameRef() as ref, values=values):
                literals = [v.value for v in values if isinstance(v, ast.StringLit)]
            case _:
                continue
        column = _free_text_column(ref.name, table, schema)
        if column is not None and literals:
            yield column, literals, node.span


def _free_text_column(name: str, table: Table, schema: Schema) -> tuple[str, str] | None:
    """The (table, column) a name stands for, through a link (``client.geslacht``) where
    it has one; None unless it is a text column without declared values."""
    owner, _, column_name = name.rpartition(".")
    if owner:
        link = table.link(owner)
        if link is None:
            return None
        table = schema.table(link.table)  # type: ignore[assignment]
        if table is None:
            return None
    column = table.column(column_name)
    if column is None or column.type != "text" or column.values:
        return None
    return table.name, column.name


def _nodes(version: MeasureVersion) -> Iterator[ast.Node]:
    """Every node of the version's rule, but not inside an ``exists`` (another table)."""

    def walk(node: object) -> Iterator[ast.Node]:
        if isinstance(node, ast.Exists):
            return
        if isinstance(node, ast.Node):
            yield node
            for _, value in node:
                yield from walk(value)
        elif isinstance(node, tuple):
            for item in node:
                yield from walk(item)

    yield from walk(version.aggregate)
    yield from walk(version.where)
    yield from walk(version.by)
