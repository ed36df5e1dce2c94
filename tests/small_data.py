"""A small valid dataset written as CSV, for the data tests (``make_data`` in conftest.py):
four notifications (one of each kind, one with two children) and five children, each test
editing a fresh copy to break one rule."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from reportkit.data import codes
from reportkit.data.validated import CHILD_COLUMNS, FLAG_COLUMNS, NOTIFICATION_COLUMNS, Problem

Row = dict[str, str]


def authority(index: int) -> Row:
    """Authority ``index`` of the code list, with its region's name."""
    authority = codes.rows("local_authorities")[index]
    region_names = codes.labels("regions")
    return {**authority, "region_name": region_names[authority["region_code"]]}


def notification(number: int, **values: str) -> Row:
    """A valid serious-harm notification; ``values`` override columns."""
    row = {column: "0" for column in FLAG_COLUMNS}
    row.update(
        notification_id=f"N{number:06d}",
        notification_date="2020-05-01",
        incident_date="2020-04-20",
        **authority(number % 100),
        outcome="serious_harm",
        cause_of_death="",
        form_of_harm="physical_abuse",
        rapid_review_date="2020-05-12",
        local_review_decision="lcspr",
    )
    row.update(values)
    return row


def child(number: int, notification: int, **values: str) -> Row:
    """A valid child of notification ``notification``; ``values`` override columns."""
    row = {
        "child_id": f"C{number:06d}",
        "notification_id": f"N{notification:06d}",
        "age_years": "4",
        "sex": "female",
        "ethnicity": "WBRI",
    }
    row.update(values)
    return row


def valid_tables() -> tuple[list[Row], list[Row]]:
    """Four notifications (one of each kind, one with two children) and five children."""
    notifications = [
        notification(
            1,
            outcome="death",
            cause_of_death="sudi",
            form_of_harm="",
            domestic_abuse="1",
        ),
        notification(2, non_accidental_injury="1", previously_known="1"),
        notification(
            3,
            outcome="other",
            form_of_harm="neglect",
            neglect_feature="1",
            notification_date="2018-07-01",
            incident_date="2018-01-01",
            rapid_review_date="",
            local_review_decision="pending",
        ),
        notification(
            4,
            notification_date="2024-03-31",
            incident_date="2024-03-31",
            rapid_review_date="2024-03-31",
        ),
    ]
    children = [
        child(1, 1, age_years="0", sex="male"),
        child(2, 2, age_years="17", ethnicity="MWBC"),
        child(3, 2, age_years="9", sex="not_known"),
        child(4, 3),
        child(5, 4, sex="male"),
    ]
    return notifications, children


def write(path: Path, rows: list[Row], columns: tuple[str, ...] | list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def found(problems: list[Problem]) -> set[tuple[str, int | None, str | None, str | None]]:
    return {(p.file, p.row, p.column, p.value) for p in problems}


def write_dataset(folder: Path, edit: Callable[[list[Row], list[Row]], None] | None = None,
                  notification_columns: tuple[str, ...] | list[str] = NOTIFICATION_COLUMNS,
                  child_columns: tuple[str, ...] | list[str] = CHILD_COLUMNS) -> Path:
    """The valid tables, edited by ``edit`` first, as the two CSVs in a new ``folder``."""
    folder.mkdir()
    notifications, children = valid_tables()
    if edit is not None:
        edit(notifications, children)
    write(folder / "notifications.csv", notifications, notification_columns)
    write(folder / "children.csv", children, child_columns)
    return folder
