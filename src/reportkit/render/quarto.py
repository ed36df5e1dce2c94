"""The Quarto engine: ``quarto render`` in the staged project, outputs copied to ``out_dir``.

Everything that shapes the documents is in the staged project itself (``_quarto.yml`` names
the house style in ``report/style/``: HTML and Typst partials, a filter, the stylesheet and the
Word reference document), so ``quarto render`` run by hand in a staged project writes the same
documents. This module only runs Quarto (once for the whole project when it can) and collects
what it wrote.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

from reportkit.errors import RenderError
from reportkit.render.project import QUARTO_FORMAT, Project

log = logging.getLogger("reportkit.render")

_SUFFIX = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}
#: How long one ``quarto render`` may take before it is stopped (seconds).
RENDER_TIMEOUT = 600


def quarto_path() -> str | None:
    """The ``quarto`` executable on PATH, or None."""
    return shutil.which("quarto")


def _first_line(command: list[str]) -> str:
    """The first line ``command`` prints; RenderError when it fails."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderError(f"'{' '.join(command)}' failed: {exc}") from exc
    if result.returncode != 0:
        raise RenderError(f"'{' '.join(command)}' failed: {result.stderr.strip()}")
    # The Typst shim of a Quarto built from source prints its version on stderr.
    lines = (result.stdout.strip() or result.stderr.strip()).splitlines()
    return lines[0].strip() if lines else ""


def quarto_version(executable: str) -> str:
    """``quarto --version``."""
    return _first_line([executable, "--version"])


def quarto_versions(executable: str) -> dict[str, str]:
    """The versions of Quarto and of the Pandoc and Typst it runs (for the manifest)."""
    pandoc = _first_line([executable, "pandoc", "--version"]).removeprefix("pandoc").strip()
    typst = _first_line([executable, "typst", "--version"]).removeprefix("typst").strip()
    return {"quarto": quarto_version(executable), "pandoc": pandoc, "typst": typst}


def require_quarto() -> str:
    """The Quarto executable; a clear error (never a silent fallback) when it is absent."""
    executable = quarto_path()
    if executable is None:
        raise RenderError(
            "engine 'quarto' was requested but Quarto is not on PATH; install Quarto "
            "(https://quarto.org) or use engine 'auto' or 'pandoc+typst' for the built-in engine"
        )
    return executable


def render_quarto(
    project_dir: Path, out_dir: Path, documents: tuple[str, ...], formats: tuple[str, ...]
) -> tuple[dict[str, str], list[Path]]:
    """Run ``quarto render`` in ``project_dir``; returns (tool versions, outputs)."""
    executable = require_quarto()
    versions = quarto_versions(executable)
    project = Project.load(project_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = [project.document_path(name).relative_to(project.root) for name in documents]
    if set(sources) == set(project.render_list()) and set(formats) == set(QUARTO_FORMAT):
        # The whole project in every format: one Quarto run (Quarto starts once, not six times).
        _run(executable, project.root, [], versions)
    else:
        for source in sources:
            for output_format in formats:
                _run(executable, project.root,
                     [source.as_posix(), "--to", QUARTO_FORMAT[output_format]], versions)
    return versions, [_collect(project, source, name, output_format, out_dir)
                      for name, source in zip(documents, sources, strict=True)
                      for output_format in formats]


def _run(executable: str, root: Path, arguments: list[str], versions: dict[str, str]) -> None:
    command = [executable, "render", *arguments]
    what = "quarto " + " ".join(command[1:])
    log.info("quarto %s: %s", versions["quarto"], " ".join(command[1:]))
    environment = {**os.environ, "QUARTO_LOG_LEVEL": os.environ.get("QUARTO_LOG_LEVEL", "WARNING")}
    try:
        result = subprocess.run(command, cwd=root, capture_output=True, text=True,
                                timeout=RENDER_TIMEOUT, env=environment)
    except subprocess.TimeoutExpired:
        raise RenderError(f"{what} took longer than {RENDER_TIMEOUT} s") from None
    if result.returncode != 0:
        detail = "\n".join(_tail(result.stdout) + _tail(result.stderr))
        raise RenderError(f"{what} failed:\n{detail}")
    for line in result.stderr.splitlines():
        if line.strip().startswith(("WARN", "WARNING")):
            log.warning("quarto: %s", line.strip())


def _tail(text: str, lines: int = 25) -> list[str]:
    """The last lines of Quarto's output, without its colour codes."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return [line for line in plain.strip().splitlines()[-lines:] if line.strip()]


def _collect(
    project: Project, relative: Path, name: str, output_format: str, out_dir: Path
) -> Path:
    """Copy Quarto's output (and an HTML ``_files`` folder, if any) into ``out_dir``."""
    suffix = _SUFFIX[output_format]
    candidates = [
        project.output_dir / relative.with_suffix(suffix),
        project.output_dir / relative.name.replace(".qmd", suffix),
        project.root / relative.with_suffix(suffix),
    ]
    produced = next((c for c in candidates if c.is_file()), None)
    if produced is None:
        raise RenderError(
            f"quarto did not write {relative.with_suffix(suffix)} (looked in {project.output_dir})"
        )
    target = out_dir / f"{name}{suffix}"
    shutil.copy2(produced, target)
    support = produced.with_name(f"{produced.stem}_files")
    if output_format == "html" and support.is_dir():
        shutil.copytree(support, out_dir / f"{name}_files", dirs_exist_ok=True)
    return target
