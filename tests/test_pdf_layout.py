"""The page-fullness check used on both engines' PDFs (tests/pdf_layout.py), on small Typst
documents whose layout is known: it must flag a band left blank mid-chapter and accept a
chapter that ends part way down a page."""

from __future__ import annotations

from pathlib import Path

import pytest
import typst
from pdf_layout import layout_problems

PAGE = '#set page(paper: "a4", margin: (x: 2.3cm, top: 2.6cm, bottom: 2.4cm))\n'


def _pdf(tmp_path: Path, body: str) -> Path:
    source = tmp_path / "doc.typ"
    source.write_text(PAGE + body, encoding="utf-8")
    output = tmp_path / "doc.pdf"
    typst.compile(str(source), output=str(output))
    return output


def _chapter(title: str, words: int) -> str:
    return f"#pagebreak(weak: true)\n= {title}\n#lorem({words})\n\n"


def test_full_pages_and_a_short_chapter_end_pass(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path, "#outline()\n" + _chapter("One", 900) + _chapter("Two", 300)
               + _chapter("Three", 900))
    assert layout_problems(pdf) == []


def test_a_chart_pushed_to_the_next_page_leaving_a_gap_is_found(tmp_path: Path) -> None:
    moved = "#block(breakable: false, rect(width: 100%, height: 12cm, fill: gray))\n"
    pdf = _pdf(tmp_path, "#outline()\n= One\n#lorem(420)\n\n" + moved + "#lorem(600)\n\n"
               + _chapter("Two", 200))
    problems = layout_problems(pdf)
    assert len(problems) == 1 and "page 1" in problems[0] and "at its foot" in problems[0]


def test_a_blank_band_inside_a_page_is_found(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path, "#outline()\n= One\n#lorem(100)\n\n#v(12cm)\n#lorem(900)\n\n"
               + _chapter("Two", 200))
    assert any("inside it" in p for p in layout_problems(pdf))


@pytest.mark.parametrize("blank_cm", [4, 9])
def test_the_limit_is_about_a_quarter_of_the_page(tmp_path: Path, blank_cm: int) -> None:
    pdf = _pdf(tmp_path, f"#outline()\n= One\n#lorem(60)\n\n#v({blank_cm}cm)\n#lorem(900)\n\n"
               + _chapter("Two", 200))
    assert bool(layout_problems(pdf)) is (blank_cm > 24.7 * 0.27)
