"""Shared fixtures: a copy of the project in a temporary folder, and builds made once per test
run and shared by every pytest-xdist worker (``once_per_run``)."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import small_data
from filelock import FileLock

from reportkit.build.pipeline import build
from reportkit.build.pipeline import copy_project as copy_inputs

REPO = Path(__file__).resolve().parents[1]
ENGINES = ("pandoc+typst", "quarto")


def copy_project(target: Path) -> Path:
    """Copy what a build reads (not outputs, caches or the virtual environment) to ``target``."""
    return copy_inputs(REPO, target)


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder every xdist worker of this run shares (the session's own without
    xdist): each worker's base folder is inside it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str,
                 make: Callable[[Path], Any]) -> tuple[Path, Any]:
    """``make(folder)`` run once per test run, even across xdist workers: the first caller runs
    it in ``<run folder>/<name>`` holding a file lock, the others wait for it. Every caller gets
    (folder, what ``make`` returned, pickled beside it). A ``make`` that raised fails every
    caller with its error, and is not run again."""
    shared = run_folder(tmp_path_factory)
    folder, result, failed = shared / name, shared / f"{name}.pickle", shared / f"{name}.failed"
    with FileLock(str(shared / f"{name}.lock")):
        if failed.is_file():
            pytest.fail(f"{name} failed in another test: {failed.read_text()}")
        if not result.is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                value = make(folder)
            except BaseException as exc:
                failed.write_text(f"{type(exc).__name__}: {exc}")
                raise
            result.write_bytes(pickle.dumps(value))
    return folder, pickle.loads(result.read_bytes())


@contextmanager
def shared_project(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """A project copy shared by every worker of the run, held (file lock) for the ``with``
    block: tests that build in it run one at a time, and each finds the cache the others left."""
    shared = run_folder(tmp_path_factory)
    with FileLock(str(shared / f"{name}.lock")):
        project = shared / name / "reportkit"
        if not project.is_dir():
            copy_project(project)
        yield project


#: Fixtures that build the report: a test that asks for one is slow, marked or not, so that
#: ``make check`` (``-m "not slow"``) never waits for a full build.
BUILD_FIXTURES = {"built_2020", "built_copy", "engine_builds", "quarto_2020", "engine_out",
                  "packs_2020"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh copy of the project (one per worker). Code under test gets its root explicitly
    (``root=``), so nothing in the test process's environment points at the copy."""
    return copy_project(tmp_path_factory.mktemp("project") / "reportkit")


@pytest.fixture(autouse=True, scope="session")
def _no_inherited_root():
    """Tests must not depend on a REPORTKIT_ROOT set outside them."""
    previous = os.environ.pop("REPORTKIT_ROOT", None)
    yield
    if previous is not None:
        os.environ["REPORTKIT_ROOT"] = previous


def _cold_build_2020(folder: Path) -> tuple[Path, Any]:
    project = copy_project(folder / "reportkit")
    previous = os.environ.pop("REPORTKIT_FAST_KERNELS", None)  # the default: fast kernels
    try:
        return project, build("2020", root=project, engine="pandoc+typst")
    finally:
        if previous is not None:
            os.environ["REPORTKIT_FAST_KERNELS"] = previous


@pytest.fixture(scope="session")
def built_2020(tmp_path_factory: pytest.TempPathFactory):
    """(project, result) of the 2020 report built once per run from a cold start, with the
    default (fast) kernels and the built-in engine: the result of ``reportkit build``.

    Every worker shares it: read it, copy it, verify it; a test that builds in it, edits it or
    takes its lock uses ``built_copy`` instead."""
    _, (project, result) = once_per_run(tmp_path_factory, "built-2020", _cold_build_2020)
    return project, result


@pytest.fixture
def built_copy(built_2020, tmp_path: Path) -> Path:
    """A private copy of the built 2020 project (inputs, cache, output) for one test to change;
    its first build finds every notebook in the cache."""
    project, _ = built_2020
    return Path(shutil.copytree(project, tmp_path / "reportkit", symlinks=True))


@pytest.fixture(scope="session")
def packs_2020(built_2020, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built 2020 project rebuilt with every local area pack (``--areas all``),
    once per run: read it, do not change it."""
    source, _ = built_2020

    def make(folder: Path) -> Path:
        project = Path(shutil.copytree(source, folder / "reportkit", symlinks=True))
        build("2020", root=project, engine="pandoc+typst", areas="all")
        return project

    _, project = once_per_run(tmp_path_factory, "packs-2020", make)
    return project


def find_quarto() -> Path | None:
    """Quarto for the tests: ``$REPORTKIT_QUARTO``, ``.tools/quarto`` (``make test``), PATH."""
    candidates = [os.environ.get("REPORTKIT_QUARTO"), REPO / ".tools/quarto/bin/quarto",
                  shutil.which("quarto")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate).resolve()
    return None


@contextmanager
def quarto_on_path(executable: Path) -> Iterator[None]:
    """Put Quarto on PATH for the code under test (engine 'quarto' looks for it there)."""
    previous = os.environ["PATH"]
    os.environ["PATH"] = f"{executable.parent}{os.pathsep}{previous}"
    try:
        yield
    finally:
        os.environ["PATH"] = previous


@pytest.fixture(scope="session")
def quarto() -> Path:
    executable = find_quarto()
    if executable is None:
        message = ("Quarto not found: run `make test` (it installs ../shared/quarto into "
                   ".tools/quarto) or set REPORTKIT_QUARTO")
        if os.environ.get("REPORTKIT_REQUIRE_QUARTO") == "1":
            pytest.fail(message + " (REPORTKIT_REQUIRE_QUARTO=1)")
        pytest.skip(message)
    version = subprocess.run([executable, "--version"], capture_output=True, text=True)
    print(f"\nQuarto {version.stdout.strip()} from {executable}")
    return executable


@pytest.fixture(scope="session")
def engine_builds(built_2020, quarto: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The 2020 report by each engine: the built-in engine's is ``built_2020``; Quarto's is a
    copy of that project rebuilt with engine 'quarto', which takes every notebook from the
    cache, so only the rendering differs. Maps each engine to (project, published output).

    Made once per run and shared by every worker (test_engines_agree.py, test_browser.py). The tests
    read them (and copy them to tamper with); only ``reportkit verify`` of the Quarto build
    writes there, its own verification.json."""
    source, _ = built_2020

    def rebuild_with_quarto(folder: Path) -> Path:
        project = Path(shutil.copytree(source, folder / "reportkit", symlinks=True))
        with quarto_on_path(quarto):
            result = build("2020", root=project, engine="quarto")
        assert result.engine == "quarto" and all(n.cached for n in result.notebooks)
        return project

    _, project = once_per_run(tmp_path_factory, "quarto-2020", rebuild_with_quarto)
    return {"pandoc+typst": (source, source / "_output/2020"),
            "quarto": (project, project / "_output/2020")}


@pytest.fixture(scope="session")
def quarto_2020(engine_builds: dict) -> tuple[Path, Path]:
    """(project, published output) of the Quarto build of 2020."""
    return engine_builds["quarto"]


@pytest.fixture(params=ENGINES)
def engine_out(request: pytest.FixtureRequest, engine_builds: dict) -> tuple[str, Path]:
    """(engine, the published 2020 output folder it rendered)."""
    return request.param, engine_builds[request.param][1]


@pytest.fixture
def make_data(tmp_path: Path) -> Callable[..., Path]:
    """Write the small valid dataset (``tests/small_data.py``) into a fresh folder each call,
    edited first by ``edit(notifications, children)``; column lists may be given too."""
    counter = iter(range(1000))

    def make(edit: Callable[[list[dict[str, str]], list[dict[str, str]]], None] | None = None,
             **columns: tuple[str, ...] | list[str]) -> Path:
        return small_data.write_dataset(tmp_path / f"data{next(counter)}", edit, **columns)

    return make
