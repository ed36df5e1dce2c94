"""The staged Quarto project of one period: what every engine renders, and what a reviewer runs
``quarto render`` in by hand.

A staged project holds the project's ``_quarto.yml`` and ``report/`` (narrative and house style),
and, written here for the period:

* ``_variables.yml``: each fact as Markdown, ``[482]{.fact data-fact="notifications_total"}``.
  Quarto and the built-in engine both read a variable as Markdown; the span names the fact in
  the HTML (``reportkit verify`` reads it) and is plain text in Word and PDF;
* ``_period.yml``: the period metadata, the synthetic-data wording and the flags;
* ``_provenance.json``: what the annex "About the figures" says of each fact, and the edition's
  revisions (``reportkit.render.provenance``; read by ``report/style/provenance.lua``);
* ``notebooks/``: the reader's copy of each executed notebook (see ``reader_copy``);
* ``report/style/reference.docx``: the Word reference document with the house styles.

Text from params and data reaches the documents only through Markdown, so every string is
escaped for Markdown here, once; Pandoc then escapes it for HTML, Typst and Word.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from reportkit.escape import markdown_text
from reportkit.render.docx_reference import build_reference_docx
from reportkit.render.notice import SYNTHETIC_LABEL
from reportkit.render.pandoc import pandoc_path
from reportkit.render.provenance import PROVENANCE_FILE
from reportkit.render.reader_copy import write_reader_copies

SYNTHETIC_NOTICE = (
    "Figures in this report are computed from SYNTHETIC data generated to test and demonstrate "
    "the reporting pipeline. They are not official statistics and do not describe real children "
    "or incidents; do not quote them."
)
#: Where the Word reference document goes in a staged project (named in ``_quarto.yml``).
REFERENCE_DOCX = Path("report") / "style" / "reference.docx"

def fact_markdown(name: str, display: str) -> str:
    """A fact as the narrative shows it: its text, marked with its name."""
    return f'[{markdown_text(display)}]{{.fact data-fact="{name}"}}'


def document_metadata(period_metadata: Mapping[str, Any]) -> dict[str, Any]:
    """``_period.yml``: the period metadata (strings escaped) and the synthetic-data wording."""
    metadata = {k: markdown_text(v) if isinstance(v, str) else v
                for k, v in period_metadata.items()}
    metadata["synthetic_label"] = markdown_text(SYNTHETIC_LABEL)
    metadata["synthetic_notice"] = markdown_text(SYNTHETIC_NOTICE)
    return metadata


def _write_yaml(path: Path, body: Mapping[str, Any], comment: str) -> None:
    path.write_text(f"# {comment}\n" + yaml.safe_dump(dict(body), sort_keys=True,
                                                      allow_unicode=True), encoding="utf-8")


def stage_project(
    root: Path,
    target: Path,
    *,
    facts_display: Mapping[str, str],
    period_metadata: Mapping[str, Any],
    notebooks: Path | None = None,
    reference_doc: bool = True,
    provenance: Mapping[str, Any] | None = None,
) -> Path:
    """Stage the project of ``root`` in ``target`` (replaced) and return ``target``.

    ``facts_display`` maps each fact to the text it shows; ``notebooks`` holds the executed
    notebooks (None: no embeds will be expanded, as when listing the facts a document quotes);
    ``reference_doc=False`` skips the Word reference document (it needs Pandoc);
    ``provenance`` is ``_provenance.json``'s content (``reportkit.render.provenance``), read by
    the annex filter (None: no annex).
    """
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy2(root / "_quarto.yml", target / "_quarto.yml")
    shutil.copytree(root / "report", target / "report")
    _write_yaml(target / "_variables.yml",
                {name: fact_markdown(name, text) for name, text in facts_display.items()},
                "Written by reportkit from facts.json: each fact as Markdown, marked by name.")
    metadata = document_metadata(period_metadata)
    _write_yaml(target / "_period.yml", metadata,
                "Written by reportkit from the period's params file.")
    if provenance is not None:
        (target / PROVENANCE_FILE).write_text(
            json.dumps(provenance, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if notebooks is not None:
        write_reader_copies(notebooks, target / "notebooks")
    if reference_doc:
        build_reference_docx(
            pandoc_path(), target / REFERENCE_DOCX,
            header_label=SYNTHETIC_LABEL if metadata.get("synthetic_data") else None,
            title=str(period_metadata.get("report_title", "")),
        )
    return target
