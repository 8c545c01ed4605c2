"""load: definition files on disk (or the bundled standard library) -> a checked Library.

The stages: ``find_files`` (every .kpi file under the given paths), ``read_all`` (their
bytes), then, unless the cache holds the library built from exactly those bytes,
``decode`` (UTF-8, with or without a byte order mark), ``parse`` per file,
``apply_overrides`` (a measure defined again replaces the earlier one only with
``overrides``), ``with_standard_rules`` (the standard table rules join a user's own files) and ``resolve``.
The parser (Lark) and the resolver (networkx) are imported only when a library is built.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from maatstaf.dsl.cache import LibraryCache, Source, library_key
from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span
from maatstaf.dsl.model import Library
from maatstaf.dsl.schema import canonical_source
from maatstaf.dsl.standard import STANDARD_RULES, library_notes, with_standard_rules

if TYPE_CHECKING:
    from maatstaf.dsl.ast import DefinitionFile
    from maatstaf.dsl.schema import Schema

SUFFIX = ".kpi"


def bundled_definitions() -> Path:
    """The folder of the standard library shipped inside the package."""
    return Path(str(resources.files("maatstaf.definitions")))


def find_files(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """Every .kpi file under the given files and folders, with the name shown in messages.
    A folder whose name ends in .kpi is searched, not read; a link to nothing is an error."""
    found: list[tuple[Path, str]] = []
    problems: list[Diagnostic] = []
    for path in paths:
        before = len(found)
        if path.is_dir():
            root_name = (
                "definitions" if path.resolve() == bundled_definitions().resolve() else str(path)
            )
            for file in sorted(path.rglob(f"*{SUFFIX}")):
                if file.is_dir():
                    continue  # its .kpi files are found on their own
                found.append((file, f"{root_name}/{file.relative_to(path).as_posix()}"))
        elif path.is_file() or path.is_symlink():
            found.append((path, str(path)))
        else:
            problems.append(Diagnostic(message=f"{path}: no such file or folder"))
        earlier = found[:before]
        seen = {f.resolve() for f, _ in earlier}  # a file given twice is read once
        taken = {name for _, name in earlier}  # a name shown twice: the full path
        found[before:] = [
            (f, _distinct(f) if n in taken else n)
            for f, n in found[before:]
            if f.resolve() not in seen
        ]
    if problems:
        raise DefinitionError(problems)
    return found


def _distinct(file: Path) -> str:
    """A name for a file whose usual name another file has (a project's own
    definitions/wmo/instroom.kpi next to the standard one): ./ and the path from the current
    folder, or the absolute path."""
    relative = os.path.relpath(file)
    return str(file.resolve()) if relative.startswith("..") else f"./{Path(relative).as_posix()}"


def read_file(path: Path, name: str) -> str:
    """The text of a definition file; a byte order mark (Notepad) is dropped."""
    return decode(read_bytes(path, name), name)


def read_bytes(path: Path, name: str) -> bytes:
    """The bytes of a definition file; a file that cannot be read is a diagnostic."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        target = path.readlink() if path.is_symlink() else None
        where = f" ({target})" if target is not None else ""
        message = f"{name}: a link to a file that does not exist{where}"
        raise DefinitionError([Diagnostic(message=message, hint="Remove the link.")]) from None
    except OSError as exc:
        message = f"{name}: cannot be read ({exc.strerror or exc})"
        raise DefinitionError([Diagnostic(message=message)]) from None


def decode(data: bytes, name: str) -> str:
    """The text of a definition file's bytes; a byte order mark (Notepad) is dropped."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DefinitionError([_not_utf8(data, exc, name)]) from None


def _not_utf8(data: bytes, exc: UnicodeDecodeError, name: str) -> Diagnostic:
    line_start = data.rfind(b"\n", 0, exc.start) + 1
    line_end = data.find(b"\n", exc.start)
    line = data[line_start : None if line_end < 0 else line_end].decode("utf-8", "replace")
    column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
    number = data.count(b"\n", 0, exc.start) + 1
    bad = data[exc.start : exc.end].hex(" ")
    return Diagnostic(
        message=f"this file is not valid UTF-8 (byte {bad})",
        span=Span(file=name, line=number, column=column, end_line=number, end_column=column + 1),
        hint="It was probably saved as Windows-1252 or Latin-1: open it in an editor and "
        "save it as UTF-8.",
        source_line=line,
    )


@dataclass(frozen=True)
class Plan:
    """The files a library is built from: those under the given paths, the standard rule
    files they lack, which of all these are standard rule files (a user's own 'table'
    block, parameter or dimension replaces theirs), and whether the standard measures are
    among them."""

    files: list[tuple[Path, str]]
    standard: list[tuple[Path, str]]
    rules: set[str]
    measures_loaded: bool


def plan_files(paths: Sequence[Path] | None, *, standard_rules: bool = True) -> Plan:
    """What ``load_library`` reads for these paths (without any: the standard library)."""
    files = find_files(paths or [bundled_definitions()])
    standard = _standard_files(files) if paths and standard_rules else []
    # the standard rule files, also when given with the standard library's folder (as in a
    # project): a 'table' block, parameter or dimension of the user's own replaces theirs
    rules = (
        {n for p, n in [*files, *standard] if _is_standard_rule(p)}
        if paths and standard_rules
        else set()
    )
    return Plan(files, standard, rules, not paths or _has_bundled_measures(files))


def load_library(
    paths: Sequence[Path] | None = None,
    schema: Schema | None = None,
    *,
    standard_rules: bool = True,
    cache: LibraryCache | None = None,
) -> Library:
    """Parse and resolve definition files, reporting every problem in every file at once.

    Without paths: the bundled standard library. With paths: those files, joined (unless
    ``standard_rules`` is False) by the standard table rules with the parameters and
    dimensions next to them; a user's own 'table' block, parameter or dimension of the
    same name replaces the standard one.

    With a cache (and the canonical schema): the library built earlier from the very same
    bytes, when there is one; a library built now is stored there.
    """
    plan = plan_files(paths, standard_rules=standard_rules)
    files, standard = plan.files, plan.standard
    if not files:
        raise DefinitionError(
            [Diagnostic(message=f"no {SUFFIX} files in {', '.join(map(str, paths or []))}")]
        )
    sources, problems = read_all([*files, *standard])
    key = None
    if cache is not None and schema is None and not problems:
        options = f"paths={bool(paths)} standard_rules={standard_rules} {bundled_definitions()}"
        key = library_key(sources, options, canonical_source())
        if (cached := cache.get(key)) is not None:
            return cached
    measures_loaded, rules = plan.measures_loaded, plan.rules
    library, replaced, kept = _build(sources, problems, rules, schema, measures_loaded)
    if paths:
        notes = library_notes(
            [n for _, n in standard if n in kept],
            replaced,
            measures_loaded=measures_loaded,
            bundled=bundled_definitions(),
        )
        library = library.model_copy(update={"notes": notes + library.notes})
    if cache is not None and key is not None:
        cache.put(key, library)
    return library


def read_all(files: list[tuple[Path, str]]) -> tuple[list[Source], list[Diagnostic]]:
    """The bytes of every file, and a diagnostic for each that cannot be read."""
    sources: list[Source] = []
    problems: list[Diagnostic] = []
    for path, name in files:
        try:
            sources.append(Source(name, path, read_bytes(path, name)))
        except DefinitionError as exc:
            problems.extend(exc.diagnostics)
    return sources, problems


def _build(
    sources: list[Source],
    problems: list[Diagnostic],
    standard: set[str],
    schema: Schema | None,
    standard_measures_loaded: bool = True,
) -> tuple[Library, list[str], set[str]]:
    """The checked library; with what of the standard rules the user's files replace, and
    which files kept declarations (for the notes)."""
    texts: list[TextSource] = []
    problems = list(problems)
    for source in sources:
        try:
            texts.append(TextSource(source.name, source.path, decode(source.data, source.name)))
        except DefinitionError as exc:
            problems.extend(exc.diagnostics)
    built = build_library(
        texts,
        problems,
        standard=standard,
        schema=schema,
        standard_measures_loaded=standard_measures_loaded,
    )
    if built.library is None:
        raise DefinitionError(built.problems)
    return built.library, built.replaced, built.kept


@dataclass(frozen=True)
class TextSource:
    """One definition file as text (read from disk, or an editor's unsaved buffer)."""

    name: str  # as shown in messages
    path: Path
    text: str


@dataclass(frozen=True)
class Built:
    """What ``build_library`` made: the library (None when there is any error), every
    problem, and the parts an editor needs also when there are errors."""

    library: Library | None
    problems: tuple[Diagnostic, ...]
    files: tuple[DefinitionFile, ...]  # in effect: overrides and replaced rules left out
    texts: dict[str, str]  # by the name shown in messages
    schema: Schema  # the canonical tables with those the files declare
    replaced: list[str]  # what of the standard rules the user's files replace
    kept: set[str]  # the files that kept declarations


def build_library(
    sources: Sequence[TextSource],
    problems: Sequence[Diagnostic] = (),
    *,
    standard: Set[str] = frozenset(),
    schema: Schema | None = None,
    standard_measures_loaded: bool = True,
    parse: Callable[[str, str], DefinitionFile] | None = None,
) -> Built:
    """The library of definition texts already in memory, as ``load_library`` builds it
    from files: parse each text, ``apply_overrides``, ``with_standard_rules`` (``standard``:
    the names of the standard rule files among the sources), the declared tables, then
    ``resolve``. Every problem is collected, none raised. ``parse(text, name)`` may be a
    cache (an editor reparses only the file that changed)."""
    from maatstaf.dsl.errors import with_source
    from maatstaf.dsl.merged_table import check_merged
    from maatstaf.dsl.overrides import apply_overrides
    from maatstaf.dsl.resolve import resolve
    from maatstaf.dsl.schema import canonical_schema
    from maatstaf.dsl.table_decl import library_schema, without_unknown_extensions

    if parse is None:
        from maatstaf.dsl.parser import parse
    found = list(problems)
    parsed: list[DefinitionFile] = []
    texts: dict[str, str] = {}
    for source in sources:
        texts[source.name] = source.text
        try:
            parsed.append(parse(source.text, source.name))
        except DefinitionError as exc:
            found.extend(exc.diagnostics)
    overridden = apply_overrides(parsed, standard_measures_loaded=standard_measures_loaded)
    found.extend(with_source(d, texts) for d in overridden.problems)
    own = [f for f in overridden.files if f.path not in standard]
    added = [f for f in overridden.files if f.path in standard]
    merged, replaced = with_standard_rules(own, added)
    # the tables the files declare join the canonical ones before anything is checked
    base = schema or canonical_schema()
    full, declared = library_schema(merged, base)
    found.extend(with_source(d, texts) for d in declared)
    merged = without_unknown_extensions(merged, full, base)  # said once, by library_schema
    library: Library | None = None
    try:
        library = resolve(merged, texts, full)
    except DefinitionError as exc:
        found.extend(exc.diagnostics)
    else:  # the names merged tables use, against the tables they merge (dsl/merged_table.py)
        assert library is not None
        found.extend(
            with_source(d, texts)
            for d in check_merged(full, library.dimensions, library.parameters)
        )
    if found:
        library = None
    elif library is not None:
        library = library.model_copy(update={"data_schema": full, "notes": overridden.notes})
    kept = {f.path for f in merged if f.declarations}
    return Built(library, tuple(found), tuple(merged), texts, full, replaced, kept)


def _standard_files(files: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """The standard rule files the user's paths do not already include."""
    given = {path.resolve() for path, _ in files}
    names = {name for _, name in files}
    root = bundled_definitions()
    return [
        (root / file, name if (name := f"definitions/{file}") not in names else str(root / file))
        for file in STANDARD_RULES
        if (root / file).resolve() not in given
    ]


def _is_standard_rule(path: Path) -> bool:
    root = bundled_definitions().resolve()
    return path.name in STANDARD_RULES and path.resolve().parent == root


def _has_bundled_measures(files: list[tuple[Path, str]]) -> bool:
    root = bundled_definitions().resolve()
    return any(
        path.resolve().is_relative_to(root) and path.name not in STANDARD_RULES for path, _ in files
    )
