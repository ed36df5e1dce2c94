"""The code lists shipped in ``data/codes/``."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from reportkit.errors import UserError
from reportkit.paths import codes_dir

#: The columns each code list must have (the first is the code).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "cause_of_death": ("code", "label"),
    "ethnicity": ("code", "label", "ethnicity_major"),
    "form_of_harm": ("code", "label"),
    "local_authorities": ("la_code", "la_name", "region_code"),
    "local_review_decision": ("code", "label"),
    "outcome": ("code", "label"),
    "regions": ("region_code", "region_name"),
    "sex": ("code", "label", "ees_sex"),
}


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


def check(folder: Path | None = None) -> None:
    """Raise ``UserError`` naming every code list that is missing, unreadable, without its
    columns or codes, or with a code twice (the validator and the notebooks rely on them)."""
    folder = folder or codes_dir()
    problems = []
    for name, columns in REQUIRED_COLUMNS.items():
        path = folder / f"{name}.csv"
        try:
            table = _read(path)
            header = next(iter(table[0])) if table else None
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            problems.append(f"{path}: cannot be read as a UTF-8 CSV file ({exc})")
            continue
        if not table:
            problems.append(f"{path}: has no codes; expected a header ({', '.join(columns)}) "
                            "and one row per code")
            continue
        missing = [c for c in columns if c not in table[0]]
        if missing or header != columns[0]:
            problems.append(f"{path}: expected the columns {', '.join(columns)} (the first "
                            f"is the code); missing: {', '.join(missing) or columns[0]}")
            continue
        codes_ = [row[header] for row in table]
        for line, row in enumerate(table, start=2):
            if None in row or any(row[c] in (None, "") for c in columns):
                problems.append(f"{path} line {line}: a value is missing or the row has the "
                                "wrong number of fields")
        repeated = sorted({c for c in codes_ if codes_.count(c) > 1})
        if repeated:
            problems.append(f"{path}: code(s) listed more than once: {', '.join(repeated)}")
    if problems:
        raise UserError("the code lists in data/codes/ are not usable:\n"
                        + "\n".join(f"  - {problem}" for problem in problems))
