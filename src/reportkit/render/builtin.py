"""The built-in engine ("pandoc+typst"): Quarto's subset, pre-processed, then Pandoc and Typst.

For each document and format: read the ``.qmd``, merge its metadata, expand shortcodes, select
conditional content, number cross-references, then write HTML, DOCX or PDF.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from reportkit.errors import RenderError
from reportkit.render.crossref import resolve
from reportkit.render.markdown import SourceLine
from reportkit.render.notebook_outputs import NotebookCache
from reportkit.render.pandoc import pandoc_version, typst_version, write_docx, write_html, write_pdf
from reportkit.render.project import Project, split_front_matter
from reportkit.render.shortcodes import ExpandContext, expand

log = logging.getLogger("reportkit.render")


#: Quarto options that are paths or engine settings, not document metadata for Pandoc.
_DROP = {
    "css",
    "theme",
    "template",
    "template-partials",
    "reference-doc",
    "include-in-header",
    "include-before-body",
    "include-after-body",
    "filters",
    "embed-resources",
    "self-contained",
    "output-file",
    "keep-typ",
    "keep-md",
    "crossref",
    "toc-location",
    "html-math-method",
    "fig-format",
    "fig-dpi",
    "execute",
    "jupyter",
    "engine",
    "format",
    "brand",
}
#: The project's Lua filters that both engines run (plain Pandoc Lua, listed in _quarto.yml).
#: provenance.lua runs twice, as in _quarto.yml: sections first, links and annex last.
SHARED_FILTERS = (Path("report") / "style" / "provenance.lua",
                  Path("report") / "style" / "accessible.lua",
                  Path("report") / "style" / "provenance.lua")
_SUFFIX = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}


def engine_versions() -> dict[str, str]:
    """The versions of the tools the built-in engine runs."""
    return {"pandoc": pandoc_version(), "typst": typst_version()}


def _expand_metadata(value: Any, ctx: ExpandContext, path: Path) -> Any:
    """Expand ``{{< var >}}``/``{{< meta >}}`` in front matter strings, as Quarto does."""
    if isinstance(value, str) and "{{<" in value:
        return "\n".join(line.text for line in expand([SourceLine(value, path, 1)], ctx))
    if isinstance(value, dict):
        return {k: _expand_metadata(v, ctx, path) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand_metadata(v, ctx, path) for v in value]
    return value


def _extra_css(project: Project, document: Path, options: dict[str, Any]) -> list[Path]:
    """The project's own stylesheets (``format: html: css:``), added after ours when they exist."""
    css = options.get("css") or []
    found = []
    for name in [css] if isinstance(css, str) else css:
        for base in (document.parent, project.root):
            if (base / name).is_file():
                found.append((base / name).resolve())
                break
    return found


def shared_filters(project: Project) -> list[Path]:
    """The staged project's shared Lua filters (RenderError names a missing one)."""
    paths = [project.root / name for name in SHARED_FILTERS]
    for path in paths:
        if not path.is_file():
            raise RenderError(f"{path}: missing; the house style's shared filter is needed by "
                              "both engines (copy report/style from the project)")
    return paths


def render_format(
    project: Project, name: str, out_dir: Path, output_format: str, notebooks: NotebookCache
) -> Path:
    """Render one document to one format (independent of the other formats: thread-safe)."""
    path = project.document_path(name)
    front, body, offset = split_front_matter(path.read_text(encoding="utf-8"), path)
    lines = [SourceLine(text, path, n) for n, text in enumerate(body, start=offset + 1)]
    figure_dir = out_dir / f"{name}_files"
    if output_format not in _SUFFIX:
        raise RenderError(f"unknown output format '{output_format}' (use html, pdf or docx)")
    metadata = project.metadata_for(front, output_format)
    ctx = ExpandContext(project.root, path, project.variables, metadata, figure_dir, notebooks)
    metadata = _expand_metadata(metadata, ctx, path)
    ctx.metadata = metadata
    ctx.output_format = output_format
    markdown_lines = expand(lines, ctx)  # selects conditional content for output_format too
    markdown_lines, numbers = resolve(markdown_lines, project.root)
    markdown = "\n".join(line.text for line in markdown_lines) + "\n"
    pandoc_meta = _pandoc_metadata(metadata, path)
    pandoc_meta["reportkit-project-dir"] = str(project.root)  # provenance.lua reads it
    filters = shared_filters(project)
    output = out_dir / f"{name}{_SUFFIX[output_format]}"
    resource_paths = [path.parent, project.root]
    log.info(
        "pandoc+typst: %s -> %s (%d cross-reference targets)",
        path.name,
        output.name,
        len(numbers),
    )
    if output_format == "html":
        write_html(markdown, pandoc_meta, output, resource_paths,
                   _extra_css(project, path, metadata), filters)
    elif output_format == "docx":
        write_docx(markdown, pandoc_meta, output, resource_paths, filters)
    else:
        root = Path(os.path.commonpath([project.root, out_dir.resolve()]))
        write_pdf(markdown, pandoc_meta, output, resource_paths, root, filters)
    return output


def _pandoc_metadata(metadata: dict[str, Any], document: Path) -> dict[str, Any]:
    meta = {k: v for k, v in metadata.items() if k not in _DROP}
    meta.setdefault("lang", "en-GB")
    if not meta.get("title") and meta.get("report_title"):
        meta["title"] = meta["report_title"]
    meta.setdefault("title", document.stem.replace("-", " ").capitalize())
    meta.setdefault("pagetitle", meta["title"])
    for key in ("publication_date", "period_start", "period_end", "period_label"):
        if key in meta and not isinstance(meta[key], str):
            meta[key] = str(meta[key])
    meta["reportkit-doc-dir"] = str(document.parent)
    if "date" not in meta and meta.get("publication_date"):
        # Used by the DOCX title block (the HTML and Typst templates show period and date).
        period = f"{meta['period_label']}. " if meta.get("period_label") else ""
        meta["date"] = f"{period}Published {meta['publication_date']}"
    return meta


def render_builtin(
    project_dir: Path, out_dir: Path, documents: tuple[str, ...], formats: tuple[str, ...]
) -> list[Path]:
    """Render every document to every format with the built-in engine."""
    project = Project.load(project_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    notebooks = NotebookCache()  # shared: at worst two threads read the same notebook twice
    jobs = [(name, f) for name in documents for f in formats]
    # Pandoc and Typst do the work outside Python, so documents and formats render side by side.
    with ThreadPoolExecutor(max_workers=max(1, min(len(jobs), os.cpu_count() or 1))) as pool:
        futures = [pool.submit(render_format, project, name, out_dir.resolve(), f, notebooks)
                   for name, f in jobs]
        for future in futures:
            future.result()
    return [out_dir.resolve() / f"{name}{_SUFFIX[f]}" for name in documents for f in formats]
