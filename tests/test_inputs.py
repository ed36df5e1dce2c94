"""Tests for ``reportkit.build.inputs``: the one list of what a build reads, shared by the
cache keys and the no-change check (bad inputs on the command line are in
``test_bad_inputs_refused.py``)."""

from __future__ import annotations

from pathlib import Path

from reportkit.build import inputs
from reportkit.paths import PACKAGE_DIR


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x\n", encoding="utf-8")
    return path


def _project(root: Path) -> dict[str, list[Path]]:
    return {
        "notebooks": [_touch(root / "notebooks" / name)
                      for name in ("01_overview.ipynb", "02_children.ipynb", "10_later.ipynb")],
        "params": [_touch(root / "params" / name) for name in ("2019.yml", "2020.yml")],
        "codes": [_touch(root / "data" / "codes" / name) for name in ("outcome.csv", "sex.csv")],
        "published": [_touch(root / "data" / "published" / "2020.yml")],
        "report": [_touch(root / "report" / name)
                   for name in ("annual-report.qmd", "style/house.css", "style/partials/a.typ")],
    }


def test_each_list_holds_its_files_in_order(tmp_path: Path) -> None:
    made = _project(tmp_path)
    for ignored in ("notebooks/scratch.ipynb", "notebooks/01_overview-checkpoint.txt",
                    "data/notifications.csv", "data/codes/README.md", "params/README.md"):
        _touch(tmp_path / ignored)
    (tmp_path / "report" / "empty-folder").mkdir()
    _touch(tmp_path / "_quarto.yml")

    assert inputs.notebook_sources(tmp_path) == made["notebooks"]
    assert inputs.params_files(tmp_path) == made["params"]
    assert inputs.reference_files(tmp_path) == made["codes"] + made["published"]
    assert inputs.report_sources(tmp_path) == [tmp_path / "_quarto.yml", *sorted(made["report"])]


def test_library_files_are_every_python_source_of_the_package(tmp_path: Path) -> None:
    package = tmp_path / "reportkit"
    sources = [_touch(package / name) for name in ("__init__.py", "data/raw.py", "cli.py")]
    _touch(package / "__pycache__" / "cli.cpython-311.py")
    _touch(package / "resources" / "notes.txt")
    assert inputs.library_files(package) == sorted(sources)

    shipped = inputs.library_files()
    assert PACKAGE_DIR / "build" / "inputs.py" in shipped
    assert PACKAGE_DIR / "data" / "validated.py" in shipped
    assert all(p.suffix == ".py" and "__pycache__" not in p.parts for p in shipped)


def test_listed_files_is_every_list_together(tmp_path: Path) -> None:
    _project(tmp_path)
    _touch(tmp_path / "_quarto.yml")
    listed = inputs.listed_files(tmp_path)
    expected = [*inputs.params_files(tmp_path), *inputs.reference_files(tmp_path),
                *inputs.notebook_sources(tmp_path), *inputs.report_sources(tmp_path),
                *inputs.library_files()]
    assert listed == expected
    assert len(set(listed)) == len(listed)


def test_a_new_file_in_a_listed_folder_changes_the_list(tmp_path: Path) -> None:
    _project(tmp_path)
    before = inputs.listed_files(tmp_path)
    _touch(tmp_path / "data" / "codes" / "new_list.csv")
    _touch(tmp_path / "report" / "new-chapter.qmd")
    after = inputs.listed_files(tmp_path)
    assert set(after) - set(before) == {tmp_path / "data" / "codes" / "new_list.csv",
                                        tmp_path / "report" / "new-chapter.qmd"}
