"""``reportkit.publish.output_folder``: the output hashes, a whole folder against its
manifest, the crash-safe publish and the recovery of each state a kill can leave. (Killing a
real build at each of these moments is in ``test_build_faults.py``.)"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

import pytest
from output_folders import tree, whole_folder

from reportkit.publish import output_folder


@pytest.mark.parametrize("state", ["journal", "aside", "in", "journal-gone", "staging-broken",
                                   "no-journal-only-previous", "stale-staging"])
def test_recover_finishes_or_undoes_each_interrupted_state(tmp_path: Path, state: str) -> None:
    """Each state a kill can leave (built by hand here), repaired by ``recover``."""
    out = tmp_path / "_output" / "2020"
    old = whole_folder(out, "old")
    old_tree = tree(old)
    staging = whole_folder(output_folder.staging_dir(out), "new")
    new_tree = tree(staging)
    previous = output_folder.previous_dir(out)
    if state != "stale-staging" and state != "no-journal-only-previous":
        output_folder._write_journal(out, staging)
    if state in ("aside", "in", "journal-gone", "no-journal-only-previous"):
        os.rename(out, previous)
    if state in ("in", "journal-gone"):
        os.rename(staging, out)
    if state == "journal-gone":
        output_folder.journal_path(out).unlink()
    if state == "staging-broken":
        (staging / "facts.json").write_text("{")
    if state == "no-journal-only-previous":
        shutil.rmtree(staging)

    done = output_folder.recover(out)

    expected = {"journal": new_tree, "aside": new_tree, "in": new_tree, "journal-gone": new_tree,
                "staging-broken": old_tree, "no-journal-only-previous": old_tree,
                "stale-staging": old_tree}[state]
    assert tree(out) == expected
    assert done, "recover says what it did"
    assert not staging.exists() and not previous.exists()
    assert not output_folder.journal_path(out).exists()
    assert output_folder.recover(out) == []  # nothing left to do


def test_the_output_hashes_leave_out_the_records_of_the_folder(tmp_path: Path) -> None:
    folder = whole_folder(tmp_path / "2020", "x")
    (folder / "verification.json").write_text("{}")
    assert sorted(output_folder.output_hashes(folder)) == ["facts.json", "notebooks/01.ipynb"]
    assert output_folder.output_hashes(folder)["facts.json"] == hashlib.sha256(
        b'{"n": "x"}').hexdigest()


@pytest.mark.parametrize(("change", "problem"), [
    (lambda f: (f / "facts.json").write_text("{}"), "facts.json: changed since the build"),
    (lambda f: (f / "notebooks" / "01.ipynb").unlink(), "01.ipynb: missing or unreadable"),
    (lambda f: (f / "stray.txt").write_text("?"), "stray.txt: not written by the build"),
    (lambda f: (f / "manifest.json").write_text("{"), "manifest.json"),
])
def test_a_folder_that_differs_from_its_manifest_is_not_whole(tmp_path: Path, change,
                                                             problem: str) -> None:
    folder = whole_folder(tmp_path / "2020", "x")
    assert output_folder.whole_problems(folder) == []
    change(folder)
    problems = output_folder.whole_problems(folder)
    assert len(problems) == 1 and problem in problems[0], problems


def test_publish_replaces_the_output_and_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "_output" / "2020"
    whole_folder(out, "old")
    staging = whole_folder(output_folder.staging_dir(out), "new")
    new_tree = tree(staging)
    output_folder.publish(staging, out)
    assert tree(out) == new_tree
    assert sorted(p.name for p in out.parent.iterdir()) == ["2020"]


def test_publish_into_an_empty_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "_output" / "2020"
    staging = whole_folder(output_folder.staging_dir(out), "new")
    output_folder.publish(staging, out)
    assert json.loads((out / "facts.json").read_text()) == {"n": "new"}


def test_undo_puts_the_old_output_back_after_a_failed_publish(tmp_path: Path) -> None:
    out = tmp_path / "_output" / "2020"
    old_tree = tree(whole_folder(out, "old"))
    staging = whole_folder(output_folder.staging_dir(out), "new")
    output_folder._write_journal(out, staging)
    os.rename(out, output_folder.previous_dir(out))  # the swap failed after its first rename
    output_folder.undo(out)
    assert tree(out) == old_tree
    assert not output_folder.journal_path(out).exists()


def test_a_failed_build_is_kept_for_inspection_and_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "_output" / "2020"
    whole_folder(out, "old")
    failed = output_folder.failed_dir(out)
    failed.mkdir()
    with caplog.at_level(logging.INFO, logger="reportkit.publish.output_folder"):
        assert output_folder.recover(out) == []
    assert failed.is_dir()
    assert f"kept for inspection in {failed}" in caplog.text
