"""The validated-data cache: typed tables stored as JSON (a format that cannot run code, unlike
pickle), each entry checked against the SHA-256 recorded in its first line before use.

An entry is one file, written whole and renamed into place:

    reportkit-dataset v1 sha256=<hash of the rest>
    {"notifications": {column: dtype, ...}, "children": {...}}
    <notifications as pandas table-schema JSON>
    <children as pandas table-schema JSON>

Table-schema JSON keeps categories (and their order), dates and integers; the recorded dtypes
restore what it widens (``datetime64[us]`` comes back as ``datetime64[ns]``). A bad entry is a
miss: ``read`` returns None and says why, and the caller validates the CSVs again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
from pathlib import Path

import pandas as pd

from reportkit.data.validated import Dataset

log = logging.getLogger("reportkit.data.dataset_cache")
MAGIC = b"reportkit-dataset v1 sha256="
TABLES = ("notifications", "children")


def encode(dataset: Dataset) -> bytes:
    """A dataset as the bytes of a cache entry (header with hash, then the payload)."""
    frames = {name: getattr(dataset, name) for name in TABLES}
    dtypes = {name: {str(c): str(t) for c, t in frame.dtypes.items()}
              for name, frame in frames.items()}
    lines = [json.dumps(dtypes)] + [frames[name].to_json(orient="table", date_format="iso",
                                                          index=False) for name in TABLES]
    payload = "\n".join(lines).encode("utf-8")
    return MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def decode(blob: bytes) -> Dataset:
    """The dataset in a cache entry's bytes; ``ValueError`` saying why when the entry is bad."""
    header, _, payload = blob.partition(b"\n")
    if not header.startswith(MAGIC):
        raise ValueError("not a reportkit dataset cache entry")
    if header[len(MAGIC):].decode("ascii", "replace") != hashlib.sha256(payload).hexdigest():
        raise ValueError("its content does not match its recorded hash")
    lines = payload.decode("utf-8").split("\n")
    if len(lines) != 1 + len(TABLES):
        raise ValueError("wrong number of tables")
    dtypes = json.loads(lines[0])
    frames = {}
    for name, text in zip(TABLES, lines[1:], strict=True):
        frame = pd.read_json(io.StringIO(text), orient="table")
        wanted = dtypes[name]
        if list(frame.columns) != list(wanted):
            raise ValueError(f"{name}: columns differ from the recorded ones")
        frame = frame.astype({c: t for c, t in wanted.items()
                              if t != "category" and str(frame[c].dtype) != t})
        got = {str(c): str(t) for c, t in frame.dtypes.items()}
        if got != wanted:
            raise ValueError(f"{name}: column types differ from the recorded ones")
        frames[name] = frame
    return Dataset(**frames)


def read(path: Path) -> Dataset | None:
    """The dataset cached in ``path``; None when there is none or it is bad (with a warning)."""
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("ignoring the data cache %s (validating the data again): %s", path, exc)
        return None
    try:
        return decode(blob)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        log.warning("ignoring the data cache %s (validating the data again): %s", path, exc)
        return None


def write(path: Path, dataset: Dataset) -> None:
    """Cache ``dataset`` in ``path`` (written whole, then renamed). A cache that cannot be
    written (disk full, read-only) is only a warning: the data were validated anyway."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(encode(dataset))
        partial.replace(path)
    except OSError as exc:
        log.warning("could not write the data cache %s (%s); going on without it", path, exc)
        with contextlib.suppress(OSError):  # e.g. its folder is a file: nothing was written
            partial.unlink(missing_ok=True)
