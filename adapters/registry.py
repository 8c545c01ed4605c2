"""Find the adapter for a data location, through the entry-point group ``maatstaf.adapters``."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

from maatstaf.adapters.base import Adapter, LoadedData, LoadError

GROUP = "maatstaf.adapters"


def get_adapter(name: str) -> Adapter:
    found = {ep.name: ep for ep in entry_points(group=GROUP)}
    if name not in found:
        raise LoadError(f"unknown adapter '{name}' (known: {', '.join(sorted(found)) or 'none'})")
    try:
        adapter = found[name].load()()
    except Exception as exc:  # a broken plugin must say so, with its own error
        raise LoadError(f"adapter '{name}' ({found[name].value}) failed to load: {exc}") from exc
    if not isinstance(adapter, Adapter):
        raise LoadError(f"adapter '{name}' ({found[name].value}) lacks name or load()")
    return adapter


def adapter_for(location: str) -> Adapter:
    """The adapter that reads this location: a folder of CSV files."""
    path = Path(location)
    if path.is_dir():
        return get_adapter("csv")
    if not path.exists():
        raise LoadError(f"{location}: no such folder")
    raise LoadError(f"{location}: expected a folder with toewijzingen.csv and the other tables")


def load_data(location: str) -> LoadedData:
    return adapter_for(location).load(location)
