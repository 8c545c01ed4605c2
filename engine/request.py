"""request: what a run is asked for (the measures, the periods and how), without the engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from maatstaf.engine.periods import Period


@dataclass(frozen=True)
class Selection:
    """A measure to report, optionally forced to one version for every period."""

    measure: str
    version: int | None = None


@dataclass(frozen=True)
class RunRequest:
    periods: Sequence[Period]
    selections: Sequence[Selection] | None = None  # None: every measure
    as_of: dt.date | None = None
    compare: bool = False  # add the previous period and the same period a year earlier
    optional_dims: tuple[str, ...] = ()  # add these where a measure offers them (--by)
    round_counts_to: int | None = None  # cbs: counts rounded before anything is computed
    min_share_base: int | None = None  # cbs: no ratio whose denominator is below this
