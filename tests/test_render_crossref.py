"""reportkit.render.crossref: cross-references and their errors."""

from __future__ import annotations

from pathlib import Path

from render_project import _render_error


def test_unknown_cross_reference(tmp_path: Path) -> None:
    annual = "---\ntitle: T\n---\n\nSee @fig-nowhere.\n"
    _render_error(tmp_path, annual, r"annual-report\.qmd:5: unknown cross-reference '@fig-nowhere'")
