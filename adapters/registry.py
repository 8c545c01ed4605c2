"""Find the adapter for a data location, through the entry-point group ``maatstaf.adapters``:
a folder of CSV or Parquet files, an .xlsx workbook, or a database URL."""

from __future__ import annotations

import inspect
from importlib.metadata import entry_points
from pathlib import Path

from maatstaf.adapters.assemble import LoadOptions
from maatstaf.adapters.base import Adapter, LoadedData, LoadError
from maatstaf.adapters.limits import MEMORY_ERRORS, out_of_memory
from maatstaf.dsl.schema import Schema

GROUP = "maatstaf.adapters"
POSITIONAL = (
    inspect.Parameter.POSITIONAL_ONLY,
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
    inspect.Parameter.VAR_POSITIONAL,
)


def get_adapter(name: str, schema: Schema | None = None) -> Adapter:
    """The adapter, reading the tables of ``schema`` (the library's: the canonical tables
    and those its files declare); without one, the canonical tables."""
    found = {ep.name: ep for ep in entry_points(group=GROUP)}
    if name not in found:
        raise LoadError(f"unknown adapter '{name}' (known: {', '.join(sorted(found)) or 'none'})")
    try:
        factory = found[name].load()
        adapter = factory() if schema is None or _no_schema(factory, schema) else factory(schema)
    except Exception as exc:  # a broken plugin must say so, with its own error
        raise LoadError(f"adapter '{name}' ({found[name].value}) failed to load: {exc}") from exc
    if not isinstance(adapter, Adapter):
        raise LoadError(f"adapter '{name}' ({found[name].value}) lacks name or load()")
    return adapter


def adapter_name(location: str) -> str:
    """Which adapter reads this location."""
    if location.startswith("env:"):
        from maatstaf.adapters.postgres import resolve_url

        return adapter_name(resolve_url(location))
    if "://" in location:
        scheme = location.split("://", 1)[0].split("+", 1)[0]
        if scheme in ("postgres", "postgresql"):
            return "postgres"
        raise LoadError(f"{_safe(location)}: unknown kind of database (expected postgresql://...)")
    path = Path(location)
    from maatstaf.adapters.istandaarden.files import is_message_source

    if is_message_source(path):  # iJw/iWmo messages (a .zip, or a folder with .xml files)
        return "istandaarden"
    if path.is_dir():
        return "csv"
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return "excel"
    if not path.exists():
        raise LoadError(f"{location}: no such folder or file")
    raise LoadError(
        f"{location}: expected a folder of CSV or Parquet files, an .xlsx workbook or a database URL"
    )


def _safe(location: str) -> str:
    """A URL without its password, for messages."""
    if "@" in location and "://" in location:
        scheme, rest = location.split("://", 1)
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return location


def _no_schema(factory: object, schema: Schema) -> bool:
    """Whether to make the adapter without the schema: one that takes none (a plugin that
    reads the canonical tables only), given the canonical one. An adapter that takes a
    schema is given it (the built-in ones read the canonical tables by default), so the
    canonical schema is not read to compare with."""
    try:
        parameters = inspect.signature(factory).parameters.values()  # type: ignore[arg-type]
        takes = any(p.kind in POSITIONAL for p in parameters)
    except (TypeError, ValueError):  # no signature to read: as before
        takes = False
    return not takes and _canonical(schema)


def _canonical(schema: Schema) -> bool:
    from maatstaf.dsl.schema import canonical_schema

    return schema == canonical_schema()


def read_schema(schema: Schema) -> Schema:
    """The tables an adapter reads: every table but the merged ones, which the engine
    derives from the tables read (``table T merges S``, dsl/merged_table.py)."""
    from maatstaf.dsl.merged_table import MergedTable

    kept = tuple(t for t in schema.tables if not isinstance(t, MergedTable))
    return schema if len(kept) == len(schema.tables) else Schema(tables=kept)


def load_data(
    location: str, options: LoadOptions | None = None, schema: Schema | None = None
) -> LoadedData:
    """The data at ``location``, as the tables of ``schema`` (by default the canonical
    ones); running out of memory is a LoadError naming it (the file adapters name the file
    within it themselves)."""
    name = adapter_name(location)
    schema = read_schema(schema) if schema is not None else None  # merged tables are derived
    adapter = get_adapter(name) if schema is None else get_adapter(name, schema)
    try:
        if options is None:
            return adapter.load(location)
        return adapter.load(location, options)  # type: ignore[call-arg]
    except MEMORY_ERRORS:
        raise out_of_memory(_safe(location)) from None
