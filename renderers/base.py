"""The renderer contract and the registry that finds renderers through entry points.

Built-in renderers register exactly like third-party ones, under the entry-point group
``maatstaf.renderers``; a plugin that fails to import is reported, never hidden.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from maatstaf.adapters.base import RejectedRow
from maatstaf.dsl.model import Library
from maatstaf.engine.result import Figure, Note, RunResult

GROUP = "maatstaf.renderers"


@runtime_checkable
class Renderer(Protocol):
    """Turns a run's result into text (one file)."""

    name: str
    suffix: str

    def render(self, result: RunResult, library: Library) -> str: ...


class RendererError(Exception):
    pass


def available_renderers() -> dict[str, type]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}  # type: ignore[misc]


def get_renderer(name: str, **options: str) -> Renderer:
    """The renderer registered under ``name``, checked against the contract."""
    found = {ep.name: ep for ep in entry_points(group=GROUP)}
    if name not in found:
        known = ", ".join(sorted(found)) or "none"
        raise RendererError(f"unknown format '{name}' (known: {known})")
    try:
        factory = found[name].load()
    except Exception as exc:  # a broken plugin must say so, with its own error
        raise RendererError(
            f"renderer '{name}' ({found[name].value}) failed to load: {exc}"
        ) from exc
    try:
        renderer = factory(**options)
    except TypeError:  # a renderer without options (json, most plugins)
        renderer = factory()
    if not isinstance(renderer, Renderer):
        raise RendererError(
            f"renderer '{name}' ({found[name].value}) lacks name, suffix or render()"
        )
    return renderer


def finite_only(result: RunResult) -> RunResult:
    """No renderer shows NaN or Infinity: such a value becomes "no figure", with a note
    naming the measure and the period, so the reader knows why the cell is empty."""
    figures, notes = [], list(result.notes)
    for figure in result.figures:
        clean, bad = _finite_figure(figure)
        figures.append(clean)
        for period in bad:
            note = Note(
                measure=figure.measure,
                message=f"geen cijfer voor {period}: de berekening gaf geen eindig getal "
                "(bijvoorbeeld een deling door nul of een te groot getal)",
            )
            if note not in notes:
                notes.append(note)
    if len(notes) == len(result.notes):
        return result
    return result.model_copy(update={"figures": figures, "notes": notes})


def _finite_figure(figure: Figure) -> tuple[Figure, list[str]]:
    bad: list[str] = []
    update: dict = {}
    if _infinite(figure.value):
        update["value"], update["target"] = None, None
        bad.append(figure.period)
    comparison = figure.comparison
    if comparison is not None:
        fixed = {}
        for period, name in (
            (comparison.previous_period, "previous_value"),
            (comparison.year_earlier_period, "year_earlier_value"),
        ):
            if _infinite(getattr(comparison, name)):
                fixed[name] = None
                bad.append(period)
        if fixed:
            update["comparison"] = comparison.model_copy(update=fixed)
    return (figure.model_copy(update=update) if update else figure), bad


def _infinite(value: int | float | None) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


@dataclass(frozen=True)
class Rejections:
    """What a report says about rejected input: exact numbers, and a few rows as examples."""

    rows: int  # distinct rejected rows
    reasons: list[tuple[str, int]]  # reason (without row detail) -> rejections
    shown: list[RejectedRow]
    more: int  # rejections not shown


def rejections(result: RunResult, shown: int) -> Rejections:
    counts: Counter[str] = Counter()
    for count in result.rejection_counts:
        counts[count.reason] += count.rows
    if not counts:  # a result from before the counts: the list is then complete
        counts.update(_kind(r.reason) for r in result.rejected_rows)
    total = sum(counts.values())
    return Rejections(
        result.provenance.rejected_rows,
        sorted(counts.items()),
        result.rejected_rows[:shown],
        max(0, total - min(shown, len(result.rejected_rows))),
    )


def _kind(reason: str) -> str:
    """The reason without the row-specific part (after a colon or an opening parenthesis)."""
    return re.split(r"[:(]", reason, maxsplit=1)[0].strip()
