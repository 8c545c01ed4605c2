"""The Steenwijkerland report (issue 13, item 5): the bimonthly Monitor Sociaal Domein of
April 2021 as a declared report. It checks; its sections follow the monitor; it renders on
the sample municipality (golden Markdown and HTML, stable JSON); figures of the report equal
the same measures computed directly by the engine and by the day-by-day oracle; it renders
on a sample the tests have not seen; data that does not reach the period says so; and in
Chromium the page loads without an error or a request (screenshots in test-artifacts/).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maatstaf.adapters.base import LoadedData
from maatstaf.adapters.registry import load_data
from maatstaf.adapters.sample import write_sample_csv
from maatstaf.cli import app
from maatstaf.dsl import report_ast as r
from maatstaf.engine.periods import parse_period
from maatstaf.renderers.report_html import ReportHtmlRenderer
from maatstaf.renderers.report_json import ReportJsonRenderer
from maatstaf.renderers.report_markdown import ReportMarkdownRenderer
from maatstaf.reports import plan
from maatstaf.reports.result import ChartResult, ReportResult, TableResult, TileResult
from tests import oracle
from tests.golden import check_golden
from tests.helpers import run_engine, standard_library, values

GOLDEN = Path(__file__).parent / "golden" / "reports"
PERIOD = "2021-04"
SECTIONS = [
    "Samenvatting",
    "1. Financieel",
    "Jeugd",
    "2. Jeugd",
    "Wmo",
    "3. Wmo",
    "Participatie",
    "4. Participatie",
    "Stand van zaken programma Transformatie 2.0",
]
CLIENT_ID = re.compile(r"\bC\d{6}\b")


def steenwijkerland() -> r.Report:
    return standard_library().reports["steenwijkerland"]


def _load(folder: Path, seed: int | None = None) -> LoadedData:
    if seed is None:
        write_sample_csv(folder)
    else:
        write_sample_csv(folder, seed=seed)
    return load_data(str(folder), schema=standard_library().table_schema)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> LoadedData:
    return _load(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def result(sample: LoadedData) -> ReportResult:
    return plan(steenwijkerland(), parse_period(PERIOD), standard_library(), sample)


@pytest.fixture(scope="module")
def rows(sample: LoadedData) -> oracle.Data:
    """The sample as the oracle reads it: rows with dates as dates."""
    names = ("toewijzingen", "aanvragen", "uitkeringen")
    return oracle.Data.of({n: [_dated(row) for row in sample.tables[n].to_pylist()] for n in names})


def _dated(row: dict) -> dict:
    return {k: v.date() if isinstance(v, dt.datetime) else v for k, v in row.items()}


def _span(first: str, last: str) -> oracle.Period:
    """An oracle period from the first day of month ``first`` to the last of ``last``."""
    begin = parse_period(first).begin
    end = parse_period(last).end
    return oracle.Period(f"{first}..{last}", begin, end)


def _month(label: str) -> oracle.Period:
    period = parse_period(label)
    return oracle.Period(label, period.begin, period.end)


def find(result: ReportResult, section: str, key: str):
    """The item of a section with that title (tables, charts) or measure (tiles)."""
    for s in result.sections:
        if s.title != section:
            continue
        for item in s.items:
            if getattr(item, "title", None) == key or getattr(item, "measure", None) == key:
                return item
    raise AssertionError(f"no item {key!r} in section {section!r}")


# ---- the declaration -------------------------------------------------------------------


def test_the_report_checks_cleanly():
    checked = CliRunner().invoke(app, ["check"])
    assert checked.exit_code == 0, checked.output
    assert "no errors" in checked.stderr


def test_sections_follow_the_monitor_in_order():
    report = steenwijkerland()
    assert report.title == "Monitor Sociaal Domein" and report.grain == "month"
    assert [s.title for s in report.sections] == SECTIONS
    jeugd = next(s for s in report.sections if s.title == "Jeugd")
    shown = [getattr(i, "title", None) or getattr(i, "kind", "") for i in jeugd.items]
    assert shown[:3] == ["Financiën", "tile", "Realisatie voorlopig per categorie"]
    assert "Cliënten 0-17 jarigen" in shown and "Voorzieningen" in shown


def test_no_figure_of_the_seed_is_written_into_the_report():
    """What the data model lacks is said in words; no figure of the April 2021 monitor is
    copied into a text (it would be a fake figure on any other data)."""
    texts = [
        i.markdown for s in steenwijkerland().sections for i in s.items if isinstance(i, r.Text)
    ]
    seed_figures = ["748", "1.135", "2.480", "4.182", "697", "187", "215", "8.689", "6.839",
                    "12.994.629", "1.115.000", "251", "277", "7,8", "761", "967"]  # fmt: skip
    for text in texts:
        assert not [f for f in seed_figures if f in text], text
    missing = [
        t
        for t in texts
        if "Nog niet in het datamodel" in t or "Nog geen maatstaf" in t or "Nog geen maat " in t
    ]
    # what no table holds, or no measure computes yet, each said where the seed shows it
    for subject in ("Sociaal Werk De Kop", "participatieladder", "sociale\nwerkvoorziening",
                    "Schoonmaakondersteuning"):  # fmt: skip
        assert any(subject in t for t in missing), subject
    assert all("{" not in t.split("Nog ")[1].split(".")[0] for t in missing)
    # a table that is declared is never said to be missing from the data model
    for table in ("vroegsignalering", "TOZO", "tevredenheid", "lopende zaken", "casusregie"):
        assert not [t for t in texts if f"Nog niet in het datamodel: {table}" in t], table


def test_vorige_monitor_is_two_months_back_and_snapshots_three_years():
    table = find_declared("Jeugd", "Cliënten 0-17 jarigen")
    assert [(c.kind, c.periods) for c in table.compare] == [
        ("year_earlier", 1), ("back", 24), ("back", 2)]  # fmt: skip


def find_declared(section: str, title: str) -> r.TableItem:
    found = next(s for s in steenwijkerland().sections if s.title == section)
    return next(i for i in found.items if isinstance(i, r.TableItem) and i.title == title)


# ---- spot figures: the report against the engine and the oracle ---------------------------


def test_clients_in_april_and_vorige_monitor_equal_the_oracle(result, rows, sample):
    tile = find(result, "Jeugd", "jeugd.unieke_clienten")
    assert isinstance(tile, TileResult)
    now = tile.rows[0].values[0]
    back, year = tile.rows[0].compared
    assert (now.period.period, back.other.period.period, year.other.period.period) == (
        "2021-04", "2021-02", "2020-04")  # fmt: skip
    expected = oracle.MEASURES["jeugd.unieke_clienten"]
    assert now.value == expected(rows, _month("2021-04"))[()]
    assert back.other.value == expected(rows, _month("2021-02"))[()]
    assert year.other.value == expected(rows, _month("2020-04"))[()]
    engine = values(run_engine(sample, "month", dt.date(2021, 4, 1), dt.date(2021, 4, 30),
                               ["jeugd.unieke_clienten"]))  # fmt: skip
    assert now.value == engine[("jeugd.unieke_clienten", "2021-04")]


def test_voorzieningen_per_zwaarte_and_their_total_equal_the_oracle(result, rows):
    table = find(result, "Jeugd", "Voorzieningen")
    assert isinstance(table, TableResult) and table.total is not None
    for label, column in (("2021-04", 0), ("2021-02", 1)):
        expected = oracle.MEASURES["jeugd.actieve_voorzieningen"](rows, _month(label))
        got = {tuple(row.dimensions.items()): row.values[column].value for row in table.rows}
        assert got == dict(expected) | {k: 0 for k in got if k not in expected}
        assert table.total.values[column].value == sum(expected.values())


def test_new_applications_year_to_date_equal_the_oracle(result, rows):
    table = find(result, "Samenvatting", "Nieuwe aanmeldingen t.o.v. dezelfde periode vorig jaar")
    assert [c.period.period for c in table.columns] == ["2021-01..2021-04", "2020-01..2020-04"]
    now = oracle.MEASURES["aanvragen.ontvangen"](rows, _span("2021-01", "2021-04"))
    then = oracle.MEASURES["aanvragen.ontvangen"](rows, _span("2020-01", "2020-04"))
    for row in table.rows:
        key = (("regeling", row.dimensions["regeling"]),)
        assert [v.value for v in row.values] == [now.get(key, 0), then.get(key, 0)]
    assert [row.dimensions["regeling"] for row in table.rows] == sorted(
        row.dimensions["regeling"] for row in table.rows
    )


def test_paid_benefits_year_to_date_equal_the_oracle(result, rows):
    table = find(result, "Participatie", "Realisatie voorlopig")
    paid = [v.value for v in table.rows[0].values]
    expected = [
        oracle.MEASURES["participatie.uitgekeerd"](rows, _span(a, b))[()]
        for a, b in (("2021-01", "2021-04"), ("2020-01", "2020-04"))
    ]
    assert [Fraction(Decimal(str(v))) for v in paid] == pytest.approx(expected)


def test_inflow_chart_equals_a_direct_engine_run(result, sample):
    chart = find(result, "Participatie", "In- en uitstroom per maand")
    assert isinstance(chart, ChartResult)
    assert chart.periods[0].period == "2019-01" and chart.periods[-1].period == "2021-04"
    measures = ["participatie.instroom", "participatie.uitstroom"]
    engine = values(
        run_engine(sample, "month", dt.date(2019, 1, 1), dt.date(2021, 4, 30), measures)
    )
    for row in chart.rows:
        assert [v.value for v in row.values] == [
            engine[(row.measure, p.period)] for p in chart.periods
        ]


def test_realisation_per_category_adds_up_with_shares(result):
    table = find(result, "Jeugd", "Realisatie voorlopig per categorie")
    assert table.total is not None and table.percentages
    total = table.total.values[0].value
    assert total == pytest.approx(sum(row.values[0].value for row in table.rows), abs=0.005)
    assert sum(row.share[0] for row in table.rows) == pytest.approx(1.0)


# ---- rendered ----------------------------------------------------------------------------


def test_markdown_golden(result):
    text = ReportMarkdownRenderer().render(result)
    assert text.startswith("# Monitor Sociaal Domein")
    assert "Periode: april 2021" in text and not CLIENT_ID.search(text)
    # said in words: what no table holds, and what a declared table holds but no measure
    # computes yet
    assert text.count("Nog niet in het datamodel") >= 2
    assert text.count("Nog niet in het datamodel") + text.count("Nog geen maat") >= 8
    check_golden(text, GOLDEN / "steenwijkerland.md")


def test_html_golden(result):
    html = ReportHtmlRenderer().render(result)
    assert "<script" not in html and "Content-Security-Policy" in html
    assert html.count('class="domain"') == len(SECTIONS) and not CLIENT_ID.search(html)
    assert html.count("<figcaption>") == html.count('<figure class="chart">') >= 4
    check_golden(html, GOLDEN / "steenwijkerland.html")


def test_json_is_stable_and_names_every_section(result):
    once, twice = ReportJsonRenderer().render(result), ReportJsonRenderer().render(result)
    assert once == twice
    data = json.loads(once)
    assert [s["title"] for s in data["sections"]] == SECTIONS
    assert not CLIENT_ID.search(once)


# ---- data the tests have not seen ----------------------------------------------------------


@pytest.fixture(scope="module")
def unseen(tmp_path_factory: pytest.TempPathFactory) -> LoadedData:
    return _load(tmp_path_factory.mktemp("unseen"), seed=7)


@pytest.mark.slow  # the report again on other data: in make test-all
def test_renders_on_an_unseen_sample(unseen):
    result = plan(steenwijkerland(), parse_period("2020-10"), standard_library(), unseen)
    for renderer in (ReportHtmlRenderer(), ReportMarkdownRenderer(), ReportJsonRenderer()):
        assert renderer.render(result)
    tile = find(result, "Wmo", "wmo.unieke_clienten")
    engine = values(run_engine(unseen, "month", dt.date(2020, 10, 1), dt.date(2020, 10, 31),
                               ["wmo.unieke_clienten"]))  # fmt: skip
    assert tile.rows[0].values[0].value == engine[("wmo.unieke_clienten", "2020-10")]
    assert tile.rows[0].compared[0].other.period.period == "2020-08"


@pytest.mark.slow  # the report again on other data (Hilversum's fast test covers the rule)
def test_a_month_the_data_does_not_reach_is_not_updated(unseen):
    """The sample runs to December 2021: a monitor over February 2022 shows no figures."""
    result = plan(steenwijkerland(), parse_period("2022-02"), standard_library(), unseen)
    tile = find(result, "Jeugd", "jeugd.unieke_clienten")
    value = tile.rows[0].values[0]
    assert value.state == "not_updated" and value.value is None
    assert value.note is not None and value.note.startswith("nog niet bijgewerkt")
    assert "nog niet bijgewerkt" in ReportMarkdownRenderer().render(result)


# ---- in a browser --------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("MAATSTAF_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"


@pytest.mark.browser
@pytest.mark.skipif(
    CHROMIUM is None and not REQUIRED, reason="no Chromium here (CI installs it and requires it)"
)
def test_chromium_shows_every_page_without_errors(result, tmp_path):
    assert CHROMIUM is not None, "Chromium is required in CI"
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "steenwijkerland.html"
    page_file.write_text(ReportHtmlRenderer().render(result), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda q: requests.append(q.url))
        page.on(
            "request",
            lambda q: requests.append(q.url) if not q.url.startswith(("file:", "data:")) else None,
        )
        page.goto(page_file.as_uri())
        headings = [h.inner_text() for h in page.locator("section.domain h2").all()]
        captions = page.locator("figure.chart figcaption").all()
        visible = all(c.is_visible() and c.inner_text().strip() for c in captions)
        tiles = page.locator("article.tile").count()
        for section in page.locator("section.domain").all():
            name = section.get_attribute("id")
            section.screenshot(path=str(ARTIFACTS / f"steenwijkerland-{name}.png"))
        browser.close()
    assert errors == [] and requests == []
    assert headings == SECTIONS
    assert len(captions) >= 4 and visible
    assert tiles >= 8


def test_corona_payments_and_debt_help_equal_the_engine(result, sample):
    """4.6-4.8: the TOZO payments of January to April 2021 are the engine's months added
    up; 4.4: the ended dossiers of April per outcome are the engine's, and the running
    dossiers per income group add up to the running dossiers' tile."""
    paid = find(
        result, "4. Participatie", "Uitbetaald aan levensonderhoud (TOZO), kredieten en TONK"
    )
    months = run_engine(
        sample, "month", dt.date(2021, 1, 1), dt.date(2021, 4, 30), ["corona.uitbetaald"]
    )
    tozo = sum(f.value for f in months.figures if f.dimensions == {"regeling": "TOZO"})
    (row,) = [row for row in paid.rows if row.dimensions == {"regeling": "TOZO"}]
    assert tozo > 0 and row.values[0].value == pytest.approx(tozo, abs=0.005)
    ended = find(result, "4. Participatie", "4.4 Beëindigde dossiers naar uitkomst")
    april = run_engine(
        sample, "month", dt.date(2021, 4, 1), dt.date(2021, 4, 30), ["schuldhulp.beeindigd"]
    )
    expected = {f.dimensions["uitkomst"]: f.value for f in april.figures}
    assert {row.dimensions["uitkomst"]: row.values[0].value for row in ended.rows} == expected
    groups = find(result, "4. Participatie", "4.4 Inkomensgroepen binnen de lopende dossiers")
    running = find(result, "4. Participatie", "schuldhulp.lopend")
    assert groups.total.values[0].value == running.rows[0].values[0].value
