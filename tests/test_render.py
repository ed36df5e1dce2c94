"""reportkit.render and the built-in engine (Pandoc + Typst) on a tiny staged Quarto project."""

from __future__ import annotations

from pathlib import Path

import pytest
from render_project import PNG, _render_html, make_project

from reportkit.errors import RenderError
from reportkit.render import render


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    root = make_project(tmp_path_factory.mktemp("project"))
    out = tmp_path_factory.mktemp("out")
    result = render(root, out, engine="pandoc+typst")
    return out, result


def test_result_names_engine_and_versions(rendered: tuple[Path, object]) -> None:
    out, result = rendered
    assert result.engine == "pandoc+typst"
    assert set(result.versions) == {"pandoc", "typst"}
    assert result.versions["pandoc"].startswith("3.")
    assert "pandoc" in result.engine_version and "typst" in result.engine_version
    names = sorted(p.name for p in result.outputs)
    assert names == sorted(
        f"{doc}.{ext}"
        for doc in ("annual-report", "executive-summary")
        for ext in ("html", "pdf", "docx")
    )
    assert all(p.is_file() and p.stat().st_size > 0 for p in result.outputs)
    assert (out / "annual-report_files" / "fig-deaths-by-age.png").read_bytes() == PNG


def test_html(rendered: tuple[Path, object]) -> None:
    from bs4 import BeautifulSoup

    out, _ = rendered
    html = (out / "annual-report.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    text = soup.get_text(" ")
    assert soup.html["lang"] == "en-GB"
    assert "{{<" not in text.replace("{{< var notifications_total >}}", "")
    assert "Literal shortcode: {{< var notifications_total >}}" in " ".join(text.split())
    assert "There were 482 notifications in 2020 to 2021" in " ".join(text.split())
    assert soup.title.get_text().startswith("Annual report 2020 to 2021")
    # Figure: numbered, captioned, alt text, embedded (self-contained).
    figure = soup.find("figure", id="fig-deaths-by-age")
    assert figure is not None
    img = figure.find("img")
    assert img["alt"].startswith("Bar chart of deaths by age group")
    assert img["src"].startswith("data:image/png;base64,")
    assert figure.find("figcaption").get_text(strip=True) == "Figure 1: Deaths by age group"
    # Table: numbered caption as <caption>, values present.
    table = soup.find("table", id="tbl-by-sex")
    assert table.find("caption").get_text(strip=True) == "Table 1: Children by sex"
    assert "271" in table.get_text()
    # Cross-references link to anchors.
    links = {a.get_text(" ", strip=True): a["href"] for a in soup.find_all("a")}
    assert links["Figure 1"] == "#fig-deaths-by-age"
    assert links["Table 1"] == "#tbl-by-sex"
    # Callouts, with a title from a heading or an attribute.
    important = soup.find("div", class_="callout-important")
    assert "About these figures" in important.find(class_="callout-title").get_text()
    assert "43%" in important.get_text()
    assert "Definitions" in soup.find("div", class_="callout-note").get_text()
    # Conditional content by metadata and format.
    assert "COVID-PARAGRAPH-SHOWN" in text
    assert "NOT-COVID-PARAGRAPH" not in text
    assert "NO-COMPARISON-PARAGRAPH" in text
    assert "HTML-ONLY-PARAGRAPH" in text and "DOCX-ONLY-PARAGRAPH" not in text
    # Accessibility furniture: skip link, main landmark, banner, table of contents, CSS inlined.
    skip = soup.find("a", class_="skip-link")
    assert skip["href"] == "#main" and soup.find("main", id="main") is not None
    assert "SYNTHETIC data" in soup.find(class_="synthetic-banner").get_text()
    assert soup.find("nav", id="TOC") is not None
    assert "focus-visible" in html and "<link" not in html


def test_pdf(rendered: tuple[Path, object]) -> None:
    from pypdf import PdfReader

    out, _ = rendered
    reader = PdfReader(out / "annual-report.pdf")
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    text = " ".join(pages)
    assert "SYNTHETIC data" in pages[0]
    assert "There were 482 notifications in 2020 to 2021" in text
    assert "Figure 1: Deaths by age group" in text
    assert "Table 1: Children by sex" in text
    assert "About these figures" in text and "COVID-PARAGRAPH-SHOWN" in text
    assert "NOT-COVID-PARAGRAPH" not in text and "HTML-ONLY-PARAGRAPH" not in text
    assert "{{<" not in text.replace("{{< var notifications_total >}}", "")
    for number, page in enumerate(pages, start=1):
        assert "SYNTHETIC DATA" in page
        assert f"Page {number} of {len(pages)}" in page


def test_docx(rendered: tuple[Path, object]) -> None:
    import docx

    out, _ = rendered
    document = docx.Document(str(out / "annual-report.docx"))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Heading 1", "Heading 2"} <= styles
    text = "\n".join(p.text for p in document.paragraphs)
    assert "There were 482 notifications in 2020 to 2021" in text
    assert "Figure 1: Deaths by age group" in text
    assert "DOCX-ONLY-PARAGRAPH" in text and "HTML-ONLY-PARAGRAPH" not in text
    captions = [p.text for p in document.paragraphs if p.style.name == "Table Caption"]
    assert captions == ["Table 1: Children by sex"]
    assert "271" in document.tables[0]._cells[2].text + document.tables[0]._cells[3].text
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    assert "SYNTHETIC DATA" in header
    assert any(
        "SYNTHETIC data" in p.text
        for p in document.paragraphs
        if p.style.name == "Synthetic Notice"
    )


@pytest.mark.parametrize("name", ["accessible.lua", "provenance.lua"])
def test_a_project_without_a_shared_filter_is_refused_by_name(tmp_path: Path, name: str) -> None:
    root = make_project(tmp_path / "p")
    (root / "report" / "style" / name).unlink()
    with pytest.raises(RenderError, match=rf"report/style/{name.replace('.', '[.]')}: missing"):
        _render_html(root, tmp_path)


def test_templates_are_package_data() -> None:
    from reportkit.render.pandoc import template

    for name in ("report.css", "report.html", "report.typ", "reportkit.lua"):
        assert template(name).is_file()
