"""versions: the validities of a measure's versions fit together without overlap or gap."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from maatstaf.dsl import ast
from maatstaf.dsl.errors import Diagnostic


def version_diagnostics(decl: ast.MeasureDecl) -> list[Diagnostic]:
    """Versions of one measure: numbered once, each valid from before until, no two valid
    on one day, and no day between two versions without one."""
    problems: list[Diagnostic] = []
    seen: set[int] = set()
    for block in decl.versions:
        if block.number in seen:
            problems.append(
                Diagnostic(
                    message=f"version {block.number} of '{decl.id}' is defined twice",
                    span=block.span,
                )
            )
        seen.add(block.number)
        if block.valid_from and block.valid_until and block.valid_until < block.valid_from:
            problems.append(
                Diagnostic(
                    message=f"version {block.number} is valid until before it is valid from",
                    span=block.span,
                )
            )
    ordered = sorted(decl.versions, key=lambda b: b.valid_from or dt.date.min)
    for earlier, later in pairwise(ordered):
        if (earlier.valid_until or dt.date.max) >= (later.valid_from or dt.date.min):
            day = later.valid_from or earlier.valid_from or "every day"
            problems.append(
                Diagnostic(
                    message=f"versions {earlier.number} and {later.number} of '{decl.id}' are "
                    f"both valid on {day}",
                    span=later.span,
                    hint="Give each version its own validity (valid from / valid until).",
                )
            )
        elif earlier.valid_until and later.valid_from:
            problems.extend(_gap(decl.id, earlier, later))
    return problems


def _gap(measure: str, earlier: ast.VersionDecl, later: ast.VersionDecl) -> list[Diagnostic]:
    """Days between two versions would have no figure at all: an error naming them."""
    assert earlier.valid_until is not None and later.valid_from is not None
    first = earlier.valid_until + dt.timedelta(days=1)
    last = later.valid_from - dt.timedelta(days=1)
    if first > last:
        return []
    return [
        Diagnostic(
            message=f"no version of '{measure}' is valid from {first} until {last}",
            span=later.span,
            hint=f"Let version {later.number} be valid from {first}, or version "
            f"{earlier.number} valid until {last}.",
        )
    ]
