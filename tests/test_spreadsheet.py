"""The accessible spreadsheet (reportkit.publish.spreadsheet): written with gptables from the
open-data files, following the Analysis Function guidance, and checked cell by cell against them."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from reportkit import config
from reportkit.analysis import tables
from reportkit.publish import spreadsheet
from reportkit.publish.verify import check_spreadsheet


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two small open-data files: a national one with a suppressed cell and a percentage, and
    a regional one."""
    out = tmp_path / "tables"
    common = {"time_period": "2020", "time_identifier": "Calendar year"}
    tables.write_open_data(
        pd.DataFrame({"sex": ["Male", "Female", "Total"], "children_count": [3, "c", 7],
                      "children_percent": ["43", "low", "100"]}),
        "children_by_sex", out, filters={"sex": "Sex"},
        indicators={"children_count": tables.Indicator("Children"),
                    "children_percent": tables.Indicator("Percentage of children", "%")},
        **common)
    tables.write_open_data(
        pd.DataFrame({"region_code": ["E12000001", "E12000002"],
                      "region_name": ["North East", "North West"], "incident": ["Total"] * 2,
                      "notifications": [5, 1.5]}),
        "by_region", out, geographic_level="Regional", filters={"incident": "Incident"},
        indicators={"notifications": tables.Indicator("Notifications", dp=1)}, **common)
    return out


@pytest.fixture
def workbook(folder: Path) -> Path:
    return spreadsheet.write(folder, folder.parent / spreadsheet.SPREADSHEET,
                             config.load_period("2020"))


def test_the_workbook_follows_the_guidance_and_matches_the_files(workbook, folder) -> None:
    assert spreadsheet.check(workbook, folder) == []
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["Cover", "Contents", "Notes", "Table_1", "Table_2"]
    assert all(not sheet.merged_cells.ranges for sheet in book.worksheets)
    regional = book["Table_1"]
    assert regional["A1"].value.startswith("Notifications by incident, England, by region")
    rows = [r for r in regional.iter_rows(values_only=True) if r[0] in ("North East", "Region")]
    assert rows == [("Region", "Incident", "Notifications"), ("North East", "Total", 5)]
    national = [r for r in book["Table_2"].iter_rows(values_only=True) if r[0] == "Female"]
    assert national == [("Female", "c", "low")]  # symbols stay text, numbers are numbers
    notes = " ".join(str(c.value) for row in book["Notes"].iter_rows() for c in row)
    assert "c means confidential" in notes and "low means rounds to zero" in notes
    contents = " ".join(str(c.value) for row in book["Contents"].iter_rows() for c in row)
    assert "Table_1" in contents and "Table_2" in contents


def test_a_changed_cell_is_named(workbook, folder) -> None:
    book = openpyxl.load_workbook(workbook)
    sheet = book["Table_2"]
    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == "Male")
    cell.value = 4
    book.save(workbook)
    assert spreadsheet.check(workbook, folder) == [
        "tables.xlsx, sheet Table_2, row 1, column children_count: 4 in the spreadsheet, 3 in "
        "children_by_sex.csv"]


def test_a_changed_open_data_file_no_longer_matches(workbook, folder) -> None:
    path = folder / "children_by_sex.csv"
    path.write_text(path.read_text().replace("Female,c,low", "Female,4,low"))
    assert spreadsheet.check(workbook, folder) == [
        "tables.xlsx, sheet Table_2, row 2, column children_count: 'c' in the spreadsheet, 4 "
        "in children_by_sex.csv"]


def test_missing_sheets_merged_cells_and_titles_are_found(workbook, folder) -> None:
    book = openpyxl.load_workbook(workbook)
    del book["Notes"]
    book["Table_1"].merge_cells("A5:B5")
    book["Cover"]["A1"] = None
    book.save(workbook)
    problems = spreadsheet.check(workbook, folder)
    assert "tables.xlsx: no Notes sheet" in problems
    assert "tables.xlsx, sheet Table_1: merged cells" in problems
    assert "tables.xlsx, sheet Cover: no title in A1" in problems


def test_a_table_without_a_sheet_or_a_sheet_without_a_table(workbook, folder) -> None:
    (folder / "by_region.csv").rename(folder / "z_by_region.csv")
    (folder / "by_region.meta.csv").rename(folder / "z_by_region.meta.csv")
    problems = spreadsheet.check(workbook, folder)
    assert any("sheet Table_1: the title in A1 does not name children_by_sex.csv" in p
               for p in problems)
    (folder / "extra.csv").write_bytes((folder / "z_by_region.csv").read_bytes())
    (folder / "extra.meta.csv").write_bytes((folder / "z_by_region.meta.csv").read_bytes())
    assert "tables.xlsx: no sheet Table_3 for z_by_region.csv" in spreadsheet.check(workbook,
                                                                                   folder)


def test_an_unreadable_workbook_is_a_problem_not_a_traceback(folder) -> None:
    bad = folder.parent / spreadsheet.SPREADSHEET
    bad.write_text("not a workbook")
    assert spreadsheet.check(bad, folder)[0].startswith("tables.xlsx: cannot be opened")


def test_the_2020_build_publishes_and_verifies_the_spreadsheet(built_2020) -> None:
    project, _ = built_2020
    out = project / "_output" / "2020"
    manifest = json.loads((out / "manifest.json").read_text())
    assert spreadsheet.SPREADSHEET in manifest["outputs"]
    assert spreadsheet.SPREADSHEET in manifest["output_hashes"]
    check = check_spreadsheet(out)
    assert check.passed, check.problems
    book = openpyxl.load_workbook(out / spreadsheet.SPREADSHEET, read_only=True)
    assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    assert len(book.sheetnames) == 3 + 12
