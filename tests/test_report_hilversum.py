"""The Hilversum council dashboard 2021 Q1 (seed 000) as the declared report 'hilversum'
(issue 13, item 5): it checks, it follows the seed's pages in order, it renders on the
sample municipality (golden Markdown and HTML), its figures equal the same measures
computed directly (the day-by-day oracle and the engine as 'maatstaf run' calls it), it
renders on data the tests have not seen, and a real Chromium shows it without errors, with
no number broken over lines, and a screenshot per section in test-artifacts/.

The sample runs 2019-01 .. 2021-12; the report period is the seed's, 2021-Q1."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maatstaf.adapters.base import LoadedData
from maatstaf.cli import app
from maatstaf.engine.periods import parse_period
from maatstaf.engine.run import RunRequest, Selection, run
from maatstaf.renderers.report_html import ReportHtmlRenderer
from maatstaf.renderers.report_json import ReportJsonRenderer
from maatstaf.renderers.report_markdown import ReportMarkdownRenderer
from maatstaf.reports import plan
from maatstaf.reports.result import ReportResult, TableResult, TextResult, TileResult
from tests import oracle
from tests.golden import check_golden
from tests.helpers import loaded, standard_library

GOLDEN = Path(__file__).parent / "golden" / "reports"
PERIOD = "2021-Q1"
SEED_PAGES = [
    "Aanbiedingsbrief: corona-maatregelen TOZO en TONK",
    "Werk en inkomen",
    "Wmo",
    "Schuldhulpverlening",
    "Minima",
    "Jeugd",
    "Klachten en tevredenheid",
    "Bijlage: Wmo en jeugd",
    "Bijlage: definitiewijziging unieke jeugdigen",
]
# The page of each regeling's tijdigheid tile, and the seed's norm (80 % Wmo, else 95 %).
NORMS = {
    "Werk en inkomen": ("participatiewet", 0.95),
    "Wmo": ("wmo", 0.80),
    "Schuldhulpverlening": ("schuldhulp", 0.95),
    "Minima": ("minima", 0.95),
    "Jeugd": ("jeugdwet", 0.95),
}
DATES = {"ontvangen_op", "besloten_op", "startdatum", "einddatum", "boekdatum"}


def _date(value: object) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value  # type: ignore[return-value]
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def _sample(folder: Path, seed: int | None = None) -> LoadedData:
    from maatstaf.adapters.registry import load_data
    from maatstaf.adapters.sample import write_sample_csv

    if seed is None:
        write_sample_csv(folder)
    else:
        write_sample_csv(folder, seed=seed)
    return load_data(str(folder), schema=standard_library().table_schema)


def _oracle_data(data: LoadedData) -> oracle.Data:
    """The tables the spot figures read, as the oracle reads them (rows with dates)."""
    tables = {}
    for name in ("aanvragen", "uitkeringen", "toewijzingen", "budgetboekingen"):
        rows = data.tables[name].to_pylist()
        for row in rows:
            for column in DATES & row.keys():
                row[column] = _date(row[column])
        tables[name] = rows
    return oracle.Data.of(tables)


def _report(data: LoadedData, period: str = PERIOD) -> ReportResult:
    library = standard_library()
    return plan(library.reports["hilversum"], parse_period(period), library, data)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, LoadedData, ReportResult]:
    folder = tmp_path_factory.mktemp("sample")
    data = _sample(folder)
    return folder, data, _report(data)


def _section(result: ReportResult, title: str):
    return next(s for s in result.sections if s.title == title)


def _tile(result: ReportResult, page: str, measure: str, **filter: str) -> TileResult:
    """The tile of a measure on a page; with ``filter``, the one for that regeling."""
    report = standard_library().reports["hilversum"]
    declared = next(s for s in report.sections if s.title == page)
    for item, found in zip(declared.items, _section(result, page).items, strict=True):
        if item.kind == "tile" and item.series.measure == measure and item.series.filter == filter:
            assert isinstance(found, TileResult)
            return found
    raise AssertionError(f"no tile {measure} {filter} on page {page}")


def _table(result: ReportResult, title: str, page: str) -> TableResult:
    found = [i for i in _section(result, page).items if getattr(i, "title", None) == title]
    assert len(found) == 1 and isinstance(found[0], TableResult)
    return found[0]


def _spot(data: oracle.Data, measure: str, label: str, **dims: str) -> object:
    """The oracle's figure of a measure in a period (or a span 'first..last')."""
    first, _, last = label.partition("..")
    period = oracle.parse_label(first)
    if last:
        period = oracle.Period(label, period.begin, oracle.parse_label(last).end)
    found = oracle.MEASURES[measure](data, period)
    return found.get(tuple(sorted(dims.items())), 0)


# ---- the declaration ----------------------------------------------------------------------


def test_the_standard_library_checks_with_the_hilversum_report():
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "no errors" in result.stderr
    report = standard_library().reports["hilversum"]
    assert (report.title, report.subtitle, report.grain) == (
        "Raadsdashboard Sociaal Domein",
        "Gemeente Hilversum",
        "quarter",
    )


def test_the_pages_follow_the_seed_and_open_with_tijdigheid_and_its_norm(sample):
    _, _, result = sample
    assert [s.title for s in result.sections] == SEED_PAGES
    for page, (regeling, norm) in NORMS.items():
        first = _section(result, page).items[0]
        assert isinstance(first, TileResult) and first.measure == "tijdigheid"
        (row,) = first.rows
        assert row.target is not None and row.target.value == pytest.approx(norm), page
        assert [c.kind for c in row.compared] in (["previous", "year_earlier"], ["year_to_date"])
        assert _tile(result, page, "tijdigheid", regeling=regeling) is first


def test_what_the_data_model_cannot_hold_is_said_never_counted(sample):
    """Parttime income, the norm of a complaint, PGA and Begeleiding in de Wijk are in no
    table: a text each, naming what is missing. Where the table is declared but no
    measure computes the figure yet (budget and ledger of debt help and minima, the
    meldingen of the Sociaal Plein), the text names the table; no text says a declared
    table is missing."""
    _, _, result = sample
    texts = [i.markdown for s in result.sections for i in s.items if isinstance(i, TextResult)]
    missing = [t for t in texts if "Nog niet in het datamodel" in t or "nog niet in het" in t]
    for subject in ("PGA", "Begeleiding in de Wijk", "Parttime", "de norm waarop een klacht"):
        assert any(subject in t for t in missing), subject
    for table in ("schuldhulp", "signalen", "minimaregelingen", "doelgroepen", "tevredenheid"):
        assert not any(f"tabel {table}" in t for t in missing), table
    # the budget and ledger of debt help and minima are tables now, not texts
    tables = [
        i.title
        for s in result.sections
        for i in s.items
        if hasattr(i, "rows") and hasattr(i, "title")
    ]
    for domain in ("schuldhulpverlening", "minimaregelingen"):
        assert f"Begroting vs Realisatie ({domain})" in tables, domain


def test_the_seed_figures_of_the_new_tables_are_shown(sample):
    """Debt help (signals per partner, success), minima (reach, amounts), complaints and
    satisfaction, and the covering letter's TOZO and TONK, each where the seed has it."""
    _, _, result = sample
    tiles = {
        "Schuldhulpverlening": (
            "schuldhulp.signalen_opgevolgd",
            "schuldhulp.aanmeldingen",
            "schuldhulp.succespercentage",
        ),
        "Minima": (
            "minima.bereikte_werkende_armen",
            "minima.bereik_werkende_armen",
            "minima.bereikte_huishoudens",
            "minima.bereik",
        ),
    }
    for page, measures in tiles.items():
        shown = [i.measure for i in _section(result, page).items if isinstance(i, TileResult)]
        for measure in measures:
            assert measure in shown, (page, measure)
    signals = _table(
        result,
        "Pro-actieve benadering: signalen van vroegsignalering per partner",
        "Schuldhulpverlening",
    )
    _, data, _ = sample
    request = RunRequest(
        periods=[parse_period(PERIOD)], selections=[Selection("schuldhulp.signalen")]
    )
    direct = {
        f.dimensions["partner"]: f.value
        for f in run(standard_library(), data, request, standard_library().table_schema).figures
    }
    shown = {r.dimensions["partner"]: r.values[-1].value for r in signals.rows if r.dimensions}
    assert shown == direct and sum(direct.values()) > 0
    klachten = _section(result, "Klachten en tevredenheid").items
    assert [type(i).__name__ for i in klachten] == [
        "TableResult",
        "TableResult",
        "TextResult",
        "TableResult",
    ]
    letter = _section(result, SEED_PAGES[0]).items
    assert [i.title for i in letter if isinstance(i, TableResult)] == [
        "Afgehandelde aanvragen per regeling",
        "Toegekende aanvragen per regeling (dit jaar en heel vorig jaar)",
    ]


# ---- the sample: golden files and figures checked another way ------------------------------


def test_markdown_golden(sample):
    _, _, result = sample
    text = ReportMarkdownRenderer().render(result)
    assert text.startswith("# Raadsdashboard Sociaal Domein\n")
    assert "norm: ten minste 80,0%" in text and "norm: ten minste 95,0%" in text
    assert "definitie gewijzigd per 1-1-2021; volgens de oude definitie:" in text
    check_golden(text, GOLDEN / "hilversum.md")


def test_html_golden(sample):
    _, _, result = sample
    html = ReportHtmlRenderer().render(result)
    assert "<script" not in html and "Content-Security-Policy" in html
    report = standard_library().reports["hilversum"]
    charts = [i.title for s in report.sections for i in s.items if i.kind == "chart"]
    assert len(charts) == 9 and html.count("<figure") >= len(charts)
    for title in charts:  # every chart drawn, with its title
        assert title in html, title
    for page in SEED_PAGES:
        assert f">{page}<" in html
    check_golden(html, GOLDEN / "hilversum.html")


def test_json_names_the_version_of_every_compared_figure(sample):
    _, _, result = sample
    once = ReportJsonRenderer().render(result)
    assert once == ReportJsonRenderer().render(result)
    data = json.loads(once)
    assert data["id"] == "hilversum" and data["period"]["period"] == PERIOD
    tile = next(
        i for i in data["sections"][5]["items"] if i.get("measure") == "jeugd.unieke_jeugdigen"
    )
    previous = tile["rows"][0]["compared"][0]
    assert (previous["other"]["version"], previous["definition_break"]["version"]) == (2, 1)


@pytest.mark.slow  # the oracle over the whole sample: in make test-all
# (test_year_to_date_tile_equals_the_oracle stays in make test)
def test_tiles_equal_the_oracle(sample):
    """Tijdigheid per regeling, uitstroom naar werk and households on social assistance,
    with their comparisons, and the old definition's figure beside unieke jeugdigen."""
    _, data, result = sample
    rows = _oracle_data(data)
    for page, (regeling, _) in NORMS.items():
        row = _tile(result, page, "tijdigheid", regeling=regeling).rows[0]
        assert row.values[0].value == pytest.approx(
            _spot(rows, "tijdigheid", PERIOD, regeling=regeling)
        ), page
    for measure in ("participatie.uitstroom_naar_werk", "participatie.huishoudens"):
        row = _tile(result, "Werk en inkomen", measure).rows[0]
        previous, year = row.compared
        assert row.values[0].value == _spot(rows, measure, PERIOD)
        assert previous.other.value == _spot(rows, measure, "2020-Q4")
        assert year.other.value == _spot(rows, measure, "2020-Q1")
    jeugd = _tile(result, "Jeugd", "jeugd.unieke_jeugdigen").rows[0]
    brk = jeugd.compared[0].definition_break
    assert brk is not None and brk.version == 1
    assert brk.value == oracle.unieke_jeugdigen_v1(rows, oracle.parse_label("2020-Q4"))[()]


def test_year_to_date_tile_equals_the_oracle(sample):
    _, data, result = sample
    rows = _oracle_data(data)
    for page, regeling in (("Schuldhulpverlening", "schuldhulp"), ("Minima", "minima")):
        (compared,) = _tile(result, page, "aanvragen.ontvangen", regeling=regeling).rows[0].compared
        assert compared.other.period.period == "2020-Q1"
        assert compared.other.value == _spot(
            rows, "aanvragen.ontvangen", "2020-Q1", regeling=regeling
        )


def test_unieke_jeugdigen_table_adds_up_to_maatstaf_run(sample):
    """The verwijzer groups of each quarter add up to the unique youths the engine counts
    for that quarter (what 'maatstaf run' shows), and match the oracle in Q1 2021."""
    _, data, result = sample
    table = _table(result, "Unieke jeugdigen", "Jeugd")
    labels = [c.period.period for c in table.columns]
    # as the seed: the quarters of last year, last year, this year's quarters and the year
    # to date (at Q1 that is Q1 itself, shown once)
    assert labels == ["2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4", "2020", "2021-Q1"]
    request = RunRequest(
        periods=[parse_period(p) for p in labels], selections=[Selection("jeugd.unieke_clienten")]
    )
    direct = {f.period: f.value for f in run(standard_library(), data, request).figures}
    assert table.total is not None
    assert [v.value for v in table.total.values] == [direct[p] for p in labels]
    rows = _oracle_data(data)
    q1 = {r.dimensions["verwijzer_groep"]: r.values[-1].value for r in table.rows}
    for group, value in q1.items():
        assert value == _spot(
            rows, "jeugd.unieke_jeugdigen_naar_verwijzer", PERIOD, verwijzer_groep=group
        ), group


def test_the_annex_shows_the_definition_change_with_the_break_marked(sample):
    _, _, result = sample
    table = _table(
        result,
        "Unieke jeugdigen volgens de oude en de nieuwe definitie",
        "Bijlage: definitiewijziging unieke jeugdigen",
    )
    old, new = table.rows
    assert [v.version for v in old.values] == [1, 1, 1, 1, 1, 2]
    assert [c.break_before for c in table.columns] == [False] * 5 + [True]
    assert table.footnotes[0].startswith("Definitie gewijzigd vanaf 1e kwartaal 2021")
    # the old definition counts fewer youths in 2020 (Hilversum: 2.250 against 2.531)
    assert all(o.value < n.value for o, n in zip(old.values[:5], new.values[:5], strict=True))
    assert old.values[5].value == new.values[5].value


@pytest.mark.slow  # the report again on other data, or through the CLI: in make test-all
def test_the_cli_renders_the_report(sample, tmp_path):
    folder, _, _ = sample
    out = tmp_path / "hilversum.json"
    result = CliRunner().invoke(
        app,
        [
            "report",
            "hilversum",
            "--data",
            str(folder),
            "--period",
            PERIOD,
            "--format",
            "json",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text())["title"] == "Raadsdashboard Sociaal Domein"


# ---- data the tests have not seen -------------------------------------------------------


@pytest.mark.slow  # the report again on other data, or through the CLI: in make test-all
def test_renders_on_another_municipality_later_in_the_year(tmp_path):
    """Another seed of the sample, at Q3: the years to date appear beside the quarters,
    every tile has a figure and the renderers run; tijdigheid still equals the oracle."""
    data = _sample(tmp_path, seed=20210401)
    result = _report(data, "2021-Q3")
    for render in (ReportHtmlRenderer, ReportMarkdownRenderer, ReportJsonRenderer):
        assert render().render(result)
    tiles = [i for s in result.sections for i in s.items if isinstance(i, TileResult)]
    assert all(r.values[0].state == "ok" for t in tiles for r in t.rows)
    table = _table(result, "Unieke jeugdigen", "Jeugd")
    assert table.columns[-1].period.period == "2021-Q1..2021-Q3"
    row = _tile(result, "Wmo", "tijdigheid", regeling="wmo").rows[0]
    rows = _oracle_data(data)
    assert row.values[0].value == pytest.approx(
        _spot(rows, "tijdigheid", "2021-Q3", regeling="wmo")
    )


def test_data_that_stops_before_the_quarter_is_not_updated_never_zero():
    """A small hand-built municipality whose registrations stop in November 2020: every
    tile of 2021-Q1 says 'nog niet bijgewerkt', none shows 0."""

    def request(i: int, regeling: str, day: str) -> dict:
        received = dt.date.fromisoformat(day)
        return {
            "aanvraag_id": f"A{i}",
            "client_id": f"C{i}",
            "regeling": regeling,
            "ontvangen_op": received,
            "besloten_op": received + dt.timedelta(days=20),
        }

    regelingen = ["wmo", "jeugdwet", "participatiewet", "minima", "schuldhulp"]
    data = loaded(
        aanvragen=[request(i, r, "2020-10-01") for i, r in enumerate(regelingen)],
        toewijzingen=[
            {
                "toewijzing_id": "T1",
                "client_id": "C1",
                "wet": "jeugdwet",
                "productcode": "45A01",
                "startdatum": dt.date(2020, 11, 1),
            }
        ],
        uitkeringen=[
            {
                "uitkering_id": "U1",
                "huishouden_id": "H1",
                "client_id": "C9",
                "regeling": "PW",
                "startdatum": dt.date(2020, 6, 1),
            }
        ],
        budgetboekingen=[],
        declaraties=[],
        begroting=[],
    )
    result = _report(data)
    tiles = [i for s in result.sections for i in s.items if isinstance(i, TileResult)]
    values = [r.values[0] for t in tiles for r in t.rows]
    assert values and all(v.value is None for v in values)
    # the tables this municipality does not deliver at all (debt help, minima) have no
    # figure either; those it delivers up to November say that they stop there
    seed = ("schuldhulp.", "minima.")
    delivered = [r.values[0] for t in tiles for r in t.rows if not t.measure.startswith(seed)]
    assert delivered and all(v.state == "not_updated" for v in delivered)
    assert "nog niet bijgewerkt (gegevens tot en met 4e kwartaal 2020)" in {v.note for v in values}
    assert "nog niet bijgewerkt" in ReportMarkdownRenderer().render(result)


# ---- a real browser ----------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("MAATSTAF_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
BROKEN_NUMBERS_JS = r"""
() => {
  const re = /(?:[+\-−]\s?)?(?:€\s?)?(?:\d{1,2}-\d{1,2}-\d{4}|\d+(?:[.,]\d+)*)(?:\s?%)?/g;
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest('svg, code, pre, script, style, details:not([open])')) continue;
    for (const m of node.data.matchAll(re)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
      if (new Set(rects.map(r => Math.round(r.bottom))).size > 1) bad.push(m[0]);
    }
  }
  return bad;
}
"""
UNTITLED_CHARTS_JS = r"""
() => [...document.querySelectorAll('svg[role=img]')].filter(svg => {
  const shown = el => el && el.textContent.trim() && el.getBoundingClientRect().height > 0;
  return !(shown(svg.querySelector('text.chart-title'))
           || shown(svg.closest('figure')?.querySelector('figcaption')));
}).map(svg => svg.getAttribute('aria-label') || '(no label)')
"""


@pytest.mark.browser
@pytest.mark.skipif(
    CHROMIUM is None and not REQUIRED, reason="no Chromium here (CI installs it and requires it)"
)
def test_chromium_shows_every_page_without_errors(sample, tmp_path):
    assert CHROMIUM is not None, "Chromium is required in CI"
    from playwright.sync_api import sync_playwright

    _, _, result = sample
    path = tmp_path / "hilversum.html"
    path.write_text(ReportHtmlRenderer().render(result), encoding="utf-8")
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
            lambda r: None if r.url.startswith(("file:", "data:")) else requests.append(r.url),
        )
        page.goto(path.as_uri())
        headings = page.locator("section h2").all_inner_texts()
        broken = page.evaluate(BROKEN_NUMBERS_JS.strip())
        untitled = page.evaluate(UNTITLED_CHARTS_JS.strip())
        sections = page.locator("section").filter(has=page.locator("h2")).all()
        for n, section in enumerate(sections):
            section.screenshot(path=str(ARTIFACTS / f"hilversum-{n:02d}.png"))
        browser.close()
    assert errors == [] and requests == []
    # the notes (here: the sample has no corona applications) close the page
    notes = ["Opmerkingen"] if result.notes else []
    assert [h.strip() for h in headings] == SEED_PAGES + notes
    assert broken == [], broken[:10]
    assert untitled == []
    assert len(list(ARTIFACTS.glob("hilversum-*.png"))) >= len(SEED_PAGES)
