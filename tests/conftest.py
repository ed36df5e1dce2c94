"""Shared fixtures: a copy of the project in a temporary folder, built once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ENGINES = ("pandoc+typst", "quarto")


def copy_project(target: Path) -> Path:
    """Copy what a build reads (not outputs, caches or the virtual environment) to ``target``."""
    from reportkit.build import copy_project as copy_inputs

    return copy_inputs(REPO, target)


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh copy of the project. Code under test gets its root explicitly (``root=``), so
    nothing in the test process's environment points at the copy."""
    return copy_project(tmp_path_factory.mktemp("project") / "reportkit")


@pytest.fixture(autouse=True, scope="session")
def _no_inherited_root():
    """Tests must not depend on a REPORTKIT_ROOT set outside them."""
    previous = os.environ.pop("REPORTKIT_ROOT", None)
    yield
    if previous is not None:
        os.environ["REPORTKIT_ROOT"] = previous


@pytest.fixture(scope="session")
def built_2020(project: Path):
    """The 2020 report built once from a cold start (the result of ``reportkit build``)."""
    from reportkit.build import build

    result = build("2020", root=project, engine="pandoc+typst")
    return project, result


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
def engine_builds(quarto: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The 2020 report built from one pristine project copy by each engine: first the built-in
    engine (its output copied aside), then Quarto, which takes the notebooks from the cache, so
    only the rendering differs. Maps each engine to (project, published output folder).

    Built once per test run even when pytest-xdist runs test_engines.py and test_browser.py in
    different workers: the first builds in the run's shared temporary folder, holding a lock,
    and the other waits for it and uses the same builds. The tests read them (and copy them to
    tamper with); only ``reportkit verify`` writes there, its own verification.json."""
    from filelock import FileLock

    from reportkit.build import build

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder every worker's own temporary folder is in
    base = shared / "engines"
    done = base / "built"
    with FileLock(str(shared / "engines.lock")):
        if not done.is_file():
            shutil.rmtree(base, ignore_errors=True)
            project = copy_project(base / "reportkit")
            build("2020", root=project, engine="pandoc+typst")
            shutil.copytree(project / "_output" / "2020", base / "builtin-2020")
            with quarto_on_path(quarto):
                result = build("2020", root=project, engine="quarto")
            assert result.engine == "quarto" and all(n.cached for n in result.notebooks)
            done.write_text("both engines built\n")
    project = base / "reportkit"
    return {"pandoc+typst": (project, base / "builtin-2020"),
            "quarto": (project, project / "_output/2020")}


@pytest.fixture(scope="session")
def quarto_2020(engine_builds: dict) -> tuple[Path, Path]:
    """(project, published output) of the Quarto build of 2020."""
    return engine_builds["quarto"]


@pytest.fixture(params=ENGINES)
def engine_out(request: pytest.FixtureRequest, engine_builds: dict) -> tuple[str, Path]:
    """(engine, the published 2020 output folder it rendered)."""
    return request.param, engine_builds[request.param][1]

