"""Which project files a notebook actually reads, so that the build can check that the
notebook's cache key covers each one.

In a build, every notebook's kernel records (with a Python audit hook, installed by
``chapter.open_chapter``) each file under the project folder it opens for reading, in
``reads.log`` in its working folder. After execution the build compares the record with the
inputs the key was computed from: a file read but not covered is a build error, and the run is
not kept in the cache, since a later change to that file would go unnoticed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from reportkit.paths import CACHE_FOLDER

#: Set (to the project folder) in the kernels' environment by the build: record reads.
ENV = "REPORTKIT_RECORD_READS"
LOG_NAME = "reads.log"
#: Project folders whose files are never inputs: environment, history, outputs, caches.
NOT_INPUTS = (".venv", ".git", "_output", CACHE_FOLDER)
_installed: list[Path] = []


def record_from_environment() -> None:
    """Start recording when the build asked for it (``$REPORTKIT_RECORD_READS``)."""
    root = os.environ.get(ENV)
    if root:
        record(Path(root), Path.cwd() / LOG_NAME)


def record(root: Path, log: Path) -> None:
    """Append to ``log`` each file under ``root`` this process opens for reading from now on
    (once per process; audit hooks cannot be removed)."""
    if _installed:
        return
    prefix = str(Path(root).resolve()) + os.sep
    handle = log.open("a", encoding="utf-8")  # opened before the hook: no recursion
    seen: set[str] = set()

    def hook(event: str, args: tuple) -> None:
        if event != "open" or not args or not isinstance(args[0], str | bytes | os.PathLike):
            return
        mode = args[1] if len(args) > 1 else None
        if isinstance(mode, str) and any(flag in mode for flag in "wax+"):
            return
        path = os.path.abspath(os.fsdecode(args[0]))
        if path.startswith(prefix) and path not in seen:
            seen.add(path)
            handle.write(path + "\n")
            handle.flush()

    sys.addaudithook(hook)
    _installed.append(log)


def recorded(log: Path) -> list[Path]:
    """The files recorded in ``log`` (none when it does not exist)."""
    if not log.is_file():
        return []
    return [Path(line) for line in log.read_text(encoding="utf-8").splitlines() if line]


def uncovered(read: Iterable[Path], covered: Iterable[Path], root: Path) -> list[Path]:
    """The files in ``read`` that are inputs (under ``root``, outside ``NOT_INPUTS``) but not
    in ``covered``."""
    root = root.resolve()
    known = {Path(path).resolve() for path in covered}
    missing = []
    for path in read:
        resolved = Path(path).resolve()
        if not resolved.is_relative_to(root) or resolved in known or not resolved.is_file():
            continue
        parts = resolved.relative_to(root).parts
        if parts[0] in NOT_INPUTS or "__pycache__" in parts:  # compiled library code
            continue
        missing.append(resolved)
    return sorted(set(missing))
