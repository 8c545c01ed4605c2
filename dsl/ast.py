"""The syntax tree of a definition file: frozen pydantic models, each with its source span.

This module holds the declarations (measures and their versions, parameters, named
dimensions, published tables, table scopes) and ``DefinitionFile``. The rest of the tree
lives beside it, and every node of it is re-exported here (``__all__``), so that
``ast.Binary``, ``ast.Condition`` or ``ast.Aggregate`` name any part of the tree:

- ``dsl.expression_ast``: expressions and conditions (``Expr``, ``Condition``);
- ``dsl.measure_ast``: aggregates, dimensions and targets;
- ``dsl.report_ast``: reports; ``dsl.labels_ast``: code labels and declared additivity.

Each of those modules imports, at run time, every name its annotations use: pydantic
resolves a model's forward references from the namespace of its defining module when the
model is first built (``dsl.node``: ``defer_build``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from maatstaf.dsl.errors import Span
from maatstaf.dsl.expression_ast import (
    ActiveBetween,
    ActiveEachMonth,
    ActiveOn,
    Adjoins,
    And,
    Banding,
    Binary,
    Call,
    Case,
    Compare,
    Condition,
    DateLit,
    DurationLit,
    Exists,
    Expr,
    InList,
    InPeriod,
    IsEmpty,
    Literal_,
    Mapping,
    NameRef,
    Negate,
    Not,
    NumberLit,
    Or,
    Peildatum,
    PercentLit,
    PeriodBound,
    PeriodRelation,
    RowWindow,
    Simultaneous,
    Slice,
    StringLit,
    Total,
)
from maatstaf.dsl.labels_ast import Additivity, LabelsDecl
from maatstaf.dsl.measure_ast import (
    Aggregate,
    AveragePer,
    Compute,
    CountDistinct,
    CountRows,
    Dimension,
    DimensionSpec,
    EntityDimension,
    SameAs,
    ShareOf,
    Spread,
    SpreadPart,
    Statistic,
    SumOf,
    TableAggregate,
    Target,
)
from maatstaf.dsl.node import Node
from maatstaf.dsl.report_ast import Report

# The whole tree, wherever a part is defined (see the imports above): ``from maatstaf.dsl
# import ast`` and ``ast.<name>`` is the contract the rest of the code base relies on.
__all__ = [
    "ActiveBetween",
    "ActiveEachMonth",
    "ActiveOn",
    "Additivity",
    "Adjoins",
    "Aggregate",
    "And",
    "AveragePer",
    "Banding",
    "Binary",
    "Body",
    "Call",
    "Case",
    "Compare",
    "Compute",
    "Condition",
    "CountDistinct",
    "CountRows",
    "DateLit",
    "DatedValue",
    "DatedValues",
    "Declaration",
    "DefinitionFile",
    "Dimension",
    "DimensionDecl",
    "DimensionSpec",
    "DurationLit",
    "EntityDimension",
    "Exists",
    "Expr",
    "Grain",
    "InList",
    "InPeriod",
    "IsEmpty",
    "LabelsDecl",
    "ListValue",
    "Literal_",
    "Mapping",
    "MeasureDecl",
    "NameRef",
    "Negate",
    "Node",
    "Not",
    "NumberLit",
    "Or",
    "Overrides",
    "ParameterDecl",
    "Peildatum",
    "PercentLit",
    "PeriodBound",
    "PeriodRelation",
    "PublishedDecl",
    "Relation",
    "Report",
    "RowWindow",
    "SameAs",
    "ShareOf",
    "Simultaneous",
    "Slice",
    "Span",
    "Spread",
    "SpreadPart",
    "Statistic",
    "StringLit",
    "SumOf",
    "TableAggregate",
    "TableScopeDecl",
    "Target",
    "Total",
    "VersionDecl",
]


# ---- declarations -----------------------------------------------------------------

Grain = Literal["month", "4-weekly", "quarter", "half-year", "year"]


class Overrides(Node):
    """``overrides wmo.instroom``: this measure replaces the one of that id defined in an
    earlier definition folder, on purpose (``dsl.overrides``)."""

    measure: str


class Body(Node):
    """The members of a measure or of one of its versions, as written."""

    label: str | None = None
    unit: str | None = None
    unit_span: Span | None = None  # where 'unit' stands, for the unit check
    owner: str | None = None
    source: str | None = None
    description: str | None = None
    grains: tuple[Grain, ...] | None = None
    aggregate: Aggregate | None = None
    where: Condition | None = None
    having: Condition | None = None  # on each counted entity's rows: 'having sum(x) > 10000'
    by: tuple[DimensionSpec, ...] | None = None
    optional_by: tuple[Dimension, ...] | None = None
    targets: tuple[Target, ...] | None = None
    additive: Additivity | None = None  # 'additive over ...' / 'not additive'
    overrides: Overrides | None = None  # only in a measure's own block (grammar)


class VersionDecl(Node):
    number: int
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    body: Body
    text: str


class MeasureDecl(Node):
    id: str
    body: Body
    versions: tuple[VersionDecl, ...] = ()
    text: str


class ListValue(Node):
    """``["pw", "ioaw", "ioaz"]``: a list parameter's values, all of one kind."""

    kind: Literal["list"] = "list"
    values: tuple[StringLit | NumberLit | PercentLit | DurationLit, ...]


class DatedValue(Node):
    """``54.30 valid from 2021-01-01``: one value of a dated parameter."""

    value: Literal_
    valid_from: dt.date
    valid_until: dt.date | None = None


class DatedValues(Node):
    """``{ 52.10 valid from 2020-01-01  54.30 valid from 2021-01-01 }``, in date order."""

    kind: Literal["dated"] = "dated"
    values: tuple[DatedValue, ...]

    def validities(self) -> tuple[tuple[dt.date, dt.date | None, Literal_], ...]:
        """(first day, last day or None: open, value) per value: a value without 'valid
        until' is valid until the day before the next one is."""
        nexts = [v.valid_from - dt.timedelta(days=1) for v in self.values[1:]] + [None]
        return tuple(
            (v.valid_from, v.valid_until or after, v.value)
            for v, after in zip(self.values, nexts, strict=True)
        )

    def on(self, day: dt.date) -> Literal_ | None:
        """The value valid on a day (validities never overlap; the transformer checks)."""
        return next(
            (v for first, last, v in self.validities() if first <= day <= (last or day)), None
        )


class ParameterDecl(Node):
    name: str
    value: Literal_ | ListValue | DatedValues
    text: str


class DimensionDecl(Node):
    """``dimension verwijzer_groep of toewijzingen = ...``: a named derived dimension."""

    name: str
    table: str
    value: Expr
    text: str


class Relation(Node):
    """``each row: "Totaal" = "A" + "B"``: texts name cells of the same row (or column)."""

    axis: Literal["row", "column"]
    only: tuple[str, ...] = ()  # the rows or columns it applies to (empty: all)
    left: Expr
    right: Expr


class PublishedDecl(Node):
    """The relations a published table of figures must satisfy."""

    name: str
    label: str | None = None
    relations: tuple[Relation, ...]


class TableScopeDecl(Node):
    """``table toewijzingen { exclude where ... }``: rows no measure may count."""

    table: str
    excludes: tuple[Condition, ...]
    text: str


Declaration = (
    MeasureDecl
    | ParameterDecl
    | TableScopeDecl
    | DimensionDecl
    | PublishedDecl
    | Report
    | LabelsDecl
)


class DefinitionFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    path: str
    declarations: tuple[Declaration, ...]
