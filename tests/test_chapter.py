"""reportkit.chapter: what a chapter notebook starts from (outcome selections, cached data)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from reportkit import chapter, data
from reportkit.chapter import Chapter, load_dataset
from reportkit.paths import cache_dir

REPO = Path(__file__).resolve().parents[1]


def _chapter(outcomes: list[str]) -> Chapter:
    notifications = pd.DataFrame({"notification_id": [f"N{i:06d}" for i in range(len(outcomes))],
                                  "outcome": outcomes})
    return Chapter(params=None, dataset=None, notifications=notifications,
                   children=pd.DataFrame())


def test_outcome_selections_follow_the_code_list() -> None:
    chap = _chapter(["death", "serious_harm", "other", "death"])
    assert list(chap.fatal["notification_id"]) == ["N000000", "N000003"]
    assert list(chap.non_fatal["notification_id"]) == ["N000001", "N000002"]
    assert list(chap.serious_harm["notification_id"]) == ["N000001"]
    codes = pd.read_csv(REPO / "data" / "codes" / "outcome.csv", dtype=str)
    assert {data.FATAL, *data.NON_FATAL} == set(codes.iloc[:, 0])
    assert data.SERIOUS_HARM in data.NON_FATAL


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(REPO / "data", root / "data")
    return root


def test_validated_data_are_cached_by_content_and_checked(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(chapter.NO_CACHE_ENV, raising=False)
    files = (project / "data" / "notifications.csv", project / "data" / "children.csv")
    first = load_dataset(*files, root=project)
    (entry,) = (cache_dir(project) / "datasets").glob("*.json")
    calls = []
    monkeypatch.setattr(data, "load", lambda **kw: calls.append(kw) or first)
    again = load_dataset(*files, root=project)
    assert calls == []  # from the cache
    pd.testing.assert_frame_equal(again.notifications, first.notifications)
    entry.write_bytes(entry.read_bytes()[:-10])  # a damaged entry is validated again
    load_dataset(*files, root=project)
    assert len(calls) == 1
    monkeypatch.setenv(chapter.NO_CACHE_ENV, "1")  # verify: always from the CSVs
    load_dataset(*files, root=project)
    assert len(calls) == 2


def test_a_changed_file_is_a_new_cache_key(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(chapter.NO_CACHE_ENV, raising=False)
    files = (project / "data" / "notifications.csv", project / "data" / "children.csv")
    key = chapter._dataset_key(list(files), project / "data" / "codes")
    assert chapter._dataset_key(list(files), project / "data" / "codes") == key  # stable
    files[1].write_text(files[1].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert chapter._dataset_key(list(files), project / "data" / "codes") != key
