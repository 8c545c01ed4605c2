"""The standard rules: what of the standard library applies even to a user's own files.

The table rules in ``definitions/tabellen.kpi`` (a removed indication, reden 13, never
counts) hold for every measure; with them come the standard parameters and dimensions, so
that a copy of a standard measure means what the original means. A user's own 'table'
block replaces the standard rules of that table (``table toewijzingen { }`` drops them);
a user's parameter or dimension replaces the standard one of the same name.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from maatstaf.dsl import ast

# Files of the standard library without measures, applied to every set of definitions.
STANDARD_RULES = ("tabellen.kpi", "parameters.kpi", "dimensies.kpi", "labels.kpi")

_KEYS = {
    ast.TableScopeDecl: ("table rules", lambda d: d.table),
    ast.ParameterDecl: ("parameter", lambda d: d.name),
    ast.DimensionDecl: ("dimension", lambda d: d.name),
    ast.PublishedDecl: ("published table", lambda d: d.name),
    ast.LabelsDecl: ("labels", lambda d: d.name),
}


def with_standard_rules(
    own: Sequence[ast.DefinitionFile], standard: Sequence[ast.DefinitionFile]
) -> tuple[list[ast.DefinitionFile], list[str]]:
    """The user's files and the standard files without what the user's files replace,
    and a description of every replacement ("table rules 'toewijzingen'")."""
    defined = {
        (type(d), _KEYS[type(d)][1](d)) for f in own for d in f.declarations if type(d) in _KEYS
    }
    replaced: list[str] = []
    kept_files = []
    for file in standard:
        kept = []
        for decl in file.declarations:
            key = (type(decl), _KEYS[type(decl)][1](decl)) if type(decl) in _KEYS else None
            if key in defined:
                replaced.append(f"{_KEYS[type(decl)][0]} '{key[1]}' ({file.path})")  # type: ignore[index]
                continue
            kept.append(decl)
        kept_files.append(file.model_copy(update={"declarations": tuple(kept)}))
    return [*own, *kept_files], sorted(set(replaced))


def library_notes(
    standard: Sequence[str], replaced: Sequence[str], *, measures_loaded: bool, bundled: Path
) -> tuple[str, ...]:
    """What ``check`` tells about the standard library when the user gave own files."""
    notes = []
    if standard:
        notes.append(
            "the standard table rules, parameters, dimensions and labels apply: "
            + ", ".join(standard)
        )
    if replaced:
        notes.append("your files replace the standard " + "; ".join(replaced))
    if not measures_loaded:
        notes.append(
            "the standard measures are not loaded, only those in your files; to include "
            f"them, give the standard library's folder too: 'maatstaf check {bundled} <your files>', or "
            f"'-d {bundled} -d <your files>' for the other commands"
        )
    return tuple(notes)
