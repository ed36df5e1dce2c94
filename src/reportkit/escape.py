"""Text from params and data, escaped for Pandoc Markdown: the one way such text reaches a
document. Both engines read Markdown, and Pandoc escapes plain text for HTML, Typst and Word, so
escaping once for Markdown escapes for every output format."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_text(text: object) -> str:
    """``text`` as Pandoc Markdown that reads back as exactly that text.

    Every ASCII punctuation character is backslash-escaped (Pandoc's ``all_symbols_escapable``),
    so no raw HTML, raw Typst or LaTeX, emphasis, link, shortcode, table cell break or attribute
    can be formed; line breaks become spaces.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
