"""A progress bar for long runs: one step per measure, on standard error, only when that
is a terminal (in CI, in a pipe or in a file, nothing extra is written)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from maatstaf.engine.run import Progress as OnMeasure


@contextmanager
def measure_progress(console: Console | None = None) -> Iterator[OnMeasure | None]:
    """Yields the callback for ``run(progress=...)``, or None when not on a terminal."""
    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("maatstaf: measures", total=None)

        def update(measure: str, done: int, total: int, seconds: float) -> None:
            bar.update(
                task, total=total, completed=done, description=f"{measure} ({seconds:.1f} s)"
            )

        yield update
