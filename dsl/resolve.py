"""resolve: syntax trees of all definition files -> a checked ``Library``.

Collects every problem before failing: unknown tables, columns, measures, parameters and
dimensions (with did-you-mean), type errors, missing metadata, duplicate ids, overlapping
versions and dependency cycles (naming every member).

The checks of a measure's rule (aggregate, dimensions, targets) are ``check_rules``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from maatstaf.dsl import ast
from maatstaf.dsl.check_conditions import check_condition
from maatstaf.dsl.check_reports import check_reports
from maatstaf.dsl.check_rules import check_computed, check_table_rule
from maatstaf.dsl.errors import DefinitionError, Diagnostic, Span, did_you_mean, with_source
from maatstaf.dsl.labels import with_labels
from maatstaf.dsl.labels_ast import LabelsDecl
from maatstaf.dsl.model import Library, Measure, MeasureVersion, Parameter
from maatstaf.dsl.params import fill_lists, scalar_types
from maatstaf.dsl.report_ast import Report
from maatstaf.dsl.schema import Schema
from maatstaf.dsl.typing import Scope, Type, Usage, expr_type
from maatstaf.dsl.units import check_unit
from maatstaf.dsl.versions import version_diagnostics

REQUIRED_METADATA = ("label", "unit", "owner", "description")
GRAINS: tuple[ast.Grain, ...] = ("month", "4-weekly", "quarter", "half-year", "year")
TABLE_AGGREGATES = (
    ast.CountRows,
    ast.CountDistinct,
    ast.SumOf,
    ast.AveragePer,
    ast.Statistic,
    ast.ShareOf,
    ast.Spread,
)


def resolve(
    files: Iterable[ast.DefinitionFile], sources: dict[str, str], schema: Schema
) -> Library:
    """Check and combine definition files; raise DefinitionError listing every problem."""
    resolver = _Resolver(tuple(files), schema)
    library = resolver.library(sources)
    problems = resolver.problems + cycle_diagnostics(library)
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


@dataclass
class _Resolver:
    files: tuple[ast.DefinitionFile, ...]
    schema: Schema
    problems: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.parameters = self._unique(ast.ParameterDecl, lambda d: d.name, "parameter")
        self.param_types: dict[str, Type] = scalar_types(self.parameters)
        self.files, misuse = fill_lists(self.files, self.parameters)
        self.problems.extend(misuse)
        self.measure_decls = self._unique(ast.MeasureDecl, lambda d: d.id, "measure")
        self.dimension_decls = self._unique(ast.DimensionDecl, lambda d: d.name, "dimension")
        self.published = self._unique(ast.PublishedDecl, lambda d: d.name, "published table")
        self.reports = self._unique(Report, lambda d: d.id, "report")

    def library(self, sources: dict[str, str]) -> Library:
        scopes, scope_texts = self._scopes()
        for decl in self.published.values():
            for relation in decl.relations:
                for side in (relation.left, relation.right):
                    self._check_cells(side)
        self._check_dimension_decls()
        measures = {}
        for decl in self.measure_decls.values():
            measure = self._measure(decl)
            if measure is not None:
                measures[decl.id] = measure
        parameters = {
            n: Parameter(name=n, value=d.value, span=d.span, text=d.text)
            for n, d in self.parameters.items()
        }
        library = Library(
            measures=measures,
            parameters=parameters,
            scopes=scopes,
            scope_texts=scope_texts,
            dimensions=self.dimension_decls,
            published=self.published,
            reports=self.reports,
            sources=sources,
        )
        library, found = with_labels(library, self._declarations(LabelsDecl), self.schema)
        self.problems.extend(found)
        broken = frozenset(self.measure_decls) - frozenset(measures)
        self.problems.extend(check_reports(self.reports.values(), library, broken))
        return library

    def _check_cells(self, expr: ast.Expr) -> None:
        """A relation between published cells: texts (cells), numbers and + - * /."""
        match expr:
            case ast.StringLit() | ast.NumberLit() | ast.PercentLit():
                return
            case ast.Binary():
                self._check_cells(expr.left)
                self._check_cells(expr.right)
                return
            case ast.Negate():
                self._check_cells(expr.operand)
                return
        self.problems.append(
            Diagnostic(
                message="a relation combines cells (quoted column or row names) and numbers",
                span=expr.span,
                hint='For example: each row: "Totaal" = "Gemeente" + "Beide".',
            )
        )

    # -- declarations
    def _declarations(self, kind: type) -> list:
        return [d for f in self.files for d in f.declarations if isinstance(d, kind)]

    def _unique(self, kind: type, key, what: str) -> dict:
        found: dict = {}
        for decl in self._declarations(kind):
            name = key(decl)
            if name in found:
                self.problems.append(
                    Diagnostic(
                        message=f"{what} '{name}' is defined twice",
                        span=decl.span,
                        hint=f"First defined at {found[name].span}.",
                    )
                )
                continue
            found[name] = decl
        return found

    def _scope(self, table=None, alias=None, usage: Usage | None = None) -> Scope:
        measures = frozenset(self.measure_decls)
        return Scope(table, alias, self.param_types, measures, self.schema, None, usage or Usage())

    def _table(self, name: str, span: Span):
        table = self.schema.table(name)
        if table is None:
            self.problems.append(
                Diagnostic(
                    message=f"unknown table '{name}'",
                    span=span,
                    hint=did_you_mean(name, self.schema.table_names)
                    or f"Known tables: {', '.join(self.schema.table_names)}.",
                )
            )
        return table

    def _scopes(self) -> tuple[dict[str, tuple[ast.Condition, ...]], dict[str, str]]:
        scopes: dict[str, tuple[ast.Condition, ...]] = {}
        texts: dict[str, str] = {}
        for decl in self._declarations(ast.TableScopeDecl):
            table = self._table(decl.table, decl.span)
            if table is None:
                continue
            scope = self._scope(table)
            for condition in decl.excludes:
                check_condition(condition, scope)
            self.problems.extend(scope.diagnostics)
            scopes[decl.table] = scopes.get(decl.table, ()) + decl.excludes
            texts[decl.table] = texts.get(decl.table, "") + decl.text
        return scopes, texts

    def _check_dimension_decls(self) -> None:
        for decl in self.dimension_decls.values():
            table = self._table(decl.table, decl.span)
            if table is None:
                continue
            scope = self._scope(table)
            expr_type(decl.value, scope)
            self.problems.extend(scope.diagnostics)

    # -- measures
    def _measure(self, decl: ast.MeasureDecl) -> Measure | None:
        if decl.versions and decl.body.aggregate is not None:
            self.problems.append(
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
        versions = [v for b in blocks if (v := self._version(decl, b)) is not None]
        self.problems.extend(version_diagnostics(decl))
        return Measure(
            id=decl.id, versions=tuple(sorted(versions, key=lambda v: v.number)), span=decl.span
        )

    def _version(self, decl: ast.MeasureDecl, block: ast.VersionDecl) -> MeasureVersion | None:
        merged = {k: v for k, v in decl.body if v is not None and k != "span"}
        merged.update({k: v for k, v in block.body if v is not None and k != "span"})
        missing = [m for m in REQUIRED_METADATA if not merged.get(m)]
        for name in missing:
            self.problems.append(
                Diagnostic(
                    message=f"measure '{decl.id}' has no {name}",
                    span=decl.span,
                    hint=f"Add a line '{name} \"...\"' to the measure.",
                )
            )
        aggregate = merged.get("aggregate")
        if aggregate is None:
            self.problems.append(
                Diagnostic(
                    message=f"measure '{decl.id}' does not say what it counts",
                    span=block.span,
                    hint="Add 'count ...', 'sum ...', 'share of ...', 'compute ...' "
                    "or 'same as ...'.",
                )
            )
            return None
        usage = Usage()
        tables = self._check_rule(aggregate, merged, usage)
        self.problems.extend(usage.diagnostics)
        if merged.get("unit"):
            where = merged.get("unit_span") or block.span
            unit_problem = check_unit(merged["unit"], where, aggregate)
            self.problems.extend([unit_problem] if unit_problem else [])
        if tables is None or missing or usage.diagnostics:
            return None
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
            having=merged.get("having"),
            by=merged.get("by", ()),
            optional_by=merged.get("optional_by", ()),
            targets=merged.get("targets", ()),
            additivity=merged.get("additive"),
            span=block.span,
            text=f"{header}\n  {block.text}\n}}" if decl.versions else decl.text,
            depends_on=tuple(sorted(usage.measures)),
            tables=tuple(sorted(usage.tables | tables)),
            parameters=tuple(sorted(usage.parameters)),
            dimensions=tuple(sorted(self._named_dimensions(merged.get("by", ()), tables))),
        )

    def _named_dimensions(self, by: tuple[ast.DimensionSpec, ...], tables: set[str]) -> set[str]:
        names = {d.name for d in by if isinstance(d, ast.Dimension) and d.value is None}
        names |= {d.name for d in by if isinstance(d, ast.EntityDimension)}
        return {
            n
            for n in names
            if n in self.dimension_decls and self.dimension_decls[n].table in tables
        }

    def _check_rule(self, aggregate: ast.Aggregate, merged: dict, usage: Usage) -> set[str] | None:
        """The tables a rule reads, once checked in its scope; None where its table is unknown."""
        if isinstance(aggregate, ast.Compute | ast.SameAs):
            check_computed(aggregate, merged, self._scope(usage=usage))
            return set()
        assert isinstance(aggregate, TABLE_AGGREGATES)
        table = self._table(aggregate.table, aggregate.table_span or aggregate.span)
        if table is None:
            return None
        scope = self._scope(table, aggregate.alias, usage)
        check_table_rule(aggregate, merged, scope, self.dimension_decls)
        return {table.name}
