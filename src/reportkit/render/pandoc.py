"""Pandoc and Typst invocation: HTML, DOCX and PDF (Pandoc ``-t typst``, compiled by ``typst``)."""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from functools import cache
from importlib import metadata as importlib_metadata
from importlib import resources
from pathlib import Path
from typing import Any

import typst
import yaml

from reportkit.errors import RenderError
from reportkit.render.docx_reference import build_reference_docx
from reportkit.render.notice import SYNTHETIC_LABEL

log = logging.getLogger("reportkit.render")

#: The standards every PDF declares (Typst 0.14 or later).
PDF_STANDARDS = ("ua-1",)
#: Pandoc's Markdown reader: citations off (``@fig-`` references are resolved before Pandoc).
READER = "markdown-citations"


def template(name: str) -> Path:
    """The path of a packaged template file (``report.css``, ``report.typ``, ...)."""
    path = Path(str(resources.files("reportkit.render") / "templates" / name))
    if not path.is_file():
        raise RenderError(f"reportkit template missing: {name} (is the package installed fully?)")
    return path


@cache
def pandoc_path() -> str:
    """The Pandoc executable of the ``pypandoc-binary`` wheel (else Pandoc on PATH)."""
    try:  # imported here: without pypandoc-binary, the RenderError below says what to install
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        raise RenderError(f"Pandoc not found (install pypandoc-binary): {exc}") from exc


@cache
def pandoc_version() -> str:
    """Pandoc's version, e.g. ``3.9``."""
    out = subprocess.run(
        [pandoc_path(), "--version"], capture_output=True, text=True, check=True
    ).stdout
    return out.splitlines()[0].split()[-1]


@cache
def typst_version() -> str:
    """The Typst compiler's version and the binding's, e.g. ``0.15.1 (typst-py 0.15.2)``."""
    binding = importlib_metadata.version("typst")
    try:
        raw = typst.eval(b"", "sys.version")  # type: ignore[attr-defined]
        compiler = raw.strip('"').removeprefix("version(").removesuffix(")").replace(", ", ".")
    except Exception:  # older bindings have no eval: report the binding alone
        return f"typst-py {binding}"
    return f"{compiler} (typst-py {binding})"


def run_pandoc(markdown: str, args: list[str], cwd: Path) -> None:
    """Run Pandoc on ``markdown`` (stdin); RenderError with Pandoc's message on failure."""
    command = [pandoc_path(), "-f", READER, *args]
    log.debug("pandoc %s", " ".join(args))
    result = subprocess.run(command, input=markdown, capture_output=True, text=True, cwd=cwd)
    for warning in result.stderr.splitlines():
        if warning.strip():
            log.warning("pandoc: %s", warning.strip())
    if result.returncode != 0:
        raise RenderError(f"pandoc failed ({result.returncode}): {result.stderr.strip()}")


def _metadata_file(metadata: dict[str, Any], folder: Path) -> Path:
    path = folder / "metadata.yml"
    path.write_text(yaml.safe_dump(metadata, allow_unicode=True, sort_keys=True), encoding="utf-8")
    return path


def _common_args(
    metadata: dict[str, Any], work: Path, resource_paths: list[Path], filters: list[Path]
) -> list[str]:
    """Pandoc's arguments for every format; ``filters`` (the project's shared Lua filters) run
    after reportkit's own."""
    return [
        "--standalone",
        f"--metadata-file={_metadata_file(metadata, work)}",
        f"--lua-filter={template('reportkit.lua')}",
        *(f"--lua-filter={path}" for path in filters),
        f"--resource-path={os.pathsep.join(str(p) for p in resource_paths)}",
        "--wrap=none",
    ]


def _toc_args(metadata: dict[str, Any], default: bool) -> list[str]:
    """Contents, section numbers and heading shift, from the format's Quarto options."""
    args = []
    if metadata.get("toc", default):
        args += ["--toc", f"--toc-depth={int(metadata.get('toc-depth', 2))}"]
    if metadata.get("number-sections"):
        args.append("--number-sections")
    shift = metadata.get("shift-heading-level-by")
    if shift:
        args.append(f"--shift-heading-level-by={int(shift)}")
    return args


def write_html(
    markdown: str,
    metadata: dict[str, Any],
    output: Path,
    resource_paths: list[Path],
    extra_css: list[Path],
    filters: list[Path],
) -> None:
    """A standalone, self-contained HTML file with our template and CSS."""
    with tempfile.TemporaryDirectory(prefix="reportkit-html-") as tmp:
        args = _common_args(metadata, Path(tmp), resource_paths, filters)
        args += ["-t", "html5", f"--template={template('report.html')}", "--embed-resources"]
        args += [f"--css={css}" for css in (template("report.css"), *extra_css)]
        args += [*_toc_args(metadata, default=True), "-o", str(output)]
        run_pandoc(markdown, args, cwd=output.parent)


def write_docx(
    markdown: str,
    metadata: dict[str, Any],
    output: Path,
    resource_paths: list[Path],
    filters: list[Path],
) -> None:
    """A DOCX file styled by a reference document generated for this render."""
    with tempfile.TemporaryDirectory(prefix="reportkit-docx-") as tmp:
        label = SYNTHETIC_LABEL if metadata.get("synthetic_data") else None
        reference = build_reference_docx(
            pandoc_path(),
            Path(tmp) / "reference.docx",
            header_label=label,
            title=str(metadata.get("title", "")),
        )
        args = _common_args(metadata, Path(tmp), resource_paths, filters)
        args += ["-t", "docx", f"--reference-doc={reference}"]
        args += [*_toc_args(metadata, default=False), "-o", str(output)]
        run_pandoc(markdown, args, cwd=output.parent)


def write_pdf(
    markdown: str,
    metadata: dict[str, Any],
    output: Path,
    resource_paths: list[Path],
    typst_root: Path,
    filters: list[Path],
) -> None:
    """A PDF: Pandoc writes Typst with our template, the ``typst`` package compiles it."""
    meta = {**metadata, "reportkit-typst-root": str(typst_root)}
    with tempfile.TemporaryDirectory(prefix="reportkit-typst-") as tmp:
        source = Path(tmp) / f"{output.stem}.typ"
        args = _common_args(meta, Path(tmp), resource_paths, filters)
        # --wrap=none: a soft line break starting "2019." must not become a Typst list item.
        args += ["-t", "typst", "--wrap=none", f"--template={template('report.typ')}"]
        args += [*_toc_args(meta, default=True), "-o", str(source)]
        run_pandoc(markdown, args, cwd=output.parent)
        options: dict[str, Any] = {"root": str(typst_root), "ignore_system_fonts": True}
        # Tagged PDF declaring PDF/UA-1: Typst checks the rules it can (title, alt text) and
        # fails the compile where one is broken.
        options["pdf_standards"] = list(PDF_STANDARDS)
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            options["timestamp"] = int(epoch)
        try:
            typst.compile(source.read_bytes(), output=str(output), **options)
        except Exception as exc:  # typst.TypstError carries the diagnostic
            detail = getattr(exc, "diagnostic", "") or str(exc)
            raise RenderError(f"typst failed to compile {output.name}: {detail}") from exc
