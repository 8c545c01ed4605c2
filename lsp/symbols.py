"""symbols: where each measure, parameter, table and dimension is defined and used.

``occurrences`` walks one file's syntax tree and names every place a symbol stands, with
the span of the name itself (not of the construct around it): the id after ``measure``,
a measure in ``compute`` and in a report's series, a table after ``count`` or ``in``, a
parameter in a condition. A written name means what the resolver makes of it: a column
of a table in scope first, then a parameter, then a measure (``maatstaf.dsl.names.lookup``).
``SymbolIndex`` joins the files of a library; ``symbol_at`` finds the symbol under a
position. Pure functions over the syntax tree: no editor, no protocol.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from maatstaf.dsl import ast
from maatstaf.dsl.errors import Span
from maatstaf.dsl.labels_ast import Additivity, LabelsDecl
from maatstaf.dsl.report_ast import Series, TextRef
from maatstaf.dsl.schema import Schema
from maatstaf.dsl.table_decl import TableDecl

Kind = Literal["measure", "parameter", "table", "dimension"]
# the language's names: letters, digits and '_', with '.' between parts (maatstaf.lark NAME)
NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_]*)*")


@dataclass(frozen=True)
class Occurrence:
    """One place a symbol's name stands; ``definition`` where it is declared."""

    kind: Kind
    name: str
    span: Span
    definition: bool = False


@dataclass(frozen=True)
class Known:
    """The names a library declares, to tell what a written name refers to."""

    measures: frozenset[str]
    parameters: frozenset[str]
    dimensions: frozenset[str]
    schema: Schema

    def columns(self, tables: Iterable[str]) -> frozenset[str]:
        found: set[str] = set()
        for name in tables:
            table = self.schema.table(name)
            if table is not None:
                found |= set(table.column_names) | set(table.groups)
        return frozenset(found)


@dataclass
class _Text:
    """A file's text with the offset of each line, to find a name inside a span."""

    text: str
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def offset(self, line: int, column: int) -> int:
        if line - 1 >= len(self.starts):
            return len(self.text)
        return min(self.starts[line - 1] + column - 1, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        line = _bisect(self.starts, offset)
        return line + 1, offset - self.starts[line] + 1

    def locate(self, name: str, span: Span, after: int = 0) -> Span | None:
        """The span of the first whole ``name`` inside ``span`` (from ``after`` chars on)."""
        begin = self.offset(span.line, span.column) + after
        end = self.offset(span.end_line, span.end_column)
        pattern = re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w.])")
        found = pattern.search(self.text, begin, max(begin, end))
        if found is None:
            return None
        line, column = self.position(found.start())
        return Span(
            file=span.file, line=line, column=column, end_line=line, end_column=column + len(name)
        )


def _bisect(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def occurrences(file: ast.DefinitionFile, text: str, known: Known) -> list[Occurrence]:
    """Every place a symbol of the library stands in this file, in the order written."""
    walker = _Walker(_Text(text), known)
    for declaration in file.declarations:
        walker.declaration(declaration)
    return sorted(walker.found, key=lambda o: (o.span.line, o.span.column))


@dataclass
class _Walker:
    text: _Text
    known: Known
    found: list[Occurrence] = field(default_factory=list)

    def add(self, kind: Kind, name: str, span: Span | None, *, definition: bool = False) -> None:
        if span is not None:
            self.found.append(Occurrence(kind, name, span, definition))

    def at(self, kind: Kind, name: str, node: ast.Node, *, after: int = 0, definition=False):
        self.add(kind, name, self.text.locate(name, node.span, after), definition=definition)

    def declaration(self, decl: BaseModel) -> None:
        match decl:
            case ast.MeasureDecl():
                self.at("measure", decl.id, decl, after=len("measure"), definition=True)
                self.walk(decl, _measure_tables(decl))
            case ast.ParameterDecl():
                self.at("parameter", decl.name, decl, after=len("parameter"), definition=True)
            case ast.DimensionDecl():
                named = self.text.locate(decl.name, decl.span, len("dimension"))
                self.add("dimension", decl.name, named, definition=True)
                if named is not None:  # the table after 'of', past the name
                    rest = decl.span.model_copy(
                        update={"line": named.end_line, "column": named.end_column}
                    )
                    self.add("table", decl.table, self.text.locate(decl.table, rest))
                self.walk(decl.value, (decl.table,))
            case ast.TableScopeDecl():
                declares = isinstance(decl, TableDecl) and not decl.extends
                self.at("table", decl.table, decl, after=len("table"), definition=declares)
                # a merged table's 'where' and 'per' name columns of the table it merges
                source = getattr(getattr(decl, "definition", None), "source", None)
                self.walk(decl, (decl.table, source) if source else (decl.table,))
            case _:  # reports, labels, published tables: their measures and dimensions
                self.walk(decl, ())

    def walk(self, node: object, tables: tuple[str, ...]) -> None:
        """This node and everything under it, with the tables whose columns are in scope."""
        if isinstance(node, tuple | list):
            for item in node:
                self.walk(item, tables)
            return
        if isinstance(node, dict):
            for item in node.values():
                self.walk(item, tables)
            return
        if not isinstance(node, BaseModel):
            return
        tables = self.node(node, tables)
        for name in type(node).model_fields:
            if name != "span" and not name.endswith(("_span", "_spans")):
                self.walk(getattr(node, name), tables)

    def node(self, node: BaseModel, tables: tuple[str, ...]) -> tuple[str, ...]:
        """Record what this node names; the tables in scope for its children."""
        match node:
            case ast.NameRef():
                self._name(node, tables)
            case ast.Total() | ast.Slice() | ast.SameAs():
                self.at("measure", node.measure, node)
            case ast.InList() if node.parameter is not None:
                self.at("parameter", node.parameter, node)
            case ast.Dimension() if node.name in self.known.dimensions:
                self.at("dimension", node.name, node)
            case Series():
                self.add("measure", node.measure, _measure_span(node))
                shown = [
                    (node.by, node.by_span),
                    *zip(node.also_by, node.also_by_spans, strict=False),
                ]
                for name, span in shown:
                    if name is not None and name in self.known.dimensions:
                        self.add("dimension", name, span)
            case TextRef() if node.name in self.known.measures:
                self.at("measure", node.name, node)
            case LabelsDecl() if node.name in self.known.dimensions:
                self.add("dimension", node.name, node.name_span)
            case Additivity():
                for name, span in zip(node.over, node.over_spans, strict=False):
                    if name in self.known.dimensions:
                        self.add("dimension", name, span)
            case ast.Exists():
                self.add("table", node.table, node.table_span or self._first(node.table, node))
                return (*tables, node.table)
        table = getattr(node, "table", None)
        if isinstance(node, ast.TableAggregate) and isinstance(table, str):
            self.add("table", table, node.table_span or self._first(table, node))
        return tables

    def _first(self, name: str, node: ast.Node) -> Span | None:
        return self.text.locate(name, node.span)

    def _name(self, node: ast.NameRef, tables: tuple[str, ...]) -> None:
        name = node.name
        if name in self.known.columns(tables):
            return  # a column of a table in scope hides a parameter or measure of that name
        if name in self.known.parameters:
            self.add("parameter", name, node.span)
        elif name in self.known.measures:
            self.add("measure", name, node.span)


def _measure_span(series: Series) -> Span:
    span = series.span
    return span.model_copy(
        update={"end_line": span.line, "end_column": span.column + len(series.measure)}
    )


def _measure_tables(decl: ast.MeasureDecl) -> tuple[str, ...]:
    """The tables a measure counts in, over all its versions."""
    bodies = (decl.body, *(v.body for v in decl.versions))
    return tuple(dict.fromkeys(b.aggregate.table for b in bodies if _counts_rows(b)))


def _counts_rows(body: ast.Body) -> bool:
    return isinstance(body.aggregate, ast.TableAggregate)


@dataclass(frozen=True)
class SymbolIndex:
    """Every occurrence of every symbol in a library's files, by file name."""

    files: dict[str, tuple[Occurrence, ...]]

    @classmethod
    def of(cls, found: dict[str, Iterable[Occurrence]]) -> SymbolIndex:
        return cls({name: tuple(items) for name, items in found.items()})

    def all(self) -> Iterator[Occurrence]:
        for items in self.files.values():
            yield from items

    def definition(self, kind: Kind, name: str) -> Occurrence | None:
        return next(
            (o for o in self.all() if o.definition and o.kind == kind and o.name == name), None
        )

    def references(self, kind: Kind, name: str) -> list[Occurrence]:
        """Every occurrence of the symbol, its definition included, by file and position."""
        return [o for o in self.all() if o.kind == kind and o.name == name]


def symbol_at(index: SymbolIndex, file: str, line: int, column: int) -> Occurrence | None:
    """The occurrence under a position (1-based line and column; the column just after a
    name still counts, as an editor's cursor at a word's end)."""
    for found in index.files.get(file, ()):
        span = found.span
        if span.line == line and span.column <= column <= span.end_column:
            return found
    return None
