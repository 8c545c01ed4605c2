"""The chart kinds (svg.py): every chart states its title, unit and period visibly, is
accessible, labels periods in Dutch, and draws what the numbers say: bar heights and line
points in proportion on their own axis, stacks that sum, donut shares that add to 100 %,
small multiples on one scale, no mark where there is no figure."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from maatstaf.renderers import svg
from maatstaf.renderers.chart_axes import HEIGHT, nice_scale
from maatstaf.renderers.format import number_nl, percent_nl
from tests.golden import check_golden

NS = {"s": "http://www.w3.org/2000/svg"}
GOLDEN = Path(__file__).parent / "golden" / "charts"


def fmt(value: float) -> str:
    return number_nl(value, 0)


def pct(value: float) -> str:
    return percent_nl(value, 0)


MONTHS = [f"2021-{m:02d}" for m in range(1, 13)]


def frame(title: str = "Instroom", unit: str = "cliënten", periods=MONTHS) -> svg.Frame:
    return svg.Frame(title, unit, svg.period_span(periods), fmt)


def parse(chart: str) -> ET.Element:
    return ET.fromstring(chart)


def texts(root: ET.Element, cls: str | None = None) -> list[str]:
    return [
        (t.text or "")
        for t in root.iter("{http://www.w3.org/2000/svg}text")
        if cls is None or cls in (t.get("class") or "").split()
    ]


def rects(root: ET.Element) -> list[ET.Element]:
    """The marks (rects with a tooltip), not the legend's swatches."""
    return [
        r
        for r in root.iter("{http://www.w3.org/2000/svg}rect")
        if r.find("s:title", NS) is not None
    ]


def every_kind() -> dict[str, str]:
    labels = svg.period_labels(MONTHS)
    a = svg.Series("Instroom", [40, 52, None, 61, 38, 45, 50, 49, 47, 60, 58, 55])
    b = svg.Series("Uitstroom", [30, 31, 29, 35, 33, 40, 41, 38, 30, 29, 35, 36])
    clients = svg.Series("Unieke cliënten", [1400 + 10 * i for i in range(12)])
    rate = svg.Frame("Tijdigheid", "%", svg.period_span(MONTHS), pct)
    return {
        "line": svg.line_chart(
            rate, labels, [svg.Series("wmo", [0.8 + i / 100 for i in range(12)])]
        ),
        "bars": svg.bar_chart(frame(), labels, a),
        "grouped": svg.grouped_bar_chart(frame(), labels, [a, b]),
        "stacked": svg.stacked_bar_chart(frame(), labels, [a, b]),
        "combination": svg.combination_chart(frame(), labels, [a, b], [clients], "cliënten"),
        "donut": svg.donut_chart(
            svg.Frame("Zwaarte", "voorzieningen", "december 2021", fmt),
            [("licht", 500), ("middel", 300), ("zwaar", 200)],
            pct,
        ),
        "multiples": svg.small_multiples(
            svg.Frame("Instroom per jaar", "cliënten", "per maand", fmt),
            [
                svg.Panel(
                    "2020", svg.period_labels(MONTHS, year=False), [svg.Series("x", [10] * 12)]
                ),
                svg.Panel(
                    "2021", svg.period_labels(MONTHS, year=False), [svg.Series("x", [90] * 12)]
                ),
            ],
        ),
    }


@pytest.mark.parametrize("kind", list(every_kind()))
def test_every_chart_shows_its_title_unit_and_period_and_is_accessible(kind: str) -> None:
    chart = every_kind()[kind]
    root = parse(chart)
    assert root.get("role") == "img"
    assert root.get("aria-label", "").startswith(root.find("s:title", NS).text)
    assert root.find("s:desc", NS).text
    title = texts(root, "chart-title")
    assert len(title) == 1 and title[0] == root.find("s:title", NS).text
    shown = " ".join(texts(root))
    unit = {"line": "%", "donut": "voorzieningen"}.get(kind, "cliënten")
    assert unit in shown
    period = {"donut": "december 2021", "multiples": "per maand"}.get(
        kind, "per maand, jan 2021 – dec 2021"
    )
    assert period in texts(root, "axis-title")


def test_dutch_month_abbreviations_with_the_year_on_the_first_and_on_january() -> None:
    labels = svg.period_labels([f"2020-{m:02d}" for m in range(11, 13)] + MONTHS)
    assert labels == [
        "nov 2020", "dec", "jan 2021", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep",
        "okt", "nov", "dec",
    ]  # fmt: skip
    assert svg.period_labels(["2021-Q4", "2022-Q1", "2022-Q2"]) == ["Q4 2021", "Q1 2022", "Q2"]
    assert svg.period_labels(["2019", "2020"]) == ["2019", "2020"]
    assert svg.period_labels(MONTHS[:2], year=False) == ["jan", "feb"]
    assert svg.period_span(["2021-Q1", "2021-Q4"]) == "per kwartaal, Q1 2021 – Q4 2021"


def test_codes_are_shown_readable() -> None:
    assert svg.readable("niet_gemeente") == "niet-gemeente"
    chart = svg.grouped_bar_chart(
        frame(), ["2021"], [svg.Series(svg.readable("niet_gemeente"), [3])]
    )
    assert "niet_gemeente" not in chart and "niet-gemeente" in chart


def test_round_scales() -> None:
    assert nice_scale([0, 1493]).ticks() == [0, 500, 1000, 1500]
    assert nice_scale([37, 61]).ticks() == [0, 20, 40, 60, 80]
    assert nice_scale([-12, 30]).ticks() == [-20, 0, 20, 40]
    assert nice_scale([None, None]).ticks() == [0, 0.25, 0.5, 0.75, 1.0]


def _heights(root: ET.Element) -> dict[str, float]:
    found = {}
    for r in rects(root):
        found[r.find("s:title", NS).text] = float(r.get("height"))
    return found


def test_bars_are_in_proportion_and_a_missing_figure_draws_nothing() -> None:
    root = parse(every_kind()["bars"])
    heights = _heights(root)
    assert "Instroom mrt: –" not in heights and len(heights) == 11  # no bar, never a zero bar
    assert heights["Instroom apr: 61"] / heights["Instroom jan 2021: 40"] == pytest.approx(
        61 / 40, rel=0.01
    )


def test_combination_puts_the_line_on_its_own_right_axis() -> None:
    """Inflow (~50) and unique clients (~1.500) never share an axis: the bars fill the
    plot on their own scale, and the right axis' ticks cover the line."""
    root = parse(every_kind()["combination"])
    right = [
        t
        for t in root.iter("{http://www.w3.org/2000/svg}text")
        if "right" in (t.get("class") or "")
    ]
    assert [t.text for t in right][-1] == "2.000"  # covers 1.510, in round steps
    left = [
        t.text
        for t in root.iter("{http://www.w3.org/2000/svg}text")
        if t.get("class") == "tick" and t.get("text-anchor") == "end"
    ]
    assert left[-1] == "80"  # not 1.600: the bars keep a readable scale
    tallest = max(_heights(root).values())
    assert tallest > 100  # of a plot some 190 px high
    line = root.find("s:polyline", NS)
    ys = [float(p.split(",")[1]) for p in line.get("points").split()]
    assert ys == sorted(ys, reverse=True)  # a rising stock rises
    assert "rechteras" in " ".join(texts(root))


def test_stacked_bars_sum_to_the_total() -> None:
    labels = ["Q1", "Q2"]
    root = parse(
        svg.stacked_bar_chart(
            frame(), labels, [svg.Series("a", [30, 10]), svg.Series("b", [10, 30])]
        )
    )
    heights = _heights(root)
    assert heights["a Q1: 30"] + heights["b Q1: 10"] == pytest.approx(
        heights["a Q2: 10"] + heights["b Q2: 30"], abs=0.2
    )
    assert heights["a Q1: 30"] == pytest.approx(3 * heights["b Q1: 10"], abs=0.2)
    percent = parse(
        svg.stacked_bar_chart(
            svg.Frame("x", "%", "", pct),
            labels,
            [svg.Series("a", [1, 3]), svg.Series("b", [3, 9])],
            percent=True,
        )
    )
    h = _heights(percent)
    assert h["a Q1: 25%"] == pytest.approx(h["a Q2: 25%"], abs=0.2)
    assert h["b Q1: 75%"] == pytest.approx(3 * h["a Q1: 25%"], abs=0.2)


def test_donut_shares_add_up_and_a_hidden_part_shows_no_percentage() -> None:
    root = parse(every_kind()["donut"])
    labels = texts(root, "label")
    assert labels == ["licht: 500 (50%)", "middel: 300 (30%)", "zwaar: 200 (20%)"]
    assert "1.000" in texts(root, "donut-total")
    assert len(root.findall("s:path", NS)) == 3
    hidden = parse(
        svg.donut_chart(svg.Frame("Zwaarte", "", "", fmt), [("licht", 500), ("zwaar", None)], pct)
    )
    assert texts(hidden, "label") == ["licht: 500", "zwaar: –"]
    assert texts(hidden, "donut-total") == []  # a total would reveal the hidden part


def test_small_multiples_share_one_scale() -> None:
    root = parse(every_kind()["multiples"])
    heights = sorted(float(r.get("height")) for r in rects(root))
    assert heights[-1] == pytest.approx(9 * heights[0], rel=0.02)
    ticks = texts(root, "tick")
    assert ticks.count("100") == 2  # both panels go to the same top
    assert texts(root, "panel-title") == ["2020", "2021"]


def test_lines_break_where_a_figure_is_missing() -> None:
    chart = svg.line_chart(
        frame(), ["a", "b", "c", "d", "e"], [svg.Series("x", [1, 2, None, 4, 5])]
    )
    root = parse(chart)
    assert len(root.findall("s:polyline", NS)) == 2


def test_text_is_escaped() -> None:
    chart = svg.bar_chart(svg.Frame("<script>", "&", "", fmt), ["<b>"], svg.Series("</svg>", [1]))
    root = parse(chart)  # still well-formed
    assert "<script>" not in chart and root.find("s:title", NS).text == "<script>"


def test_the_older_calls_still_work_and_now_use_a_right_axis() -> None:
    chart = svg.bar_line_chart(
        "Flow", ["jan"], [svg.Series("in", [40])], svg.Series("uniek", [1500]), fmt, "d"
    )
    assert "rechteras" in chart and 'role="img"' in chart
    assert 'role="img"' in svg.stacked_chart("S", ["jan"], [svg.Series("a", [1])], fmt, "d")


def test_chart_height_grows_with_its_legend() -> None:
    many = [svg.Series(f"reeks nummer {i}", [i]) for i in range(12)]
    root = parse(svg.grouped_bar_chart(frame(), ["x"], many))
    assert int(root.get("viewBox").split()[3]) > HEIGHT + 18


def test_combination_chart_golden() -> None:
    check_golden(every_kind()["combination"] + "\n", GOLDEN / "combination.svg")
    check_golden(every_kind()["donut"] + "\n", GOLDEN / "donut.svg")
