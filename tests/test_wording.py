"""Phrases for counts (``reportkit.analysis.wording``): natural for none, one and many."""

from __future__ import annotations

import pytest

from reportkit.analysis import wording


@pytest.mark.parametrize(("n", "expected"), [(0, "none"), (1, "one"), (2, "2"), (12, "12")])
def test_how_many(n: int, expected: str) -> None:
    assert wording.how_many(n) == expected


@pytest.mark.parametrize(("n", "expected"),
                         [(0, "no children"), (1, "one child"), (3, "3 children")])
def test_count_of(n: int, expected: str) -> None:
    assert wording.count_of(n, "child", "children") == expected


@pytest.mark.parametrize(("high", "expected"), [(1, "1"), (2, "1 or 2"), (5, "1 to 5")])
def test_range_of_counts(high: int, expected: str) -> None:
    assert wording.range_of_counts(1, high) == expected


@pytest.mark.parametrize(("transgender", "not_known", "expected"), [
    (0, 0, "Every child was recorded as male or female."),
    (0, 1, "The sex of the remaining child was not known."),
    (0, 2, "The sex of the remaining 2 children was not known."),
    (1, 0, "The remaining child was recorded as transgender."),
    (3, 0, "The remaining 3 children were recorded as transgender."),
    (1, 1, "Of the remaining children, one was recorded as transgender and the sex of one was "
           "not known."),
    (3, 2, "Of the remaining children, 3 were recorded as transgender and the sex of 2 was not "
           "known."),
])
def test_sex_not_male_or_female(transgender: int, not_known: int, expected: str) -> None:
    assert wording.sex_not_male_or_female(transgender, not_known) == expected


@pytest.mark.parametrize(("pending", "expected"), [
    (0, "every notification"), (1, "every notification but one"),
    (4, "all but 4 notifications"),
])
def test_decisions_made(pending: int, expected: str) -> None:
    assert wording.decisions_made(pending) == expected


def test_trend_periods_for_one_two_and_many() -> None:
    assert wording.trend_periods(1).startswith("this reporting period only")
    assert wording.trend_periods(2) == "both reporting periods up to and including this one"
    assert wording.trend_periods(5) == "the 5 reporting periods up to and including this one"
    with pytest.raises(ValueError):
        wording.trend_periods(0)


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_a_count_is_a_whole_number(bad: object) -> None:
    with pytest.raises(ValueError):
        wording.how_many(bad)  # type: ignore[arg-type]


def test_an_empty_range_is_refused() -> None:
    with pytest.raises(ValueError):
        wording.range_of_counts(3, 2)
