"""Phrases for counts that read naturally whatever the count: none, one or many.

The narrative quotes these as text facts where a sentence would otherwise read "the 0 still
awaiting one" or "The number of periods shown is 2". Numbers are written as numerals except
``one`` (GOV.UK style); none is written ``none`` or ``no``. Pure functions, no I/O.
"""

from __future__ import annotations

__all__ = [
    "count_of",
    "decisions_made",
    "how_many",
    "range_of_counts",
    "sex_not_male_or_female",
    "trend_periods",
]


def _check(n: int) -> int:
    if isinstance(n, bool) or int(n) != n or n < 0:
        raise ValueError(f"a count must be a whole number of at least 0, not {n!r}")
    return int(n)


def how_many(n: int) -> str:
    """``none``, ``one`` or the numeral: "Of these notifications, 12 involved ..."."""
    n = _check(n)
    return "none" if n == 0 else "one" if n == 1 else str(n)


def count_of(n: int, singular: str, plural: str) -> str:
    """``no children``, ``one child`` or ``12 children``."""
    n = _check(n)
    return f"no {plural}" if n == 0 else f"one {singular}" if n == 1 else f"{n} {plural}"


def range_of_counts(low: int, high: int) -> str:
    """The counts from ``low`` to ``high``: ``1``, ``1 or 2``, ``1 to 5``."""
    low, high = _check(low), _check(high)
    if high < low:
        raise ValueError(f"the range {low} to {high} is empty")
    if high == low:
        return str(low)
    return f"{low} or {high}" if high == low + 1 else f"{low} to {high}"


def sex_not_male_or_female(transgender: int, not_known: int) -> str:
    """The sentence on children recorded neither as male nor as female."""
    transgender, not_known = _check(transgender), _check(not_known)
    if transgender == 0 and not_known == 0:
        return "Every child was recorded as male or female."
    if not_known == 0:
        who = "child was" if transgender == 1 else f"{transgender} children were"
        return f"The remaining {who} recorded as transgender."
    if transgender == 0:
        who = "child" if not_known == 1 else f"{not_known} children"
        return f"The sex of the remaining {who} was not known."
    verb = "was" if transgender == 1 else "were"
    return (f"Of the remaining children, {how_many(transgender)} {verb} recorded as "
            f"transgender and the sex of {how_many(not_known)} was not known.")


def decisions_made(pending: int) -> str:
    """Which notifications had a local review decision: ``every notification``,
    ``every notification but one``, ``all but 3 notifications``."""
    pending = _check(pending)
    if pending == 0:
        return "every notification"
    return "every notification but one" if pending == 1 else f"all but {pending} notifications"


def trend_periods(n: int) -> str:
    """Which reporting periods a trend shows, ending with this one."""
    n = _check(n)
    if n == 0:
        raise ValueError("a trend shows at least this reporting period")
    if n == 1:
        return "this reporting period only, as there is no earlier one in the data"
    if n == 2:
        return "both reporting periods up to and including this one"
    return f"the {n} reporting periods up to and including this one"
