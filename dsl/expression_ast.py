"""The syntax tree of expressions and conditions: the values a definition computes and the
tests it puts to rows, as frozen pydantic models, each with its source span.

Expressions and conditions form a closed set of node types (the unions ``Expr`` and
``Condition``); every stage that walks them dispatches with ``match`` and fails loudly on a
node it does not know. The two are mutually recursive (a ``case`` holds conditions, a
comparison holds expressions), so they share this module: pydantic resolves a model's
forward references from the namespace of the module that defines it, when the model is
first built (``dsl.node``). Other modules name them through ``maatstaf.dsl.ast``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal, Union

from maatstaf.dsl.errors import Span
from maatstaf.dsl.node import Node

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
