"""The revisions an edition makes to the one it revises (``revises`` in the params): each
published figure whose value or display changed, with its old and new value and the reason.

The build lists them in the annual report's "Revisions" section (through
``reportkit.render.provenance`` and ``report/style/provenance.lua``); verify checks that section
against ``reportkit diff`` of the two editions' facts (``reportkit.publish.diff``).
"""

from __future__ import annotations

from pathlib import Path

from reportkit import config
from reportkit.analysis import facts as facts_
from reportkit.errors import BuildError, ParamsError
from reportkit.publish.diff import fact_changes


def earlier_facts(revises: config.Revises, root: Path) -> dict[str, facts_.Fact]:
    """The facts of the edition ``revises`` names; ParamsError naming the key when it cannot
    be read."""
    path = revises.facts_path(root)
    if not path.is_file():
        raise ParamsError(f"revises.edition: {path} does not exist; name the earlier edition's "
                          "build folder or its facts.json (e.g. a copy under data/published/)")
    try:
        return facts_.read_json(path)
    except BuildError as exc:
        raise ParamsError(f"revises.edition: {exc}") from None


def revision_rows(revises: config.Revises, earlier: dict[str, facts_.Fact],
                  current: dict[str, facts_.Fact]) -> list[dict[str, str]]:
    """One row per figure of ``current`` whose value or display differs from ``earlier``: its
    name, label, old and new display, and reason. A fact added or removed is not a revision of
    a published figure, so it is not listed. ParamsError when ``reasons`` names a fact that
    did not change."""
    changed = [c for c in fact_changes(earlier, current) if c.kind == "changed"]
    names = {change.name for change in changed}
    unknown = sorted(set(revises.reasons) - names)
    if unknown:
        raise ParamsError(f"revises.reasons: {', '.join(unknown)} did not change from "
                          f"{revises.label}; give reasons only for revised figures (changed: "
                          f"{', '.join(sorted(names)) or 'none'})")
    rows = []
    for change in changed:
        rows.append({"name": change.name, "label": current[change.name].title(),
                     "old": change.old or "", "new": change.new or "",
                     "reason": revises.reasons.get(change.name, revises.reason)})
    return rows


def introduction(revises: config.Revises, rows: list[dict[str, str]]) -> str:
    """The sentence that opens the Revisions section."""
    if not rows:
        return f"This edition revises {revises.label}. No published figure changed."
    figures = "one published figure" if len(rows) == 1 else f"{len(rows)} published figures"
    return (f"This edition revises {revises.label}: {figures} changed. Each is listed with its "
            "value in both editions and the reason for the change.")
