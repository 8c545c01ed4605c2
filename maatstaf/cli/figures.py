"""The commands that read a source: validate it, or compute figures from it (run)."""

from __future__ import annotations

import sys
from collections import Counter
from typing import Annotated

import typer

from maatstaf.cli.boundary import UsageError, app, boundary, err
from maatstaf.cli.options import (
    AsOfOpt,
    ByOpt,
    DefinitionsOpt,
    GrainOpt,
    MappingOpt,
    MeasuresOpt,
    OutputFileOpt,
    PeriodFromOpt,
    PeriodToOpt,
    PseudonymizeOpt,
    QuarantineOpt,
    SourceOpt,
    SuppressOpt,
    library_of,
)
from maatstaf.cli.outputs import FORMATS, check_format, check_outputs, write


@app.command(name="validate")
def validate_command(
    data: SourceOpt,
    mapping: MappingOpt = None,
    pseudonymize: PseudonymizeOpt = None,
    quarantine: QuarantineOpt = None,
    definitions: DefinitionsOpt = None,
) -> None:
    """Check a source against the canonical model (and the tables the definitions given
    declare) without computing figures: per table the rows read, accepted and rejected by
    reason. Exit 1 when any row is rejected."""

    with boundary():
        from maatstaf.cli.loading import load

        check_outputs(
            {"--quarantine": quarantine},
            {"--data": data, "--mapping": mapping, "--definitions": definitions},
        )
        schema = library_of(definitions).table_schema if definitions else None
        loaded = load(data, mapping, pseudonymize, quarantine, schema)
        rejected_rows = Counter[str]()
        if loaded.quarantine is not None and loaded.quarantine.num_rows:
            pairs = loaded.quarantine.group_by(["table", "row"]).aggregate([])
            rejected_rows.update(pairs["table"].to_pylist())
        for stats in loaded.stats:
            sys.stdout.write(
                f"{stats.table} ({stats.file}): {stats.rows_read} read, "
                f"{stats.rows_accepted} accepted, {rejected_rows[stats.table]} rejected\n"
            )
            for count in sorted(loaded.rejection_counts, key=lambda c: (c.reason, c.column or "")):
                if count.table == stats.table:
                    sys.stdout.write(f"    {count.rows:6d}  {count.reason}\n")
        for message in loaded.errors:
            sys.stdout.write(f"warning: {message}\n")
        if loaded.rejected_row_count:
            raise typer.Exit(1)


@app.command(name="run")
def run_command(
    data: Annotated[
        str, typer.Option("--data", help="Folder with toewijzingen.csv and the other tables.")
    ],
    definitions: DefinitionsOpt = None,
    period_from: PeriodFromOpt = None,
    period_to: PeriodToOpt = None,
    grain: GrainOpt = None,
    measure: MeasuresOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help=f"{FORMATS}.")] = "json",
    locale: Annotated[str, typer.Option("--locale", help="nl or en (html and markdown).")] = "nl",
    mapping: MappingOpt = None,
    pseudonymize: PseudonymizeOpt = None,
    quarantine: QuarantineOpt = None,
    by: ByOpt = None,
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (in process), spark, or a Spark master URL.")
    ] = "duckdb",
    suppress: SuppressOpt = "off",
    output: OutputFileOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when any input row is rejected.")
    ] = False,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare", help="Add the previous period and the same period a year earlier."
        ),
    ] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Compute figures for a range of periods and render them."""
    with boundary():
        from maatstaf.cli.computing import compute
        from maatstaf.cli.loading import _report_rejections
        from maatstaf.renderers.base import get_renderer

        if locale not in ("nl", "en"):
            raise UsageError(f"--locale {locale!r}: use nl or en")
        check_outputs(
            {"--output": output, "--quarantine": quarantine},
            {"--data": data, "--mapping": mapping, "--definitions": definitions},
        )
        renderer = get_renderer(format, locale=locale)
        check_format(renderer, output)
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
            compare=compare,
            engine=engine,
        )
        result, loaded = computed.result, computed.loaded
        write(renderer.render(result, computed.library), output)
        _report_rejections(loaded)
        for note in result.notes:
            err(f"note: {note.measure}: {note.message}")
        if strict and loaded.rejected:
            err("error: --strict and input rows were rejected")
            raise typer.Exit(1)
