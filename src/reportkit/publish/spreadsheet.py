"""The period's open-data tables as one accessible spreadsheet, following the Analysis Function
guidance on releasing statistics in spreadsheets: a cover sheet, a contents sheet, a notes sheet
that explains the symbols, one table per sheet with its title in A1 and no merged cells. Written
with ONS's ``gptables`` from the open-data files (so its numbers are theirs), and checked by
``reportkit verify`` (``check``)."""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from reportkit import config
from reportkit.analysis.gss import SYMBOLS
from reportkit.publish.screener import TIME_GEOGRAPHY, OpenDataFile, data_files, read

if TYPE_CHECKING:
    import pandas as pd

SPREADSHEET = "tables.xlsx"
COVER, CONTENTS, NOTES = "Cover", "Contents", "Notes"
#: The note every table sheet points to: what the symbols mean.
SYMBOLS_NOTE = "note 1"


def sheet_name(index: int) -> str:
    """The sheet of the ``index``-th table (from 1): ``Table_1`` (no spaces, as the guidance
    advises for screen readers)."""
    return f"Table_{index}"


def columns(data: OpenDataFile) -> list[tuple[str, str]]:
    """(column, heading) of a table sheet: the region for regional files, then the filters and
    indicators with their labels (a percentage says so)."""
    labels = {m["col_name"]: m for m in data.meta}
    shown = [("region_name", "Region")] if "region_name" in data.header else []
    for column in data.header:
        if column in TIME_GEOGRAPHY or column not in labels:
            continue
        meta = labels[column]
        unit = " (%)" if meta.get("indicator_unit") == "%" else ""
        shown.append((column, f"{meta['label']}{unit}"))
    return shown


def title(data: OpenDataFile, params: config.PeriodParams) -> str:
    """A table's title: its indicators by its filters, England, the period."""
    indicators = [m["label"] for m in data.meta if m["col_type"] == "Indicator"]
    filters = [m["label"].lower() for m in data.meta if m["col_type"] == "Filter"]
    by = f" by {' and '.join(filters)}" if filters else ""
    where = "England, by region" if "region_name" in data.header else "England"
    return f"{indicators[0]}{by}, {where}, {params.label} ({data.name})"


def _value(text: str) -> object:
    """A cell: a number where the file has one, the GSS symbol as text otherwise."""
    if text in SYMBOLS:
        return text
    number = float(text)
    return int(number) if number.is_integer() and "." not in text else number


def table_frame(data: OpenDataFile) -> pd.DataFrame:
    """The sheet's table: the shown columns, headed by their labels."""
    import pandas as pd

    shown = columns(data)
    indicators = {m["col_name"] for m in data.meta if m["col_type"] == "Indicator"}
    rows = [[_value(row[c]) if c in indicators else row[c] for c, _ in shown]
            for row in data.rows]
    return pd.DataFrame(rows, columns=[heading for _, heading in shown])


def write(tables_dir: Path, target: Path, params: config.PeriodParams) -> Path:
    """Write the spreadsheet of the open-data files in ``tables_dir`` to ``target``."""
    import gptables as gpt
    import pandas as pd

    sheets = {}
    for index, path in enumerate(data_files(tables_dir), start=1):
        data = read(path)
        sheets[sheet_name(index)] = gpt.GPTable(
            table=table_frame(data), table_name=f"table_{index}",
            title=f"{title(data, params)} [{SYMBOLS_NOTE}]",
            instructions="This worksheet contains one table. Some cells refer to notes, "
                         "which can be found on the notes worksheet.",
            source=_source(params), index_columns={2: 0})
    notes = pd.DataFrame({
        "Note number": [SYMBOLS_NOTE],
        "Note text": ["Symbols used in the tables: " + "; ".join(
            f"{symbol} means {meaning}" for symbol, meaning in SYMBOLS.items()) + "."],
    })
    cover = gpt.Cover(
        title=f"{params.title}: tables",
        intro=[f"The tables of the report for {params.label}, as published in the open-data "
               "files (CSV, with a data guidance file).",
               "This workbook has a contents sheet, a notes sheet that explains the "
               "symbols, and one table per sheet."],
        about=[_source(params), "Percentages are rounded half up to whole numbers."],
        contact=["Child Safeguarding Practice Review Panel"],
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():  # gptables 2.0 uses pandas options pandas 3 deprecates
        warnings.filterwarnings("ignore", module="gptables")
        book = gpt.produce_workbook(filename=str(target), sheets=sheets, cover=cover,
                                    contentsheet_label=CONTENTS, notes_table=notes,
                                    notesheet_label=NOTES, auto_width=True)
        # The document's title for screen readers, and a fixed creation date (the edition's)
        # in place of the clock's, so the same data give the same bytes.
        book.set_properties({"title": f"{params.title}: tables",
                             "created": dt.datetime.combine(params.publication_date, dt.time())})
        book.close()
    return target


def _source(params: config.PeriodParams) -> str:
    if params.data.synthetic:
        return ("Source: synthetic data made to resemble the Panel's notifications; not "
                "official statistics.")
    return "Source: serious incident notifications to the Child Safeguarding Practice Review Panel."


# --- verification ----------------------------------------------------------------------------


def check(workbook_path: Path, tables_dir: Path) -> list[str]:
    """Problems with the spreadsheet: a missing cover, contents or notes sheet, a sheet without
    its title in A1 or with merged cells, or a table whose cells differ from its open-data
    file. An empty list means it is whole and agrees with the CSV files."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(workbook_path, read_only=False)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        return [f"{workbook_path.name}: cannot be opened ({exc})"]
    problems = [f"{workbook_path.name}: no {name} sheet"
                for name in (COVER, CONTENTS, NOTES) if name not in book.sheetnames]
    if NOTES in book.sheetnames:
        notes_text = " ".join(str(c.value) for row in book[NOTES].iter_rows() for c in row
                              if c.value is not None)
        problems += [f"{workbook_path.name}: the notes do not explain the symbol {s!r}"
                     for s in SYMBOLS if f"{s} means" not in notes_text]
    for sheet in book.worksheets:
        if sheet.merged_cells.ranges:
            problems.append(f"{workbook_path.name}, sheet {sheet.title}: merged cells")
        if not isinstance(sheet["A1"].value, str) or not sheet["A1"].value.strip():
            problems.append(f"{workbook_path.name}, sheet {sheet.title}: no title in A1")
    files = data_files(tables_dir)
    for index, path in enumerate(files, start=1):
        name = sheet_name(index)
        if name not in book.sheetnames:
            problems.append(f"{workbook_path.name}: no sheet {name} for {path.name}")
            continue
        problems += _compare(book[name], read(path), workbook_path.name)
    tables = {sheet_name(index) for index in range(1, len(files) + 1)}
    extra = [s for s in book.sheetnames if s not in (COVER, CONTENTS, NOTES, *tables)]
    problems += [f"{workbook_path.name}: sheet {s} has no open-data file" for s in extra]
    return problems


def _compare(sheet, data: OpenDataFile, book_name: str) -> list[str]:
    """A table sheet against its open-data file, cell by cell (numbers as numbers)."""
    where = f"{book_name}, sheet {sheet.title}"
    if data.name not in str(sheet["A1"].value):
        return [f"{where}: the title in A1 does not name {data.name}"]
    shown = columns(data)
    headings = [heading for _, heading in shown]
    rows = list(sheet.iter_rows(values_only=True))
    start = next((i for i, row in enumerate(rows) if list(row[:len(headings)]) == headings),
                 None)
    if start is None:
        return [f"{where}: no header row {headings}"]
    body = [list(row[:len(headings)]) for row in rows[start + 1:start + 1 + len(data.rows)]]
    expected = table_frame(data).values.tolist()
    if len(body) != len(expected):
        return [f"{where}: {len(body)} rows, {data.name} has {len(expected)}"]
    problems = []
    for number, (got, want) in enumerate(zip(body, expected, strict=True), start=1):
        for (column, _), cell, value in zip(shown, got, want, strict=True):
            if cell != value:
                problems.append(f"{where}, row {number}, column {column}: {cell!r} in the "
                                f"spreadsheet, {value!r} in {data.name}")
    return problems
