"""The Quarto engine: ``quarto render`` in the staged project, outputs copied to ``out_dir``."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

from reportkit.errors import RenderError
from reportkit.render.project import QUARTO_FORMAT, Project

log = logging.getLogger("reportkit.render")

ENGINE = "quarto"
_SUFFIX = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}


def quarto_path() -> str | None:
    """The ``quarto`` executable on PATH, or None."""
    return shutil.which("quarto")


def quarto_version(executable: str) -> str:
    """``quarto --version``."""
    result = subprocess.run([executable, "--version"], capture_output=True, text=True)
    if result.returncode != 0:
        raise RenderError(f"'{executable} --version' failed: {result.stderr.strip()}")
    return result.stdout.strip()


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
) -> tuple[str, list[Path]]:
    """Run ``quarto render`` for each document and format; returns (Quarto version, outputs)."""
    executable = require_quarto()
    version = quarto_version(executable)
    project = Project.load(project_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    house_style = _house_style(project)
    outputs: list[Path] = []
    for name in documents:
        source = project.document_path(name)
        relative = source.relative_to(project.root)
        for output_format in formats:
            command = [
                executable,
                "render",
                relative.as_posix(),
                "--to",
                QUARTO_FORMAT[output_format],
                *house_style.get(output_format, []),
            ]
            log.info("quarto %s: %s", version, " ".join(command[1:]))
            result = subprocess.run(command, cwd=project.root, capture_output=True, text=True)
            if result.returncode != 0:
                raise RenderError(
                    f"quarto render {relative} --to {QUARTO_FORMAT[output_format]} failed:\n"
                    f"{result.stderr.strip()}"
                )
            outputs.append(_collect(project, relative, name, output_format, out_dir))
    return version, outputs


def _house_style(project: Project) -> dict[str, list[str]]:
    """Our CSS and Word reference document for Quarto, passed through to Pandoc by Quarto.

    (Quarto keeps its own Typst template: ours is a Pandoc template, not a Quarto partial.)
    """
    from reportkit.render.builtin import SYNTHETIC_LABEL
    from reportkit.render.docx_reference import build_reference_docx
    from reportkit.render.pandoc import pandoc_path, template

    assets = project.root / "report" / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    css = assets / "reportkit.css"
    shutil.copy2(template("report.css"), css)
    synthetic = bool(project.shared_metadata.get("synthetic_data"))
    reference = build_reference_docx(
        pandoc_path(), assets / "reference.docx",
        header_label=SYNTHETIC_LABEL if synthetic else None,
        title=str(project.shared_metadata.get("report_title", "")),
    )
    return {"html": ["--css", str(css)], "docx": ["--reference-doc", str(reference)]}


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
