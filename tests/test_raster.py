"""raster: a chart's SVG as a print-resolution PNG (for Word), drawn by Typst."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from reportkit.analysis import charts, raster  # noqa: E402


@pytest.fixture
def figure():
    charts.apply_style()
    fig = charts.bar_percent(["Domestic abuse", "Neglect", "Parental mental ill-health"],
                             [42.0, 61.0, 38.0], title="Case characteristics")
    yield fig
    plt.close(fig)


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    return buffer.getvalue()


def _blocks(png: bytes, size: int = 10) -> np.ndarray:
    """The image in grey, averaged over ``size`` x ``size`` pixel blocks (so that the two
    rasterisers' different anti-aliasing of text evens out)."""
    image = Image.open(io.BytesIO(png)).convert("L")
    small = image.resize((image.width // size, image.height // size), Image.Resampling.BOX)
    return np.asarray(small, dtype=float)


def test_the_png_has_the_svg_size_at_the_resolution_it_records(figure) -> None:
    svg = _svg(figure)
    width, height = raster.svg_size_points(svg)
    png = raster.svg_to_png(svg, 300)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert [round(d) for d in image.info["dpi"]] == [300, 300]
    assert abs(image.width - width / 72 * 300) <= 1
    assert abs(image.height - height / 72 * 300) <= 1


def test_the_png_draws_what_matplotlib_draws(figure) -> None:
    """The same chart rasterised by Typst and by matplotlib's Agg, compared in 10-pixel
    blocks at 100 dpi, differ by at most 60 of 255 (text is anti-aliased differently; here
    the largest difference is 46, where the drawing shifted by 2 pixels gives 81 and a blank
    page about 200)."""
    typst_png = raster.svg_to_png(_svg(figure), 100)
    agg = io.BytesIO()
    figure.savefig(agg, format="png", dpi=100)
    ours, theirs = _blocks(typst_png), _blocks(agg.getvalue())
    assert ours.shape == theirs.shape
    assert ours.std() > 20  # not blank
    assert np.abs(ours - theirs).max() < 60


def test_a_resolution_is_written_once_into_a_png_only() -> None:
    with pytest.raises(ValueError, match="not a PNG"):
        raster.with_resolution(b"GIF89a", 300)
    image = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(image, format="PNG", dpi=(300, 300))
    with pytest.raises(ValueError, match="already records"):
        raster.with_resolution(image.getvalue(), 300)


def test_an_svg_without_a_size_in_points_is_refused() -> None:
    with pytest.raises(ValueError, match="no width and height in points"):
        raster.svg_size_points('<svg width="100%" height="100%"></svg>')
