"""targets: a figure against its measure's target and warning band (green, amber, red),
and the norm in words."""

from __future__ import annotations

from maatstaf.dsl import ast
from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.engine.targets import _OPS, _holds, _number
from maatstaf.reports.result import TargetStatus


def target_status(
    version: MeasureVersion,
    dimensions: dict[str, str],
    value: float | int | None,
    library: Library,
) -> TargetStatus | None:
    """The target that applies to the figure's dimensions: met, within the warning band
    (warn), or missed; None as status where there is no figure."""
    chosen = next(
        (t for t in version.targets if t.when is not None and _holds(t.when, dimensions)), None
    )
    chosen = chosen or next((t for t in version.targets if t.when is None), None)
    if chosen is None:
        return None
    goal = _number(chosen.value, library)
    warn = _warn(chosen, library)
    status = None
    if value is not None:
        if _OPS[chosen.op](value, goal):
            status = "met"
        elif warn is not None and _OPS[chosen.op](value, warn):
            status = "warn"
        else:
            status = "missed"
    return TargetStatus(operator=chosen.op, value=goal, warn=warn, status=status)


def _warn(target: ast.Target, library: Library) -> float | None:
    """The warning band's bound (``target >= 95% warn >= 90%``), where the target has one."""
    warn = getattr(target, "warn", None)
    if warn is None:
        return None
    if isinstance(warn, int | float):
        return float(warn)
    if isinstance(warn, ast.Target):
        return _number(warn.value, library)
    return _number(warn, library)
