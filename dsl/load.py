"""load: definition files on disk (or the bundled standard library) -> a checked Library.

The stages: ``find_files`` (every .kpi file under the given paths), ``read_file`` (UTF-8,
with or without a byte order mark), ``parse`` per file, ``with_standard_rules`` (the
standard table rules join a user's own files) and ``resolve``.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from maatstaf.dsl.ast import DefinitionFile
from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span
from maatstaf.dsl.model import Library
from maatstaf.dsl.parser import parse
from maatstaf.dsl.resolve import resolve
from maatstaf.dsl.schema import Schema, canonical_schema
from maatstaf.dsl.standard import STANDARD_RULES, library_notes, with_standard_rules

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
    if problems:
        raise DefinitionError(problems)
    return found


def read_file(path: Path, name: str) -> str:
    """The text of a definition file; a byte order mark (Notepad) is dropped."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        target = path.readlink() if path.is_symlink() else None
        where = f" ({target})" if target is not None else ""
        message = f"{name}: a link to a file that does not exist{where}"
        raise DefinitionError([Diagnostic(message=message, hint="Remove the link.")]) from None
    except OSError as exc:
        message = f"{name}: cannot be read ({exc.strerror or exc})"
        raise DefinitionError([Diagnostic(message=message)]) from None
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


def load_library(
    paths: Sequence[Path] | None = None,
    schema: Schema | None = None,
    *,
    standard_rules: bool = True,
) -> Library:
    """Parse and resolve definition files, reporting every problem in every file at once.

    Without paths: the bundled standard library. With paths: those files, joined (unless
    ``standard_rules`` is False) by the standard table rules with the parameters and
    dimensions next to them; a user's own 'table' block, parameter or dimension of the
    same name replaces the standard one.
    """
    files = find_files(paths or [bundled_definitions()])
    if not files:
        raise DefinitionError(
            [Diagnostic(message=f"no {SUFFIX} files in {', '.join(map(str, paths or []))}")]
        )
    standard = _standard_files(files) if paths and standard_rules else []
    parsed, sources, problems = _parse_all([*files, *standard])
    own = [f for f in parsed if f.path not in {n for _, n in standard}]
    added = [f for f in parsed if f.path in {n for _, n in standard}]
    merged, replaced = with_standard_rules(own, added)
    try:
        library = resolve(merged, sources, schema or canonical_schema())
    except DefinitionError as exc:
        problems.extend(exc.diagnostics)
    if problems:
        raise DefinitionError(problems)
    if not paths:
        return library
    kept = {f.path for f in merged if f.declarations}
    notes = library_notes(
        [n for _, n in standard if n in kept],
        replaced,
        measures_loaded=_has_bundled_measures(files),
        bundled=bundled_definitions(),
    )
    return library.model_copy(update={"notes": notes})


def _parse_all(
    files: list[tuple[Path, str]],
) -> tuple[list[DefinitionFile], dict[str, str], list[Diagnostic]]:
    parsed: list[DefinitionFile] = []
    sources: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for path, name in files:
        try:
            text = read_file(path, name)
            sources[name] = text
            parsed.append(parse(text, name))
        except DefinitionError as exc:
            problems.extend(exc.diagnostics)
    return parsed, sources, problems


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


def _has_bundled_measures(files: list[tuple[Path, str]]) -> bool:
    root = bundled_definitions().resolve()
    return any(
        path.resolve().is_relative_to(root) and path.name not in STANDARD_RULES for path, _ in files
    )
