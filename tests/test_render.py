"""reportkit.render: the built-in engine (Pandoc + Typst) on a tiny staged Quarto project."""

from __future__ import annotations

import base64
import io
import logging
from pathlib import Path

import nbformat
import pytest
import yaml

from reportkit.errors import RenderError
from reportkit.render import choose_engine, render
from reportkit.render.staging import document_metadata, fact_markdown

# A 4x3 PNG in the Analysis Function dark blue, so the test needs no plotting library.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAFElEQVR4nGMUcs5lgAEmBiSAwgEAHEsAyH+ma+kAAAAASUVORK5CYII="
)

ANNUAL = """\
---
title: "Annual report {{< meta period_label >}}"
subtitle: Serious incident notifications
---

# Summary {#sec-summary}

There were {{< var notifications_total >}} notifications in {{< meta period_label >}}.
See @fig-deaths-by-age and @tbl-by-sex for the detail.

{{< include _chapters/_detail.qmd >}}

::: {.callout-important}
## About these figures
Deaths made up {{< var deaths_pct >}} of notifications.
:::

::: {.callout-note title="Definitions"}
A notification is made within five working days.
:::

::: {.content-visible when-meta="covid_period"}
COVID-PARAGRAPH-SHOWN
:::

::: {.content-hidden when-meta="covid_period"}
NOT-COVID-PARAGRAPH
:::

::: {.content-visible unless-meta="has_comparison"}
NO-COMPARISON-PARAGRAPH
:::

::: {.content-visible when-format="html"}
HTML-ONLY-PARAGRAPH
:::

::: {.content-visible when-format="docx"}
DOCX-ONLY-PARAGRAPH
:::

Literal shortcode: {{{< var notifications_total >}}}.
"""

DETAIL = """\
## Detail

{{< embed ../notebooks/01_overview.ipynb#fig-deaths-by-age >}}

{{< embed ../notebooks/01_overview.ipynb#tbl-by-sex >}}

As @tbl-by-sex shows, boys made up {{< var male_pct >}} of children.
"""

SUMMARY = """\
---
title: Executive summary
---

# Key points

- {{< var notifications_total >}} notifications.
"""


def _notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    figure = nbformat.v4.new_code_cell(
        "#| label: fig-deaths-by-age\n"
        "#| fig-cap: Deaths by age group\n"
        "#| fig-alt: Bar chart of deaths by age group; most deaths were of infants.\n"
        "chart()"
    )
    figure.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": base64.b64encode(PNG).decode(), "text/plain": "<Figure>"},
        )
    ]
    table = nbformat.v4.new_code_cell("#| label: tbl-by-sex\n#| tbl-cap: Children by sex\ntable()")
    table.outputs = [
        nbformat.v4.new_output(
            "execute_result",
            data={
                "text/markdown": "| Sex | Children |\n|:--|--:|\n| Male | 271 |\n| Female | 243 |",
                "text/plain": "table",
            },
            execution_count=2,
        )
    ]
    nb.cells = [figure, table]
    nbformat.write(nb, path)


HOUSE_CSS = Path(__file__).resolve().parents[1] / "report" / "style" / "reportkit.css"


def make_project(root: Path, *, annual: str = ANNUAL, covid: bool = True) -> Path:
    """A tiny staged Quarto project like the one the build stages."""
    (root / "report" / "_chapters").mkdir(parents=True)
    (root / "notebooks").mkdir()
    config = {
        "project": {
            "type": "default",
            "render": ["report/annual-report.qmd", "report/executive-summary.qmd"],
        },
        "metadata-files": ["_period.yml"],
        "lang": "en-GB",
        "format": {
            "html": {"toc": True, "css": ["report/style/reportkit.css",
                                           "report/assets/missing.css"]},
            "typst": {"toc": True},
            "docx": {"toc": False},
        },
    }
    (root / "_quarto.yml").write_text(yaml.safe_dump(config))
    (root / "report" / "style").mkdir()
    (root / "report" / "style" / "reportkit.css").write_text(HOUSE_CSS.read_text())
    shared = HOUSE_CSS.with_name("accessible.lua")  # both engines' shared filter
    (root / "report" / "style" / shared.name).write_text(shared.read_text())
    period = {
        "period_id": "2020",
        "period_label": "2020 to 2021",
        "period_start": "2020-04-01",
        "period_end": "2021-03-31",
        "covid_period": covid,
        "has_comparison": False,
        "publication_date": "28 September 2021",
        "synthetic_data": True,
        "report_title": "Annual report",
    }
    # As reportkit.render.staging writes them in a staged project.
    (root / "_period.yml").write_text(yaml.safe_dump(document_metadata(period)))
    variables = {"notifications_total": "482", "deaths_pct": "43%", "male_pct": "53%"}
    (root / "_variables.yml").write_text(
        yaml.safe_dump({name: fact_markdown(name, text) for name, text in variables.items()}))
    (root / "report" / "annual-report.qmd").write_text(annual)
    (root / "report" / "executive-summary.qmd").write_text(SUMMARY)
    (root / "report" / "_chapters" / "_detail.qmd").write_text(DETAIL)
    _notebook(root / "notebooks" / "01_overview.ipynb")
    return root


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


def _render_html(root: Path, tmp_path: Path):
    return render(
        root, tmp_path / "out", engine="pandoc+typst", documents=("annual-report",),
        formats=("html",),
    )


def _render_error(tmp_path: Path, annual: str, match: str) -> None:
    root = make_project(tmp_path / "p", annual=annual)
    with pytest.raises(RenderError, match=match):
        _render_html(root, tmp_path)


def test_a_project_without_the_shared_filter_is_refused_by_name(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "report" / "style" / "accessible.lua").unlink()
    with pytest.raises(RenderError, match=r"report/style/accessible\.lua: missing"):
        _render_html(root, tmp_path)


def test_unsupported_shortcode_names_shortcode_file_and_line(tmp_path: Path) -> None:
    annual = "---\ntitle: T\n---\n\nText.\n\n{{< pagebreak >}}\n"
    _render_error(
        tmp_path, annual, r"report/annual-report\.qmd:7: unsupported shortcode 'pagebreak'"
    )


def test_missing_variable_names_file_and_line(tmp_path: Path) -> None:
    annual = "---\ntitle: T\n---\n\nThere were {{< var nope >}} deaths.\n"
    _render_error(tmp_path, annual, r"report/annual-report\.qmd:5: unknown variable 'nope'")


def test_missing_variable_in_include_names_the_partial(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "report" / "_chapters" / "_detail.qmd").write_text(
        "Line one.\n\n{{< var missing_one >}}\n"
    )
    with pytest.raises(
        RenderError, match=r"report/_chapters/_detail\.qmd:3: unknown variable 'missing_one'"
    ):
        _render_html(root, tmp_path)


def test_unknown_cross_reference(tmp_path: Path) -> None:
    annual = "---\ntitle: T\n---\n\nSee @fig-nowhere.\n"
    _render_error(tmp_path, annual, r"annual-report\.qmd:5: unknown cross-reference '@fig-nowhere'")


def test_unknown_embed_label(tmp_path: Path) -> None:
    annual = "---\ntitle: T\n---\n\n{{< embed ../notebooks/01_overview.ipynb#fig-nope >}}\n"
    _render_error(tmp_path, annual, r"annual-report\.qmd:5: no cell labelled 'fig-nope'")


def test_hidden_content_and_escapes(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    root = make_project(tmp_path / "p", covid=False)
    render(root, tmp_path / "out", engine="pandoc", documents=("annual-report",), formats=("html",))
    text = BeautifulSoup(
        (tmp_path / "out" / "annual-report.html").read_text(), "html.parser"
    ).get_text()
    assert "NOT-COVID-PARAGRAPH" in text and "COVID-PARAGRAPH-SHOWN" not in text


def test_engine_quarto_without_quarto_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no quarto here
    root = make_project(tmp_path / "p")
    with pytest.raises(RenderError, match="Quarto is not on PATH"):
        render(root, tmp_path / "out", engine="quarto")
    assert choose_engine("auto") == "pandoc+typst"
    with pytest.raises(RenderError, match="unknown render engine"):
        choose_engine("latex")


def test_log_names_the_engine(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reportkit.render.quarto.quarto_path", lambda: None)
    root = make_project(tmp_path / "p")
    with caplog.at_level(logging.INFO, logger="reportkit.render"):
        render(
            root,
            tmp_path / "out",
            engine="auto",
            documents=("executive-summary",),
            formats=("html",),
        )
    messages = io.StringIO("\n".join(r.getMessage() for r in caplog.records)).getvalue()
    assert "built-in engine (pandoc 3" in messages and "typst" in messages


def test_templates_are_package_data() -> None:
    from reportkit.render.pandoc import template

    for name in ("report.css", "report.html", "report.typ", "reportkit.lua"):
        assert template(name).is_file()


def test_circular_include_is_an_error(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "report" / "_chapters" / "_detail.qmd").write_text("{{< include _detail.qmd >}}\n")
    with pytest.raises(RenderError, match=r"_detail\.qmd:1: circular include"):
        render(
            root, tmp_path / "out", engine="pandoc", documents=("annual-report",), formats=("html",)
        )


def test_unknown_when_meta_key_is_an_error(tmp_path: Path) -> None:
    annual = '---\ntitle: T\n---\n\n::: {.content-visible when-meta="covid"}\nX\n:::\n'
    _render_error(tmp_path, annual, r"annual-report\.qmd:5: unknown metadata key 'covid'")


def test_html_table_output_is_converted_with_caption(tmp_path: Path) -> None:
    from reportkit.render.notebook_outputs import CellOutputs, outputs_to_markdown

    html = "<table><thead><tr><th>Region</th><th>Deaths</th></tr></thead>"
    html += "<tbody><tr><td>London</td><td>c</td></tr></tbody></table>"
    cell = CellOutputs(
        "tbl-regions",
        {"tbl-cap": "Deaths by region"},
        [{"output_type": "display_data", "data": {"text/html": html, "text/plain": "df"}}],
    )
    lines = outputs_to_markdown(cell, tmp_path, "nb.ipynb")
    assert any(line.startswith("|") and "London" in line for line in lines)
    assert ": Deaths by region {#tbl-regions}" in lines


@pytest.mark.parametrize(("output_format", "suffix"),
                         [("html", ".svg"), ("pdf", ".svg"), ("docx", ".png")])
def test_a_chart_is_embedded_as_svg_for_html_and_pdf_and_as_png_for_word(
    tmp_path: Path, output_format: str, suffix: str
) -> None:
    from reportkit.render.notebook_outputs import CellOutputs, outputs_to_markdown

    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="5pt"></svg>'
    cell = CellOutputs("fig-x", {"fig-cap": "X", "fig-alt": "A chart"}, [
        {"output_type": "display_data",
         "data": {"image/svg+xml": svg, "image/png": base64.b64encode(PNG).decode()}}])
    lines = outputs_to_markdown(cell, tmp_path, "nb.ipynb", output_format)
    assert f"(<{(tmp_path / ('fig-x' + suffix)).as_posix()}>)" in "".join(lines)
    written = [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert written == [f"fig-x{suffix}"]
    expected = svg.encode() if suffix == ".svg" else PNG
    assert (tmp_path / f"fig-x{suffix}").read_bytes() == expected


def test_quarto_failure_is_a_render_error_with_quartos_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in for a failing quarto (the real one runs in test_engines.py): its message,
    printed on stdout as Quarto prints filter errors, reaches the error, colour codes removed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "quarto"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo 1.9.38; exit 0; fi\n'
        'if [ "$1" = "pandoc" ] || [ "$1" = "typst" ]; then echo "$1 9.9"; exit 0; fi\n'
        'printf "Error running filter: object has no __toinline metamethod\\n"\n'
        'printf "\\033[33mWARN: Error encountered when rendering files\\033[39m\\n" >&2\n'
        "exit 1\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert choose_engine("auto") == "quarto"
    root = make_project(tmp_path / "p")
    with pytest.raises(RenderError) as caught:
        render(root, tmp_path / "out", engine="quarto", documents=("annual-report",),
               formats=("html",))
    message = str(caught.value)
    assert "quarto render report/annual-report.qmd --to html failed" in message
    assert "no __toinline metamethod" in message
    assert "WARN: Error encountered" in message and "\x1b" not in message


def test_a_value_starting_a_line_does_not_become_a_list_item(tmp_path: Path) -> None:
    """'than in\\n  {{< var year >}}.' must read 'than in 2019.', not start a numbered list."""
    import pypandoc

    from reportkit.render.markdown import SourceLine
    from reportkit.render.shortcodes import ExpandContext, expand

    source = tmp_path / "doc.qmd"
    text = ["- Notifications were higher than in", "  {{< var year >}}.", "- Then more text."]
    lines = [SourceLine(t, source, n) for n, t in enumerate(text, start=1)]
    ctx = ExpandContext(tmp_path, source, {"year": "2019"}, {}, tmp_path / "figures")
    markdown = "\n".join(line.text for line in expand(lines, ctx))
    html = pypandoc.convert_text(markdown, "html", format="markdown")
    assert "<ol" not in html, html
    assert "higher than in 2019." in " ".join(html.split())
