"""Dates as day numbers, the window of the sample and the small helpers every table uses."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np

SEED = 2021
Rows = dict[str, np.ndarray]
Options = tuple[tuple[object, float], ...]
Stream = Literal["canonical", "seed tables", "seed columns"]

# The random streams of the sample, by what each fills. The canonical tables come from the
# seed itself; what was added later draws from a stream of its own (``[seed, n]``), after
# everything else, so that no value drawn before it moves: the seed tables of
# definitions/seedtabellen.kpi, and the columns that file adds to the canonical tables.
STREAMS: dict[Stream, int | None] = {"canonical": None, "seed tables": 15, "seed columns": 16}


def stream(seed: int, name: Stream) -> np.random.Generator:
    """The random stream ``name`` of the sample made from ``seed``."""
    number = STREAMS[name]
    return np.random.default_rng(seed if number is None else [seed, number])


def _day(year: int, month: int, day: int) -> int:
    """The day number of a date (days since 1970-01-01)."""
    return (dt.date(year, month, day) - dt.date(1970, 1, 1)).days


HISTORY = _day(2014, 1, 1)  # the oldest care in the sample
FIRST = _day(2019, 1, 1)  # the window the sample is made for
HORIZON = _day(2021, 12, 31)
OPEN = _day(9999, 12, 31)  # an empty end date (or decision date)
CONVERSIONS = ((_day(2019, 6, 30), "huishoudelijke_hulp"), (_day(2020, 12, 31), None))
TARGET_CLIENTS = {"wmo": 2000, "jeugdwet": 600}
EARLY_SHARE = {"wmo": 0.55, "jeugdwet": 0.45}  # first known care before 2019
BOTH_LAWS = 25  # youths who also get Wmo support when they turn 18
WIJKEN = ("Centrum", "Noord", "Oost", "Zuid", "West", "De Hoeven", "Buitengebied")
WMO_PROVIDERS = tuple(f"{75000000 + 7919 * i + 311:08d}" for i in range(13))
YOUTH_PROVIDERS = WMO_PROVIDERS[-2:] + tuple(f"{73000000 + 6133 * i + 87:08d}" for i in range(12))


# --- small helpers ---------------------------------------------------------------------


def _pick(rng: np.random.Generator, options: Options, size: int) -> np.ndarray:
    """``size`` values drawn from weighted options (an object array; None stays None)."""
    values = np.empty(len(options), dtype=object)
    values[:] = [value for value, _ in options]
    weights = np.array([weight for _, weight in options])
    return values[rng.choice(len(options), size=size, p=weights / weights.sum())]


def _take(rows: Rows, index: np.ndarray) -> Rows:
    return {name: values[index] for name, values in rows.items()}


def _concat(parts: list[Rows]) -> Rows:
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def _full(size: int, value: object) -> np.ndarray:
    out = np.empty(size, dtype=object)
    out[:] = value
    return out


def _between(rng: np.random.Generator, first: int, last: int, size: int) -> np.ndarray:
    """Day numbers drawn uniformly from ``first..last`` (inclusive)."""
    return rng.integers(first, last + 1, size)


def _month(days: np.ndarray) -> np.ndarray:
    """Month numbers (months since 1970-01) of day numbers."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _month_start(months: np.ndarray) -> np.ndarray:
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _month_end(months: np.ndarray) -> np.ndarray:
    return _month_start(months + 1) - 1


def _year_end(days: np.ndarray, years_later: int = 0) -> np.ndarray:
    """The day number of 31 December of the year of ``days`` (plus ``years_later``)."""
    years = days.astype("datetime64[D]").astype("datetime64[Y]") + years_later + 1
    return years.astype("datetime64[D]").astype(np.int64) - 1


def _spread(offsets: np.ndarray) -> np.ndarray:
    """For group sizes ``offsets``, the position of every element within its group."""
    total = int(offsets.sum())
    return np.arange(total) - np.repeat(np.cumsum(offsets) - offsets, offsets)


def _moments(rng: np.random.Generator, days: np.ndarray, first_hour: int = 8) -> np.ndarray:
    """Timestamps (seconds since 1970) during office hours on the given days."""
    seconds = first_hour * 3600 + rng.integers(0, 9 * 3600, len(days))
    return days.astype(np.int64) * 86400 + seconds


# --- frames ------------------------------------------------------------------------------


def _dates(days: np.ndarray) -> np.ndarray:
    """datetime.date objects; OPEN becomes None."""
    out = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype(object)
    out[np.asarray(days) == OPEN] = None
    return out


def _times(seconds: np.ndarray) -> np.ndarray:
    return np.asarray(seconds, dtype=np.int64).astype("datetime64[s]").astype("datetime64[us]")


def _ids(prefix: str, numbers: np.ndarray, width: int = 6) -> np.ndarray:
    return np.array([f"{prefix}{n:0{width}d}" for n in numbers], dtype=object)
