"""reportkit.render.notebook_outputs: embedded cells' tables and charts."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from render_project import PNG, _render_error


def test_unknown_embed_label(tmp_path: Path) -> None:
    annual = "---\ntitle: T\n---\n\n{{< embed ../notebooks/01_overview.ipynb#fig-nope >}}\n"
    _render_error(tmp_path, annual, r"annual-report\.qmd:5: no cell labelled 'fig-nope'")


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
