"""The rules across cells, rows and the two tables, declared as a table of :class:`Rule`
objects: each with the sentence the data dictionary states and the check that enforces it.

Column-level rules (required cells, id formats, codes, flags, dates, ranges) follow from the
column declarations in :mod:`reportkit.data.dictionary` and are checked in
:mod:`reportkit.data.validated`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from reportkit.data.dictionary import (
    CHILDREN_FILE,
    FATAL,
    ID_PATTERNS,
    NON_FATAL,
    NOTIFICATIONS_FILE,
)
from reportkit.data.raw import CodeLists, Problem, Table, parse_dates

N, C = NOTIFICATIONS_FILE, CHILDREN_FILE


@dataclass(frozen=True)
class Context:
    """What a rule sees: the tables read as text (by role; absent when unreadable), code lists."""

    tables: dict[str, Table]
    lists: CodeLists

    @property
    def notifications(self) -> Table:
        return self.tables[N]

    @property
    def children(self) -> Table:
        return self.tables[C]


@dataclass(frozen=True)
class Rule:
    """One documented rule: the file and column it is stated on, its text and its check.

    ``needs`` lists the (file, column) pairs the check reads; the rule is skipped when one is
    missing (that problem is reported on its own).
    """

    id: str
    file: str
    column: str
    text: str
    check: Callable[[Context], list[Problem]]
    needs: tuple[tuple[str, str], ...]

    def applies(self, context: Context) -> bool:
        return all(file in context.tables and column in context.tables[file].frame.columns
                   for file, column in self.needs)


RULES: list[Rule] = []


def rule(file: str, column: str, text: str, *needs: str | tuple[str, str]):
    """Declare the decorated check as rule ``text`` on ``column`` of ``file``.

    ``needs``: further columns it reads (of ``file``, or ``(file, column)``).
    """

    def register(check: Callable[[Context], list[Problem]]):
        pairs = [(file, column)] + [(n if isinstance(n, tuple) else (file, n)) for n in needs]
        RULES.append(Rule(check.__name__.strip("_"), file, column, text, check, tuple(pairs)))
        return check

    return register


def check_all(tables: dict[str, Table], lists: CodeLists) -> list[Problem]:
    """Every problem the rules find (rules whose columns are missing are skipped)."""
    context = Context(tables, lists)
    problems: list[Problem] = []
    for declared in RULES:
        if declared.applies(context):
            problems += declared.check(context)
    return problems


def cells(table: Table, mask: pd.Series, column: str,
          message: Callable[[int], str] | str) -> list[Problem]:
    """One problem per row where ``mask`` is true, about ``column``."""
    values = table.frame[column]
    return [
        Problem(table.name, table.line(position), column, values.iat[position],
                message(position) if callable(message) else message)
        for position in mask.to_numpy().nonzero()[0]
    ]


def _duplicates(table: Table, column: str) -> list[Problem]:
    """Repeated ids: every occurrence after the first, citing the first."""
    values = table.frame[column]
    repeated = values.duplicated(keep="first") & (values != "")
    first = {value: position for position, value in reversed(list(enumerate(values)))}
    return cells(table, repeated, column, lambda p: (
        f"is a duplicate; {column} must be unique (first used on line "
        f"{table.line(first[values.iat[p]])})"))


def _unmatched_ids(table: Table, other: Table, message: str) -> list[Problem]:
    """Cells of ``table`` whose well-formed ``notification_id`` is not in ``other`` (the link
    between the two files, checked from either side)."""
    if not other.complete:  # a CSV syntax error stopped reading: ids may be missing
        return []
    ids = table.frame["notification_id"]
    return cells(table, ids.str.fullmatch(ID_PATTERNS["notification_id"])
                 & ~ids.isin(other.values("notification_id")), "notification_id", message)


# --- notifications.csv ------------------------------------------------------------------------


@rule(N, "notification_id", "unique")
def _unique_notification_id(ctx: Context) -> list[Problem]:
    return _duplicates(ctx.notifications, "notification_id")


@rule(N, "notification_id", f"every notification has at least one child in `{C}`",
      (C, "notification_id"))
def _notification_has_children(ctx: Context) -> list[Problem]:
    return _unmatched_ids(ctx.notifications, ctx.children,
                          f"has no children in {ctx.children.name}; every notification needs at "
                          "least one child row")


@rule(N, "incident_date", "not after `notification_date`", "notification_date")
def _incident_not_after_notification(ctx: Context) -> list[Problem]:
    frame = ctx.notifications.frame
    incident = parse_dates(frame["incident_date"])
    notified = parse_dates(frame["notification_date"])
    return cells(ctx.notifications, incident > notified, "incident_date", lambda p: (
        f"is after notification_date {frame['notification_date'].iat[p]}; an incident cannot "
        "be notified before it happens, so check both dates"))


def _authorities(ctx: Context) -> dict[str, dict[str, str]]:
    return {row["la_code"]: row for row in ctx.lists.rows("local_authorities")}


def _regions(ctx: Context) -> dict[str, str]:
    return {row["region_code"]: row["region_name"] for row in ctx.lists.rows("regions")}


@rule(N, "la_name", "matches `la_code` in the code list", "la_code")
def _la_name_matches(ctx: Context) -> list[Problem]:
    authorities, frame = _authorities(ctx), ctx.notifications.frame
    la = frame["la_code"]
    expected = la.map(lambda code: authorities.get(code, {}).get("la_name", ""))
    where = ctx.lists.where("local_authorities")
    return cells(ctx.notifications, la.isin(authorities.keys()) & (frame["la_name"] != expected),
                 "la_name", lambda p: (f"does not match la_code {la.iat[p]}; expected "
                                       f"'{expected.iat[p]}' (see {where})"))


@rule(N, "region_code", "the region of `la_code` in `codes/local_authorities.csv`", "la_code")
def _region_of_authority(ctx: Context) -> list[Problem]:
    authorities, regions, frame = _authorities(ctx), _regions(ctx), ctx.notifications.frame
    la, region = frame["la_code"], frame["region_code"]
    expected = la.map(lambda code: authorities.get(code, {}).get("region_code", ""))
    where = ctx.lists.where("local_authorities")
    return cells(ctx.notifications,
                 la.isin(authorities.keys()) & region.isin(regions.keys()) & (region != expected),
                 "region_code", lambda p: (
                     f"is not the region of la_code {la.iat[p]}; expected {expected.iat[p]} "
                     f"({regions.get(expected.iat[p], '?')}; see {where})"))


@rule(N, "region_name", "matches `region_code` in the code list", "region_code")
def _region_name_matches(ctx: Context) -> list[Problem]:
    authorities, regions, frame = _authorities(ctx), _regions(ctx), ctx.notifications.frame
    region = frame["region_code"]
    expected = region.map(lambda code: regions.get(code, ""))
    conflict = pd.Series(False, index=frame.index)  # region_code contradicts la_code: reported
    if "la_code" in frame.columns:                   # there, not here
        la_region = frame["la_code"].map(
            lambda code: authorities.get(code, {}).get("region_code", ""))
        conflict = (la_region != "") & (la_region != region)
    where = ctx.lists.where("regions")
    return cells(ctx.notifications,
                 region.isin(regions.keys()) & ~conflict & (frame["region_name"] != expected),
                 "region_name", lambda p: (f"does not match region_code {region.iat[p]}; "
                                           f"expected '{expected.iat[p]}' (see {where})"))


@rule(N, "cause_of_death", f"required when `outcome` is `{FATAL}`, empty otherwise", "outcome")
def _cause_of_death_for_deaths(ctx: Context) -> list[Problem]:
    frame = ctx.notifications.frame
    outcome, cause = frame["outcome"], frame["cause_of_death"]
    allowed = ctx.lists.allowed("cause_of_death")
    return cells(ctx.notifications, (outcome == FATAL) & (cause == ""), "cause_of_death",
                 f"empty; required when outcome is '{FATAL}', {allowed}") + cells(
        ctx.notifications, outcome.isin(NON_FATAL) & (cause != ""), "cause_of_death",
        lambda p: (f"should be empty: a cause of death applies only when outcome is '{FATAL}' "
                   f"(outcome here is '{outcome.iat[p]}')"))


@rule(N, "form_of_harm", f"required when `outcome` is {' or '.join(f'`{o}`' for o in NON_FATAL)}"
      ", empty for deaths", "outcome")
def _form_of_harm_for_non_fatal(ctx: Context) -> list[Problem]:
    frame = ctx.notifications.frame
    outcome, harm = frame["outcome"], frame["form_of_harm"]
    allowed = ctx.lists.allowed("form_of_harm")
    return cells(ctx.notifications, outcome.isin(NON_FATAL) & (harm == ""), "form_of_harm",
                 lambda p: (f"empty; required for non-fatal incidents (outcome here is "
                            f"'{outcome.iat[p]}'), {allowed}")) + cells(
        ctx.notifications, (outcome == FATAL) & (harm != ""), "form_of_harm",
        f"should be empty: a form of harm applies only to non-fatal incidents (outcome here is "
        f"'{FATAL}'; record the cause in cause_of_death)")


@rule(N, "non_accidental_injury", "1 only when `outcome` is `serious_harm` and `form_of_harm` "
      "is `physical_abuse`", "outcome", "form_of_harm")
def _non_accidental_injury_is_physical_serious_harm(ctx: Context) -> list[Problem]:
    frame = ctx.notifications.frame
    outcome, harm = frame["outcome"], frame["form_of_harm"]
    allowed = (outcome == "serious_harm") & (harm == "physical_abuse")
    # Where outcome or form_of_harm is itself wrong (empty, unknown), that is the problem.
    judged = outcome.isin(ctx.lists.codes("outcome")) & (
        (outcome == FATAL) | harm.isin(ctx.lists.codes("form_of_harm")))
    return cells(ctx.notifications, (frame["non_accidental_injury"] == "1") & ~allowed & judged,
                 "non_accidental_injury", lambda p: (
                     "is not allowed here: non-accidental injury is recorded only for non-fatal "
                     f"incidents of serious harm by physical abuse (outcome here is "
                     f"'{outcome.iat[p]}', form_of_harm '{harm.iat[p]}'); use 0, or correct "
                     "those"))


@rule(N, "neglect_feature", "1 whenever `form_of_harm` is `neglect`", "form_of_harm", "outcome")
def _neglect_feature_with_neglect(ctx: Context) -> list[Problem]:
    frame = ctx.notifications.frame
    non_fatal = frame["outcome"].isin(NON_FATAL)  # for a death, form_of_harm is the problem
    return cells(ctx.notifications, non_fatal & (frame["form_of_harm"] == "neglect")
                 & (frame["neglect_feature"] == "0"),
                 "neglect_feature",
                 "must be 1 when form_of_harm is 'neglect' (neglect is then a feature of the "
                 "case); use 1, or correct form_of_harm")


@rule(N, "rapid_review_date", "not before `notification_date`", "notification_date")
def _review_not_before_notification(ctx: Context) -> list[Problem]:
    frame = ctx.notifications.frame
    review = parse_dates(frame["rapid_review_date"])
    notified = parse_dates(frame["notification_date"])
    return cells(ctx.notifications, review < notified, "rapid_review_date", lambda p: (
        f"is before notification_date {frame['notification_date'].iat[p]}; the rapid review "
        "follows the notification (leave it empty if not yet received)"))


@rule(N, "local_review_decision", "`pending` while `rapid_review_date` is empty (the decision "
      "follows the rapid review)", "rapid_review_date")
def _decision_follows_review(ctx: Context) -> list[Problem]:
    frame = ctx.notifications.frame
    decision = frame["local_review_decision"]
    return cells(ctx.notifications,
                 (frame["rapid_review_date"] == "") & decision.isin({"lcspr", "no_lcspr"}),
                 "local_review_decision",
                 "is not allowed without a rapid review: the decision follows the rapid review, "
                 "so use 'pending', or fill in rapid_review_date")


# --- children.csv -----------------------------------------------------------------------------


@rule(C, "child_id", "unique")
def _unique_child_id(ctx: Context) -> list[Problem]:
    return _duplicates(ctx.children, "child_id")


@rule(C, "notification_id", f"a `notification_id` in `{N}`", (N, "notification_id"))
def _child_of_a_notification(ctx: Context) -> list[Problem]:
    return _unmatched_ids(ctx.children, ctx.notifications,
                          f"is not a notification_id in {ctx.notifications.name}; every child "
                          "must belong to a notification (correct the id, or add the "
                          "notification)")
