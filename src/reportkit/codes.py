"""The code lists shipped in ``data/codes/``."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from reportkit.paths import codes_dir


@cache
def _read(path: Path) -> tuple[dict[str, str], ...]:
    with path.open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def rows(name: str, folder: Path | None = None) -> list[dict[str, str]]:
    """All rows of code list ``name`` (the file ``data/codes/<name>.csv``)."""
    return list(_read((folder or codes_dir()) / f"{name}.csv"))


def codes(name: str, folder: Path | None = None) -> list[str]:
    """The codes of list ``name``, in file order."""
    key = next(iter(rows(name, folder)[0]))
    return [row[key] for row in rows(name, folder)]


def labels(name: str, folder: Path | None = None) -> dict[str, str]:
    """Code to label for list ``name``."""
    table = rows(name, folder)
    key = next(iter(table[0]))
    label_key = "label" if "label" in table[0] else list(table[0])[1]
    return {row[key]: row[label_key] for row in table}
