"""A municipality's maatstaf project: ``maatstaf.yaml``, found in the current folder or above
it (like git), read and checked with positioned errors, and what it means for the commands.

``MAATSTAF_PROJECT`` names a project file (or its folder) to use instead of searching;
``MAATSTAF_PROJECT=off`` ignores every project file. Paths in the file are relative to the
folder that holds it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from maatstaf.dsl.errors import DefinitionError, Diagnostic, did_you_mean

if TYPE_CHECKING:  # read when a project file is: finding none costs no YAML parser
    from maatstaf.project.model import ProjectFile
    from maatstaf.project.positions import Document

FILE_NAME = "maatstaf.yaml"
VARIABLE = "MAATSTAF_PROJECT"
OFF = "off"


@dataclass(frozen=True)
class Project:
    """A checked project file and the folder it lies in."""

    root: Path
    file: Path
    config: ProjectFile
    source: str | None = None  # data.source with its ${VARIABLE:-default} filled in

    def path(self, relative: str) -> Path:
        return self.root / relative

    @property
    def definition_paths(self) -> list[Path]:
        return [self.path(p) for p in self.config.definitions]

    @property
    def data_location(self) -> str | None:
        """The data source: a path (from the project's folder) or a database URL."""
        if self.source is None:
            return None
        return self.source if "://" in self.source else str(self.path(self.source))

    @property
    def mapping(self) -> Path | None:
        data = self.config.data
        return self.path(data.mapping) if data is not None and data.mapping else None

    @property
    def expected_paths(self) -> list[Path]:
        return [self.path(p) for p in self.config.expected]

    def is_data(self, location: str) -> bool:
        """Whether a --data location is the project's own source (its mapping applies)."""
        own = self.data_location
        if own is None:
            return False
        if "://" in own or "://" in location:
            return own == location
        return Path(own).resolve() == Path(location).resolve()


def find_project(
    start: Path | None = None, environ: Mapping[str, str] | None = None
) -> Path | None:
    """The project file that applies in ``start`` (the current folder): named by
    ``MAATSTAF_PROJECT``, else the nearest ``maatstaf.yaml`` in it or above it."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(VARIABLE, "").strip()
    if chosen.lower() == OFF:
        return None
    if chosen:
        path = Path(chosen).expanduser()
        path = path / FILE_NAME if path.is_dir() else path
        if not path.is_file():
            raise DefinitionError([Diagnostic(message=f"{VARIABLE}={chosen}: no such file")])
        return path
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / FILE_NAME).is_file():
            return candidate / FILE_NAME
    return None


def load_project(file: Path) -> Project:
    """The project in that file; every problem in it at once, each at its key."""
    from maatstaf.project.positions import read_document

    name = _shown(file)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([Diagnostic(message=f"{name}: cannot be read ({exc})")]) from None
    document = read_document(text, name)
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        raise DefinitionError(
            [document.diagnostic("a project file is a mapping of keys (name:, data:, ...)", ())]
        )
    config = _validated(document, data)
    source, problems = _expanded(config, document)
    project = Project(file.parent.resolve(), file.resolve(), config, source)
    problems += _missing_files(project, document)
    if problems:
        raise DefinitionError(problems)
    return project


def _validated(document: Document, data: dict) -> ProjectFile:
    from pydantic import ValidationError

    from maatstaf.project.model import ProjectFile

    try:
        return ProjectFile.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(document, e) for e in exc.errors()]
        problems.sort(key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0))
        raise DefinitionError(problems) from None


def _problem(document: Document, error: dict) -> Diagnostic:
    from maatstaf.project.model import known_keys

    location = tuple(p for p in error["loc"] if not str(p).startswith(("function-", "literal[")))
    key = ".".join(map(str, location)) or "the file"
    if error["type"] == "extra_forbidden":
        allowed = known_keys(location[:-1])
        hint = did_you_mean(str(location[-1]), allowed) or (
            f"Known keys here: {', '.join(allowed)}." if allowed else None
        )
        return document.diagnostic(f"unknown key '{key}'", location, key=True, hint=hint)
    if error["type"] == "missing":
        return document.diagnostic(f"'{key}' is missing", location[:-1], key=True)
    message = str(error["msg"]).removeprefix("Value error, ")
    return document.diagnostic(f"{key}: {message}", location)


_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def _expanded(config: ProjectFile, document: Document) -> tuple[str | None, list[Diagnostic]]:
    """data.source with every ${VARIABLE} or ${VARIABLE:-default} filled in from the
    environment (an empty variable takes the default); one without a value is an error."""
    if config.data is None:
        return None, []
    unset: list[str] = []

    def value(match: re.Match[str]) -> str:
        found = os.environ.get(match[1], "")
        if not found and match[2] is None:
            unset.append(match[1])
        return found or (match[2] or "")

    source = _VARIABLE.sub(value, config.data.source)
    problems = [
        document.diagnostic(
            f"data.source: the environment variable {name} is not set",
            ("data", "source"),
            hint=f"Set it, or give a default: ${{{name}:-data}}.",
        )
        for name in unset
    ]
    return source, problems


def _missing_files(project: Project, document: Document) -> list[Diagnostic]:
    """Definition folders and the mapping must exist; the data may be written later."""
    problems = []
    for number, relative in enumerate(project.config.definitions):
        if not project.path(relative).exists():
            problems.append(
                document.diagnostic(
                    f"definitions: no such file or folder '{relative}'", ("definitions", number)
                )
            )
    data = project.config.data
    if data is not None and data.mapping and not project.path(data.mapping).is_file():
        problems.append(
            document.diagnostic(f"data.mapping: no such file '{data.mapping}'", ("data", "mapping"))
        )
    return problems


def _shown(file: Path) -> str:
    """The file's name in messages: relative to the current folder where it lies below it."""
    try:
        return file.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(file)


_active: Project | None = None


def activate(project: Project | None) -> None:
    """The project the running command reads (set once per command by the CLI)."""
    global _active
    _active = project


def active() -> Project | None:
    return _active
