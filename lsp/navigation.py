"""navigation: go to definition, find references and rename, across a library's files.

Results are spans in the library's files (by the names shown in messages); the server
turns them into protocol locations. A standard table is declared in the standard
library's ``standaardtabellen.kpi``: its definition is the name in that block, also when
the library in effect leaves the file out (a project without the standard library).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from maatstaf.dsl.errors import DefinitionError, Span
from maatstaf.dsl.load import bundled_definitions
from maatstaf.dsl.schema import CANONICAL_FILE
from maatstaf.dsl.syntax import KEYWORDS
from maatstaf.lsp.analysis import Analysis
from maatstaf.lsp.symbols import NAME, Occurrence, symbol_at


class RenameRefused(Exception):
    """A rename that cannot be done, with the reason shown to the user."""


@dataclass(frozen=True)
class Place:
    """A span in a file that may lie outside the library's files (the standard tables)."""

    path: Path
    span: Span


def definition(analysis: Analysis, file: str, line: int, column: int) -> Place | None:
    found = symbol_at(analysis.index, file, line, column)
    if found is None:
        return None
    own = analysis.index.definition(found.kind, found.name)
    if own is not None:
        return Place(analysis.paths[own.span.file], own.span)
    if found.kind == "table":
        return _schema_place(found.name)
    return None


def _schema_place(table: str) -> Place | None:
    """Where the standard library declares a standard table: the table's name in its block
    of ``standaardtabellen.kpi``."""
    from maatstaf.dsl.parser import parse
    from maatstaf.dsl.table_decl import declared_tables

    path = bundled_definitions() / CANONICAL_FILE
    try:
        parsed = parse(path.read_text("utf-8"), str(path))
    except (OSError, DefinitionError):
        return None
    for decl in declared_tables([parsed]):
        if decl.table == table and not decl.extends:
            return Place(path, decl.spans["name"])
    return None


def references(
    analysis: Analysis, file: str, line: int, column: int, *, declaration: bool = True
) -> list[Occurrence]:
    """Every occurrence of the symbol under a position, in every file of the library."""
    found = symbol_at(analysis.index, file, line, column)
    if found is None:
        return []
    every = analysis.index.references(found.kind, found.name)
    return [o for o in every if declaration or not o.definition]


def renamable(analysis: Analysis, file: str, line: int, column: int) -> Occurrence:
    """The measure under a position that may be renamed from this file; else refused."""
    found = symbol_at(analysis.index, file, line, column)
    if found is None:
        raise RenameRefused("place the cursor on a measure's id to rename it")
    if found.kind != "measure":
        raise RenameRefused(
            f"'{found.name}' is a {found.kind}; only a measure can be renamed across files"
        )
    own = analysis.index.definition("measure", found.name)
    if own is None:
        raise RenameRefused(f"measure '{found.name}' is not defined in these files")
    bundled = bundled_definitions().resolve()
    home = analysis.paths[file].resolve()
    if analysis.paths[own.span.file].resolve().is_relative_to(bundled) and not (
        home.is_relative_to(bundled)
    ):
        raise RenameRefused(
            f"'{found.name}' is a measure of the standard library ({own.span}); copy it into "
            "your own definitions under a new id instead"
        )
    return found


def rename(
    analysis: Analysis, file: str, line: int, column: int, new: str
) -> dict[str, list[Span]]:
    """The spans to replace by the new id, by file; refused with a reason where the new id
    is not a name, or names a measure or parameter that exists."""
    found = renamable(analysis, file, line, column)
    problem = _bad_id(analysis, found.name, new)
    if problem is not None:
        raise RenameRefused(problem)
    spans: dict[str, list[Span]] = {}
    for occurrence in analysis.index.references("measure", found.name):
        spans.setdefault(occurrence.span.file, []).append(occurrence.span)
    return spans


def _bad_id(analysis: Analysis, old: str, new: str) -> str | None:
    if new == old:
        return f"'{new}' is the measure's id already"
    if not NAME.fullmatch(new):
        return (
            f"'{new}' is not a measure id: write letters, digits and '_', with '.' between "
            "parts (wmo.instroom)"
        )
    reserved = [part for part in new.split(".") if part in KEYWORDS]
    if reserved:
        return f"'{new}' cannot be a measure id: '{reserved[0]}' is a word of the language"
    for kind, names in (
        ("measure", analysis.known.measures),
        ("parameter", analysis.known.parameters),
        ("dimension", analysis.known.dimensions),
    ):
        if new in names:
            where = analysis.index.definition(kind, new)  # type: ignore[arg-type]
            at = f" ({where.span})" if where is not None else ""
            return f"a {kind} named '{new}' exists already{at}; choose another id"
    return None
