"""The syntax tree of a definition file: frozen pydantic models, each with its source span.

Expressions and conditions form a closed set of node types; every stage that walks them
dispatches with ``match`` and fails loudly on a node it does not know.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal, Union

from maatstaf.dsl.errors import Span
from pydantic import BaseModel, ConfigDict


class Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    span: Span


# ---- expressions ------------------------------------------------------------------


class StringLit(Node):
    kind: Literal["string"] = "string"
    value: str


class NumberLit(Node):
    kind: Literal["number"] = "number"
    value: Decimal


class PercentLit(Node):
    """``80%``: the fraction 0.8."""

    kind: Literal["percent"] = "percent"
    value: Decimal


class DurationLit(Node):
    """``56 days``."""

    kind: Literal["duration"] = "duration"
    days: int


class DateLit(Node):
    kind: Literal["date"] = "date"
    value: dt.date


class NameRef(Node):
    """A column, ``alias.column``, parameter or measure: the resolver decides which."""

    kind: Literal["name"] = "name"
    name: str


class PeriodBound(Node):
    kind: Literal["period_bound"] = "period_bound"
    bound: Literal["begin", "end"]


class Peildatum(Node):
    """The reference date of a period: its last day."""

    kind: Literal["peildatum"] = "peildatum"


class Binary(Node):
    kind: Literal["binary"] = "binary"
    op: Literal["+", "-", "*", "/"]
    left: Expr
    right: Expr


class Negate(Node):
    kind: Literal["negate"] = "negate"
    operand: Expr


Expr = Union[  # noqa: UP007 (pydantic needs the Union for recursive forward references)
    StringLit,
    NumberLit,
    PercentLit,
    DurationLit,
    DateLit,
    NameRef,
    PeriodBound,
    Peildatum,
    Binary,
    Negate,
]
Literal_ = StringLit | NumberLit | PercentLit | DurationLit | DateLit


# ---- conditions -------------------------------------------------------------------


class Compare(Node):
    kind: Literal["compare"] = "compare"
    op: Literal["=", "!=", "<", "<=", ">", ">="]
    left: Expr
    right: Expr


class InList(Node):
    kind: Literal["in_list"] = "in_list"
    operand: Expr
    values: tuple[StringLit | NumberLit | DateLit, ...]
    negated: bool = False


class IsEmpty(Node):
    kind: Literal["is_empty"] = "is_empty"
    operand: Expr
    negated: bool = False


class PeriodRelation(Node):
    """``active in period``, ``starts in period``, ``ends in period`` (per the catalogue)."""

    kind: Literal["period_relation"] = "period_relation"
    relation: Literal["active", "starts", "ends"]
    subject: str | None = None


class InPeriod(Node):
    """``besloten_op in period``: a date between the period's first and last day."""

    kind: Literal["in_period"] = "in_period"
    operand: Expr


class And(Node):
    kind: Literal["and"] = "and"
    items: tuple[Condition, ...]


class Or(Node):
    kind: Literal["or"] = "or"
    items: tuple[Condition, ...]


class Not(Node):
    kind: Literal["not"] = "not"
    item: Condition


Condition = Union[  # noqa: UP007
    Compare,
    InList,
    IsEmpty,
    PeriodRelation,
    InPeriod,
    And,
    Or,
    Not,
]


# ---- aggregates -------------------------------------------------------------------


class CountRows(Node):
    """``count toewijzingen``: the number of rows."""

    kind: Literal["count_rows"] = "count_rows"
    table: str
    alias: str | None = None
    table_span: Span | None = None


class CountDistinct(Node):
    """``count distinct client_id in toewijzingen``."""

    kind: Literal["count_distinct"] = "count_distinct"
    column: str
    table: str
    alias: str | None = None
    column_span: Span | None = None
    table_span: Span | None = None


class SumOf(Node):
    """``sum bedrag in declaraties``."""

    kind: Literal["sum"] = "sum"
    column: str
    table: str
    alias: str | None = None
    column_span: Span | None = None
    table_span: Span | None = None


class Compute(Node):
    """``compute a / b``: arithmetic over other measures' figures."""

    kind: Literal["compute"] = "compute"
    expr: Expr


class SameAs(Node):
    """``same as jeugd.unieke_clienten``: this version counts exactly what that measure counts."""

    kind: Literal["same_as"] = "same_as"
    measure: str


Aggregate = CountRows | CountDistinct | SumOf | Compute | SameAs
TableAggregate = CountRows | CountDistinct | SumOf


# ---- declarations -----------------------------------------------------------------

Grain = Literal["month", "quarter", "year"]


class Body(Node):
    """The members of a measure or of one of its versions, as written."""

    label: str | None = None
    unit: str | None = None
    owner: str | None = None
    source: str | None = None
    description: str | None = None
    grains: tuple[Grain, ...] | None = None
    aggregate: Aggregate | None = None
    where: Condition | None = None
    by: tuple[str, ...] | None = None
    by_spans: tuple[Span, ...] | None = None


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


class ParameterDecl(Node):
    name: str
    value: Literal_
    text: str


class TableScopeDecl(Node):
    """``table toewijzingen { exclude where ... }``: rows no measure may count."""

    table: str
    excludes: tuple[Condition, ...]
    text: str


Declaration = MeasureDecl | ParameterDecl | TableScopeDecl


class DefinitionFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    declarations: tuple[Declaration, ...]


for _model in (Binary, Negate, Compare, InList, IsEmpty, InPeriod, And, Or, Not, Compute, Body):
    _model.model_rebuild()
