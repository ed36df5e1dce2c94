"""Shared fixtures: a copy of the project in a temporary folder, built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


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
