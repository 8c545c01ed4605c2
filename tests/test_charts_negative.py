"""Stacked bars with negative parts (issue 15): positive parts stack upward from 0,
negative parts (a refund) downward from 0, and the value axis covers both; golden SVG."""

from __future__ import annotations

import pytest

from maatstaf.renderers import svg
from maatstaf.renderers.chart_axes import HEIGHT, nice_scale
from tests.golden import check_golden
from tests.test_charts import GOLDEN, _heights, frame, parse, rects, texts

LABELS = ["apr", "mei", "jun"]
PAID = [
    svg.Series("Periodiek", [1000, 2100, 2100]),
    svg.Series("Vakantiegeld", [None, 600, None]),
    svg.Series("Terugvordering", [-150, None, -400]),
]


def _chart() -> str:
    return svg.stacked_bar_chart(frame("Betaald", "euro", ["2021-04", "2021-06"]), LABELS, PAID)


def _marks() -> dict[str, tuple[float, float]]:
    """Per mark (its tooltip): its top and bottom y."""
    return {
        r.find("s:title", {"s": "http://www.w3.org/2000/svg"}).text: (
            float(r.get("y")),
            float(r.get("y")) + float(r.get("height")),
        )
        for r in rects(parse(_chart()))
    }


def _zero() -> float:
    """The y of 0: where the bottom of April's positive bar stands."""
    return _marks()["Periodiek apr: 1.000"][1]


def test_negative_parts_hang_below_zero_and_positive_parts_stand_on_it() -> None:
    marks, zero = _marks(), _zero()
    assert marks["Terugvordering apr: -150"][0] == pytest.approx(zero, abs=0.1)
    assert marks["Terugvordering jun: -400"][0] == pytest.approx(zero, abs=0.1)
    for name in ("Periodiek mei: 2.100", "Periodiek jun: 2.100"):
        assert marks[name][1] == pytest.approx(zero, abs=0.1)
    # vakantiegeld stacks on periodiek, above 0
    assert marks["Vakantiegeld mei: 600"][1] == pytest.approx(
        marks["Periodiek mei: 2.100"][0], abs=0.2
    )
    assert all(height > 0 for _, height in _heights(parse(_chart())).items())


def test_heights_are_in_proportion_on_both_sides_of_zero() -> None:
    heights = _heights(parse(_chart()))
    assert heights["Terugvordering jun: -400"] / heights["Periodiek jun: 2.100"] == pytest.approx(
        400 / 2100, rel=0.01
    )
    assert heights["Terugvordering jun: -400"] == pytest.approx(
        4 * heights["Terugvordering apr: -150"] / 1.5, rel=0.01
    )


def test_the_value_axis_covers_the_negative_range() -> None:
    labels = texts(parse(_chart()))
    assert any(t.startswith("-") for t in labels), labels
    assert "0" in labels
    marks = _marks()
    lowest = max(bottom for _, bottom in marks.values())
    assert lowest < HEIGHT  # inside the chart


def test_a_stack_of_only_negative_parts() -> None:
    chart = svg.stacked_bar_chart(frame(), ["Q1"], [svg.Series("a", [-30]), svg.Series("b", [-10])])
    heights = _heights(parse(chart))
    assert heights["a Q1: -30"] == pytest.approx(3 * heights["b Q1: -10"], rel=0.01)


def test_stacked_with_negative_parts_golden() -> None:
    check_golden(_chart() + "\n", GOLDEN / "stacked_negative.svg")


def test_a_small_negative_part_gets_room_not_a_whole_empty_step() -> None:
    """Refunds of € 4.709 under payments of € 829.000: the axis ends at -25.000 (a tenth
    of its step), its round ticks start at 0."""
    scale = nice_scale([-4709, 829000])
    assert (scale.low, scale.high, scale.step) == (-25000, 1000000, 250000)
    assert scale.ticks() == [0, 250000, 500000, 750000, 1000000]
    wide = nice_scale([-400, 2700])  # a refund large beside the rest keeps whole steps
    assert (wide.low, wide.ticks()[0]) == (-1000, -1000)
