"""Reading a source for a command: load, quarantine, report rejections, default periods."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from maatstaf.adapters.base import LoadedData, LoadError
from maatstaf.adapters.quarantine import quarantine_csv
from maatstaf.cli.boundary import UsageError
from maatstaf.cli.boundary import err as _err
from maatstaf.dsl.errors import did_you_mean
from maatstaf.engine.periods import GRAINS, Grain, Period, parse_period, periods_between
from maatstaf.renderers.atomic import write_text

if TYPE_CHECKING:
    from maatstaf.adapters.mapping import Mapping
    from maatstaf.dsl.schema import Schema


def load(
    location: str,
    mapping: Path | None = None,
    pseudonymize: list[str] | None = None,
    quarantine: Path | None = None,
    schema: Schema | None = None,
    checking: Callable[[], None] | None = None,
) -> LoadedData:
    """The data at ``location`` as the tables of ``schema``: the library's (the canonical
    tables and those its files declare), or without one the canonical tables.
    ``checking`` is called once the database starts checking the rows (``LoadOptions``)."""
    from maatstaf.adapters.assemble import LoadOptions
    from maatstaf.adapters.registry import load_data
    from maatstaf.project import active

    project = active()
    if project is not None and project.is_data(location):  # the source's own mapping
        mapping = mapping or project.mapping
        pseudonymize = pseudonymize or list(project.config.data.pseudonymize)  # type: ignore[union-attr]
    options = LoadOptions(
        mapping=_mapping(mapping) if mapping else None,
        pseudonymize=tuple(pseudonymize or ()),
        checking=checking,
    )
    loaded = load_data(location, options, schema)
    if quarantine is not None:
        write_text(quarantine, quarantine_csv(loaded))
    if not loaded.has_rows:
        for rejected in loaded.rejected[:20]:
            _err(rejected.render())
        raise LoadError(f"{location}: no usable rows remain ({loaded.rejected_row_count} rejected)")
    return loaded


def _mapping(path: Path) -> Mapping:
    from maatstaf.adapters.mapping import load_mapping  # YAML: only where a mapping is given

    return load_mapping(path)


def _report_rejections(loaded: LoadedData) -> None:
    """The exact number of rejected rows, each rule's exact count, and a sample of rows."""
    if loaded.rejected_row_count:
        _err(
            f"warning: {loaded.rejected_row_count} input row(s) rejected; they count in no figure:"
        )
        for count in loaded.rejection_counts:
            column = f", column '{count.column}'" if count.column else ""
            _err(f"  {count.file}{column}: {count.reason}: {count.rows} row(s)")
        for rejected in loaded.rejected[:20]:
            _err("  " + rejected.render())
        total = sum(count.rows for count in loaded.rejection_counts)
        if total > min(len(loaded.rejected), 20):
            _err(
                f"  ... {total - min(len(loaded.rejected), 20)} more not shown here "
                "(--quarantine FILE writes every one)"
            )
    for message in loaded.errors:
        _err(f"warning: {message}")


def _check_grain(grain: str | None) -> None:
    if grain is not None and grain not in GRAINS:
        hint = did_you_mean(grain, GRAINS)
        raise UsageError(
            f"unknown grain '{grain}': use {', '.join(GRAINS[:-1])} or {GRAINS[-1]}"
            + (f". {hint}" if hint else "")
        )


def check_periods(first: str | None, last: str | None, grain: str | None) -> None:
    """Before any work: the grain and the periods given are ones we know."""
    _check_grain(grain)
    if first is not None and last is not None:
        periods_between(parse_period(first), parse_period(last), "year")
    else:
        for text in (first, last):
            if text is not None:
                parse_period(text)


def periods_of(
    first: str | None, last: str | None, grain: str | None, loaded: LoadedData
) -> list[Period]:
    _check_grain(grain)
    if first is None or last is None:
        default_first, default_last = _default_range(loaded)
        first, last = first or default_first, last or default_last
    start, end = parse_period(first), parse_period(last)
    chosen: Grain = grain or start.grain  # type: ignore[assignment]
    return periods_between(start, end, chosen)


def _default_range(loaded: LoadedData) -> tuple[str, str]:
    """Without --from/--to: the last three calendar years in which indications start."""
    from maatstaf.adapters.duck import DuckTables

    if loaded.backend is not None:
        rel = loaded.relations["toewijzingen"]
        first, last = rel.startdatum.min().execute(), rel.startdatum.max().execute()  # type: ignore[attr-defined]
    elif isinstance(loaded.tables, DuckTables) and "toewijzingen" in loaded.tables:
        first, last = loaded.tables.min_max("toewijzingen", "startdatum")  # no copy out
    else:
        table = loaded.tables.get("toewijzingen")
        if table is None or table.num_rows == 0:
            raise UsageError(
                "give --from and --to (the data has no toewijzingen to derive them from)"
            )
        import pyarrow.compute as pc

        last = pc.max(table["startdatum"]).as_py()
        first = pc.min(table["startdatum"]).as_py()
    if first is None or last is None:
        raise UsageError("give --from and --to (the data has no toewijzingen to derive them from)")
    return f"{max(first.year, last.year - 2)}-01", f"{last.year}-12"
