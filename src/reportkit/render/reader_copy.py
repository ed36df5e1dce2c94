"""The reader's copy of an executed notebook: what a renderer may show, and nothing else.

The executed notebooks in ``_output/<period>/notebooks/`` are the reviewers' record: every
output, every fact record (``application/vnd.reportkit.fact+json``, with its provenance), the
Papermill metadata. A renderer needs far less, and must show none of the rest. Quarto, for
one, prints "Unable to display output" for a fact record, turns a figure cell with two outputs
into subfigures, and loads jQuery and RequireJS from a CDN as soon as any cell holds HTML.

So the staged project gets a reader's copy of each notebook, the same for every engine:

* a code cell without a ``#| label:`` keeps no outputs (nothing embeds it);
* a labelled cell keeps only its displayable outputs, each reduced to what a reader sees: a
  figure as ``image/svg+xml`` and ``image/png`` (the same chart, for the renderer to pick per
  format: SVG for HTML and PDF, PNG for Word), with their metadata, or a table as
  ``text/markdown``;
* streams, errors, ``text/plain`` and ``text/html`` reprs and fact records are dropped;
* Papermill's run metadata (timestamps, durations) is dropped, so the copy, and the documents
  rendered from it, depend on the notebook's results and not on when it ran.

Beside the copies, ``figures/<label>.png`` holds each figure's PNG: Quarto embeds a figure's
SVG in every format, and its Word filter (``report/style/docx-floats.lua``) puts this PNG in
its place, since Word needs a raster image.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from pathlib import Path
from typing import Any

from reportkit.errors import RenderError
from reportkit.render.notebook_outputs import cell_options, read_notebook

#: The representations kept of a displayable output: the images (all of them: one chart drawn
#: for each medium), else the Markdown table.
IMAGE_MIME_TYPES = ("image/svg+xml", "image/png")
_LABEL = re.compile(r"^#\|\s*label:\s*\S", re.MULTILINE)


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def is_labelled(cell: dict[str, Any]) -> bool:
    """True for a code cell with a ``#| label:`` option (one a document can embed)."""
    return cell.get("cell_type") == "code" and bool(_LABEL.search(_source(cell)))


def _reader_output(output: dict[str, Any]) -> dict[str, Any] | None:
    """One displayable output reduced to its reader representation, or None to drop it."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return None
    data = output.get("data", {})
    mimes = [m for m in IMAGE_MIME_TYPES if m in data] or (
        ["text/markdown"] if "text/markdown" in data else [])
    if not mimes:
        return None
    metadata = output.get("metadata", {})
    return {"output_type": "display_data", "data": {m: data[m] for m in mimes},
            "metadata": {m: metadata[m] for m in mimes if m in metadata}}


def reader_copy(notebook: dict[str, Any]) -> dict[str, Any]:
    """The reader's copy of an executed notebook (nbformat 4 JSON); the input is unchanged."""
    copied = copy.deepcopy(notebook)
    copied.get("metadata", {}).pop("papermill", None)
    for cell in copied.get("cells", []):
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
        if cell.get("cell_type") != "code":
            continue
        cell["execution_count"] = None
        outputs = [_reader_output(o) for o in cell.get("outputs", [])] if is_labelled(cell) else []
        cell["outputs"] = [o for o in outputs if o is not None]
    return copied


def figure_pngs(notebook: dict[str, Any]) -> dict[str, bytes]:
    """The PNG of each labelled figure cell of a notebook, by label."""
    found = {}
    for cell in notebook.get("cells", []):
        if not is_labelled(cell):
            continue
        label = str(cell_options(_source(cell)).get("label", ""))
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png is not None and label.startswith("fig-"):
                found[label] = base64.b64decode("".join(png) if isinstance(png, list) else png)
    return found


def write_reader_copies(source_dir: Path, target_dir: Path) -> list[Path]:
    """Write the reader's copy of every ``*.ipynb`` in ``source_dir`` into ``target_dir``, and
    each figure's PNG into ``target_dir/figures``."""
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    owners: dict[str, str] = {}
    for path in sorted(Path(source_dir).glob("*.ipynb")):
        notebook = read_notebook(path).json
        target = target_dir / path.name
        target.write_text(json.dumps(reader_copy(notebook), indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")
        written.append(target)
        for label, png in figure_pngs(notebook).items():
            if label in owners:
                raise RenderError(f"figure label '{label}' is used in {owners[label]} and in "
                                  f"{path.name}: give each figure a label of its own")
            owners[label] = path.name
            (target_dir / "figures").mkdir(exist_ok=True)
            (target_dir / "figures" / f"{label}.png").write_bytes(png)
    return written
