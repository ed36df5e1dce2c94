"""What changed between two editions: ``reportkit diff OLD NEW``.

OLD and NEW are build output folders (``_output/<period>/``, or a copy of one): an earlier
edition of a period and its rebuild, or two periods. The differences are the facts whose value
or display changed, were added or were removed (``facts.json``), and the open-data cells that
changed, with the rows and files added or removed (``tables/*.csv``, each row named by its
keys: every column that is not an indicator in its ``.meta.csv``, less the time columns, which
each file holds one value of). A time period that differs is one change of the file, not one
of every row.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from reportkit.analysis import facts as facts_
from reportkit.errors import BuildError, UserError
from reportkit.paths import MANIFEST
from reportkit.publish import manifest

#: Columns every EES file holds one value of (one period per file): compared once per file.
TIME_COLUMNS = ("time_period", "time_identifier")


@dataclass(frozen=True)
class FactChange:
    """A fact changed (``old`` and ``new``), added (no ``old``) or removed (no ``new``): the
    display text of each."""

    name: str
    old: str | None
    new: str | None
    old_value: Any = None
    new_value: Any = None

    @property
    def kind(self) -> str:
        return "added" if self.old is None else "removed" if self.new is None else "changed"


@dataclass(frozen=True)
class CellChange:
    """One open-data cell that changed: its file, its row's keys, its column."""

    file: str
    keys: dict[str, str]
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    """An open-data row added or removed (``kind``), named by its keys."""

    file: str
    keys: dict[str, str]
    kind: str


@dataclass
class Differences:
    """Every difference between two editions, in a stable order."""

    old: str
    new: str
    facts: list[FactChange] = field(default_factory=list)
    cells: list[CellChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)  # (file, "added" | "removed")
    #: Key columns with one value in every row of a file (e.g. ``geographic_level``): the text
    #: leaves them out of a row's keys; the JSON keeps them.
    constant: dict[str, set[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.facts or self.cells or self.rows or self.files)

    def lines(self) -> list[str]:
        """The differences as text, a line each (``name: old -> new`` for a fact)."""
        if self.empty:
            return ["no changes"]
        out: list[str] = []
        for change in self.facts:
            if change.kind == "changed":
                out.append(f"{change.name}: {change.old} -> {change.new}")
            elif change.kind == "added":
                out.append(f"{change.name}: added ({change.new})")
            else:
                out.append(f"{change.name}: removed (was {change.old})")
        for file, kind in self.files:
            out.append(f"{file}: file {kind}")
        for row in self.rows:
            out.append(f"{row.file} [{self._shown(row.file, row.keys)}]: row {row.kind}")
        for cell in self.cells:
            where = f"[{self._shown(cell.file, cell.keys)}] " if cell.keys else "(every row) "
            out.append(f"{cell.file} {where}{cell.column}: {cell.old} -> {cell.new}")
        return out

    def _shown(self, file: str, keys: dict[str, str]) -> str:
        varying = {k: v for k, v in keys.items() if k not in self.constant.get(file, set())}
        return _keys_text(varying or keys)

    def to_json(self) -> str:
        """The differences for machines: ``facts``, ``cells``, ``rows`` and ``files``."""
        body = {
            "old": self.old,
            "new": self.new,
            "changes": not self.empty,
            "facts": [asdict(change) | {"kind": change.kind} for change in self.facts],
            "cells": [asdict(cell) for cell in self.cells],
            "rows": [asdict(row) for row in self.rows],
            "files": [{"file": file, "kind": kind} for file, kind in self.files],
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _keys_text(keys: dict[str, str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in keys.items())


def schema_version(folder: Path) -> int:
    """The output schema a build folder was written in (1 when its manifest does not say);
    UserError when ``folder`` is not a build."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder; name a build output folder such as "
                        "_output/2020")
    missing = [name for name in (MANIFEST, "facts.json") if not (folder / name).is_file()]
    if missing:
        raise UserError(f"{folder} is not a reportkit build (no {' or '.join(missing)}); name "
                        "a build output folder such as _output/2020")
    try:
        body = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"{folder / MANIFEST}: not a readable build manifest ({exc})") from None
    version = body.get("schema_version", 1) if isinstance(body, dict) else None
    if not isinstance(version, int):
        raise UserError(f"{folder / MANIFEST}: schema_version {version!r} is not a number")
    return version


def read_facts(folder: Path) -> dict[str, facts_.Fact]:
    """A build's facts; UserError naming the file when it cannot be read."""
    try:
        return facts_.read_json(Path(folder) / "facts.json")
    except BuildError as exc:
        raise UserError(str(exc)) from None


def fact_changes(old: dict[str, facts_.Fact], new: dict[str, facts_.Fact]) -> list[FactChange]:
    """Facts whose value or display changed, and facts added or removed, by name."""
    changes = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before is not None and after is not None and (
                before.value == after.value and before.display == after.display):
            continue
        changes.append(FactChange(
            name, before.display if before else None, after.display if after else None,
            before.value if before else None, after.value if after else None))
    return changes


def _indicators(meta: Path) -> set[str]:
    with meta.open(encoding="utf-8", newline="") as handle:
        return {row["col_name"] for row in csv.DictReader(handle)
                if row.get("col_type") == "Indicator"}


def read_table(path: Path) -> tuple[list[str], list[str], dict[tuple[str, ...], dict[str, str]]]:
    """An open-data file as (key columns, value columns, rows by key); UserError when a key
    repeats or the file cannot be read."""
    meta = path.with_name(path.stem + ".meta.csv")
    try:
        indicators = _indicators(meta) if meta.is_file() else set()
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UserError(f"{path}: cannot read this open-data file ({exc})") from None
    keys = [c for c in columns if c not in indicators and c not in TIME_COLUMNS]
    values = [c for c in columns if c in indicators]
    by_key: dict[tuple[str, ...], dict[str, str]] = {}
    for line, row in enumerate(rows, start=2):
        key = tuple(row.get(column) or "" for column in keys)
        if key in by_key:
            raise UserError(f"{path}, line {line}: a second row with the keys "
                            f"{_keys_text(dict(zip(keys, key, strict=True)))}")
        by_key[key] = row
    return keys, values, by_key


def table_changes(old_dir: Path, new_dir: Path) -> tuple[
        list[CellChange], list[RowChange], list[tuple[str, str]], dict[str, set[str]]]:
    """Cells, rows and files that differ between two ``tables/`` folders, and each file's key
    columns that hold one value in every row of both."""
    def files(folder: Path) -> set[str]:
        return {p.name for p in folder.glob("*.csv") if not p.name.endswith(".meta.csv")}

    old_files, new_files = files(old_dir), files(new_dir)
    changed_files = ([(f"tables/{name}", "removed") for name in sorted(old_files - new_files)]
                     + [(f"tables/{name}", "added") for name in sorted(new_files - old_files)])
    cells: list[CellChange] = []
    rows: list[RowChange] = []
    constant: dict[str, set[str]] = {}
    for name in sorted(old_files & new_files):
        label = f"tables/{name}"
        old_keys, old_values, old_rows = read_table(old_dir / name)
        new_keys, new_values, new_rows = read_table(new_dir / name)
        if old_keys != new_keys:
            changed_files.append((label, f"changed its key columns ({', '.join(old_keys)} -> "
                                         f"{', '.join(new_keys)})"))
            continue
        every = [*old_rows, *new_rows]
        constant[label] = {column for index, column in enumerate(new_keys)
                           if len({key[index] for key in every}) == 1}
        for column in TIME_COLUMNS:
            before = {row.get(column) for row in old_rows.values()}
            after = {row.get(column) for row in new_rows.values()}
            if before != after:
                cells.append(CellChange(label, {}, column, ", ".join(sorted(map(str, before))),
                                        ", ".join(sorted(map(str, after)))))
        for key in [k for k in old_rows if k not in new_rows]:
            rows.append(RowChange(label, dict(zip(old_keys, key, strict=True)), "removed"))
        for key in [k for k in new_rows if k not in old_rows]:
            rows.append(RowChange(label, dict(zip(new_keys, key, strict=True)), "added"))
        columns = [c for c in new_values if c in old_values]
        columns += sorted(set(old_values) ^ set(new_values))
        for key, after in new_rows.items():
            before = old_rows.get(key)
            if before is None:
                continue
            for column in columns:
                if before.get(column, "") != after.get(column, ""):
                    cells.append(CellChange(label, dict(zip(new_keys, key, strict=True)), column,
                                            before.get(column, ""), after.get(column, "")))
    return cells, rows, changed_files, constant


def diff(old: Path, new: Path) -> Differences:
    """Every difference between the build folders ``old`` and ``new``; UserError when either is
    not a build or their schema versions differ."""
    old, new = Path(old), Path(new)
    versions = schema_version(old), schema_version(new)
    if versions[0] != versions[1]:
        raise UserError(
            f"{old} was written in output schema {versions[0]} and {new} in schema "
            f"{versions[1]}: they cannot be compared figure for figure; rebuild the older one "
            "with this reportkit (its params and data) and compare the rebuilds")
    if versions[1] > manifest.SCHEMA_VERSION:
        raise UserError(f"{new} was written in output schema {versions[1]}, newer than this "
                        f"reportkit's ({manifest.SCHEMA_VERSION}): upgrade reportkit")
    found = Differences(str(old), str(new), facts=fact_changes(read_facts(old), read_facts(new)))
    found.cells, found.rows, found.files, found.constant = table_changes(old / "tables",
                                                                         new / "tables")
    return found
