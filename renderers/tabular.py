"""The tidy table of a run: one row per figure, the shape dashboards and spreadsheets read.

Columns, in this order (``docs/dashboards.md`` describes each):

    measure, label, unit, domain, version, grain, period, period_start, period_end,
    <one column per dimension, the union over the figures' measures, each followed by
     <dimension>_label where the library declares labels for its codes>,
    dimension_key, value, suppressed,
    target_operator, target_value, target_warn, target_met, target_status,
    [previous_period, previous_value, year_earlier_period, year_earlier_value (--compare)],
    definition_hash, notes

A dimension column is empty where a figure has no such dimension. A dimension named like a
fixed column (a dimension ``unit``) is written ``dim_unit``. ``value`` is the JSON's
number (a share as a fraction, an amount in euro), empty where the JSON has none (a
suppressed figure, a ratio over zero); ``dimension_key`` is the dimensions as
``name=code`` pairs in name order joined by ``;`` (empty without dimensions): with
measure, version and period it identifies a figure. CSV, Parquet, the Excel workbook and
the published database all use this table.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import pyarrow as pa

from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.engine.periods import Period, parse_period
from maatstaf.engine.result import SCHEMA_VERSION, Figure, RunResult
from maatstaf.renderers.base import finite_only
from maatstaf.renderers.domains import domain_of

LEADING = (
    "measure",
    "label",
    "unit",
    "domain",
    "version",
    "grain",
    "period",
    "period_start",
    "period_end",
)
TRAILING = (
    "dimension_key",
    "value",
    "suppressed",
    "target_operator",
    "target_value",
    "target_warn",
    "target_met",
    "target_status",
)
COMPARISON = ("previous_period", "previous_value", "year_earlier_period", "year_earlier_value")
CLOSING = ("definition_hash", "notes")
# the published database adds run_id, and its view published_at and as_of
FIXED = frozenset((*LEADING, *TRAILING, *COMPARISON, *CLOSING, "run_id", "published_at", "as_of"))
TABULAR_SCHEMA_VERSION = "1"  # the columns above; a change that breaks a reader bumps it


def dimension_column(dimension: str) -> str:
    """The column a dimension is written in: its own name, unless a fixed column has it."""
    return f"dim_{dimension}" if dimension in FIXED or dimension.endswith("_label") else dimension


def dimension_key(dimensions: dict[str, str]) -> str:
    return ";".join(f"{name}={code}" for name, code in sorted(dimensions.items()))


def dimensions_of(figures: Iterable[Figure]) -> list[str]:
    """The union of the figures' dimensions, in name order."""
    return sorted({name for figure in figures for name in figure.dimensions})


def version_of(library: Library, measure: str, number: int) -> MeasureVersion | None:
    """The library's version ``number`` of a measure (None for one the library lacks)."""
    found = library.measures.get(measure)
    matching = [v for v in found.versions if v.number == number] if found else []
    return matching[0] if matching else None


@cache
def _period(label: str) -> Period:
    return parse_period(label)


def tidy_table(result: RunResult, library: Library) -> pa.Table:
    """The run's figures (exactly the JSON's: NaN and infinity become no figure, with the
    same note) as a tidy Arrow table."""
    result = finite_only(result)
    figures = result.figures
    measures = {(m.measure, m.version): m for m in result.provenance.measures}
    info = [measures.get((f.measure, f.version)) for f in figures]
    periods = [_period(f.period) for f in figures]
    notes = _notes_by_measure(result)
    columns: dict[str, pa.Array] = {
        "measure": pa.array([f.measure for f in figures], pa.string()),
        "label": pa.array([m.label if m else None for m in info], pa.string()),
        "unit": pa.array([m.unit if m else None for m in info], pa.string()),
        "domain": pa.array([domain_of(f.measure, library) for f in figures], pa.string()),
        "version": pa.array([f.version for f in figures], pa.int32()),
        "grain": pa.array([result.provenance.grain] * len(figures), pa.string()),
        "period": pa.array([f.period for f in figures], pa.string()),
        "period_start": pa.array([p.begin for p in periods], pa.date32()),
        "period_end": pa.array([p.end for p in periods], pa.date32()),
    }
    columns |= _dimension_columns(figures, library)
    columns |= _figure_columns(figures)
    if any(f.comparison is not None for f in figures):
        columns |= _comparison_columns(figures)
    columns["definition_hash"] = pa.array([m.hash if m else None for m in info], pa.string())
    columns["notes"] = pa.array([notes.get(f.measure) for f in figures], pa.string())
    table = pa.table(columns)
    return table.replace_schema_metadata(_metadata(result))


def _dimension_columns(figures: list[Figure], library: Library) -> dict[str, pa.Array]:
    """Each dimension's codes, followed (where the library declares labels for it) by its
    labels: the declared label, else the code itself."""
    columns: dict[str, pa.Array] = {}
    for name in dimensions_of(figures):
        codes = [f.dimensions.get(name) for f in figures]
        column = dimension_column(name)
        columns[column] = pa.array(codes, pa.string())
        if library.labels.get(name):
            columns[f"{column}_label"] = pa.array(
                [None if c is None else (library.label(name, c) or c) for c in codes], pa.string()
            )
    return columns


def _figure_columns(figures: list[Figure]) -> dict[str, pa.Array]:
    targets = [f.target for f in figures]
    return {
        "dimension_key": pa.array([dimension_key(f.dimensions) for f in figures], pa.string()),
        "value": pa.array([f.value for f in figures], pa.float64()),
        "suppressed": pa.array([f.suppressed for f in figures], pa.string()),
        "target_operator": pa.array([t.operator if t else None for t in targets], pa.string()),
        "target_value": pa.array([t.value if t else None for t in targets], pa.float64()),
        "target_warn": pa.array([t.warn if t else None for t in targets], pa.float64()),
        "target_met": pa.array([t.met if t else None for t in targets], pa.bool_()),
        "target_status": pa.array([t.status if t else None for t in targets], pa.string()),
    }


def _comparison_columns(figures: list[Figure]) -> dict[str, pa.Array]:
    compared = [f.comparison for f in figures]
    return {
        "previous_period": pa.array([c.previous_period if c else None for c in compared]),
        "previous_value": pa.array(
            [c.previous_value if c else None for c in compared], pa.float64()
        ),
        "year_earlier_period": pa.array([c.year_earlier_period if c else None for c in compared]),
        "year_earlier_value": pa.array(
            [c.year_earlier_value if c else None for c in compared], pa.float64()
        ),
    }


def _notes_by_measure(result: RunResult) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    for note in result.notes:
        found.setdefault(note.measure, []).append(note.message)
    return {measure: "; ".join(messages) for measure, messages in found.items()}


def _metadata(result: RunResult) -> dict[str, str]:
    """The run's provenance beside the rows (Parquet keeps it in the file's metadata)."""
    return {
        "maatstaf.schema_version": SCHEMA_VERSION,
        "maatstaf.tabular_version": TABULAR_SCHEMA_VERSION,
        "maatstaf.provenance": result.provenance.model_dump_json(),
    }
