"""A chart's SVG as a PNG at print resolution, for Word (which needs a raster image).

Typst, which the built-in engine already uses for PDF, rasterises SVG with resvg. That is
about four times quicker than matplotlib drawing the figure again at 300 dpi with Agg (0.09 s
against 0.4 s for a typical chart, measured in a warmed kernel), and it draws the very SVG the
HTML and PDF show. matplotlib writes text into its SVG as paths, so no font is needed.
"""

from __future__ import annotations

import re
import struct
import zlib

_SIZE = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)pt"[^>]*?\sheight="([\d.]+)pt"', re.S)
_PAGE = """#set page(width: {width}pt, height: {height}pt, margin: 0pt, fill: white)
#image(bytes(sys.inputs.svg), format: "svg", width: 100%, height: 100%, fit: "stretch")
"""
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_METRES_PER_INCH = 0.0254


def svg_size_points(svg: str) -> tuple[float, float]:
    """The width and height, in points, that matplotlib wrote on the SVG's root element."""
    found = _SIZE.search(svg)
    if found is None:
        raise ValueError("svg_size_points: the SVG gives no width and height in points")
    return float(found.group(1)), float(found.group(2))


def svg_to_png(svg: str, dpi: int) -> bytes:
    """``svg`` drawn at ``dpi`` pixels per inch, as PNG bytes that record that resolution."""
    import typst

    width, height = svg_size_points(svg)
    page = _PAGE.format(width=width, height=height).encode()
    png = typst.compile(page, format="png", ppi=float(dpi), ignore_system_fonts=True,
                        sys_inputs={"svg": svg})
    return with_resolution(png, dpi)


def with_resolution(png: bytes, dpi: int) -> bytes:
    """``png`` with a pHYs chunk saying ``dpi`` (Word and Pandoc size the image from it)."""
    if not png.startswith(_PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise ValueError("with_resolution: not a PNG")
    if b"pHYs" in png[:png.find(b"IDAT")]:
        raise ValueError("with_resolution: the PNG already records a resolution")
    end_of_header = 8 + 4 + 4 + 13 + 4  # signature, then IHDR's length, type, data and CRC
    per_metre = round(dpi / _METRES_PER_INCH)
    data = struct.pack(">IIB", per_metre, per_metre, 1)  # unit 1: pixels per metre
    chunk = struct.pack(">I", len(data)) + b"pHYs" + data
    chunk += struct.pack(">I", zlib.crc32(b"pHYs" + data))
    return png[:end_of_header] + chunk + png[end_of_header:]
