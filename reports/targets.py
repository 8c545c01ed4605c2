"""targets: a figure against its measure's target and warning band (green, amber, red),
as the engine judges it (``engine.targets.figure_target``)."""

from __future__ import annotations

from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.engine.targets import figure_target
from maatstaf.reports.result import TargetStatus


def target_status(
    version: MeasureVersion,
    dimensions: dict[str, str],
    value: float | int | None,
    library: Library,
) -> TargetStatus | None:
    """The target that applies to the figure's dimensions: met, within the warning band
    (warn), or missed; None as status where there is no figure."""
    target = figure_target(version, dimensions, value, library)
    if target is None:
        return None
    return TargetStatus(
        operator=target.operator, value=target.value, warn=target.warn, status=target.status
    )
