"""The published figures in ``data/published/*.yml``: calibration targets with their sources.

Each file holds the figures from one source (or one publication period)::

    source: {citation: "...", url: "..."}        # default for every figure in the file
    period: {start: 2020-01-01, end: 2020-12-31, basis: notification date}
    note: "..."                                   # optional: for figures without their own
    figures:
      - name: deaths_2020
        value: 206
        kind: count                               # count | percent
        comparison: equals                        # equals | more_than
        numerator: {table: notifications, where: "outcome == 'death'"}
        denominator: null                         # required for a percent
        note: null

A figure may override ``source`` or ``period``. Percentages are compared at whole numbers,
rounded half-up; ``more_than`` compares the unrounded value.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reportkit.errors import UserError
from reportkit.paths import data_dir

Table = Literal["notifications", "children"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Selection(_Model):
    """Rows of one table: all of them, or those matching a pandas query string."""

    table: Table
    where: str | None = None


class Denominator(Selection):
    """The rows a percentage is of, with a plain-words label (e.g. "fatal incidents")."""

    label: str = Field(min_length=1)


class Period(_Model):
    """Inclusive dates; the Panel counts by notification date."""

    start: date
    end: date
    basis: Literal["notification date"] = "notification date"

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self


class Rounding(_Model):
    """How the source rounded: whole numbers, half-up, unless said otherwise."""

    dp: int = Field(default=0, ge=0)
    method: Literal["half_up"] = "half_up"


class Source(_Model):
    """A full citation, and where to read it."""

    citation: str = Field(min_length=10)
    url: str | None = None


class PublishedFigure(_Model):
    """One published figure the shipped data must reproduce."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    value: float
    kind: Literal["count", "percent"]
    comparison: Literal["equals", "more_than"] = "equals"
    rounding: Rounding = Rounding()
    numerator: Selection
    denominator: Denominator | None = None
    period: Period
    source: Source
    note: str | None = None
    file: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind == "percent":
            if self.denominator is None:
                raise ValueError("a percent needs a denominator")
            if not 0 <= self.value <= 100:
                raise ValueError(f"percent {self.value} is not between 0 and 100")
            if self.denominator.table != self.numerator.table:
                raise ValueError("numerator and denominator must come from the same table")
        else:
            if self.denominator is not None:
                raise ValueError("a count has no denominator")
            if self.value != int(self.value) or self.value < 0:
                raise ValueError(f"count {self.value} is not a whole number")
        return self


def published_dir(root: Path | None = None) -> Path:
    """The folder of published-figure files."""
    return data_dir(root) / "published"


def load_file(path: Path) -> list[PublishedFigure]:
    """The figures in one file, with the file's source and period as defaults."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise UserError(f"{path.name}: not valid YAML: {exc}") from exc
    unknown = set(document) - {"source", "period", "note", "figures"}
    if unknown:
        raise UserError(f"{path.name}: unknown keys {sorted(unknown)}")
    figures = []
    for number, entry in enumerate(document.get("figures") or [], start=1):
        merged = {
            "source": document.get("source"),
            "period": document.get("period"),
            "note": document.get("note"),
            **entry,
            "file": path.name,
        }
        try:
            figures.append(PublishedFigure.model_validate(merged))
        except ValidationError as exc:
            label = entry.get("name", f"figure {number}") if isinstance(entry, dict) else number
            raise UserError(f"{path.name}: {label}: {exc}") from exc
    if not figures:
        raise UserError(f"{path.name}: no figures")
    return figures


def load_all(folder: Path | None = None) -> list[PublishedFigure]:
    """Every published figure, file by file in name order; names must be unique."""
    folder = folder or published_dir()
    files = sorted(folder.glob("*.yml"))
    if not files:
        raise UserError(f"no published-figure files (*.yml) in {folder}")
    figures = [figure for path in files for figure in load_file(path)]
    seen: dict[str, str] = {}
    for figure in figures:
        if figure.name in seen:
            raise UserError(
                f"figure {figure.name!r} is in both {seen[figure.name]} and {figure.file}"
            )
        seen[figure.name] = figure.file
    return figures
