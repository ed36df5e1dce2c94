"""Is the last build of a period current? The quick answer for a rebuild with nothing changed.

``reportkit build`` asks this first, before it imports what a build needs (pydantic, pandas,
the renderers: about 0.6 s), and plans the build in full only when the answer is not yes.

A build leaves a record beside its notebook cache (``.reportkit-cache/<period>.current.json``):
the engine that rendered, the SHA-256 of every file its cache keys cover, and of every file it
published (the manifest among them). Like every cache it is a hint, checked in full: the answer
is yes only when no build of the period is running or was interrupted, the engine resolves the
same, no input file has appeared in the folders a build lists, every recorded input still has
its hash, and the output folder holds exactly the recorded files with their hashes. Anything
else, or a record that cannot be read, means "not known": the full check decides (``build``).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from reportkit.build.inputs import listed_files
from reportkit.digests import sha256_file
from reportkit.errors import RenderError
from reportkit.paths import MANIFEST, cache_dir, output_dir
from reportkit.publish import output_folder
from reportkit.render import resolve_engine

log = logging.getLogger("reportkit.build.up_to_date")


def record_path(period: str, root: Path) -> Path:
    """Where the record of ``period``'s last good build is kept."""
    return cache_dir(root) / f"{period}.current.json"


def write_record(period: str, root: Path, engine: str, inputs: dict[str, str]) -> None:
    """Record the published build of ``period``: ``engine`` (the one that rendered) and
    ``inputs`` (absolute path: SHA-256 of every file its keys cover), with the hash of every
    file now in its output folder. A record that cannot be written is only a warning."""
    out = output_dir(period, root)
    path = record_path(period, root)
    try:
        outputs = output_folder.output_hashes(out)
        outputs[MANIFEST] = sha256_file(out / MANIFEST)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".tmp")
        partial.write_text(json.dumps({"engine": engine, "inputs": inputs, "outputs": outputs},
                                      indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        log.warning("could not record the build of %s in %s (%s): the next no-change rebuild "
                    "checks it in full", period, path, exc)


def _read_record(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(record, dict) and isinstance(record.get("engine"), str)
            and _is_hashes(record.get("inputs")) and _is_hashes(record.get("outputs"))):
        return None
    return record


def _is_hashes(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _unchanged(hashes: dict[str, str], base: Path) -> bool:
    try:
        return all(sha256_file(base / name) == digest for name, digest in hashes.items())
    except OSError:
        return False


def _try_lock(path: Path) -> int | None:
    """Take the period's build lock without waiting: the open file holding it, or None when
    it is held (or cannot be taken). The same ``flock`` lock as the build's ``filelock``
    (its Unix lock), taken directly: importing filelock costs this check a third of its time."""
    try:
        import fcntl
    except ImportError:  # not Unix: the build's full check decides
        return None
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def is_current(period: str, root: Path, engine: str = "auto") -> bool:
    """True when the published output of ``period`` is exactly what a build with ``engine``
    would make now (see the module's docstring); False when that is not known."""
    out = output_dir(period, root)
    if any(p.exists() for p in (output_folder.journal_path(out), output_folder.staging_dir(out),
                                output_folder.previous_dir(out))):
        return False  # an interrupted publish: the build repairs it first
    record = _read_record(record_path(period, root))
    if record is None:
        return False
    try:
        if resolve_engine(engine) != record["engine"]:
            return False
    except RenderError:
        return False  # the build says why
    lock = _try_lock(output_folder.lock_path(out))
    if lock is None:
        return False  # a build of the period is running (or no lock here): the build says so
    try:
        inputs = record["inputs"]
        if any(str(path) not in inputs for path in listed_files(root)):
            return False
        if not _unchanged(inputs, Path("/")):
            return False
        outputs = dict(record["outputs"])
        manifest = {MANIFEST: outputs.pop(MANIFEST, "")}  # the build's record of itself
        return _unchanged(manifest, out) and not output_folder.folder_problems(out, outputs)
    finally:
        os.close(lock)  # releases the lock
