"""Options shared by several commands, and the parsing of their values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from maatstaf.cli.boundary import UsageError

if TYPE_CHECKING:  # imported where used: defining the options must stay light (--help)
    from maatstaf.dsl.model import Library
    from maatstaf.engine.request import Selection
    from maatstaf.engine.suppression import Policy

GRAINS = "month, 4-weekly, quarter, half-year or year."

SourceOpt = Annotated[
    str, typer.Option("--data", help="The source: folder, .xlsx or database URL.")
]
MappingOpt = Annotated[
    Path | None, typer.Option("--mapping", help="YAML mapping of the source's columns and codes.")
]
PseudonymizeOpt = Annotated[
    list[str] | None,
    typer.Option("--pseudonymize", help="A column holding BSNs to replace by keyed hashes."),
]
QuarantineOpt = Annotated[
    Path | None, typer.Option("--quarantine", help="Write the rejected rows with reasons (CSV).")
]
DefinitionsOpt = Annotated[
    Optional[list[Path]],  # noqa: UP045 (typer needs Optional)
    typer.Option(
        "--definitions", "-d", help="Definition files or folders (default: the standard library)."
    ),
]

PeriodFromOpt = Annotated[
    str | None, typer.Option("--from", help="2020-01, 2020-P01, 2020-Q1, 2020-H1 or 2020.")
]
PeriodToOpt = Annotated[str | None, typer.Option("--to", help="Last period (inclusive).")]
GrainOpt = Annotated[Optional[str], typer.Option("--grain", help=GRAINS)]  # noqa: UP045
MeasuresOpt = Annotated[
    list[str] | None, typer.Option("--measure", "-m", help="ID or ID@VERSION; repeatable.")
]
ByOpt = Annotated[
    list[str] | None,
    typer.Option("--by", help="An optional dimension, where a measure offers it; repeatable."),
]
SuppressOpt = Annotated[
    str,
    typer.Option(
        "--suppress", envvar="MAATSTAF_SUPPRESS", help="Small counts: off, a threshold (5) or cbs."
    ),
]
AsOfOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--as-of", help="Use only rows registered on or before this date (YYYY-MM-DD)."),
]
OutputFileOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
]


def library_of(definitions: list[Path] | None) -> Library:
    """The checked library of those files (the standard library without any), from the
    cache when nothing it was built from has changed. In a project (maatstaf.yaml) the
    standard library comes first, unless the project says 'standard_library: false'."""
    from maatstaf.dsl.cache import LibraryCache
    from maatstaf.dsl.load import bundled_definitions, load_library
    from maatstaf.project import active

    paths = list(definitions or [])
    project = active()
    if project is not None and project.config.standard_library and paths:
        bundled = bundled_definitions().resolve()
        paths = [bundled, *(p for p in paths if p.resolve() != bundled)]
    return load_library(paths or None, cache=LibraryCache.from_environment())


def policy_of(text: str) -> Policy | None:
    from maatstaf.engine.suppression import Policy

    try:
        return Policy.parse(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def date_of(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r}: write a date as YYYY-MM-DD") from None


def selection_of(text: str) -> Selection:
    from maatstaf.engine.request import Selection

    measure, _, version = text.partition("@")
    if version and not version.isdigit():
        raise UsageError(f"'{text}': write a version as ID@2")
    return Selection(measure, int(version) if version else None)
