"""reportkit.build.execute: cache keys, the checked cache of executed notebooks, and run_all."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from reportkit.build import execute
from reportkit.build.execute import Cache, NotebookJob, job_key, run_all
from reportkit.errors import NotebookError


def _notebook(path: Path, *sources: str) -> Path:
    cells = [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
              "outputs": [], "source": source} for i, source in enumerate(sources)]
    cells.insert(0, {"cell_type": "code", "id": "params", "execution_count": None, "outputs": [],
                     "metadata": {"tags": ["parameters"]}, "source": "period = ''"})
    path.write_text(json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}}}), encoding="utf-8")
    return path


def _job(tmp_path: Path, name: str = "01_x", key: str = "k1") -> NotebookJob:
    return NotebookJob(tmp_path / "src" / f"{name}.ipynb", tmp_path / "out" / f"{name}.ipynb",
                       tmp_path / "work" / name, {"period": "2020"}, key)


def _ran(job: NotebookJob, text: str = "run") -> None:
    """What a run leaves: the executed notebook and a table in the job's work folder."""
    job.output.parent.mkdir(parents=True, exist_ok=True)
    job.output.write_text(text, encoding="utf-8")
    (job.workdir / execute.TABLES).mkdir(parents=True, exist_ok=True)
    (job.workdir / execute.TABLES / "t.csv").write_text(f"{text},1\n", encoding="utf-8")


def test_job_key_depends_on_each_input_and_not_on_parameter_order() -> None:
    key = job_key("nb", {"a": 1, "b": 2}, "inputs")
    assert key == job_key("nb", {"b": 2, "a": 1}, "inputs")
    assert len(key) == 64
    others = {job_key("nb2", {"a": 1, "b": 2}, "inputs"), job_key("nb", {"a": 1, "b": 3}, "inputs"),
              job_key("nb", {"a": 1, "b": 2}, "inputs2")}
    assert key not in others and len(others) == 3


def test_a_kept_run_is_copied_back_into_place(tmp_path: Path) -> None:
    cache, job = Cache(tmp_path / "cache"), _job(tmp_path)
    assert not cache.get(job)  # nothing kept yet
    _ran(job)
    cache.put(job)
    job.output.unlink()
    (job.workdir / execute.TABLES / "t.csv").unlink()
    assert cache.get(job)
    assert job.output.read_text(encoding="utf-8") == "run"
    assert (job.workdir / execute.TABLES / "t.csv").read_text(encoding="utf-8") == "run,1\n"
    record = json.loads((tmp_path / "cache" / "01_x" / Cache.RECORD).read_text(encoding="utf-8"))
    assert record["key"] == "k1" and set(record["files"]) == {"notebook.ipynb", "tables/t.csv"}


def test_another_key_is_a_miss(tmp_path: Path) -> None:
    cache, job = Cache(tmp_path / "cache"), _job(tmp_path)
    _ran(job)
    cache.put(job)
    assert not cache.get(_job(tmp_path, key="k2"))


def test_an_edited_entry_is_a_miss_and_leaves_nothing_in_place(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache, job = Cache(tmp_path / "cache"), _job(tmp_path)
    _ran(job)
    cache.put(job)
    job.output.unlink()
    (tmp_path / "cache" / "01_x" / "tables" / "t.csv").write_text("edited\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="reportkit.build.execute"):
        assert not cache.get(job)
    assert "does not match its recorded hash" in caplog.text
    assert not job.output.exists() and not (job.workdir / "tables" / "t.csv").exists()


@pytest.mark.parametrize("record", [
    "{not json",
    json.dumps({"key": "k1", "files": {"tables/t.csv": "0"}}),          # no notebook
    json.dumps({"key": "k1", "files": {"notebook.ipynb": "0", "../x": "0"}}),  # unsafe path
    json.dumps({"files": {"notebook.ipynb": "0"}}),                      # no key
])
def test_a_bad_record_is_a_miss(tmp_path: Path, record: str) -> None:
    cache, job = Cache(tmp_path / "cache"), _job(tmp_path)
    _ran(job)
    cache.put(job)
    (tmp_path / "cache" / "01_x" / Cache.RECORD).write_text(record, encoding="utf-8")
    assert not cache.get(job)


def test_run_all_takes_cached_runs_without_starting_a_process(tmp_path: Path) -> None:
    cache, job = Cache(tmp_path / "cache"), _job(tmp_path)
    _ran(job)
    cache.put(job)
    done = []
    results = run_all([job], cache, max_workers=1, on_done=done.append)
    assert [(r.name, r.cached, r.key, r.error) for r in results] == [("01_x", True, "k1", None)]
    assert done == results


def test_run_all_runs_notebooks_and_names_each_failure(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    good, bad = _job(tmp_path, "01_good", "kg"), _job(tmp_path, "02_bad", "kb")
    _notebook(good.source, "print(period)")
    _notebook(bad.source, "x = 1", "raise ValueError('no such column')")
    cache = Cache(tmp_path / "cache")
    with pytest.raises(NotebookError) as caught:
        run_all([good, bad], cache, max_workers=2)
    message = str(caught.value)
    assert "notebook 02_bad.ipynb failed in cell" in message
    assert "ValueError: no such column" in message and str(bad.output) in message
    assert "01_good" not in message
    executed = json.loads(good.output.read_text(encoding="utf-8"))
    printed = [o for c in executed["cells"] for o in c.get("outputs", [])
               if o.get("name") == "stdout"]
    assert printed and "2020" in "".join(printed[-1]["text"])
    assert cache.get(good) and not cache.get(bad)  # only the success was kept


def test_workers_come_from_a_fork_server_that_imported_papermill() -> None:
    """Where there is a fork server (POSIX), the build's workers are forked from it, and it
    imports Papermill once, without the parsers jsonschema would build for nothing."""
    import multiprocessing
    import subprocess
    import sys

    if "forkserver" in multiprocessing.get_all_start_methods():
        assert execute._worker_context().get_start_method() == "forkserver"
    probe = ("import sys, reportkit.build.papermill_preload\n"
             "print('papermill' in sys.modules, sys.modules.get('rfc3987_syntax', 'absent'))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["True", "None"]
