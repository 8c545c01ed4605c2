"""The sample as canonical CSV files."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from maatstaf.adapters.sample.common import SEED
from maatstaf.adapters.sample.generate import _table, generate_all
from maatstaf.adapters.sample.seed_schema import sample_schema


def write_sample_csv(directory: Path, seed: int = SEED) -> list[Path]:
    """The sample as canonical CSV files ``<table>.csv`` in ``directory``: UTF-8, comma
    separated, a header row, ISO dates, amounts with a decimal point and 2 decimals, an
    empty cell for a missing value. Returns the paths: the canonical tables in the schema's
    order, then the seed tables of ``definitions/seedtabellen.kpi``."""
    from maatstaf.renderers.atomic import write_bytes

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in _csv_files(seed):
        path = directory / f"{name}.csv"
        write_bytes(path, data)  # atomic: a reader never sees half a file
        written.append(path)
    return written


@lru_cache(maxsize=4)
def _csv_files(seed: int) -> tuple[tuple[str, bytes], ...]:
    """The bytes of every file, made once per seed in a process (bytes cannot be changed
    by a caller; the sample is deterministic, so the second folder is the first's copy)."""
    schema = sample_schema()
    files = []
    canonical, seeds = generate_all(seed)
    for name, frame in (canonical | seeds).items():
        table = _table(schema, name)
        # the frame's columns: a canonical table keeps exactly its canonical columns
        kinds = {c.name: c.type for c in table.columns}
        cells = {name: _cells(frame[name], kinds[name]) for name in frame.columns}
        text = pd.DataFrame(cells).to_csv(index=False, lineterminator="\n")
        files.append((name, text.encode("utf-8")))
    return tuple(files)


def _cells(values: pd.Series, kind: str) -> np.ndarray:
    """The CSV text of one column; formats are fixed, so the bytes do not depend on the
    locale."""
    missing = values.isna().to_numpy()
    if kind in ("date", "timestamp"):
        fmt = "%Y-%m-%d" if kind == "date" else "%Y-%m-%d %H:%M:%S"
        text = pd.to_datetime(values).dt.strftime(fmt).to_numpy(dtype=object)
    elif kind == "decimal":
        numbers = np.round(values.to_numpy(dtype=float, na_value=0.0), 2) + 0.0
        text = np.array([f"{number:.2f}" for number in numbers.tolist()], dtype=object)
    elif kind == "integer":
        numbers = values.to_numpy(dtype=float, na_value=0.0).astype(np.int64)
        text = np.array([str(number) for number in numbers.tolist()], dtype=object)
    else:
        text = values.to_numpy(dtype=object)
    return np.where(missing, "", text)
