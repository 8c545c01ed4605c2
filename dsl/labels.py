"""labels: the ``labels`` declarations and the measures' declared additivity, checked
against the schema and the library; every problem a positioned diagnostic.

A ``labels NAME`` names a column of a table, a named dimension or a dimension of a
measure; its codes must be values that name can take where the definitions or the schema
declare them (``values`` of a column, the results of a mapping or banding). An
``additive over`` names dimensions of its measure (or ``gemeente``, which a run over
several municipalities adds) and may not claim what the rule contradicts: a distinct
count over a row-level category, a share, an average.
"""

from __future__ import annotations

from collections.abc import Iterable

from maatstaf.dsl import ast
from maatstaf.dsl.errors import Diagnostic, did_you_mean
from maatstaf.dsl.labels_ast import LabelsDecl
from maatstaf.dsl.measure_facts import (
    REGION,
    dimension_values,
    dimensions,
    fixed_texts,
    inferred_additive_over,
)
from maatstaf.dsl.model import Library, MeasureVersion
from maatstaf.dsl.schema import Schema

# The standard labels (a standard rule file: they join every set of definitions).
STANDARD_LABELS = "definitions/labels.kpi"


def with_labels(
    library: Library, decls: Iterable[LabelsDecl], schema: Schema
) -> tuple[Library, list[Diagnostic]]:
    """The library with its labels, and every problem of the labels and of additivity."""
    labels: dict[str, dict[str, str]] = {}
    problems: list[Diagnostic] = []
    first: dict[str, LabelsDecl] = {}
    for decl in decls:
        if decl.name in first:
            problems.append(
                Diagnostic(
                    message=f"labels '{decl.name}' are declared twice",
                    span=decl.name_span,
                    hint=f"First declared at {first[decl.name].span}; join the two blocks.",
                )
            )
            continue
        first[decl.name] = decl
        found = _check_labels(decl, library, schema)
        if decl.span.file == STANDARD_LABELS:
            # the standard labels serve every set of definitions: what this one lacks (a
            # measure's own dimension, 'beide' of a 'mixed as') is simply not used here
            wrong = {p.span for p in found}
            pairs = [p for p in decl.labels if p.code_span not in wrong]
            if decl.name_span not in wrong and pairs:
                labels[decl.name] = {pair.code: pair.label for pair in pairs}
            continue
        problems.extend(found)
        if not found:
            labels[decl.name] = {pair.code: pair.label for pair in decl.labels}
    for measure in library.measures.values():
        for version in measure.versions:
            problems.extend(additivity_problems(library, version))
    return library.model_copy(update={"labels": labels}), problems


def _check_labels(decl: LabelsDecl, library: Library, schema: Schema) -> list[Diagnostic]:
    known = _known_names(library, schema)
    if decl.name not in known:
        return [
            Diagnostic(
                message=f"unknown column or dimension '{decl.name}' in 'labels'",
                span=decl.name_span,
                hint=did_you_mean(decl.name, known)
                or "Labels belong to a column of a table or to a dimension of a measure.",
            )
        ]
    values = allowed_values(library, schema, decl.name)
    if values is None:
        return []
    return [
        Diagnostic(
            message=f"'{pair.code}' is not a value of '{decl.name}'",
            span=pair.code_span,
            hint=did_you_mean(pair.code, values) or f"Its values: {', '.join(sorted(values))}.",
        )
        for pair in decl.labels
        if pair.code not in values
    ]


def _known_names(library: Library, schema: Schema) -> set[str]:
    names = {c.name for t in schema.tables for c in t.columns} | set(library.dimensions)
    for measure in library.measures.values():
        for version in measure.versions:
            names |= set(version.dimension_names) | {d.name for d in version.optional_by}
    return names


def allowed_values(library: Library, schema: Schema, name: str) -> set[str] | None:
    """The values a column or dimension can take, where every place it comes from
    declares them (a column's ``values``, a mapping's results); None where one is free."""
    found: set[str] = set()
    for table in schema.tables:
        column = table.column(name)
        if column is not None:
            if column.values is None:
                return None
            found |= set(column.values)
    sources = [library.dimensions[name].value] if name in library.dimensions else []
    for measure in library.measures.values():
        for version in measure.versions:
            if not _derives(library, version, name):
                continue
            values = dimension_values(library, version, name)
            if values is None:
                return None
            found |= values
    for value in sources:
        values = fixed_texts(value)
        if values is None:
            return None
        found |= values
    return found


def _derives(library: Library, version: MeasureVersion, name: str) -> bool:
    """Whether a version gives the dimension its values itself (not a plain column)."""
    if isinstance(version.aggregate, ast.Spread) and version.aggregate.into == name:
        return True
    return any(
        spec.name == name and (isinstance(spec, ast.EntityDimension) or spec.value is not None)
        for spec in (*version.by, *version.optional_by)
    )


_KIND = {
    ast.ShareOf: "a share",
    ast.AveragePer: "an average",
    ast.Statistic: "a statistic (minimum, maximum, median or percentile)",
    ast.SumOf: "a sum per entity (an average)",
    ast.SameAs: "the same as a measure that does not add up over it",
}


def additivity_problems(library: Library, version: MeasureVersion) -> list[Diagnostic]:
    """Unknown or repeated dimensions in 'additive over', and claims the rule contradicts."""
    declared = version.additivity
    if declared is None:
        return []
    known = (dimensions(library, version) or set()) | {REGION}
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    for name, span in zip(declared.over, declared.over_spans, strict=True):
        if name in seen:
            problems.append(Diagnostic(message=f"dimension '{name}' is named twice", span=span))
            continue
        seen.add(name)
        if name not in known:
            problems.append(
                Diagnostic(
                    message=f"unknown dimension '{name}' in 'additive over' of measure "
                    f"'{version.measure}'",
                    span=span,
                    hint=did_you_mean(name, known)
                    or f"Its dimensions: {', '.join(sorted(known))}.",
                )
            )
        elif not isinstance(version.aggregate, ast.Compute) and not inferred_additive_over(
            library, version, name
        ):
            problems.append(_contradiction(version, name, span))
    return problems


def _contradiction(version: MeasureVersion, name: str, span) -> Diagnostic:
    aggregate = version.aggregate
    if isinstance(aggregate, ast.CountDistinct):
        return Diagnostic(
            message=f"measure '{version.measure}' counts distinct {aggregate.column}: one "
            f"{aggregate.column} can have rows in several values of '{name}', so its "
            "figures do not add up over it",
            span=span,
            hint=f"Remove '{name}' from 'additive over', or give each {aggregate.column} one "
            f'value: \'by {name} per {aggregate.column}, mixed as "...", ignoring "..."\'.',
        )
    kind = _KIND.get(type(aggregate), "not a count or a sum")
    return Diagnostic(
        message=f"measure '{version.measure}' cannot be additive over '{name}': it is {kind}",
        span=span,
        hint=f"Remove '{name}' from 'additive over'.",
    )
