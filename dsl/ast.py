"""The syntax tree of a definition file: frozen pydantic models, each with its source span.

Expressions and conditions form a closed set of node types; every stage that walks them
dispatches with ``match`` and fails loudly on a node it does not know.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict

from maatstaf.dsl.errors import Span
from maatstaf.dsl.labels_ast import Additivity, LabelsDecl
from maatstaf.dsl.node import Node
from maatstaf.dsl.report_ast import Report

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
    """``56 days``, ``5 years``, ``1 month``: a number of calendar units."""

    kind: Literal["duration"] = "duration"
    amount: int
    unit: Literal["day", "month", "year"] = "day"

    @property
    def days(self) -> int:
        assert self.unit == "day", "only a duration in days is a number of days"
        return self.amount


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


class Call(Node):
    """A function of the language: ``age(date, on)``, ``spell_start(entity)``."""

    kind: Literal["call"] = "call"
    function: str
    args: tuple[Expr, ...]


class Simultaneous(Node):
    """``most simultaneous per client_id``: an entity's peak of rows active on one day."""

    kind: Literal["simultaneous"] = "simultaneous"
    entity: str


class Total(Node):
    """``total M by d``: measure M summed over all its dimensions except those named."""

    kind: Literal["total"] = "total"
    measure: str
    by: tuple[str, ...] = ()


class Slice(Node):
    """``verplichting for jaardeel = "kalenderjaar"``: one value of a dimension, dropped."""

    kind: Literal["slice"] = "slice"
    measure: str
    dimension: str
    value: str


class Mapping(Node):
    """``"a" when cond, "b" when cond, otherwise "c"``: the first case that holds."""

    kind: Literal["mapping"] = "mapping"
    cases: tuple[tuple[Expr, Condition], ...]
    otherwise: Expr


class Banding(Node):
    """``x in bands "<1" under 1, "1+"``: the label of the first band whose limit x is under."""

    kind: Literal["banding"] = "banding"
    operand: Expr
    bands: tuple[tuple[Expr, Expr], ...]
    rest: Expr


class Case(Node):
    """``case when c1 then v1 when c2 then v2 else v3 end``: the value of the first ``when``
    whose condition holds, else the ``else`` value (required: nothing is silently empty)."""

    kind: Literal["case"] = "case"
    cases: tuple[tuple[Condition, Expr], ...]
    otherwise: Expr


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
    Call,
    Simultaneous,
    Total,
    Slice,
    Mapping,
    Banding,
    Case,
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
    parameter: str | None = None  # 'in NAME': the list parameter (the resolver fills values)


class IsEmpty(Node):
    kind: Literal["is_empty"] = "is_empty"
    operand: Expr
    negated: bool = False


class RowWindow(Node):
    """The days a period condition takes rows over, ending with the period's last day:
    ``year to date`` (from the first day of the period's year) or ``rolling 12 months``
    (the ``months`` months ending with it)."""

    kind: Literal["window"] = "window"
    what: Literal["year_to_date", "rolling"]
    months: int = 0

    def words(self) -> str:
        """As written: 'year to date', 'rolling 12 months'."""
        if self.what == "year_to_date":
            return "year to date"
        return f"rolling {self.months} month{'s' if self.months != 1 else ''}"


class PeriodRelation(Node):
    """``active in period``, ``starts in period``, ``ends in period`` (per the catalogue);
    over a window ending with the period: ``active in rolling 12 months``."""

    kind: Literal["period_relation"] = "period_relation"
    relation: Literal["active", "starts", "ends"]
    subject: str | None = None
    window: RowWindow | None = None


class ActiveOn(Node):
    """``active on peildatum``: the row runs on that day."""

    kind: Literal["active_on"] = "active_on"
    day: Expr
    subject: str | None = None


class ActiveBetween(Node):
    """``active from a until b``: the row runs on at least one day from a to b."""

    kind: Literal["active_between"] = "active_between"
    first: Expr
    last: Expr
    subject: str | None = None


class ActiveEachMonth(Node):
    """``active in each month``: the row counts once for every month of the period it runs in."""

    kind: Literal["active_each_month"] = "active_each_month"
    subject: str | None = None


class Adjoins(Node):
    """``v adjoins t``: v ends the day before t starts (``within g``: up to g days later)."""

    kind: Literal["adjoins"] = "adjoins"
    left: str
    right: str
    within: Expr | None = None


class Exists(Node):
    """``exists T as e with same c where (cond)``; ``no T ...`` when negated."""

    kind: Literal["exists"] = "exists"
    negated: bool
    table: str
    alias: str | None = None
    same: tuple[str, ...] = ()
    where: Condition | None = None
    table_span: Span | None = None
    same_spans: tuple[Span, ...] = ()


class InPeriod(Node):
    """``besloten_op in period``: a date between the period's first and last day; with a
    window, between the window's first day and the period's last (``in year to date``)."""

    kind: Literal["in_period"] = "in_period"
    operand: Expr
    window: RowWindow | None = None


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
    ActiveOn,
    ActiveBetween,
    ActiveEachMonth,
    Adjoins,
    Exists,
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
    """``sum bedrag in declaraties``; with ``per client_id``: the sum divided by the number
    of distinct clients among the summed rows."""

    kind: Literal["sum"] = "sum"
    expr: Expr
    table: str
    alias: str | None = None
    per: str | None = None
    table_span: Span | None = None


class AveragePer(Node):
    """``average x per huishouden_id in uitkeringen``: x once per entity, then the mean."""

    kind: Literal["average_per"] = "average_per"
    expr: Expr
    per: str
    table: str
    alias: str | None = None
    table_span: Span | None = None


class Statistic(Node):
    """``median x in T``, ``percentile 90 x in T``, ``min``, ``max``: a statistic of x over
    the counted rows; with ``per client_id``: x once per entity (as ``average ... per``),
    then the statistic over the entities. Percentiles interpolate linearly between the
    closest ranks (Excel's PERCENTIEL.INC; DuckDB's quantile_cont). Not additive; no figure
    where no row counts."""

    kind: Literal["statistic"] = "statistic"
    function: Literal["min", "max", "median", "percentile"]
    percentile: Decimal | None = None  # N of 'percentile N', 0 < N < 100
    expr: Expr
    table: str
    alias: str | None = None
    per: str | None = None
    table_span: Span | None = None

    @property
    def fraction(self) -> float | None:
        """The quantile a median or percentile asks for (0.5 for the median)."""
        if self.function == "median":
            return 0.5
        return float(self.percentile) / 100 if self.percentile is not None else None


class ShareOf(Node):
    """``share of aanvragen meeting cond``: of the rows counted, the fraction meeting cond.
    No figure where no row is counted."""

    kind: Literal["share_of"] = "share_of"
    table: str
    alias: str | None = None
    meeting: Condition
    table_span: Span | None = None


class SpreadPart(Node):
    label: str
    begin: Expr
    end: Expr


class Spread(Node):
    """``spread budget in toewijzingen from a until b into jaardeel: "x" from c until d, ...``:
    each row's amount spread evenly over the days from a to b; each part is the share of
    the days that fall from c to d. The parts become the dimension named after ``into``."""

    kind: Literal["spread"] = "spread"
    amount: Expr
    table: str
    alias: str | None = None
    begin: Expr
    end: Expr
    into: str
    parts: tuple[SpreadPart, ...]
    table_span: Span | None = None


class Compute(Node):
    """``compute a / b``: arithmetic over other measures' figures."""

    kind: Literal["compute"] = "compute"
    expr: Expr


class SameAs(Node):
    """``same as jeugd.unieke_clienten``: this version counts exactly what that measure counts."""

    kind: Literal["same_as"] = "same_as"
    measure: str


Aggregate = (
    CountRows | CountDistinct | SumOf | AveragePer | Statistic | ShareOf | Spread | Compute | SameAs
)
TableAggregate = CountRows | CountDistinct | SumOf | AveragePer | Statistic | ShareOf | Spread


# ---- dimensions and targets --------------------------------------------------------


class Dimension(Node):
    """``by hoofdcategorie`` (a column or a declared dimension) or ``by name = value``."""

    name: str
    value: Expr | None = None


class EntityDimension(Node):
    """``by verwijzer_groep per client_id, mixed as "beide", ignoring "onbekend"``: an
    entity's value is the single value of its rows (ignoring one), or ``mixed`` when they
    differ, or the ignored value when that is all there is."""

    name: str
    entity: str
    mixed: str
    ignoring: str


DimensionSpec = Dimension | EntityDimension


class Target(Node):
    """``target >= 80% when regeling = "wmo"``; ``otherwise`` when no other target applies.

    ``target >= 95% warn >= 90%``: a figure that misses the target but meets ``warn`` lies in
    the warning band (amber); the band lies on the failing side of the target."""

    op: Literal["=", "!=", "<", "<=", ">", ">="]
    value: Expr
    warn_op: Literal["<", "<=", ">", ">="] | None = None
    warn: Expr | None = None
    when: Condition | None = None
    otherwise: bool = False


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
