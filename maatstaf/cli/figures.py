"""The commands that read a source: validate it, or compute figures from it (run)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

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
from maatstaf.cli.outputs import FORMATS, check_format, check_outputs, write

if TYPE_CHECKING:  # imported where used: registering the commands must stay light (--help)
    from maatstaf.adapters.base import LoadedData
    from maatstaf.dsl.model import Library
    from maatstaf.engine.run import Selection

GRAINS = "month, 4-weekly, quarter, half-year or year."


@app.command(name="validate")
def validate_command(
    data: Annotated[str, typer.Option("--data", help="The source: folder, .xlsx or database URL.")],
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
    period_from: Annotated[
        str | None, typer.Option("--from", help="2020-01, 2020-P01, 2020-Q1, 2020-H1 or 2020.")
    ] = None,
    period_to: Annotated[str | None, typer.Option("--to", help="Last period (inclusive).")] = None,
    grain: Annotated[Optional[str], typer.Option("--grain", help=GRAINS)] = None,  # noqa: UP045
    measure: Annotated[
        list[str] | None, typer.Option("--measure", "-m", help="ID or ID@VERSION; repeatable.")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help=f"{FORMATS}.")] = "json",
    locale: Annotated[str, typer.Option("--locale", help="nl or en (html and markdown).")] = "nl",
    mapping: MappingOpt = None,
    pseudonymize: PseudonymizeOpt = None,
    quarantine: QuarantineOpt = None,
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help="An optional dimension, where a measure offers it; repeatable."),
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (in process), spark, or a Spark master URL.")
    ] = "duckdb",
    suppress: Annotated[
        str,
        typer.Option(
            "--suppress",
            envvar="MAATSTAF_SUPPRESS",
            help="Small counts: off, a threshold (5) or cbs.",
        ),
    ] = "off",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when any input row is rejected.")
    ] = False,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare", help="Add the previous period and the same period a year earlier."
        ),
    ] = False,
    as_of: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--as-of", help="Use only rows registered on or before this date (YYYY-MM-DD)."
        ),
    ] = None,
) -> None:
    """Compute figures for a range of periods and render them."""
    with boundary():
        from maatstaf.cli.loading import _report_rejections, check_periods, load, periods_of
        from maatstaf.engine.run import RunRequest, run
        from maatstaf.engine.suppression import apply as apply_suppression
        from maatstaf.progress import measure_progress
        from maatstaf.renderers.base import get_renderer

        if locale not in ("nl", "en"):
            raise UsageError(f"--locale {locale!r}: use nl or en")
        check_outputs(
            {"--output": output, "--quarantine": quarantine},
            {"--data": data, "--mapping": mapping, "--definitions": definitions},
        )
        renderer = get_renderer(format, locale=locale)
        check_format(renderer, output)
        selections = [selection_of(m) for m in measure] if measure else None
        policy = policy_of(suppress)
        check_periods(period_from, period_to, grain)
        request = RunRequest(
            periods=(),
            selections=selections,
            compare=compare,
            as_of=date_of(as_of, "--as-of"),
            round_counts_to=5 if policy is not None and policy.kind == "cbs" else None,
            min_share_base=100 if policy is not None and policy.kind == "cbs" else None,
            optional_dims=tuple(by or ()),
        )
        on_engine = engine_of(engine)
        library = library_of(definitions)
        check_dimensions(library, selections, request.optional_dims)
        loaded = on_engine(load(data, mapping, pseudonymize, quarantine, library.table_schema))
        periods = periods_of(period_from, period_to, grain, loaded)
        request = replace(request, periods=periods)
        with measure_progress() as progress:
            result = run(library, loaded, request, progress=progress)
        if policy is not None:
            result = apply_suppression(result, policy, library, loaded, request)
        write(renderer.render(result, library), output)
        _report_rejections(loaded)
        for note in result.notes:
            err(f"note: {note.measure}: {note.message}")
        if strict and loaded.rejected:
            err("error: --strict and input rows were rejected")
            raise typer.Exit(1)


def engine_of(engine: str) -> Callable[[LoadedData], LoadedData]:
    """Where the figures are computed; an engine whose library is missing is named before
    any data is read."""
    if engine == "duckdb":
        return lambda loaded: loaded
    try:
        import pyspark.sql  # noqa: F401
    except ImportError:
        raise UsageError(
            f"--engine {engine} needs PySpark: pip install 'maatstaf[spark]' "
            "(or leave --engine out to compute in process with DuckDB)"
        ) from None
    from maatstaf.engine.spark import on_spark, spark_session

    master = "local[*]" if engine == "spark" else engine
    return lambda loaded: on_spark(loaded, spark_session(master))


def check_dimensions(
    library: Library, selections: list[Selection] | None, wanted: tuple[str, ...]
) -> None:
    """Every --by names an optional dimension one of the chosen measures offers."""
    from maatstaf.dsl.errors import did_you_mean

    if not wanted:
        return
    chosen = (
        [library.measures[s.measure] for s in selections if s.measure in library.measures]
        if selections
        else list(library.measures.values())
    )
    offered = sorted({d.name for m in chosen for v in m.versions for d in v.optional_by})
    for name in wanted:
        if name in offered:
            continue
        hint = did_you_mean(name, offered)
        on_offer = ", ".join(offered) if offered else "none (no chosen measure has 'optionally by')"
        raise UsageError(
            " ".join(
                part
                for part in (
                    f"--by {name}: no chosen measure offers this dimension.",
                    hint,
                    f"Dimensions on offer: {on_offer}.",
                )
                if part
            )
        )
