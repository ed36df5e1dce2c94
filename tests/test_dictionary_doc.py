"""``reportkit.data.dictionary_doc``: the data dictionary as documented (data/README.md and
docs/architecture.md) is the one declared in code, and states every rule and column."""

from __future__ import annotations

from pathlib import Path

from reportkit.data import dictionary_doc
from reportkit.data.rules import RULES
from reportkit.data.validated import CHILD_COLUMNS, NOTIFICATION_COLUMNS


def test_the_documented_dictionary_is_the_declared_one() -> None:
    """data/README.md and docs/architecture.md hold the dictionary generated from the code
    (``python -m reportkit.data.dictionary_doc`` rewrites them)."""
    repo = Path(__file__).resolve().parents[1]
    for name in dictionary_doc.DOCUMENTS:
        assert dictionary_doc.section() in (repo / name).read_text(encoding="utf-8"), name


def test_the_dictionary_states_every_rule_and_column() -> None:
    text = dictionary_doc.markdown()
    for rule in RULES:
        assert rule.text.replace("|", "\\|") in text
    for column in NOTIFICATION_COLUMNS + CHILD_COLUMNS:
        assert f"| `{column}` |" in text
