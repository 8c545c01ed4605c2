"""names: what a written name means in a scope (a column, a linked column, a parameter,
a measure). The same ``lookup`` serves the resolver and the engine's compiler, so a name
means one thing everywhere. Scopes nest: inside ``exists T as e (...)`` a bare name is a
column of T first, then of the outer row; ``t.col`` names the row aliased ``t``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from maatstaf.dsl import ast
from maatstaf.dsl.errors import Diagnostic
from maatstaf.dsl.schema import Schema, Table

Type = Literal["text", "date", "timestamp", "number", "days", "calendar"]


@dataclass(frozen=True)
class Column:
    name: str
    depth: int = 0  # 0: the innermost row, 1: the row around it, ...


@dataclass(frozen=True)
class Linked:
    """``client.geboortedatum``: a column of the row a link points to."""

    link: str
    column: str
    depth: int = 0


@dataclass(frozen=True)
class ParameterRef:
    name: str


@dataclass(frozen=True)
class MeasureRef:
    id: str


Resolved = Column | Linked | ParameterRef | MeasureRef


@dataclass
class Usage:
    """What a definition uses, collected while checking it (shared by nested scopes)."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    parameters: set[str] = field(default_factory=set)
    measures: set[str] = field(default_factory=set)
    tables: set[str] = field(default_factory=set)


@dataclass
class Scope:
    """What names mean inside one aggregate: its table (and alias), parameters, measures."""

    table: Table | None
    alias: str | None
    parameters: dict[str, Type]
    measures: frozenset[str] = frozenset()
    schema: Schema | None = None
    outer: Scope | None = None
    usage: Usage = field(default_factory=Usage)
    having: bool = False  # inside 'having': sum(x), count(x), ... of an entity's rows

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.usage.diagnostics

    def error(self, message: str, node: ast.Node, hint: str | None = None) -> None:
        self.usage.diagnostics.append(Diagnostic(message=message, span=node.span, hint=hint))

    def inner(self, table: Table, alias: str | None) -> Scope:
        return Scope(table, alias, self.parameters, self.measures, self.schema, self, self.usage)

    def names_row(self, name: str) -> bool:
        """A row is named by its alias; only a row without one by its table's name (so in
        ``no populatie as later``, ``populatie.peildatum`` is the outer row)."""
        if self.table is None:
            return False
        return name == self.alias if self.alias else name == self.table.name

    def row_scope(self, name: str) -> Scope | None:
        """The scope whose row is called ``name`` (an alias or a table name)."""
        scope: Scope | None = self
        while scope is not None:
            if scope.names_row(name):
                return scope
            scope = scope.outer
        return None


def lookup(name: str, scope: Scope) -> Resolved | None:
    """What a written name refers to, or None."""
    depth, current = 0, scope
    while current is not None:
        found = _lookup_in_row(name, current, depth)
        if found is not None:
            return found
        depth, current = depth + 1, current.outer
    if name in scope.parameters:
        return ParameterRef(name)
    if name in scope.measures:
        return MeasureRef(name)
    return None


def _lookup_in_row(name: str, scope: Scope, depth: int) -> Resolved | None:
    table = scope.table
    if table is None:
        return None
    prefix, _, rest = name.partition(".")
    if rest and scope.names_row(prefix):
        name, (prefix, _, rest) = rest, rest.partition(".")
    if not rest:
        return Column(name, depth) if table.column(name) is not None else None
    link = table.link(prefix)
    if link is not None and scope.schema is not None:
        target = scope.schema.table(link.table)
        if target is not None and target.column(rest) is not None:
            return Linked(prefix, rest, depth)
    return None


def scope_at(scope: Scope, depth: int) -> Scope:
    for _ in range(depth):
        assert scope.outer is not None
        scope = scope.outer
    return scope
