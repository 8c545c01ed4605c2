"""maatstaf publish: compute figures as ``run`` does and write them into a database that
dashboards query (a DuckDB file, or PostgreSQL); see ``docs/dashboards.md``."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from maatstaf.cli.boundary import UsageError, app, boundary, err
from maatstaf.cli.options import (
    DefinitionsOpt,
    MappingOpt,
    PseudonymizeOpt,
    QuarantineOpt,
    date_of,
    library_of,
    policy_of,
    selection_of,
)
from maatstaf.cli.outputs import check_outputs

GRAINS = "month, 4-weekly, quarter, half-year or year."


@app.command(name="publish")
def publish_command(
    database: Annotated[
        str,
        typer.Option(
            "--database",
            envvar="MAATSTAF_PUBLISH_DATABASE",
            help="figures.duckdb, duckdb:///path.duckdb, postgresql://... or env:NAME.",
        ),
    ],
    data: Annotated[str, typer.Option("--data", help="The source: folder, .xlsx or database URL.")],
    definitions: DefinitionsOpt = None,
    period_from: Annotated[
        str | None, typer.Option("--from", help="2020-01, 2020-P01, 2020-Q1, 2020-H1 or 2020.")
    ] = None,
    period_to: Annotated[str | None, typer.Option("--to", help="Last period (inclusive).")] = None,
    grain: Annotated[Optional[str], typer.Option("--grain", help=GRAINS)] = None,  # noqa: UP045
    measure: Annotated[
        list[str] | None, typer.Option("--measure", "-m", help="ID or ID@VERSION; repeatable.")
    ] = None,
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help="An optional dimension, where a measure offers it; repeatable."),
    ] = None,
    suppress: Annotated[
        str,
        typer.Option(
            "--suppress", envvar="MAATSTAF_SUPPRESS", help="Small counts: off, a threshold or cbs."
        ),
    ] = "off",
    as_of: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--as-of", help="Use only rows registered on or before this date."),
    ] = None,
    mapping: MappingOpt = None,
    pseudonymize: PseudonymizeOpt = None,
    quarantine: QuarantineOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Publish nothing when any input row is rejected.")
    ] = False,
) -> None:
    """Compute figures (with run's options for data and periods) and publish them into a
    database: tables runs and figures, view figures_current. Publishing the same run twice
    changes nothing; a failure leaves the database as it was."""
    with boundary():
        from maatstaf.cli.figures import check_dimensions
        from maatstaf.cli.loading import _report_rejections, check_periods, load, periods_of
        from maatstaf.engine.run import RunRequest, run
        from maatstaf.engine.suppression import apply as apply_suppression
        from maatstaf.progress import measure_progress
        from maatstaf.publish.database import PublishError, target_of
        from maatstaf.publish.publish import check_target, publish

        try:
            target = target_of(database)
        except PublishError as exc:
            raise UsageError(str(exc)) from None
        check_outputs(
            {"--quarantine": quarantine, "--database": _file_of(target)},
            {"--data": data, "--mapping": mapping, "--definitions": definitions},
        )
        try:
            check_target(target)
        except PublishError as exc:
            err(f"error: {exc}")
            raise typer.Exit(1) from None
        selections = [selection_of(m) for m in measure] if measure else None
        policy = policy_of(suppress)
        check_periods(period_from, period_to, grain)
        cbs = policy is not None and policy.kind == "cbs"
        request = RunRequest(
            periods=(),
            selections=selections,
            as_of=date_of(as_of, "--as-of"),
            round_counts_to=5 if cbs else None,
            min_share_base=100 if cbs else None,
            optional_dims=tuple(by or ()),
        )
        library = library_of(definitions)
        check_dimensions(library, selections, request.optional_dims)
        loaded = load(data, mapping, pseudonymize, quarantine, library.table_schema)
        request = replace(request, periods=periods_of(period_from, period_to, grain, loaded))
        with measure_progress() as progress:
            result = run(library, loaded, request, progress=progress)
        if policy is not None:
            result = apply_suppression(result, policy, library, loaded, request)
        _report_rejections(loaded)
        if strict and loaded.rejected:
            err("error: --strict and input rows were rejected; nothing was published")
            raise typer.Exit(1)
        options = {
            "measures": sorted(measure or []),
            "by": sorted(by or []),
            "suppress": suppress,
            "as_of": as_of,
            "grain": result.provenance.grain,
            "from": result.provenance.period_from,
            "to": result.provenance.period_to,
            "mapping": _sha256(mapping),
            "pseudonymize": sorted(pseudonymize or []),
        }
        try:
            published = publish(result, library, target, options)
        except PublishError as exc:
            err(f"error: {exc}")
            raise typer.Exit(1) from None
        if published.already:
            err(f"run {published.run_id} is already in {target.shown}: nothing changed")
        else:
            err(
                f"published run {published.run_id}: {published.figures} figures into {target.shown}"
            )


def _file_of(target: object) -> Path | None:
    kind, location = getattr(target, "kind", None), getattr(target, "location", "")
    return Path(location).expanduser() if kind == "duckdb" else None


def _sha256(path: Path | None) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None else None
