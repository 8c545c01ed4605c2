"""The syntax tree of a ``report`` declaration: what a council dashboard shows, in order.

A report names measures and the periods to show them for, relative to the report period P
given when it is run (``--period 2021-Q1``). The planner (``maatstaf.reports``) turns it
into runs; the renderers show the result. Every node carries its source span.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from maatstaf.dsl.errors import Span
from maatstaf.dsl.node import Node

Grain = Literal["month", "quarter", "year"]


class Window(Node):
    """Which periods, relative to the report period P.

    ``last 36 months`` (count=36, grain=month), ``last 3 years by month`` (count=3,
    grain=year, by=month), ``years 2019 to 2021`` (first_year, last_year; ``by`` as for last),
    ``quarters of year``, ``months of year``, ``year``, ``year to date``,
    ``snapshots january, april`` (months=(1, 4)), ``previous year [by quarter]`` (the whole
    calendar year before P's), and ``at``: P itself.
    """

    kind: Literal[
        "last",
        "years",
        "quarters_of_year",
        "months_of_year",
        "year",
        "year_to_date",
        "previous_year",
        "snapshots",
        "at",
    ]
    count: int | None = None  # last N
    grain: Grain | None = None  # the unit of last N
    by: Grain | None = None  # "last 3 years by month": the grain the periods are shown at
    first_year: int | None = None  # years Y1 to Y2
    last_year: int | None = None
    months: tuple[int, ...] = ()  # snapshots (1..12)


class ColumnSpec(Node):
    """A table's columns: one or more windows, in order (``quarters of year, year``)."""

    windows: tuple[Window, ...]


class CompareSpec(Node):
    """``previous period``, ``2 periods back``, ``same period last year``, ``year to date``."""

    kind: Literal["previous", "back", "year_earlier", "year_to_date"]
    periods: int = 1  # for "back"


class Series(Node):
    """One measure as shown: ``jeugd.instroom@2 for regeling = "wmo" by zwaarte``.

    The item shows the dimensions it names (``for``, ``by a and b``) and adds the figures up
    over the measure's other dimensions, where they add up (``maatstaf check`` says where
    they do not)."""

    measure: str  # the measure id, without @version
    version: int | None = None
    filter: dict[str, str] = Field(default_factory=dict)  # for d = "v": one dimension value
    by: str | None = None  # a dimension to break down by
    also_by: tuple[str, ...] = ()  # "by leeftijd and geslacht": the further ones
    axis: Literal["left", "right"] = "left"
    style: Literal["bars", "line"] | None = None  # within a combination chart
    # where the parts stand, for positioned diagnostics
    by_span: Span | None = None
    also_by_spans: tuple[Span, ...] = ()
    filter_spans: dict[str, Span] = Field(default_factory=dict)

    @property
    def breakdown(self) -> tuple[str, ...]:
        """The dimensions the series is broken down by, in order (none, one or more)."""
        return ((self.by,) if self.by is not None else ()) + self.also_by

    @property
    def shown(self) -> tuple[str, ...]:
        """The dimensions the item shows: those it filters on and those it breaks down by.
        It adds up its figures over every other dimension of the measure."""
        return (*self.filter, *self.breakdown)

    @property
    def measure_span(self) -> Span:
        """Where the measure id (with its @version) stands."""
        width = len(self.measure) + (len(f"@{self.version}") if self.version is not None else 0)
        return self.span.model_copy(
            update={"end_line": self.span.line, "end_column": self.span.column + width}
        )


class TextRef(Node):
    """``{jeugd.instroom}`` or ``{period}`` inside a text item, where it stands."""

    name: str


class Tile(Node):
    """One figure at P, with its comparisons and its target."""

    kind: Literal["tile"] = "tile"
    series: Series
    compare: tuple[CompareSpec, ...] = ()


ChartKind = Literal[
    "line",
    "bars",
    "grouped_bars",
    "stacked_bars",
    "combination",
    "donut",
    "small_multiples_year",
    "small_multiples_category",
]


class Chart(Node):
    kind: Literal["chart"] = "chart"
    chart: ChartKind
    title: str
    series: tuple[Series, ...]
    window: Window
    # a breakdown's bar or line that is 0 in every period shown is left out (as in a table)
    without_zero_rows: bool = False


class TableItem(Node):
    kind: Literal["table"] = "table"
    title: str
    series: tuple[Series, ...]
    periods_as: Literal["columns", "rows"] = "columns"
    columns: ColumnSpec
    compare: tuple[CompareSpec, ...] = ()
    total: bool = False
    percentages: bool = False
    sort: Literal["none", "value_desc", "value_asc", "label"] = "none"
    # a breakdown row that is 0 in every column is left out (a hidden or missing figure is not 0)
    without_zero_rows: bool = False


class Text(Node):
    """Markdown with ``{measure.id}`` (the figure at P) and ``{period}`` (P's label)."""

    kind: Literal["text"] = "text"
    markdown: str
    refs: tuple[TextRef, ...] = ()


Item = Tile | Chart | TableItem | Text


class Section(Node):
    title: str
    items: tuple[Item, ...]


class Report(Node):
    id: str
    title: str
    subtitle: str | None = None
    source: str | None = None
    grain: Grain = "month"
    sections: tuple[Section, ...] = ()
    text: str = ""  # the declaration as written

    def measures(self) -> tuple[str, ...]:
        """Every measure id the report shows (in series and in texts), sorted."""
        found: set[str] = set()
        for section in self.sections:
            for item in section.items:
                match item:
                    case Tile():
                        found.add(item.series.measure)
                    case Chart() | TableItem():
                        found |= {s.measure for s in item.series}
                    case Text():
                        found |= {r.name for r in item.refs if r.name != "period"}
                    case _:
                        raise AssertionError(f"unknown report item: {item!r}")
        return tuple(sorted(found))
