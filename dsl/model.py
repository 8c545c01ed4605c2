"""The semantic model: resolved, checked measures and parameters, ready for the engine."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from maatstaf.dsl import ast
from maatstaf.dsl.errors import Span
from maatstaf.dsl.labels_ast import Additivity
from maatstaf.dsl.report_ast import Report
from maatstaf.dsl.schema import Schema, canonical_schema


class MeasureVersion(BaseModel):
    """One version of a measure: what it counts, over which rows, valid when."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    measure: str
    number: int
    valid_from: dt.date | None
    valid_until: dt.date | None
    label: str
    unit: str
    owner: str
    source: str | None
    description: str
    grains: tuple[ast.Grain, ...]
    aggregate: ast.Aggregate
    where: ast.Condition | None
    by: tuple[ast.DimensionSpec, ...]
    # 'having sum(bedrag) > 10000': only the counted entities whose rows (those 'where'
    # keeps, in the period and the cell) meet it are counted
    having: ast.Condition | None = None
    optional_by: tuple[ast.Dimension, ...] = ()
    targets: tuple[ast.Target, ...]
    span: Span
    text: str
    depends_on: tuple[str, ...]
    tables: tuple[str, ...]
    parameters: tuple[str, ...]
    dimensions: tuple[str, ...]
    # 'additive over a, b' / 'not additive' as declared; None: inferred from the rule
    additivity: Additivity | None = None

    @property
    def dimension_names(self) -> tuple[str, ...]:
        """The figure's dimensions: those of ``by`` and the parts of a spread."""
        names = tuple(d.name for d in self.by)
        if isinstance(self.aggregate, ast.Spread):
            names += (self.aggregate.into,)
        return names

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class Measure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str
    versions: tuple[MeasureVersion, ...]
    span: Span

    def version(self, number: int) -> MeasureVersion | None:
        return next((v for v in self.versions if v.number == number), None)

    def version_on(self, day: dt.date) -> MeasureVersion | None:
        """The version valid on a day (validity never overlaps; the resolver checks)."""
        return next((v for v in self.versions if v.valid_on(day)), None)


class Parameter(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    value: ast.Literal_ | ast.ListValue | ast.DatedValues
    span: Span
    text: str


class Library(BaseModel):
    """Every measure, parameter and table scope of a set of definition files."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    measures: dict[str, Measure]
    parameters: dict[str, Parameter]
    scopes: dict[str, tuple[ast.Condition, ...]]
    scope_texts: dict[str, str]
    dimensions: dict[str, ast.DimensionDecl]
    published: dict[str, ast.PublishedDecl] = {}
    reports: dict[str, Report] = {}  # report declarations, by id
    # 'labels' declarations: dimension (or column) name -> code -> the words shown for it
    labels: dict[str, dict[str, str]] = {}
    sources: dict[str, str]
    # what loading said about the standard library (which standard files apply, what the
    # user's files replace, that the standard measures are not loaded); shown by 'check'
    notes: tuple[str, ...] = ()
    # the canonical tables with those the files declare or extend ('table ... { column ...'):
    # what the resolver checked against, and what the adapters read (None: the canonical)
    data_schema: Schema | None = None

    @property
    def table_schema(self) -> Schema:
        """The schema data for this library is read and checked with."""
        return self.data_schema if self.data_schema is not None else canonical_schema()

    def label(self, dimension: str, code: str) -> str | None:
        """The declared label of a dimension's code; None where there is none."""
        return self.labels.get(dimension, {}).get(code)

    def dimension(self, table: str, name: str) -> ast.DimensionDecl | None:
        found = self.dimensions.get(name)
        return found if found is not None and found.table == table else None
