"""The Dongen dashboard (Rapportage Dashboard Sociaal Domein Q4 2020) as a declared report:
it checks, follows the seed's pages in order, renders on the sample municipality (golden
Markdown and HTML), its figures equal `maatstaf run` on the sample and the day-by-day
oracle on a small hand-built municipality, it renders on a sample it has not seen, and it
shows in Chromium (screenshots in test-artifacts/).

The hand-built municipality ("Proefdorp"), report period 2020-Q4:
  Wmo  p1 huishoudelijke hulp 2019-03-01 .. 2020-12-31, again from 2021-01-01 (omzetting)
       p2 begeleiding 2019-06-15 .. 2020-06-14, the same from 2020-06-15 (herindicatie)
          .. 2020-11-30; a materiële voorziening from 2020-02-01 (terugkerend, geen herindicatie)
       p3 vervoer from 2020-10-05 (nieuw)
  Jeugd c4 ambulant 2019-01-10 .. 2020-12-31, verblijf 2020-09-01 .. 2020-10-31,
          jeugdbescherming 2020-10-01 .. 2021-03-31: three at once in October 2020
       c5 ambulant from 2020-11-20 (nieuw, via de gemeente)
       c6 ambulant 2019-05-01 .. 2019-12-31, the same 2020-01-01 .. 2020-12-15 (herindicatie)
       c7 a removed indication (reden 13): never counts
  Bijstand h1 PW 2018-05-01 .. 2020-10-31 (werk); h2 PW from 2020-04-01 and IOAW
       2020-06-01 .. 2020-12-31 (overig); h3 PW 2019-02-01 .. 2019-08-31 (verhuizing);
       h4 PW from 2020-11-01
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

from maatstaf.adapters.assemble import LoadOptions
from maatstaf.adapters.base import LoadedData
from maatstaf.adapters.registry import load_data
from maatstaf.adapters.sample import write_sample_csv
from maatstaf.cli import app
from maatstaf.dsl import report_ast as r
from maatstaf.engine.periods import parse_period
from maatstaf.renderers.report_html import ReportHtmlRenderer
from maatstaf.renderers.report_json import ReportJsonRenderer
from maatstaf.renderers.report_markdown import ReportMarkdownRenderer
from maatstaf.reports import ReportResult, plan
from maatstaf.reports.result import ChartResult, TableResult, TextResult, TileResult, Value
from tests import oracle
from tests.golden import check_golden
from tests.helpers import loaded, standard_library

GOLDEN = Path(__file__).parent / "golden" / "reports"
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
PERIOD = "2020-Q4"
UNSEEN_SEED = 4  # another sample municipality than the demo's (seed 2021)

# The seed's pages, in its order (Onderdeel Wmo, Inkomen, Jeugd, then the closing pages).
SEED_PAGES = [
    "Wmo in- en uitstroom",
    "Wmo – in- en uitstroom per categorie",
    "Wmo – terugkerende cliënt vs nieuwe cliënt",
    "Wmo – herindicaties",
    "Wmo – aantal voorzieningen per hoofd-/subcategorie",
    "Wmo – gemiddeld gedeclareerd bedrag",
    "Wmo – verplichtingen",
    "Wmo – verzilverde bedragen per categorie",
    "Inkomen – in- en uitstroom",
    "Inkomen – uitstroomreden",
    "Inkomen – bijstand per leeftijdscategorie en duur",
    "Inkomen – uitgekeerd bedrag algemene bijstand",
    "Jeugdhulp – in- en uitstroom",
    "Jeugdhulp – terugkerende cliënt vs nieuwe cliënt",
    "Jeugdhulp – terugkerende cliënten en herindicaties",
    "Jeugdhulp – stapeling",
    "Jeugdhulp – verplichtingen",
    "Jeugdhulp – informatie verwijzer",
    "Ontwikkelingen voor de komende periode",
    "Definities en nadere uitleg",
]


def dongen() -> r.Report:
    return standard_library().reports["dongen"]


def resolve(data: LoadedData, period: str = PERIOD) -> ReportResult:
    return plan(dongen(), parse_period(period), standard_library(), data)


def items(result: ReportResult, section: str) -> list:
    return next(s.items for s in result.sections if s.title == section)


def value_of(row, period: str) -> Value:
    return next(v for v in row.values if v.period.period == period)


def row_of(item, measure: str, **dims: str):
    return next(x for x in item.rows if x.measure == measure and x.dimensions == dims)


# ---- the declaration ---------------------------------------------------------------------


def test_the_standard_library_checks_with_the_dongen_report():
    runner = CliRunner()
    checked = runner.invoke(app, ["check"])
    assert checked.exit_code == 0, checked.stderr
    assert "no errors" in checked.stderr


def test_the_report_follows_the_seeds_pages_in_order():
    report = dongen()
    assert (report.title, report.subtitle, report.grain) == (
        "Rapportage Dashboard Sociaal Domein",
        "Gemeente Dongen",
        "quarter",
    )
    assert [s.title for s in report.sections] == SEED_PAGES


def test_in_and_outflow_pages_draw_unique_clients_on_the_right_axis():
    """Dongen's signature chart: monthly bars of in- and outflow, the unique clients as a
    line on a right-hand axis, per month over the two years up to the report period."""
    report = dongen()
    for section, law in (
        ("Wmo in- en uitstroom", "wmo"),
        ("Jeugdhulp – in- en uitstroom", "jeugd"),
    ):
        chart = next(i for s in report.sections if s.title == section for i in s.items)
        assert isinstance(chart, r.Chart) and chart.chart == "combination"
        shown = [(s.measure, s.style, s.axis) for s in chart.series]
        assert shown == [
            (f"{law}.instroom", "bars", "left"),
            (f"{law}.uitstroom", "bars", "left"),
            (f"{law}.unieke_clienten", "line", "right"),
        ]
        assert (chart.window.kind, chart.window.count, chart.window.by) == ("last", 2, "month")


def test_what_the_model_cannot_hold_is_said_never_filled_in():
    """Every part of the seed without a measure is a text saying so, not a figure; where
    the table is declared but no measure computes the figure, the text names the table."""
    texts = " ".join(
        " ".join(i.markdown.split())
        for s in dongen().sections
        for i in s.items
        if isinstance(i, r.Text)
    )
    for missing in ("resultaatgebieden",):
        assert missing in texts, missing
    # where the table is there, the text names the measure that computes it, or says
    # plainly that none does yet
    assert "instroom_per_verwijzer --by verwijzer_naam" in texts
    assert "financien.realisatie per post" in texts
    assert texts.count("Nog niet in") >= 4
    for table in ("geslacht", "naam van de verwijzer", "bijzondere bijstand"):
        assert f"Nog niet in het datamodel: {table}" not in texts, table


def test_the_tozo_and_minima_are_shown_beside_social_assistance():
    """Dongen's 2020 social assistance includes Tozo: the report shows the Tozo apart
    (inflow and households per month, payments per month) and the minima schemes."""
    shown = dongen().measures()
    for measure in (
        "corona.instroom",
        "corona.huishoudens",
        "corona.uitbetaald",
        "minima.uitgaven",
    ):
        assert measure in shown, measure


# ---- the hand-built municipality: by hand and against the oracle -------------------------


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _tw(i, client, wet, code, hoofd, start, end=None, **extra) -> dict:
    volume, unit = extra.pop("omvang", (2, "uur"))
    return {
        "toewijzing_id": i, "client_id": client, "wet": wet, "productcode": code,
        "productcategorie": code[:2], "hoofdcategorie": hoofd, "omvang_volume": Decimal(volume),
        "omvang_eenheid": unit, "omvang_frequentie": "week", "startdatum": _day(start),
        "einddatum": _day(end), **extra,
    }  # fmt: skip


def _uk(i, household, client, regeling, start, end, reden, amount) -> dict:
    return {
        "uitkering_id": i, "huishouden_id": household, "client_id": client,
        "regeling": regeling, "startdatum": _day(start), "einddatum": _day(end),
        "uitstroomreden": reden, "bedrag_per_maand": Decimal(amount),
    }  # fmt: skip


def _decl(i, tw, client, start, end, amount) -> dict:
    return {
        "declaratie_id": i, "toewijzing_id": tw, "client_id": client,
        "periode_start": _day(start), "periode_eind": _day(end), "bedrag": Decimal(amount),
    }  # fmt: skip


HH, BG, MV, VV = "huishoudelijke_hulp", "begeleiding", "materiele_voorziening", "vervoer"
TOEWIJZINGEN = [
    _tw("w1", "p1", "wmo", "01A01", HH, "2019-03-01", "2020-12-31", budget=Decimal(5000)),
    _tw("w2", "p1", "wmo", "01A01", HH, "2021-01-01"),
    _tw("w3", "p2", "wmo", "02A05", BG, "2019-06-15", "2020-06-14", budget=Decimal(3000)),
    _tw("w4", "p2", "wmo", "02A05", BG, "2020-06-15", "2020-11-30", budget=Decimal(1500)),
    _tw("w5", "p2", "wmo", "11A01", MV, "2020-02-01", omvang=(1, "stuk")),
    _tw("w6", "p3", "wmo", "12A01", VV, "2020-10-05", omvang=(1500, "km")),
    _tw("j1", "c4", "jeugdwet", "45A48", "ambulant", "2019-01-10", "2020-12-31",
        zwaarte="licht", verwijzer_type="huisarts", budget=Decimal(8000)),
    _tw("j2", "c4", "jeugdwet", "43A01", "verblijf", "2020-09-01", "2020-10-31",
        zwaarte="zwaar", verwijzer_type="gemeente"),
    _tw("j3", "c4", "jeugdwet", "48A01", "jeugdbescherming", "2020-10-01", "2021-03-31",
        zwaarte="middel", verwijzer_type="rechter"),
    _tw("j4", "c5", "jeugdwet", "45A48", "ambulant", "2020-11-20",
        zwaarte="licht", verwijzer_type="gemeente"),
    _tw("j6", "c6", "jeugdwet", "45A53", "ambulant", "2019-05-01", "2019-12-31", zwaarte="licht"),
    _tw("j7", "c6", "jeugdwet", "45A53", "ambulant", "2020-01-01", "2020-12-15", zwaarte="licht"),
    _tw("j8", "c7", "jeugdwet", "45A48", "ambulant", "2020-10-01", reden_wijziging="13"),
]  # fmt: skip
UITKERINGEN = [
    _uk("u1", "h1", "p8", "PW", "2018-05-01", "2020-10-31", "werk", 1200),
    _uk("u2", "h2", "p9", "PW", "2020-04-01", None, None, 1100),
    _uk("u3", "h2", "p10", "IOAW", "2020-06-01", "2020-12-31", "overig", 300),
    _uk("u4", "h3", "p11", "PW", "2019-02-01", "2019-08-31", "verhuizing", 900),
    _uk("u5", "h4", "p12", "PW", "2020-11-01", None, None, 1000),
]
DECLARATIES = [
    _decl("d1", "w1", "p1", "2020-10-01", "2020-10-31", 250),
    _decl("d2", "w1", "p1", "2020-11-01", "2020-11-30", 260),
    _decl("d3", "w1", "p1", "2020-11-01", "2020-11-30", -20),
    _decl("d4", "w3", "p2", "2020-03-01", "2020-03-31", 400),
    _decl("d5", "w4", "p2", "2020-10-01", "2020-10-31", 420),
    _decl("d6", "j1", "c4", "2020-10-01", "2020-10-31", 900),
    _decl("d7", "j1", "c4", "2019-11-01", "2019-11-30", 850),
]
CLIENTEN = [
    {"client_id": c, "geboortedatum": _day(born)}
    for c, born in [("p1", "1938-04-02"), ("p2", "1961-09-30"), ("p3", "1944-01-15"),
                    ("c4", "2008-06-01"), ("c5", "2012-12-24"), ("c6", "2005-03-03"),
                    ("c7", "2010-10-10"), ("p8", "1979-07-07"), ("p9", "1990-02-02"),
                    ("p10", "1960-05-05"), ("p11", "1985-08-08"), ("p12", "1999-11-11")]
]  # fmt: skip
TABLES = {
    "toewijzingen": TOEWIJZINGEN,
    "uitkeringen": UITKERINGEN,
    "declaraties": DECLARATIES,
    "clienten": CLIENTEN,
}


@pytest.fixture(scope="module")
def proefdorp() -> ReportResult:
    return resolve(loaded(**TABLES))


def test_hand_checked_figures_of_the_small_municipality(proefdorp: ReportResult):
    wmo = items(proefdorp, "Wmo in- en uitstroom")[0]
    # December 2020: p1 (w1 ends 31-12), p2 (w5), p3 (w6); w1 flows out
    assert value_of(row_of(wmo, "wmo.unieke_clienten"), "2020-12").value == 3
    assert value_of(row_of(wmo, "wmo.uitstroom"), "2020-12").value == 1
    herindicaties = items(proefdorp, "Wmo – herindicaties")[1]
    assert isinstance(herindicaties, TableResult) and herindicaties.periods_as == "rows"
    # June 2020: p2's begeleiding continues the next day with the same omvang
    assert value_of(row_of(herindicaties, "wmo.herindicaties"), "2020-06").value == 1
    assert value_of(row_of(herindicaties, "wmo.geen_herindicatie"), "2020-06").value == 0
    per_category = items(proefdorp, "Wmo – in- en uitstroom per categorie")[0]
    # October 2020 begeleiding: p2's second indication runs until 30 November
    oct_bg = value_of(row_of(per_category, "wmo.unieke_clienten", hoofdcategorie=BG), "2020-10")
    assert oct_bg.value == 1
    stapeling = items(proefdorp, "Jeugdhulp – stapeling")[0]
    # October 2020: c4 has ambulant, verblijf and jeugdbescherming at once; c6 one; c7 removed
    assert value_of(row_of(stapeling, "jeugd.stapeling", gelijktijdig="3"), "2020-10").value == 1
    assert value_of(row_of(stapeling, "jeugd.stapeling", gelijktijdig="1"), "2020-10").value == 1
    inkomen = items(proefdorp, "Inkomen – in- en uitstroom")[1]
    # Q4 2020: h1 (until 31 October), h2 (two benefits, one household), h4
    assert inkomen.values["participatie.huishoudens"].value == 3
    shown = ReportMarkdownRenderer().render(proefdorp)
    assert "In 4e kwartaal 2020 ontvingen\n3 huishoudens een uitkering." in shown


def test_the_commitment_per_category_is_the_oracles_on_that_categorys_indications(
    proefdorp: ReportResult,
):
    """The oracle has no verplichting per product: per productcategorie the table shows,
    the oracle's verplichting on only the indications of that category."""
    table = items(proefdorp, "Wmo – verplichtingen")[2]
    assert isinstance(table, TableResult)
    committed = 0
    for row in (row for row in table.rows if row.dimensions):
        category = row.dimensions["productcategorie"]
        own = [t for t in TOEWIJZINGEN if t["productcategorie"] == category]
        data = oracle.Data.of({**TABLES, "toewijzingen": own})
        figures = oracle.MEASURES["verplichting"](data, oracle.parse_label("2020"))
        expected = figures.get((("jaardeel", "kalenderjaar"), ("wet", "wmo")), 0)
        assert _same(value_of(row, "2020").value, expected), (category, expected)
        committed += expected > 0
    assert committed == 2  # begeleiding (02) and huishoudelijke hulp (01)


def test_every_figure_of_the_small_municipality_equals_the_oracle(proefdorp: ReportResult):
    checked, wrong = _against_oracle(proefdorp, dongen(), TABLES)
    assert wrong == []
    assert checked >= 600  # most of the report's figures are the oracle's measures


def _against_oracle(result: ReportResult, report: r.Report, tables: dict) -> tuple[int, list]:
    data = oracle.Data.of(tables)
    cache: dict[tuple[str, str], dict] = {}
    checked, wrong = 0, []
    for section_ast, section in zip(report.sections, result.sections, strict=True):
        for item_ast, item in zip(section_ast.items, section.items, strict=True):
            for measure, dims, value in _figures(item_ast, item):
                if not _oracle_knows(measure, dims) or value.state != "ok" or value.period.span:
                    continue
                key = (measure, value.period.period)
                if key not in cache:
                    cache[key] = oracle.MEASURES[measure](data, oracle.parse_label(key[1]))
                expected = _expected(measure, cache[key], tuple(sorted(dims.items())))
                checked += 1
                if not _same(value.value, expected):
                    wrong.append((measure, value.period.period, dims, value.value, expected))
    return checked, wrong


def _figures(item_ast: r.Item, item):
    """(measure, all its dimensions with the series' filter, value) of every figure shown."""
    match item:
        case TextResult():
            for name, value in item.values.items():
                yield name, {}, value
        case TileResult() | ChartResult() | TableResult():
            series = (item_ast.series,) if isinstance(item_ast, r.Tile) else item_ast.series
            filters = {s.measure: s.filter for s in series}
            for row in item.rows:
                for value in row.values:
                    yield row.measure, {**filters[row.measure], **row.dimensions}, value


# Optional breakdowns the oracle does not compute (checked by hand above).
NOT_IN_ORACLE = {("wmo.unieke_clienten", "hoofdcategorie"), ("wmo.gedeclareerd_per_client", "hoofdcategorie")}  # fmt: skip


def _oracle_knows(measure: str, dims: dict[str, str]) -> bool:
    return measure in oracle.MEASURES and not any((measure, d) in NOT_IN_ORACLE for d in dims)


def _expected(measure: str, figures: dict, dims: tuple) -> object:
    if dims in figures:
        return figures[dims]
    if oracle.NO_DATA in figures:
        return None
    return oracle.default_value(measure)


def _same(found: object, expected: object) -> bool:
    if found is None or expected is None:
        return found is None and expected is None
    return abs(Fraction(found) - Fraction(expected)) <= Fraction(1, 100)  # type: ignore[arg-type]


# ---- the sample municipality: goldens and `maatstaf run` ---------------------------------


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dongen") / "data"
    write_sample_csv(folder)
    return folder


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> ReportResult:
    return resolve(load_data(str(sample_dir), LoadOptions(), standard_library().table_schema))


def test_markdown_golden(sample: ReportResult):
    text = ReportMarkdownRenderer().render(sample)
    assert text.startswith("# Rapportage Dashboard Sociaal Domein\n\n_Gemeente Dongen_")
    assert "niet beschikbaar" not in text and "nog niet bijgewerkt" not in text
    assert [line[3:] for line in text.splitlines() if line.startswith("## ")] == SEED_PAGES
    check_golden(text, GOLDEN / "dongen.md")


def test_html_golden(sample: ReportResult):
    html = ReportHtmlRenderer().render(sample)
    assert "<script" not in html and "Content-Security-Policy" in html
    charts = sum(isinstance(i, ChartResult) for s in sample.sections for i in s.items)
    assert charts == 23 and html.count("<svg") >= charts
    check_golden(html, GOLDEN / "dongen.html")


def test_json_names_every_version_and_no_render_prints_a_client(sample: ReportResult):
    text = ReportJsonRenderer().render(sample)
    data = json.loads(text)
    assert [s["title"] for s in data["sections"]] == SEED_PAGES
    versions = {
        v["version"]
        for s in data["sections"] for i in s["items"] for row in i.get("rows", [])
        for v in row["values"]
    }  # fmt: skip
    assert versions == {1}  # every figure names its version; the measures shown have one
    shown = text + ReportHtmlRenderer().render(sample) + ReportMarkdownRenderer().render(sample)
    # the sample's pseudonyms are C000001, H000001, ...: none is printed
    assert re.search(r"\b[CH]\d{6}\b", shown) is None


def _run(sample_dir: Path, grain: str, first: str, last: str, *measures: str) -> dict:
    args = ["run", "--data", str(sample_dir), "--grain", grain, "--from", first, "--to", last]
    result = CliRunner().invoke(app, [*args, *(a for m in measures for a in ("-m", m))])
    assert result.exit_code == 0, result.stderr
    return {
        (f["measure"], f["period"], tuple(sorted(f["dimensions"].items()))): f["value"]
        for f in json.loads(result.stdout)["figures"]
    }


@pytest.mark.slow  # three runs through the CLI: in make test-all
def test_spot_figures_equal_maatstaf_run_on_the_sample(sample: ReportResult, sample_dir: Path):
    months = _run(sample_dir, "month", "2019-01", "2020-12", "wmo.unieke_clienten",
                  "wmo.herindicaties", "participatie.uitgekeerd")  # fmt: skip
    years = _run(
        sample_dir, "year", "2019", "2020", "jeugd.stapeling", "verzilvering_per_categorie"
    )
    wmo = items(sample, "Wmo in- en uitstroom")[0]
    assert (
        value_of(row_of(wmo, "wmo.unieke_clienten"), "2020-12").value
        == months[("wmo.unieke_clienten", "2020-12", ())]
    )
    herindicaties = items(sample, "Wmo – herindicaties")[1]
    for month in ("2019-07", "2020-06"):
        assert (
            value_of(row_of(herindicaties, "wmo.herindicaties"), month).value
            == months[("wmo.herindicaties", month, ())]
        )
    paid = items(sample, "Inkomen – uitgekeerd bedrag algemene bijstand")[0]
    assert value_of(row_of(paid, "participatie.uitgekeerd"), "2020-05").value == pytest.approx(
        months[("participatie.uitgekeerd", "2020-05", ())]
    )
    stapeling = items(sample, "Jeugdhulp – stapeling")[1]
    for band in ("1", "2", "3", "4+"):
        row = row_of(stapeling, "jeugd.stapeling", gelijktijdig=band)
        assert (
            value_of(row, "2019").value
            == years[("jeugd.stapeling", "2019", (("gelijktijdig", band),))]
        )
    spent = items(sample, "Wmo – verzilverde bedragen per categorie")[0]
    hh = row_of(spent, "verzilvering_per_categorie", hoofdcategorie=HH)
    assert value_of(hh, "2020").value == pytest.approx(
        years[("verzilvering_per_categorie", "2020", (("hoofdcategorie", HH), ("wet", "wmo")))]
    )


@pytest.mark.slow  # the report again on other data, or through the CLI: in make test-all
def test_the_cli_renders_the_report_on_the_sample(sample_dir: Path, tmp_path: Path):
    out = tmp_path / "dongen.md"
    result = CliRunner().invoke(app, ["report", "dongen", "--data", str(sample_dir),
                                      "--period", "2020-12", "--format", "markdown",
                                      "--output", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert "Periode: december 2020" in text and "## Jeugdhulp – stapeling" in text


# ---- a sample the tests have not seen ----------------------------------------------------


@pytest.mark.slow  # the report again on other data, or through the CLI: in make test-all
def test_renders_on_an_unseen_sample(tmp_path: Path):
    folder = tmp_path / "data"
    write_sample_csv(folder, seed=UNSEEN_SEED)
    result = resolve(
        load_data(str(folder), LoadOptions(), standard_library().table_schema), "2021-Q2"
    )
    assert [s.title for s in result.sections] == SEED_PAGES
    states = {v.state for s in result.sections for i in s.items if not isinstance(i, TextResult)
              for row in i.rows for v in row.values}  # fmt: skip
    assert states == {"ok"}
    for renderer in (ReportHtmlRenderer(), ReportMarkdownRenderer(), ReportJsonRenderer()):
        assert "Gemeente Dongen" in renderer.render(result)


# ---- in Chromium -------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("MAATSTAF_REQUIRE_BROWSER") == "1"


@pytest.mark.browser
@pytest.mark.skipif(
    CHROMIUM is None and not REQUIRED, reason="no Chromium here (CI installs it and requires it)"
)
def test_in_chromium_every_page_shows_with_its_charts(sample: ReportResult, tmp_path: Path):
    assert CHROMIUM is not None, "Chromium is required in CI"
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "dongen.html"
    page_file.write_text(ReportHtmlRenderer().render(sample), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "request",
            lambda q: requests.append(q.url) if not q.url.startswith(("file:", "data:")) else None,
        )
        page.goto(page_file.as_uri())
        sections = page.locator("section.domain").all()
        titles = [s.locator("h2").first.inner_text() for s in sections]
        for number, section in enumerate(sections, 1):
            section.screenshot(path=str(ARTIFACTS / f"dongen-{number:02d}.png"))
        charts = page.locator("figure svg").count()
        browser.close()
    assert errors == [] and requests == []
    assert titles == SEED_PAGES
    assert charts >= 17
