"""Small output folders for the publish tests (``test_output_folder.py``,
``test_build_faults.py``): files and a manifest recording their hashes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from reportkit.publish import output_folder


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its SHA-256 (the byte-for-byte state of an output)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def whole_folder(folder: Path, text: str) -> Path:
    """A small output folder with a manifest recording its files' hashes."""
    (folder / "notebooks").mkdir(parents=True)
    (folder / "facts.json").write_text(json.dumps({"n": text}))
    (folder / "notebooks" / "01.ipynb").write_text(text)
    (folder / "manifest.json").write_text(json.dumps(
        {"output_hashes": output_folder.output_hashes(folder)}))
    return folder
