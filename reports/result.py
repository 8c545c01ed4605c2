"""The resolved report: per section and item the figures it shows, ready for a renderer.

Every value says which version of its measure it was computed with; a comparison carries
the version of the figure it compares (forced for the earlier period) and, where the
earlier period's own version differs, that period's own figure as a ``definition_break``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from maatstaf.engine.result import Note, Provenance, Suppression

SCHEMA_VERSION = "1.0"

State = Literal["ok", "not_updated", "not_yet", "unavailable"]
"""ok: a figure (or no figure where the rule gives none); not_updated: the data does not
reach the period; not_yet: the period lies after the report period; unavailable: no
version of the measure is valid, or the engine could not compute it."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PeriodRef(_Frozen):
    """A period as shown: its label (``2021-03``, ``2021-01..2021-03``) and its grain."""

    period: str
    grain: Literal["month", "quarter", "year"]
    span: bool = False


class Value(_Frozen):
    period: PeriodRef
    value: int | float | None
    version: int | None
    state: State = "ok"
    suppressed: str | None = None  # the marker shown instead of a hidden value
    note: str | None = None  # "nog niet bijgewerkt (gegevens tot en met maart 2021)"


class DefinitionBreak(_Frozen):
    """The earlier period's figure by its own version, beside one computed with the
    version of the figure it is compared with."""

    valid_from: str | None  # ISO date from which the compared version applies
    version: int
    value: int | float | None
    suppressed: str | None = None


class Compared(_Frozen):
    """A comparison: the earlier figure by the version of the figure it is compared with."""

    kind: Literal["previous", "back", "year_earlier", "year_to_date"]
    periods: int = 1
    base: Value  # the figure compared (P, or P's year to date)
    other: Value  # the earlier figure, computed with base.version
    definition_break: DefinitionBreak | None = None


class TargetStatus(_Frozen):
    operator: Literal["=", "!=", "<", "<=", ">", ">="]
    value: float
    warn: float | None
    status: Literal["met", "warn", "missed"] | None  # None: no figure


class Row(_Frozen):
    """One measure (and one combination of its dimensions) over the item's periods."""

    measure: str
    label: str
    unit: str
    dimensions: dict[str, str]  # the codes
    # the declared label of each dimension value that has one ('labels' blocks)
    dimension_labels: dict[str, str] = {}
    values: list[Value]
    target: TargetStatus | None = None  # at the report period
    compared: list[Compared] = []
    share: list[float | None] = []  # with ``percentages``: per value, its part of the total


class TileResult(_Frozen):
    kind: Literal["tile"] = "tile"
    measure: str
    label: str
    unit: str
    rows: list[Row]  # one, or one per dimension value


class ChartResult(_Frozen):
    kind: Literal["chart"] = "chart"
    chart: str
    title: str
    periods: list[PeriodRef]
    rows: list[Row]
    axes: list[Literal["left", "right"]]  # per row
    styles: list[Literal["bars", "line"] | None]  # per row
    # rows 0 in every period were left out: a combination of a breakdown without a row is 0
    without_zero_rows: bool = False


class Column(_Frozen):
    period: PeriodRef
    compared: Literal["previous", "back", "year_earlier", "year_to_date"] | None = None
    break_before: bool = False  # the version changes between this column and the one before


class TableResult(_Frozen):
    kind: Literal["table"] = "table"
    title: str
    periods_as: Literal["columns", "rows"]
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None
    percentages: bool = False
    footnotes: list[str] = []


class TextResult(_Frozen):
    kind: Literal["text"] = "text"
    markdown: str  # with every {measure} and {period} reference in place
    values: dict[str, Value] = {}  # the figure each {measure} reference stands for
    units: dict[str, str] = {}  # the unit of each, for formatting


ItemResult = TileResult | ChartResult | TableResult | TextResult


class SectionResult(_Frozen):
    title: str
    items: list[ItemResult]


class ReportResult(_Frozen):
    schema_version: str = SCHEMA_VERSION
    id: str
    title: str
    subtitle: str | None
    source: str | None
    period: PeriodRef
    sections: list[SectionResult]
    notes: list[Note]
    provenance: list[Provenance]  # one per run the report needed
    suppression: Suppression | None = None
