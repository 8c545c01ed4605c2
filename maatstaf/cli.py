"""The command line: a thin layer over the pipeline stages, with one error boundary.

Exit codes: 0 ok, 1 data or definition errors, 2 usage errors.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from maatstaf.adapters.base import LoadedData, LoadError
from maatstaf.dsl.errors import DefinitionError, did_you_mean
from maatstaf.dsl.load import load_library
from maatstaf.dsl.model import Library
from maatstaf.engine.diff import DiffError, diff, resolve_side
from maatstaf.engine.graph import build_graph, graph_dot, graph_json
from maatstaf.engine.graph import impact as impact_of
from maatstaf.engine.periods import Grain, Period, PeriodError, parse_period, periods_between
from maatstaf.engine.published import PublishedError, load_table
from maatstaf.engine.published import check as check_published
from maatstaf.engine.reconcile import (
    Case,
    Expected,
    ExpectedError,
    compare,
    expected_requests,
    junit_xml,
    load_expected,
)
from maatstaf.engine.run import RunError, RunRequest, Selection, run
from maatstaf.engine.suppression import Policy
from maatstaf.engine.suppression import apply as apply_suppression
from maatstaf.progress import measure_progress
from maatstaf.renderers.atomic import write_text
from maatstaf.renderers.base import RendererError, get_renderer
from maatstaf.renderers.diff import render_diff_json, render_diff_markdown

app = typer.Typer(
    name="maatstaf",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Explicit, versioned definitions of social-domain figures (Wmo, Jeugd, Participatie).",
)

DEMO_FROM, DEMO_TO = "2019-01", "2021-12"


class UsageError(Exception):
    """Wrong arguments: exit code 2."""


def _err(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@app.callback()
def _main() -> None:
    """Explicit, versioned definitions of social-domain figures (Wmo, Jeugd, Participatie)."""
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: no half-written file


@contextmanager
def _boundary() -> Iterator[None]:
    """The one place where errors become messages and exit codes."""
    try:
        yield
    except DefinitionError as exc:
        for diagnostic in exc.diagnostics:
            _err(diagnostic.render())
        _err(f"{len(exc.diagnostics)} error(s) in the definitions.")
        raise typer.Exit(1) from None
    except (LoadError, ExpectedError, DiffError, PublishedError) as exc:
        _err(f"error: {exc}")
        raise typer.Exit(1) from None
    except (UsageError, PeriodError, RendererError, RunError) as exc:
        _err(f"usage error: {exc}")
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        _err("interrupted: nothing more was written; every file written so far is complete")
        raise typer.Exit(130) from None
    except Exception as exc:
        # DuckDB turns a Ctrl-C or SIGTERM during a query into its own InterruptException
        if "interrupt" in f"{type(exc).__name__} {exc}".lower():
            _err("interrupted: nothing more was written; every file written so far is complete")
            raise typer.Exit(130) from None
        raise


MappingOpt = Annotated[
    Path | None, typer.Option("--mapping", help="YAML mapping of the source's columns and codes.")
]
PseudonymizeOpt = Annotated[
    list[str] | None,
    typer.Option("--pseudonymize", help="A column holding BSNs to replace by keyed hashes."),
]
QuarantineOpt = Annotated[
    Path | None, typer.Option("--quarantine", help="Write the rejected rows with reasons (CSV).")
]

DefinitionsOpt = Annotated[
    Optional[list[Path]],  # noqa: UP045 (typer needs Optional)
    typer.Option(
        "--definitions", "-d", help="Definition files or folders (default: the standard library)."
    ),
]


def _library(definitions: list[Path] | None) -> Library:
    return load_library(definitions or None)


@app.command()
def check(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders to check.")] = None,
) -> None:
    """Validate definition files and print every error (exit 1 on any)."""
    with _boundary():
        library = _library(paths)
        build_graph(library)
        count = sum(len(m.versions) for m in library.measures.values())
        for note in library.notes:
            _err(f"note: {note}")
        _err(
            f"ok: {len(library.measures)} measures ({count} versions), "
            f"{len(library.parameters)} parameters, no errors."
        )


@app.command()
def graph(
    definitions: DefinitionsOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="dot or json")] = "dot",
) -> None:
    """Print the dependency graph of measures and source tables."""
    with _boundary():
        if format not in ("dot", "json"):
            raise UsageError(f"unknown graph format '{format}': use dot or json")
        g = build_graph(_library(definitions))
        sys.stdout.write(
            graph_dot(g) if format == "dot" else json.dumps(graph_json(g), indent=2) + "\n"
        )


@app.command()
def impact(
    target: Annotated[str, typer.Argument(help="A measure id or a definition file.")],
    definitions: DefinitionsOpt = None,
) -> None:
    """List every measure whose figures can change when this definition changes."""
    with _boundary():
        library = _library(definitions)
        try:
            affected = impact_of(library, build_graph(library), target)
        except KeyError:
            hint = did_you_mean(target, [*library.measures, *library.sources]) or ""
            raise UsageError(
                f"'{target}' is neither a measure nor a definition file. {hint}"
            ) from None
        sys.stdout.write("".join(f"{m}\n" for m in affected))


@app.command()
def reconcile(
    expected: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Argument(help="Expected figures: YAML or CSV (with --data)."),
    ] = None,
    data: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--data", help="Folder with the input tables."),
    ] = None,
    published: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--published", help="A published table of figures (CSV) to check."),
    ] = None,
    check_name: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--check", help="The 'published' declaration with its relations."),
    ] = None,
    rounded: Annotated[
        bool, typer.Option("--rounded", help="Whole numbers in the table are rounded too.")
    ] = False,
    locale: Annotated[str, typer.Option("--locale", help="nl (1.955,5) or en (1,955.5).")] = "nl",
    definitions: DefinitionsOpt = None,
    junit: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--junit", help="Write the checks as JUnit XML to this file."),
    ] = None,
    as_of: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--as-of", help="Use only rows registered on or before this date."),
    ] = None,
) -> None:
    """Compare computed figures with expected ones, or check a published table's relations;
    exit 1 on any mismatch."""
    with _boundary():
        library = _library(definitions)
        if published is not None:
            cases = _published_cases(library, published, check_name, locale, rounded)
        elif expected is not None and data is not None:
            cases = _expected_cases(library, expected, data, _date(as_of, "--as-of"))
        else:
            raise UsageError("give EXPECTED and --data, or --published and --check")
        if junit is not None:
            _write(junit_xml(cases), junit)
        for case in cases:
            sys.stdout.write(("MISMATCH " if case.failure else "ok       ") + case.text + "\n")
        failed = sum(1 for c in cases if c.failure)
        sys.stdout.write(f"{len(cases) - failed} passed, {failed} failed\n")
        if failed:
            raise typer.Exit(1)


def _expected_cases(
    library: Library, expected: Path, data: str, as_of: dt.date | None
) -> list[Case]:
    entries = load_expected(expected)
    loaded = _load(data)
    checks = []
    for request in expected_requests(entries, as_of):
        wanted = [e for e in entries if _asked(e, request)]
        checks += compare(run(library, loaded, request), wanted)
    checks.sort(key=lambda c: c.expected.line)
    _report_rejections(loaded)
    return [c.case() for c in checks]


def _published_cases(
    library: Library, path: Path, name: str | None, locale: str, rounded: bool
) -> list[Case]:
    if name is None or name not in library.published:
        known = ", ".join(sorted(library.published)) or "none"
        hint = did_you_mean(name or "", library.published) or f"Declared: {known}."
        raise UsageError(f"--check: no published table '{name}'. {hint}")
    if locale not in ("nl", "en"):
        raise UsageError(f"--locale {locale!r}: use nl or en")
    decl = library.published[name]
    table = load_table(path, locale, rounded)
    violations = check_published(table, decl)
    cases = [Case(name, f"{path}: {v.message()}", v.message()) for v in violations]
    checked = (
        f"{path}: {len(decl.relations)} relation(s) of '{name}' checked on {len(table.rows)} rows"
    )
    return cases or [Case(name, checked, None)]


def _asked(entry: Expected, request: RunRequest) -> bool:
    labels = {p.label for p in request.periods}
    wanted = {(s.measure, s.version) for s in request.selections or ()}
    return entry.period in labels and (entry.measure, entry.version) in wanted


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
    with _boundary():
        if format not in ("markdown", "json"):
            raise UsageError(f"unknown format '{format}': use markdown or json")
        library = _library(definitions)
        when = parse_period(period)
        sides = [resolve_side(library, *_side(measure, s), when) for s in (left, right)]
        result = diff(library, _load(data), sides[0], sides[1], when, records=records)
        text = render_diff_json(result) if format == "json" else render_diff_markdown(result)
        sys.stdout.write(text)


def _side(measure: str, text: str) -> tuple[str, int | None]:
    if text.isdigit():
        return measure, int(text)
    selection = _selection(text)
    return selection.measure, selection.version


@app.command()
def schema() -> None:
    """Print the JSON Schema of the JSON output (published as docs/output.schema.json)."""
    from maatstaf.renderers.json_renderer import output_schema

    sys.stdout.write(output_schema())


@app.command()
def docs(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the glossary site.")],
    definitions: DefinitionsOpt = None,
) -> None:
    """Write the glossary: a static site (HTML and Markdown) of every definition."""
    from maatstaf.renderers.glossary import write_glossary

    with _boundary():
        written = write_glossary(_library(definitions), output)
        _err(f"glossary: {len(written)} files in {output}/ (open {output / 'index.html'})")


@app.command(name="validate")
def validate_command(
    data: Annotated[str, typer.Option("--data", help="The source: folder, .xlsx or database URL.")],
    mapping: MappingOpt = None,
    pseudonymize: PseudonymizeOpt = None,
    quarantine: QuarantineOpt = None,
) -> None:
    """Check a source against the canonical model without computing figures: per table the
    rows read, accepted and rejected by reason. Exit 1 when any row is rejected."""
    from collections import Counter

    with _boundary():
        loaded = _load(data, mapping, pseudonymize, quarantine)
        reasons = Counter((r.table, r.reason.split(" (")[0]) for r in loaded.rejected)
        for stats in loaded.stats:
            rejected = len({r.row for r in loaded.rejected if r.table == stats.table})
            sys.stdout.write(
                f"{stats.table} ({stats.file}): {stats.rows_read} read, "
                f"{stats.rows_accepted} accepted, {rejected} rejected\n"
            )
            for (table, reason), count in sorted(reasons.items()):
                if table == stats.table:
                    sys.stdout.write(f"    {count:6d}  {reason}\n")
        for message in loaded.errors:
            sys.stdout.write(f"warning: {message}\n")
        if loaded.rejected:
            raise typer.Exit(1)


@app.command(name="run")
def run_command(
    data: Annotated[
        str, typer.Option("--data", help="Folder with toewijzingen.csv and the other tables.")
    ],
    definitions: DefinitionsOpt = None,
    period_from: Annotated[
        str | None, typer.Option("--from", help="2020-01, 2020-Q1 or 2020.")
    ] = None,
    period_to: Annotated[str | None, typer.Option("--to", help="Last period (inclusive).")] = None,
    grain: Annotated[Optional[str], typer.Option("--grain", help="month, quarter or year.")] = None,  # noqa: UP045
    measure: Annotated[
        list[str] | None, typer.Option("--measure", "-m", help="ID or ID@VERSION; repeatable.")
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="json, markdown, html (or a plugin).")
    ] = "json",
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
    with _boundary():
        if locale not in ("nl", "en"):
            raise UsageError(f"--locale {locale!r}: use nl or en")
        renderer = get_renderer(format, locale=locale)
        selections = [_selection(m) for m in measure] if measure else None
        library = _library(definitions)
        loaded = _load(data, mapping, pseudonymize, quarantine)
        if engine != "duckdb":
            from maatstaf.engine.spark import on_spark, spark_session

            master = "local[*]" if engine == "spark" else engine
            loaded = on_spark(loaded, spark_session(master))
        periods = _periods(period_from, period_to, grain, loaded)
        policy = _policy(suppress)
        cbs = policy is not None and policy.kind == "cbs"
        request = RunRequest(
            periods=periods,
            selections=selections,
            compare=compare,
            as_of=_date(as_of, "--as-of"),
            round_counts_to=5 if cbs else None,
            min_share_base=100 if cbs else None,
            optional_dims=tuple(by or ()),
        )
        with measure_progress() as progress:
            result = run(library, loaded, request, progress=progress)
        if policy is not None:
            result = apply_suppression(result, policy, library, loaded, request)
        _write(renderer.render(result, library), output)
        _report_rejections(loaded)
        for note in result.notes:
            _err(f"note: {note.measure}: {note.message}")
        if strict and loaded.rejected:
            _err("error: --strict and input rows were rejected")
            raise typer.Exit(1)


def _policy(text: str) -> Policy | None:
    try:
        return Policy.parse(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r}: write a date as YYYY-MM-DD") from None


def _selection(text: str) -> Selection:
    measure, _, version = text.partition("@")
    if version and not version.isdigit():
        raise UsageError(f"'{text}': write a version as ID@2")
    return Selection(measure, int(version) if version else None)


def _load(
    location: str,
    mapping: Path | None = None,
    pseudonymize: list[str] | None = None,
    quarantine: Path | None = None,
) -> LoadedData:
    from maatstaf.adapters.assemble import LoadOptions
    from maatstaf.adapters.mapping import load_mapping
    from maatstaf.adapters.registry import load_data

    options = LoadOptions(
        mapping=load_mapping(mapping) if mapping else None, pseudonymize=tuple(pseudonymize or ())
    )
    loaded = load_data(location, options)
    if quarantine is not None:
        write_text(quarantine, quarantine_csv(loaded))
    if not loaded.has_rows:
        for rejected in loaded.rejected[:20]:
            _err(rejected.render())
        raise LoadError(f"{location}: no usable rows remain ({len(loaded.rejected)} rejected)")
    return loaded


from maatstaf.adapters.quarantine import quarantine_csv  # noqa: E402


def _report_rejections(loaded: LoadedData) -> None:
    if loaded.rejected:
        rows = len({(r.table, r.row) for r in loaded.rejected})
        _err(f"warning: {rows} input row(s) rejected; they count in no figure:")
        for rejected in loaded.rejected[:20]:
            _err("  " + rejected.render())
        if len(loaded.rejected) > 20:
            _err(f"  ... and {len(loaded.rejected) - 20} more (all listed in the output)")
    for message in loaded.errors:
        _err(f"warning: {message}")


def _periods(
    first: str | None, last: str | None, grain: str | None, loaded: LoadedData
) -> list[Period]:
    if grain is not None and grain not in ("month", "quarter", "year"):
        raise UsageError(f"unknown grain '{grain}': use month, quarter or year")
    if first is None or last is None:
        default_first, default_last = _default_range(loaded)
        first, last = first or default_first, last or default_last
    start, end = parse_period(first), parse_period(last)
    chosen: Grain = grain or start.grain  # type: ignore[assignment]
    return periods_between(start, end, chosen)


def _default_range(loaded: LoadedData) -> tuple[str, str]:
    """Without --from/--to: the last three calendar years in which indications start."""
    if loaded.backend is not None:
        rel = loaded.relations["toewijzingen"]
        first, last = rel.startdatum.min().execute(), rel.startdatum.max().execute()  # type: ignore[attr-defined]
    else:
        table = loaded.tables.get("toewijzingen")
        if table is None or table.num_rows == 0:
            raise UsageError(
                "give --from and --to (the data has no toewijzingen to derive them from)"
            )
        import pyarrow.compute as pc

        last = pc.max(table["startdatum"]).as_py()
        first = pc.min(table["startdatum"]).as_py()
    if first is None or last is None:
        raise UsageError("give --from and --to (the data has no toewijzingen to derive them from)")
    return f"{max(first.year, last.year - 2)}-01", f"{last.year}-12"


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    write_text(output, text)


@app.command()
def demo(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for the data and the report.")
    ] = Path("maatstaf-demo"),
) -> None:
    """Generate the sample municipality and write its reports (HTML, Markdown and JSON): per
    month with the change against the previous month and a year earlier, and per year (for
    the yearly money measures), plus the glossary of every definition."""
    from maatstaf.adapters.sample import write_sample_csv
    from maatstaf.renderers.glossary import write_glossary

    with _boundary():
        data_dir = output / "data"
        write_sample_csv(data_dir)
        library = load_library()
        loaded = _load(str(data_dir))
        written = []
        for stem, grain in (("rapport", "month"), ("jaarcijfers", "year")):
            periods = periods_between(parse_period(DEMO_FROM), parse_period(DEMO_TO), grain)
            result = run(library, loaded, RunRequest(periods=periods, compare=True))
            for name in ("html", "markdown", "json"):
                renderer = get_renderer(name)
                path = output / f"{stem}{renderer.suffix}"
                _write(renderer.render(result, library), path)
                written.append(path)
        write_glossary(library, output / "definities")
        written.append(output / "definities" / "index.html")
        _err(f"sample data: {data_dir}/ ({sum(t.num_rows for t in loaded.tables.values())} rows)")
        for path in written:
            _err(f"report: {path}")
