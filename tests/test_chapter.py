"""reportkit.analysis.chapter: what a chapter notebook starts from (outcome selections, cached
data)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from reportkit.analysis import chapter
from reportkit.analysis.chapter import Chapter, load_dataset
from reportkit.data import validated
from reportkit.paths import DATA_CACHE_ENV, NO_DATA_CACHE_ENV, cache_dir

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
    assert {validated.FATAL, *validated.NON_FATAL} == set(codes.iloc[:, 0])
    assert validated.SERIOUS_HARM in validated.NON_FATAL


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(REPO / "data", root / "data")
    return root


def test_validated_data_are_cached_by_content_and_checked(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(NO_DATA_CACHE_ENV, raising=False)
    files = (project / "data" / "notifications.csv", project / "data" / "children.csv")
    first = load_dataset(*files, root=project)
    (entry,) = (cache_dir(project) / "datasets").glob("*.json")
    calls = []
    monkeypatch.setattr(validated, "load", lambda **kw: calls.append(kw) or first)
    again = load_dataset(*files, root=project)
    assert calls == []  # from the cache
    pd.testing.assert_frame_equal(again.notifications, first.notifications)
    entry.write_bytes(entry.read_bytes()[:-10])  # a damaged entry is validated again
    load_dataset(*files, root=project)
    assert len(calls) == 1
    monkeypatch.setenv(NO_DATA_CACHE_ENV, "1")  # always from the CSVs
    load_dataset(*files, root=project)
    assert len(calls) == 2


def test_another_cache_folder_starts_empty_and_is_used(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``reportkit verify`` gives its kernels a new cache folder: the project's entries are not
    read, the first load validates into the new folder, the next loads from it."""
    monkeypatch.delenv(NO_DATA_CACHE_ENV, raising=False)
    files = (project / "data" / "notifications.csv", project / "data" / "children.csv")
    first = load_dataset(*files, root=project)  # the project's cache now holds an entry
    monkeypatch.setenv(DATA_CACHE_ENV, str(tmp_path / "verify-cache"))
    calls = []
    monkeypatch.setattr(validated, "load", lambda **kw: calls.append(kw) or first)
    load_dataset(*files, root=project)
    assert len(calls) == 1  # validated, not taken from the project's cache
    assert len(list((tmp_path / "verify-cache").glob("*.json"))) == 1
    load_dataset(*files, root=project)
    assert len(calls) == 1  # from the new folder


def test_a_changed_file_is_a_new_cache_key(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NO_DATA_CACHE_ENV, raising=False)
    files = (project / "data" / "notifications.csv", project / "data" / "children.csv")
    key = chapter._dataset_key(list(files), project / "data" / "codes")
    assert chapter._dataset_key(list(files), project / "data" / "codes") == key  # stable
    files[1].write_text(files[1].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert chapter._dataset_key(list(files), project / "data" / "codes") != key
