"""Run the ``reportkit`` command with a kill at a named point: the process sends itself SIGKILL
there, as a power cut or ``kill -9`` would. Used by test_build_faults.py:

    python tests/fault_hooks.py POINT build --year 2020

The points follow the build: a notebook has run, rendering is about to start, and each step of
publishing (journal written; old output moved aside; new output moved in; journal removed, old
output not yet deleted).
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from reportkit import cli
from reportkit.build import execute, pipeline
from reportkit.publish import output_folder


def die() -> None:
    """SIGKILL this process: no clean-up, no finally blocks, no atexit."""
    os.kill(os.getpid(), signal.SIGKILL)


def kill_after(owner: object, name: str, when: Callable[..., bool] = lambda *a: True) -> None:
    """Replace ``owner.name`` so that the process dies right after a call for which ``when``
    holds."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        if when(*args, **kwargs):
            die()
        return result

    setattr(owner, name, wrapper)


def kill_before(owner: object, name: str, when: Callable[..., bool]) -> None:
    """Replace ``owner.name`` so that the process dies just before a call for which ``when``
    holds."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        if when(*args, **kwargs):
            die()
        return original(*args, **kwargs)

    setattr(owner, name, wrapper)


POINTS: dict[str, Callable[[], None]] = {
    "notebooks": lambda: kill_after(execute.Cache, "put"),
    "render": lambda: kill_after(pipeline, "stage_project"),
    "journal-written": lambda: kill_after(output_folder, "_write_journal"),
    "old-output-aside": lambda: kill_after(
        os, "rename", lambda src, dst: Path(dst).name.startswith(".previous-")),
    "new-output-in": lambda: kill_after(
        os, "rename", lambda src, dst: Path(src).name.startswith(".staging-")),
    "old-output-not-yet-deleted": lambda: kill_before(
        output_folder, "_remove",
        lambda path: path.name.startswith(".previous-") and path.exists()),
}


if __name__ == "__main__":
    POINTS[sys.argv[1]]()
    sys.exit(cli.main(sys.argv[2:]))
