"""Both render engines, for real: the built-in engine (Pandoc + Typst) and Quarto 1.9 from
``../shared/quarto`` (``make test`` installs it into ``.tools/quarto``). The same assertions run
on each engine's 2020 build, the two engines' documents quote the same facts and number the same
figures and tables, ``verify`` catches what a reader would see as broken, and ``quarto render``
run by hand in a staged project writes the same documents as the build.

Without Quarto these tests skip, unless ``REPORTKIT_REQUIRE_QUARTO=1`` (set by ``.ci/run``):
then they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup
from conftest import REPO, copy_project
from pypdf import PdfReader, PdfWriter

from reportkit import verify
from reportkit.build import build, stage_build
from reportkit.config import load_period
from reportkit.render.staging import SYNTHETIC_LABEL

pytestmark = pytest.mark.slow
ENGINES = ("pandoc+typst", "quarto")
DOCUMENTS = ("annual-report", "executive-summary")
OTHER_PERIODS = ["2018-19", "2021", "2022-23", "2023-24"]


def find_quarto() -> Path | None:
    """Quarto for the tests: ``$REPORTKIT_QUARTO``, ``.tools/quarto`` (``make test``), PATH."""
    candidates = [os.environ.get("REPORTKIT_QUARTO"), REPO / ".tools/quarto/bin/quarto",
                  shutil.which("quarto")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate).resolve()
    return None


@contextmanager
def quarto_on_path(executable: Path) -> Iterator[None]:
    """Put Quarto on PATH for the code under test (engine 'quarto' looks for it there)."""
    previous = os.environ["PATH"]
    os.environ["PATH"] = f"{executable.parent}{os.pathsep}{previous}"
    try:
        yield
    finally:
        os.environ["PATH"] = previous


@pytest.fixture(scope="session")
def quarto() -> Path:
    executable = find_quarto()
    if executable is None:
        message = ("Quarto not found: run `make test` (it installs ../shared/quarto into "
                   ".tools/quarto) or set REPORTKIT_QUARTO")
        if os.environ.get("REPORTKIT_REQUIRE_QUARTO") == "1":
            pytest.fail(message + " (REPORTKIT_REQUIRE_QUARTO=1)")
        pytest.skip(message)
    version = subprocess.run([executable, "--version"], capture_output=True, text=True)
    print(f"\nQuarto {version.stdout.strip()} from {executable}")
    return executable


@pytest.fixture(scope="session")
def engine_builds(quarto: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The 2020 report built from one pristine project copy by each engine: first the built-in
    engine (its output copied aside), then Quarto, which takes the notebooks from the cache, so
    only the rendering differs. Maps each engine to (project, published output folder)."""
    base = tmp_path_factory.mktemp("engines")
    project = copy_project(base / "reportkit")
    build("2020", root=project, engine="pandoc+typst")
    builtin_out = Path(shutil.copytree(project / "_output" / "2020", base / "builtin-2020"))
    with quarto_on_path(quarto):
        result = build("2020", root=project, engine="quarto")
    assert result.engine == "quarto" and all(n.cached for n in result.notebooks)
    return {"pandoc+typst": (project, builtin_out), "quarto": (project, project / "_output/2020")}


@pytest.fixture(scope="session")
def quarto_2020(engine_builds: dict) -> tuple[Path, Path]:
    """(project, published output) of the Quarto build of 2020."""
    return engine_builds["quarto"]


@pytest.fixture(params=ENGINES)
def engine_out(request: pytest.FixtureRequest, engine_builds: dict) -> tuple[str, Path]:
    """(engine, the published 2020 output folder it rendered)."""
    return request.param, engine_builds[request.param][1]


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


# --- quarto render by hand; every period ----------------------------------------------------


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


@pytest.mark.parametrize("period", OTHER_PERIODS)
def test_every_period_builds_with_quarto(project: Path, quarto: Path, period: str) -> None:
    """In the session's shared project, where tests/test_periods.py builds every period with
    the built-in engine: whichever runs first executes the notebooks, the other renders."""
    with quarto_on_path(quarto):
        result = build(period, root=project, engine="quarto")
    assert result.engine == "quarto" and len(result.documents) == 6
    out = project / "_output" / period
    params = load_period(period, project)
    for check in (verify.check_documents(out, project, params),
                  verify.check_presentation(out, params)):
        assert check.passed, (check.name, check.problems)


# --- text from params is text in every document ----------------------------------------------

HOSTILE = '<img src=x onerror="alert(1)"> `#panic("typst ran")`{=typst} *2020*'


@pytest.mark.parametrize("engine", ENGINES)
def test_a_hostile_period_label_is_shown_as_text(quarto_2020, quarto: Path, engine: str,
                                                 tmp_path: Path) -> None:
    """A label holding HTML and a Typst raw block reaches the documents as the text it is."""
    import yaml

    from reportkit.build import rerender

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
