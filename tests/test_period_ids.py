"""Tests for ``reportkit.period_ids``: the three id forms, refused otherwise, and the known
periods named in the refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit.errors import ParamsError
from reportkit.period_ids import available_periods, check_period_id, is_period_id

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("period_id", ["2020", "2019-20", "2023-04-to-2023-09",
                                       "2024-01-to-2024-06"])
def test_period_ids_name_years_and_spans(period_id: str) -> None:
    assert is_period_id(period_id)
    assert check_period_id(period_id, REPO) == period_id


@pytest.mark.parametrize("period_id", ["2024-h1", "2023-13-to-2024-02", "2023-04-2023-09",
                                       "../2020", "2023-4-to-2023-9", "2020\n", " 2020", ""])
def test_other_period_ids_are_refused_naming_the_forms(period_id: str) -> None:
    assert not is_period_id(period_id)
    with pytest.raises(ParamsError, match="YYYY-MM-to-YYYY-MM"):
        check_period_id(period_id, REPO)


@pytest.mark.parametrize("value", [2020, None, b"2020"])
def test_only_text_is_a_period_id(value: object) -> None:
    assert not is_period_id(value)


def test_available_periods_are_the_params_files_named_by_an_id(tmp_path: Path) -> None:
    params = tmp_path / "params"
    params.mkdir()
    for name in ("2021.yml", "2019-20.yml", "2023-04-to-2023-09.yml", "notes.yml", "2022.yaml"):
        (params / name).write_text("id: x\n", encoding="utf-8")
    assert available_periods(tmp_path) == ["2019-20", "2021", "2023-04-to-2023-09"]
    with pytest.raises(ParamsError, match=r"known periods: 2019-20, 2021, 2023-04-to-2023-09\)"):
        check_period_id("21", tmp_path)


def test_a_project_without_params_says_none_are_known(tmp_path: Path) -> None:
    assert available_periods(tmp_path) == []
    with pytest.raises(ParamsError, match=r"known periods: none\)"):
        check_period_id("x", tmp_path)
