"""figures: a measure's frame -> typed figures in period order, each with its target and,
with --compare, the previous period's and the year-earlier value."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from maatstaf.dsl.model import Library
from maatstaf.engine.periods import parse_period, shift
from maatstaf.engine.result import (
    Comparison,
    Figure,
)
from maatstaf.engine.targets import figure_target
from maatstaf.engine.values import plain_number

if TYPE_CHECKING:
    from maatstaf.engine.run import RunRequest


def to_figures(
    library: Library, measure_id: str, frame: pd.DataFrame, request: RunRequest
) -> list[Figure]:
    """Figures for the requested periods, in period order, each with its target and, with
    --compare, the value of the previous period and of the same period a year earlier."""
    if frame.empty:
        return []
    measure = library.measures[measure_id]
    dims = [c for c in frame.columns if c not in ("period", "version", "value")]
    frame = frame.assign(**{d: frame[d].astype(object).where(frame[d].notna(), None) for d in dims})
    lookup = {
        (
            r["period"],
            tuple(sorted((d, str(r[d])) for d in dims if r[d] is not None)),
        ): plain_number(r["value"])
        for r in frame.to_dict("records")
    }
    order = {p.label: i for i, p in enumerate(request.periods)}
    wanted = frame[frame["period"].isin(order)]
    wanted = wanted.assign(_order=wanted["period"].map(order)).sort_values("_order", kind="stable")
    figures = []
    for record in wanted.to_dict("records"):
        dimensions = {d: str(record[d]) for d in dims if record[d] is not None}
        version = measure.version(int(record["version"]))
        assert version is not None
        value = plain_number(record["value"])
        figures.append(
            Figure(
                measure=measure_id,
                version=version.number,
                period=str(record["period"]),
                dimensions=dimensions,
                value=value,
                target=figure_target(version, dimensions, value, library),
                comparison=_comparison(record["period"], dimensions, lookup)
                if request.compare
                else None,
            )
        )
    return figures


def _comparison(label: str, dimensions: dict[str, str], lookup: dict) -> Comparison:
    period = parse_period(label)
    key = tuple(sorted(dimensions.items()))
    previous, year_earlier = shift(period, steps=-1).label, shift(period, years=-1).label
    return Comparison(
        previous_period=previous,
        previous_value=_find(lookup, previous, key),
        year_earlier_period=year_earlier,
        year_earlier_value=_find(lookup, year_earlier, key),
    )


def _find(lookup: dict, label: str, key: tuple) -> int | float | None:
    return lookup.get((label, key))
