"""``manifest.json``: what a build made, from what, with which tools (one typed model).

The build writes it (``reportkit.build.pipeline``); the build, ``rerender``, ``publish`` and
``verify`` read it, all through :func:`read` (or :class:`OutputRecord` for the hashes alone), never
by key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from reportkit.errors import UserError, describe_validation_error
from reportkit.paths import MANIFEST


class OutputRecord(BaseModel):
    """The part of a manifest that says what the output folder holds (publishing needs only
    this): SHA-256 of every published file, by relative path."""

    model_config = ConfigDict(extra="ignore")

    output_hashes: dict[str, str]


class NotebookRun(BaseModel):
    """One notebook of the build: how long it ran, whether it came from the cache, its key."""

    model_config = ConfigDict(extra="forbid")

    name: str
    seconds: float
    cached: bool
    key: str


class EngineRecord(BaseModel):
    """The engine that rendered: its name and its tools' versions."""

    model_config = ConfigDict(extra="forbid")

    name: str
    version: str
    tools: dict[str, str]


#: The version of the build's output schema this reportkit writes: 2 adds ``schema_version``
#: itself and facts' links to open-data rows. A manifest without the field is version 1.
SCHEMA_VERSION = 2


class Manifest(BaseModel):
    """The whole manifest; fields in the order they are written."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    period: str
    built_at: str
    build_key: str
    parameters: dict[str, Any]
    inputs: dict[str, str]
    engine: EngineRecord
    versions: dict[str, str]
    notebooks: list[NotebookRun]
    timings: dict[str, float]
    facts: int
    outputs: list[str]
    output_hashes: dict[str, str]
    command: str

    def text(self) -> str:
        """The file's text: two-space JSON, keys in field order, a final newline."""
        body = self.model_dump(mode="json")
        if self.schema_version == 1:  # as version 1 wrote it: without the field
            del body["schema_version"]
        return json.dumps(body, indent=2) + "\n"


def read(folder: Path) -> Manifest:
    """The manifest of an output folder; UserError naming the file when it is missing or not a
    manifest (a rebuild writes a good one)."""
    path = Path(folder) / MANIFEST
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except OSError as exc:
        problem = exc.strerror or str(exc)
    except ValidationError as exc:
        problem = describe_validation_error(exc)
    raise UserError(f"{path}: not a readable build manifest ({problem}); rebuild the period "
                    "with `reportkit build --force`")


def write(folder: Path, manifest: Manifest) -> None:
    """Write ``manifest`` into ``folder``."""
    (Path(folder) / MANIFEST).write_text(manifest.text(), encoding="utf-8")
