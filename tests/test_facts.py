"""Facts: recorded in notebook cells, collected with provenance, formatted for the text."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from reportkit.analysis import chapter, facts, tables
from reportkit.analysis.stats import Share
from reportkit.errors import BuildError


@pytest.mark.parametrize(
    ("value", "unit", "dp", "shown"),
    [
        (482, "count", 0, "482"),
        (12345, "count", 0, "12,345"),
        (40.166, "count", 1, "40.2"),
        (41.5, "percent", 0, "42%"),
        (16.5, "percent", 0, "17%"),
        (1.2667, "ratio", 2, "1.27"),
        ("September 2020", "text", 0, "September 2020"),
    ],
)
def test_format_value(value, unit: str, dp: int, shown: str) -> None:
    assert facts.format_value(value, unit, dp) == shown


def test_percent_fact_keeps_exact_and_published_value() -> None:
    fact = facts.make("deaths_pct", 100 * 206 / 482, label="deaths", unit="percent",
                      numerator=206, denominator=482, denominator_label="notifications")
    assert fact.value == 43 and fact.display == "43%"
    assert fact.exact == pytest.approx(42.738, abs=1e-3)


def test_record_share_carries_numerator_and_denominator() -> None:
    fact = facts.record_share("x_pct", Share(202, 482, "domestic abuse"), label="domestic abuse",
                              denominator_label="notifications")
    assert (fact.numerator, fact.denominator, fact.display) == (202, 482, "42%")
    assert fact.definition == "domestic abuse"


@pytest.mark.parametrize(
    ("name", "value", "unit", "message"),
    [
        ("Bad-Name", 1, "count", "lower_snake_case"),
        ("fine", 1, "furlongs", "unit"),
        ("fine", "many", "count", "not a number"),
        ("fine", True, "count", "not a number"),
    ],
)
def test_make_rejects_bad_facts(name: str, value, unit: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        facts.make(name, value, label="x", unit=unit)


def _notebook(path: Path, records: list[list[facts.Fact]]) -> Path:
    notebook = nbformat.v4.new_notebook()
    for index, group in enumerate(records):
        cell = nbformat.v4.new_code_cell("...", id=f"cell-{index}")
        cell.outputs = [
            nbformat.v4.new_output("display_data", data={facts.MIME_TYPE: f.to_dict()})
            for f in group
        ]
        notebook.cells.append(cell)
    nbformat.write(notebook, path)
    return path


def test_collect_reads_facts_and_their_cells(tmp_path: Path) -> None:
    a = facts.make("notifications_total", 482, label="notifications")
    b = facts.make("children_total", 514, label="children")
    path = _notebook(tmp_path / "01_overview.ipynb", [[a], [b]])
    collected = facts.collect([path])
    assert list(collected) == ["children_total", "notifications_total"]
    assert collected["children_total"].cell_id == "cell-1"
    assert collected["children_total"].notebook == "01_overview.ipynb"
    assert collected["notifications_total"].cell_index == 0


def test_a_fact_recorded_twice_is_a_build_error(tmp_path: Path) -> None:
    a = facts.make("notifications_total", 482, label="notifications")
    first = _notebook(tmp_path / "01.ipynb", [[a]])
    second = _notebook(tmp_path / "02.ipynb", [[a]])
    with pytest.raises(BuildError, match="recorded twice: 01.ipynb cell 0 and 02.ipynb cell 0"):
        facts.collect([first, second])


def test_json_and_variables_round_trip(tmp_path: Path) -> None:
    collected = {"deaths_pct": facts.make("deaths_pct", 42.7, label="d", unit="percent")}
    facts.write_json(collected, tmp_path / "facts.json")
    assert facts.read_json(tmp_path / "facts.json") == collected
    facts.write_variables(collected, tmp_path / "_variables.yml")
    assert yaml.safe_load((tmp_path / "_variables.yml").read_text()) == {"deaths_pct": "43%"}
    assert json.loads((tmp_path / "facts.json").read_text())["deaths_pct"]["exact"] == 42.7


def test_check_table_is_plain_and_rounded() -> None:
    table = facts.check_table([
        facts.make("deaths_pct", 42.738, label="d", unit="percent", numerator=206,
                   denominator=482),
        facts.make("notifications_total", 482, label="n"),
    ])
    assert table.splitlines() == [
        "fact                 value  numerator  denominator",
        "deaths_pct           43%    206        482",
        "notifications_total  482",
    ]


# --- links to open-data rows ----------------------------------------------------------------


def _link(name: str, table: str = "deaths_by_cause.csv", row: dict | None = None,
          column: str = "fatal_incidents_percent") -> dict:
    return nbformat.v4.new_output("display_data", data={facts.TABLE_LINK_MIME_TYPE: {
        "fact": name, "table": table, "row": row or {"cause_of_death": "Suicide"},
        "column": column}})


def _linked_notebook(path: Path, fact: facts.Fact, link: dict) -> Path:
    _notebook(path, [[fact]])
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[0].outputs.append(link)
    nbformat.write(notebook, path)
    return path


def _table(folder: Path, rows: list[tuple[str, str]]) -> Path:
    folder.mkdir(exist_ok=True)
    lines = ["time_period,cause_of_death,fatal_incidents_percent",
             *(f"2020,{cause},{percent}" for cause, percent in rows)]
    (folder / "deaths_by_cause.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_a_table_link_output_is_added_to_its_fact_and_checked(tmp_path: Path) -> None:
    fact = facts.make("death_suicide_pct", 100 * 20 / 206, label="suicide", unit="percent")
    path = _linked_notebook(tmp_path / "03_deaths.ipynb", fact, _link("death_suicide_pct"))
    collected = facts.collect([path])
    linked = collected["death_suicide_pct"]
    assert (linked.table, linked.table_row, linked.table_column) == (
        "deaths_by_cause.csv", {"cause_of_death": "Suicide"}, "fatal_incidents_percent")
    facts.write_json(collected, tmp_path / "facts.json")
    assert facts.read_json(tmp_path / "facts.json") == collected

    facts.check_table_links(collected, _table(tmp_path / "ok", [("Suicide", "10"), ("SUDI", "4")]))
    for rows, problem in [([("Suicide", "11")], "shows '11', but the fact is '10'"),
                          ([("SUDI", "10")], "0 rows match"),
                          ([("Suicide", "10"), ("Suicide", "10")], "2 rows match")]:
        with pytest.raises(BuildError, match=problem):
            facts.check_table_links(collected, _table(tmp_path / problem[:6], rows))
    with pytest.raises(BuildError, match="the file was not written"):
        facts.check_table_links(collected, tmp_path / "none")


def test_a_link_to_a_fact_the_notebook_did_not_record_is_an_error(tmp_path: Path) -> None:
    fact = facts.make("deaths_total", 206, label="deaths")
    path = _linked_notebook(tmp_path / "03.ipynb", fact, _link("death_suicide_pct"))
    with pytest.raises(BuildError, match="names fact 'death_suicide_pct', which the notebook"):
        facts.collect([path])


def test_a_fact_of_a_category_is_linked_to_its_published_row(monkeypatch) -> None:
    """``chapter.link_facts_to_rows``: the row whose filter value is the fact's category, in a
    column of its unit that shows the fact; nothing for a fact with no such row or value."""
    monkeypatch.setattr(facts, "_recorded", {})
    monkeypatch.setattr(facts, "_categorised", {})
    monkeypatch.setattr(facts, "_linked", set())
    links: list[tuple] = []
    monkeypatch.setattr(facts, "link_table_row", lambda *args: links.append(args))
    facts.record_share("suicide_pct", Share(20, 206, "fatal incidents: Suicide",
                                            category="Suicide"),
                       label="suicide", denominator_label="fatal incidents")
    facts.record_share("sudi_pct", Share(30, 206, "x", category="SUDI"), label="sudi",
                       denominator_label="fatal incidents")
    facts.record_share("plain_pct", Share(30, 206, "x"), label="plain",
                       denominator_label="fatal incidents")
    facts.record("suicide_n", 20, label="suicide", category="Suicide")
    facts.record("wrong_n", 21, label="not the published count", category="Suicide")
    facts.record("all_n", 206, label="fatal incidents", category="Total")
    frame = pd.DataFrame({"cause_of_death": ["Suicide", "SUDI", "Total"],
                                "fatal_incidents": [20, 30, 206],
                                "fatal_incidents_percent": ["10", "99", "100"]})
    indicators = {"fatal_incidents": tables.Indicator("n"),
                  "fatal_incidents_percent": tables.Indicator("p", "%")}
    chapter.link_facts_to_rows(frame, "deaths_by_cause.csv", {"cause_of_death": "Cause"},
                               indicators)
    assert links == [
        ("suicide_pct", "deaths_by_cause.csv", {"cause_of_death": "Suicide"},
         "fatal_incidents_percent"),
        ("suicide_n", "deaths_by_cause.csv", {"cause_of_death": "Suicide"}, "fatal_incidents"),
        ("all_n", "deaths_by_cause.csv", {"cause_of_death": "Total"}, "fatal_incidents")]
