"""Run the chapter notebooks with Papermill: each in its own process, several at once, and
not at all when nothing it depends on has changed (content hashes, not timestamps)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportkit import lazy
from reportkit.build import kernels
from reportkit.digests import sha256_file
from reportkit.errors import NotebookError

if TYPE_CHECKING:
    import multiprocessing.context

log = logging.getLogger("reportkit.build.execute")
KERNEL = "python3"
TABLES = "tables"


@dataclass(frozen=True)
class NotebookJob:
    """One notebook to run: where from, where to, with which parameters and inputs."""

    source: Path
    output: Path
    workdir: Path
    parameters: dict
    key: str

    @property
    def name(self) -> str:
        return self.source.stem


@dataclass
class NotebookResult:
    """What happened to one notebook."""

    name: str
    seconds: float
    cached: bool
    key: str
    error: str | None = None
    failed_cell: int | None = None
    kept: bool = True  # on failure: whether the executed notebook was written


def job_key(notebook_hash: str, parameters: dict, inputs_hash: str) -> str:
    """A notebook's cache key: its source's hash, its parameters and everything it reads."""
    digest = hashlib.sha256()
    digest.update(notebook_hash.encode())
    digest.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    digest.update(inputs_hash.encode())
    return digest.hexdigest()


class Cache:
    """The last successful run of each notebook of a period, keyed by content hash.

    An entry is a folder holding the executed notebook, its open-data tables and
    ``record.json``: the job's key and the SHA-256 of every file. The cache is a hint, never a
    source: an entry is used only when its key matches and every file, once copied into place,
    has its recorded hash. Anything else (edited, truncated, missing, unreadable) is a miss,
    logged as a warning, and the notebook runs again.
    """

    RECORD = "record.json"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _entry(self, name: str) -> Path:
        return self.folder / name

    def _record(self, entry: Path) -> dict[str, str] | None:
        """The recorded key and file hashes of an entry, or None when there is no valid one."""
        try:
            record = json.loads((entry / self.RECORD).read_text(encoding="utf-8"))
            files = record["files"]
            if (not isinstance(record["key"], str) or not isinstance(files, dict)
                    or "notebook.ipynb" not in files):
                raise TypeError("malformed record")
            for rel in files:
                if Path(rel).is_absolute() or ".." in Path(rel).parts:
                    raise ValueError(f"unsafe path {rel!r}")
            return record
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring the cached run in %s: its record is unreadable (%s)", entry, exc)
            return None

    def _targets(self, job: NotebookJob, files: dict[str, str]) -> dict[str, Path]:
        """Where each file of an entry goes when it is used for ``job``."""
        return {rel: job.output if rel == "notebook.ipynb" else job.workdir / rel
                for rel in files}

    def has(self, job: NotebookJob) -> bool:
        """Whether an entry is recorded for ``job``'s key (its files are checked by ``get``)."""
        record = self._record(self._entry(job.name))
        return record is not None and record["key"] == job.key

    def get(self, job: NotebookJob) -> bool:
        """Copy a checked cached run of ``job`` into place; False when there is none for its
        key or the entry fails its hashes (then nothing of it is left in place)."""
        entry = self._entry(job.name)
        record = self._record(entry)
        if record is None or record["key"] != job.key:
            return False
        targets = self._targets(job, record["files"])
        try:
            for rel, target in targets.items():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(entry / rel, target)
        except FileNotFoundError as exc:
            problems = [f"{exc.filename} is missing"]
        else:
            problems = [f"{entry / rel} does not match its recorded hash"
                        for rel, target in targets.items()
                        if sha256_file(target) != record["files"][rel]]
        if problems:
            log.warning("ignoring the cached run of %s (running it again): %s", job.name,
                        "; ".join(problems))
            for target in targets.values():
                target.unlink(missing_ok=True)
            return False
        return True

    def put(self, job: NotebookJob) -> None:
        """Keep a successful run of ``job`` (written whole, then renamed into place). A cache
        that cannot be written (disk full, read-only) is only a warning: the build goes on."""
        entry = self._entry(job.name)
        fresh = entry.with_name(entry.name + ".new")
        try:
            shutil.rmtree(fresh, ignore_errors=True)
            fresh.mkdir(parents=True)
            shutil.copyfile(job.output, fresh / "notebook.ipynb")
            files = {"notebook.ipynb": sha256_file(fresh / "notebook.ipynb")}
            for table in sorted(p for p in (job.workdir / TABLES).glob("*") if p.is_file()):
                rel = f"{TABLES}/{table.name}"
                (fresh / TABLES).mkdir(exist_ok=True)
                shutil.copyfile(table, fresh / rel)
                files[rel] = sha256_file(fresh / rel)
            record = json.dumps({"key": job.key, "files": files}, indent=1)
            (fresh / self.RECORD).write_text(record + "\n", encoding="utf-8")
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink(missing_ok=True)
            fresh.rename(entry)
        except OSError as exc:
            log.warning("could not cache the run of %s in %s (%s); the build goes on without it",
                        job.name, entry, exc)
            shutil.rmtree(fresh, ignore_errors=True)


def _quiet_kernel_log(path: Path) -> None:
    """Send this worker's stderr (and so its kernel's start-up chatter) to a log file."""
    import os
    import sys

    handle = path.open("a", encoding="utf-8")
    os.dup2(handle.fileno(), 2)
    sys.stderr = handle


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when the build process dies (say, killed):
    an orphaned worker would go on writing into a staging folder the next build reuses. Its
    kernel then exits too (ipykernel polls its parent, ``JPY_PARENT_PID``).

    A worker forked by the fork server is the server's child: it is killed when the server
    dies, and the server exits as soon as the build process is gone (multiprocessing's
    forkserver watches it)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import multiprocessing
    import signal

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    parent = multiprocessing.parent_process()
    if parent is not None and not parent.is_alive():  # it died before the request
        os._exit(1)


def _prepare_worker(environment: dict[str, str]) -> None:
    """Worker start-up: set the kernels' environment (e.g. ``REPORTKIT_ROOT``, and where the
    build's kernel template listens) and import Papermill once, without the slow imports it
    never uses.

    Only this worker process is affected; each notebook's kernel is a fresh process (a new
    interpreter, or a fork of the template) with the worker's environment.
    """
    os.environ.update(environment)
    _die_with_parent()
    lazy.skip_unused_slow_imports()
    import papermill  # noqa: F401


def fast_kernels_available() -> bool:
    """Whether kernels can be forked from a warmed template here (Linux: fork and pidfds),
    unless ``REPORTKIT_FAST_KERNELS=0`` asks for the standard launch."""
    return (os.environ.get("REPORTKIT_FAST_KERNELS", "1") != "0"
            and sys.platform.startswith("linux") and hasattr(os, "pidfd_open"))


def start_template(jobs: Sequence[NotebookJob], cache: Cache | None, *,
                   reuse: bool = True) -> kernels.TemplateServer | None:
    """The kernel template for a run of ``jobs``, started now so that it warms up while the
    caller does other work (pass it to ``run_all``, then close it); None when every job is in
    the cache or fast kernels are off or unavailable."""
    if reuse and cache is not None and all(cache.has(job) for job in jobs):
        return None
    return start_template_early()


def start_template_early() -> kernels.TemplateServer | None:
    """A kernel template (and the workers' fork server) started before the caller knows which
    notebooks will run: the CLI starts one before it imports the build, so that the template
    warms up during those imports too. None when fast kernels are off or unavailable. The
    build closes it at once when every notebook comes from the cache."""
    if not fast_kernels_available():
        return None
    start_workers_server()
    return kernels.start_server(KERNEL)


def start_workers_server() -> None:
    """Start the fork server the worker processes come from (if they come from one), so that
    it imports Papermill while the caller does other work."""
    # multiprocessing and concurrent.futures are imported where used: a no-change rebuild
    # (reportkit.build.up_to_date) imports this module and need not pay for them.
    context = _worker_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _kernel_options(fast: bool = False) -> dict[str, str]:
    """Papermill options for the kernel: IPC channels where available (no TCP port races
    between notebooks started at once), forked from the warmed template when ``fast`` (see
    ``reportkit.build.kernels``)."""
    if os.name != "posix":
        return {}
    manager = "ForkingKernelManager" if fast else "IpcKernelManager"
    return {"kernel_manager_class": f"reportkit.build.kernels.{manager}"}


def _execute(job: NotebookJob, fast: bool = False) -> NotebookResult:
    """Run one notebook with Papermill (in a worker process)."""
    import papermill as pm

    start = time.perf_counter()
    job.workdir.mkdir(parents=True, exist_ok=True)
    job.output.parent.mkdir(parents=True, exist_ok=True)
    _quiet_kernel_log(job.workdir / "kernel.log")
    try:
        pm.execute_notebook(
            str(job.source),
            str(job.output),
            parameters=job.parameters,
            kernel_name=KERNEL,
            cwd=str(job.workdir),
            progress_bar=False,
            log_output=False,
            # Written once, when the notebook ends or fails, not before and after every cell
            # (each save serialises and validates the whole notebook: ~1 s per notebook here).
            request_save_on_cell_execute=False,
            **_kernel_options(fast),
        )
    except pm.PapermillExecutionError as exc:
        return NotebookResult(
            job.name,
            time.perf_counter() - start,
            cached=False,
            key=job.key,
            error=f"{exc.ename}: {exc.evalue}",
            failed_cell=exc.exec_count,
        )
    except Exception as exc:  # kernel died, notebook unreadable: still one named failure
        return NotebookResult(
            job.name, time.perf_counter() - start, cached=False, key=job.key,
            error=f"{type(exc).__name__}: {exc}", kept=job.output.is_file(),
        )
    return NotebookResult(job.name, time.perf_counter() - start, cached=False, key=job.key)


def _worker_context() -> multiprocessing.context.BaseContext:
    """How worker processes start: forked from a server process that imported Papermill once
    (where there is one: POSIX), else each a new interpreter. Never forked from the build's
    own process, which may hold threads and open files by then."""
    import multiprocessing
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["reportkit.build.papermill_preload"])
    return context


def _run_pending(pending: list[NotebookJob], cache: Cache | None,
                 results: list[NotebookResult], max_workers: int,
                 environment: dict[str, str], fast: bool,
                 on_done: Callable[[NotebookResult], None] | None) -> None:
    """Run ``pending`` in a pool of worker processes, appending each result as it ends."""
    from concurrent.futures import BrokenExecutor, ProcessPoolExecutor, as_completed

    context = _worker_context()
    workers = max(1, min(max_workers, len(pending)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_prepare_worker, initargs=(environment,)) as pool:
        futures = {pool.submit(_execute, job, fast): job for job in pending}
        for future in as_completed(futures):
            job = futures[future]
            try:
                result = future.result()
            except BrokenExecutor as exc:  # the worker was killed (out of memory, signal)
                result = NotebookResult(job.name, 0.0, cached=False, key=job.key,
                                        error=f"its worker process died ({exc})",
                                        kept=job.output.is_file())
            if result.error is None and cache is not None:
                cache.put(job)
            results.append(result)
            if on_done:
                on_done(result)


def run_all(
    jobs: Sequence[NotebookJob],
    cache: Cache | None,
    *,
    reuse: bool = True,
    max_workers: int,
    on_done: Callable[[NotebookResult], None] | None = None,
    environment: dict[str, str] | None = None,
    fast: bool | None = None,
    template: kernels.TemplateServer | None = None,
) -> list[NotebookResult]:
    """Run every job not in the cache, up to ``max_workers`` at once, each in its own process.

    Successful runs are kept in ``cache``; ``reuse=False`` (``--force``) runs every job anyway.
    ``fast`` forks each kernel from a warmed template (default: where available, see
    ``fast_kernels_available``): ``template``, the build's, started early so that it warms up
    while the build validates, or else one started here; ``fast=False`` starts each kernel the
    standard way.

    Raises ``NotebookError`` naming each failed notebook, the cell, the exception and the
    executed notebook kept for inspection.
    """
    results: list[NotebookResult] = []
    pending: list[NotebookJob] = []
    for job in jobs:
        if reuse and cache is not None and cache.get(job):
            result = NotebookResult(job.name, 0.0, cached=True, key=job.key)
            results.append(result)
            if on_done:
                on_done(result)
        else:
            pending.append(job)
    if pending:
        if fast is None:
            fast = fast_kernels_available()
        with contextlib.ExitStack() as stack:
            if fast and template is None:
                template = kernels.start_server(KERNEL)
                if template is not None:
                    stack.enter_context(template)
            worker_env = dict(environment or {})
            if fast and template is not None:
                worker_env.update(template.environment())
            _run_pending(pending, cache, results, max_workers, worker_env, fast, on_done)

    failures = [r for r in results if r.error]
    if failures:
        by_name = {job.name: job for job in jobs}
        lines = []
        for failure in sorted(failures, key=lambda r: r.name):
            cell = f"cell {failure.failed_cell}" if failure.failed_cell else "a cell"
            where = by_name[failure.name].output
            kept = (f"executed notebook kept for inspection: {where}" if failure.kept else
                    f"it stopped before the executed notebook was written ({where}); "
                    f"the kernel's log is {by_name[failure.name].workdir / 'kernel.log'}")
            lines.append(f"notebook {failure.name}.ipynb failed in {cell}: {failure.error}\n"
                         f"    {kept}")
        raise NotebookError("\n".join(lines))
    order = {job.name: i for i, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order[r.name])
