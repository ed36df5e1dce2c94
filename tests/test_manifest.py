"""manifest.json: one typed model, written byte for byte as the dict literal was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportkit.errors import UserError
from reportkit.publish import manifest

#: A manifest as the build wrote it before the model (a dict literal, json.dumps(indent=2)).
SAMPLE = {
    "period": "2020",
    "built_at": "2026-11-23T12:00:00+00:00",
    "build_key": "ab" * 32,
    "parameters": {"period": "2020", "start": "2020-01-01", "comparison": None, "n": 3},
    "inputs": {"data/notifications.csv": "cd" * 32},
    "engine": {"name": "pandoc+typst", "version": "pandoc 3.9, typst 0.15.1",
               "tools": {"pandoc": "3.9", "typst": "0.15.1"}},
    "versions": {"python": "3.11.9", "pandas": "2.2.3"},
    "notebooks": [{"name": "01_overview", "seconds": 4.25, "cached": False, "key": "ef" * 32},
                  {"name": "02_children", "seconds": 0.0, "cached": True, "key": "01" * 32}],
    "timings": {"validate": 1.5, "execute": 12.0, "render": 30.12, "total": 44.0},
    "facts": 120,
    "outputs": ["annual-report.html", "facts.json"],
    "output_hashes": {"annual-report.html": "23" * 32, "facts.json": "45" * 32},
    "command": "reportkit build --year 2020",
}


def test_the_model_writes_the_dict_literal_byte_for_byte(tmp_path: Path) -> None:
    written = json.dumps(SAMPLE, indent=2) + "\n"
    (tmp_path / "manifest.json").write_text(written, encoding="utf-8")
    read = manifest.read(tmp_path)
    assert read.text() == written
    assert read.notebooks[0].seconds == 4.25 and read.engine.tools["typst"] == "0.15.1"
    (tmp_path / "again").mkdir()
    manifest.write(tmp_path / "again", read)
    assert (tmp_path / "again" / "manifest.json").read_text(encoding="utf-8") == written


@pytest.mark.parametrize("change", [
    {"unexpected": 1},                                   # a key no reader knows
    {"facts": "many"},                                   # a count that is not a number
    {"notebooks": [{"name": "01", "seconds": 1.0}]},     # a run without cached/key
])
def test_anything_else_is_refused_naming_the_file(tmp_path: Path, change: dict) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps(SAMPLE | change), encoding="utf-8")
    with pytest.raises(UserError, match=r"manifest\.json: not a readable build manifest"):
        manifest.read(tmp_path)


def test_a_missing_or_broken_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="reportkit build --force"):
        manifest.read(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="not a readable build manifest"):
        manifest.read(tmp_path)


def test_publishing_reads_only_the_output_hashes() -> None:
    record = manifest.OutputRecord.model_validate_json(json.dumps({"output_hashes": {"a": "1"},
                                                                   "other": 2}))
    assert record.output_hashes == {"a": "1"}


@pytest.mark.slow
def test_the_built_manifest_reads_back_as_itself(built_2020) -> None:
    project, _ = built_2020
    out = project / "_output" / "2020"
    assert manifest.read(out).text() == (out / "manifest.json").read_text(encoding="utf-8")
