"""``reportkit.data.rules``: every declared rule across cells, rows and the two tables has an
example that breaks it, and each is enforced on the file, line and column it is stated on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from small_data import Row

from reportkit.data import codes
from reportkit.data.rules import RULES
from reportkit.data.validated import validate


def _other_region(row: Row) -> str:
    return next(code for code in codes.codes("regions") if code != row["region_code"])


#: One example per declared rule: an edit of the valid tables, and the problem it must raise.
RULE_EXAMPLES: dict[str, tuple[Callable[[list[Row], list[Row]], None], tuple]] = {
    "unique_notification_id": (lambda n, c: n[3].update(notification_id="N000003"),
                               ("notifications.csv", 5, "notification_id")),
    "notification_has_children": (lambda n, c: c.pop(),
                                  ("notifications.csv", 5, "notification_id")),
    "incident_not_after_notification": (lambda n, c: n[0].update(incident_date="2020-05-02"),
                                        ("notifications.csv", 2, "incident_date")),
    "la_name_matches": (lambda n, c: n[0].update(la_name="Nowhere"),
                        ("notifications.csv", 2, "la_name")),
    "region_of_authority": (lambda n, c: n[0].update(region_code=_other_region(n[0])),
                            ("notifications.csv", 2, "region_code")),
    "region_name_matches": (lambda n, c: n[0].update(region_name="Nowhere"),
                            ("notifications.csv", 2, "region_name")),
    "cause_of_death_for_deaths": (lambda n, c: n[0].update(cause_of_death=""),
                                  ("notifications.csv", 2, "cause_of_death")),
    "form_of_harm_for_non_fatal": (lambda n, c: n[1].update(form_of_harm=""),
                                   ("notifications.csv", 3, "form_of_harm")),
    "non_accidental_injury_is_physical_serious_harm": (
        lambda n, c: n[2].update(non_accidental_injury="1"),
        ("notifications.csv", 4, "non_accidental_injury")),
    "neglect_feature_with_neglect": (lambda n, c: n[2].update(neglect_feature="0"),
                                     ("notifications.csv", 4, "neglect_feature")),
    "review_not_before_notification": (lambda n, c: n[1].update(rapid_review_date="2020-04-30"),
                                       ("notifications.csv", 3, "rapid_review_date")),
    "decision_follows_review": (lambda n, c: n[2].update(local_review_decision="lcspr"),
                                ("notifications.csv", 4, "local_review_decision")),
    "unique_child_id": (lambda n, c: c[1].update(child_id="C000001"),
                        ("children.csv", 3, "child_id")),
    "child_of_a_notification": (lambda n, c: c[0].update(notification_id="N000099"),
                                ("children.csv", 2, "notification_id")),
}


def test_every_declared_rule_has_an_example() -> None:
    assert sorted(RULE_EXAMPLES) == sorted(rule.id for rule in RULES)


@pytest.mark.parametrize("rule_id", sorted(RULE_EXAMPLES))
def test_each_rule_is_enforced(make_data: Callable[..., Path], rule_id: str) -> None:
    edit, where = RULE_EXAMPLES[rule_id]
    problems = validate(make_data(edit))
    assert where in {(p.file, p.row, p.column) for p in problems}
    declared = next(rule for rule in RULES if rule.id == rule_id)
    assert (declared.file, declared.column) == (where[0], where[2])
