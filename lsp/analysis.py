"""analysis: the definition files an open document belongs to -> diagnostics and symbols.

A document is checked in the context of its library: the standard library and the folder
of definitions it lies in (the nearest folder named ``definitions`` above it, else its own
folder). The unsaved text of open documents replaces the files on disk. Each file is
parsed once per text (``ParseCache``); the library is then resolved as ``maatstaf check``
resolves it (``maatstaf.dsl.load``: declared tables join the schema, then ``resolve``), so
the editor shows the same positioned errors, and ``check``'s grain warnings as warnings.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from maatstaf.dsl import ast
from maatstaf.dsl.errors import DefinitionError, Diagnostic, with_source
from maatstaf.dsl.load import SUFFIX, bundled_definitions, decode, find_files, read_bytes
from maatstaf.dsl.model import Library
from maatstaf.dsl.schema import Schema, canonical_schema
from maatstaf.lsp.symbols import Known, SymbolIndex, occurrences

Severity = Literal["error", "warning"]
FOLDER = "definitions"  # a folder of this name holds a project's definitions


@dataclass(frozen=True)
class Parsed:
    """One file's syntax tree, or the diagnostics that kept it from parsing."""

    file: ast.DefinitionFile | None
    diagnostics: tuple[Diagnostic, ...] = ()


class ParseCache:
    """Parsed files by name and text: a keystroke reparses one file, not the library."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[str, str], Parsed] = OrderedDict()

    def parse(self, name: str, text: str) -> Parsed:
        from maatstaf.dsl.parser import parse

        key = (name, hashlib.sha256(text.encode()).hexdigest())
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
            return found
        try:
            parsed = Parsed(parse(text, name))
        except DefinitionError as exc:
            parsed = Parsed(None, exc.diagnostics)
        self.entries[key] = parsed
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return parsed


@dataclass(frozen=True)
class Analysis:
    """What the editor knows about one library: its files, problems and symbols."""

    paths: dict[str, Path]  # file name as in messages -> where it lies
    texts: dict[str, str]
    files: dict[str, ast.DefinitionFile]  # the files that parse
    problems: tuple[tuple[Diagnostic, Severity], ...]
    library: Library | None  # None while the library has errors
    schema: Schema
    known: Known
    index: SymbolIndex

    def name_of(self, path: Path) -> str | None:
        resolved = path.resolve()
        return next((n for n, p in self.paths.items() if p.resolve() == resolved), None)

    def by_file(self) -> dict[str | None, list[tuple[Diagnostic, Severity]]]:
        """The problems by the file they stand in (None: a problem of no one file)."""
        found: dict[str | None, list[tuple[Diagnostic, Severity]]] = {n: [] for n in self.paths}
        for diagnostic, severity in self.problems:
            span = diagnostic.span
            key = span.file if span is not None and span.file in self.paths else None
            found.setdefault(key, []).append((diagnostic, severity))
        return found

    def declarations(self, kind: type) -> list:
        return [d for f in self.files.values() for d in f.declarations if isinstance(d, kind)]


def context_root(document: Path) -> Path:
    """The folder of definitions a document belongs to (see the module's docstring)."""
    folder = document.parent
    for candidate in (folder, *folder.parents):
        if candidate.name == FOLDER:
            return candidate
    return folder


def context_files(
    document: Path, open_paths: frozenset[Path] = frozenset()
) -> list[tuple[Path, str]]:
    """The definition files of a document's library, with the names shown in messages:
    the standard library, the document's folder of definitions, and the open documents
    in that folder not yet on disk."""
    bundled = bundled_definitions().resolve()
    root = context_root(document.resolve())
    roots = [bundled] if root.is_relative_to(bundled) or not root.is_dir() else [bundled, root]
    files = find_files(roots)
    known = {p.resolve() for p, _ in files}
    for path in sorted(open_paths | {document}):
        resolved = path.resolve()
        if resolved not in known and resolved.suffix == SUFFIX and resolved.is_relative_to(root):
            files.append((path, str(path)))
            known.add(resolved)
    return files


def analyse(
    files: list[tuple[Path, str]], unsaved: Mapping[Path, str], cache: ParseCache
) -> Analysis:
    """Parse (through the cache) and resolve the files; collect every problem."""
    texts, problems = _texts(files, {p.resolve(): t for p, t in unsaved.items()})
    parsed: dict[str, ast.DefinitionFile] = {}
    for name, text in texts.items():
        result = cache.parse(name, text)
        problems.extend((d, "error") for d in result.diagnostics)
        if result.file is not None:
            parsed[name] = result.file
    library, schema, found = _resolve(list(parsed.values()), texts)
    problems.extend(found)
    known = _known(parsed.values(), schema)
    index = SymbolIndex.of({n: occurrences(f, texts[n], known) for n, f in parsed.items()})
    return Analysis(
        paths={name: path for path, name in files if name in texts},
        texts=texts,
        files=parsed,
        problems=tuple(problems),
        library=library,
        schema=schema,
        known=known,
        index=index,
    )


def _texts(
    files: list[tuple[Path, str]], unsaved: dict[Path, str]
) -> tuple[dict[str, str], list[tuple[Diagnostic, Severity]]]:
    texts: dict[str, str] = {}
    problems: list[tuple[Diagnostic, Severity]] = []
    for path, name in files:
        try:
            text = unsaved.get(path.resolve())
            texts[name] = text if text is not None else decode(read_bytes(path, name), name)
        except DefinitionError as exc:
            problems.extend((d, "error") for d in exc.diagnostics)
    return texts, problems


def _resolve(
    files: list[ast.DefinitionFile], texts: dict[str, str]
) -> tuple[Library | None, Schema, list[tuple[Diagnostic, Severity]]]:
    """The library as ``check`` builds it, or None; with its errors and warnings."""
    from maatstaf.dsl.check_grains import grain_warnings
    from maatstaf.dsl.resolve import resolve
    from maatstaf.dsl.table_decl import library_schema, without_unknown_extensions

    schema, declared = library_schema(files, canonical_schema())
    problems: list[tuple[Diagnostic, Severity]] = [
        (with_source(d, texts), "error") for d in declared
    ]
    try:
        library = resolve(without_unknown_extensions(files, schema), texts, schema)
    except DefinitionError as exc:
        problems.extend((d, "error") for d in exc.diagnostics)
        return None, schema, problems
    library = library.model_copy(update={"data_schema": schema})
    if any(severity == "error" for _, severity in problems):
        return None, schema, problems
    problems.extend((with_source(w, texts), "warning") for w in grain_warnings(library))
    return library, schema, problems


def _known(files, schema: Schema) -> Known:
    decls = [d for f in files for d in f.declarations]
    return Known(
        measures=frozenset(d.id for d in decls if isinstance(d, ast.MeasureDecl)),
        parameters=frozenset(d.name for d in decls if isinstance(d, ast.ParameterDecl)),
        dimensions=frozenset(d.name for d in decls if isinstance(d, ast.DimensionDecl)),
        schema=schema,
    )
