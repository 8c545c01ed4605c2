"""The syntax tree of what a measure counts and what it is held to: its aggregate (``count``,
``sum``, ``share of``, ``spread``, ``compute``, ...), its dimensions (``by``) and its
targets, as frozen pydantic models, each with its source span.

The expressions and conditions these hold are imported at run time, not only for type
checking: pydantic resolves ``Expr`` and ``Condition`` from this module's namespace when a
model is first built (``dsl.node``). Other modules name these nodes through
``maatstaf.dsl.ast``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from maatstaf.dsl.errors import Span
from maatstaf.dsl.expression_ast import Condition, Expr
from maatstaf.dsl.node import Node

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
