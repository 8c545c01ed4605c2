"""A bar chart of one period by one or two dimensions puts the (first) dimension's values
along the axis; by two, each value of the second has its own colour (Dongen's clients in
bijstand by leeftijd and geslacht). A combination without a row is 0 where the chart left
out its zero rows, else no figure."""

from __future__ import annotations

import re

from maatstaf.renderers.report_html import charts
from maatstaf.reports.result import ChartResult, PeriodRef, Row, Value

Q4 = PeriodRef(period="2020-Q4", grain="quarter")
GENDERS = {"m": "Man", "v": "Vrouw", "x": "Onbekend"}


def _row(figure: float, **dimensions: str) -> Row:
    labels = {"geslacht": GENDERS[dimensions["geslacht"]]} if "geslacht" in dimensions else {}
    return Row(
        measure="participatie.clienten", label="Cliënten", unit="clienten",
        dimensions=dimensions, dimension_labels=labels,
        values=[Value(period=Q4, value=figure, version=1)],
    )  # fmt: skip


def _chart(rows: list[Row], kind: str = "bars", without_zero_rows: bool = False) -> str:
    item = ChartResult(
        chart=kind, title="Cliënten", periods=[Q4], rows=rows, axes=["left"] * len(rows),
        styles=[None] * len(rows), without_zero_rows=without_zero_rows,
    )  # fmt: skip
    [svg] = charts(item)
    return svg


def _bars(svg: str) -> list[str]:
    """The tooltip of every bar: 'series label: value'."""
    return re.findall(r"<rect [^>]*><title>([^<]*)</title>", svg)


def _ticks(svg: str) -> list[str]:
    return re.findall(r'class="tick" text-anchor="middle"[^>]*>([^<]*)<', svg)


ROWS = [
    _row(36, leeftijd="<27", geslacht="m"),
    _row(50, leeftijd="<27", geslacht="v"),
    _row(41, leeftijd="27-34", geslacht="m"),
    _row(1, leeftijd="27-34", geslacht="x"),
]


def test_two_dimensions_the_first_along_the_axis_the_second_in_colour() -> None:
    svg = _chart(ROWS, without_zero_rows=True)
    assert _ticks(svg) == ["&lt;27", "27-34"]
    assert _bars(svg) == [
        "Man &lt;27: 36", "Man 27-34: 41",
        "Vrouw &lt;27: 50", "Vrouw 27-34: 0",
        "Onbekend &lt;27: 0", "Onbekend 27-34: 1",
    ]  # fmt: skip


def test_without_left_out_zero_rows_a_missing_combination_is_no_figure() -> None:
    bars = _bars(_chart(ROWS))  # no figure: no bar (a gap), never a bar of 0
    assert bars == ["Man &lt;27: 36", "Man 27-34: 41", "Vrouw &lt;27: 50", "Onbekend 27-34: 1"]


def test_one_dimension_its_values_along_the_axis_in_one_colour() -> None:
    rows = [_row(66, duur="<1 jaar"), _row(197, duur="5+ jaar")]
    svg = _chart(rows, kind="grouped_bars")
    assert _ticks(svg) == ["&lt;1 jaar", "5+ jaar"]
    assert [b.rsplit(": ", 1)[1] for b in _bars(svg)] == ["66", "197"]


def test_several_periods_keep_the_periods_along_the_axis() -> None:
    q3 = PeriodRef(period="2020-Q3", grain="quarter")
    rows = [
        r.model_copy(update={"values": [Value(period=q3, value=1, version=1), *r.values]})
        for r in ROWS
    ]
    item = ChartResult(
        chart="bars", title="C", periods=[q3, Q4], rows=rows, axes=["left"] * 4, styles=[None] * 4
    )
    [svg] = charts(item)
    assert "&lt;27" not in _ticks(svg) and len(_ticks(svg)) == 2
