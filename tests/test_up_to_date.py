"""The quick no-change check (``reportkit.build.up_to_date``): yes only when nothing a build reads
or publishes has changed; anything else, and a record that cannot be trusted, sends the build to
its full check. Each test works on its own copy of the session's built project."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from reportkit.build import up_to_date
from reportkit.build.pipeline import build
from reportkit.publish import output_folder

pytestmark = pytest.mark.slow


@pytest.fixture
def built(built_2020, tmp_path: Path) -> Path:
    """A copy of the built project (inputs, cache, output); its first build call finds it up
    to date by the full check, which records it for the quick one."""
    source, _ = built_2020
    root = Path(shutil.copytree(source, tmp_path / "reportkit", symlinks=True))
    assert not up_to_date.is_current("2020", root, "pandoc+typst")  # recorded for another folder
    assert build("2020", root=root, engine="pandoc+typst").up_to_date
    assert up_to_date.is_current("2020", root, "pandoc+typst")
    return root


def test_the_command_answers_a_no_change_rebuild_without_the_build_modules(built: Path) -> None:
    probe = ("import sys\nfrom reportkit import cli\ncode = cli.main(['build', '--year', '2020', "
             "'--engine', 'pandoc+typst'])\nheavy = [m for m in ('pydantic', 'pandas', "
             "'reportkit.build.pipeline', 'rich') if m in sys.modules]\nprint('heavy', heavy)\n"
             "sys.exit(code)")
    manifest = (built / "_output/2020/manifest.json").read_bytes()
    run = subprocess.run([sys.executable, "-c", probe], cwd=built, capture_output=True,
                         text=True, env={**os.environ, "REPORTKIT_ROOT": str(built)})
    assert run.returncode == 0, run.stderr
    assert "2020: up to date, nothing to do" in run.stdout
    assert "heavy []" in run.stdout
    assert (built / "_output/2020/manifest.json").read_bytes() == manifest


@pytest.mark.parametrize("edit", ["data row", "notebook", "narrative", "new params file",
                                  "new report file", "output changed", "output added",
                                  "manifest changed"])
def test_any_change_is_not_current(built: Path, edit: str) -> None:
    out = built / "_output/2020"
    if edit == "data row":
        path = built / "data/children.csv"
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    elif edit == "notebook":
        path = built / "notebooks/03_deaths.ipynb"
        path.write_text(path.read_text(encoding="utf-8").replace("fatal", "Fatal", 1))
    elif edit == "narrative":
        (path,) = [p for p in (built / "report").glob("annual-report.qmd")]
        path.write_text(path.read_text(encoding="utf-8") + "\nMore words.\n")
    elif edit == "new params file":
        shutil.copy(built / "params/2020.yml", built / "params/2019.yml")
    elif edit == "new report file":
        (built / "report/extra.qmd").write_text("# Extra\n")
    elif edit == "output changed":
        path = out / "annual-report.html"
        path.write_text(path.read_text(encoding="utf-8") + "<!-- -->")
    elif edit == "output added":
        (out / "notes.txt").write_text("left here\n")
    elif edit == "manifest changed":
        path = out / "manifest.json"
        path.write_text(path.read_text(encoding="utf-8").replace('"period"', '"period" ', 1))
    assert not up_to_date.is_current("2020", built, "pandoc+typst")


def test_another_engine_is_not_current(built: Path) -> None:
    assert not up_to_date.is_current("2020", built, "quarto")


def test_a_running_build_or_an_interrupted_publish_is_not_current(built: Path) -> None:
    out = built / "_output/2020"
    with FileLock(str(output_folder.lock_path(out))):
        assert not up_to_date.is_current("2020", built, "pandoc+typst")
    assert up_to_date.is_current("2020", built, "pandoc+typst")
    output_folder.journal_path(out).write_text("{}")
    assert not up_to_date.is_current("2020", built, "pandoc+typst")


@pytest.mark.parametrize("record", ["", "{", "[]", '{"engine": "pandoc+typst"}',
                                    '{"engine": 1, "inputs": {}, "outputs": {}}'])
def test_an_unreadable_record_is_not_current(built: Path, record: str) -> None:
    up_to_date.record_path("2020", built).write_text(record)
    assert not up_to_date.is_current("2020", built, "pandoc+typst")


def test_a_record_that_lies_about_an_input_is_not_current(built: Path) -> None:
    path = up_to_date.record_path("2020", built)
    record = json.loads(path.read_text())
    name = next(iter(record["inputs"]))
    record["inputs"][name] = "0" * 64
    path.write_text(json.dumps(record))
    assert not up_to_date.is_current("2020", built, "pandoc+typst")
