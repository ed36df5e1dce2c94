"""A notebook's cache key covers every project file it reads: the build records the reads in
each kernel and fails (keeping nothing in the cache) on a file the key does not cover."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from reportkit.analysis import read_audit
from reportkit.build.pipeline import build, copy_project
from reportkit.errors import BuildError

REPO = Path(__file__).resolve().parents[1]


def test_record_logs_project_files_opened_for_reading(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "data" / "a.csv").write_text("x\n")
    (tmp_path / "outside.txt").write_text("y\n")
    probe = (
        "from pathlib import Path\n"
        "from reportkit.analysis import read_audit\n"
        f"read_audit.record(Path({str(root)!r}), Path('read_audit.log'))\n"
        f"Path({str(root / 'data' / 'a.csv')!r}).read_text()\n"
        f"Path({str(root / 'data' / 'a.csv')!r}).read_bytes()\n"
        f"Path({str(tmp_path / 'outside.txt')!r}).read_text()\n"
        f"Path({str(root / 'written.txt')!r}).write_text('z')\n"
    )
    subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, check=True)
    assert read_audit.recorded(tmp_path / "read_audit.log") == [root / "data" / "a.csv"]


def test_uncovered_ignores_outputs_caches_and_outside_files(tmp_path: Path) -> None:
    files = ["data/a.csv", "data/b.csv", "_output/2020/x", ".reportkit-cache/d.pkl",
             "src/reportkit/__pycache__/m.pyc"]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    read = [tmp_path / name for name in files] + [Path(sys.executable)]
    assert read_audit.uncovered(read, [tmp_path / "data/a.csv"], tmp_path) == [
        (tmp_path / "data/b.csv").resolve()]


def _notebook(source: str) -> nbformat.NotebookNode:
    parameters = nbformat.v4.new_code_cell('period = "2020"\ntables_dir = ""')
    parameters.metadata["tags"] = ["parameters"]
    notebook = nbformat.v4.new_notebook(cells=[parameters, nbformat.v4.new_code_cell(source)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return notebook


@pytest.mark.slow
def test_a_notebook_reading_a_file_its_key_misses_fails_the_build(tmp_path: Path) -> None:
    project = copy_project(REPO, tmp_path / "project")
    for old in (project / "notebooks").glob("*.ipynb"):
        old.unlink()
    (project / "data" / "extra.csv").write_text("a\n1\n", encoding="utf-8")
    nbformat.write(_notebook(
        "from pathlib import Path\n"
        "from reportkit.analysis.chapter import open_chapter\n"
        "from reportkit.paths import project_root\n"
        "chapter = open_chapter(period)\n"
        "(project_root() / 'data' / 'extra.csv').read_text()\n"
    ), project / "notebooks" / "01_probe.ipynb")
    with pytest.raises(BuildError, match=r"01_probe read data/extra.csv, which its cache key"):
        build("2020", root=project, jobs=1, engine="pandoc")
    assert not (project / ".reportkit-cache" / "2020" / "01_probe").exists()
    assert not (project / "_output" / "2020").exists()
