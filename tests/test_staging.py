"""The staged project both engines render: the reader's copy of each notebook, facts as marked
Markdown, and every string from params or data escaped so it reads back as itself."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pypandoc
import pytest
import yaml

from reportkit.analysis.facts import MIME_TYPE
from reportkit.errors import RenderError
from reportkit.render.reader_copy import reader_copy, write_reader_copies
from reportkit.render.staging import (
    SYNTHETIC_LABEL,
    document_metadata,
    fact_markdown,
    markdown_text,
    stage_project,
)

REPO = Path(__file__).resolve().parents[1]
PNG = "iVBORw0KGgo="
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="5pt"></svg>'


def _notebook() -> dict:
    fact = {"output_type": "display_data", "metadata": {},
            "data": {MIME_TYPE: {"name": "deaths_total", "value": 206}}}
    figure = {"output_type": "display_data", "metadata": {"image/png": {"width": 600}},
              "data": {"image/svg+xml": SVG, "image/png": PNG, "text/plain": "<Figure>"}}
    table = {"output_type": "display_data", "metadata": {},
             "data": {"text/markdown": "| a |\n|---|\n| 1 |", "text/html": "<table></table>",
                      "text/plain": "df"}}
    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"papermill": {"start_time": "2026-11-23T09:00:00"}},
        "cells": [
            {"cell_type": "code", "id": "a", "source": "#| label: fig-x\n#| fig-cap: X\nplot()",
             "metadata": {"papermill": {"duration": 1.2}}, "execution_count": 3,
             "outputs": [fact, figure,
                         {"output_type": "stream", "name": "stderr", "text": "warning"}]},
            {"cell_type": "code", "id": "b", "source": ["#| label: tbl-y\n", "show(t)"],
             "metadata": {}, "execution_count": 4, "outputs": [table, fact]},
            {"cell_type": "code", "id": "c", "source": "facts.check()", "metadata": {},
             "execution_count": 5,
             "outputs": [fact, {"output_type": "execute_result", "execution_count": 5,
                                "metadata": {}, "data": {"text/html": "<b>x</b>"}}]},
            {"cell_type": "markdown", "id": "d", "source": "# Title", "metadata": {}},
        ],
    }


def test_reader_copy_keeps_what_a_reader_sees_of_each_embeddable_output() -> None:
    """A chart keeps its SVG (HTML, PDF) and its PNG (Word); a table its Markdown."""
    original = _notebook()
    copy = reader_copy(original)
    figure, table, unlabelled, markdown = copy["cells"]
    assert figure["outputs"] == [{"output_type": "display_data",
                                  "data": {"image/svg+xml": SVG, "image/png": PNG},
                                  "metadata": {"image/png": {"width": 600}}}]
    assert table["outputs"] == [{"output_type": "display_data", "metadata": {},
                                 "data": {"text/markdown": "| a |\n|---|\n| 1 |"}}]
    assert unlabelled["outputs"] == []
    assert markdown == original["cells"][3]
    assert "papermill" not in copy["metadata"] and figure["metadata"] == {}
    assert {c.get("execution_count") for c in copy["cells"] if c["cell_type"] == "code"} == {None}
    text = json.dumps(copy)
    assert MIME_TYPE not in text and "text/html" not in text and "stderr" not in text
    assert len(original["cells"][0]["outputs"]) == 3  # the input is unchanged


def test_reader_copies_are_written_for_every_notebook(tmp_path: Path) -> None:
    source = tmp_path / "executed"
    source.mkdir()
    for name, label in (("01_a.ipynb", "fig-a"), ("02_b.ipynb", "fig-b")):
        (source / name).write_text(json.dumps(_notebook()).replace("fig-x", label))
    written = write_reader_copies(source, tmp_path / "staged")
    assert [p.name for p in written] == ["01_a.ipynb", "02_b.ipynb"]
    assert MIME_TYPE not in written[0].read_text()
    # Each chart's PNG, for Quarto's Word filter (Quarto embeds the SVG in every format).
    figures = tmp_path / "staged" / "figures"
    assert sorted(p.name for p in figures.iterdir()) == ["fig-a.png", "fig-b.png"]
    assert (figures / "fig-a.png").read_bytes() == base64.b64decode(PNG)


def test_two_notebooks_with_one_figure_label_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "executed"
    source.mkdir()
    for name in ("01_a.ipynb", "02_b.ipynb"):
        (source / name).write_text(json.dumps(_notebook()))
    with pytest.raises(RenderError, match="figure label 'fig-x' is used in 01_a.ipynb and in "
                                          "02_b.ipynb"):
        write_reader_copies(source, tmp_path / "staged")


@pytest.mark.parametrize("text", [
    '<img src=x onerror="alert(1)">',
    "`#panic(\"x\")`{=typst}",
    "```{=html}\n<script>alert(1)</script>\n```",
    "*not emphasis* and [a link](http://example.org) and {{< var x >}}",
    "$\\sqrt{2}$ 50% & <b>",
    "2019. a list? # heading",
])
def test_markdown_text_reads_back_as_exactly_that_text(text: str) -> None:
    escaped = markdown_text(text)
    for target, writer in (("plain", "plain"), ("html", "html"), ("typst", "typst")):
        out = pypandoc.convert_text(escaped, writer, format="markdown", extra_args=["--wrap=none"])
        if target == "plain":
            assert out.strip() == " ".join(text.split())
        if target == "html":
            assert "<img" not in out and "<script" not in out and "<b>" not in out
            assert "<em>" not in out and "<a " not in out
        if target == "typst":
            assert "#panic" not in out.replace("\\#panic", "")


def test_a_fact_is_its_text_marked_with_its_name() -> None:
    html = pypandoc.convert_text(fact_markdown("deaths_pct", "43%"), "html", format="markdown")
    assert html.strip() == '<p><span class="fact" data-fact="deaths_pct">43%</span></p>'


def test_document_metadata_escapes_strings_and_adds_the_synthetic_wording() -> None:
    metadata = document_metadata({"period_label": "<b>2020</b>", "synthetic_data": True,
                                  "covid_period": False})
    assert metadata["period_label"] == r"\<b\>2020\<\/b\>"
    assert metadata["synthetic_data"] is True and metadata["covid_period"] is False
    assert metadata["synthetic_label"] == markdown_text(SYNTHETIC_LABEL)


def test_stage_project_writes_what_both_engines_read(tmp_path: Path) -> None:
    notebooks = tmp_path / "executed"
    notebooks.mkdir()
    (notebooks / "01_a.ipynb").write_text(json.dumps(_notebook()))
    staged = stage_project(REPO, tmp_path / "staged", facts_display={"deaths_total": "206"},
                           period_metadata={"period_label": "2020", "synthetic_data": True,
                                            "report_title": "Annual report 2020"},
                           notebooks=notebooks)
    assert (staged / "_quarto.yml").read_text() == (REPO / "_quarto.yml").read_text()
    assert (staged / "report" / "style" / "typst-template.typ").is_file()
    assert (staged / "report" / "style" / "reference.docx").stat().st_size > 5000
    variables = yaml.safe_load((staged / "_variables.yml").read_text())
    assert variables == {"deaths_total": '[206]{.fact data-fact="deaths_total"}'}
    assert yaml.safe_load((staged / "_period.yml").read_text())["synthetic_data"] is True
    assert MIME_TYPE not in (staged / "notebooks" / "01_a.ipynb").read_text()
