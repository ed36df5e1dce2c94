"""reportkit.render.shortcodes: var, include and their errors, in a tiny staged project."""

from __future__ import annotations

from pathlib import Path

import pytest
from render_project import _render_error, _render_html, make_project

from reportkit.errors import RenderError
from reportkit.render import render


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


def test_circular_include_is_an_error(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    (root / "report" / "_chapters" / "_detail.qmd").write_text("{{< include _detail.qmd >}}\n")
    with pytest.raises(RenderError, match=r"_detail\.qmd:1: circular include"):
        render(
            root, tmp_path / "out", engine="pandoc", documents=("annual-report",), formats=("html",)
        )


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
