"""figures: a measure's frame -> typed figures in period order, each with its target and,
with --compare, the previous period's and the year-earlier value.

A comparison is made on one definition: its values are computed with the version of the
figure it compares (``run`` evaluates the earlier periods with that version where another
one was valid there). Where the version valid in a compared period differs, the comparison
also carries that period's own figure and version and the date of the change."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from maatstaf.dsl.model import Library, Measure
from maatstaf.engine.periods import parse_period, shift
from maatstaf.engine.result import (
    Comparison,
    DefinitionBreak,
    Figure,
)
from maatstaf.engine.targets import figure_target
from maatstaf.engine.values import plain_number

if TYPE_CHECKING:
    from maatstaf.engine.run import RunRequest

Dims = tuple[tuple[str, str], ...]
Value = int | float | None


def to_figures(
    library: Library,
    measure_id: str,
    frame: pd.DataFrame,
    request: RunRequest,
    compared: pd.DataFrame | None = None,
) -> list[Figure]:
    """Figures for the requested periods, in period order, each with its target and, with
    --compare, the value of the previous period and of the same period a year earlier by
    the figure's own version. ``frame`` holds the figures by the version valid in each
    period; ``compared`` those of the compared periods by another version (see
    ``evaluate.in_compared_version``)."""
    if frame.empty:
        return []
    measure = library.measures[measure_id]
    dims = [c for c in frame.columns if c not in ("period", "version", "value")]
    frame = _plain_dims(frame, dims)
    # the comparisons' lookup only where they are asked for: it visits every row
    lookup = (
        _Lookup.of(frame, _plain_dims(compared, dims) if compared is not None else None, dims)
        if request.compare
        else None
    )
    order = {p.label: i for i, p in enumerate(request.periods)}
    # column by column, not record by record (a record dict per figure cost 2-9 ms a measure)
    periods = frame["period"].tolist()
    numbers, values = frame["version"].tolist(), frame["value"].tolist()
    cells = [frame[d].tolist() for d in dims]
    rows = sorted((i for i, p in enumerate(periods) if p in order), key=lambda i: order[periods[i]])
    versions = {n: measure.version(int(n)) for n in set(numbers)}
    figures = []
    for i in rows:
        dimensions = {d: str(c[i]) for d, c in zip(dims, cells, strict=True) if c[i] is not None}
        version = versions[numbers[i]]
        assert version is not None
        value = plain_number(values[i])
        figures.append(
            Figure(
                measure=measure_id,
                version=version.number,
                period=str(periods[i]),
                dimensions=dimensions,
                value=value,
                target=figure_target(version, dimensions, value, library),
                comparison=lookup.comparison(measure, periods[i], version.number, dimensions)
                if lookup is not None
                else None,
            )
        )
    return figures


def _plain_dims(frame: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """Dimension values as objects, None where missing (never NaN)."""
    present = [d for d in dims if d in frame.columns]
    return frame.assign(
        **{d: frame[d].astype(object).where(frame[d].notna(), None) for d in present}
    )


class _Lookup:
    """Every figure by (period, version, dimensions), and the version valid per period."""

    def __init__(self, values: dict[tuple[str, int, Dims], Value], own: dict) -> None:
        self.values = values  # (period, version, dims) -> value
        self.own = own  # (period, dims) -> the version valid in that period

    @classmethod
    def of(cls, frame: pd.DataFrame, compared: pd.DataFrame | None, dims: list[str]) -> _Lookup:
        values: dict[tuple[str, int, Dims], Value] = {}
        own: dict[tuple[str, Dims], int] = {}
        for source in (frame, compared):
            if source is None or source.empty:
                continue
            for r in source.to_dict("records"):
                key = tuple(sorted((d, str(r[d])) for d in dims if r.get(d) is not None))
                values[(r["period"], int(r["version"]), key)] = plain_number(r["value"])
                if source is frame:
                    own[(r["period"], key)] = int(r["version"])
        return cls(values, own)

    def comparison(
        self, measure: Measure, label: str, number: int, dimensions: dict[str, str]
    ) -> Comparison:
        period = parse_period(label)
        key = tuple(sorted(dimensions.items()))
        previous, year_earlier = shift(period, steps=-1), shift(period, years=-1)
        return Comparison(
            version=number,
            previous_period=previous.label,
            previous_value=self.values.get((previous.label, number, key)),
            previous_break=self._break(measure, previous.label, previous.end, number, key),
            year_earlier_period=year_earlier.label,
            year_earlier_value=self.values.get((year_earlier.label, number, key)),
            year_earlier_break=self._break(
                measure, year_earlier.label, year_earlier.end, number, key
            ),
        )

    def _break(
        self, measure: Measure, label: str, end: dt.date, number: int, key: Dims
    ) -> DefinitionBreak | None:
        """The compared period's own version and figure, where they are another version's."""
        own = self.own.get((label, key))
        if own is None:
            valid = measure.version_on(end)
            own = valid.number if valid is not None else None
        if own is None or own == number:
            return None
        return DefinitionBreak(
            valid_from=_change_date(measure, number, own).isoformat(),
            previous_definition_version=own,
            previous_definition_value=self.values.get((label, own, key)),
        )


def _change_date(measure: Measure, number: int, earlier: int) -> dt.date:
    """From when the compared figure's version applies instead of the earlier one."""
    version, before = measure.version(number), measure.version(earlier)
    assert version is not None and before is not None
    if version.valid_from is not None:
        return version.valid_from
    assert before.valid_until is not None  # validity never overlaps (the resolver checks)
    return before.valid_until + dt.timedelta(days=1)
