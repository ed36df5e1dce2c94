"""Which facts a document quotes: the narrative expanded as the built-in engine would for one
output format (hidden conditional content dropped, embeds left out), with each ``var`` noted.

Reviewers use it to check the rendered documents, whichever engine rendered them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml

from reportkit.render.markdown import SourceLine
from reportkit.render.project import Project, split_front_matter
from reportkit.render.shortcodes import ExpandContext, expand
from reportkit.render.staging import stage_project


def quoted_facts(
    root: Path, requests: list[tuple[str, str]], period_metadata: dict[str, Any],
    variables_file: Path,
) -> dict[tuple[str, str], list[str]]:
    """For each ``(document, output format)``, the fact names it quotes, in order (repeats
    kept). The project is staged once for all of them."""
    variables = yaml.safe_load(Path(variables_file).read_text(encoding="utf-8")) or {}
    with tempfile.TemporaryDirectory(prefix="reportkit-quoted-") as tmp:
        stage = stage_project(Path(root), Path(tmp) / "project",
                              facts_display={k: str(v) for k, v in variables.items()},
                              period_metadata=period_metadata, reference_doc=False)
        project = Project.load(stage)
        return {(document, fmt): _quoted(project, document, fmt) for document, fmt in requests}


def _quoted(project: Project, document: str, output_format: str) -> list[str]:
    path = project.document_path(document)
    front, body, offset = split_front_matter(path.read_text(encoding="utf-8"), path)
    lines = [SourceLine(text, path, n) for n, text in enumerate(body, start=offset + 1)]
    metadata = project.metadata_for(front, output_format)
    ctx = ExpandContext(project.root, path, project.variables, metadata,
                        project.root / "figures", output_format=output_format,
                        skip_embeds=True)
    expand(lines, ctx)
    return list(ctx.quoted)
