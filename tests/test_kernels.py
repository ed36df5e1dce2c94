"""Fast kernels (``reportkit.build.kernels``, ``reportkit.build.kernel_template``): each notebook's
kernel is forked from a warmed template, fresh for every notebook, and the standard launch takes
over whenever the template cannot serve. Each test's notebooks record whether their kernel was
forked (its parent process is the template), so a silent fall-back cannot pass as the fast path.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import copy_project

from reportkit.build import execute, kernels
from reportkit.build.pipeline import build
from reportkit.errors import NotebookError
from reportkit.publish.verify import document_text

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not execute.fast_kernels_available(), reason="no fork/pidfd here"),
]

FORKED = (
    "import os\n"
    "with open(f'/proc/{os.getppid()}/cmdline', 'rb') as handle:\n"
    "    forked = b'reportkit.build.kernel_template' in handle.read()\n"
    "print('forked', forked)"
)


def _notebook(folder: Path, name: str, *cells: str) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(FORKED)]
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


def _jobs(tmp_path: Path, *sources: Path) -> list[execute.NotebookJob]:
    return [execute.NotebookJob(source=s, output=tmp_path / "out" / s.name,
                                workdir=tmp_path / "work" / s.stem, parameters={},
                                key=s.stem) for s in sources]


def _printed(output: Path) -> list[str]:
    notebook = json.loads(output.read_text(encoding="utf-8"))
    return [text for cell in notebook["cells"] for out in cell.get("outputs", [])
            if out.get("name") == "stdout" for text in "".join(out["text"]).splitlines()]


def test_kernels_are_forked_and_fresh_for_each_notebook(tmp_path: Path) -> None:
    """One worker runs both notebooks, one after the other: the second sees none of the first's
    names, options or figures."""
    first = _notebook(tmp_path, "a_first",
                      "import matplotlib.pyplot as plt, pandas as pd\n"
                      "leak = 1\npd.set_option('display.max_rows', 3)\n"
                      "plt.rcParams['lines.linewidth'] = 9\nplt.figure(num=7)\nprint('done')")
    second = _notebook(tmp_path, "b_second",
                       "import matplotlib.pyplot as plt, pandas as pd\n"
                       "print('leak' in globals(), pd.get_option('display.max_rows'),\n"
                       "      plt.rcParams['lines.linewidth'], plt.get_fignums(),\n"
                       "      pd.get_option('display.max_columns'))")
    jobs = _jobs(tmp_path, first, second)
    results = execute.run_all(jobs, None, max_workers=1, fast=True)
    assert [r.error for r in results] == [None, None]
    assert _printed(jobs[0].output) == ["forked True", "done"]
    # pandas' defaults in a Jupyter kernel (not a terminal's), matplotlib's own line width
    assert _printed(jobs[1].output) == ["forked True", "False 60 1.5 [] 20"]


def test_every_worker_forks_from_the_one_template(tmp_path: Path) -> None:
    """Two workers at once, one template: both kernels are children of the same process."""
    parent = "import os\nprint('parent', os.getppid())"
    jobs = _jobs(tmp_path, _notebook(tmp_path, "a_one", parent),
                 _notebook(tmp_path, "b_two", parent))
    results = execute.run_all(jobs, None, max_workers=2, fast=True)
    assert [r.error for r in results] == [None, None]
    first, second = (_printed(job.output) for job in jobs)
    assert first[0] == second[0] == "forked True"
    assert first[1] == second[1]


def test_a_template_still_warming_up_is_stopped_at_once() -> None:
    """A build whose data fail validation closes the template while it is importing."""
    import time

    server = kernels.start_server(execute.KERNEL)
    assert server is not None
    started = time.perf_counter()
    server.close()
    assert time.perf_counter() - started < 2
    assert server.process.poll() is not None


def test_standard_path_does_not_fork(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, _notebook(tmp_path, "plain"))
    execute.run_all(jobs, None, max_workers=1, fast=False)
    assert _printed(jobs[0].output) == ["forked False"]


def test_a_notebook_that_raises_is_named_and_others_still_run(tmp_path: Path) -> None:
    broken = _notebook(tmp_path, "a_broken", "raise ValueError('no such region: Atlantis')")
    fine = _notebook(tmp_path, "b_fine", "print('ok')")
    jobs = _jobs(tmp_path, broken, fine)
    with pytest.raises(NotebookError) as caught:
        execute.run_all(jobs, None, max_workers=2, fast=True)
    message = str(caught.value)
    assert "notebook a_broken.ipynb failed in cell 2: ValueError: no such region: Atlantis" \
        in message
    assert "b_fine" not in message
    assert _printed(jobs[1].output) == ["forked True", "ok"]


def test_a_kernel_that_dies_is_named_and_the_next_notebook_runs(tmp_path: Path) -> None:
    dies = _notebook(tmp_path, "a_dies", "import os\nos._exit(3)")
    after = _notebook(tmp_path, "b_after", "print('ok')")
    jobs = _jobs(tmp_path, dies, after)
    with pytest.raises(NotebookError) as caught:
        execute.run_all(jobs, None, max_workers=1, fast=True)
    assert "notebook a_dies.ipynb failed" in str(caught.value)
    assert "DeadKernelError" in str(caught.value)
    assert _printed(jobs[1].output) == ["forked True", "ok"]


def test_without_the_template_kernels_start_the_standard_way(tmp_path: Path) -> None:
    """The first notebook kills the template (and so, by design, its own kernel); the next
    notebook in that worker starts in a standard kernel, and runs."""
    killer = _notebook(tmp_path, "a_killer", "import os, signal\n"
                       "os.kill(os.getppid(), signal.SIGKILL)\nimport time\ntime.sleep(30)")
    after = _notebook(tmp_path, "b_after", "print('ok')")
    jobs = _jobs(tmp_path, killer, after)
    with pytest.raises(NotebookError) as caught:
        execute.run_all(jobs, None, max_workers=1, fast=True)
    assert "notebook a_killer.ipynb failed" in str(caught.value)
    assert "b_after" not in str(caught.value)
    assert _printed(jobs[1].output) == ["forked False", "ok"]
    assert "the kernel template failed" in (jobs[1].workdir / "kernel.log").read_text()


def test_split_kernel_command_forks_only_this_interpreters_ipykernel() -> None:
    python = sys.executable
    assert kernels.split_kernel_command(
        [python, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"]
    ) == (("-Xfrozen_modules=off",), ["-f", "c.json"])
    assert kernels.split_kernel_command([python, "-m", "ipykernel_launcher", "-f", "c.json"]) \
        == ((), ["-f", "c.json"])
    assert kernels.split_kernel_command(["/usr/bin/other-python", "-m", "ipykernel_launcher"]) \
        is None
    assert kernels.split_kernel_command([python, "-m", "other_kernel", "-f", "c.json"]) is None
    assert kernels.split_kernel_command([python, "-I", "-m", "ipykernel_launcher"]) is None


def test_standard_kernels_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTKIT_FAST_KERNELS", "0")
    assert not execute.fast_kernels_available()


# --- The fast path against the standard path -----------------------------------------------

#: Per-run values: Papermill's timings and the executor's timestamps.
RUN_METADATA = ("papermill", "execution")


def _notebook_content(path: Path) -> dict:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["metadata"].pop("papermill", None)
    for cell in notebook["cells"]:
        for key in RUN_METADATA:
            cell.get("metadata", {}).pop(key, None)
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.pop("id")  # Papermill gives the cell it injects a random id
    return notebook


def test_fast_and_standard_kernels_build_the_same_report(
        built_2020, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The session's cold build (fast kernels, the default) against a cold build of a fresh copy
    in standard kernels."""
    fast_project, fast_result = built_2020
    monkeypatch.setenv("REPORTKIT_FAST_KERNELS", "0")
    project = copy_project(tmp_path / "standard" / "reportkit")
    result = build("2020", root=project, engine="pandoc+typst")
    for notebooks in (fast_result.notebooks, result.notebooks):
        assert len(notebooks) == 8 and not any(notebook.cached for notebook in notebooks)
    fast_out, standard_out = fast_project / "_output" / "2020", project / "_output" / "2020"
    files = sorted(p.relative_to(standard_out) for p in standard_out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(fast_out) for p in fast_out.rglob("*") if p.is_file())
    compared = 0
    for rel in files:
        ours, theirs = fast_out / rel, standard_out / rel
        if rel.suffix == ".ipynb":
            assert _notebook_content(ours) == _notebook_content(theirs), rel
        elif rel.suffix in (".pdf", ".docx"):  # creation dates and ids inside differ per run
            assert document_text(ours) == document_text(theirs), rel
        elif rel.name == "manifest.json":  # build times and timings
            continue
        else:  # facts.json, _variables.yml, HTML, open-data tables, figure files
            assert ours.read_bytes() == theirs.read_bytes(), rel
        compared += 1
    assert compared >= 8 + 6 + 10
