"""The demo's HTML report in a real headless Chromium: no failed request, no console
error, tiles, charts and glossary links present, and a screenshot of every domain kept
as a test artefact (test-artifacts/)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from maatstaf.cli import app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
REQUIRED = os.environ.get("MAATSTAF_REQUIRE_BROWSER") == "1"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None and not REQUIRED,
        reason="no Chromium here (CI installs it and requires it)",
    ),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["demo", "--output", str(out)])
    assert result.exit_code == 0, result.stderr
    return out / "rapport.html"


def test_report_renders_offline_without_errors(report: Path) -> None:
    assert CHROMIUM is not None, "Chromium is required in CI"
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: requests.append(r.url))
        page.on(
            "request",
            lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None,
        )
        page.goto(report.as_uri())
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
        browser.close()
    assert errors == []
    assert requests == []
    assert width <= 400, "the page scrolls sideways on a phone"
    assert sorted(p.name for p in ARTIFACTS.glob("domein-*.png"))
