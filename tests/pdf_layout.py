"""How full a PDF's pages are, looked at as a reader would: each page rendered (pypdfium2) and
scanned for rows of ink between the running header and footer.

A chapter may end part way down a page; anywhere else, a blank band taller than a quarter of the
page body (a chart moved to the next page, leaving its space empty) is a layout fault.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader

#: The page body, as fractions of the page height: below the running header (top margin 2.6 cm
#: of 29.7) and above the footer (bottom margin 2.4 cm), as both Typst templates set them.
BODY = (0.09, 0.915)
#: The largest blank band allowed inside a chapter, as a share of the body height: "about a
#: quarter", with room for rows measured at half resolution.
MOST_BLANK = 0.27


def chapter_starts(path: Path) -> set[int]:
    """Indexes of the pages on which a top-level bookmark (a chapter) starts."""
    reader = PdfReader(str(path))
    return {reader.get_destination_page_number(item) for item in reader.outline
            if not isinstance(item, list)}


def ink_rows(page: pdfium.PdfPage, scale: float = 0.5) -> list[bool]:
    """For each pixel row of the page body, whether anything is printed on it."""
    image = page.render(scale=scale, grayscale=True).to_pil()
    width, height = image.size
    pixels = image.load()
    top, bottom = int(height * BODY[0]), int(height * BODY[1])
    return [any(pixels[x, y] < 200 for x in range(0, width, 2)) for y in range(top, bottom)]


def blank_bands(rows: list[bool]) -> tuple[float, float]:
    """(largest blank band before the last ink, blank band after it), as shares of the body."""
    inked = [i for i, ink in enumerate(rows) if ink]
    if not inked:
        return 1.0, 1.0
    inner = inked[0]  # a band above the first ink counts as inside the page
    for previous, current in zip(inked, inked[1:], strict=False):
        inner = max(inner, current - previous - 1)
    return inner / len(rows), (len(rows) - 1 - inked[-1]) / len(rows)


def layout_problems(path: Path) -> list[str]:
    """Pages of a report, after its front matter and before its last page, with a blank band
    more than a quarter of the body: inside the page, or at its foot unless a chapter starts on
    the next page."""
    starts = chapter_starts(path)
    first = min(starts, default=0)
    problems = []
    document = pdfium.PdfDocument(str(path))
    try:
        last = len(document) - 1
        for index in range(first, last):
            inner, foot = blank_bands(ink_rows(document[index]))
            if inner > MOST_BLANK:
                problems.append(f"{path.name} page {index + 1}: {inner:.0%} of the page blank "
                                f"inside it")
            if foot > MOST_BLANK and index + 1 not in starts:
                problems.append(f"{path.name} page {index + 1}: {foot:.0%} of the page blank at "
                                f"its foot, mid-chapter")
    finally:
        document.close()
    return problems
