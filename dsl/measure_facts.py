"""What a report needs to know of a measure: its dimensions, their declared values, and
whether its figures add up (may be stacked, totalled, shown as parts of a whole).

Values are known where the language declares them: the labels of bands, the results of
``when`` mappings (in a measure or a named dimension), the parts of a spread, and the
``mixed``/``ignoring`` values of an entity dimension over a declared mapping. A dimension
that is a plain column has free values: None.
"""

from __future__ import annotations

from pydantic import BaseModel

from maatstaf.dsl import ast
from maatstaf.dsl.model import Library, MeasureVersion


def dimensions(library: Library, version: MeasureVersion, seen: frozenset[str] = frozenset()):
    """The dimension names of a version's figures (a computed measure: those of the measures
    it combines), with the optional ones; None where a measure it uses is unknown."""
    names = set(version.dimension_names) | {d.name for d in version.optional_by}
    match version.aggregate:
        case ast.Compute(expr=expr):
            found = _expr_dimensions(library, expr, seen | {version.measure})
            return None if found is None else names | found
        case ast.SameAs(measure=other):
            return _measure_dimensions(library, other, seen | {version.measure})
    return names


def _measure_dimensions(library: Library, measure_id: str, seen: frozenset[str]):
    measure = library.measures.get(measure_id)
    if measure is None or measure_id in seen:
        return None
    found: set[str] = set()
    for version in measure.versions:
        dims = dimensions(library, version, seen)
        if dims is None:
            return None
        found |= dims
    return found


def _expr_dimensions(library: Library, expr: ast.Expr, seen: frozenset[str]) -> set[str] | None:
    match expr:
        case ast.NameRef(name=name) if name in library.measures:
            return _measure_dimensions(library, name, seen)
        case ast.Total(by=by):
            return set(by)
        case ast.Slice(measure=name, dimension=dim):
            found = _measure_dimensions(library, name, seen)
            return None if found is None else found - {dim}
        case ast.Binary(left=left, right=right):
            a, b = _expr_dimensions(library, left, seen), _expr_dimensions(library, right, seen)
            return None if a is None or b is None else a | b
        case ast.Negate(operand=operand):
            return _expr_dimensions(library, operand, seen)
    return set()


def dimension_values(library: Library, version: MeasureVersion, name: str) -> set[str] | None:
    """The values a dimension of a version can take, where the language declares them."""
    if isinstance(version.aggregate, ast.Spread) and version.aggregate.into == name:
        return {p.label for p in version.aggregate.parts}
    for spec in (*version.by, *version.optional_by):
        if spec.name != name:
            continue
        if isinstance(spec, ast.EntityDimension):
            named = library.dimensions.get(name)
            inner = fixed_texts(named.value) if named is not None else None
            return None if inner is None else inner | {spec.mixed, spec.ignoring}
        value = spec.value
        if value is None and name in library.dimensions:
            value = library.dimensions[name].value
        return None if value is None else fixed_texts(value)
    match version.aggregate:
        case ast.Compute(expr=expr):
            return _expr_values(library, expr, name, frozenset({version.measure}))
        case ast.SameAs(measure=other):
            return _measure_values(library, other, name, frozenset({version.measure}))
    return None


def _measure_values(library: Library, measure_id: str, name: str, seen: frozenset[str]):
    measure = library.measures.get(measure_id)
    if measure is None or measure_id in seen:
        return None
    found: set[str] = set()
    for version in measure.versions:
        values = dimension_values(library, version, name)
        if values is None:
            return None
        found |= values
    return found


def _expr_values(library: Library, expr: ast.Expr, name: str, seen: frozenset[str]):
    """The values of a dimension in a computed measure: those of every operand that has it."""
    operands = [n.name for n in _measure_refs(expr) if n.name in library.measures]
    found: set[str] = set()
    for measure_id in operands:
        dims = _measure_dimensions(library, measure_id, seen)
        if dims is None or name not in dims:
            continue
        values = _measure_values(library, measure_id, name, seen)
        if values is None:
            return None
        found |= values
    return found or None


def _measure_refs(expr: ast.Expr) -> list[ast.NameRef]:
    match expr:
        case ast.NameRef():
            return [expr]
        case ast.Binary(left=left, right=right):
            return _measure_refs(left) + _measure_refs(right)
        case ast.Negate(operand=operand):
            return _measure_refs(operand)
    return []


def fixed_texts(value: ast.Expr) -> set[str] | None:
    """The texts a mapping or banding yields; None when one of them is not a fixed text."""
    match value:
        case ast.Mapping(cases=cases, otherwise=otherwise):
            results = [result for result, _ in cases] + [otherwise]
        case ast.Banding(bands=bands, rest=rest):
            results = [label for label, _ in bands] + [rest]
        case _:
            return None
    if not all(isinstance(r, ast.StringLit) for r in results):
        return None
    return {r.value for r in results if isinstance(r, ast.StringLit)}


def additive(library: Library, version: MeasureVersion, seen: frozenset[str] = frozenset()) -> bool:
    """Whether the figures of a version add up over its dimension values and over measures:
    counts and sums do; shares, averages, sums per entity and ratios do not. A measure
    that says 'not additive' does not; one that says 'additive over ...' of a computed
    figure (which the rule alone cannot tell) does."""
    declared = version.additivity
    if declared is not None and not declared.over:
        return False
    if declared is not None and isinstance(version.aggregate, ast.Compute):
        return True
    return _inferred_additive(library, version, seen)


def _inferred_additive(library: Library, version: MeasureVersion, seen: frozenset[str]) -> bool:
    match version.aggregate:
        case ast.CountRows() | ast.CountDistinct() | ast.Spread():
            return True
        case ast.SumOf(per=per):
            return per is None
        case ast.AveragePer() | ast.ShareOf():
            return False
        case ast.Compute(expr=expr):
            return _additive_expr(library, expr, seen | {version.measure})
        case ast.SameAs(measure=other):
            return _additive_measure(library, other, seen | {version.measure})
    return False


def _additive_measure(library: Library, measure_id: str, seen: frozenset[str]) -> bool:
    measure = library.measures.get(measure_id)
    if measure is None or measure_id in seen:
        return False
    return all(additive(library, v, seen) for v in measure.versions)


def _additive_expr(library: Library, expr: ast.Expr, seen: frozenset[str]) -> bool:
    """Sums and differences of additive measures (and of their totals and slices) add up;
    a product or a quotient does not."""
    match expr:
        case ast.NameRef(name=name):
            return _additive_measure(library, name, seen)
        case ast.Total(measure=name) | ast.Slice(measure=name):
            return _additive_measure(library, name, seen)
        case ast.Binary(op=op, left=left, right=right) if op in ("+", "-"):
            return _additive_expr(library, left, seen) and _additive_expr(library, right, seen)
        case ast.Negate(operand=operand):
            return _additive_expr(library, operand, seen)
    return False


# The dimension a run over several municipalities adds (engine.run.REGION_DIMENSION).
REGION = "gemeente"


def additive_over(
    library: Library, version: MeasureVersion, dimension: str, seen: frozenset[str] = frozenset()
) -> bool:
    """Whether a version's figures for the values of one dimension add up to its figure
    without that dimension, so that a total row or column may show their sum.

    A declared 'not additive' or 'additive over ...' without the dimension: no. Otherwise
    the rule decides: row counts, sums (not per entity) and spreads add up over every
    dimension; a distinct count only over a dimension that puts each counted entity in
    one group (``by x per client_id``, ``most simultaneous per client_id``,
    ``spell_start(client_id)``), never over a row-level category (one client can have rows
    in two); shares, averages and statistics never. A computed figure adds up where its
    operands do and it only adds or subtracts them, or where it says so."""
    declared = version.additivity
    if declared is not None:
        if dimension not in declared.over:
            return False
        if isinstance(version.aggregate, ast.Compute):
            return True
    return inferred_additive_over(library, version, dimension, seen)


def inferred_additive_over(
    library: Library, version: MeasureVersion, dimension: str, seen: frozenset[str] = frozenset()
) -> bool:
    """``additive_over`` as the rule alone says it, whatever the measure declares."""
    match version.aggregate:
        case ast.CountRows() | ast.Spread():
            return True
        case ast.SumOf(per=per):
            return per is None
        case ast.CountDistinct(column=column):
            return one_per_entity(library, version, dimension, column)
        case ast.Compute(expr=expr):
            return _expr_over(library, expr, dimension, seen | {version.measure})
        case ast.SameAs(measure=other):
            return _measure_over(library, other, dimension, seen | {version.measure})
    return False


def one_per_entity(library: Library, version: MeasureVersion, dimension: str, entity: str) -> bool:
    """Whether a dimension gives each counted entity one value: ``by x per client_id``, a
    peak ``most simultaneous per client_id`` or a ``spell_start(client_id)`` banding."""
    for spec in (*version.by, *version.optional_by):
        if spec.name != dimension:
            continue
        if isinstance(spec, ast.EntityDimension):
            return spec.entity == entity
        value = spec.value
        if value is None and dimension in library.dimensions:
            value = library.dimensions[dimension].value
        return value is not None and _per_entity(value, entity)
    return False


def _per_entity(node: object, entity: str) -> bool:
    match node:
        case ast.Simultaneous(entity=name):
            return name == entity
        case ast.Call(function="spell_start" | "rows_per", args=(ast.NameRef(name=name), *_)):
            return name == entity
        case BaseModel():
            return any(_per_entity(getattr(node, f), entity) for f in type(node).model_fields)
        case tuple() | list():
            return any(_per_entity(item, entity) for item in node)
    return False


def _measure_over(library: Library, measure_id: str, dimension: str, seen: frozenset[str]) -> bool:
    measure = library.measures.get(measure_id)
    if measure is None or measure_id in seen:
        return False
    return all(additive_over(library, v, dimension, seen) for v in measure.versions)


def _expr_over(library: Library, expr: ast.Expr, dimension: str, seen: frozenset[str]) -> bool:
    match expr:
        case ast.NameRef(name=name):
            # an operand without the dimension is repeated in every group: no sum
            dims = _measure_dimensions(library, name, seen)
            has = dimension == REGION or (dims is not None and dimension in dims)
            return has and _measure_over(library, name, dimension, seen)
        case ast.Total(measure=name, by=by):
            return dimension in by and _measure_over(library, name, dimension, seen)
        case ast.Slice(measure=name, dimension=sliced):
            return sliced != dimension and _measure_over(library, name, dimension, seen)
        case ast.Binary(op=op, left=left, right=right) if op in ("+", "-"):
            return _expr_over(library, left, dimension, seen) and _expr_over(
                library, right, dimension, seen
            )
        case ast.Negate(operand=operand):
            return _expr_over(library, operand, dimension, seen)
    return False
