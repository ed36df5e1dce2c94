"""The six published documents, read back as a reader's tools would: HTML parsed, PDF text
extracted, DOCX opened. Key figures appear with their definitions; every figure has alt text;
no shortcode is left unresolved; the synthetic-data notice is on every document."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from reportkit.publish.verify import document_text

pytestmark = pytest.mark.slow
DOCUMENTS = [f"{d}{s}" for d in ("annual-report", "executive-summary")
             for s in (".html", ".pdf", ".docx")]


@pytest.fixture(scope="module")
def out(built_2020) -> Path:
    project, _ = built_2020
    return project / "_output" / "2020"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_key_figures_appear_with_their_definitions(out: Path, name: str) -> None:
    text = document_text(out / name)
    assert re.search(r"482 serious incident notifications", text), name
    assert re.search(r"514 children", text), name
    assert re.search(r"206 (fatal incidents|deaths|children died)", text), name
    assert "27%" in text and re.search(r"April to September 2020", text), name
    assert "{{<" not in text and "?var:" not in text, name


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_document_says_the_data_are_synthetic(out: Path, name: str) -> None:
    assert "synthetic" in document_text(out / name).lower()


def test_annual_report_defines_both_non_fatal_counts(out: Path) -> None:
    text = document_text(out / "annual-report.html")
    assert "267" in text and "276" in text
    assert re.search(r"serious harm", text) and re.search(r"non-fatal", text)


def test_html_is_accessible(out: Path) -> None:
    soup = BeautifulSoup((out / "annual-report.html").read_text(), "html.parser")
    assert soup.html.get("lang", "").startswith("en")
    images = soup.find_all("img")
    assert len(images) >= 8
    for image in images:
        assert len(image.get("alt", "")) > 20, image.get("src", "")[:60]
    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert soup.find("a", href="#main") or soup.find("a", string=re.compile("[Ss]kip"))
    for table in soup.find_all("table"):
        if table.find_parent(id="TOC") is None:
            assert table.find("caption") is not None
    assert soup.select("span[data-fact]"), "quoted facts are marked for verification"


def test_pdf_starts_with_a_title_page_and_numbers_pages(out: Path) -> None:
    reader = PdfReader(str(out / "annual-report.pdf"))
    assert len(reader.pages) >= 10
    first = reader.pages[0].extract_text()
    assert "annual report" in first.lower() and "2020" in first
    assert "Page 2" in reader.pages[1].extract_text()


def test_docx_headings_are_navigable(out: Path) -> None:
    document = docx.Document(str(out / "annual-report.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) >= 12
    assert any("Child deaths" in h or "deaths" in h.lower() for h in headings)
