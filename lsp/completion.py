"""completion: what may be written at the cursor.

After ``name.``: the columns of that table, of the table an alias stands for (``count
toewijzingen as t`` ... ``t.``), or of the table a link leads to (``toewijzing.`` in
declaraties), and the measures whose id goes on from there (``wmo.``). Elsewhere: the
language's keywords, the library's measures, parameters, dimensions and tables, and the
columns of the tables the declaration around the cursor names. Worked out from the text,
so that it works while the file does not parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from maatstaf.dsl.schema import Table
from maatstaf.dsl.syntax import KEYWORDS
from maatstaf.lsp.analysis import Analysis

ItemKind = Literal["keyword", "measure", "parameter", "dimension", "table", "column"]
# the word being typed: a name, perhaps with dotted parts, perhaps ending in '.'
_TYPED = re.compile(r"[a-zA-Z_][a-zA-Z0-9_.]*$")
_DECLARATION = re.compile(
    r"^(measure|parameter|dimension|table|report|labels|published)\b", re.MULTILINE
)
_ALIAS = re.compile(r"\b([a-zA-Z_][a-zA-Z0-9_]*)\s+as\s+([a-zA-Z_][a-zA-Z0-9_]*)")


@dataclass(frozen=True)
class Item:
    """One completion: what is inserted, what kind of thing it is, a short description,
    and from which column (1-based, in characters) of the line it replaces the text."""

    label: str
    kind: ItemKind
    detail: str
    start: int


def complete(analysis: Analysis, text: str, line: int, column: int) -> list[Item]:
    """The completions at a position (1-based line and column) of a document's text."""
    lines = text.split("\n")
    before = lines[line - 1][: column - 1] if line <= len(lines) else ""
    typed = _TYPED.search(before)
    word = typed.group() if typed else ""
    start = column - len(word)
    block = _block(text, _offset(lines, line, column))
    if "." in word:
        qualifier, _, _ = word.rpartition(".")
        return _qualified(analysis, block, qualifier, start, column - len(word.rpartition(".")[2]))
    return [
        *_everything(analysis, start),
        *_columns_of(analysis, _tables_in(analysis, block), start),
    ]


def _offset(lines: list[str], line: int, column: int) -> int:
    return sum(len(text) + 1 for text in lines[: line - 1]) + column - 1


def _block(text: str, offset: int) -> str:
    """The declaration the offset lies in: from the last declaration keyword at a line's
    start before it up to the next one."""
    starts = [m.start() for m in _DECLARATION.finditer(text)]
    begin = max((s for s in starts if s <= offset), default=0)
    end = min((s for s in starts if s > offset), default=len(text))
    return text[begin:end]


def _tables_in(analysis: Analysis, block: str) -> list[Table]:
    words = set(re.findall(r"[a-zA-Z_][a-zA-Z0-9_]*", block))
    return [t for t in analysis.schema.tables if t.name in words]


def _qualified(
    analysis: Analysis, block: str, qualifier: str, word_start: int, part_start: int
) -> list[Item]:
    measures = [
        Item(m, "measure", _measure_label(analysis, m), word_start)
        for m in sorted(analysis.known.measures)
        if m.startswith(qualifier + ".")
    ]
    table = _table_of(analysis, block, qualifier)
    columns = _columns_of(analysis, [table], part_start) if table is not None else []
    return [*columns, *measures]


def _table_of(analysis: Analysis, block: str, qualifier: str) -> Table | None:
    """The table a qualifier names: a table, an alias in the declaration, or a link of a
    table the declaration names."""
    schema = analysis.schema
    table = schema.table(qualifier)
    if table is not None:
        return table
    aliases = {alias: name for name, alias in _ALIAS.findall(block)}
    if qualifier in aliases:
        return schema.table(aliases[qualifier])
    for named in _tables_in(analysis, block):
        link = named.link(qualifier)
        if link is not None:
            return schema.table(link.table)
    return None


def _columns_of(analysis: Analysis, tables: list[Table], start: int) -> list[Item]:
    items: dict[str, Item] = {}
    for table in tables:
        for column in table.columns:
            detail = f"{column.type} column of {table.name}"
            items.setdefault(column.name, Item(column.name, "column", detail, start))
        for link in table.links:
            detail = f"link of {table.name} to {link.table}"
            items.setdefault(link.name, Item(link.name, "column", detail, start))
    return list(items.values())


def _everything(analysis: Analysis, start: int) -> list[Item]:
    known = analysis.known
    items = [Item(k, "keyword", "keyword", start) for k in KEYWORDS]
    items += [
        Item(m, "measure", _measure_label(analysis, m), start) for m in sorted(known.measures)
    ]
    items += [Item(p, "parameter", "parameter", start) for p in sorted(known.parameters)]
    items += [Item(d, "dimension", "dimension", start) for d in sorted(known.dimensions)]
    items += [
        Item(t.name, "table", t.description or "table", start) for t in analysis.schema.tables
    ]
    return items


def _measure_label(analysis: Analysis, measure: str) -> str:
    library = analysis.library
    if library is not None and measure in library.measures:
        return library.measures[measure].versions[-1].label
    return "measure"
