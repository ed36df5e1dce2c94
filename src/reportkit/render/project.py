"""Reading a staged Quarto project: ``_quarto.yml``, ``_variables.yml``, metadata, front matter.

The built-in engine merges metadata the way Quarto does for the keys the report uses:
project-level keys, then ``metadata-files``, then the project's options for the target format,
then the document's front matter (and the document's own options for that format).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reportkit.errors import RenderError
from reportkit.render.markdown import front_matter_length

#: Output formats the built-in engine writes, mapped to the Quarto format that configures them.
QUARTO_FORMAT = {"html": "html", "pdf": "typst", "docx": "docx"}

#: Top-level ``_quarto.yml`` keys that are project configuration, not document metadata.
_PROJECT_ONLY_KEYS = {"project", "format", "metadata-files", "execute", "jupyter", "engine"}


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping (an empty file is an empty mapping)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RenderError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise RenderError(f"{path}: invalid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RenderError(f"{path}: expected a YAML mapping at the top level")
    return data


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], list[str], int]:
    """Split a ``.qmd`` into (front matter, body lines, number of lines the front matter used)."""
    lines = text.splitlines()
    used = front_matter_length(lines)
    if used is None:
        raise RenderError(f"{path}:1: YAML front matter is not closed with '---'")
    if used == 0:
        return {}, lines, 0
    try:
        meta = yaml.safe_load("\n".join(lines[1 : used - 1])) or {}
    except yaml.YAMLError as exc:
        raise RenderError(f"{path}: invalid YAML front matter: {exc}") from exc
    if not isinstance(meta, dict):
        raise RenderError(f"{path}: YAML front matter must be a mapping")
    return meta, lines[used:], used


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Merge ``extra`` into a copy of ``base``; mappings merge, everything else is replaced."""
    merged = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def lookup(mapping: dict[str, Any], dotted: str) -> Any:
    """Look up ``a.b.c`` in nested mappings (a flat dotted key wins); KeyError if absent."""
    if dotted in mapping:
        return mapping[dotted]
    node: Any = mapping
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(dotted)
        node = node[part]
    return node


def _format_options(formats: Any, quarto_format: str) -> dict[str, Any]:
    """The options block of one format in a ``format:`` mapping (``html: default`` is empty)."""
    if isinstance(formats, str):
        return {}
    if not isinstance(formats, dict):
        return {}
    options = formats.get(quarto_format)
    return options if isinstance(options, dict) else {}


@dataclass
class Project:
    """A staged Quarto project on disk."""

    root: Path
    config: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    shared_metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Project:
        """Read ``_quarto.yml``, its ``metadata-files`` and ``_variables.yml``."""
        root = Path(root).resolve()
        config_path = root / "_quarto.yml"
        if not config_path.is_file():
            raise RenderError(f"{root}: not a Quarto project (no _quarto.yml)")
        config = read_yaml(config_path)
        shared = {k: v for k, v in config.items() if k not in _PROJECT_ONLY_KEYS}
        metadata_files = config.get("metadata-files") or []
        if isinstance(metadata_files, str):
            metadata_files = [metadata_files]
        for name in metadata_files:
            shared = deep_merge(shared, read_yaml(root / name))
        variables_path = root / "_variables.yml"
        variables = read_yaml(variables_path) if variables_path.is_file() else {}
        return cls(root=root, config=config, variables=variables, shared_metadata=shared)

    @property
    def output_dir(self) -> Path:
        """Where Quarto writes its outputs (``project.output-dir``, else next to the sources)."""
        project = self.config.get("project") or {}
        out = project.get("output-dir") if isinstance(project, dict) else None
        return self.root / out if out else self.root

    def render_list(self) -> list[Path]:
        """The documents ``project.render`` lists, relative to the project folder."""
        project = self.config.get("project") or {}
        listed = project.get("render") if isinstance(project, dict) else None
        return [Path(p) for p in listed or [] if isinstance(p, str)]

    def document_path(self, name: str) -> Path:
        """The ``.qmd`` of a document named like ``annual-report`` (searched in ``report/``)."""
        for candidate in (self.root / "report" / f"{name}.qmd", self.root / f"{name}.qmd"):
            if candidate.is_file():
                return candidate
        raise RenderError(f"{self.root}: no document {name}.qmd in report/ or the project root")

    def metadata_for(self, front_matter: dict[str, Any], output_format: str) -> dict[str, Any]:
        """The merged metadata of one document rendered to one output format."""
        quarto_format = QUARTO_FORMAT[output_format]
        meta = deep_merge(
            self.shared_metadata, _format_options(self.config.get("format"), quarto_format)
        )
        doc = {k: v for k, v in front_matter.items() if k != "format"}
        meta = deep_merge(meta, doc)
        return deep_merge(meta, _format_options(front_matter.get("format"), quarto_format))
