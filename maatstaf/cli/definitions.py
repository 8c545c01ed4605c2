"""Commands about the definitions themselves: check, graph, impact, docs, schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from maatstaf.cli.boundary import UsageError, app, boundary, err
from maatstaf.cli.options import DefinitionsOpt, library_of
from maatstaf.cli.outputs import check_folder


@app.command()
def check(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders to check.")] = None,
) -> None:
    """Validate definition files and print every error (exit 1 on any)."""
    with boundary():
        from maatstaf.dsl.check_grains import grain_warnings, shown  # not for --help

        # a library that loads has passed every check, dependency cycles included (resolve);
        # the graph (networkx) is not needed for that
        library = library_of(paths)
        count = sum(len(m.versions) for m in library.measures.values())
        for note in library.notes:
            err(f"note: {note}")
        warnings = grain_warnings(library)
        for warning in warnings:
            err(f"warning: {shown(warning)}")
        err(
            f"ok: {len(library.measures)} measures ({count} versions), "
            f"{len(library.parameters)} parameters"
            + (f", {len(library.reports)} reports" if library.reports else "")
            + ", no errors"
            + (f", {len(warnings)} warning(s)." if warnings else ".")
        )


@app.command()
def graph(
    definitions: DefinitionsOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="dot or json")] = "dot",
) -> None:
    """Print the dependency graph of measures and source tables."""
    with boundary():
        from maatstaf.engine.graph import build_graph, graph_dot, graph_json

        if format not in ("dot", "json"):
            raise UsageError(f"unknown graph format '{format}': use dot or json")
        g = build_graph(library_of(definitions))
        sys.stdout.write(
            graph_dot(g) if format == "dot" else json.dumps(graph_json(g), indent=2) + "\n"
        )


@app.command()
def impact(
    target: Annotated[str, typer.Argument(help="A measure id, a report id or a definition file.")],
    definitions: DefinitionsOpt = None,
) -> None:
    """List every measure whose figures can change when this definition changes, then every
    report that shows one of them (as `report ID`)."""
    with boundary():
        from maatstaf.dsl.errors import did_you_mean
        from maatstaf.engine.graph import build_graph, impact_reports
        from maatstaf.engine.graph import impact as impact_of

        library = library_of(definitions)
        graph = build_graph(library)
        affected: list[str] = []
        if target not in library.reports:
            try:
                affected = impact_of(library, graph, target)
            except KeyError:
                names = [*library.measures, *library.reports, *library.sources]
                hint = did_you_mean(target, names) or ""
                raise UsageError(
                    f"'{target}' is neither a measure, a report nor a definition file. {hint}"
                ) from None
        reports = impact_reports(library, graph, target)
        sys.stdout.write("".join(f"{m}\n" for m in affected))
        sys.stdout.write("".join(f"report {r}\n" for r in reports))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the JSON output (published as docs/output.schema.json)."""
    with boundary():
        from maatstaf.renderers.json_renderer import output_schema

        sys.stdout.write(output_schema())


@app.command()
def docs(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the glossary site.")],
    definitions: DefinitionsOpt = None,
) -> None:
    """Write the glossary: a static site (HTML and Markdown) of every definition."""
    with boundary():
        from maatstaf.renderers.glossary import write_glossary

        check_folder("--output", output)
        written = write_glossary(library_of(definitions), output)
        err(f"glossary: {len(written)} files in {output}/ (open {output / 'index.html'})")
