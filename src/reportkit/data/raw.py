"""The data as read, before any typing: each CSV file as a table of text cells that keeps the
line number of every row (``read_table``), the code lists (``CodeLists``), the ``Problem`` a
check reports, and the strict ISO date parser that the column rules (``reportkit.data.validated``)
and the rules across rows and tables (``reportkit.data.rules``) share."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reportkit.data import codes as code_lists
from reportkit.paths import codes_dir, project_root

#: Code lists with more codes than this are referred to, not spelled out, in messages.
MAX_CODES_SPELLED_OUT = 25
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
DATE_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class Problem:
    """One problem in the data.

    ``row`` is the line number in the CSV file (header = line 1), ``None`` for a file-level
    problem. ``message`` says what is allowed or how to fix it; when ``value`` is a non-empty
    string, the message continues after it (``'deth' is not an allowed code; ...``).
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file} line {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        what = f"{self.value!r} {self.message}" if self.value else self.message
        return f"{where}: {what}"



@dataclass
class Table:
    """One CSV file read as text: a frame of strings and the line number of each row."""

    name: str
    frame: pd.DataFrame
    lines: list[int]
    complete: bool = True  # False when reading stopped early (a CSV syntax error)
    skipped: list[dict[str, str]] = field(default_factory=list)  # rows of the wrong width

    def line(self, position: int) -> int:
        """The file line number of frame row ``position``."""
        return self.lines[position]

    def values(self, column: str) -> set[str]:
        """All values of ``column``, including rows skipped for having the wrong width."""
        found = set(self.frame[column]) if column in self.frame.columns else set()
        return found | {row[column] for row in self.skipped if column in row}


def read_table(path: Path, expected: Sequence[str]) -> tuple[Table | None, list[Problem]]:
    """Read ``path`` as strings, keeping line numbers; report problems of form, not content."""
    name = path.name
    if not path.is_file():
        what = "is not a file" if path.exists() else "file not found"
        return None, [
            Problem(
                name,
                None,
                None,
                None,
                f"{what} in {path.parent}; correct the path (the params file's data.* keys, "
                "or --data) or restore the file",
            )
        ]
    problems: list[Problem] = []
    records: list[tuple[int, list[str]]] = []
    complete = True
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            previous = 0
            try:
                for fields in reader:
                    start, previous = previous + 1, reader.line_num
                    if fields:  # skip blank lines
                        records.append((start, fields))
            except csv.Error as exc:
                complete = False
                problems.append(
                    Problem(
                        name,
                        reader.line_num,
                        None,
                        None,
                        f"is not valid CSV ({exc}); check the quoting. "
                        "Lines after this one were not checked",
                    )
                )
    except UnicodeDecodeError as exc:
        message = f"is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8 CSV"
        return None, [Problem(name, None, None, None, message)]
    except OSError as exc:  # e.g. no permission to read it
        message = f"cannot be read ({exc.strerror or exc}); check the file's permissions"
        return None, [Problem(name, None, None, None, message)]

    if not records:
        problems.append(
            Problem(name, None, None, None, f"is empty; expected a header: {', '.join(expected)}")
        )
        return None, problems

    header_line, header = records[0]
    keep: list[int] = []
    seen: dict[str, int] = {}
    for position, column in enumerate(header):
        if column in seen:
            problems.append(
                Problem(
                    name,
                    header_line,
                    column,
                    None,
                    f"column appears more than once in the header (columns {seen[column] + 1} "
                    f"and {position + 1}); remove the duplicate (only the first was checked)",
                )
            )
        else:
            seen[column] = position
            keep.append(position)

    rows: list[list[str]] = []
    lines: list[int] = []
    skipped: list[dict[str, str]] = []
    for line, fields in records[1:]:
        if len(fields) == len(header):
            rows.append(fields)
            lines.append(line)
            continue
        skipped.append({header[i]: fields[i] for i in keep if i < len(fields)})
        problems.append(
            Problem(
                name,
                line,
                None,
                None,
                f"has {len(fields)} fields but the header has {len(header)}; quote values that "
                "contain commas (this row was not checked further)",
            )
        )
    frame = pd.DataFrame({header[i]: [row[i] for row in rows] for i in keep}, dtype=str)
    if not rows and not skipped:
        problems.append(
            Problem(name, None, None, None, "has a header but no data rows; add the rows")
        )
    return Table(name, frame, lines, complete, skipped), problems


class CodeLists:
    """The code lists, read from ``folder`` (default: the project's ``data/codes/``)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder or codes_dir()

    def codes(self, name: str) -> list[str]:
        """The codes of list ``name``."""
        return code_lists.codes(name, self.folder)

    def rows(self, name: str) -> list[dict[str, str]]:
        """The rows of list ``name``."""
        return code_lists.rows(name, self.folder)

    def where(self, name: str) -> str:
        """The path of list ``name``, as a user would type it."""
        path = self.folder / f"{name}.csv"
        try:
            return path.resolve().relative_to(project_root()).as_posix()
        except ValueError:
            return str(path)

    def allowed(self, name: str) -> str:
        """A message fragment saying which codes are allowed."""
        codes = self.codes(name)
        if len(codes) > MAX_CODES_SPELLED_OUT:
            return f"allowed: the {len(codes)} codes in {self.where(name)}"
        return f"allowed: {', '.join(codes)} (see {self.where(name)})"


def parse_dates(values: pd.Series) -> pd.Series:
    """Strict ISO dates (``YYYY-MM-DD``) as datetime64; anything else becomes NaT."""
    iso = values.str.fullmatch(ISO_DATE)
    return pd.to_datetime(values.where(iso), format=DATE_FORMAT, errors="coerce")
