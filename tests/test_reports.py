"""Reports (issue 13): the planner's figures by hand and against the day-by-day oracle,
comparisons across a definition change, years to date, snapshots, data that does not
reach the report period, the renderers (golden files) and the CLI.

The data: five indications, four of them Jeugdwet, and three budget bookings.
jeugd.unieke_jeugdigen counts bookings until 2020 (version 1) and active indications from
2021 (version 2):
  c1 jeugdwet 2020-02-01 .. open          booking 2020-02-01
  c2 jeugdwet 2020-11-15 .. 2021-01-31    booking 2020-11-15
  c3 jeugdwet 2021-02-10 .. open
  c4 wmo      2020-06-01 .. 2020-12-31
  c5 jeugdwet 2019-06-01 .. 2020-03-31    booking 2019-06-01
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maatstaf.cli import app
from maatstaf.dsl import report_ast as r
from maatstaf.dsl.errors import Span
from maatstaf.dsl.load import load_library
from maatstaf.engine.periods import parse_period
from maatstaf.engine.suppression import Policy
from maatstaf.renderers.report_html import ReportHtmlRenderer
from maatstaf.renderers.report_json import ReportJsonRenderer
from maatstaf.renderers.report_markdown import ReportMarkdownRenderer
from maatstaf.reports import plan
from maatstaf.reports.result import TableResult, TileResult
from maatstaf.reports.tables import additive
from maatstaf.reports.targets import target_status
from tests import oracle
from tests.golden import check_golden
from tests.helpers import loaded, standard_library

GOLDEN = Path(__file__).parent / "golden" / "reports"
S = Span(file="test.kpi", line=1, column=1, end_line=1, end_column=1)


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _tw(i: str, client: str, wet: str, start: str, end: str | None = None) -> dict:
    return {"toewijzing_id": i, "client_id": client, "wet": wet, "productcode": "45A01",
            "startdatum": _day(start), "einddatum": _day(end)}  # fmt: skip


def _booking(i: str, day: str, amount: int) -> dict:
    return {"toewijzing_id": i, "boekdatum": _day(day), "bedrag": Decimal(amount)}


TOEWIJZINGEN = [
    _tw("t1", "c1", "jeugdwet", "2020-02-01"),
    _tw("t2", "c2", "jeugdwet", "2020-11-15", "2021-01-31"),
    _tw("t3", "c3", "jeugdwet", "2021-02-10"),
    _tw("t4", "c4", "wmo", "2020-06-01", "2020-12-31"),
    _tw("t5", "c5", "jeugdwet", "2019-06-01", "2020-03-31"),
]
BOEKINGEN = [
    _booking("t1", "2020-02-01", 100),
    _booking("t2", "2020-11-15", 50),
    _booking("t5", "2019-06-01", 200),
]
DATA = loaded(toewijzingen=TOEWIJZINGEN, budgetboekingen=BOEKINGEN)


def series(measure: str, **extra: object) -> r.Series:
    return r.Series(span=S, measure=measure, **extra)


def window(**extra: object) -> r.Window:
    return r.Window(span=S, **extra)


def compare(kind: str, periods: int = 1) -> r.CompareSpec:
    return r.CompareSpec(span=S, kind=kind, periods=periods)  # type: ignore[arg-type]


def report(*items: object, grain: str = "quarter") -> r.Report:
    return r.Report(span=S, id="proef", title="Proefdashboard", subtitle="Gemeente Proef",
                    grain=grain, sections=(r.Section(span=S, title="Jeugd", items=items),))  # type: ignore[arg-type]  # fmt: skip


def tile(measure: str, *compares: r.CompareSpec) -> r.Tile:
    return r.Tile(span=S, series=series(measure), compare=compares)


def table(title: str, measures: list[str], windows: list[r.Window], **extra: object) -> r.TableItem:
    return r.TableItem(
        span=S,
        title=title,
        series=tuple(series(m) for m in measures),
        columns=r.ColumnSpec(span=S, windows=tuple(windows)),
        **extra,
    )


def resolve(rep: r.Report, period: str, data=DATA, policy=None):
    return plan(rep, parse_period(period), standard_library(), data, policy=policy)


def only(result, kind=None):
    return result.sections[0].items[0]


def oracle_value(measure: str, begin: str, end: str) -> object:
    """The oracle's figure of a measure over [begin, end] (a period or a span)."""
    data = oracle.Data.of({"toewijzingen": TOEWIJZINGEN, "budgetboekingen": BOEKINGEN})
    found = oracle.MEASURES[measure](data, oracle.Period("x", _day(begin), _day(end)))
    return found.get((), 0)


# ---- tiles and comparisons across the definition change ----------------------------------


def test_tile_comparisons_use_the_version_of_the_figure_they_compare():
    result = resolve(report(tile("jeugd.unieke_jeugdigen", compare("previous"),
                                 compare("year_earlier"))), "2021-Q1")  # fmt: skip
    item = only(result)
    assert isinstance(item, TileResult)
    now = item.rows[0].values[0]
    assert (now.value, now.version) == (3, 2)  # c1, c2, c3 active in Q1 2021
    previous, year = item.rows[0].compared
    # 2020-Q4 by version 2 (active): c1, c2; by its own version 1 (bookings): c2
    assert (previous.other.period.period, previous.other.value, previous.other.version) == (
        "2020-Q4", 2, 2)  # fmt: skip
    assert previous.definition_break is not None
    assert (previous.definition_break.version, previous.definition_break.value) == (1, 1)
    assert previous.definition_break.valid_from == "2021-01-01"
    # 2020-Q1 by version 2: c1, c5; by version 1: the booking of c1
    assert (year.other.value, year.definition_break.value) == (2, 1)  # type: ignore[union-attr]


def test_compared_values_equal_the_oracle_of_the_same_version():
    result = resolve(report(tile("jeugd.unieke_jeugdigen", compare("back", 3))), "2021-Q1")
    compared = only(result).rows[0].compared[0]
    assert compared.other.period.period == "2020-Q2"
    # version 2 is 'same as jeugd.unieke_clienten'; version 1 counts bookings (oracle: the
    # measure's own rule for a period ending before 2021)
    assert compared.other.value == oracle_value("jeugd.unieke_clienten", "2020-04-01", "2020-06-30")
    assert compared.definition_break.value == oracle_value(  # type: ignore[union-attr]
        "jeugd.unieke_jeugdigen", "2020-04-01", "2020-06-30"
    )


def test_no_break_note_where_both_periods_share_a_version():
    result = resolve(report(tile("jeugd.instroom", compare("year_earlier"))), "2021-Q1")
    compared = only(result).rows[0].compared[0]
    assert compared.definition_break is None
    assert compared.other.value == 1 and compared.base.value == 1  # t1 2020-02-01; t3 2021-02-10


# ---- years to date -----------------------------------------------------------------------


def test_year_to_date_counts_each_youth_once_over_the_span():
    rep = report(table("YTD", ["jeugd.unieke_jeugdigen"], [window(kind="months_of_year"),
                                                          window(kind="year_to_date")]))  # fmt: skip
    item = only(resolve(rep, "2021-02"))
    assert isinstance(item, TableResult)
    labels = [c.period.period for c in item.columns]
    assert labels == ["2021-01", "2021-02", "2021-01..2021-02"]
    values = [v.value for v in item.rows[0].values]
    # January c1, c2; February c1, c3; the two months together c1, c2, c3 (not 2 + 2)
    assert values == [2, 2, 3]
    assert values[-1] == oracle_value("jeugd.unieke_clienten", "2021-01-01", "2021-02-28")


def test_year_to_date_comparison_is_last_years_span():
    result = resolve(report(tile("jeugd.instroom", compare("year_to_date"))), "2021-03")
    compared = only(result).rows[0].compared[0]
    assert compared.base.period.period == "2021-01..2021-03"
    assert compared.other.period.period == "2020-01..2020-03"
    assert (compared.base.value, compared.other.value) == (1, 1)  # t3; t1


# ---- snapshots, not yet updated ----------------------------------------------------------


def test_snapshots_later_than_the_report_period_are_not_yet():
    rep = report(
        table("Peil", ["jeugd.unieke_clienten"], [window(kind="snapshots", months=(1, 4))])
    )
    values = only(resolve(rep, "2021-03")).rows[0].values
    assert [(v.period.period, v.state, v.value) for v in values] == [
        ("2021-01", "ok", 2),
        ("2021-04", "not_yet", None),
    ]


def test_data_that_does_not_reach_the_period_is_not_updated():
    result = resolve(report(tile("jeugd.instroom")), "2021-Q3")
    value = only(result).rows[0].values[0]
    assert value.state == "not_updated" and value.value is None
    # the latest indication starts on 2021-02-10
    assert value.note == "nog niet bijgewerkt (gegevens tot en met 1e kwartaal 2021)"


# ---- tables: years side by side, breaks, totals ------------------------------------------


def test_years_side_by_side_mark_the_definition_break():
    rep = report(table("Jaren", ["jeugd.unieke_jeugdigen"], [window(kind="years", first_year=2019,
                                                                    last_year=2021)]))  # fmt: skip
    item = only(resolve(rep, "2021-Q1"))
    # 2019 (v1): booking of c5; 2020 (v1): c1, c2; 2021 (v2): c1, c2, c3
    assert [(v.value, v.version) for v in item.rows[0].values] == [(1, 1), (2, 1), (3, 2)]
    assert [c.break_before for c in item.columns] == [False, False, True]
    assert item.footnotes[0].startswith("Definitie gewijzigd vanaf 2021: Unieke jeugdigen")


def test_a_total_only_where_the_breakdown_adds_up():
    rep = report(
        r.TableItem(
            span=S,
            title="Stapeling",
            series=(series("jeugd.stapeling", by="gelijktijdig"),),
            columns=r.ColumnSpec(span=S, windows=(window(kind="year"),)),
            total=True,
            percentages=True,
            sort="value_desc",
        )
    )
    item = only(resolve(rep, "2021-Q1"))
    assert item.total is not None
    # every youth has one peak: the parts add up to the youths active in 2021 (c1, c2, c3)
    assert item.total.values[0].value == 3
    assert sum(row.share[0] for row in item.rows) == pytest.approx(1.0)
    values = [row.values[0].value for row in item.rows]
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize(
    ("measure", "adds_up"),
    [
        ("jeugd.stapeling", True),  # one peak per youth
        ("jeugd.unieke_jeugdigen_naar_verwijzer", True),  # one group per youth ("beide")
        ("jeugd.actieve_voorzieningen", True),  # rows
        ("participatie.huishoudens_per_regeling", False),  # a household in PW and IOAW
    ],
)
def test_a_breakdown_adds_up_only_where_each_entity_has_one_part(measure, adds_up):
    version = standard_library().measures[measure].versions[-1]
    assert additive(version, None) is adds_up


def test_suppression_hides_small_counts_in_a_report():
    result = resolve(report(tile("jeugd.unieke_jeugdigen", compare("previous"))), "2021-Q1",
                     policy=Policy("threshold", 5))  # fmt: skip
    row = only(result).rows[0]
    assert row.values[0].suppressed == "<5" and row.values[0].value is None
    assert row.compared[0].other.suppressed == "<5"
    assert result.suppression is not None and result.suppression.hidden >= 2


# ---- targets with a warning band ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "status"),
    [(0.96, "met"), (0.95, "met"), (0.92, "warn"), (0.85, "missed"), (None, None)],
)
def test_target_with_a_warning_band(value, status, tmp_path):
    (tmp_path / "t.kpi").write_text(
        'measure x.tijdig {\n label "t"\n unit aandeel\n owner "o"\n description "d"\n'
        " share of aanvragen meeting besloten_op is not empty\n where ontvangen_op in period\n"
        " target >= 95% warn >= 90% }\n"
    )
    library = load_library([tmp_path / "t.kpi"])
    version = library.measures["x.tijdig"].versions[-1]
    found = target_status(version, {}, value, library)
    assert found is not None and found.status == status and found.warn == 0.90


# ---- renderers ---------------------------------------------------------------------------


def small_report() -> r.Report:
    return report(
        tile("jeugd.unieke_jeugdigen", compare("year_earlier")),
        r.Chart(
            span=S,
            chart="combination",
            title="Instroom en unieke jeugdigen",
            series=(
                series("jeugd.instroom", style="bars"),
                series("jeugd.unieke_clienten", style="line", axis="right"),
            ),
            window=window(kind="last", count=4, grain="quarter"),
        ),
        table(
            "Per jaar",
            ["jeugd.unieke_jeugdigen"],
            [window(kind="years", first_year=2019, last_year=2021)],
        ),
        r.Text(
            span=S, markdown="{jeugd.unieke_jeugdigen} jeugdigen ontvingen jeugdhulp in {period}."
        ),
    )


def test_markdown_golden():
    text = ReportMarkdownRenderer().render(resolve(small_report(), "2021-Q1"))
    assert "3 jeugdigen ontvingen jeugdhulp in 1e kwartaal 2021." in text
    assert "definitie gewijzigd per 1-1-2021; volgens de oude definitie: 1" in text
    check_golden(text, GOLDEN / "small.md")


def test_html_golden():
    html = ReportHtmlRenderer().render(resolve(small_report(), "2021-Q1"))
    assert "<script" not in html and "Content-Security-Policy" in html
    assert html.count("<svg") == 1 and 'class="break"' in html
    check_golden(html, GOLDEN / "small.html")


def test_json_is_stable_and_names_versions():
    result = resolve(small_report(), "2021-Q1")
    once, twice = ReportJsonRenderer().render(result), ReportJsonRenderer().render(result)
    assert once == twice
    data = json.loads(once)
    assert data["sections"][0]["items"][0]["rows"][0]["values"][0]["version"] == 2


# ---- CLI ---------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_unknown_report_exits_2_with_the_reports_on_offer(monkeypatch):
    library = standard_library().model_copy(update={"reports": {"hilversum": small_report()}})
    monkeypatch.setattr("maatstaf.cli.report.library_of", lambda d: library)
    result = runner.invoke(app, ["report", "hilversun", "--data", "x", "--period", "2021-Q1"])
    assert result.exit_code == 2
    assert "unknown report 'hilversun'. Did you mean 'hilversum'?" in result.stderr
    assert "Reports on offer: hilversum." in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2021-Q5"], "'2021-Q5' is not a period"),
        (["--period", "2021-Q1", "--format", "htm"], "Did you mean 'html'?"),
        (["--period", "2021-Q1", "--locale", "de"], "--locale 'de'"),
    ],
)
def test_cli_usage_errors_exit_2(args, message):
    result = runner.invoke(app, ["report", "x", "--data", "x", *args])
    assert result.exit_code == 2 and message in result.stderr


def test_cli_writes_the_report(monkeypatch, tmp_path):
    library = standard_library().model_copy(update={"reports": {"proef": small_report()}})
    monkeypatch.setattr("maatstaf.cli.report.library_of", lambda d: library)
    monkeypatch.setattr("maatstaf.cli.loading.load", lambda *a, **k: DATA)
    out = tmp_path / "r.md"
    result = runner.invoke(app, ["report", "proef", "--data", "x", "--period", "2021-Q1",
                                 "--format", "markdown", "--output", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert out.read_text().startswith("# Proefdashboard")


def test_impact_and_check_name_the_reports(tmp_path):
    from typer.testing import CliRunner

    from maatstaf.cli import app

    (tmp_path / "x.kpi").write_text(
        'measure x.n {\n label "n"\n unit toewijzingen\n owner "o"\n description "d"\n'
        " count toewijzingen where active in period }\n"
        'report r {\n title "R"\n grain month\n section "S" { tile x.n }\n}\n'
    )
    runner = CliRunner()
    checked = runner.invoke(app, ["check", str(tmp_path / "x.kpi")])
    assert checked.exit_code == 0, checked.output
    assert "1 reports, no errors." in checked.stderr
    found = runner.invoke(app, ["impact", "x.n", "-d", str(tmp_path)])
    assert found.exit_code == 0, found.output
    assert found.stdout.splitlines() == ["x.n", "report r"]
    wrong = runner.invoke(app, ["impact", "x.m", "-d", str(tmp_path)])
    assert wrong.exit_code == 2 and "Did you mean 'x.n'?" in wrong.stderr


def test_a_running_year_counts_only_up_to_the_report_period():
    """A `year` column at 2021-Q1 counted all of 2021 (data from after the report period)."""
    rows = [*TOEWIJZINGEN, _tw("t9", "c9", "jeugdwet", "2021-07-01")]  # after Q1 2021
    data = loaded(toewijzingen=rows, budgetboekingen=BOEKINGEN)
    item = only(
        resolve(
            report(table("Jaar", ["jeugd.unieke_clienten"], [window(kind="year")])),
            "2021-Q1",
            data,
        )
    )
    [value] = item.rows[0].values
    assert value.value == 3  # c1, c2, c3 in Q1; c9 starts in July
    assert value.period.period == "2021-Q1"  # shown as what it counts


def test_a_filter_on_an_optional_dimension_gives_the_figure(tmp_path):
    (tmp_path / "x.kpi").write_text(
        'measure x.n {\n label "n"\n unit cliënten\n owner "o"\n description "d"\n'
        " count distinct client_id in toewijzingen where active in period\n"
        " optionally by wet }\n"
    )
    library = load_library([tmp_path / "x.kpi"])
    rep = report(r.Tile(span=S, series=series("x.n", filter={"wet": "jeugdwet"}), compare=()))
    result = plan(rep, parse_period("2021-Q1"), library, DATA)
    assert only(result).rows[0].values[0].value == 3


def test_a_text_item_is_markdown_without_html_or_images():
    from maatstaf.renderers.report_html import markdown_html

    html = str(
        markdown_html(
            "Het college **besloot**:\n\n- een\n- twee\n\n<script>x()</script> ![a](http://x/y.png)"
        )
    )
    assert "<strong>besloot</strong>" in html and "<li>een</li>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html


def test_previous_year_is_the_whole_year_before_and_its_quarters():
    item = only(
        resolve(
            report(
                table(
                    "x",
                    ["jeugd.unieke_clienten"],
                    [window(kind="previous_year", by="quarter"), window(kind="previous_year")],
                )
            ),
            "2021-Q1",
        )
    )
    values = item.rows[0].values
    assert [v.period.period for v in values] == [
        "2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4", "2020",
    ]  # fmt: skip
    for v in values:
        period = parse_period(v.period.period)
        begin, end = period.begin.isoformat(), period.end.isoformat()
        assert v.value == oracle_value("jeugd.unieke_clienten", begin, end)
