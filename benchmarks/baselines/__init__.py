"""Hand-written baselines, per measure and per approach, each written as an analyst would:
a naive pandas version, DuckDB SQL (a range join with a calendar, and a sweep or a direct
equality plan), and numpy over the Arrow arrays (one module per approach).

The naive versions all start as analysts often do: every indication exploded into one row
per month it runs (``explode_months``), the measure's logic on top. Every function takes the
indications (an Arrow table as ``benchmarks.generate`` makes it)
and a law, and returns ``{month label: count}``; stacking returns
``{"2020-01|2": count}`` (month and band). Months run from 2015-01 to 2025-12.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pyarrow as pa

from benchmarks.baselines.common import Figures
from benchmarks.baselines.duckdb_sql import (
    flow_duckdb,
    herindicatie_duckdb,
    new_duckdb,
    stacking_duckdb_range_join,
    stacking_duckdb_sweep,
    unique_duckdb_range_join,
    unique_duckdb_sweep,
)
from benchmarks.baselines.naive import (
    flow_naive_pandas,
    herindicatie_naive_pandas,
    new_naive_pandas,
    stacking_naive_pandas,
    unique_naive_pandas,
)
from benchmarks.baselines.numpy_sweeps import (
    flow_numpy,
    herindicatie_numpy,
    new_numpy,
    stacking_numpy_sweep,
    unique_numpy_sweep,
)

Baseline = Callable[[pa.Table, str], Figures]


# ---- inflow and outflow: indications starting / ending in the month ------------------


def _flows(column: str) -> dict[str, Baseline]:
    """The flow baselines for indications starting (``startdatum``) or ending (``einddatum``)."""
    return {
        approach: partial(function, column=column)
        for approach, function in (
            ("naive_pandas", flow_naive_pandas),
            ("duckdb", flow_duckdb),
            ("numpy", flow_numpy),
        )
    }


# benchmark -> (the maatstaf measure it stands beside, its law, {approach: function})
BENCHMARKS: dict[str, tuple[str, str, dict[str, Baseline]]] = {
    "unique_clients": (
        "wmo.unieke_clienten",
        "wmo",
        {
            "naive_pandas": unique_naive_pandas,
            "duckdb_range_join": unique_duckdb_range_join,
            "duckdb_sweep": unique_duckdb_sweep,
            "numpy_sweep": unique_numpy_sweep,
        },
    ),
    "inflow": (
        "wmo.instroom",
        "wmo",
        _flows("startdatum"),
    ),
    "outflow": (
        "wmo.uitstroom",
        "wmo",
        _flows("einddatum"),
    ),
    "new_clients": (
        "wmo.nieuwe_instroom",
        "wmo",
        {"naive_pandas": new_naive_pandas, "duckdb": new_duckdb, "numpy": new_numpy},
    ),
    "herindicaties": (
        "wmo.herindicaties",
        "wmo",
        {
            "naive_pandas": herindicatie_naive_pandas,
            "duckdb": herindicatie_duckdb,
            "numpy": herindicatie_numpy,
        },
    ),
    "stacking": (
        "jeugd.stapeling",
        "jeugdwet",
        {
            "naive_pandas": stacking_naive_pandas,
            "duckdb_range_join": stacking_duckdb_range_join,
            "duckdb_sweep": stacking_duckdb_sweep,
            "numpy_sweep": stacking_numpy_sweep,
        },
    ),
}

# measures whose rule is an interval (active in the period): the 100x target applies
INTERVAL_BENCHMARKS = frozenset({"unique_clients", "stacking"})
