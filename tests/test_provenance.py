"""Tests for ``reportkit.render.provenance`` and ``report/style/provenance.lua``: what "About
the figures" says of each fact, and the filter's two passes through Pandoc (links and entries in
HTML, a table in Word; text from the data kept literal)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import docx
from bs4 import BeautifulSoup

from reportkit.analysis import facts
from reportkit.render import provenance
from reportkit.render.pandoc import pandoc_path

REPO = Path(__file__).resolve().parents[1]
FILTER = REPO / "report" / "style" / "provenance.lua"


def _share() -> facts.Fact:
    fact = facts.make("deaths_pct", 100 * 206 / 482, label="fatal incidents as a share",
                      unit="percent", numerator=206, denominator=482,
                      denominator_label="notifications", definition="notifications: Death")
    return facts.Fact(**{**fact.to_dict(), "notebook": "01_overview.ipynb",
                         "cell_id": "overview-outcomes", "table": "outcomes.csv",
                         "table_row": {"outcome": "Death"},
                         "table_column": "notifications_percent"})


def test_an_entry_gives_every_field_in_reading_order() -> None:
    entry = provenance.entry(_share())
    assert entry["label"] == "Fatal incidents as a share" and entry["value"] == "43%"
    assert entry["fields"] == [
        ["Definition", "notifications: Death"],
        ["Numerator", "206 notifications: Death"],
        ["Denominator", "482 notifications"],
        ["Unit", "a percentage, rounded half-up to no decimal places"],
        ["Computed in", "notebook 01_overview.ipynb, cell overview-outcomes"],
        ["Open data", "tables/outcomes.csv, the row where outcome = Death, column "
                      "notifications_percent"],
    ]
    count = provenance.entry(facts.make("children_total", 514, label="children"))
    assert [term for term, _ in count["fields"]] == ["Unit"]


def test_revisions_are_present_only_when_an_edition_is_revised() -> None:
    assert "revisions" not in provenance.provenance({})
    body = provenance.provenance({}, [{"label": "Deaths", "old": "206", "new": "207",
                                       "reason": "a correction"}], "This edition revises x.")
    assert body["revisions"]["rows"][0]["new"] == "207"


def _render(tmp_path: Path, markdown: str, fmt: str, data: dict) -> Path:
    (tmp_path / "_provenance.json").write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    args = [pandoc_path(), "-f", "markdown", "-t", fmt, "-o", str(out), "--standalone",
            "--wrap=none",
            "-M", f"reportkit-project-dir={tmp_path}", "-M", "title=t",
            f"--lua-filter={FILTER}", f"--lua-filter={FILTER}"]
    subprocess.run(args, input=markdown, text=True, check=True, capture_output=True)
    return out


def test_the_filter_links_each_fact_and_appends_its_entry(tmp_path: Path) -> None:
    tricky = facts.Fact(**{**_share().to_dict(), "name": "tricky",
                           "label": "*not emphasis* <script>alert(1)</script> {{< var x >}}"})
    data = provenance.provenance({"deaths_pct": _share(), "tricky": tricky,
                                  "unquoted": facts.make("unquoted", 1, label="u")})
    markdown = ("::: {.reportkit-revisions}\n:::\n\n"
                "# Heading with [43%]{.fact data-fact=\"deaths_pct\"}\n\n"
                "Deaths were [43%]{.fact data-fact=\"deaths_pct\"} and "
                "[1]{.fact data-fact=\"tricky\"}, again [43%]{.fact data-fact=\"deaths_pct\"}.\n")
    soup = BeautifulSoup(_render(tmp_path, markdown, "html", data).read_text(), "html.parser")
    links = soup.select("a.fact-link")
    assert [a["href"] for a in links] == ["#fact-deaths_pct", "#fact-tricky", "#fact-deaths_pct"]
    assert all(a.find("span", attrs={"data-fact": True}) for a in links)
    assert soup.find("h1").find("a") is None  # a fact in a heading is listed, not linked
    entries = soup.select("div.fact-entry")
    assert [div["id"] for div in entries] == ["fact-deaths_pct", "fact-tricky"]
    assert entries[0]["tabindex"] == "-1"
    assert entries[0].find("p").get_text() == "Fatal incidents as a share: 43%"
    assert [dt.get_text() for dt in entries[0].find_all("dt")][-1] == "Open data"
    assert entries[1].find("p").get_text().startswith(
        "*not emphasis* <script>alert(1)</script> {{< var x >}}")
    assert soup.find("script") is None and soup.find(id="revisions") is None
    assert soup.find(id="about-the-figures").get_text() == "About the figures"


def test_word_gets_the_annex_as_a_table_and_the_revisions(tmp_path: Path) -> None:
    rows = [{"label": "Fatal incidents", "old": "206", "new": "207", "reason": "a correction"}]
    data = provenance.provenance({"deaths_pct": _share()}, rows, "This edition revises x.")
    markdown = ("::: {.reportkit-revisions}\n:::\n\nDeaths were "
                "[43%]{.fact data-fact=\"deaths_pct\"}.\n")
    document = docx.Document(str(_render(tmp_path, markdown, "docx", data)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Revisions", "About the figures"]
    revised, annex = document.tables
    assert [c.text for c in revised.rows[1].cells] == ["Fatal incidents", "206", "207",
                                                       "a correction"]
    assert [c.text for c in annex.rows[0].cells][:2] == ["Figure", "Value"]
    assert annex.rows[1].cells[1].text == "43%"
    assert "01_overview.ipynb" in annex.rows[1].cells[4].text


def test_without_a_provenance_file_nothing_changes(tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    subprocess.run([pandoc_path(), "-f", "markdown", "-t", "html", "-o", str(out),
                    "-M", f"reportkit-project-dir={tmp_path}", f"--lua-filter={FILTER}"],
                   input='Deaths [43%]{.fact data-fact="deaths_pct"}.\n', text=True, check=True)
    assert "fact-link" not in out.read_text() and "About the figures" not in out.read_text()
