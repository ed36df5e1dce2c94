"""Tests for ``reportkit.data.validated``: validation reports every problem at once; loading is
typed."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from small_data import Row, authority, child, found, notification, write

from reportkit.data import codes
from reportkit.data.dictionary import CHILD_TABLE, NOTIFICATION_TABLE
from reportkit.data.validated import (
    CHILD_COLUMNS,
    FLAG_COLUMNS,
    NOTIFICATION_COLUMNS,
    Dataset,
    Problem,
    format_problems,
    load,
    validate,
)
from reportkit.errors import DataValidationError, UserError
from reportkit.paths import data_dir

# ---------------------------------------------------------------------------------------------
# Valid data


def test_valid_fixture_has_no_problems(make_data: Callable[..., Path]) -> None:
    assert validate(make_data()) == []


def test_load_returns_typed_frames(make_data: Callable[..., Path]) -> None:
    dataset = load(make_data())

    assert isinstance(dataset, Dataset)
    notes, kids = dataset.notifications, dataset.children
    assert list(notes.columns) == list(NOTIFICATION_COLUMNS)
    assert list(kids.columns) == list(CHILD_COLUMNS)
    assert len(notes) == 4 and len(kids) == 5

    for column in ("notification_date", "incident_date", "rapid_review_date"):
        assert pd.api.types.is_datetime64_dtype(notes[column]), column
    assert notes["notification_date"].iloc[0] == pd.Timestamp("2020-05-01")
    assert pd.isna(notes["rapid_review_date"].iloc[2])  # empty = not yet received

    for column in FLAG_COLUMNS:
        assert pd.api.types.is_integer_dtype(notes[column]), column
    assert notes["non_accidental_injury"].tolist() == [0, 1, 0, 0]

    assert isinstance(notes["outcome"].dtype, pd.CategoricalDtype)
    assert list(notes["outcome"].cat.categories) == codes.codes("outcome")
    assert notes["outcome"].tolist() == ["death", "serious_harm", "other", "serious_harm"]
    assert pd.isna(notes["cause_of_death"].iloc[1])  # empty = not applicable
    assert isinstance(notes["la_code"].dtype, pd.CategoricalDtype)
    assert pd.api.types.is_string_dtype(notes["notification_id"])

    assert pd.api.types.is_integer_dtype(kids["age_years"])
    assert kids["age_years"].tolist() == [0, 17, 9, 4, 4]
    assert isinstance(kids["sex"].dtype, pd.CategoricalDtype)
    assert list(kids["ethnicity"].cat.categories) == codes.codes("ethnicity")


def test_dataset_is_frozen(make_data: Callable[..., Path]) -> None:
    dataset = load(make_data())
    with pytest.raises(AttributeError):
        dataset.children = dataset.notifications  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# Every problem at once


def _corrupt(notifications: list[Row], children: list[Row]) -> None:
    notifications[1]["outcome"] = "deth"  # line 3: bad code
    notifications[2]["notification_date"] = "2018-06-30"  # line 4: before the range
    notifications[3]["notification_date"] = "2021-01-15"  # line 5: incident after notification
    notifications[3]["incident_date"] = "2021-02-01"
    children[2]["child_id"] = "C000002"  # line 4: duplicate of line 3
    children[3]["age_years"] = "ten"  # line 5: not a number
    children.append(child(6, 99))  # line 7: orphan


def test_corrupted_copy_lists_every_problem_at_once(make_data: Callable[..., Path]) -> None:
    without_column = [c for c in NOTIFICATION_COLUMNS if c != "domestic_abuse"]
    problems = validate(make_data(_corrupt, notification_columns=without_column))

    assert found(problems) == {
        ("notifications.csv", None, "domestic_abuse", None),
        ("notifications.csv", 3, "outcome", "deth"),
        ("notifications.csv", 4, "notification_date", "2018-06-30"),
        ("notifications.csv", 5, "incident_date", "2021-02-01"),
        ("children.csv", 4, "child_id", "C000002"),
        ("children.csv", 5, "age_years", "ten"),
        ("children.csv", 7, "notification_id", "N000099"),
    }
    assert len(problems) == 7  # one problem each, no cascades

    text = {(p.file, p.row, p.column): str(p) for p in problems}
    assert text["notifications.csv", 3, "outcome"] == (
        "notifications.csv line 3, column outcome: 'deth' is not an allowed code; "
        "allowed: death, serious_harm, other (see data/codes/outcome.csv)"
    )
    assert "missing column" in text["notifications.csv", None, "domestic_abuse"]
    assert f"2018-07-01 to {date.today():%Y-%m-%d}" in text["notifications.csv", 4,
                                                             "notification_date"]
    assert "after notification_date 2021-01-15" in text["notifications.csv", 5, "incident_date"]
    assert "first used on line 3" in text["children.csv", 4, "child_id"]
    assert "whole number" in text["children.csv", 5, "age_years"]
    assert "notifications.csv" in text["children.csv", 7, "notification_id"]


def test_problems_are_sorted_by_file_line_and_column(make_data: Callable[..., Path]) -> None:
    without_column = [c for c in NOTIFICATION_COLUMNS if c != "domestic_abuse"]
    problems = validate(make_data(_corrupt, notification_columns=without_column))
    files = [p.file for p in problems]
    assert files == sorted(files, key=["notifications.csv", "children.csv"].index)
    rows = [p.row or 0 for p in problems if p.file == "children.csv"]
    assert rows == sorted(rows)


def test_load_raises_with_every_problem(make_data: Callable[..., Path]) -> None:
    with pytest.raises(DataValidationError) as caught:
        load(make_data(_corrupt))

    error = caught.value
    assert isinstance(error, UserError) and error.exit_code == 2
    assert len(error.problems) == 6
    message = str(error)
    assert message.startswith("6 problem(s) in the data:")
    assert "notifications.csv line 3, column outcome: 'deth'" in message
    assert "children.csv line 7, column notification_id: 'N000099'" in message


# ---------------------------------------------------------------------------------------------
# Individual rules


def test_missing_files_never_suggest_a_destructive_step(tmp_path: Path) -> None:
    problems = validate(tmp_path)
    assert [(p.file, p.row) for p in problems] == [
        ("notifications.csv", None),
        ("children.csv", None),
    ]
    assert all("file not found" in str(p) and "synth" not in str(p) for p in problems)


def test_the_named_files_are_read_not_the_default_names(make_data: Callable[..., Path]) -> None:
    good = make_data()
    bad = make_data(lambda n, c: n[0].update(outcome="deth"))
    renamed = good / "notifications-2020.csv"
    (bad / "notifications.csv").rename(renamed)
    problems = validate(good, notifications=renamed)
    assert found(problems) == {("notifications-2020.csv", 2, "outcome", "deth")}
    assert validate(notifications=good / "notifications.csv", children=good / "children.csv") == []


def test_one_missing_file_still_checks_the_other(make_data: Callable[..., Path]) -> None:
    folder = make_data(lambda n, c: c[0].update(sex="boy"))
    (folder / "notifications.csv").unlink()
    assert found(validate(folder)) == {
        ("notifications.csv", None, None, None),
        ("children.csv", 2, "sex", "boy"),
    }


def test_unexpected_column_suggests_the_missing_one(make_data: Callable[..., Path]) -> None:
    def rename(notifications: list[Row], children: list[Row]) -> None:
        for row in children:
            row["Sex"] = row.pop("sex")

    folder = make_data(
        rename, child_columns=["child_id", "notification_id", "age_years", "Sex", "ethnicity"]
    )
    problems = validate(folder)
    assert found(problems) == {
        ("children.csv", None, "sex", None),
        ("children.csv", None, "Sex", None),
    }
    unexpected = next(p for p in problems if p.column == "Sex")
    assert "did you mean 'sex'?" in str(unexpected)


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("notification_date", "01/05/2020", "YYYY-MM-DD"),
        ("notification_date", "2020-02-30", "YYYY-MM-DD"),
        ("incident_date", "2017-12-31", "on or after 2018-01-01"),
        ("rapid_review_date", "soon", "YYYY-MM-DD"),
        ("rapid_review_date", "2020-04-30", "before notification_date"),
        ("domestic_abuse", "yes", "use 0 (no) or 1 (yes)"),
        ("domestic_abuse", "", "empty; use 0 (no) or 1 (yes)"),
        ("la_code", "E99999999", "data/codes/local_authorities.csv"),
        ("la_name", "Atlantis", "does not match la_code"),
        ("region_code", "E12000009", "is not the region of la_code"),
        ("region_code", "X", "not an allowed code"),
        ("region_name", "Narnia", "does not match region_code"),
        ("local_review_decision", "maybe", "allowed: lcspr, no_lcspr, pending"),
        ("form_of_harm", "", "required for non-fatal incidents"),
        ("form_of_harm", "poison", "not an allowed code"),
        ("cause_of_death", "sudi", "should be empty"),
    ],
)
def test_notification_rule(
    make_data: Callable[..., Path], column: str, value: str, expected: str
) -> None:
    problems = validate(make_data(lambda n, c: n[1].update({column: value})))
    assert found(problems) == {("notifications.csv", 3, column, value)}
    assert expected in str(problems[0])


def test_bad_notification_id_also_orphans_its_children(make_data: Callable[..., Path]) -> None:
    problems = validate(make_data(lambda n, c: n[1].update(notification_id="N12")))
    assert found(problems) == {
        ("notifications.csv", 3, "notification_id", "N12"),
        ("children.csv", 3, "notification_id", "N000002"),
        ("children.csv", 4, "notification_id", "N000002"),
    }
    assert "N followed by 6 digits" in str(problems[0])


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("cause_of_death", "", "required when outcome is 'death'"),
        ("form_of_harm", "neglect", "should be empty"),
        ("non_accidental_injury", "1", "only for non-fatal"),
    ],
)
def test_fatal_rules(
    make_data: Callable[..., Path], column: str, value: str, expected: str
) -> None:
    problems = validate(make_data(lambda n, c: n[0].update({column: value})))
    assert found(problems) == {("notifications.csv", 2, column, value)}
    assert expected in str(problems[0])


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("child_id", "X1", "C followed by 6 digits"),
        ("notification_id", "", "required"),
        ("age_years", "18", "0 to 17"),
        ("age_years", "-1", "0 to 17"),
        ("age_years", "4.5", "whole number"),
        ("sex", "M", "allowed: male, female, transgender, not_known"),
        ("ethnicity", "white", "data/codes/ethnicity.csv"),
    ],
)
def test_child_rule(make_data: Callable[..., Path], column: str, value: str, expected: str) -> None:
    problems = validate(make_data(lambda n, c: c[4].update({column: value})))
    listed = found(problems)
    assert ("children.csv", 6, column, value) in listed
    if column != "notification_id":  # an empty reference also leaves N000004 childless
        assert len(listed) == 1
    assert expected in str(next(p for p in problems if p.file == "children.csv"))


def test_notification_without_children(make_data: Callable[..., Path]) -> None:
    problems = validate(make_data(lambda n, c: c.pop(3)))
    assert found(problems) == {("notifications.csv", 4, "notification_id", "N000003")}
    assert "at least one child" in str(problems[0])


def test_duplicate_notification_id(make_data: Callable[..., Path]) -> None:
    problems = validate(make_data(lambda n, c: n[3].update(notification_id="N000001")))
    # The second N000001 is a duplicate, and N000004's child is now an orphan.
    assert found(problems) == {
        ("notifications.csv", 5, "notification_id", "N000001"),
        ("children.csv", 6, "notification_id", "N000004"),
    }


def test_custom_notification_range(make_data: Callable[..., Path]) -> None:
    problems = validate(make_data(), notification_range=(date(2019, 1, 1), date(2020, 12, 31)))
    assert found(problems) == {
        ("notifications.csv", 4, "notification_date", "2018-07-01"),
        ("notifications.csv", 5, "notification_date", "2024-03-31"),
    }


def test_line_numbers_count_quoted_line_breaks_and_blank_lines(
    make_data: Callable[..., Path],
) -> None:
    folder = make_data(lambda n, c: n[3].update(outcome="deth"))
    path = folder / "notifications.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    la_name = authority(3)["la_name"]
    # Line 4 becomes a record spanning two lines (an embedded line break), then a blank line.
    lines[3] = lines[3].replace(la_name, f'"{la_name}\nupon Sea"')
    path.write_text("\n".join([*lines[:4], "", *lines[4:]]) + "\n", encoding="utf-8")

    assert found(validate(folder)) == {
        ("notifications.csv", 4, "la_name", f"{la_name}\nupon Sea"),
        ("notifications.csv", 7, "outcome", "deth"),
    }


def test_row_of_the_wrong_width(make_data: Callable[..., Path]) -> None:
    folder = make_data(lambda n, c: c[1].update(sex="boy"))
    path = folder / "children.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] += ",extra"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    problems = validate(folder)
    # The wide row is reported once and skipped; its notification still counts as having a child.
    assert found(problems) == {
        ("children.csv", 2, None, None),
        ("children.csv", 3, "sex", "boy"),
    }
    assert "6 fields but the header has 5" in str(problems[0])


def test_empty_and_header_only_files(make_data: Callable[..., Path]) -> None:
    folder = make_data()
    (folder / "notifications.csv").write_text("", encoding="utf-8")
    (folder / "children.csv").write_text(",".join(CHILD_COLUMNS) + "\n", encoding="utf-8")
    problems = validate(folder)
    assert [(p.file, p.row) for p in problems] == [
        ("notifications.csv", None),
        ("children.csv", None),
    ]
    assert "is empty" in str(problems[0])
    assert "no data rows" in str(problems[1])


# ---------------------------------------------------------------------------------------------
# Formatting and performance


def test_format_problems_caps_the_listing() -> None:
    problems = [
        Problem("children.csv", n, "sex", "boy", "is not an allowed code") for n in range(2, 302)
    ]
    text = format_problems(problems)
    assert text.startswith("300 problem(s) in the data:")
    assert text.count("\n  - ") == 200
    assert "... and 100 more problem(s) not shown" in text
    assert format_problems([]) == "No problems found in the data."


def test_problem_str_for_file_level_and_empty_values() -> None:
    assert str(Problem("children.csv", None, None, None, "file not found")) == (
        "children.csv: file not found"
    )
    assert str(Problem("children.csv", 3, "sex", "", "empty; a value is required")) == (
        "children.csv line 3, column sex: empty; a value is required"
    )


def test_validation_of_a_full_size_dataset_is_fast(tmp_path: Path) -> None:
    notifications = [notification(n) for n in range(1, 2801)]
    children = [child(n, min(n, 2800)) for n in range(1, 3001)]
    write(tmp_path / "notifications.csv", notifications, NOTIFICATION_COLUMNS)
    write(tmp_path / "children.csv", children, CHILD_COLUMNS)
    validate(tmp_path)  # warm up imports and caches

    started = time.perf_counter()
    problems = validate(tmp_path)
    elapsed = time.perf_counter() - started

    assert problems == []
    assert elapsed < 2.0, f"validation took {elapsed:.2f}s"


# ---------------------------------------------------------------------------------------------
# The shipped data


def test_shipped_data_is_valid() -> None:
    folder = data_dir()
    absent = [n for n in ("notifications.csv", "children.csv") if not (folder / n).is_file()]
    if absent:
        pytest.skip(
            f"shipped data not generated yet ({', '.join(absent)} absent in {folder}); "
            "run `reportkit synth`"
        )
    problems = validate(folder)
    assert problems == [], format_problems(problems)


def test_duplicate_header_column(make_data: Callable[..., Path]) -> None:
    folder = make_data(child_columns=[*CHILD_COLUMNS, "sex"])
    problems = validate(folder)
    assert found(problems) == {("children.csv", 1, "sex", None)}
    assert "more than once in the header (columns 4 and 6)" in str(problems[0])


def test_file_that_is_not_utf8(make_data: Callable[..., Path]) -> None:
    folder = make_data()
    path = folder / "children.csv"
    path.write_bytes(path.read_bytes().replace(b"WBRI", b"\xe9WBRI", 1))
    problems = validate(folder)
    assert found(problems) == {("children.csv", None, None, None)}
    assert "not UTF-8" in str(problems[0])


def test_broken_quoting_reports_the_line(make_data: Callable[..., Path]) -> None:
    folder = make_data()
    path = folder / "children.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",female,", ',"fe"male,')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate(folder)
    assert ("children.csv", 3, None, None) in found(problems)
    assert "not valid CSV" in str(problems[0])


@pytest.mark.parametrize(
    ("file", "column"),
    [("notifications.csv", c.name) for c in NOTIFICATION_TABLE if not c.optional]
    + [("children.csv", c.name) for c in CHILD_TABLE],
)
def test_every_required_column_refuses_an_empty_cell(
    make_data: Callable[..., Path], file: str, column: str
) -> None:
    """The column rule "required" the dictionary states for each column is enforced."""
    table = 0 if file == "notifications.csv" else 1
    problems = validate(make_data(lambda n, c: (n, c)[table][1].update({column: ""})))
    assert (file, 3, column, "") in found(problems)
    assert any(p.column == column and "empty" in p.message for p in problems)
