"""Both render engines, for real: the built-in engine (Pandoc + Typst) and Quarto 1.9 from
``../shared/quarto`` (``make test`` installs it into ``.tools/quarto``). The same assertions run
on each engine's 2020 build, the two engines' documents quote the same facts and number the same
figures and tables, ``verify`` catches what a reader would see as broken, and ``quarto render``
run by hand in a staged project writes the same documents as the build.

Without Quarto these tests skip, unless ``REPORTKIT_REQUIRE_QUARTO=1`` (set by ``.ci/run``):
then they fail. The fixtures (``quarto``, ``quarto_2020``, ``engine_out``) are in conftest.py,
shared with test_browser.py.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pypdfium2
import pytest
from bs4 import BeautifulSoup
from conftest import ENGINES, REPO, copy_project, quarto_on_path
from pdf_layout import layout_problems
from pypdf import PdfReader, PdfWriter

from reportkit.build.pipeline import stage_build
from reportkit.config import load_period
from reportkit.publish import verify
from reportkit.render.notice import SYNTHETIC_LABEL

pytestmark = pytest.mark.slow
DOCUMENTS = ("annual-report", "executive-summary")


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def _pdf_pages(path: Path) -> list[str]:
    return [_fold(page.extract_text() or "") for page in PdfReader(str(path)).pages]


def captions(path: Path) -> list[str]:
    """The numbered figure and table captions of an HTML document, in order."""
    found = [_fold(c.get_text(" ")) for c in _soup(path).find_all(["figcaption", "caption"])]
    return [c for c in found if re.match(r"(Figure|Table) \d+:", c)]


# --- the same assertions on each engine ------------------------------------------------------


def test_manifest_names_the_engine_and_its_tools(engine_out) -> None:
    engine, out = engine_out
    record = json.loads((out / "manifest.json").read_text())["engine"]
    assert record["name"] == engine
    expected = {"pandoc", "typst"} | ({"quarto"} if engine == "quarto" else set())
    assert set(record["tools"]) == expected and all(record["tools"].values())
    if engine == "quarto":
        assert record["tools"]["quarto"].startswith("1.9")


def test_nothing_a_reader_would_see_as_broken(engine_out) -> None:
    _, out = engine_out
    check = verify.check_presentation(out, load_period("2020", REPO))
    assert check.passed, check.problems
    assert check.checked == 6
    for document in out.glob("*.html"):
        text = verify.document_text(document)
        assert "Unable to display" not in text and "vnd.reportkit" not in text


def test_every_pdf_page_carries_the_warning_and_its_number(engine_out) -> None:
    _, out = engine_out
    for name in DOCUMENTS:
        pages = PdfReader(str(out / f"{name}.pdf")).pages
        assert len(pages) > 1
        for number, page in enumerate(pages, start=1):
            text = _fold(page.extract_text() or "")
            assert SYNTHETIC_LABEL in text, (name, number)
            assert f"Page {number} of {len(pages)}" in text, (name, number)
        first = _fold(pages[0].extract_text() or "")
        assert "Period: 2020" in first and "Published:" in first


def footer_lines(path: Path, margin_pt: float = 60.0) -> list[tuple[int, int]]:
    """(page, number of text lines) in each PDF page's bottom margin: only the footer's one
    line belongs there; more means the body ran off the page (e.g. a table that did not break)."""
    found = []
    document = pypdfium2.PdfDocument(str(path))
    for index in range(len(document)):
        text = document[index].get_textpage()
        lines = set()
        for char in range(text.count_chars()):
            left, bottom, right, top = text.get_charbox(char)
            if top < margin_pt and right > left:
                lines.add(round(bottom / 4))
        found.append((index + 1, len(lines)))
    return found


def test_no_pdf_text_runs_off_the_foot_of_a_page(engine_out) -> None:
    engine, out = engine_out
    for name in DOCUMENTS:
        crowded = [(page, n) for page, n in footer_lines(out / f"{name}.pdf") if n > 2]
        assert crowded == [], f"{engine}: {name}.pdf (page, lines in the bottom margin)"


def test_no_pdf_page_is_left_part_blank_by_a_moved_chart(engine_out) -> None:
    engine, out = engine_out
    problems = [p for document in DOCUMENTS for p in layout_problems(out / f"{document}.pdf")]
    assert problems == [], f"{engine}: {problems}"


def test_html_is_self_contained_with_skip_link_banner_and_title(engine_out) -> None:
    _, out = engine_out
    for name in DOCUMENTS:
        path = out / f"{name}.html"
        soup = _soup(path)
        assert verify.remote_resources(path) == []
        assert all(img["src"].startswith("data:") for img in soup.find_all("img"))
        assert soup.html["lang"] == "en-GB"
        assert soup.title.get_text().endswith(", 2020")
        skip = soup.find("a")
        assert "skip-link" in skip.get("class", []) and skip["href"].startswith("#")
        assert soup.find(id=skip["href"][1:]) is not None
        banner = soup.find(class_="synthetic-banner")
        assert SYNTHETIC_LABEL in _fold(banner.get_text(" "))
        assert banner.find_parent(["main", "header", "nav", "aside", "footer"]) is not None
        facts = _fold(soup.find(class_="document-facts").get_text(" "))
        assert "Period 2020" in facts and "Published" in facts


def test_figures_have_alt_text_and_tables_captions(engine_out) -> None:
    _, out = engine_out
    soup = _soup(out / "annual-report.html")
    images = soup.find_all("img")
    assert len(images) >= 9
    for img in images:
        alt = img.get("alt") or img.get("aria-label") or ""
        assert len(alt) > 40, img.get("src", "")[:40]
    numbered = captions(out / "annual-report.html")
    assert sum(c.startswith("Figure") for c in numbered) == 9
    assert sum(c.startswith("Table") for c in numbered) >= 10


def test_word_keeps_the_house_styles_without_layout_tables(engine_out) -> None:
    _, out = engine_out
    for name in DOCUMENTS:
        document = docx.Document(str(out / f"{name}.docx"))
        styles = [p.style.name for p in document.paragraphs]
        assert "Synthetic Notice" in styles and "Callout" in styles, name
        assert SYNTHETIC_LABEL in " ".join(p.text for p in document.sections[0].header.paragraphs)
        for table in document.tables:  # data tables only: never a one-cell layout table
            assert len(table.rows) > 1 and len(table.columns) > 1, name
    report = docx.Document(str(out / "annual-report.docx"))
    caption_styles = {p.style.name for p in report.paragraphs if re.match(r"(Figure|Table)\s\d+:",
                                                                          p.text)}
    assert caption_styles <= {"Image Caption", "Table Caption"}
    descriptions = [d.get("descr", "") for d in report.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert len(descriptions) >= 9 and all(len(d) > 40 for d in descriptions)


def test_html_tables_scroll_in_labelled_regions_with_scoped_headers(engine_out) -> None:
    """Each table sits in a focusable, labelled scroll region (it scrolls there at 320 px, not
    the page); its column headers are <th scope="col">, each row's label <th scope="row">."""
    _, out = engine_out
    assert len(_soup(out / "annual-report.html").find_all("table")) >= 10
    for name in DOCUMENTS:
        for table in _soup(out / f"{name}.html").find_all("table"):
            region = table.parent
            assert region.name == "div" and "table-region" in region.get("class", [])
            assert region["role"] == "region" and region["tabindex"] == "0"
            assert len(region["aria-label"]) > 10
            assert all(th.get("scope") == "col" for th in table.thead.find_all("th"))
            for row in table.tbody.find_all("tr"):
                first = row.find(["th", "td"])
                assert first.name == "th" and first["scope"] == "row", (name, row)
                assert not row.find_all("th")[1:], (name, row)


def test_charts_are_svg_in_scroll_regions_in_html_and_vector_in_pdf(engine_out) -> None:
    _, out = engine_out
    soup = _soup(out / "annual-report.html")
    images = soup.find_all("img")
    assert len(images) >= 9
    assert all(img["src"].startswith("data:image/svg+xml") for img in images)
    for img in images:  # in a focusable, labelled region that scrolls on a narrow screen
        region = img.find_parent(class_="figure-region")
        assert region["role"] == "region" and region["tabindex"] == "0"
        assert region["aria-label"].startswith("Figure")
    labels = [r["aria-label"] for r in soup.find_all(attrs={"role": "region"})]
    assert len(labels) == len(set(labels))  # each region named apart from the others
    for name in DOCUMENTS:  # Typst draws the SVG charts as vectors: no raster image at all
        assert sum(len(page.images) for page in PdfReader(str(out / f"{name}.pdf")).pages) == 0


def test_both_engines_pdfs_declare_pdf_ua_1(engine_out) -> None:
    """Tagged PDF declaring PDF/UA-1 in its XMP metadata (Typst checks the rules it can, such as
    alt text and a title, and refuses to write the file where one is broken)."""
    engine, out = engine_out
    for name in DOCUMENTS:
        root = PdfReader(str(out / f"{name}.pdf")).trailer["/Root"]
        assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
        xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
        assert re.search(r"<pdfuaid:part>1</pdfuaid:part>|pdfuaid:part=\"1\"", xmp), (engine, name)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_word_has_a_filled_contents_list_and_headings_from_heading_1(engine_out) -> None:
    _, out = engine_out
    for name in DOCUMENTS:
        document = docx.Document(str(out / f"{name}.docx"))
        headings = [(int(p.style.name.split()[-1]), p.text) for p in document.paragraphs
                    if re.fullmatch(r"Heading \d", p.style.name)]
        assert headings[0][0] == 1 and min(level for level, _ in headings) == 1, name
        body = document.element.body
        toc = [sdt for sdt in body.iter(f"{W}sdt")
               if sdt.find(f".//{W}docPartGallery") is not None
               and sdt.find(f".//{W}docPartGallery").get(f"{W}val") == "Table of Contents"]
        assert len(toc) == 1, name
        assert "TOC" in "".join(t.text or "" for t in toc[0].iter(f"{W}instrText"))
        defined = {s.style_id for s in document.styles}
        used = {p.get(f"{W}val") for p in toc[0].iter(f"{W}pStyle")}
        assert used <= defined and {"TOC1", "TOCHeading"} <= used, (name, used - defined)
        entries = [("".join(t.text for t in link.iter(f"{W}t")), link.get(f"{W}anchor"))
                   for link in toc[0].iter(f"{W}hyperlink")]
        assert [text for text, _ in entries] == [t for level, t in headings if level <= 2]
        bookmarks = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
        assert [a for _, a in entries if a not in bookmarks] == [], name
        links = {link.get(f"{W}anchor") for link in body.iter(f"{W}hyperlink")}
        assert links - {None} <= bookmarks, name  # every link in the text lands too
        notice = [p.style.name for p in document.paragraphs].index("Synthetic Notice")
        assert body.index(toc[0]) > body.index(document.paragraphs[notice]._element)


def test_word_charts_are_png_at_print_resolution(engine_out) -> None:
    from PIL import Image

    _, out = engine_out
    with zipfile.ZipFile(out / "annual-report.docx") as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert len(media) >= 9 and all(n.endswith(".png") for n in media), media
        for member in media:
            image = Image.open(io.BytesIO(package.read(member)))
            assert min(image.info["dpi"]) >= 299.5 and image.width >= 1500, member


# --- the two engines agree -------------------------------------------------------------------


def test_both_engines_quote_the_same_facts(engine_builds: dict) -> None:
    builtin, quarto = engine_builds["pandoc+typst"][1], engine_builds["quarto"][1]
    assert (builtin / "facts.json").read_text() == (quarto / "facts.json").read_text()
    for name in DOCUMENTS:
        spans = verify.html_fact_spans(builtin / f"{name}.html")
        assert len(spans) > 10
        assert verify.html_fact_spans(quarto / f"{name}.html") == spans


def test_both_engines_number_figures_and_tables_alike(engine_builds: dict) -> None:
    builtin = captions(engine_builds["pandoc+typst"][1] / "annual-report.html")
    assert captions(engine_builds["quarto"][1] / "annual-report.html") == builtin


def test_verify_passes_on_the_quarto_build(quarto_2020, quarto: Path) -> None:
    project, _ = quarto_2020
    result = verify.verify("2020", root=project)
    assert result.passed, result.summary()
    assert {c.name for c in result.checks} >= {"nbval", "documents", "presentation"}


# --- verify catches what a reader would see as broken ---------------------------------------


@pytest.fixture
def quarto_copy(quarto_2020, tmp_path: Path) -> Path:
    """A copy of the Quarto build's output, to tamper with."""
    return Path(shutil.copytree(quarto_2020[1], tmp_path / "2020"))


def _problems(out: Path) -> list[str]:
    return verify.check_presentation(out, load_period("2020", REPO)).problems


def test_verify_fails_where_quarto_shows_a_fact_record(quarto_2020, quarto: Path,
                                                       tmp_path: Path) -> None:
    """Stage the executed notebooks themselves, not their reader's copies: Quarto then prints
    its 'Unable to display output' for every fact record, and verify says so."""
    project, _ = quarto_2020
    staged = stage_build("2020", tmp_path / "staged", root=project)
    shutil.rmtree(staged / "notebooks")
    shutil.copytree(project / "_output/2020/notebooks", staged / "notebooks")
    subprocess.run([quarto, "render", "report/annual-report.qmd", "--to", "html"], cwd=staged,
                   check=True, capture_output=True)
    out = Path(shutil.copytree(project / "_output/2020", tmp_path / "out"))
    shutil.copy2(staged / "_rendered/report/annual-report.html", out / "annual-report.html")
    problems = _problems(out)
    assert any(p.startswith("annual-report.html: shows") and "Unable to display output" in p
               for p in problems), problems


def test_verify_fails_on_a_pdf_page_without_the_warning(quarto_copy: Path) -> None:
    path = quarto_copy / "executive-summary.pdf"
    writer = PdfWriter(clone_from=str(path))
    writer.add_blank_page()
    writer.write(str(path))
    pages = len(PdfReader(str(path)).pages)
    assert f"executive-summary.pdf: page {pages} of {pages} does not carry the synthetic-data " \
           "warning" in _problems(quarto_copy)


def test_verify_fails_on_a_script_loaded_from_the_network(quarto_copy: Path) -> None:
    path = quarto_copy / "annual-report.html"
    cdn = '<script src="https://cdn.jsdelivr.net/npm/jquery@3.5.1/dist/jquery.min.js"></script>'
    path.write_text(path.read_text(encoding="utf-8").replace("</head>", cdn + "</head>", 1),
                    encoding="utf-8")
    problems = _problems(quarto_copy)
    assert any("annual-report.html: loads <script src=\"https://cdn.jsdelivr.net" in p
               for p in problems), problems


def test_verify_fails_on_word_without_the_opening_notice(quarto_copy: Path) -> None:
    path = quarto_copy / "annual-report.docx"
    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Synthetic Notice":
            paragraph._element.getparent().remove(paragraph._element)
    document.save(str(path))
    assert ("annual-report.docx: the synthetic-data warning does not come before the first "
            "heading") in _problems(quarto_copy)


# --- quarto render by hand ----------------------------------------------------


def test_quarto_render_by_hand_in_a_staged_project_writes_the_same_documents(
    quarto_2020, quarto: Path, tmp_path: Path
) -> None:
    project, _ = quarto_2020
    out = project / "_output" / "2020"
    staged = stage_build("2020", tmp_path / "staged", root=project)
    subprocess.run([quarto, "render"], cwd=staged, check=True, capture_output=True)
    rendered = staged / "_rendered" / "report"
    for name in DOCUMENTS:
        by_hand, built = rendered / f"{name}.html", out / f"{name}.html"
        assert _fold(_soup(by_hand).get_text(" ")) == _fold(_soup(built).get_text(" "))
        assert verify.html_fact_spans(by_hand) == verify.html_fact_spans(built)
        assert _pdf_pages(rendered / f"{name}.pdf") == _pdf_pages(out / f"{name}.pdf")
        hand_docx = [p.text for p in docx.Document(str(rendered / f"{name}.docx")).paragraphs]
        assert hand_docx == [p.text for p in docx.Document(str(out / f"{name}.docx")).paragraphs]


# --- text from params is text in every document ----------------------------------------------

HOSTILE = '<img src=x onerror="alert(1)"> `#panic("typst ran")`{=typst} *2020*'


@pytest.mark.parametrize("engine", ENGINES)
def test_a_hostile_period_label_is_shown_as_text(quarto_2020, quarto: Path, engine: str,
                                                 tmp_path: Path) -> None:
    """A label holding HTML and a Typst raw block reaches the documents as the text it is."""
    import yaml

    from reportkit.build.pipeline import rerender

    source, _ = quarto_2020
    project = copy_project(tmp_path / "reportkit")
    shutil.copytree(source / "_output" / "2020", project / "_output" / "2020")
    params_file = project / "params" / "2020.yml"
    params = yaml.safe_load(params_file.read_text())
    params["label"] = HOSTILE
    params_file.write_text(yaml.safe_dump(params, sort_keys=False))
    with quarto_on_path(quarto):
        rerender("2020", root=project, engine=engine)
    out = project / "_output" / "2020"
    for name in DOCUMENTS:
        soup = _soup(out / f"{name}.html")
        assert soup.find("img", src="x") is None and soup.find(onerror=True) is None
        assert HOSTILE in _fold(soup.get_text(" ")), name
        assert soup.title.get_text().endswith(HOSTILE)
        pdf = " ".join(_pdf_pages(out / f"{name}.pdf"))
        assert "typst ran" in pdf and "Period: <img src=x" in pdf, name
        paragraphs = docx.Document(str(out / f"{name}.docx")).paragraphs
        assert HOSTILE in " ".join(p.text for p in paragraphs), name
