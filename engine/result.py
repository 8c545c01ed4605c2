"""The typed result of a run: figures with provenance, as renderers and JSON see them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from maatstaf.adapters.base import RejectedRow, RejectionCount, TableStats

SCHEMA_VERSION = "1.0"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Target(_Frozen):
    """The target a figure is measured against, and whether it is met (None: no figure).

    ``warn`` is the bound of the warning band (``target >= 95% warn >= 90%``): a figure that
    misses the target but lies within the band has ``status`` "warn" (amber)."""

    operator: Literal["=", "!=", "<", "<=", ">", ">="]
    value: float
    met: bool | None
    warn: float | None = None
    status: Literal["met", "warn", "missed"] | None = None


class DefinitionBreak(_Frozen):
    """A compared period whose published figure follows another version of the definition.

    The comparison's own value for that period is computed with the compared figure's
    version; this says which version was valid there, since when the later one applies, and
    the figure by that earlier version (the one published at the time)."""

    valid_from: str  # ISO date from which the compared figure's version applies
    previous_definition_version: int
    previous_definition_value: int | float | None


class Comparison(_Frozen):
    """The same figure for the previous period and for the same period a year earlier,
    computed with the figure's own version (``version``), never with another definition.
    Where another version was valid in a compared period, its ``*_break`` says so."""

    version: int
    previous_period: str
    previous_value: int | float | None
    year_earlier_period: str
    year_earlier_value: int | float | None
    previous_break: DefinitionBreak | None = None
    year_earlier_break: DefinitionBreak | None = None


class Figure(_Frozen):
    """One number: a measure (in one version) for one period and one combination of dimensions.

    ``value`` is a plain number: a count, an amount in euro, or a share/ratio as a fraction;
    None where the rule gives no figure (a ratio with a zero denominator).
    """

    measure: str
    version: int
    period: str
    dimensions: dict[str, str]
    value: int | float | None
    target: Target | None = None
    comparison: Comparison | None = None
    suppressed: str | None = None  # the marker shown instead of a hidden value, e.g. "<5"


class MeasureProvenance(_Frozen):
    measure: str
    version: int
    hash: str
    label: str
    unit: str


class Provenance(_Frozen):
    engine: str
    engine_version: str
    data_fingerprint: str
    as_of: str | None
    rejected_rows: int
    grain: Literal["month", "4-weekly", "quarter", "half-year", "year"]
    period_from: str
    period_to: str
    measures: list[MeasureProvenance]


class Note(_Frozen):
    """Something the reader must know: a measure that could not run for a period, and why."""

    measure: str
    message: str


class Suppression(_Frozen):
    """The small-count policy applied to this output."""

    policy: Literal["threshold", "cbs"]
    threshold: int
    marker: str
    hidden: int


class RunResult(_Frozen):
    schema_version: str = SCHEMA_VERSION
    provenance: Provenance
    # a sample of the rejected rows (at most 20 per table, column and reason); their exact
    # numbers per table, column and reason are in rejection_counts
    rejected_rows: list[RejectedRow]
    rejection_counts: list[RejectionCount] = []
    table_stats: list[TableStats]
    notes: list[Note]
    suppression: Suppression | None = None
    figures: list[Figure]
    # dimension -> code -> label, for the codes the figures use that have a declared label
    # ('labels' blocks); the figures keep the codes. Left out where there is none.
    dimension_labels: dict[str, dict[str, str]] = {}
