"""load: definition files on disk (or the bundled standard library) -> a checked Library."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from maatstaf.dsl.ast import DefinitionFile
from maatstaf.dsl.errors import DefinitionError, Diagnostic
from maatstaf.dsl.model import Library
from maatstaf.dsl.parser import parse
from maatstaf.dsl.resolve import resolve
from maatstaf.dsl.schema import Schema, canonical_schema

SUFFIX = ".kpi"


def bundled_definitions() -> Path:
    """The folder of the standard library shipped inside the package."""
    return Path(str(resources.files("maatstaf.definitions")))


def find_files(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """Every .kpi file under the given files and folders, with the name shown in messages."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            root_name = (
                "definitions" if path.resolve() == bundled_definitions().resolve() else str(path)
            )
            for file in sorted(path.rglob(f"*{SUFFIX}")):
                found.append((file, f"{root_name}/{file.relative_to(path).as_posix()}"))
        elif path.is_file():
            found.append((path, str(path)))
        else:
            raise DefinitionError([Diagnostic(message=f"{path}: no such file or folder")])
    return found


def load_library(paths: Sequence[Path] | None = None, schema: Schema | None = None) -> Library:
    """Parse and resolve definition files, reporting every problem in every file at once."""
    files = find_files(paths or [bundled_definitions()])
    if not files:
        raise DefinitionError(
            [Diagnostic(message=f"no {SUFFIX} files in {', '.join(map(str, paths or []))}")]
        )
    parsed: list[DefinitionFile] = []
    sources: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for path, name in files:
        text = path.read_text(encoding="utf-8")
        sources[name] = text
        try:
            parsed.append(parse(text, name))
        except DefinitionError as exc:
            problems.extend(exc.diagnostics)
    try:
        library = resolve(parsed, sources, schema or canonical_schema())
    except DefinitionError as exc:
        problems.extend(exc.diagnostics)
    if problems:
        raise DefinitionError(problems)
    return library
