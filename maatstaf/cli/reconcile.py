"""The reconcile command: computed figures against expected ones, or a published table
against its declared relations; exit 1 on any mismatch."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from maatstaf.cli.boundary import UsageError, app, boundary
from maatstaf.cli.options import DefinitionsOpt, date_of, library_of
from maatstaf.cli.outputs import check_outputs, write

if TYPE_CHECKING:  # imported where used: registering the command must stay light (--help)
    from maatstaf.dsl.model import Library
    from maatstaf.engine.reconcile import Case, Expected
    from maatstaf.engine.run import RunRequest


@app.command()
def reconcile(
    expected: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Argument(help="Expected figures: YAML or CSV (with --data)."),
    ] = None,
    data: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--data", help="Folder with the input tables."),
    ] = None,
    published: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--published", help="A published table of figures (CSV) to check."),
    ] = None,
    check_name: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--check", help="The 'published' declaration with its relations."),
    ] = None,
    rounded: Annotated[
        bool, typer.Option("--rounded", help="Whole numbers in the table are rounded too.")
    ] = False,
    locale: Annotated[str, typer.Option("--locale", help="nl (1.955,5) or en (1,955.5).")] = "nl",
    definitions: DefinitionsOpt = None,
    junit: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--junit", help="Write the checks as JUnit XML to this file."),
    ] = None,
    as_of: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--as-of", help="Use only rows registered on or before this date."),
    ] = None,
) -> None:
    """Compare computed figures with expected ones, or check a published table's relations;
    exit 1 on any mismatch."""
    with boundary():
        from maatstaf.engine.reconcile import junit_xml

        check_outputs(
            {"--junit": junit},
            {"EXPECTED": expected, "--data": data, "--published": published, "-d": definitions},
        )
        library = library_of(definitions)
        if published is not None:
            cases = _published_cases(library, published, check_name, locale, rounded)
        elif expected is not None and data is not None:
            cases = _expected_cases(library, expected, data, date_of(as_of, "--as-of"))
        else:
            raise UsageError("give EXPECTED and --data, or --published and --check")
        if junit is not None:
            write(junit_xml(cases), junit)
        for case in cases:
            sys.stdout.write(("MISMATCH " if case.failure else "ok       ") + case.text + "\n")
        failed = sum(1 for c in cases if c.failure)
        sys.stdout.write(f"{len(cases) - failed} passed, {failed} failed\n")
        if failed:
            raise typer.Exit(1)


def _expected_cases(
    library: Library, expected: Path, data: str, as_of: dt.date | None
) -> list[Case]:
    from maatstaf.cli.loading import _report_rejections, load
    from maatstaf.engine.reconcile import compare, expected_requests, load_expected
    from maatstaf.engine.run import run

    entries = load_expected(expected)
    loaded = load(data, schema=library.table_schema)
    checks = []
    for request in expected_requests(entries, as_of):
        wanted = [e for e in entries if _asked(e, request)]
        checks += compare(run(library, loaded, request), wanted)
    checks.sort(key=lambda c: c.expected.line)
    _report_rejections(loaded)
    return [c.case() for c in checks]


def _published_cases(
    library: Library, path: Path, name: str | None, locale: str, rounded: bool
) -> list[Case]:
    from maatstaf.dsl.errors import did_you_mean
    from maatstaf.engine.published import check as check_published
    from maatstaf.engine.published import load_table
    from maatstaf.engine.reconcile import Case

    if name is None or name not in library.published:
        known = ", ".join(sorted(library.published)) or "none"
        hint = did_you_mean(name or "", library.published) or f"Declared: {known}."
        raise UsageError(f"--check: no published table '{name}'. {hint}")
    if locale not in ("nl", "en"):
        raise UsageError(f"--locale {locale!r}: use nl or en")
    decl = library.published[name]
    table = load_table(path, locale, rounded)
    violations = check_published(table, decl)
    cases = [
        Case(name, f"row '{v.row}', column '{v.column}'", f"{path}: {v.message()}", v.message())
        for v in violations
    ]
    checked = (
        f"{path}: {len(decl.relations)} relation(s) of '{name}' checked on {len(table.rows)} rows"
    )
    return cases or [Case(name, f"relations of '{name}'", checked, None)]


def _asked(entry: Expected, request: RunRequest) -> bool:
    labels = {p.label for p in request.periods}
    wanted = {(s.measure, s.version) for s in request.selections or ()}
    return entry.period in labels and (entry.measure, entry.version) in wanted
