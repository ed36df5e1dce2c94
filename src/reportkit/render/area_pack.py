"""A local area pack as a document: one HTML page and one PDF per area (issue 20).

``document(...)`` lays out an area's figures (``reportkit.analysis.areas``) as plain data:
title, paragraphs, the chart and its alt text, and tables (caption, header, rows). ``html`` and
``pdf`` render that same data: the HTML with the standard library's escaping (every string is
escaped, none is markup), the PDF with Typst (``templates/area-pack.typ`` reads the data as JSON
from ``sys.inputs``, so no text is ever Typst markup). A pack is small and there are 150 of
them: Pandoc would add a process per document for nothing the template needs.
"""

from __future__ import annotations

import html
import json
import os
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import typst

from reportkit.analysis import areas, charts
from reportkit.analysis.disclosure import TOTAL
from reportkit.analysis.gss import CONFIDENTIAL
from reportkit.analysis.sections import CHARACTERISTICS
from reportkit.errors import RenderError
from reportkit.render.notice import SYNTHETIC_LABEL
from reportkit.render.pandoc import PDF_STANDARDS

TEMPLATES = Path(__file__).parent / "templates"
CHARACTERISTIC_IDS = tuple(column for column, _, _ in CHARACTERISTICS)


def _cells(cells: list[tuple[str, str]]) -> list[str]:
    out = []
    for count, share in cells:
        out += [count, share if share in (CONFIDENTIAL, "z") else f"{share}%"]
    return out


def _header(pack: areas.AreaFigures, first: str) -> list[str]:
    header = [first]
    for label, _ in pack.columns:
        header += [label, f"{label} (%)"]
    return header


def _share_value(share: str) -> float | None:
    return None if share in (CONFIDENTIAL, "z") else float(share)


def chart(pack: areas.AreaFigures) -> tuple[str, str]:
    """(SVG, alt text) of the pack's chart: notifications by outcome, as percentages of each
    column's notifications."""
    lines = [(category, cells) for category, cells in pack.rows["outcome"] if category != TOTAL]
    series = [(label, [_share_value(cells[index][1]) for _, cells in lines])
              for index, (label, _) in enumerate(pack.columns)]
    figure = charts.grouped_percent([category for category, _ in lines], series,
                                    title="Notifications by outcome",
                                    xlabel="Percentage of notifications")
    said = []
    for label, values in series:
        parts = [f"{category} {'suppressed' if value is None else f'{value:.0f}%'}"
                 for (category, _), value in zip(lines, values, strict=True)]
        said.append(f"{label}: {', '.join(parts)}")
    alt = ("Bar chart of notifications by outcome as percentages of all notifications, for "
           + ", ".join(label for label, _ in series) + ". " + "; ".join(said)
           + ". The same figures are in the table of notifications by outcome.")
    return charts.svg_text(figure), alt


def document(pack: areas.AreaFigures, figures: areas.Figures, *, synthetic: bool,
             publication_date: str) -> dict[str, Any]:
    """The pack as data both renderers read."""
    area = pack.area
    title = f"{area.name}: serious incident notifications, {figures.period_label}"
    columns = ", ".join(label for label, _ in pack.columns)
    intro = [f"Serious incident notifications the Child Safeguarding Practice Review Panel "
             f"received in {figures.period_label}, for {columns}. Each count is by the area "
             "of the notifying local authority. Percentages are of the column's notifications "
             "or children.",
             "c: suppressed. Counts from 1 to the disclosure threshold are not shown, and nor "
             "is any other count from which one could be worked out (from a total or from the "
             "other areas); a share of a suppressed count is suppressed too. z: not applicable "
             "(no notifications)."]
    if not pack.has_notifications:
        intro.insert(0, f"No serious incident notifications were received from {area.name} "
                        f"in {figures.period_label}. The figures for "
                        f"{', '.join(label for label, _ in pack.columns[1:])} follow for "
                        "comparison.")
    titles = {m.id: m for m in figures.measures}
    outcome, age = dict(pack.rows["outcome"]), dict(pack.rows["age"])
    review = dict(pack.rows["rapid_review"])
    key_rows = [["Serious incident notifications", *_cells(outcome[TOTAL])],
                ["Children in those notifications", *_cells(age[TOTAL])],
                *([label, *_cells(outcome[category])] for category, label in
                  (("Death", "Fatal incidents (deaths)"),
                   ("Serious harm", "Serious harm incidents"))),
                [f"Rapid reviews received {titles['rapid_review'].categories[0].lower()}",
                 *_cells(review[titles["rapid_review"].categories[0]])]]
    tables = [{"heading": "Key figures", "caption": f"Key figures, {columns}",
               "header": _header(pack, "Figure"), "rows": key_rows}]
    for measure_id in ("outcome", "age", "sex", "rapid_review"):
        measure = titles[measure_id]
        rows = [[category, *_cells(cells)] for category, cells in pack.rows[measure_id]]
        tables.append({"heading": measure.title, "caption": f"{measure.title}, {columns}",
                       "header": _header(pack, "Category"), "rows": rows})
    characteristic_rows = []
    for measure_id in CHARACTERISTIC_IDS:
        featured = dict(pack.rows[measure_id])["Featured"]
        characteristic_rows.append([titles[measure_id].title, *_cells(featured)])
    tables.append({"heading": "Case characteristics",
                   "caption": f"Notifications in which each characteristic featured, {columns}",
                   "header": _header(pack, "Characteristic"), "rows": characteristic_rows})
    svg, alt = chart(pack)
    banner = SYNTHETIC_LABEL if synthetic else ""
    notice = ("Figures in this pack are computed from SYNTHETIC data generated to test and "
              "demonstrate the reporting pipeline. They do not describe real children or "
              "incidents; do not quote them.") if synthetic else ""
    return {"title": title, "area": area.name, "code": area.code, "banner": banner,
            "notice": notice, "intro": intro, "tables": tables, "chart": svg, "chart_alt": alt,
            "published": publication_date}


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#0b0c0c;
margin:0;line-height:1.45}main{max-width:60rem;margin:0 auto;padding:1rem}
.skip-link{position:absolute;left:-999px}.skip-link:focus{left:.5rem;top:.5rem;background:#fd0;
color:#0b0c0c;padding:.25rem}.synthetic-banner{background:#a8005a;color:#fff;padding:.5rem 1rem;
margin:0}h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}
.table-region{overflow-x:auto;max-width:100%}table{border-collapse:collapse;font-size:.9rem}
caption{text-align:left;font-weight:bold;padding:.25rem 0}th,td{padding:.25rem .5rem;
border-bottom:1px solid #b1b4b6;text-align:right}th[scope=row],thead th:first-child{text-align:left}
.figure-region{overflow-x:auto}figure{margin:1rem 0}.organisation{margin:.5rem 1rem;
font-weight:bold}figure svg{min-width:30rem;width:100%;height:auto}
a:focus-visible,[tabindex]:focus-visible{outline:3px solid #fd0;outline-offset:0}
"""


def html_text(doc: dict[str, Any]) -> str:
    """The pack as one self-contained HTML page (every string escaped)."""
    e = html.escape
    parts = ['<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
             '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f"<title>{e(doc['title'])}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
             '<a class="skip-link" href="#main">Skip to main content</a>\n<header>\n']
    if doc["banner"]:
        parts.append(f'<div class="synthetic-banner" role="note" aria-label="Synthetic data">'
                     f"<p><strong>{e(doc['banner'])}.</strong> {e(doc['notice'])}</p></div>\n")
    parts.append('<p class="organisation">Child Safeguarding Practice Review Panel</p>\n'
                 f'</header>\n<main id="main">\n<h1>{e(doc["title"])}</h1>\n')
    parts += [f"<p>{e(text)}</p>\n" for text in doc["intro"]]
    svg = doc["chart"].split("?>", 1)[-1]  # the SVG element, without its XML declaration
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{e(doc["chart_alt"])}" ', 1)
    parts.append('<h2>Chart</h2>\n<div class="figure-region" role="region" tabindex="0" '
                 f'aria-label="Chart: notifications by outcome"><figure>{svg}'
                 "<figcaption>Notifications by outcome, as percentages</figcaption></figure>"
                 "</div>\n")
    for table in doc["tables"]:
        header = "".join(f'<th scope="col">{e(h)}</th>' for h in table["header"])
        body = "".join(
            "<tr>" + f'<th scope="row">{e(row[0])}</th>'
            + "".join(f"<td>{e(cell)}</td>" for cell in row[1:]) + "</tr>\n"
            for row in table["rows"])
        parts.append(f"<h2>{e(table['heading'])}</h2>\n"
                     f'<div class="table-region" role="region" aria-label="{e(table["caption"])}"'
                     f' tabindex="0"><table><caption>{e(table["caption"])}</caption>'
                     f"<thead><tr>{header}</tr></thead><tbody>\n{body}</tbody></table></div>\n")
    parts.append(f"<p>Published {e(doc['published'])}. Area code {e(doc['code'])}.</p>\n"
                 "</main>\n</body>\n</html>\n")
    return "".join(parts)


def _timestamp(publication_date: str) -> int:
    """The PDF's creation time: ``SOURCE_DATE_EPOCH`` if set, else the publication date (so the
    same pack is the same bytes wherever it is built)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return int(epoch)
    day = datetime.strptime(publication_date, "%d %B %Y").date()
    return int(datetime.combine(day, time(), UTC).timestamp())


def pdf_bytes(doc: dict[str, Any]) -> bytes:
    """The pack as a tagged PDF declaring PDF/UA-1 (Typst)."""
    try:
        return typst.compile(  # type: ignore[no-any-return]
            (TEMPLATES / "area-pack.typ").read_bytes(), sys_inputs={"data": json.dumps(doc)},
            ignore_system_fonts=True, pdf_standards=list(PDF_STANDARDS),
            timestamp=_timestamp(doc["published"]))
    except Exception as exc:  # typst.TypstError carries the diagnostic
        detail = getattr(exc, "diagnostic", "") or str(exc)
        raise RenderError(f"typst failed to compile the pack of {doc['code']}: {detail}") from exc
