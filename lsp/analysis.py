"""analysis: the definition files an open document belongs to -> diagnostics and symbols.

A document is checked in the context of its library, the one ``maatstaf check`` would
load for it. In a project (a ``maatstaf.yaml`` in the document's folder or above it, or
the one ``MAATSTAF_PROJECT`` names): the standard library (unless the project says
``standard_library: false``) and the project's definition folders in order; a document
outside those folders joins them, as ``maatstaf check <folders> <document>`` would read it.
Outside a project: the standard library and the folder of definitions the document lies
in (the nearest folder named ``definitions`` above it, else its own folder). The unsaved
text of open documents replaces the files on disk. The library is built by
``maatstaf.dsl.load.build_library``, the same code ``check`` runs (overrides, the standard
table rules, declared tables, ``resolve``), with each file parsed once per text
(``ParseCache``); ``check``'s grain warnings show as warnings.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from maatstaf.dsl import ast
from maatstaf.dsl.errors import DefinitionError, Diagnostic
from maatstaf.dsl.load import (
    SUFFIX,
    TextSource,
    build_library,
    bundled_definitions,
    decode,
    plan_files,
    read_bytes,
)
from maatstaf.dsl.model import Library
from maatstaf.dsl.schema import Schema
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

    def parser(self, text: str, name: str) -> ast.DefinitionFile:
        """``parse(text, name)`` through the cache: the tree, or the DefinitionError."""
        found = self.parse(name, text)
        if found.file is None:
            raise DefinitionError(found.diagnostics)
        return found.file


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
    """The folder of definitions a document outside a project belongs to (see the module's
    docstring)."""
    folder = document.parent
    for candidate in (folder, *folder.parents):
        if candidate.name == FOLDER:
            return candidate
    return folder


@dataclass(frozen=True)
class Context:
    """The files of a document's library, in reading order, with the names shown in
    messages; which of them are standard rule files; whether the standard measures are
    among them; and the project file's errors when it has any (the library is then the
    one outside a project)."""

    files: tuple[tuple[Path, str], ...]
    rules: frozenset[str] = frozenset()
    measures_loaded: bool = True
    problems: tuple[Diagnostic, ...] = ()
    project: Path | None = None  # the project file in effect

    @property
    def key(self) -> tuple:
        return (tuple(p for p, _ in self.files), self.rules, self.measures_loaded, self.problems)


def context(
    document: Path,
    open_paths: frozenset[Path] = frozenset(),
    environ: Mapping[str, str] | None = None,
) -> Context:
    """The library a document belongs to: its project's, else today's folder rule; with
    the open documents of that library not yet on disk."""
    document = document.absolute()
    roots, project, problems = _project_roots(document, environ)
    if project is None:
        bundled = bundled_definitions().resolve()
        root = context_root(document.resolve())
        inside = root.is_relative_to(bundled) or not root.is_dir()
        roots = [bundled] if inside else [bundled, root]
    plan = plan_files(roots)
    files = list(plan.files)
    known = {p.resolve() for p, _ in [*files, *plan.standard]}
    folders = [r.resolve() for r in roots if r.is_dir()]
    for path in sorted(open_paths | {document}):
        resolved = path.resolve()
        if resolved in known or resolved.suffix != SUFFIX:
            continue
        if resolved == document.resolve() or any(resolved.is_relative_to(f) for f in folders):
            files.append((path, str(path)))
            known.add(resolved)
    return Context(
        files=(*files, *plan.standard),
        rules=frozenset(plan.rules),
        measures_loaded=plan.measures_loaded,
        problems=problems,
        project=project,
    )


def _project_roots(
    document: Path, environ: Mapping[str, str] | None
) -> tuple[list[Path], Path | None, tuple[Diagnostic, ...]]:
    """The definition paths of the document's project (the standard library first unless
    it says otherwise), the project file; or no project, with its file's errors."""
    from maatstaf.project import find_project

    try:
        file = find_project(document.parent, environ)
        if file is None:
            return [], None, ()
        project = _load_project(file)
    except DefinitionError as exc:
        return [], None, tuple(exc.diagnostics)
    bundled = [bundled_definitions().resolve()] if project.config.standard_library else []
    return [*bundled, *project.definition_paths], project.file, ()


_projects: dict[tuple[Path, int, int], object] = {}


def _load_project(file: Path):
    """The checked project in that file, read again only when the file changed."""
    from maatstaf.project import load_project

    stat = file.stat()
    key = (file.resolve(), stat.st_mtime_ns, stat.st_size)
    found = _projects.get(key)
    if found is None:
        found = load_project(file)
        _projects.clear()  # one project per file is current
        _projects[key] = found
    return found


def analyse(ctx: Context, unsaved: Mapping[Path, str], cache: ParseCache) -> Analysis:
    """Build the library (through the parse cache) as ``check`` does; collect every
    problem, and the symbols of the definitions in effect."""
    sources, read = _texts(list(ctx.files), {p.resolve(): t for p, t in unsaved.items()})
    built = build_library(
        sources,
        read,
        standard=ctx.rules,
        standard_measures_loaded=ctx.measures_loaded,
        parse=cache.parser,
    )
    problems: list[tuple[Diagnostic, Severity]] = [(d, "error") for d in ctx.problems]
    problems.extend((d, "error") for d in built.problems)
    library = built.library
    if library is not None:
        from maatstaf.dsl.check_grains import grain_warnings
        from maatstaf.dsl.errors import with_source

        found = grain_warnings(library)
        problems.extend((with_source(w, built.texts), "warning") for w in found)
    files = {f.path: f for f in built.files if f.path in built.texts}
    known = _known(files.values(), built.schema)
    index = SymbolIndex.of({n: occurrences(f, built.texts[n], known) for n, f in files.items()})
    return Analysis(
        paths={name: path for path, name in ctx.files if name in built.texts},
        texts=built.texts,
        files=files,
        problems=tuple(problems),
        library=library,
        schema=built.schema,
        known=known,
        index=index,
    )


def _texts(
    files: list[tuple[Path, str]], unsaved: dict[Path, str]
) -> tuple[list[TextSource], list[Diagnostic]]:
    sources: list[TextSource] = []
    problems: list[Diagnostic] = []
    for path, name in files:
        try:
            text = unsaved.get(path.resolve())
            text = text if text is not None else decode(read_bytes(path, name), name)
            sources.append(TextSource(name, path, text))
        except DefinitionError as exc:
            problems.extend(exc.diagnostics)
    return sources, problems


def _known(files, schema: Schema) -> Known:
    decls = [d for f in files for d in f.declarations]
    return Known(
        measures=frozenset(d.id for d in decls if isinstance(d, ast.MeasureDecl)),
        parameters=frozenset(d.name for d in decls if isinstance(d, ast.ParameterDecl)),
        dimensions=frozenset(d.name for d in decls if isinstance(d, ast.DimensionDecl)),
        schema=schema,
    )
