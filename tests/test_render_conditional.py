"""reportkit.render.conditional: conditional content selected for the format and metadata."""

from __future__ import annotations

from pathlib import Path

from render_project import _render_error, make_project

from reportkit.render import render


def test_hidden_content_and_escapes(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    root = make_project(tmp_path / "p", covid=False)
    render(root, tmp_path / "out", engine="pandoc", documents=("annual-report",), formats=("html",))
    text = BeautifulSoup(
        (tmp_path / "out" / "annual-report.html").read_text(), "html.parser"
    ).get_text()
    assert "NOT-COVID-PARAGRAPH" in text and "COVID-PARAGRAPH-SHOWN" not in text


def test_unknown_when_meta_key_is_an_error(tmp_path: Path) -> None:
    annual = '---\ntitle: T\n---\n\n::: {.content-visible when-meta="covid"}\nX\n:::\n'
    _render_error(tmp_path, annual, r"annual-report\.qmd:5: unknown metadata key 'covid'")
