"""Figures from a source, as ``run`` and ``publish`` compute them: the options checked
before any work, the library and the data loaded, the periods chosen, the engine run,
and small counts suppressed."""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from maatstaf.cli.boundary import UsageError, is_interrupt
from maatstaf.cli.options import date_of, library_of, policy_of, selection_of

if TYPE_CHECKING:  # imported where used: the commands that call this must stay light (--help)
    from maatstaf.adapters.base import LoadedData
    from maatstaf.dsl.model import Library
    from maatstaf.engine.request import RunRequest, Selection
    from maatstaf.engine.result import RunResult


@dataclass(frozen=True)
class Computed:
    """What a command renders or publishes, with what it was computed from."""

    library: Library
    loaded: LoadedData
    request: RunRequest
    result: RunResult


def compute(
    data: str,
    definitions: list[Path] | None,
    *,
    period_from: str | None,
    period_to: str | None,
    grain: str | None,
    measure: list[str] | None,
    by: list[str] | None,
    suppress: str,
    as_of: str | None,
    mapping: Path | None,
    pseudonymize: list[str] | None,
    quarantine: Path | None,
    compare: bool = False,
    engine: str = "duckdb",
) -> Computed:
    """The figures of the chosen measures (all without --measure) for the periods asked
    (by default the last three years with indications), suppressed as ``suppress`` says.
    Every option is checked before the library or the data is read."""
    from maatstaf.cli.loading import check_periods, load, periods_of
    from maatstaf.engine.request import RunRequest

    selections = [selection_of(m) for m in measure] if measure else None
    policy = policy_of(suppress)
    check_periods(period_from, period_to, grain)
    cbs = policy is not None and policy.kind == "cbs"
    request = RunRequest(
        periods=(),
        selections=selections,
        compare=compare,
        as_of=date_of(as_of, "--as-of"),
        round_counts_to=5 if cbs else None,
        min_share_base=100 if cbs else None,
        optional_dims=tuple(by or ()),
    )
    on_engine = engine_of(engine)
    library = library_of(definitions)
    check_dimensions(library, selections, request.optional_dims)
    steps = (*ENGINE, _duckdb_backend) if engine == "duckdb" else ENGINE
    with importing(*steps) as begin:  # the engine imported while DuckDB checks the data
        loaded = on_engine(
            load(data, mapping, pseudonymize, quarantine, library.table_schema, checking=begin)
        )
    from maatstaf.engine.run import run
    from maatstaf.engine.suppression import apply as apply_suppression
    from maatstaf.progress import measure_progress

    request = replace(request, periods=periods_of(period_from, period_to, grain, loaded))
    with measure_progress() as progress:
        result = run(library, loaded, request, progress=progress)
    if policy is not None:
        result = apply_suppression(result, policy, library, loaded, request)
    return Computed(library, loaded, request, result)


# imported while the data loads: the engine, and Rich for the run's progress bar
ENGINE = ("maatstaf.engine.run", "maatstaf.engine.suppression", "maatstaf.progress")


def _duckdb_backend() -> None:
    """Ibis's DuckDB backend imported (its SQL compiler, sqlglot's DuckDB dialect: 0.08 s
    that ``run`` otherwise spent after the load, on the main thread)."""
    from maatstaf.engine.tables import duckdb_backend

    duckdb_backend()


@contextmanager
def importing(*modules: str | Callable[[], None]) -> Iterator[Callable[[], None]]:
    """Import ``modules`` in a thread (a function among them is called there, in its turn),
    begun when the body calls the function it is given,
    or else when the body ends. The load calls it when Arrow and DuckDB start reading and
    checking the data on their own threads (``LoadOptions.checking``): the imports (pandas, Ibis: about half a
    second of the interpreter) then have the interpreter to themselves. Begun with the
    body, they took turns for it with the load, which was still reading the files' bytes
    in Python, and a run at 10^6 indications took 0.03-0.05 s longer. A module that fails
    to import is not imported: its error is raised where it is imported next, as it would
    be now."""
    wanted = [m for m in modules if callable(m) or m not in sys.modules]

    def work() -> None:
        for module in wanted:
            try:
                module() if callable(module) else importlib.import_module(module)
            except BaseException:  # raised again where it is imported next
                return

    thread = threading.Thread(target=work, name="maatstaf-imports", daemon=True)

    def begin() -> None:
        if wanted and thread.ident is None:
            thread.start()

    try:
        yield begin
    except BaseException as exc:
        # A stop (Ctrl-C, SIGTERM) that lands while the body is inside an import (the load
        # imports DuckDB and PyArrow) can leave that module's import lock held for good
        # (CPython's import locks are not safe against an exception raised between their
        # steps); this thread, importing the same module, then waits forever, and waiting
        # for it hung the process (seen under load, a SIGTERM 0.6 s into a run). A
        # stopping process does not wait: the thread is a daemon. Imports not begun are
        # not begun now.
        if thread.ident is not None and isinstance(exc, Exception) and not is_interrupt(exc):
            thread.join()
        raise
    begin()
    if thread.ident is not None:
        thread.join()


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
