"""Both HTML documents of both engines in a real browser: headless Chromium (Debian's
``chromium``) runs axe-core (npm, installed by ``make browser`` into ``.tools/node_modules``)
at 1280 and at 320 CSS pixels, the width of the reflow test for 400% zoom (WCAG 1.4.10).

* axe finds no violation of WCAG 2.2 A and AA (wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa)
  nor of its best practices;
* at 320 px the page is 320 px wide: nothing makes the reader scroll sideways (wide tables
  and charts scroll inside their own focusable region);
* charts are never narrower than 30rem (480 px), so their labels stay readable.

Without Chromium or axe-core these tests skip and say why, unless
``REPORTKIT_REQUIRE_BROWSER=1`` (set by ``.ci/run``): then they fail.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Browser, find_chromium
from conftest import REPO

pytestmark = pytest.mark.slow
DOCUMENTS = ("annual-report", "executive-summary")
WIDTHS = (1280, 320)
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
AXE = REPO / ".tools" / "node_modules" / "axe-core" / "axe.min.js"


def _unavailable(message: str) -> None:
    if os.environ.get("REPORTKIT_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (REPORTKIT_REQUIRE_BROWSER=1)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = Path(os.environ.get("REPORTKIT_AXE") or AXE)
    if not path.is_file():
        _unavailable(f"axe-core not found at {path}: run `make browser` (npm install "
                     "--prefix .tools axe-core@4) or set REPORTKIT_AXE")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser(axe_source: str) -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        _unavailable("Chromium not found: install Debian's chromium (apt-get install chromium) "
                     "or set REPORTKIT_CHROMIUM")
    chromium = Browser(executable)
    try:
        yield chromium
    finally:
        chromium.close()


def audit(browser: Browser, axe_source: str, page: Path, width: int) -> tuple[list[str], int]:
    """axe's violations (rule, count, first targets) and the page's width, at ``width`` px."""
    browser.open(page, width)
    browser.evaluate(axe_source)
    options = json.dumps({"runOnly": {"type": "tag", "values": list(AXE_TAGS)}})
    violations = browser.evaluate(
        f"axe.run(document, {options}).then(r => r.violations.map(v => v.id + ' (' + "
        "v.nodes.length + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))"
    )
    return violations, browser.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_axe_finds_nothing_and_the_page_reflows(engine_out, browser: Browser, axe_source: str,
                                               name: str, width: int) -> None:
    _, out = engine_out
    violations, page_width = audit(browser, axe_source, out / f"{name}.html", width)
    assert violations == []
    assert page_width == width
    # Charts keep a readable size (at least 30rem): on a narrow screen they scroll sideways in
    # their region instead of shrinking their labels to a few pixels.
    widths = browser.evaluate("Array.from(document.images, i => i.getBoundingClientRect().width)")
    assert all(w >= 480 for w in widths), widths


def test_the_audit_sees_what_is_wrong(browser: Browser, axe_source: str, tmp_path: Path) -> None:
    """The same audit on a page with the faults it exists to catch: a chart without alt text
    and a wide table outside any scroll region, which widens the page at 320 px."""
    cells = "".join(f"<td>column-{i}-with-a-long-unbreakable-value</td>" for i in range(6))
    page = tmp_path / "faulty.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>Faulty</title></head><body><main>'
        '<h1>Faulty</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        f"<table><tr>{cells}</tr></table></main></body></html>", encoding="utf-8")
    violations, page_width = audit(browser, axe_source, page, 320)
    assert any(v.startswith("image-alt ") for v in violations), violations
    assert page_width > 320


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_quoted_fact_links_to_its_entry_in_about_the_figures(
        engine_out, browser: Browser, name: str) -> None:
    """Each ``data-fact`` span sits in a link to ``#fact-<name>``, that entry exists, and
    following the link (as Enter on it does) moves to the entry: keyboard-reachable, and the
    entry gives the definition. The annex is read only there, not inline."""
    engine, out = engine_out
    browser.open(out / f"{name}.html", 320)
    found = browser.evaluate("""(() => {
        const spans = Array.from(document.querySelectorAll('span[data-fact]'));
        const bad = spans.filter(s => {
            const link = s.closest('a');
            const heading = s.closest('h1, h2, h3, h4, h5, h6');
            const entry = document.getElementById('fact-' + s.dataset.fact);
            return !entry || (!heading && (!link || link.getAttribute('href') !==
                                           '#fact-' + s.dataset.fact));
        }).map(s => s.dataset.fact);
        const links = Array.from(document.querySelectorAll('a.fact-link'));
        return {spans: spans.length, bad: bad, focusable: links.filter(a => a.tabIndex >= 0).length,
                links: links.length, inline: spans.filter(s => s.closest('.fact-entry')).length,
                described: spans.filter(s => s.closest('[aria-describedby]')).length};
    })()""")
    assert found["spans"] > 10 and found["bad"] == [], (engine, found)
    assert found["focusable"] == found["links"] > 10
    assert found["inline"] == 0 and found["described"] == 0
    first = browser.evaluate("document.querySelector('a.fact-link').getAttribute('href')")
    browser.evaluate("(() => { const a = document.querySelector('a.fact-link'); a.focus(); "
                     "a.click(); return 1; })()")
    assert browser.evaluate("location.hash") == first
    entry = browser.evaluate(f"document.querySelector('{first}').innerText")
    assert "Definition" in entry and "Computed in" in entry and "notebook" in entry


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("code", ["E10000012", "E06000001", "E09000033"])
def test_a_local_area_pack_is_accessible_and_reflows(packs_2020, browser: Browser,
                                                    axe_source: str, code: str,
                                                    width: int) -> None:
    """Essex, an authority with no notifications (Hartlepool) and a London borough."""
    page = packs_2020 / "_output" / "2020" / "areas" / code / "pack.html"
    violations, page_width = audit(browser, axe_source, page, width)
    assert violations == []
    assert page_width == width
