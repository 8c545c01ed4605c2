"""Codes as a reader sees them: the declared label (``labels hoofdcategorie { ... }``),
else the code made readable ('niet_gemeente' -> 'niet-gemeente'). JSON keeps the codes and
gives the labels beside them (``dimension_labels``)."""

from __future__ import annotations

from collections.abc import Iterable

from maatstaf.dsl.model import Library
from maatstaf.engine.result import Figure
from maatstaf.renderers.chart_axes import readable


def shown(library: Library | None, dimension: str, code: str) -> str:
    """The words shown for one value of a dimension."""
    label = library.label(dimension, code) if library is not None else None
    return label if label is not None else readable(code)


def labels_of(library: Library, dimensions: dict[str, str]) -> dict[str, str]:
    """The declared label of each dimension value that has one (for a report row)."""
    return {
        name: label
        for name, code in dimensions.items()
        if (label := library.label(name, code)) is not None
    }


def used_labels(figures: Iterable[Figure], library: Library) -> dict[str, dict[str, str]]:
    """Per dimension, the label of every code the figures use that has one."""
    found: dict[str, dict[str, str]] = {}
    for figure in figures:
        for name, code in figure.dimensions.items():
            label = library.label(name, code)
            if label is not None:
                found.setdefault(name, {})[code] = label
    return {name: dict(sorted(codes.items())) for name, codes in sorted(found.items())}
