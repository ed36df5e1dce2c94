"""Rendering the report: Quarto when it is on PATH, otherwise the built-in Pandoc + Typst engine.

``render(project_dir, out_dir)`` renders a staged Quarto project (``_quarto.yml``,
``_variables.yml``, ``_period.yml``, ``report/*.qmd`` and executed ``notebooks/*.ipynb``) to
``out_dir/<document>.{html,pdf,docx}``. The result and the log always name the engine that ran
and its versions. Engines:

* ``"quarto"``: ``quarto render``; an error if Quarto is not on PATH (never a silent fallback);
* ``"pandoc+typst"`` (alias ``"pandoc"``): the built-in engine, for the documented subset of
  Quarto (see ``reportkit.render.builtin``);
* ``"auto"``: Quarto if on PATH, else the built-in engine.

Stage 4. Also here: the narrative's checks (``narrative_lint``: a rule about the report's prose
goes there). Text from params and data is escaped by ``reportkit.escape``, shared with the
notebooks' tables.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportkit.errors import RenderError

log = logging.getLogger("reportkit.render")

#: The documents and formats a build renders (the one list: ``reportkit.build.pipeline`` uses it).
DEFAULT_DOCUMENTS = ("annual-report", "executive-summary")
DEFAULT_FORMATS = ("html", "pdf", "docx")

# After the constants: the engines' modules import this package.
from reportkit.render.engines import ENGINES, registry  # noqa: E402


@dataclass(frozen=True)
class RenderResult:
    """What a render produced, and with what."""

    engine: str
    versions: dict[str, str]
    outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def engine_version(self) -> str:
        """The engine's versions as one string, e.g. ``pandoc 3.9, typst 0.15.1 (...)``."""
        return ", ".join(f"{tool} {version}" for tool, version in self.versions.items())

    @property
    def version(self) -> str:
        """Alias of :attr:`engine_version` (for manifests)."""
        return self.engine_version

    def describe(self) -> str:
        """One line for logs and manifests."""
        files = f"{len(self.outputs)} file(s) in {self.seconds:.1f} s"
        return f"{self.engine} ({self.engine_version}): {files}"


def choose_engine(engine: str = "auto") -> str:
    """The engine that will run: ``quarto`` or ``pandoc+typst``."""
    return registry.resolve(engine)


#: The name the build uses for :func:`choose_engine`.
resolve_engine = choose_engine


def render(
    project_dir: Path,
    out_dir: Path,
    *,
    engine: str = "auto",
    documents: Sequence[str] = DEFAULT_DOCUMENTS,
    formats: Sequence[str] = DEFAULT_FORMATS,
) -> RenderResult:
    """Render ``documents`` of the staged project ``project_dir`` to ``formats`` in ``out_dir``."""
    chosen = choose_engine(engine)
    documents, formats = tuple(documents), tuple(formats)
    unknown = [f for f in formats if f not in DEFAULT_FORMATS]
    if unknown:
        raise RenderError(f"unknown output format(s) {unknown} (use html, pdf, docx)")
    project_dir, out_dir = Path(project_dir), Path(out_dir)
    start = time.perf_counter()
    versions, outputs = registry.get(chosen).render(project_dir, out_dir, documents, formats)
    result = RenderResult(chosen, versions, outputs, time.perf_counter() - start)
    log.info("rendered with %s", result.describe())
    return result


__all__ = ["ENGINES", "RenderError", "RenderResult", "choose_engine", "render", "resolve_engine"]
