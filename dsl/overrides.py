"""overrides: one definition per measure id, replaced only on purpose.

Definition folders are read in order (in a project: the standard library first, then the
project's own folders). A measure whose id an earlier file already defines is an error that
names both places, unless it says ``overrides ID``: then it replaces every earlier
definition of that id (and every measure that uses the id uses the replacement). An
``overrides`` with nothing earlier to replace is an error too, with the closest id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from maatstaf.dsl import ast
from maatstaf.dsl.errors import Diagnostic, did_you_mean


@dataclass(frozen=True)
class Overridden:
    """The outcome: the files without the replaced measures, what was replaced by what
    (for ``check``'s notes), and every problem found."""

    files: list[ast.DefinitionFile]
    notes: tuple[str, ...]
    problems: tuple[Diagnostic, ...]


def apply_overrides(
    files: Sequence[ast.DefinitionFile], *, standard_measures_loaded: bool = True
) -> Overridden:
    """The files (in reading order) with every overridden measure removed; a second
    definition without ``overrides`` is reported and left out, so it is said once."""
    measures = [
        (f.path, d) for f in files for d in f.declarations if isinstance(d, ast.MeasureDecl)
    ]
    known = sorted({d.id for _, d in measures})
    earlier: dict[str, list[ast.MeasureDecl]] = {}
    dropped: set[int] = set()
    notes: list[str] = []
    problems: list[Diagnostic] = []
    for _, decl in measures:
        claim = decl.body.overrides
        before = earlier.get(decl.id, [])
        if claim is not None and claim.measure != decl.id:
            problems.append(_not_own_id(decl, claim))
            dropped.add(id(decl))  # said once: not also as a second definition
            continue
        elif claim is not None and not before:
            problems.append(_overrides_nothing(decl, claim, known, standard_measures_loaded))
        elif claim is not None:
            replaced = ", ".join(str(d.span) for d in before)
            notes.append(f"'{decl.id}' at {decl.span} overrides the definition at {replaced}")
            dropped.update(id(d) for d in before)
            earlier[decl.id] = [decl]
            continue
        elif before:
            problems.append(_defined_twice(decl, before[0]))
            dropped.add(id(decl))
            continue
        earlier.setdefault(decl.id, []).append(decl)
    kept = [
        f.model_copy(
            update={"declarations": tuple(d for d in f.declarations if id(d) not in dropped)}
        )
        for f in files
    ]
    return Overridden(kept, tuple(notes), tuple(problems))


def _defined_twice(decl: ast.MeasureDecl, first: ast.MeasureDecl) -> Diagnostic:
    return Diagnostic(
        message=f"measure '{decl.id}' is defined twice: here and at {first.span}",
        span=decl.span,
        hint=f"To replace the definition at {first.span} on purpose, write "
        f"'overrides {decl.id}' in this measure; otherwise give this measure another id.",
    )


def _not_own_id(decl: ast.MeasureDecl, claim: ast.Overrides) -> Diagnostic:
    return Diagnostic(
        message=f"measure '{decl.id}' says 'overrides {claim.measure}': a measure overrides "
        "only the measure of its own id",
        span=claim.span,
        hint=f"Write 'overrides {decl.id}', or name the measure '{claim.measure}'.",
    )


def _overrides_nothing(
    decl: ast.MeasureDecl, claim: ast.Overrides, known: list[str], standard_loaded: bool
) -> Diagnostic:
    hint = did_you_mean(claim.measure, known)
    if hint is None and not standard_loaded:
        hint = (
            "The standard measures are not loaded: run in a project (maatstaf.yaml, "
            "'maatstaf init') or give the standard library's folder with -d first."
        )
    return Diagnostic(
        message=f"measure '{decl.id}' overrides '{claim.measure}', but no earlier definition "
        f"folder defines '{claim.measure}'",
        span=claim.span,
        hint=hint or "Remove 'overrides' to define a new measure.",
    )
