"""The demo command: the sample municipality and its reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from maatstaf.cli.boundary import UsageError, app, boundary, err
from maatstaf.cli.options import library_of
from maatstaf.cli.outputs import check_folder, check_outputs, write

DEMO_FROM, DEMO_TO = "2019-01", "2021-12"
DEMO_AS_OF = "2021-12-31"  # the last day of the sample: care ended by then is stopped (307)
# the seed dashboards (shared/seeds) as declared reports, each for the period of its seed
SEED_REPORTS = (("dongen", "2020-Q4"), ("hilversum", "2021-Q1"), ("steenwijkerland", "2021-04"))


@app.command()
def demo(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for the data and the report.")
    ] = Path("maatstaf-demo"),
    messages: Annotated[
        Path | None,
        typer.Option(
            "--messages",
            help="Instead of the reports: the sample as iJw/iWmo 3.2 messages, in this new "
            "folder or .zip (synthetic BSNs; the tables no message carries beside them as CSV).",
        ),
    ] = None,
) -> None:
    """Generate the sample municipality and write its reports (HTML, Markdown and JSON): per
    month with the change against the previous month and a year earlier, and per year (for
    the yearly money measures); the seed dashboards of Dongen, Hilversum and Steenwijkerland
    as declared reports (dashboards/); and the glossary of every definition."""
    with boundary():
        if messages is not None:
            _write_messages(messages)
            return
        from maatstaf.adapters.sample import write_sample_csv
        from maatstaf.cli.loading import load
        from maatstaf.engine.periods import parse_period, periods_between
        from maatstaf.engine.run import RunRequest, run
        from maatstaf.renderers.base import get_renderer
        from maatstaf.renderers.glossary import write_glossary
        from maatstaf.renderers.report_html import ReportHtmlRenderer
        from maatstaf.renderers.report_markdown import ReportMarkdownRenderer

        check_folder("--output", output)
        data_dir = output / "data"
        write_sample_csv(data_dir)
        library = library_of(None)
        loaded = load(str(data_dir), schema=library.table_schema)
        written = []
        for stem, grain in (("rapport", "month"), ("jaarcijfers", "year")):
            periods = periods_between(parse_period(DEMO_FROM), parse_period(DEMO_TO), grain)
            result = run(library, loaded, RunRequest(periods=periods, compare=True))
            for name in ("html", "markdown", "json"):
                renderer = get_renderer(name)
                path = output / f"{stem}{renderer.suffix}"
                write(renderer.render(result, library), path)
                written.append(path)
        from maatstaf.reports import plan

        for report_id, period in SEED_REPORTS:  # the seed dashboards, as declared reports
            report = plan(library.reports[report_id], parse_period(period), library, loaded)
            for renderer in (ReportHtmlRenderer(), ReportMarkdownRenderer()):
                path = output / "dashboards" / f"{report_id}{renderer.suffix}"
                write(renderer.render(report), path)
                written.append(path)
        write_glossary(library, output / "definities")
        written.append(output / "definities" / "index.html")
        err(f"sample data: {data_dir}/ ({sum(t.num_rows for t in loaded.tables.values())} rows)")
        for path in written:
            err(f"report: {path}")


def _write_messages(target: Path) -> None:
    """The sample municipality as a message archive: every toewijzing in a 301 (its
    referrer in a 315), care started and stopped as allocated (305/307, up to the end of
    the sample), every claim in a 323; what no message carries as CSV beside them."""
    import datetime as dt

    import pyarrow as pa

    from maatstaf.adapters.istandaarden.writer import WriteOptions, write_messages
    from maatstaf.adapters.sample import generate_sample

    if target.suffix.lower() == ".zip":
        check_outputs({"--messages": target}, {})
    else:
        check_folder("--messages", target)
        if target.exists() and any(target.iterdir()):
            raise UsageError(f"--messages {target} is not empty: give a new or empty folder")
    tables = {
        name: pa.Table.from_pandas(frame, preserve_index=False)
        for name, frame in generate_sample().items()
    }
    options = WriteOptions(derive_leveringen=True, as_of=dt.date.fromisoformat(DEMO_AS_OF))
    written = write_messages(tables, target, options)
    for kind, count in written.messages.items():
        err(f"{kind}: {count} message(s)")
    for (table, reason), count in written.not_messaged.items():
        err(f"beside the messages ({table}.csv): {count} row(s): {reason}")
    err(f"tables beside the messages: {', '.join(written.beside)}")
    err(f"message archive: {target} (the BSNs in it are synthetic: pseudonyms made elfproef-valid)")
