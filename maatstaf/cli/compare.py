"""The diff command: how two versions or two measures differ, client by client."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from maatstaf.cli.boundary import UsageError, app, boundary
from maatstaf.cli.options import (
    DefinitionsOpt,
    MappingOpt,
    PseudonymizeOpt,
    library_of,
    selection_of,
)


@app.command(name="diff")
def diff_command(
    measure: Annotated[str, typer.Argument(help="The measure to compare.")],
    data: Annotated[str, typer.Option("--data", help="Folder with the input tables.")],
    period: Annotated[str, typer.Option("--period", help="2020, 2020-Q1 or 2020-01.")],
    other: Annotated[
        str | None, typer.Argument(help="A CBS measure (cbs.*): why its figure differs.")
    ] = None,
    left: Annotated[str | None, typer.Option("--left", help="A version (1), or ID[@N].")] = None,
    right: Annotated[str | None, typer.Option("--right", help="A version (2), or ID[@N].")] = None,
    definitions: DefinitionsOpt = None,
    records: Annotated[
        bool,
        typer.Option(
            "--records",
            help="List the side-only clients by pseudonym (key in MAATSTAF_PSEUDONYM_KEY).",
        ),
    ] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="markdown or json")] = "markdown",
    mapping: MappingOpt = None,
    pseudonymize: PseudonymizeOpt = None,
) -> None:
    """Explain, client by client, how two versions or two measures differ for one period;
    or, with a second measure from definitions/cbs, why the municipal figure differs from CBS's."""
    with boundary():
        if other is not None:  # maatstaf diff MUNICIPAL CBS (maatstaf/cli/diff.py)
            from maatstaf.cli.diff import cbs_diff

            key = _records_key() if records and not _pseudonymized(mapping, pseudonymize) else None
            args = (measure, other, data, period, definitions, mapping, pseudonymize)
            return cbs_diff(*args, records=records, key=key, format=format)
        if left is None or right is None:
            raise UsageError("give --left and --right, or a CBS measure to compare with (cbs.*)")
        from maatstaf.cli.loading import load
        from maatstaf.engine.diff import diff, pseudonymous, resolve_side
        from maatstaf.engine.periods import parse_period
        from maatstaf.renderers.diff import render_diff_json, render_diff_markdown

        if format not in ("markdown", "json"):
            raise UsageError(f"unknown format '{format}': use markdown or json")
        when = parse_period(period)
        key = _records_key() if records and not _pseudonymized(mapping, pseudonymize) else None
        library = library_of(definitions)
        sides = [resolve_side(library, *_side(measure, s), when) for s in (left, right)]
        loaded = load(data, mapping, pseudonymize, schema=library.table_schema)
        result = diff(library, loaded, sides[0], sides[1], when, records=records)
        if key is not None:
            result = pseudonymous(result, key)
        text = render_diff_json(result) if format == "json" else render_diff_markdown(result)
        sys.stdout.write(text)


def _side(measure: str, text: str) -> tuple[str, int | None]:
    if text.isdigit():
        return measure, int(text)
    selection = selection_of(text)
    return selection.measure, selection.version


def _records_key() -> bytes:
    """The key for listing ids: --records never prints an id as the source holds it."""
    from maatstaf.adapters.pseudonym import KEY_VARIABLE, PseudonymError, key_from_environment

    try:
        return key_from_environment()
    except PseudonymError:
        raise UsageError(
            f"--records lists clients by pseudonym: set {KEY_VARIABLE} (a secret of at least "
            "16 characters; the same key gives the same pseudonyms as --pseudonymize)"
        ) from None


def _pseudonymized(mapping: Path | None, columns: list[str] | None) -> bool:
    """Whether the ids are pseudonyms already (--pseudonymize, or the mapping says so)."""
    from maatstaf.adapters.mapping import load_mapping

    return bool(columns) or (mapping is not None and bool(load_mapping(mapping).pseudonymize))
