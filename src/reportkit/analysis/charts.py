"""One house style for every chart: the Government Analysis Function palette, labelled axes,
values written on the bars (meaning never carried by colour alone)."""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from afcharts.af_colours import get_af_colours

from reportkit.analysis.gss import round_half_up
from reportkit.analysis.raster import svg_to_png

# matplotlib (0.5 s) and seaborn (several seconds) are imported inside the functions that draw:
# the build imports this module (through reportkit.analysis.chapter) but never draws.
if TYPE_CHECKING:  # keep imports light for the CLI
    import pandas as pd
    from matplotlib.figure import Figure

# The Government Analysis Function's colour palettes, as its afcharts package publishes them:
# categorical (in order), two series, and focus against context.
PALETTE = tuple(get_af_colours("categorical"))
TWO_SERIES = tuple(get_af_colours("duo"))
FOCUS, CONTEXT = get_af_colours("focus")
TEXT = "#0B0C0C"
WIDTH_INCHES = 7.0
#: Each chart is shown twice: SVG (HTML and PDF: vector, sharp at any zoom) and PNG at print
#: resolution (Word, which needs a raster image). The renderers pick one per format.
PRINT_DPI = 300
#: How the SVG is drawn: no date in it, so a re-run draws the same bytes.
SVG_OPTIONS = {"dpi": PRINT_DPI, "metadata": {"Date": None}}
#: Category labels longer than this many characters are wrapped onto more lines.
LABEL_WIDTH = 30


def apply_style() -> None:
    """Set the house style for matplotlib and seaborn (call once per notebook).

    Plain rcParams (seaborn's "whitegrid" look with our palette), so that notebooks which do
    not draw with seaborn do not pay for importing it.
    """
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(
        {
            "axes.prop_cycle": cycler(color=list(PALETTE)),
            "axes.facecolor": "white",
            "axes.grid": True,
            "axes.axisbelow": True,
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "figure.figsize": (WIDTH_INCHES, 3.8),
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelcolor": TEXT,
            "axes.edgecolor": "#505A5F",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "xtick.color": TEXT,
            "ytick.color": TEXT,
            "grid.color": "#DDDDDD",
            "legend.frameon": False,
            "svg.hashsalt": "reportkit",
            # Labels from params and data are text: a "$" must not start mathtext.
            "text.parse_math": False,
        }
    )
    _inline_formats()


def _inline_formats() -> None:
    """In a notebook, show each figure as SVG and as a PNG at ``PRINT_DPI``. The PNG is that
    SVG rasterised (``raster``), not a second drawing."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:  # a script, not a notebook: nothing is displayed
        return
    from matplotlib.figure import Figure
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    # Hooks the inline backend into the shell and drops its other formats (PNG, PDF, JPEG);
    # its SVG formatter is then replaced by ours, which the PNG's shares.
    set_matplotlib_formats("svg", **SVG_OPTIONS)
    shown = _ShownFigure()
    formatters = shell.display_formatter.formatters
    formatters["image/svg+xml"].for_type(Figure, shown.svg)
    formatters["image/png"].for_type(Figure, shown.png)


def _svg_text(fig: Figure) -> str | None:
    """The figure as SVG text, as IPython's inline backend draws it (None when empty)."""
    from IPython.core.pylabtools import print_figure

    return print_figure(fig, fmt="svg", **SVG_OPTIONS)


class _ShownFigure:
    """The two images of a figure being displayed. IPython asks for the SVG, then the PNG, in
    one display: the PNG takes the SVG just drawn rather than drawing the figure again."""

    def __init__(self) -> None:
        self._last: tuple[int, str | None] | None = None

    def svg(self, fig: Figure) -> str | None:
        """The SVG, kept for the PNG of the same display."""
        drawn = _svg_text(fig)
        self._last = (id(fig), drawn)
        return drawn

    def png(self, fig: Figure) -> str | None:
        """The SVG of the same display (drawn now if there was none) rasterised at
        ``PRINT_DPI``, base64-encoded."""
        last, self._last = self._last, None
        drawn = last[1] if last is not None and last[0] == id(fig) else _svg_text(fig)
        if drawn is None:
            return None
        return base64.b64encode(svg_to_png(drawn, PRINT_DPI)).decode("ascii")


def _new(height: float) -> tuple[Figure, object]:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(WIDTH_INCHES, height), layout="constrained")
    return fig, ax


def bar_percent(
    labels: Sequence[str],
    percents: Sequence[float],
    *,
    title: str,
    xlabel: str = "Percentage",
    highlight: str | Collection[str] | None = None,
    legend: tuple[str, str] | None = None,
) -> Figure:
    """Horizontal bars of percentages in the order given, each value written by its bar."""
    return bar_values(labels, percents, title=title, xlabel=xlabel, highlight=highlight,
                      legend=legend, suffix="%", decimals=0)


def wrap_label(label: str, width: int = LABEL_WIDTH) -> str:
    """A category label broken into lines of at most ``width`` characters (at spaces)."""
    return textwrap.fill(label, width, break_long_words=False, break_on_hyphens=False)


def bar_values(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    xlabel: str,
    highlight: str | Collection[str] | None = None,
    legend: tuple[str, str] | None = None,
    suffix: str = "",
    decimals: int = 0,
) -> Figure:
    """Horizontal bars in the order given, each value written by its bar; long labels wrapped
    so the bars keep most of the width.

    ``highlight`` (a label, or several) is drawn in the focus colour against grey; ``legend``
    then names the two colours (focus, grey), since a reader must be told what colour means.
    """
    if highlight is not None and legend is None:
        raise ValueError("bar_values: a highlight needs a legend naming its two colours")
    marked = {highlight} if isinstance(highlight, str) else set(highlight or ())
    shown = [wrap_label(label) for label in labels]
    extra_lines = sum(label.count("\n") for label in shown)
    fig, ax = _new(max(2.2, 0.38 * len(labels) + 0.14 * extra_lines + 1.0))
    colours = [FOCUS if highlight is None or label in marked else CONTEXT for label in labels]
    positions = range(len(labels))
    ax.barh(list(positions), list(values), color=colours)
    ax.set_yticks(list(positions), labels=shown)
    ax.invert_yaxis()
    top = max([*values, 1.0])
    ax.set_xlim(0, top * 1.18)
    for y, value in zip(positions, values, strict=True):
        ax.text(value + top * 0.01, y, f"{round_half_up(value, decimals):.{decimals}f}{suffix}",
                va="center", fontsize=9, color=TEXT)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    if legend is not None:
        from matplotlib.patches import Patch

        keys = [Patch(color=FOCUS, label=legend[0]), Patch(color=CONTEXT, label=legend[1])]
        fig.legend(handles=keys, loc="outside lower center", ncols=2)
    return fig


def message(text: str) -> Figure:
    """A short figure holding only ``text``: what a chart says when it has nothing to show."""
    fig, ax = _new(1.2)
    ax.axis("off")
    ax.text(0, 0.5, text, fontsize=11)
    return fig


def line_monthly(series: pd.DataFrame, *, title: str, ylabel: str = "Notifications") -> Figure:
    """Monthly counts as a line with markers; ``series`` has ``month`` and ``count`` columns."""
    import matplotlib.dates as mdates

    fig, ax = _new(3.4)
    months = series["month"]
    if hasattr(months, "dt") and hasattr(months.dt, "to_timestamp"):
        months = months.dt.to_timestamp()
    ax.plot(months, series["count"], marker="o", markersize=3.5, color=FOCUS, linewidth=1.6)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Month of notification")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    ax.set_title(title)
    return fig


def paired_bars(
    categories: Sequence[str],
    first: Sequence[float],
    second: Sequence[float],
    *,
    names: tuple[str, str],
    title: str,
    ylabel: str,
    percent: bool = False,
) -> Figure:
    """Two series side by side per category (seaborn), values written above the bars, the
    second series hatched so that colour is not the only difference."""
    import pandas as pd
    import seaborn as sns

    fig, ax = _new(3.6)
    long = pd.DataFrame(
        {
            "category": [*categories, *categories],
            "value": [*first, *second],
            "series": [names[0]] * len(categories) + [names[1]] * len(categories),
        }
    )
    sns.barplot(long, x="category", y="value", hue="series", palette=list(TWO_SERIES),
                ax=ax, width=0.76)
    suffix = "%" if percent else ""
    for group, hatch in zip(ax.containers, ("", "//"), strict=True):
        for bar in group:
            bar.set_hatch(hatch)
            bar.set_edgecolor("white")
        ax.bar_label(group, labels=[f"{round_half_up(v, 0):.0f}{suffix}" for v in group.datavalues],
                     fontsize=8, padding=2)
    ax.set_xlabel("")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="upper right", title=None)
    ax.margins(y=0.15)
    ax.grid(axis="x", visible=False)
    return fig


def interval_chart(
    labels: Sequence[str],
    ratios: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    *,
    title: str,
) -> Figure:
    """Rate ratios with 95% confidence intervals, and a reference line at 1 (no change); each
    row's label is written above its interval, across the chart's width, and each ratio and
    interval beside its dot."""
    fig, ax = _new(max(2.4, 0.62 * len(labels) + 1.3))
    y = list(range(len(labels)))
    errors = [
        [r - lo for r, lo in zip(ratios, lows, strict=True)],
        [hi - r for r, hi in zip(ratios, highs, strict=True)],
    ]
    ax.errorbar(ratios, y, xerr=errors, fmt="o", color=FOCUS, capsize=4)
    for yy, label, r, lo, hi in zip(y, labels, ratios, lows, highs, strict=True):
        shown = "{:.2f} ({:.2f} to {:.2f})".format(*(round_half_up(v, 2) for v in (r, lo, hi)))
        ax.annotate(shown, (hi, yy), xytext=(6, 0), textcoords="offset points", va="center",
                    fontsize=8, color=TEXT)
        ax.annotate(wrap_label(label, 90), (0, yy), xycoords=("axes fraction", "data"),
                    xytext=(4, 9), textcoords="offset points", va="bottom", fontsize=9,
                    color=TEXT, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.axvline(1.0, color="#505A5F", linestyle="--", linewidth=1)
    ax.set_yticks(y, labels=[""] * len(labels))
    ax.tick_params(axis="y", length=0)
    low = min([*lows, 1.0])
    high = max([*highs, 1.0])
    span = high - low
    ax.set_xlim(low - 0.1 * span, high + 0.45 * span)
    ax.set_ylim(len(labels) - 0.5, -0.85)
    ax.set_xlabel("Rate ratio (1 = no change), with 95% confidence interval")
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    return fig


def grouped_percent(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
                    *, title: str, xlabel: str = "Percentage") -> Figure:
    """Horizontal bars of percentages, one group per category and one bar per series (e.g. an
    area, its region and England), each value written by its bar; a missing value (None: a
    suppressed share) draws no bar and says ``c``. The legend names the series.

    Drawn without pyplot (whose figure registry is global), so packs can draw side by side in
    threads."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_INCHES, max(2.4, 0.32 * len(categories) * len(series) + 1.2)),
                 layout="constrained")
    ax = fig.add_subplot()
    height = 0.8 / max(len(series), 1)
    top = max([v for _, values in series for v in values if v is not None] + [1.0])
    for index, (name, values) in enumerate(series):
        positions = [c + index * height for c in range(len(categories))]
        drawn = [0.0 if v is None else v for v in values]
        ax.barh(positions, drawn, height=height * 0.92, color=PALETTE[index % len(PALETTE)],
                label=name)
        for y, value in zip(positions, values, strict=True):
            text = "c" if value is None else f"{round_half_up(value, 0):.0f}%"
            ax.text((value or 0) + top * 0.01, y, text, va="center", fontsize=8, color=TEXT)
    ax.set_yticks([c + height * (len(series) - 1) / 2 for c in range(len(categories))],
                  labels=[wrap_label(c) for c in categories])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.2)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    fig.legend(loc="outside lower center", ncols=len(series))
    return fig


def svg_text(fig: Figure) -> str:
    """The figure as SVG text, the same bytes for the same figure (house style applied)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
