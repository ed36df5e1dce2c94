"""Charts: the Analysis Function palette, values written on the bars, labelled axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from reportkit.analysis import charts  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    charts.apply_style()
    yield
    plt.close("all")


def test_palette_is_the_analysis_function_palette() -> None:
    assert charts.PALETTE[:4] == ("#12436D", "#28A197", "#801650", "#F46A25")
    assert charts.TWO_SERIES == ("#12436D", "#F46A25")


def test_bar_percent_writes_each_value_half_up_and_labels_axes() -> None:
    fig = charts.bar_percent(["A", "B"], [16.5, 40.2], title="T", xlabel="Percentage of x")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["17%", "40%"]
    assert ax.get_xlabel() == "Percentage of x" and ax.get_title(loc="left") == "T"


def test_paired_bars_hatch_the_second_series() -> None:
    fig = charts.paired_bars(["a", "b"], [10, 20], [12, 18], names=("x", "y"), title="T",
                             ylabel="Percentage", percent=True)
    first, second = fig.axes[0].containers
    assert {bar.get_hatch() for bar in first} == {""}
    assert {bar.get_hatch() for bar in second} == {"//"}


def test_interval_chart_marks_no_change_and_writes_intervals() -> None:
    fig = charts.interval_chart(["Notifications"], [1.2667], [1.06], [1.515], title="T")
    ax = fig.axes[0]
    assert ax.texts[0].get_text() == "1.27 (1.06 to 1.52)"
    assert any(line.get_xdata()[0] == 1.0 for line in ax.lines)


def test_a_label_with_dollar_signs_is_drawn_as_text_not_mathtext() -> None:
    """A params label is text: '$' in it must neither start mathtext nor break the drawing."""
    import io

    title = r"Notifications, 2020 $\frac{1}{$ (a malformed formula, were it mathtext)"
    fig = charts.bar_percent(["A $x$", "B"], [10.0, 20.0], title=title, xlabel="x")
    fig.savefig(io.BytesIO(), format="png")
    shown = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text() == title]
    assert shown and not any(t.get_parse_math() for t in shown)


def test_in_a_notebook_each_chart_is_shown_as_svg_and_as_a_300_dpi_png() -> None:
    """SVG for HTML and PDF, a print-resolution PNG for Word; the SVG carries no date, so a
    re-run draws the same bytes."""
    import base64
    import io

    from IPython.core.interactiveshell import InteractiveShell
    from PIL import Image

    shell = InteractiveShell.instance()
    try:
        charts.apply_style()
        fig = charts.bar_percent(["A", "B"], [16.5, 40.2], title="T")
        data, _ = shell.display_formatter.format(fig)
        assert {"image/svg+xml", "image/png"} <= set(data)
        png = data["image/png"]
        image = Image.open(io.BytesIO(png if isinstance(png, bytes) else base64.b64decode(png)))
        assert round(image.info["dpi"][0]) == charts.PRINT_DPI
        assert image.width >= 6 * charts.PRINT_DPI  # a 7-inch chart, cropped to its content
        svg = data["image/svg+xml"]
        assert "<dc:date>" not in svg
        assert shell.display_formatter.format(fig)[0]["image/svg+xml"] == svg
    finally:
        InteractiveShell.clear_instance()


LONG = "Child previously identified as vulnerable by the child protection system"


def _drawn(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def test_long_labels_are_wrapped_so_the_bars_keep_most_of_the_width() -> None:
    fig = charts.bar_percent([LONG, "Domestic abuse"], [62.0, 42.0], title="T")
    _drawn(fig)
    ax = fig.axes[0]
    assert ax.get_position().width > 0.55, "the bars' axes take most of the figure's width"
    wrapped = ax.get_yticklabels()[0].get_text()
    assert wrapped.replace("\n", " ") == LONG
    assert max(len(line) for line in wrapped.splitlines()) <= charts.LABEL_WIDTH


def test_a_highlight_needs_a_legend_naming_both_colours() -> None:
    with pytest.raises(ValueError, match="legend"):
        charts.bar_values(["a", "b"], [1.0, 2.0], title="T", xlabel="x", highlight="a")
    fig = charts.bar_values(["a", "b", "c"], [1.0, 2.0, 3.0], title="T", xlabel="x",
                            highlight=["a", "b"], legend=("Within 15 days", "Later"))
    bars = fig.axes[0].patches
    assert [matplotlib.colors.to_hex(b.get_facecolor()).upper() for b in bars] == [
        charts.FOCUS, charts.FOCUS, charts.CONTEXT]
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["Within 15 days", "Later"]


def test_interval_labels_sit_above_their_rows_on_one_line() -> None:
    label = "Notifications: April to September 2020 against April to September 2019"
    fig = charts.interval_chart([label, "Deaths: 2020 against 2019"], [1.27, 1.29],
                                [1.06, 1.04], [1.52, 1.59], title="T")
    _drawn(fig)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert label in texts and "Deaths: 2020 against 2019" in texts
    assert ax.get_position().width > 0.8, "no tick labels squeeze the intervals"


def test_a_png_asked_for_alone_is_the_svg_it_would_be_shown_with() -> None:
    """The PNG formatter normally takes the SVG just drawn for the same display; asked alone,
    it draws that SVG itself, and the PNG is the same bytes."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        charts.apply_style()
        fig = charts.bar_percent(["A", "B"], [16.5, 40.2], title="T")
        alone = shell.display_formatter.format(fig, include=["image/png"])[0]
        both = shell.display_formatter.format(fig)[0]
        assert set(alone) == {"image/png"}
        assert alone["image/png"] == both["image/png"]
    finally:
        InteractiveShell.clear_instance()
