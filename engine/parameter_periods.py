"""parameter_periods: what a dated parameter means for one period of a figure.

The value of a dated parameter in a period is the one valid on the period's first day, for
every row of the period (also where the figure looks back over a window: 'year to date'
uses the value of the period's own first day). So a controller predicts a figure from one
date. A period whose first day no value covers has no figure (never a silent 0 or an empty
comparison); a period in which another value starts is noted, so nobody reads a year that
uses the old tariff throughout as pro rata.
"""

from __future__ import annotations

from maatstaf.dsl import ast
from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.engine.periods import Period


def _dated(version: MeasureVersion, library: Library) -> list[tuple[str, ast.DatedValues]]:
    return [
        (name, value)
        for name in version.parameters
        if isinstance(value := library.parameters[name].value, ast.DatedValues)
    ]


def missing_parameter(version: MeasureVersion, library: Library, period: Period) -> str | None:
    """Why the period has no figure: a dated parameter without a value on its first day."""
    for name, value in _dated(version, library):
        if value.on(period.begin) is None:
            return f"geen cijfer: parameter {name} heeft geen waarde op de eerste dag van"
    return None


def parameter_changes(version: MeasureVersion, library: Library, period: Period) -> list[str]:
    """A note per dated parameter that gets another value inside the period."""
    notes = []
    for name, value in _dated(version, library):
        starts = [first for first, _, _ in value.validities() if period.begin < first <= period.end]
        for day in starts:
            notes.append(
                f"parameter {name} krijgt op {day.isoformat()} een andere waarde, binnen "
                f"{period.label}; gerekend is met de waarde op {period.begin.isoformat()} "
                "(de eerste dag van de periode)"
            )
    return notes
