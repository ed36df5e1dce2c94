"""Reading an executed notebook (nbformat 4 JSON): the one reader every module uses.

The build collects facts from executed notebooks (``reportkit.analysis.facts``), verify numbers
their code cells as nbval does, and both engines embed labelled cells' outputs and write the
reader's copy (``reportkit.render``). Each reads through :func:`read`, which checks the notebook's
shape with a pydantic model and keeps the JSON as written (the reader's copy is made from it). Read
with ``json``, not nbformat: importing nbformat pulls in jsonschema's slow optional imports, and
the build's notebooks are v4.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from reportkit.errors import BuildError, describe_validation_error


class Cell(BaseModel):
    """One cell: its type, id, source (a string or a list of lines) and outputs."""

    model_config = ConfigDict(extra="allow", frozen=True)

    cell_type: str
    id: str | None = None
    source: str | list[str] = ""
    outputs: list[dict[str, Any]] = []

    @property
    def text(self) -> str:
        """The source as one string."""
        return joined(self.source)

    @property
    def is_code(self) -> bool:
        """A code cell (the only kind with outputs)."""
        return self.cell_type == "code"


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow")

    nbformat: Literal[4]
    cells: list[Cell] = []


@dataclass(frozen=True)
class ExecutedNotebook:
    """A notebook read from ``path``: typed cells, and the JSON exactly as written."""

    path: Path
    cells: list[Cell]
    json: dict[str, Any]

    def code_cells(self) -> list[tuple[int, Cell]]:
        """The code cells with their index among all cells."""
        return [(index, cell) for index, cell in enumerate(self.cells) if cell.is_code]


def read(path: Path) -> ExecutedNotebook:
    """The executed notebook at ``path``; BuildError naming the file when it cannot be read or
    is not an nbformat 4 notebook."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError(f"cannot read notebook {path}: {exc}") from None
    if not isinstance(raw, dict) or raw.get("nbformat") != 4:
        version = raw.get("nbformat") if isinstance(raw, dict) else None
        raise BuildError(f"{path}: nbformat {version} is not supported (need 4)")
    try:
        shape = _Shape.model_validate(raw)
    except ValidationError as exc:
        raise BuildError(f"{path}: not a notebook ({describe_validation_error(exc)})") from None
    return ExecutedNotebook(path, shape.cells, raw)


def joined(value: Any) -> Any:
    """A multi-line string stored as a list of lines, joined (as nbformat does on read)."""
    return "".join(value) if isinstance(value, list) else value
