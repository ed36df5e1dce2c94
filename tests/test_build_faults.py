"""Faults: a build killed at each stage, every kind of cache entry corrupted, a full disk, a
read-only output folder, and builds running at once.

Each fault ends in a correct build or a clear error (a message, no traceback), and the published
``_output/2020/`` is always the last good output byte for byte or the complete new one, with
the facts of a clean build.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import pickle
import shutil
import signal
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

import pandas as pd
import pytest
from output_folders import tree, whole_folder

from reportkit.analysis import chapter
from reportkit.build import execute
from reportkit.build import pipeline as build_module
from reportkit.build.pipeline import build, copy_project
from reportkit.data import dataset_cache, validated
from reportkit.errors import StorageError
from reportkit.publish import output_folder

HOOKS = Path(__file__).with_name("fault_hooks.py")
REPORTKIT = Path(sys.executable).with_name("reportkit")
NARRATIVE = Path("report") / "_chapters" / "_04-deaths.qmd"


# --- helpers ---------------------------------------------------------------------------------


def facts_of(out: Path) -> dict:
    return json.loads((out / "facts.json").read_text(encoding="utf-8"))


def edit_narrative(project: Path) -> None:
    """A change that needs a new render and publish, with every notebook from the cache."""
    path = project / NARRATIVE
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")


def run(project: Path, *args: str, hook: str | None = None) -> subprocess.CompletedProcess:
    """The ``reportkit`` command on ``project`` (with a kill at ``hook``), in its own process
    group; whatever it leaves running (workers, kernels) is killed with it."""
    command = [sys.executable, str(HOOKS), hook] if hook else [str(REPORTKIT)]
    env = {**os.environ, "REPORTKIT_ROOT": str(project)}
    logs = project.parent / f"run-{os.getpid()}-{len(list(project.parent.glob('run-*')))}"
    logs.mkdir()
    # Files, not pipes: a killed build's orphaned workers could hold a pipe open.
    with (logs / "out").open("w") as stdout, (logs / "err").open("w") as stderr:
        process = subprocess.Popen([*command, *args], cwd=project, env=env, stdout=stdout,
                                   stderr=stderr, start_new_session=True)
        try:
            process.wait(timeout=600)
        finally:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(process.args, process.returncode,
                                       (logs / "out").read_text(), (logs / "err").read_text())


def assert_clean_error(done: subprocess.CompletedProcess, code: int, *phrases: str) -> None:
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    for phrase in phrases:
        assert phrase in done.stderr, done.stderr


def assert_last_good_or_new(out: Path, before: dict[str, str], clean: dict) -> None:
    """The published output is the last good one byte for byte, or a whole new one (every file
    as its manifest records it) with a clean build's facts; nothing half-done is left."""
    assert out.is_dir(), "no published output at all"
    if tree(out) != before:
        assert output_folder.whole_problems(out) == []
    assert facts_of(out) == clean
    for leftover in (output_folder.staging_dir(out), output_folder.previous_dir(out),
                     output_folder.journal_path(out)):
        assert not leftover.exists(), leftover


@pytest.fixture(scope="module")
def base(built_2020, tmp_path_factory) -> Path:
    """A copy of the built 2020 project (inputs, output, caches), up to date: the last good
    output every test starts from."""
    project, _ = built_2020
    copy = copy_project(project, tmp_path_factory.mktemp("faults") / "project")
    shutil.copytree(project / "_output" / "2020", copy / "_output" / "2020")
    for part in ("2020", "datasets"):
        shutil.copytree(project / ".reportkit-cache" / part, copy / ".reportkit-cache" / part)
    build("2020", root=copy)  # up to date, or a render with every notebook from the cache
    return copy


@pytest.fixture
def work(base: Path, tmp_path: Path) -> Path:
    """A private copy of ``base`` for one test to break."""
    return Path(shutil.copytree(base, tmp_path / "project"))


@pytest.fixture(scope="module")
def clean(base: Path) -> dict:
    """The facts of a clean build of 2020."""
    return facts_of(base / "_output" / "2020")


# --- kills -----------------------------------------------------------------------------------

KILL_POINTS = ["notebooks", "render", "journal-written", "old-output-aside", "new-output-in",
               "old-output-not-yet-deleted"]


@pytest.mark.slow
@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_build_killed_at_any_point_publishes_the_last_good_or_the_new_output(
    work: Path, clean: dict, point: str
) -> None:
    out = work / "_output" / "2020"
    before = tree(out)
    edit_narrative(work)
    if point == "notebooks":  # a notebook must run: edit one (its facts stay the same)
        path = work / "notebooks" / "03_deaths.ipynb"
        notebook = json.loads(path.read_text())
        notebook["cells"][-1]["source"] = "".join(notebook["cells"][-1]["source"]) + "\n# x"
        path.write_text(json.dumps(notebook, indent=1))

    killed = run(work, "build", "--year", "2020", hook=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    with build_module.period_lock(out):  # what every next command does first
        pass
    assert_last_good_or_new(out, before, clean)
    if point in ("notebooks", "render"):  # the build had not finished: nothing changed
        assert tree(out) == before
    else:  # the new output was complete when the publish began: it is published
        assert tree(out) != before and output_folder.whole_problems(out) == []

    again = run(work, "build", "--year", "2020")
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    assert_last_good_or_new(out, before, clean)
    assert build("2020", root=work).up_to_date


# --- caches ----------------------------------------------------------------------------------


def _cached_job(tmp_path: Path) -> tuple[execute.Cache, execute.NotebookJob]:
    """A notebook run (a notebook and one table) kept in a cache, its staging cleared."""
    job = execute.NotebookJob(source=tmp_path / "01_x.ipynb",
                              output=tmp_path / "staging" / "notebooks" / "01_x.ipynb",
                              workdir=tmp_path / "staging" / "_work" / "01_x",
                              parameters={}, key="k1")
    job.output.parent.mkdir(parents=True)
    job.output.write_text(json.dumps({"value": 482}))
    (job.workdir / execute.TABLES).mkdir(parents=True)
    (job.workdir / execute.TABLES / "t.csv").write_text("a,b\n1,482\n")
    store = execute.Cache(tmp_path / "cache")
    store.put(job)
    shutil.rmtree(tmp_path / "staging")
    return store, job


CORRUPTIONS = {
    "fact-changed": lambda e: (e / "notebook.ipynb").write_text(json.dumps({"value": 481})),
    "truncated": lambda e: (e / "notebook.ipynb").write_bytes(
        (e / "notebook.ipynb").read_bytes()[:7]),
    "table-changed": lambda e: (e / "tables" / "t.csv").write_text("a,b\n1,481\n"),
    "table-missing": lambda e: (e / "tables" / "t.csv").unlink(),
    "notebook-missing": lambda e: (e / "notebook.ipynb").unlink(),
    "record-garbage": lambda e: (e / "record.json").write_bytes(b"\x80\x04garbage"),
    "record-unsafe-path": lambda e: (e / "record.json").write_text(json.dumps(
        {"key": "k1", "files": {"notebook.ipynb": "0", "../../evil": "0"}})),
    "entry-is-a-file": lambda e: (shutil.rmtree(e), e.write_text("x")),
}


def test_a_good_cache_entry_is_used_byte_for_byte(tmp_path: Path) -> None:
    store, job = _cached_job(tmp_path)
    assert store.get(job)
    assert json.loads(job.output.read_text()) == {"value": 482}
    assert (job.workdir / "tables" / "t.csv").read_text() == "a,b\n1,482\n"


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_a_bad_notebook_cache_entry_is_a_miss_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    store, job = _cached_job(tmp_path)
    CORRUPTIONS[kind](tmp_path / "cache" / "01_x")
    with caplog.at_level(logging.WARNING, logger="reportkit.build.execute"):
        assert store.get(job) is False
    assert "ignoring the cached run" in caplog.text
    assert not job.output.exists() and not (job.workdir / "tables" / "t.csv").exists()


def test_a_cache_that_cannot_be_written_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store, job = _cached_job(tmp_path)
    job.output.parent.mkdir(parents=True)
    job.output.write_text("{}")

    def full(source, target):
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(execute.shutil, "copyfile", full)
    with caplog.at_level(logging.WARNING, logger="reportkit.build.execute"):
        store.put(job)  # no exception
    assert "could not cache the run of 01_x" in caplog.text
    assert not (tmp_path / "cache" / "01_x.new").exists()


@pytest.fixture(scope="module")
def dataset() -> validated.Dataset:
    root = Path(__file__).resolve().parents[1]
    return validated.load(root / "data", codes_folder=root / "data" / "codes")


@pytest.mark.parametrize("kind", ["garbage", "truncated", "value-changed", "empty"])
def test_a_bad_data_cache_entry_is_validated_again(
    tmp_path: Path, dataset: validated.Dataset, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    root = Path(__file__).resolve().parents[1]
    project = copy_project(root, tmp_path / "project")
    files = (project / "data" / "notifications.csv", project / "data" / "children.csv")
    first = chapter.load_dataset(*files, root=project)
    (entry,) = (project / ".reportkit-cache" / "datasets").glob("*.json")
    blob = entry.read_bytes()
    entry.write_bytes({"garbage": b"\x80\x04\x95garbage", "truncated": blob[: len(blob) // 2],
                       "value-changed": blob.replace(b'"age_years":4,', b'"age_years":5,', 1),
                       "empty": b""}[kind])
    assert entry.read_bytes() != blob
    with caplog.at_level(logging.WARNING, logger="reportkit.data.dataset_cache"):
        again = chapter.load_dataset(*files, root=project)
    assert "ignoring the data cache" in caplog.text
    for name in dataset_cache.TABLES:
        pd.testing.assert_frame_equal(getattr(again, name), getattr(dataset, name))
        pd.testing.assert_frame_equal(getattr(first, name), getattr(dataset, name))
    assert dataset_cache.read(entry) is not None, "the bad entry was replaced by a good one"


class _Planted:
    """Loading this pickle would create a file: the data cache must never unpickle."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_the_data_cache_never_runs_code_from_a_planted_pickle(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    project = copy_project(root, tmp_path / "project")
    files = [project / "data" / "notifications.csv", project / "data" / "children.csv"]
    key = chapter._dataset_key(files, project / "data" / "codes")
    marker = tmp_path / "code-ran"
    datasets = project / ".reportkit-cache" / "datasets"
    datasets.mkdir(parents=True)
    for name in (f"{key}.pkl", f"{key}.json"):
        (datasets / name).write_bytes(pickle.dumps(_Planted(marker)))
    chapter.load_dataset(*files, root=project)
    assert not marker.exists()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fact-changed", "truncated"])
def test_a_corrupt_cached_notebook_is_run_again_not_published(
    work: Path, clean: dict, kind: str
) -> None:
    """The issue's case: the cached notebook said 481 notifications; the report must say 482."""
    out = work / "_output" / "2020"
    entry = work / ".reportkit-cache" / "2020" / "01_overview" / "notebook.ipynb"
    text = entry.read_text(encoding="utf-8")
    if kind == "fact-changed":
        assert '"display": "482"' in text and '"value": 482' in text
        changed = text.replace('"display": "482"', '"display": "481"').replace(
            '"value": 482', '"value": 481')
        json.loads(changed)  # still valid JSON
    else:
        changed = text[: len(text) // 2]
    entry.write_text(changed, encoding="utf-8")
    edit_narrative(work)
    result = build("2020", root=work)
    assert [r.name for r in result.notebooks if not r.cached] == ["01_overview"]
    assert facts_of(out)["notifications_total"]["value"] == 482
    assert facts_of(out) == clean
    assert output_folder.whole_problems(out) == []


@pytest.mark.slow
def test_a_garbage_data_cache_is_validated_again_in_a_build(work: Path, clean: dict) -> None:
    for entry in (work / ".reportkit-cache" / "datasets").glob("*"):
        entry.write_bytes(b"\x80\x04\x95 not a cache entry")
    edit_narrative(work)
    done = run(work, "build", "--year", "2020")
    assert done.returncode == 0, done.stderr
    assert "ignoring the data cache" in done.stderr and "Traceback" not in done.stderr
    assert facts_of(work / "_output" / "2020") == clean


@pytest.mark.slow
@pytest.mark.parametrize("tampered", ["annual-report.html", "facts.json", "tables"])
def test_a_tampered_published_file_is_not_up_to_date(
    work: Path, clean: dict, tampered: str
) -> None:
    out = work / "_output" / "2020"
    before = tree(out)
    if tampered == "tables":
        next((out / "tables").glob("*.csv")).unlink()
    else:
        path = out / tampered
        path.write_bytes(path.read_bytes().replace(b"482", b"481"))
    assert not build_module.is_up_to_date(build_module.plan("2020", work), out)
    result = build("2020", root=work)
    assert not result.up_to_date
    assert facts_of(out) == clean and output_folder.whole_problems(out) == []
    assert set(tree(out)) == set(before)


@pytest.mark.slow
def test_render_refuses_a_tampered_output_instead_of_blessing_it(work: Path) -> None:
    from reportkit.errors import UserError

    out = work / "_output" / "2020"
    facts = out / "facts.json"
    facts.write_bytes(facts.read_bytes().replace(b"482", b"481"))
    before = tree(out)
    with pytest.raises(UserError, match=r"not as built .*facts.json: changed since the build"):
        build_module.rerender("2020", root=work)
    assert tree(out) == before


# --- disk full and read-only -----------------------------------------------------------------


def _mount(*args: str) -> bool:
    """Run ``mount``; False where this machine does not allow it (not root, no capability)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.mark.slow
def test_a_full_disk_is_a_clear_error_and_the_last_good_output_stays(
    work: Path, tmp_path: Path
) -> None:
    """``_output`` on a small tmpfs: the old output fits, a second copy does not."""
    out_root = work / "_output"
    saved = tmp_path / "saved-output"
    shutil.move(out_root, saved)
    out_root.mkdir()
    size = sum(p.stat().st_size for p in saved.rglob("*") if p.is_file())
    if not _mount("-t", "tmpfs", "-o", f"size={size * 3 // 2}", "tmpfs", str(out_root)):
        pytest.skip("mounting a small tmpfs needs root")
    try:
        shutil.copytree(saved, out_root, dirs_exist_ok=True)
        before = tree(out_root / "2020")
        edit_narrative(work)
        done = run(work, "build", "--year", "2020")
        assert_clean_error(done, 1)
        assert "No space left on device" in done.stderr
        assert tree(out_root / "2020") == before
        assert not output_folder.staging_dir(out_root / "2020").exists()
    finally:
        subprocess.run(["umount", "-l", str(out_root)], check=False)


@pytest.mark.slow
def test_a_read_only_output_folder_is_a_clear_error(work: Path) -> None:
    out_root = work / "_output"
    before = tree(out_root / "2020")
    edit_narrative(work)
    if os.geteuid() != 0:
        out_root.chmod(0o555)
    elif not (_mount("--bind", str(out_root), str(out_root))
              and _mount("-o", "remount,ro,bind", str(out_root))):
        subprocess.run(["umount", "-l", str(out_root)], check=False)
        pytest.skip("a read-only bind mount needs root")
    try:
        done = run(work, "build", "--year", "2020")
    finally:
        if os.geteuid() != 0:
            out_root.chmod(0o755)
        else:
            subprocess.run(["umount", "-l", str(out_root)], check=False)
    assert_clean_error(done, 1, "cannot lock 2020 for building", str(out_root))
    assert "run the command again" in done.stderr
    assert tree(out_root / "2020") == before


def _os_error(code: int, path: Path):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(path))
    return fail


@pytest.mark.slow
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_an_os_error_while_rendering_keeps_the_last_good_output(
    work: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    out = work / "_output" / "2020"
    before = tree(out)
    edit_narrative(work)
    target = output_folder.staging_dir(out) / "annual-report.pdf"
    monkeypatch.setattr(build_module, "render_documents", _os_error(code, target))
    with pytest.raises(StorageError) as error:
        build("2020", root=work)
    message = str(error.value)
    assert str(target) in message and os.strerror(code) in message
    assert "run the command again" in message and "last good output" in message
    assert tree(out) == before


@pytest.mark.parametrize("step", ["journal", "old-aside", "new-in"])
def test_an_os_error_while_publishing_puts_the_last_good_output_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    out = tmp_path / "_output" / "2020"
    old_tree = tree(whole_folder(out, "old"))
    staging = whole_folder(output_folder.staging_dir(out), "new")
    if step == "journal":
        monkeypatch.setattr(output_folder, "_write_journal", _os_error(errno.ENOSPC, out.parent))
    else:
        real_rename = os.rename

        def rename(src, dst):
            if Path(src).name == (out.name if step == "old-aside" else staging.name):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
            return real_rename(src, dst)

        monkeypatch.setattr(output_folder.os, "rename", rename)
    with pytest.raises(StorageError, match="cannot publish .*No space left on device"):
        build_module.publish(staging, out)
    monkeypatch.undo()
    assert tree(out) == old_tree
    assert not output_folder.journal_path(out).exists()
    output_folder.recover(out)
    assert tree(out) == old_tree


def test_a_failed_copy_names_the_file_the_reason_and_the_fix() -> None:
    from reportkit.errors import describe_os_error

    error = shutil.Error([("a.ipynb", "/out/b.ipynb",
                           "[Errno 28] No space left on device: 'a.ipynb' -> '/out/b.ipynb'")])
    assert describe_os_error(error, "cannot build 2020") == (
        "cannot build 2020: /out/b.ipynb: No space left on device; free some space on the disk "
        "holding it, then run the command again")


def test_the_command_turns_an_unexpected_os_error_into_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from reportkit import cli

    monkeypatch.setitem(cli.COMMANDS, "periods", _os_error(errno.EACCES, Path("/x/params")))
    assert cli.main(["periods"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("reportkit periods: error: reportkit periods failed: /x/params: "
                          "Permission denied; make it writable")


def test_an_unwritable_lock_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    from filelock import FileLock

    out = tmp_path / "_output" / "2020"
    monkeypatch.setattr(FileLock, "acquire", _os_error(errno.EROFS, out.parent / ".2020.lock"))
    expected = (r"cannot lock 2020 for building: .*\.2020\.lock: Read-only file system; "
                r"the file system is read-only")
    with pytest.raises(StorageError, match=expected), build_module.period_lock(out):
        pass


# --- builds at once --------------------------------------------------------------------------


@pytest.mark.slow
def test_two_builds_of_one_period_at_once(work: Path, clean: dict) -> None:
    out = work / "_output" / "2020"
    before = tree(out)
    edit_narrative(work)
    env = {**os.environ, "REPORTKIT_ROOT": str(work)}
    processes = [subprocess.Popen([str(REPORTKIT), "build", "--year", "2020"], cwd=work,
                                  env=env, text=True, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(2)]
    results = [(p.wait(timeout=600), p.stdout.read(), p.stderr.read()) for p in processes]
    codes = sorted(code for code, _, _ in results)
    assert codes in ([0, 0], [0, 2]), results
    for code, stdout, stderr in results:
        assert "Traceback" not in stdout + stderr
        if code == 2:
            assert "another build of 2020 is running" in stderr
    assert_last_good_or_new(out, before, clean)


@pytest.mark.slow
def test_two_periods_build_at_once(work: Path, clean: dict) -> None:
    from test_build import check_published

    from reportkit.data.published_figures import load_all

    edit_narrative(work)
    env = {**os.environ, "REPORTKIT_ROOT": str(work)}
    processes = {period: subprocess.Popen(
        [str(REPORTKIT), "build", "--year", period, "--jobs", "4"], cwd=work, env=env,
        text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for period in ("2020", "2021")}
    for period, process in processes.items():
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, (period, stderr)
        assert "Traceback" not in stdout + stderr
        assert output_folder.whole_problems(work / "_output" / period) == []
    assert facts_of(work / "_output" / "2020") == clean
    figures = [f for f in load_all(work / "data" / "published") if f.name.endswith("_2021")]
    assert check_published(facts_of(work / "_output" / "2021"), figures) == []


# --- kernels ---------------------------------------------------------------------------------


def test_notebooks_run_on_ipc_kernels_without_tcp_ports() -> None:
    from reportkit.build.kernels import IpcKernelManager

    options = execute._kernel_options()
    assert options == {"kernel_manager_class": "reportkit.build.kernels.IpcKernelManager"}
    manager = IpcKernelManager(kernel_name="python3")
    assert manager.transport == "ipc"
    assert manager.ip.startswith("/") and len(manager.ip) < 60
    shutil.rmtree(Path(manager.ip).parent)


@pytest.mark.slow
def test_many_notebooks_start_at_once_without_a_failure(tmp_path: Path) -> None:
    """Eight trivial notebooks at once: kernel start-up races would fail some (the build does
    this with every cold build; 20 cold builds with --jobs 8 were measured by hand)."""
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1 + 1")])
    jobs = []
    for index in range(8):
        source = tmp_path / f"{index:02d}_n.ipynb"
        nbformat.write(notebook, source)
        jobs.append(source)
    job_list = [execute.NotebookJob(source, tmp_path / "out" / source.name,
                                    tmp_path / "work" / source.stem, {}, "k") for source in jobs]
    results = execute.run_all(job_list, None, max_workers=8)
    assert [r.error for r in results] == [None] * 8


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux only")
def test_a_notebook_worker_dies_with_a_killed_build(tmp_path: Path) -> None:
    """An orphaned worker would go on writing into the staging folder the next build reuses."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import multiprocessing, sys, time\n"
        "from reportkit.build.execute import _die_with_parent\n"
        "def child():\n"
        "    _die_with_parent()\n"
        "    time.sleep(60)\n"
        "if __name__ == '__main__':\n"
        "    worker = multiprocessing.get_context('spawn').Process(target=child)\n"
        "    worker.start()\n"
        "    print(worker.pid, flush=True)\n"
        "    time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    worker = int(parent.stdout.readline())
    try:
        import time

        time.sleep(2)  # the worker has started and asked to die with its parent
        assert _alive(worker)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(worker), "the worker outlived the killed build"
    finally:
        with suppress(ProcessLookupError):
            os.kill(worker, signal.SIGKILL)
