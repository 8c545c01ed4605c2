"""The syntax of code labels and of declared additivity.

``labels productcategorie { "45" = "Jeugdhulp ambulant", ... }`` gives the codes of a
column (or of a named dimension) the words a reader sees; every renderer shows the label,
and JSON keeps the code beside it. ``additive over gemeente, hoofdcategorie`` or ``not
additive`` in a measure says across which dimensions its figures may be summed.
"""

from __future__ import annotations

from maatstaf.dsl.errors import Span
from maatstaf.dsl.node import Node


class CodeLabel(Node):
    """``"45" = "Jeugdhulp ambulant"``: one code and the words shown for it."""

    code: str
    label: str
    code_span: Span


class LabelsDecl(Node):
    """``labels NAME { ... }``: the labels of a column's or a dimension's codes."""

    name: str
    name_span: Span
    labels: tuple[CodeLabel, ...]
    text: str


class Additivity(Node):
    """``additive over a, b`` (``over`` the dimensions named) or ``not additive`` (empty)."""

    over: tuple[str, ...] = ()
    over_spans: tuple[Span, ...] = ()
