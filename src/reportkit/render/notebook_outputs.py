"""Outputs of labelled cells in executed notebooks, as Markdown for ``{{< embed >}}``.

A cell is found by its ``#| label:`` option. Its outputs become Markdown:

* an image -> a file written to the figures folder and a Pandoc figure
  ``![caption](path){#fig-label alt="..."}`` (caption from ``#| fig-cap:``, alt text from
  ``#| fig-alt:``). A chart comes as SVG and PNG: HTML and PDF take the SVG (vector), Word
  the PNG (drawn at print resolution; Word needs a raster image). An output with one of the
  two takes that one;
* tables -> ``text/markdown`` as is (pipe tables), else ``text/html`` converted by Pandoc,
  followed by a caption line ``: caption {#tbl-label}`` (caption from ``#| tbl-cap:``).

Streams, ``text/plain`` reprs and reportkit fact records are not embedded.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypandoc
import yaml

from reportkit import executed_notebooks
from reportkit.errors import BuildError, RenderError

log = logging.getLogger("reportkit.render")

_OPTION = re.compile(r"^#\|\s?(.*)$")


@dataclass(frozen=True)
class CellOutputs:
    """A labelled cell: its options and outputs."""

    label: str
    options: dict[str, Any]
    outputs: list[dict[str, Any]]


def cell_options(source: str) -> dict[str, Any]:
    """Parse the ``#| key: value`` lines at the top of a code cell as YAML."""
    option_lines = []
    for line in source.splitlines():
        match = _OPTION.match(line)
        if not match:
            break
        option_lines.append(match.group(1))
    if not option_lines:
        return {}
    try:
        options = yaml.safe_load("\n".join(option_lines))
    except yaml.YAMLError as exc:
        raise RenderError(f"cannot parse cell options {option_lines!r}: {exc}") from exc
    return options if isinstance(options, dict) else {}


class NotebookCache:
    """Reads each notebook once and finds cells by label."""

    def __init__(self) -> None:
        self._cells: dict[Path, dict[str, CellOutputs]] = {}

    def cell(self, notebook: Path, label: str) -> CellOutputs:
        """The code cell labelled ``label`` in ``notebook`` (RenderError if absent)."""
        cells = self._load(notebook)
        if label not in cells:
            known = ", ".join(sorted(cells)) or "none"
            raise RenderError(f"no cell labelled '{label}' in {notebook.name} (labels: {known})")
        return cells[label]

    def _load(self, notebook: Path) -> dict[str, CellOutputs]:
        notebook = notebook.resolve()
        if notebook not in self._cells:
            if not notebook.is_file():
                raise RenderError(f"notebook not found: {notebook}")
            cells: dict[str, CellOutputs] = {}
            for _, cell in read_notebook(notebook).code_cells():
                options = cell_options(cell.text)
                label = options.get("label")
                if label:
                    outputs = [_joined_output(o) for o in cell.outputs]
                    cells[str(label)] = CellOutputs(str(label), options, outputs)
            self._cells[notebook] = cells
        return self._cells[notebook]


def read_notebook(notebook: Path) -> executed_notebooks.ExecutedNotebook:
    """An executed notebook (``reportkit.executed_notebooks``); a problem with it is a
    RenderError."""
    try:
        return executed_notebooks.read(notebook)
    except BuildError as exc:
        raise RenderError(str(exc)) from None


_joined = executed_notebooks.joined


def _joined_output(output: dict[str, Any]) -> dict[str, Any]:
    joined = dict(output)
    if "data" in output:
        joined["data"] = {
            mime: value if mime.endswith("json") else _joined(value)
            for mime, value in output["data"].items()
        }
    if "text" in output:
        joined["text"] = _joined(output["text"])
    return joined


def _escape_caption(text: str) -> str:
    return text.replace("[", r"\[").replace("]", r"\]").replace("\n", " ").strip()


def _escape_attr(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").strip()


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def html_table_to_markdown(html: str) -> str:
    """Convert an HTML table (e.g. a pandas ``DataFrame`` repr) to Pandoc Markdown with Pandoc."""
    return pypandoc.convert_text(
        html,
        "markdown-simple_tables-multiline_tables-grid_tables-raw_html-native_divs-native_spans",
        format="html",
        extra_args=["--wrap=none"],
    ).strip()


#: The image representation each output format prefers, best first.
IMAGE_PREFERENCE = {
    "html": ("image/svg+xml", "image/png"),
    "pdf": ("image/svg+xml", "image/png"),
    "docx": ("image/png", "image/svg+xml"),
}
_SUFFIX = {"image/svg+xml": ".svg", "image/png": ".png"}


def outputs_to_markdown(
    cell: CellOutputs, figure_dir: Path, notebook_name: str, output_format: str = "html"
) -> list[str]:
    """The Markdown lines embedding ``cell``'s outputs for ``output_format``; images are
    written into ``figure_dir``."""
    preference = IMAGE_PREFERENCE.get(output_format, IMAGE_PREFERENCE["html"])
    label = cell.label
    lines: list[str] = []
    images = 0
    for output in cell.outputs:
        kind = output.get("output_type")
        if kind == "error":
            raise RenderError(f"cell '{label}' in {notebook_name} holds an error output")
        if kind not in ("display_data", "execute_result"):
            continue
        data = output.get("data", {})
        image = next((mime for mime in preference if mime in data), None)
        if image is not None:
            images += 1
            if images > 1:
                raise RenderError(
                    f"cell '{label}' in {notebook_name} has more than one image; "
                    "embed one figure per labelled cell"
                )
            lines += _figure(cell, image, data[image], figure_dir, notebook_name)
        elif "text/markdown" in data:
            lines += _table(cell, _text(data["text/markdown"]).strip())
        elif "text/html" in data and "<table" in _text(data["text/html"]):
            lines += _table(cell, html_table_to_markdown(_text(data["text/html"])))
    if not lines:
        raise RenderError(
            f"cell '{label}' in {notebook_name} has no embeddable output "
            "(image/svg+xml, image/png, text/markdown or an HTML table); was the notebook "
            "executed?"
        )
    return lines


def _figure(
    cell: CellOutputs, mime: str, value: Any, figure_dir: Path, notebook_name: str
) -> list[str]:
    label, suffix = cell.label, _SUFFIX[mime]
    figure_dir.mkdir(parents=True, exist_ok=True)
    path = figure_dir / f"{label}{suffix}"
    text = _text(value)
    image = text.encode("utf-8") if mime == "image/svg+xml" else base64.b64decode(text)
    if not path.is_file() or path.read_bytes() != image:
        # Written whole then renamed: formats render in parallel and may read it meanwhile.
        partial = path.with_name(f".{label}.{threading.get_ident()}{suffix}")
        partial.write_bytes(image)
        partial.replace(path)
    caption = str(cell.options.get("fig-cap") or "")
    alt = cell.options.get("fig-alt")
    if not alt:
        log.warning("figure '%s' in %s has no fig-alt; using its caption", label, notebook_name)
        alt = caption or label
    attrs = [f'alt="{_escape_attr(str(alt))}"']
    if label.startswith("fig-"):
        attrs.insert(0, f"#{label}")
    return ["", f"![{_escape_caption(caption)}](<{path.as_posix()}>){{{' '.join(attrs)}}}", ""]


def _table(cell: CellOutputs, markdown: str) -> list[str]:
    lines = ["", *markdown.splitlines(), ""]
    caption = str(cell.options.get("tbl-cap") or "")
    if cell.label.startswith("tbl-") or caption:
        ident = f" {{#{cell.label}}}" if cell.label.startswith("tbl-") else ""
        lines += [f": {_escape_caption(caption)}{ident}", ""]
    return lines
