"""maatstaf publish: compute figures as ``run`` does and write them into a database that
dashboards query (a DuckDB file, or PostgreSQL); see ``docs/dashboards.md``."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Optional

import typer

from maatstaf.cli.boundary import UsageError, app, boundary, err
from maatstaf.cli.options import (
    ByOpt,
    DefinitionsOpt,
    GrainOpt,
    MappingOpt,
    MeasuresOpt,
    PeriodFromOpt,
    PeriodToOpt,
    PseudonymizeOpt,
    QuarantineOpt,
    SourceOpt,
)
from maatstaf.cli.outputs import check_outputs


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
    data: SourceOpt,
    definitions: DefinitionsOpt = None,
    period_from: PeriodFromOpt = None,
    period_to: PeriodToOpt = None,
    grain: GrainOpt = None,
    measure: MeasuresOpt = None,
    by: ByOpt = None,
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
        from maatstaf.cli.computing import compute
        from maatstaf.cli.loading import _report_rejections
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
        computed = compute(
            data,
            definitions,
            period_from=period_from,
            period_to=period_to,
            grain=grain,
            measure=measure,
            by=by,
            suppress=suppress,
            as_of=as_of,
            mapping=mapping,
            pseudonymize=pseudonymize,
            quarantine=quarantine,
        )
        result, loaded = computed.result, computed.loaded
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
            published = publish(result, computed.library, target, options)
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
