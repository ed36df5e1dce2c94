"""The Quarto subset's line helpers both engines, lint and verify share: front matter's extent."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit.errors import RenderError
from reportkit.render.markdown import front_matter_length
from reportkit.render.narrative_lint import prose_lines
from reportkit.render.project import split_front_matter


@pytest.mark.parametrize(("lines", "used"), [
    ([], 0),
    (["# Title", "---"], 0),                      # a rule later on is not front matter
    (["---", "title: A", "---", "Text"], 3),
    (["---", "title: A", "...", "Text"], 3),      # YAML's document end closes it too
    (["  ---  ", "---"], 2),
    (["---", "title: A", "Text"], None),          # not closed
])
def test_front_matter_length(lines: list[str], used: int | None) -> None:
    assert front_matter_length(lines) == used


def test_lint_and_the_engines_agree_where_the_prose_starts(tmp_path: Path) -> None:
    path = tmp_path / "doc.qmd"
    path.write_text("---\ntitle: 2020 report\n...\nThe first line of prose.\n", encoding="utf-8")
    front, body, used = split_front_matter(path.read_text(encoding="utf-8"), path)
    assert front == {"title": "2020 report"} and used == 3
    assert body == ["The first line of prose."]
    assert [(line.lineno, line.text) for line in prose_lines(path)] == [
        (4, "The first line of prose.")]


def test_unclosed_front_matter_is_an_engine_error_and_all_prose_to_lint(tmp_path: Path) -> None:
    path = tmp_path / "doc.qmd"
    path.write_text("---\ntitle: 12 reports\n", encoding="utf-8")
    with pytest.raises(RenderError, match="not closed"):
        split_front_matter(path.read_text(encoding="utf-8"), path)
    assert [line.lineno for line in prose_lines(path)] == [1, 2]
