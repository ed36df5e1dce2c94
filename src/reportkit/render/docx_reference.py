"""The DOCX reference document, generated at render time.

Generated, not committed: Pandoc's own default ``reference.docx`` (``pandoc
--print-default-data-file reference.docx``) plus a few python-docx style changes. The style
lives in reviewable code rather than an opaque binary, always matches the Pandoc in use, and the
page header can carry the synthetic-data label only when the data are synthetic.
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

DARK_BLUE = RGBColor(0x12, 0x43, 0x6D)
DARK_PINK = RGBColor(0x80, 0x16, 0x50)
FONT = "Arial"


def _set_font(
    style: object,
    size: float | None = None,
    bold: bool | None = None,
    colour: RGBColor | None = None,
) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name = FONT
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if colour is not None:
        font.color.rgb = colour


def _paragraph_box(style: object, colour: str, fill: str | None = None) -> None:
    """A left border (and optional shading) on a paragraph style."""
    ppr = style.element.get_or_add_pPr()  # type: ignore[attr-defined]
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("w:val", "single"), ("w:sz", "24"), ("w:space", "8"), ("w:color", colour)):
        left.set(qn(key), value)
    borders.append(left)
    ppr.append(borders)
    if fill:
        shading = OxmlElement("w:shd")
        for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
            shading.set(qn(key), value)
        ppr.append(shading)


def _page_field(paragraph: object) -> None:
    """Append a PAGE field (the page number) to a paragraph."""
    run = paragraph.add_run()  # type: ignore[attr-defined]
    for kind, text in (
        ("begin", None),
        (None, "PAGE"),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _paragraph_style(document: docx.document.Document, name: str) -> object:
    styles = document.styles
    if name in [s.name for s in styles]:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    return style


def build_reference_docx(
    pandoc: str, destination: Path, *, header_label: str | None, title: str
) -> Path:
    """Write the reference document; ``header_label`` goes in every page header."""
    data = subprocess.run(
        [pandoc, "--print-default-data-file", "reference.docx"], capture_output=True, check=True
    ).stdout
    document = docx.Document(io.BytesIO(data))
    styles = document.styles
    for name in ("Normal", "Body Text", "First Paragraph", "Compact"):
        if name in [s.name for s in styles]:
            _set_font(styles[name], size=11)
    _set_font(styles["Title"], size=26, bold=True, colour=DARK_BLUE)
    _set_font(styles["Subtitle"], size=16, colour=DARK_BLUE)
    for level, size in ((1, 18), (2, 15), (3, 13), (4, 12)):
        _set_font(styles[f"Heading {level}"], size=size, bold=True, colour=DARK_BLUE)
    for name in ("Table Caption", "Image Caption"):
        _set_font(_paragraph_style(document, name), size=10, bold=True)

    for level in (1, 2):  # the contents list (report/style/accessible.lua); Word's own ids
        toc = _paragraph_style(document, f"toc {level}")
        toc.style_id = f"TOC{level}"
        toc.paragraph_format.space_after = Pt(4)
        toc.paragraph_format.left_indent = Cm(0.75 * (level - 1))

    callout = _paragraph_style(document, "Callout")
    _set_font(callout, size=11)
    _paragraph_box(callout, colour="12436D", fill="F3F2F1")
    notice = _paragraph_style(document, "Synthetic Notice")
    _set_font(notice, size=11, bold=True, colour=DARK_PINK)
    _paragraph_box(notice, colour="801650")

    section = document.sections[0]
    header = section.header
    header.is_linked_to_previous = False
    head = header.paragraphs[0]
    head.text = f"{header_label} | {title}" if header_label else title
    footer = section.footer
    footer.is_linked_to_previous = False
    foot = footer.paragraphs[0]
    foot.text = f"{header_label} | Page " if header_label else "Page "
    _page_field(foot)

    destination.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    document.save(buffer)
    destination.write_bytes(_fixed_dates(buffer.getvalue()))
    return destination


#: The date every part of the reference document carries (the zip format's first day): Pandoc
#: copies these parts into each Word document, so their dates must not be the build's time, or
#: the same report would be different bytes from one build to the next.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _fixed_dates(data: bytes) -> bytes:
    """The .docx (a zip) ``data`` with every entry dated ``ZIP_EPOCH``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
