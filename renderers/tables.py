"""The tables of a report, shared by the Markdown and HTML renderers.

The region's figures (those without a ``gemeente`` dimension) are the headline: one table
of the measures without dimensions, one table per breakdown. Per-municipality figures
follow in their own table per measure, each municipality in a labelled column beside the
region. A breakdown of a distinct count by a row-level dimension (one client can be in
more than one group) carries a note that its cells do not add up to the total.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from maatstaf.dsl import ast
from maatstaf.dsl.measure_facts import additive_over
from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.engine.result import Figure
from maatstaf.engine.run import REGION_DIMENSION
from maatstaf.renderers.codes import shown
from maatstaf.renderers.targets import norms_note, rule_words, target_status

Cell = Callable[[Figure | None, str], str]


@dataclass
class Grid:
    """One table: column headings, then rows whose first ``labels`` cells are headings."""

    caption: str
    measure: str | None
    columns: list[str]
    rows: list[list[str]]
    labels: int = 1
    notes: list[str] = field(default_factory=list)
    detail: str = ""  # what the table is broken down by, e.g. "naar zwaarte"
    # (row, column) of a cell measured against a target -> "met" | "warn" | "missed"
    status: dict[tuple[int, int], str] = field(default_factory=dict)


def regional(figure: Figure) -> bool:
    """A figure for the whole region (or for the one municipality of a plain run)."""
    return REGION_DIMENSION not in figure.dimensions


def grids(
    figures: list[Figure],
    units: dict[str, tuple[str, str]],
    library: Library,
    t: dict,
    cell: Cell,
    period: Callable[[str], str],
) -> list[Grid]:
    plain = [f for f in figures if not f.dimensions]
    tables = []
    if plain:
        measures = list(dict.fromkeys(f.measure for f in plain))
        cells = {(f.measure, f.period): f for f in plain}
        periods = list(dict.fromkeys(f.period for f in plain))
        rows = [
            [period(p), *[cell(cells.get((m, p)), units[m][1]) for m in measures]] for p in periods
        ]
        grid = Grid("", None, [t["period"], *[units[m][0] for m in measures]], rows)
        _mark(grid, [[cells.get((m, p)) for m in measures] for p in periods], units, t, library)
        tables.append(grid)
    for measure in dict.fromkeys(f.measure for f in figures if f.dimensions):
        own = [f for f in figures if f.measure == measure]
        label, unit = units[measure]
        region = [f for f in own if regional(f) and f.dimensions]
        if region:
            notes = [t["not_additive"]] if not_additive(region, library) else []
            tables.append(_breakdown(label, measure, region, unit, t, cell, period, notes, library))
        if any(not regional(f) for f in own):
            notes = [t["not_additive"]] if not_additive(own, library) else []
            tables.append(_per_gemeente(label, measure, own, unit, t, cell, period, notes, library))
    return tables


def _breakdown(label, measure, figures, unit, t, cell, period, notes, library) -> Grid:
    """Periods down, the cells of the breakdown across."""
    dims = sorted({d for f in figures for d in f.dimensions})
    name = _name(dims, t, library)
    columns = list(dict.fromkeys(name(f) for f in figures))
    cells = {(f.period, name(f)): f for f in figures}
    periods = list(dict.fromkeys(f.period for f in figures))
    rows = [[period(p), *[cell(cells.get((p, c)), unit) for c in columns]] for p in periods]
    detail = f"{t['by']} {', '.join(dimension_name(d) for d in dims)}"
    grid = Grid(label, measure, [t["period"], *columns], rows, notes=list(notes), detail=detail)
    found = [[cells.get((p, c)) for c in columns] for p in periods]
    _mark(grid, found, {f.measure: (label, unit) for f in figures}, t, library)
    return grid


def _per_gemeente(label, measure, figures, unit, t, cell, period, notes, library) -> Grid:
    """Periods (and the cells of a breakdown) down; the region, then each municipality
    across, so the municipalities stand side by side."""
    dims = sorted({d for f in figures for d in f.dimensions} - {REGION_DIMENSION})
    name = _name(dims, t, library)
    places = sorted(
        {f.dimensions[REGION_DIMENSION] for f in figures if not regional(f)},
        key=lambda g: (g == "onbekend", g.lower()),
    )
    cells = {(f.period, name(f), f.dimensions.get(REGION_DIMENSION)): f for f in figures}
    keys = list(dict.fromkeys((f.period, name(f)) for f in figures))
    rows = [
        [period(p), *([n] if dims else []), cell(cells.get((p, n, None)), unit)]
        + [cell(cells.get((p, n, g)), unit) for g in places]
        for p, n in keys
    ]
    found = [[cells.get((p, n, g)) for g in [None, *places]] for p, n in keys]
    heads = [
        t["period"],
        *([", ".join(dimension_name(d) for d in dims)] if dims else []),
        t["region"].capitalize(),
    ]
    grid = Grid(
        label,
        measure,
        [*heads, *(shown(library, REGION_DIMENSION, g) for g in places)],
        rows,
        1 + bool(dims),
        list(notes),
        t["per_gemeente"],
    )
    _mark(grid, found, {measure: (label, unit)}, t, library)
    return grid


def _name(dims: list[str], t: dict, library: Library) -> Callable[[Figure], str]:
    """A cell's heading: its dimension values, as labelled ('Jeugdhulp ambulant') or else
    made readable ('niet-gemeente')."""
    return lambda f: " / ".join(
        shown(library, d, f.dimensions[d]) if d in f.dimensions else t["total"] for d in dims
    )


def dimension_name(name: str) -> str:
    """A dimension's name as a heading: 'verwijzer_groep' -> 'verwijzer groep'."""
    return name.replace("_", " ")


def _mark(
    grid: Grid,
    found: list[list[Figure | None]],
    units: dict[str, tuple[str, str]],
    t: dict,
    library: Library,
) -> None:
    """Colour each cell measured against a target and say each norm in words below the
    table (per column where the norm differs by column, as tijdigheid's per regeling)."""
    locale = "en" if t.get("period") == "Period" else "nl"
    norms: dict[str, str] = {}
    for r, row in enumerate(found):
        for c, figure in enumerate(row):
            if figure is None or figure.target is None:
                continue
            status = target_status(figure.target)
            if status is not None:
                grid.status[(r, c + grid.labels)] = status
            values = [
                shown(library, k, v) for k, v in figure.dimensions.items() if k != REGION_DIMENSION
            ]
            name = " / ".join(values) or units[figure.measure][0]
            norms.setdefault(name, rule_words(figure.target, units[figure.measure][1], locale))
    if norms:
        grid.notes.append(norms_note(norms, locale))


def not_additive(figures: list[Figure], library: Library) -> bool:
    """A distinct count broken down by a row-level dimension: one client can have rows in
    several groups, so the groups need not add up to the total."""
    for (measure, number), dims in _breakdowns(figures).items():
        version = _version(library, measure, number)
        if version is None or not isinstance(version.aggregate, ast.CountDistinct):
            continue
        if any(not additive_over(library, version, d) for d in dims):
            return True
    return False


def additive(figures: list[Figure], library: Library) -> bool:
    """Whether a breakdown's cells add up to the whole, so a stacked bar may claim their
    sum: the measure is additive over every dimension of the breakdown (see
    ``measure_facts.additive_over``: row counts and sums, spreads, distinct counts whose
    groups hold each entity once, and what a measure declares). Shares, averages, ratios
    and computed figures that do not say 'additive over' never stack."""
    for (measure, number), dims in _breakdowns(figures).items():
        version = _version(library, measure, number)
        if version is None:
            return False
        if isinstance(version.aggregate, ast.Compute) and version.additivity is None:
            return False
        if not dims or not all(additive_over(library, version, d) for d in dims):
            return False
    return True


def _breakdowns(figures: list[Figure]) -> dict[tuple[str, int], set[str]]:
    found: dict[tuple[str, int], set[str]] = {}
    for f in figures:
        found.setdefault((f.measure, f.version), set()).update(f.dimensions)
    return found


def _version(library: Library, measure: str, number: int) -> MeasureVersion | None:
    found = library.measures.get(measure)
    return found.version(number) if found is not None else None
