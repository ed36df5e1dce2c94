""""About the figures": what the annex of each document says about every fact it quotes.

The staged project carries ``_provenance.json`` (written here from ``facts.json``); the shared
filter ``report/style/provenance.lua`` reads it in both engines, links each quoted fact to its
entry in the HTML (``#fact-<name>``) and appends the annex: a list of entries in HTML, a table
in PDF and Word. The text is plain strings, so the filter builds it as Pandoc text elements and
nothing in it is read as Markdown (no escaping needed, none possible to get wrong).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reportkit.analysis.facts import Fact
from reportkit.analysis.gss import number_text

#: The file in a staged project (beside ``_quarto.yml``) that the filter reads.
PROVENANCE_FILE = "_provenance.json"
#: The annex's heading and its id (the target of the links back from the text).
ANNEX_TITLE = "About the figures"
ANNEX_ID = "about-the-figures"

_UNITS = {
    "count": "a count",
    "days": "a number of days",
    "rate": "a rate",
    "text": "text computed from the data",
}


def unit_text(fact: Fact) -> str:
    """The fact's unit, with its rounding where it has one."""
    places = "no decimal places" if fact.dp == 0 else f"{fact.dp} decimal places"
    if fact.unit == "percent":
        return f"a percentage, rounded half-up to {places}"
    if fact.unit == "ratio":
        return f"a ratio, rounded half-up to {places}"
    return _UNITS.get(fact.unit, fact.unit)


def open_data_text(fact: Fact) -> str | None:
    """Where the fact appears in the open data, or None."""
    if fact.table is None:
        return None
    row = ", ".join(f"{key} = {value}" for key, value in (fact.table_row or {}).items())
    return f"tables/{fact.table}, the row where {row}, column {fact.table_column}"


def entry(fact: Fact) -> dict[str, Any]:
    """One fact's annex entry: its label, its value as the text shows it, and its fields as
    (term, text) pairs in reading order."""
    fields: list[tuple[str, str]] = []
    if fact.definition:
        fields.append(("Definition", fact.definition))
    if fact.numerator is not None:
        fields.append(("Numerator", f"{number_text(fact.numerator)} "
                                    f"{fact.definition or fact.label}"))
    if fact.denominator is not None:
        fields.append(("Denominator", f"{number_text(fact.denominator)} "
                                      f"{fact.denominator_label or ''}".rstrip()))
    fields.append(("Unit", unit_text(fact)))
    if fact.notebook:
        fields.append(("Computed in", f"notebook {fact.notebook}, cell {fact.cell_id}"))
    found = open_data_text(fact)
    if found:
        fields.append(("Open data", found))
    return {"name": fact.name, "label": fact.title(), "value": fact.display,
            "fields": [list(pair) for pair in fields]}


def provenance(facts: Mapping[str, Fact], revisions: Sequence[Mapping[str, str]] | None = None,
               revisions_intro: str = "") -> dict[str, Any]:
    """``_provenance.json``'s content: the annex entry of every fact, by name, the annex's title
    and id, and the edition's revisions (None: it revises no edition, so no Revisions section;
    the rows come from ``reportkit.publish.revisions``)."""
    body: dict[str, Any] = {"title": ANNEX_TITLE, "id": ANNEX_ID,
                            "facts": {name: entry(fact) for name, fact in facts.items()}}
    if revisions is not None:
        body["revisions"] = {"intro": revisions_intro, "rows": [dict(row) for row in revisions]}
    return body


