"""The data dictionary, declared once: every column of the two tables, its type, its code list,
its meaning and its rules. The validator (``reportkit.data.validated`` and ``reportkit.data.rules``)
reads its column rules from here, and the data dictionary in ``data/README.md`` and
``docs/architecture.md`` is generated from here with the rules (``python -m
reportkit.data.dictionary_doc`` rewrites it; a test checks the committed text is current).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

NOTIFICATIONS_FILE = "notifications.csv"
CHILDREN_FILE = "children.csv"

#: The first allowed ``notification_date``: the Panel's start. The last is the day of validation.
FIRST_NOTIFICATION_DATE = date(2018, 7, 1)
#: No ``incident_date`` may precede this.
EARLIEST_INCIDENT_DATE = date(2018, 1, 1)
#: Inclusive range of ``age_years``.
AGE_RANGE: tuple[int, int] = (0, 17)
#: Id formats: a letter and 6 digits.
ID_PATTERNS = {"notification_id": r"N[0-9]{6}", "child_id": r"C[0-9]{6}"}

Kind = Literal["id", "date", "text", "code", "flag", "integer"]


@dataclass(frozen=True)
class Column:
    """One column: its type, code list and meaning. Cells are required unless ``optional``."""

    name: str
    kind: Kind
    meaning: str
    codes: str | None = None  # the code list (data/codes/<codes>.csv) of a coded column
    # optional: may be empty (a rule in reportkit.data.rules, or the meaning, says when)
    optional: bool = False
    range_text: str = ""  # the column's own range rule, as the dictionary states it

    def type_text(self) -> str:
        return {"id": "string", "text": "string"}.get(self.kind, self.kind)

    def column_rules(self) -> list[str]:
        """The rules the column-level checks enforce, as the dictionary states them."""
        rules = [] if self.optional else ["required"]
        if self.kind == "id" and self.name in ID_PATTERNS:
            rules.append(f"`{ID_PATTERNS[self.name][0]}` + 6 digits")
        if self.range_text:
            rules.append(self.range_text)
        return rules


NOTIFICATION_TABLE: tuple[Column, ...] = (
    Column("notification_id", "id", "the notification's id"),
    Column("notification_date", "date", "date the Panel was notified; every period is by this "
           "date", range_text=f"from {FIRST_NOTIFICATION_DATE} (the Panel's start) to the day "
           "of validation"),
    Column("incident_date", "date", "date of the incident",
           range_text=f"on or after {EARLIEST_INCIDENT_DATE}"),
    Column("la_code", "code", "notifying upper-tier local authority (ONS UTLA21 code)",
           codes="local_authorities"),
    Column("la_name", "text", "the authority's name"),
    Column("region_code", "code", "the authority's region (ONS E12 code)", codes="regions"),
    Column("region_name", "text", "the region's name"),
    Column("outcome", "code", "`death`, `serious_harm` or `other`", codes="outcome"),
    Column("cause_of_death", "code", "primary cause of a death", codes="cause_of_death",
           optional=True),
    Column("form_of_harm", "code", "primary form of non-fatal harm", codes="form_of_harm",
           optional=True),
    Column("non_accidental_injury", "flag", "non-accidental injury"),
    Column("domestic_abuse", "flag", "domestic abuse a feature of the case"),
    Column("maternal_mental_health", "flag", "maternal mental ill-health"),
    Column("paternal_mental_health", "flag", "paternal mental ill-health (both flags may be 1)"),
    Column("child_mental_health", "flag", "the child had experienced mental ill-health"),
    Column("parental_alcohol_misuse", "flag", "parental alcohol misuse"),
    Column("parental_drug_misuse", "flag", "parental drug misuse"),
    Column("neglect_feature", "flag", "neglect an underlying feature, whatever the primary harm"),
    Column("exploitation_background", "flag",
           "criminal exploitation, gang activity or county lines in the background"),
    Column("previously_known", "flag", "the child was previously identified as vulnerable by "
           "the child protection system"),
    Column("rapid_review_date", "date", "date the Panel received the rapid review; empty if "
           "not yet received", optional=True),
    Column("local_review_decision", "code", "`lcspr` (a local child safeguarding practice "
           "review), `no_lcspr` or `pending`", codes="local_review_decision"),
)

CHILD_TABLE: tuple[Column, ...] = (
    Column("child_id", "id", "the child's pseudonymous id"),
    Column("notification_id", "id", "the child's notification"),
    Column("age_years", "integer", "age at the incident in whole years",
           range_text=f"{AGE_RANGE[0]} to {AGE_RANGE[1]}"),
    Column("sex", "code", "`male`, `female`, `transgender`, `not_known` (as the Panel records "
           "it; EES groups the last two as Unknown)", codes="sex"),
    Column("ethnicity", "code", "ONS 2011 ethnic group as coded by DfE (e.g. `WBRI`); "
           "`ethnicity_major` in the code list gives the EES major group", codes="ethnicity"),
)

#: The ``outcome`` codes: a fatal incident, and the two non-fatal ones (serious harm first).
FATAL = "death"
SERIOUS_HARM = "serious_harm"
NON_FATAL: tuple[str, ...] = (SERIOUS_HARM, "other")

TABLES: dict[str, tuple[Column, ...]] = {
    NOTIFICATIONS_FILE: NOTIFICATION_TABLE,
    CHILDREN_FILE: CHILD_TABLE,
}
CAPTIONS = {
    NOTIFICATIONS_FILE: "one row per serious incident notification",
    CHILDREN_FILE: "one row per child in a notification",
}

#: What the shipped synthetic data also satisfy, beyond the rules (generator properties: real
#: data need not, so validation does not require them).
SYNTHETIC_PROPERTIES = (
    "`incident_date` is 0 to 20 days before `notification_date` (mostly 1 to 5)",
    "ids are in notification-date order; `child_id` in notification order",
    "every notification has 1 to 3 children, and siblings' ages differ",
    "`non_accidental_injury` is 1 only where the first child is under 2",
    "`child_mental_health` is never 1 where the first child is under 5",
    "every rapid review arrives after the notification day; none after 2024-03-31",
)
