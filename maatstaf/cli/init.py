"""The project: ``maatstaf init DIR`` scaffolds one, and every command reads its
``maatstaf.yaml`` (``read_project``, called once before any command runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from maatstaf.cli.boundary import UsageError, app, boundary, err

# Commands that never read a project: init makes one (a broken file above the new folder
# must not stop it), and these have nothing to take from one.
_WITHOUT_PROJECT = ("init", "schema", "lsp")


def read_project(ctx: typer.Context) -> None:
    """Find and check the project file, and make its values the defaults of the options
    (a value on the command line wins). A broken project file stops with its positioned
    errors and exit 1, before the command does any work."""
    from maatstaf.dsl.errors import DefinitionError
    from maatstaf.project import activate, find_project, load_project

    activate(None)
    if ctx.invoked_subcommand in _WITHOUT_PROJECT:
        return
    try:
        file = find_project()
        if file is None:
            return
        project = load_project(file)
    except DefinitionError as exc:
        for diagnostic in exc.diagnostics:
            err(diagnostic.render())
        err(f"{len(exc.diagnostics)} error(s) in the project file.")
        raise typer.Exit(1) from None
    from maatstaf.project.defaults import command_defaults

    activate(project)
    ctx.call_on_close(lambda: activate(None))  # the next command (in this process) looks again
    ctx.default_map = {**(ctx.default_map or {}), **command_defaults(project)}


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The new project's folder.")],
    name: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--name", help="The municipality's name (default: the folder's name)."),
    ] = None,
    sample: Annotated[
        bool,
        typer.Option(
            "--sample/--no-sample", help="Write the sample municipality's data to DIR/data."
        ),
    ] = True,
) -> None:
    """Scaffold a municipality's maatstaf project: maatstaf.yaml, definitions (an own
    measure, an override, a report), a mapping template, expected figures, GitLab and
    GitHub CI and a README. Overwrites nothing."""
    with boundary():
        from maatstaf.project.scaffold import SAMPLE_FOLDER, in_the_way, scaffold

        if folder.exists() and not folder.is_dir():
            raise UsageError(f"{folder} is a file: give a folder (it is created if needed)")
        existing = in_the_way(folder, sample)
        if existing:
            names = ", ".join(str(p) for p in existing)
            raise UsageError(f"{names} already exist(s): init overwrites nothing")
        title = name or folder.resolve().name
        written = scaffold(folder, title)
        if sample:
            from maatstaf.adapters.sample import write_sample_csv

            write_sample_csv(folder / SAMPLE_FOLDER)
            written.append(folder / SAMPLE_FOLDER)
        for path in written:
            err(f"wrote {path}")
        err(f"project '{title}' in {folder}/: cd {folder} and read README.md (first: maatstaf run)")
