"""A tiny staged Quarto project (like the one the build stages) for the render tests."""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest
import yaml

from reportkit.errors import RenderError
from reportkit.render import render
from reportkit.render.staging import document_metadata, fact_markdown

# A 4x3 PNG in the Analysis Function dark blue, so the test needs no plotting library.


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAFElEQVR4nGMUcs5lgAEmBiSAwgEAHEsAyH+ma+kAAAAASUVORK5CYII="
)


ANNUAL = """\
---
title: "Annual report {{< meta period_label >}}"
subtitle: Serious incident notifications
---

# Summary {#sec-summary}

There were {{< var notifications_total >}} notifications in {{< meta period_label >}}.
See @fig-deaths-by-age and @tbl-by-sex for the detail.

{{< include _chapters/_detail.qmd >}}

::: {.callout-important}
## About these figures
Deaths made up {{< var deaths_pct >}} of notifications.
:::

::: {.callout-note title="Definitions"}
A notification is made within five working days.
:::

::: {.content-visible when-meta="covid_period"}
COVID-PARAGRAPH-SHOWN
:::

::: {.content-hidden when-meta="covid_period"}
NOT-COVID-PARAGRAPH
:::

::: {.content-visible unless-meta="has_comparison"}
NO-COMPARISON-PARAGRAPH
:::

::: {.content-visible when-format="html"}
HTML-ONLY-PARAGRAPH
:::

::: {.content-visible when-format="docx"}
DOCX-ONLY-PARAGRAPH
:::

Literal shortcode: {{{< var notifications_total >}}}.
"""


DETAIL = """\
## Detail

{{< embed ../notebooks/01_overview.ipynb#fig-deaths-by-age >}}

{{< embed ../notebooks/01_overview.ipynb#tbl-by-sex >}}

As @tbl-by-sex shows, boys made up {{< var male_pct >}} of children.
"""


SUMMARY = """\
---
title: Executive summary
---

# Key points

- {{< var notifications_total >}} notifications.
"""


def _notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    figure = nbformat.v4.new_code_cell(
        "#| label: fig-deaths-by-age\n"
        "#| fig-cap: Deaths by age group\n"
        "#| fig-alt: Bar chart of deaths by age group; most deaths were of infants.\n"
        "chart()"
    )
    figure.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": base64.b64encode(PNG).decode(), "text/plain": "<Figure>"},
        )
    ]
    table = nbformat.v4.new_code_cell("#| label: tbl-by-sex\n#| tbl-cap: Children by sex\ntable()")
    table.outputs = [
        nbformat.v4.new_output(
            "execute_result",
            data={
                "text/markdown": "| Sex | Children |\n|:--|--:|\n| Male | 271 |\n| Female | 243 |",
                "text/plain": "table",
            },
            execution_count=2,
        )
    ]
    nb.cells = [figure, table]
    nbformat.write(nb, path)


HOUSE_CSS = Path(__file__).resolve().parents[1] / "report" / "style" / "reportkit.css"


def make_project(root: Path, *, annual: str = ANNUAL, covid: bool = True) -> Path:
    """A tiny staged Quarto project like the one the build stages."""
    (root / "report" / "_chapters").mkdir(parents=True)
    (root / "notebooks").mkdir()
    config = {
        "project": {
            "type": "default",
            "render": ["report/annual-report.qmd", "report/executive-summary.qmd"],
        },
        "metadata-files": ["_period.yml"],
        "lang": "en-GB",
        "format": {
            "html": {"toc": True, "css": ["report/style/reportkit.css",
                                           "report/assets/missing.css"]},
            "typst": {"toc": True},
            "docx": {"toc": False},
        },
    }
    (root / "_quarto.yml").write_text(yaml.safe_dump(config))
    (root / "report" / "style").mkdir()
    (root / "report" / "style" / "reportkit.css").write_text(HOUSE_CSS.read_text())
    for name in ("accessible.lua", "provenance.lua"):  # both engines' shared filters
        shared = HOUSE_CSS.with_name(name)
        (root / "report" / "style" / name).write_text(shared.read_text())
    period = {
        "period_id": "2020",
        "period_label": "2020 to 2021",
        "period_start": "2020-04-01",
        "period_end": "2021-03-31",
        "covid_period": covid,
        "has_comparison": False,
        "publication_date": "28 September 2021",
        "synthetic_data": True,
        "report_title": "Annual report",
    }
    # As reportkit.render.staging writes them in a staged project.
    (root / "_period.yml").write_text(yaml.safe_dump(document_metadata(period)))
    variables = {"notifications_total": "482", "deaths_pct": "43%", "male_pct": "53%"}
    (root / "_variables.yml").write_text(
        yaml.safe_dump({name: fact_markdown(name, text) for name, text in variables.items()}))
    (root / "report" / "annual-report.qmd").write_text(annual)
    (root / "report" / "executive-summary.qmd").write_text(SUMMARY)
    (root / "report" / "_chapters" / "_detail.qmd").write_text(DETAIL)
    _notebook(root / "notebooks" / "01_overview.ipynb")
    return root


def _render_html(root: Path, tmp_path: Path):
    return render(
        root, tmp_path / "out", engine="pandoc+typst", documents=("annual-report",),
        formats=("html",),
    )


def _render_error(tmp_path: Path, annual: str, match: str) -> None:
    root = make_project(tmp_path / "p", annual=annual)
    with pytest.raises(RenderError, match=match):
        _render_html(root, tmp_path)
