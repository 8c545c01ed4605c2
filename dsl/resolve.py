"""resolve: syntax trees of all definition files -> a checked ``Library``.

Collects every problem before failing: unknown tables, columns, measures and parameters
(with did-you-mean), type errors, missing metadata, duplicate ids and overlapping
versions. Dependency cycles are found by the engine's graph stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import pairwise

import networkx as nx
from maatstaf.dsl import ast
from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span, did_you_mean, with_source
from maatstaf.dsl.model import Library, Measure, MeasureVersion, Parameter
from maatstaf.dsl.schema import Schema
from maatstaf.dsl.typing import Scope, Type, check_condition, expr_type, literal_type

REQUIRED_METADATA = ("label", "unit", "owner", "description")
GRAINS: tuple[ast.Grain, ...] = ("month", "quarter", "year")


def resolve(
    files: Iterable[ast.DefinitionFile], sources: dict[str, str], schema: Schema
) -> Library:
    """Check and combine definition files; raise DefinitionError listing every problem."""
    files = tuple(files)
    problems: list[Diagnostic] = []
    parameters = _parameters(files, problems)
    param_types = {name: literal_type(p.value) for name, p in parameters.items()}
    measure_decls = _measure_decls(files, problems)
    scopes, scope_texts = _scopes(files, schema, param_types, problems)
    measures = {}
    for decl in measure_decls.values():
        measure = _measure(decl, schema, param_types, frozenset(measure_decls), problems)
        if measure is not None:
            measures[decl.id] = measure
    library = Library(
        measures=measures,
        parameters=parameters,
        scopes=scopes,
        scope_texts=scope_texts,
        sources=sources,
    )
    problems.extend(cycle_diagnostics(library))
    if problems:
        raise DefinitionError(with_source(p, sources) for p in problems)
    return library


def cycle_diagnostics(library: Library) -> list[Diagnostic]:
    """One diagnostic per dependency cycle, naming every member in order."""
    graph = nx.DiGraph()
    for measure in library.measures.values():
        graph.add_node(measure.id)
        for version in measure.versions:
            graph.add_edges_from((dep, measure.id) for dep in version.depends_on)
    problems = []
    for cycle in sorted(nx.simple_cycles(graph), key=sorted):
        start = cycle.index(min(cycle))
        ids = cycle[start:] + cycle[:start]
        problems.append(
            Diagnostic(
                message="dependency cycle: " + " -> ".join([*ids, ids[0]]),
                span=library.measures[ids[0]].span,
                hint="A measure cannot depend on itself, directly or through others.",
            )
        )
    return problems


def _parameters(
    files: tuple[ast.DefinitionFile, ...], problems: list[Diagnostic]
) -> dict[str, Parameter]:
    found: dict[str, Parameter] = {}
    for decl in _declarations(files, ast.ParameterDecl):
        if decl.name in found:
            problems.append(
                Diagnostic(
                    message=f"parameter '{decl.name}' is declared twice",
                    span=decl.span,
                    hint=f"First declared at {found[decl.name].span}.",
                )
            )
            continue
        found[decl.name] = Parameter(
            name=decl.name, value=decl.value, span=decl.span, text=decl.text
        )
    return found


def _measure_decls(
    files: tuple[ast.DefinitionFile, ...], problems: list[Diagnostic]
) -> dict[str, ast.MeasureDecl]:
    found: dict[str, ast.MeasureDecl] = {}
    for decl in _declarations(files, ast.MeasureDecl):
        if decl.id in found:
            problems.append(
                Diagnostic(
                    message=f"measure '{decl.id}' is defined twice",
                    span=decl.span,
                    hint=f"First defined at {found[decl.id].span}.",
                )
            )
            continue
        found[decl.id] = decl
    return found


def _scopes(files, schema: Schema, param_types: dict[str, Type], problems: list[Diagnostic]):
    scopes: dict[str, tuple[ast.Condition, ...]] = {}
    texts: dict[str, str] = {}
    for decl in _declarations(files, ast.TableScopeDecl):
        table = schema.table(decl.table)
        if table is None:
            problems.append(_unknown_table(decl.table, decl.span, schema))
            continue
        scope = Scope(table=table, alias=None, parameters=param_types)
        for condition in decl.excludes:
            check_condition(condition, scope)
        problems.extend(scope.diagnostics)
        scopes[decl.table] = scopes.get(decl.table, ()) + decl.excludes
        texts[decl.table] = texts.get(decl.table, "") + decl.text
    return scopes, texts


def _declarations(files: tuple[ast.DefinitionFile, ...], kind: type) -> list:
    return [d for f in files for d in f.declarations if isinstance(d, kind)]


def _unknown_table(name: str, span: Span, schema: Schema) -> Diagnostic:
    return Diagnostic(
        message=f"unknown table '{name}'",
        span=span,
        hint=did_you_mean(name, schema.table_names)
        or f"Known tables: {', '.join(schema.table_names)}.",
    )


def _measure(
    decl: ast.MeasureDecl,
    schema: Schema,
    param_types: dict[str, Type],
    measure_ids: frozenset[str],
    problems: list[Diagnostic],
) -> Measure | None:
    if decl.versions and decl.body.aggregate is not None:
        problems.append(
            Diagnostic(
                message=f"measure '{decl.id}' has versions and also a rule outside them",
                span=decl.body.aggregate.span,
                hint="Move the rule into a version block.",
            )
        )
        return None
    blocks = decl.versions or (
        ast.VersionDecl(span=decl.span, number=1, body=ast.Body(span=decl.span), text=""),
    )
    versions = []
    for block in blocks:
        version = _version(decl, block, schema, param_types, measure_ids, problems)
        if version is not None:
            versions.append(version)
    _check_versions(decl, problems)
    return Measure(
        id=decl.id, versions=tuple(sorted(versions, key=lambda v: v.number)), span=decl.span
    )


def _check_versions(decl: ast.MeasureDecl, problems: list[Diagnostic]) -> None:
    seen: dict[int, ast.VersionDecl] = {}
    for block in decl.versions:
        if block.number in seen:
            problems.append(
                Diagnostic(
                    message=f"version {block.number} of '{decl.id}' is defined twice",
                    span=block.span,
                )
            )
        seen[block.number] = block
        if block.valid_from and block.valid_until and block.valid_until < block.valid_from:
            problems.append(
                Diagnostic(
                    message=f"version {block.number} is valid until before it is valid from",
                    span=block.span,
                )
            )
    ordered = sorted(decl.versions, key=lambda b: b.valid_from or _MIN_DATE)
    for earlier, later in pairwise(ordered):
        if (earlier.valid_until or _MAX_DATE) >= (later.valid_from or _MIN_DATE):
            problems.append(
                Diagnostic(
                    message=f"versions {earlier.number} and {later.number} of '{decl.id}' are "
                    f"both valid on {later.valid_from or earlier.valid_from or 'every day'}",
                    span=later.span,
                    hint="Give each version its own validity (valid from / valid until).",
                )
            )


def _version(
    decl: ast.MeasureDecl,
    block: ast.VersionDecl,
    schema: Schema,
    param_types: dict[str, Type],
    measure_ids: frozenset[str],
    problems: list[Diagnostic],
) -> MeasureVersion | None:
    merged = {k: v for k, v in decl.body if v is not None and k != "span"}
    merged.update({k: v for k, v in block.body if v is not None and k != "span"})
    missing = [m for m in REQUIRED_METADATA if not merged.get(m)]
    for name in missing:
        problems.append(
            Diagnostic(
                message=f"measure '{decl.id}' has no {name}",
                span=decl.span,
                hint=f"Add a line '{name} \"...\"' to the measure.",
            )
        )
    aggregate = merged.get("aggregate")
    if aggregate is None:
        problems.append(
            Diagnostic(
                message=f"measure '{decl.id}' does not say what it counts",
                span=block.span,
                hint="Add 'count ...', 'sum ...', 'compute ...' or 'same as ...'.",
            )
        )
        return None
    checked = _check_rule(decl, aggregate, merged, schema, param_types, measure_ids, problems)
    if checked is None or missing:
        return None
    scope, tables = checked
    header = decl.text[: decl.text.find("{") + 1] if decl.versions else ""
    return MeasureVersion(
        measure=decl.id,
        number=block.number,
        valid_from=block.valid_from,
        valid_until=block.valid_until,
        label=merged["label"],
        unit=merged["unit"],
        owner=merged["owner"],
        source=merged.get("source"),
        description=merged["description"],
        grains=merged.get("grains", GRAINS),
        aggregate=aggregate,
        where=merged.get("where"),
        by=merged.get("by", ()),
        span=block.span,
        text=(header + block.text) if decl.versions else decl.text,
        depends_on=tuple(sorted(scope.used_measures)),
        tables=tables,
        parameters=tuple(sorted(scope.used_parameters)),
    )


def _check_rule(
    decl,
    aggregate: ast.Aggregate,
    merged: dict,
    schema: Schema,
    param_types: dict[str, Type],
    measure_ids: frozenset[str],
    problems: list[Diagnostic],
) -> tuple[Scope, tuple[str, ...]] | None:
    match aggregate:
        case ast.Compute() | ast.SameAs():
            scope = Scope(table=None, alias=None, parameters=param_types, measures=measure_ids)
            if isinstance(aggregate, ast.SameAs):
                expr_type(ast.NameRef(span=aggregate.span, name=aggregate.measure), scope)
            else:
                expr_type(aggregate.expr, scope)
            if merged.get("where") is not None:
                scope.error(
                    "'where' has no meaning for a measure computed from other measures",
                    merged["where"],
                )
            if merged.get("by"):
                scope.error(
                    "'by' has no meaning for a measure computed from other measures",
                    ast.Node(span=merged["by_spans"][0]),
                )
            problems.extend(scope.diagnostics)
            return scope, ()
        case ast.CountRows() | ast.CountDistinct() | ast.SumOf():
            return _check_table_rule(aggregate, merged, schema, param_types, problems)
    raise AssertionError(f"unknown aggregate {aggregate!r}")


def _check_table_rule(
    aggregate: ast.TableAggregate,
    merged: dict,
    schema: Schema,
    param_types: dict[str, Type],
    problems: list[Diagnostic],
):
    table = schema.table(aggregate.table)
    if table is None:
        problems.append(
            _unknown_table(aggregate.table, aggregate.table_span or aggregate.span, schema)
        )
        return None
    scope = Scope(table=table, alias=aggregate.alias, parameters=param_types)
    if isinstance(aggregate, ast.CountDistinct | ast.SumOf):
        expr_type(
            ast.NameRef(span=aggregate.column_span or aggregate.span, name=aggregate.column), scope
        )
        if (
            isinstance(aggregate, ast.SumOf)
            and table.column(aggregate.column) is not None
            and table.column(aggregate.column).type not in ("decimal", "integer")
        ):
            scope.error(f"cannot sum '{aggregate.column}': it is not a number", aggregate)
    if merged.get("where") is not None:
        check_condition(merged["where"], scope)
    for dim, span in zip(merged.get("by", ()), merged.get("by_spans", ()), strict=True):
        if table.column(dim) is None:
            scope.error(
                f"unknown column '{dim}' in table '{table.name}'.",
                ast.Node(span=span),
                did_you_mean(dim, table.column_names),
            )
    problems.extend(scope.diagnostics)
    return scope, (table.name,)


_MIN_DATE = dt.date.min
_MAX_DATE = dt.date.max
