"""Publishing a finished build as ``_output/<period>/``, safely against a crash at any moment.

Design: a journal, written before the two renames and replayed by the next command.

``publish`` writes ``_output/.publish-<period>.json`` (atomically: a temporary file, fsync,
rename), renames the old ``<period>/`` to ``.previous-<period>/``, renames the staging folder to
``<period>/``, and only then deletes the journal and the old output. A kill at any point leaves
either no journal (nothing started, or everything finished) or a journal whose staging folder
is a complete build (the journal is written only after every build step succeeded). ``recover``,
which every command runs under the period's lock before anything else, finishes the publish
when the staging folder is still whole (its manifest's output hashes check) and otherwise puts
the old output back. Leftover staging folders of killed builds are removed; a ``.failed``
folder is kept for inspection and reported.

Why not a symlink to versioned folders, swapped with one rename(2)? ``_output/<period>`` is a
folder that people copy (``cp -r``), zip and open; a symlink would break those habits, existing
outputs (folders) cannot be replaced atomically by a symlink, and links do not survive every
file system or archive. The journal keeps ``_output/<period>`` a plain folder and costs one
small file.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

from reportkit import lazy
from reportkit.digests import sha256_file
from reportkit.paths import MANIFEST

log = logging.getLogger("reportkit.publish.output_folder")
#: Files in an output folder that are records of it, not published outputs.
RECORDS = (MANIFEST, "verification.json")


def staging_dir(out: Path) -> Path:
    """Where a build of ``out``'s period works until it publishes."""
    return out.with_name(f".staging-{out.name}")


def previous_dir(out: Path) -> Path:
    """Where the old output waits during a publish."""
    return out.with_name(f".previous-{out.name}")


def failed_dir(out: Path) -> Path:
    """Where a failed build is kept for inspection."""
    return out.with_name(f"{out.name}.failed")


def lock_path(out: Path) -> Path:
    """The lock a build of ``out``'s period holds (``reportkit.build.pipeline.period_lock``)."""
    return out.parent / f".{out.name}.lock"


def journal_path(out: Path) -> Path:
    """The publish journal of ``out``'s period."""
    return out.with_name(f".publish-{out.name}.json")


# --- output hashes ---------------------------------------------------------------------------


def published_files(folder: Path) -> list[str]:
    """The files a build publishes, relative to ``folder`` (the records of it left out)."""
    return sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*")
        if p.is_file() and p.name not in RECORDS
    )


def output_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every published file of ``folder``, by relative path."""
    return {rel: sha256_file(folder / rel) for rel in published_files(folder)}


def whole_problems(folder: Path) -> list[str]:
    """What is wrong with an output folder against its manifest: missing, changed or extra
    files. An empty list means every output is exactly as the build wrote it."""
    try:  # the manifest's model is imported here, not at the top: see reportkit.lazy
        recorded = lazy.module("publish.manifest").OutputRecord.model_validate_json(
            (folder / MANIFEST).read_bytes()).output_hashes
    except (OSError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        return [f"{folder / MANIFEST}: unreadable or without output hashes ({exc})"]
    return folder_problems(folder, recorded)


def folder_problems(folder: Path, recorded: dict[str, str]) -> list[str]:
    """How ``folder``'s published files differ from ``recorded`` (relative path: SHA-256):
    changed, missing or extra files. An empty list means exactly the recorded files."""
    problems = []
    for rel, digest in sorted(recorded.items()):
        try:
            if sha256_file(folder / rel) != digest:
                problems.append(f"{folder / rel}: changed since the build")
        except OSError:
            problems.append(f"{folder / rel}: missing or unreadable")
    try:
        extra = sorted(set(published_files(folder)) - set(recorded))
    except OSError as exc:
        extra = [f"(cannot list: {exc})"]
    problems += [f"{folder / rel}: not written by the build" for rel in extra]
    return problems


# --- publishing and recovery -----------------------------------------------------------------


def _fsync_dir(folder: Path) -> None:
    """Make renames in ``folder`` durable (where the platform allows it)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _write_journal(out: Path, staging: Path) -> None:
    """Record, durably, that ``staging`` is a complete build about to replace ``out``."""
    journal = journal_path(out)
    partial = journal.with_name(journal.name + ".tmp")
    record = {"out": out.name, "staging": staging.name, "previous": previous_dir(out).name}
    with partial.open("w", encoding="utf-8") as handle:
        json.dump(record, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, journal)
    _fsync_dir(out.parent)


def _remove(folder: Path) -> None:
    """Delete a folder (or file) if it exists."""
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder)
    elif folder.exists() or folder.is_symlink():
        folder.unlink()


def _swap(staging: Path, out: Path) -> None:
    """The two renames: the old output aside, the new one in."""
    previous = previous_dir(out)
    if out.exists():
        if previous.exists():
            _remove(previous)
        os.rename(out, previous)
    os.rename(staging, out)
    _fsync_dir(out.parent)


def _finish(out: Path) -> None:
    """After the swap: forget the journal, then delete the old output and any failed build."""
    journal_path(out).unlink(missing_ok=True)
    _fsync_dir(out.parent)
    _remove(previous_dir(out))
    _remove(failed_dir(out))


def publish(staging: Path, out: Path) -> None:
    """Replace ``out`` with the complete build in ``staging``, crash-safely (see the module)."""
    _remove(previous_dir(out))  # a leftover: recover() ran before this build began
    _write_journal(out, staging)
    _swap(staging, out)
    try:
        _finish(out)
    except OSError as exc:  # published; what is left over, the next command cleans
        log.warning("published %s, but could not clean up after it (%s); the next command "
                    "will", out, exc)


def undo(out: Path) -> None:
    """After a publish that failed with an error (not a kill): the old output back in place
    unless the new one is already in, and the journal gone."""
    previous = previous_dir(out)
    if not out.exists() and previous.is_dir():
        os.rename(previous, out)
        _fsync_dir(out.parent)
    journal_path(out).unlink(missing_ok=True)
    _fsync_dir(out.parent)


def recover(out: Path) -> list[str]:
    """Repair an interrupted publish of ``out`` and clean leftovers; returns what was done.

    Call with the period's lock held, before anything else reads or writes ``out``.
    """
    done: list[str] = []
    journal = journal_path(out)
    staging, previous = staging_dir(out), previous_dir(out)
    if journal.exists():
        try:
            record = json.loads(journal.read_text(encoding="utf-8"))
            staging = out.with_name(record["staging"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # the journal is written atomically; unreadable means someone edited it
        if staging.is_dir() and not whole_problems(staging):
            _swap(staging, out)
            done.append(f"finished an interrupted publish: {out} is the new build")
        elif staging.exists() or not out.exists():
            if staging.exists():
                _remove(staging)
            if not out.exists() and previous.is_dir():
                os.rename(previous, out)
                _fsync_dir(out.parent)
            done.append(f"undid an interrupted publish: {out} is the last good build")
        else:
            done.append(f"finished an interrupted publish: {out} is the new build")
        _finish(out)
        return done
    if previous.exists():
        if out.exists():
            _remove(previous)
            done.append(f"removed {previous}, left by an interrupted publish")
        else:
            os.rename(previous, out)
            done.append(f"restored {out} from {previous}")
    if staging.exists():
        _remove(staging)
        done.append(f"removed {staging}, left by an interrupted build")
    partial = journal.with_name(journal.name + ".tmp")
    if partial.exists():
        partial.unlink()
    if failed_dir(out).exists():
        log.info("a failed build of %s is kept for inspection in %s", out.name, failed_dir(out))
    return done
