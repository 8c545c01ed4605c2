"""maatstaf report: a declared report for one report period, as HTML, Markdown or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from maatstaf.cli.boundary import UsageError, app, boundary, err
from maatstaf.cli.options import (
    AsOfOpt,
    DefinitionsOpt,
    MappingOpt,
    OutputFileOpt,
    PseudonymizeOpt,
    SourceOpt,
    SuppressOpt,
    date_of,
    library_of,
    policy_of,
)
from maatstaf.cli.outputs import check_outputs, write

if TYPE_CHECKING:  # imported when the command runs: --help stays light
    from maatstaf.dsl.model import Library
    from maatstaf.dsl.report_ast import Report

FORMATS = ("html", "markdown", "json")


@app.command(name="report")
def report_command(
    report_id: Annotated[str, typer.Argument(metavar="ID", help="The report's id.")],
    data: SourceOpt,
    period: Annotated[
        str, typer.Option("--period", help="The report period: 2021-Q1, 2021-03 or 2021.")
    ],
    format: Annotated[str, typer.Option("--format", "-f", help="html, markdown or json.")] = "html",
    output: OutputFileOpt = None,
    definitions: DefinitionsOpt = None,
    suppress: SuppressOpt = "off",
    locale: Annotated[str, typer.Option("--locale", help="nl or en.")] = "nl",
    mapping: MappingOpt = None,
    pseudonymize: PseudonymizeOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Compute a report's figures for a report period and render them."""
    with boundary():
        from maatstaf.cli.loading import _report_rejections, load
        from maatstaf.dsl.errors import did_you_mean
        from maatstaf.engine.periods import parse_period
        from maatstaf.progress import measure_progress

        if format not in FORMATS:
            hint = did_you_mean(format, FORMATS) or ""
            raise UsageError(f"--format {format!r}: use html, markdown or json. {hint}".strip())
        if locale not in ("nl", "en"):
            raise UsageError(f"--locale {locale!r}: use nl or en")
        check_outputs(
            {"--output": output},
            {"--data": data, "--mapping": mapping, "--definitions": definitions},
        )
        report_period = parse_period(period)
        policy = policy_of(suppress)
        when = date_of(as_of, "--as-of")
        library = library_of(definitions)
        report = find_report(library, report_id)
        loaded = load(data, mapping, pseudonymize, schema=library.table_schema)
        from maatstaf.reports import plan

        with measure_progress() as progress:
            result = plan(report, report_period, library, loaded, when, policy, progress=progress)
        write(renderer(format, locale).render(result), output)
        _report_rejections(loaded)
        for note in result.notes:
            err(f"note: {note.measure}: {note.message}")


def find_report(library: Library, report_id: str) -> Report:
    """The report by id; an unknown id names the closest one and those on offer."""
    from maatstaf.dsl.errors import did_you_mean

    found = library.reports.get(report_id)
    if found is not None:
        return found
    offered = sorted(library.reports)
    hint = did_you_mean(report_id, offered) or ""
    on_offer = ", ".join(offered) if offered else "none (no definition file declares a report)"
    raise UsageError(
        f"unknown report '{report_id}'. {hint} Reports on offer: {on_offer}.".replace("  ", " ")
    )


def renderer(format: str, locale: str):
    if format == "html":
        from maatstaf.renderers.report_html import ReportHtmlRenderer

        return ReportHtmlRenderer(locale)
    if format == "markdown":
        from maatstaf.renderers.report_markdown import ReportMarkdownRenderer

        return ReportMarkdownRenderer(locale)
    from maatstaf.renderers.report_json import ReportJsonRenderer

    return ReportJsonRenderer(locale)
