"""The demo's HTML reports in a real headless Chromium, read the way a council member
reads them: no number broken over lines (checked in the DOM, every number's client rects
on one line), every chart with a visible title, no console error, no request of any kind,
wide tables scrolling inside their box, and screenshots of every section of every report
kept as test artefacts (test-artifacts/)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from maatstaf.cli import app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
REQUIRED = os.environ.get("MAATSTAF_REQUIRE_BROWSER") == "1"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None and not REQUIRED,
        reason="no Chromium here (CI installs it and requires it)",
    ),
]

# Every number in the page's text (outside charts and code), with a sign, a € before it
# or a % after it, and dates as 1-1-2021: the rects of its range must all sit on one line.
broken_numbers_js = r"""
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
      const lines = new Set(rects.map(r => Math.round(r.bottom)));
      if (lines.size > 1) bad.push(`${m[0]} in <${parent.tagName.toLowerCase()}>: ${node.data.trim().slice(0, 60)}`);
    }
  }
  return bad;
}
"""

# A chart's title must be visible: drawn text in the SVG, or a figcaption beside it.
untitled_charts_js = r"""
() => [...document.querySelectorAll('svg[role=img]')].filter(svg => {
  const own = svg.querySelector('text.chart-title');
  const shown = el => el && el.textContent.trim() && el.getBoundingClientRect().height > 0;
  const caption = svg.closest('figure')?.querySelector('figcaption');
  return !(shown(own) || shown(caption));
}).map(svg => svg.getAttribute('aria-label') || '(no label)')
"""


SPLIT_WORDS_JS = r"""
(b) => {
  const bad = [];
  for (const th of b.querySelectorAll('thead th')) {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (const m of node.data.matchAll(/[^\s\-]+/g)) {  // a break after a hyphen is fine
        const r = document.createRange();
        r.setStart(node, m.index);
        r.setEnd(node, m.index + m[0].length);
        const rects = [...r.getClientRects()].filter(x => x.width > 0);
        if (new Set(rects.map(x => Math.round(x.bottom))).size > 1) bad.push(m[0]);
      }
    }
  }
  return bad;
}
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["demo", "--output", str(out)])
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM is not None, "Chromium is required in CI"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _open(browser, path: Path, width: int = 1200):
    """The page, with every console error and every request it makes recorded."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: requests.append(r.url))
    page.on(
        "request",
        lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None,
    )
    page.goto(path.as_uri())
    return page, errors, requests


def _reports(demo: Path) -> list[Path]:
    """The demo's reports and its three seed dashboards (declared reports)."""
    found = sorted(demo.glob("*.html"))
    assert {p.name for p in found} >= {"rapport.html", "jaarcijfers.html"}
    dashboards = sorted((demo / "dashboards").glob("*.html"))
    assert [p.stem for p in dashboards] == ["dongen", "hilversum", "steenwijkerland"]
    return found + dashboards


def test_report_renders_offline_without_errors(demo: Path, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page, errors, requests = _open(browser, demo / "rapport.html")
    assert page.locator("article.tile").count() >= 20
    assert page.locator("figure svg[role=img]").count() >= 5
    links = page.locator("a[href^='#def-']")
    assert links.count() >= 20
    first = links.first.get_attribute("href")
    assert page.locator(f"[id='{first[1:]}']").count() == 1
    for section in page.locator("section.domain").all():
        name = section.get_attribute("id")
        section.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.screenshot(path=str(ARTIFACTS / "phone.png"))
    width = page.evaluate("document.documentElement.scrollWidth")
    page.close()
    assert errors == []
    assert requests == []
    assert width <= 400, "the page scrolls sideways on a phone"
    assert sorted(p.name for p in ARTIFACTS.glob("domein-*.png"))


@pytest.mark.parametrize("width", [1200, 390])
def test_no_number_breaks_over_lines(demo: Path, browser, width: int) -> None:
    """On a desktop and on a phone, in every report of the demo."""
    broken = {}
    for path in _reports(demo):
        page, errors, requests = _open(browser, path, width)
        found = page.evaluate(broken_numbers_js.strip())
        page.close()
        assert errors == [] and requests == [], (path.name, errors, requests)
        if found:
            broken[path.name] = [*found[:10], f"... {len(found)} in all"]
    assert broken == {}


def test_every_chart_has_a_visible_title_and_unit(demo: Path, browser) -> None:
    for path in _reports(demo):
        page, _, _ = _open(browser, path)
        assert page.evaluate(untitled_charts_js.strip()) == [], path.name
        charts = page.locator("svg[role=img]")
        for i in range(charts.count()):
            chart = charts.nth(i)
            assert chart.get_attribute("aria-label"), path.name
            assert chart.locator("title").count() >= 1
        page.close()


def test_wide_tables_scroll_inside_their_box_with_the_first_column_fixed(
    demo: Path, browser
) -> None:
    page, _, _ = _open(browser, demo / "rapport.html")
    box = page.locator("div.scroll").filter(has=page.locator("thead th:nth-child(8)")).first
    sizes = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert sizes[0] > sizes[1], "a 13-column table should scroll, not squash"
    first = box.locator("tbody th").first
    before = first.bounding_box()
    box.evaluate("b => { b.scrollLeft = 400; }")
    after = first.bounding_box()
    assert before is not None and after is not None
    assert abs(after["x"] - before["x"]) < 1, "the first column stays in place"
    split = box.evaluate(SPLIT_WORDS_JS.strip())
    assert split == [], "headers break between words, never inside one"
    page.close()


def test_screenshots_of_every_report(demo: Path, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for path in _reports(demo):
        page, _, _ = _open(browser, path)
        sections = page.locator("main > section").all()
        assert sections, path.name
        for n, section in enumerate(sections):
            section.screenshot(path=str(ARTIFACTS / f"{path.stem}-{n:02d}.png"))
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('.scroll')).overflowX") in (
            "visible",
            "",
        )
        page.close()
