"""report_dims: which dimensions a measure's figures have, which it offers on request, and
which of them a report item leaves out (and so adds up over).

A measure's figures have its ``by`` dimensions by default; a computed measure those of the
measures it combines (``total M by d`` only d; a slice loses the sliced dimension).
``optionally by`` dimensions are offered: a run adds them to every measure it evaluates
that offers them, so a computed measure offers a dimension only where every measure it
combines has or offers it (otherwise the operand without it would be repeated in every
group: a figure that means nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

from maatstaf.dsl import ast
from maatstaf.dsl.measure_facts import REGION, additive_over
from maatstaf.dsl.model import Library, MeasureVersion


@dataclass(frozen=True)
class Dims:
    default: frozenset[str]
    offered: frozenset[str] | None  # None: no limit (a number or a parameter)


_ANY = Dims(frozenset(), None)
_NONE = Dims(frozenset(), frozenset())


def default_dimensions(library: Library, version: MeasureVersion) -> frozenset[str]:
    """The dimensions of a version's figures when no optional breakdown is asked for."""
    return _version(library, version, frozenset()).default


def offered_dimensions(library: Library, version: MeasureVersion) -> frozenset[str]:
    """The dimensions a version's figures get only on request (``optionally by``), its own
    and, for a computed measure, those every measure it combines has or offers."""
    found = _version(library, version, frozenset())
    return (found.offered or frozenset()) - found.default


def hidden_dimensions(
    library: Library, version: MeasureVersion, shown: tuple[str, ...]
) -> list[str]:
    """The default dimensions of a version that an item showing ``shown`` adds up over."""
    return sorted(default_dimensions(library, version) - set(shown) - {REGION})


def not_additive_over(library: Library, version: MeasureVersion, names: list[str]) -> list[str]:
    """The dimensions among ``names`` over which a version's figures do not add up."""
    return [n for n in names if not additive_over(library, version, n)]


def _version(library: Library, version: MeasureVersion, seen: frozenset[str]) -> Dims:
    own = Dims(frozenset(version.dimension_names), frozenset(d.name for d in version.optional_by))
    seen = seen | {version.measure}
    match version.aggregate:
        case ast.Compute(expr=expr):
            return _with(own, _expr(library, expr, seen))
        case ast.SameAs(measure=other):
            return _with(own, _measure(library, other, seen))
    return own


def _with(own: Dims, inner: Dims) -> Dims:
    """A computed measure's own dimensions beside those of what it computes from."""
    offered = (own.offered or frozenset()) | (inner.offered or frozenset())
    return Dims(own.default | inner.default, offered)


def _measure(library: Library, measure_id: str, seen: frozenset[str]) -> Dims:
    measure = library.measures.get(measure_id)
    if measure is None or measure_id in seen:
        return _NONE
    found = [_version(library, v, seen) for v in measure.versions]
    default = frozenset().union(*(f.default for f in found))
    # a measure offers what each of its versions offers (or has)
    has = [f.offered | f.default for f in found if f.offered is not None]
    return Dims(default, frozenset.intersection(*has) if has else frozenset())


def _expr(library: Library, expr: ast.Expr, seen: frozenset[str]) -> Dims:
    match expr:
        case ast.NameRef(name=name) if name in library.measures:
            return _measure(library, name, seen)
        case ast.Total(by=by):
            return Dims(frozenset(by), frozenset())
        case ast.Slice(measure=name, dimension=dim):
            found = _measure(library, name, seen)
            offered = None if found.offered is None else found.offered - {dim}
            return Dims(found.default - {dim}, offered)
        case ast.Binary(left=left, right=right):
            return _join(_expr(library, left, seen), _expr(library, right, seen))
        case ast.Negate(operand=operand):
            return _expr(library, operand, seen)
        case ast.Call(args=args):
            parts = [_expr(library, a, seen) for a in args]
            result = _ANY
            for part in parts:
                result = _join(result, part)
            return result
    return _ANY


def _join(a: Dims, b: Dims) -> Dims:
    """Two operands combined: the dimensions of either; offered where both have it."""
    if a.offered is None:
        return Dims(a.default | b.default, b.offered)
    if b.offered is None:
        return Dims(a.default | b.default, a.offered)
    return Dims(a.default | b.default, (a.offered | a.default) & (b.offered | b.default))
