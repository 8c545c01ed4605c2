"""defaults: what a project file gives each command, as Click's ``default_map``.

A value given on the command line (or through an option's environment variable, such as
``MAATSTAF_SUPPRESS``) wins over the project file; the project file wins over the built-in
default. The mapping and the pseudonymised columns go with the data source
(``cli.loading.load``), and the standard library as the base with the definitions
(``cli.options.library_of``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from maatstaf.project import Project

# The commands that compute figures from the data, with run's options.
_RUNS = ("run", "publish")
_WITH_DATA = ("validate", "diff", "report", "reconcile", *_RUNS)
_WITH_DEFINITIONS = ("graph", "impact", "docs", *_WITH_DATA)


def command_defaults(project: Project) -> dict[str, Mapping[str, Any]]:
    """Per command, the defaults of its options (keyed by the parameters' names)."""
    config = project.config
    definitions = {"definitions": [shown(p) for p in project.definition_paths]}
    data = {"data": shown_location(project.data_location)} if config.data else {}
    locale = {"locale": config.locale}
    suppress = {"suppress": config.suppression} if config.suppression else {}
    periods: dict[str, Any] = {"grain": config.grain} if config.grain else {}
    if config.periods is not None:
        periods |= {"period_from": config.periods.first, "period_to": config.periods.last}
    defaults: dict[str, Mapping[str, Any]] = {"check": {"paths": definitions["definitions"]}}
    for command in _WITH_DEFINITIONS:
        defaults[command] = dict(definitions)
    for command in _WITH_DATA:
        defaults[command] = {**defaults[command], **data}
    for command in _RUNS:
        defaults[command] = {**defaults[command], **periods, **locale, **suppress}
    expected = project.expected_paths
    defaults["reconcile"] = {
        **defaults["reconcile"],
        **locale,
        **({"expected": shown(expected[0])} if expected else {}),
    }
    defaults["report"] = ReportDefaults(project, {**defaults["report"], **locale, **suppress})
    return defaults


class ReportDefaults(Mapping[str, Any]):
    """The report command's defaults: the first declared report, and the period, format and
    output of whichever declared report the command names (read when Click asks, after the
    report's id is known: Click takes the options not given after those given, in the order
    they are declared: ID, --data, --period, --format, --output). The declared output file
    is the default only for the declared period and format; an undeclared report's period
    is the last of the project's periods."""

    def __init__(self, project: Project, common: dict[str, Any]) -> None:
        self.project = project
        self.common = common

    def _values(self) -> dict[str, Any]:
        config = self.project.config
        values = dict(self.common)
        if config.reports:
            values["report_id"] = config.reports[0].id
        if config.periods is not None:
            values["period"] = config.periods.last
        context = _current_context()
        given = dict(context.params) if context is not None else {}
        chosen = given.get("report_id") or values.get("report_id")
        declared = next((r for r in config.reports if r.id == chosen), None)
        if declared is None:
            return values
        values |= {"period": declared.period, "format": declared.format}
        # the declared file only for the declared report: never another period or format
        same = all(given.get(k, values[k]) == values[k] for k in ("period", "format"))
        if declared.output and same:
            values["output"] = shown(self.project.path(declared.output))
        return values

    def __getitem__(self, key: str) -> Any:
        return self._values()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __len__(self) -> int:
        return len(self._values())


def _current_context() -> Any:
    """The Click context being parsed (Typer carries its own copy of Click)."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # a Typer that uses Click itself
        from click import get_current_context  # type: ignore[no-redef]
    return get_current_context(silent=True)


def shown(path: Path) -> str:
    """A path as the commands show it: relative to the current folder where it lies below
    it, else absolute."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else relative


def shown_location(location: str | None) -> str | None:
    if location is None or "://" in location:
        return location
    return shown(Path(location))
