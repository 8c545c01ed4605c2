"""The diff command: how two versions or two measures differ, client by client."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from maatstaf.cli.boundary import UsageError, app, boundary
from maatstaf.cli.loading import load
from maatstaf.cli.options import DefinitionsOpt, library_of, selection_of
from maatstaf.engine.diff import diff, resolve_side
from maatstaf.engine.periods import parse_period
from maatstaf.renderers.diff import render_diff_json, render_diff_markdown


@app.command(name="diff")
def diff_command(
    measure: Annotated[str, typer.Argument(help="The measure to compare.")],
    data: Annotated[str, typer.Option("--data", help="Folder with the input tables.")],
    period: Annotated[str, typer.Option("--period", help="2020, 2020-Q1 or 2020-01.")],
    left: Annotated[str, typer.Option("--left", help="A version (1), or another ID[@N].")],
    right: Annotated[str, typer.Option("--right", help="A version (2), or another ID[@N].")],
    definitions: DefinitionsOpt = None,
    records: Annotated[
        bool, typer.Option("--records", help="List the pseudonymous ids of side-only clients.")
    ] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="markdown or json")] = "markdown",
) -> None:
    """Explain, client by client, how two versions or two measures differ for one period."""
    with boundary():
        if format not in ("markdown", "json"):
            raise UsageError(f"unknown format '{format}': use markdown or json")
        library = library_of(definitions)
        when = parse_period(period)
        sides = [resolve_side(library, *_side(measure, s), when) for s in (left, right)]
        result = diff(library, load(data), sides[0], sides[1], when, records=records)
        text = render_diff_json(result) if format == "json" else render_diff_markdown(result)
        sys.stdout.write(text)


def _side(measure: str, text: str) -> tuple[str, int | None]:
    if text.isdigit():
        return measure, int(text)
    selection = selection_of(text)
    return selection.measure, selection.version
