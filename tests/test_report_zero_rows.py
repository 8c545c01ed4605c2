"""``without zero rows`` in a report table or chart: a breakdown row that is 0 in every
column (period) is left out (Jeugd categories under a Wmo filter); a hidden or missing figure
is not 0, so its row stays; a table's total is the same with or without them."""

from __future__ import annotations

from pathlib import Path

from maatstaf.dsl.load import bundled_definitions, load_library
from maatstaf.dsl.report_format import format_report
from maatstaf.reports.items import zero_everywhere
from maatstaf.reports.result import ChartResult, PeriodRef, Row, TableResult, Value
from tests.test_report_hidden_dims import _items, _plan, _report
from tests.test_report_lang import _item
from tests.test_seed_money import TABLES

TABLE = '    table "B" {{ show financien.begroting by domein  columns year  with total{extra} }}'
CHART = '    chart bars "B" {{ show financien.begroting by domein  over last 2 years{extra} }}'


def _only_item(tmp_path: Path, items: str, grain: str = "month"):
    """The one item of a report with ``items``, planned for April 2021 on the money tables."""
    tmp_path.mkdir()
    [item] = _items(_plan(tmp_path, items, TABLES, "2021-04", grain))
    return item


def _domains(tmp_path: Path, extra: str) -> TableResult:
    table = _only_item(tmp_path, TABLE.format(extra=extra))
    assert isinstance(table, TableResult)
    return table


def test_rows_that_are_zero_everywhere_are_left_out_and_the_total_stays(tmp_path: Path) -> None:
    every = _domains(tmp_path / "every", "")
    kept = _domains(tmp_path / "kept", "  without zero rows")
    zero = {r.dimensions["domein"] for r in every.rows if r.values[0].value == 0}
    assert zero  # wmo, jeugdwet, ...: declared values without a budget line in 2021
    assert {r.dimensions["domein"] for r in kept.rows} == {
        r.dimensions["domein"] for r in every.rows
    } - zero
    assert {r.dimensions["domein"] for r in kept.rows} == {"minima", "participatie", "schuldhulp"}
    assert kept.total is not None and every.total is not None
    assert kept.total.values[0].value == every.total.values[0].value == 36500 + 730000 + 36500


def _chart(tmp_path: Path, extra: str) -> ChartResult:
    chart = _only_item(tmp_path, CHART.format(extra=extra), "year")
    assert isinstance(chart, ChartResult)
    return chart


def test_a_chart_leaves_out_the_bars_that_are_zero_in_every_period(tmp_path: Path) -> None:
    every = _chart(tmp_path / "every", "")
    kept = _chart(tmp_path / "kept", "  without zero rows")
    by_domain = {r.dimensions["domein"]: [v.value for v in r.values] for r in every.rows}
    zero = {d for d, values in by_domain.items() if all(v == 0 for v in values)}
    assert zero and zero != set(by_domain)
    assert [r.dimensions["domein"] for r in kept.rows] == [
        r.dimensions["domein"] for r in every.rows if r.dimensions["domein"] not in zero
    ]
    # a domain shown keeps its figures in every period, and its axis and style stay its own
    assert {r.dimensions["domein"]: [v.value for v in r.values] for r in kept.rows} == {
        d: v for d, v in by_domain.items() if d not in zero
    }
    assert len(kept.axes) == len(kept.styles) == len(kept.rows)


def _row(*values: Value, dimensions: dict[str, str] | None = None) -> Row:
    return Row(
        measure="m", label="M", unit="clienten", dimensions={"d": "a"} if dimensions is None else dimensions,
        values=list(values),
    )  # fmt: skip


def _value(value: float | None, **extra: object) -> Value:
    return Value(period=PeriodRef(period="2021", grain="year"), value=value, version=1, **extra)


def test_a_hidden_or_missing_figure_is_not_zero() -> None:
    assert zero_everywhere(_row(_value(0), _value(0.0)))
    assert not zero_everywhere(_row(_value(0), _value(3)))
    assert not zero_everywhere(_row(_value(0), _value(None, suppressed="<5")))
    assert not zero_everywhere(_row(_value(None)))
    assert not zero_everywhere(_row(_value(0), _value(0, state="not_updated")))
    assert not zero_everywhere(_row(_value(0), dimensions={}))  # a measure's own row stays


def test_only_a_breakdown_has_rows_to_leave_out() -> None:
    assert _item('table "T" { rows wmo.instroom  columns year  without zero rows }') == (
        "rapport.kpi:4:50: 'without zero rows' leaves out rows of a measure's breakdown. "
        "Use it with 'show MEASURE by DIMENSION'.\n"
        '      table "T" { rows wmo.instroom  columns year  without zero rows }\n'
        "                                                   ^^^^^^^^^^^^^^^^^"
    )


def test_a_chart_without_a_breakdown_has_no_rows_to_leave_out() -> None:
    assert _item('chart line "T" { show wmo.instroom  without zero rows }') == (
        "rapport.kpi:4:41: 'without zero rows' leaves out rows of a measure's breakdown. "
        "Use it with 'show MEASURE by DIMENSION'.\n"
        '      chart line "T" { show wmo.instroom  without zero rows }\n'
        "                                          ^^^^^^^^^^^^^^^^^"
    )


def test_given_twice() -> None:
    error = _item('table "T" { show jeugd.stapeling by gelijktijdig  without zero rows  without zero rows }')  # fmt: skip
    assert error.startswith("rapport.kpi:4:74: 'without zero rows' is given twice in one table")


def test_the_formatter_writes_it_back(tmp_path: Path) -> None:
    text = _report(tmp_path, TABLE.format(extra="  without zero rows"))
    report = load_library([bundled_definitions(), tmp_path / "r.kpi"]).reports["r"]
    assert report.sections[0].items[0].without_zero_rows
    assert "without zero rows" in format_report(report)
    (tmp_path / "again").mkdir()
    (tmp_path / "again" / "r.kpi").write_text(format_report(report), encoding="utf-8")
    again = load_library([bundled_definitions(), tmp_path / "again" / "r.kpi"]).reports["r"]
    assert again.sections[0].items[0].without_zero_rows
    assert text  # the report as written


def test_the_formatter_writes_it_back_in_a_chart(tmp_path: Path) -> None:
    _report(tmp_path, CHART.format(extra="  without zero rows"))
    report = load_library([bundled_definitions(), tmp_path / "r.kpi"]).reports["r"]
    assert report.sections[0].items[0].without_zero_rows
    formatted = format_report(report)
    assert "    without zero rows\n" in formatted
    (tmp_path / "again").mkdir()
    (tmp_path / "again" / "r.kpi").write_text(formatted, encoding="utf-8")
    again = load_library([bundled_definitions(), tmp_path / "again" / "r.kpi"]).reports["r"]
    assert again.sections[0].items[0].without_zero_rows
    assert format_report(again) == formatted
