"""Tables: Markdown for the report, EES open-data files with metadata, published symbols."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from reportkit.analysis import stats, tables


@pytest.mark.parametrize(
    ("value", "shown"),
    [(42.7, "43%"), (16.5, "17%"), (0.3, "low"), (0.0, "0%"), (float("nan"), "z")],
)
def test_percent_text_uses_gss_symbols(value: float, shown: str) -> None:
    assert tables.percent_text(value) == shown


@pytest.mark.parametrize(
    ("change", "shown"), [(26.67, "+27%"), (-3.5, "-4%"), (0.2, "0%"), (float("nan"), "z")]
)
def test_change_text_is_signed_and_half_up(change: float, shown: str) -> None:
    assert tables.change_text(change) == shown


def test_interval_text() -> None:
    assert tables.interval_text(1.2667, 1.0601, 1.515) == "1.27 (1.06 to 1.52)"


def test_markdown_table_right_aligns_numbers_and_escapes_pipes() -> None:
    frame = pd.DataFrame({"Group": ["a|b", "c"], "Count": [1234, 5], "Share": ["c", "12%"]})
    lines = tables.to_markdown(frame).splitlines()
    assert lines[0] == "| Group | Count | Share |"
    assert lines[1] == "| :----- | -----: | -----: |"
    assert lines[2] == "| a\\|b | 1\\,234 | c |"


def test_a_wide_tables_columns_are_as_wide_as_their_longest_cell() -> None:
    """Pandoc sizes a wide pipe table's columns by the dashes under the header: a long text
    column gets the room it needs, a number column no more, and no header word is split."""
    import pypandoc

    frame = pd.DataFrame({
        "Characteristic": ["Child previously identified as vulnerable by the child protection "
                           "system", "Domestic abuse"],
        "Notifications": [301, 202], "Percentage": ["62%", "42%"]})
    rule = tables.to_markdown(frame).splitlines()[1]
    assert [len(cell.strip(" :")) for cell in rule.strip("|").split("|")] == [72, 13, 10]
    typst = pypandoc.convert_text(tables.to_markdown(frame), "typst", format="markdown")
    widths = [float(w) for w in re.findall(r"([0-9.]+)%", typst.split("align:")[0])]
    assert len(widths) == 3 and widths[0] > 3 * widths[1], typst


def test_markdown_table_cells_are_text_never_markup() -> None:
    """A label from params or data is shown as typed: no live HTML, no raw Typst."""
    import pypandoc

    label = '<img src=x onerror="alert(1)"> `#panic()`{=typst} *x*'
    frame = pd.DataFrame({"Period": [label], "Count": [3]})
    markdown = tables.to_markdown(frame)
    html = pypandoc.convert_text(markdown, "html", format="markdown")
    assert "<img" not in html and "<em>" not in html and "&lt;img src=x" in html
    typst = pypandoc.convert_text(markdown, "typst", format="markdown")
    assert "#panic" not in typst.replace("\\#panic", "")
    from bs4 import BeautifulSoup

    assert " ".join(BeautifulSoup(html, "html.parser").find("td").get_text().split()) == label


def test_breakdown_frame_adds_a_total_row() -> None:
    frame = pd.DataFrame({"sex": ["male", "male", "female"]})
    bd = stats.breakdown(frame, "sex", categories=["male", "female", "transgender"])
    shown = tables.breakdown_frame(bd, category_header="Sex", count_header="Children")
    assert shown.to_dict("list") == {
        "Sex": ["male", "female", "transgender", "Total"],
        "Children": [2, 1, 0, 3],
        "Percentage": ["67%", "33%", "0%", "100%"],
    }


def test_open_data_file_has_the_ees_columns_and_metadata(tmp_path: Path) -> None:
    frame = pd.DataFrame({"region_code": ["E12000001"], "region_name": ["North East"],
                          "incident": ["Fatal"], "notifications": ["c"]})
    path = tables.write_open_data(
        frame, "notifications_by_region", tmp_path, time_period="2020",
        time_identifier="Calendar year", geographic_level="Regional",
        filters={"incident": "Fatal or non-fatal incident"},
        indicators={"notifications": tables.Indicator("Serious incident notifications")},
    )
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [{"time_period": "2020", "time_identifier": "Calendar year",
                     "geographic_level": "Regional", "country_code": "E92000001",
                     "country_name": "England", "region_code": "E12000001",
                     "region_name": "North East", "incident": "Fatal", "notifications": "c"}]
    meta = tables.read_meta(tmp_path / "notifications_by_region.meta.csv")
    assert [(m["col_name"], m["col_type"]) for m in meta] == [
        ("incident", "Filter"), ("notifications", "Indicator")]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"geographic_level": "Ward"}, "geographic_level"), ({"name": "Bad Name"}, "lower_snake")],
)
def test_open_data_rejects_bad_layouts(tmp_path: Path, kwargs: dict, message: str) -> None:
    arguments = {"name": "fine", "geographic_level": "National", **kwargs}
    with pytest.raises(ValueError, match=message):
        tables.write_open_data(pd.DataFrame({"x": [1]}), arguments.pop("name"), tmp_path,
                               time_period="2020", time_identifier="Calendar year",
                               filters={}, indicators={"x": tables.Indicator("x")}, **arguments)


def test_a_table_across_periods_gives_each_row_its_own_period(tmp_path: Path) -> None:
    frame = pd.DataFrame({"report_period": ["July 2018 to November 2019", "2020"],
                          "time_period": ["201819", "2020"],
                          "time_identifier": ["Reporting year", "Calendar year"],
                          "notifications": [538, 482]})
    path = tables.write_open_data(frame, "trends", tmp_path, time_period="2020",
                                  time_identifier="Calendar year",
                                  filters={"report_period": "Report period"},
                                  indicators={"notifications": tables.Indicator("Notifications")})
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["time_period"], r["time_identifier"]) for r in rows] == [
        ("201819", "Reporting year"), ("2020", "Calendar year")]
    assert "time_period" not in {m["col_name"] for m in tables.read_meta(
        tmp_path / "trends.meta.csv")}
