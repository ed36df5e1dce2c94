"""Pure statistics for the report: shares, breakdowns, periods, comparisons, series, working days.

Every function here is pure (no I/O) and every result carries what it was computed from: a
``Share`` keeps its numerator, denominator and definition, a ``Breakdown`` its denominator, a
``PeriodComparison`` both counts. Percentages are kept unrounded; rounding happens once, at the
published precision, with :func:`round_half_up` (from ``reportkit.analysis.gss``, the one home of
the house rules: the Panel's figures are rounded half-up, so 16.5% is published as 17%).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd

from reportkit.analysis.gss import round_half_up
from reportkit.data import calendar
from reportkit.data.dictionary import AGE_RANGE

__all__ = [
    "AGE_BANDS",
    "Breakdown",
    "PeriodComparison",
    "Share",
    "Timeliness",
    "age_band",
    "breakdown",
    "children_of",
    "compare_counts",
    "crosstab",
    "day_bands",
    "ethnic_group",
    "incident_kind",
    "monthly_series",
    "rapid_review_timeliness",
    "round_half_up",
    "select_period",
    "share",
    "working_days_between",
]

DateLike = date | str | pd.Timestamp

#: The Panel's age bands for the child's age at the incident, youngest first.
AGE_BANDS: tuple[str, ...] = ("Under 1", "1 to 4", "5 to 9", "10 to 14", "15 to 17")
_AGE_BAND_EDGES = (AGE_RANGE[0], 1, 5, 10, 15, AGE_RANGE[1] + 1)  # band i: [edge i, edge i+1)


# --------------------------------------------------------------------------------------------
# Shares and breakdowns


@dataclass(frozen=True)
class Share:
    """A count out of a denominator, with the definition of both.

    ``percent`` is unrounded (0-100); ``rounded(dp)`` is the published figure, rounded half-up
    exactly from the integer counts. A zero denominator gives NaN, never an error.
    """

    numerator: int
    denominator: int
    definition: str = ""
    #: The category this share is of (a breakdown's row label), when it is one: a published
    #: table's row with that label is where the share appears in the open data.
    category: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        numerator, denominator = _as_count(self.numerator), _as_count(self.denominator)
        if numerator > denominator:
            raise ValueError(
                f"share numerator {numerator} exceeds its denominator {denominator}"
                + (f" ({self.definition})" if self.definition else "")
            )
        object.__setattr__(self, "numerator", numerator)
        object.__setattr__(self, "denominator", denominator)

    @property
    def percent(self) -> float:
        """The unrounded percentage (0-100), NaN when the denominator is zero."""
        if self.denominator == 0:
            return math.nan
        return 100 * self.numerator / self.denominator

    def rounded(self, dp: int = 0) -> float:
        """The percentage rounded half-up to ``dp`` places (exact; NaN for a zero denominator)."""
        if self.denominator == 0:
            return math.nan
        return round_half_up(Fraction(100 * self.numerator, self.denominator), dp)


def _as_count(value: object) -> int:
    """``value`` as a non-negative Python int (numpy integers accepted)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        if isinstance(value, float | np.floating) and float(value).is_integer():
            value = int(value)
        else:
            raise TypeError(f"a count must be a whole number, not {value!r}")
    count = int(value)
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count}")
    return count


def share(frame: pd.DataFrame, condition: pd.Series | str, *, definition: str) -> Share:
    """The share of rows of ``frame`` meeting ``condition``; the denominator is ``len(frame)``.

    ``condition`` is a boolean Series aligned with ``frame`` or a ``DataFrame.query`` string.
    A missing value in a boolean condition does not meet it.
    """
    if isinstance(condition, str):
        numerator = len(frame.query(condition))
    else:
        if not condition.index.equals(frame.index):
            raise ValueError("the condition must have the same index as the frame")
        numerator = int(condition.fillna(False).astype(bool).sum())
    return Share(numerator, len(frame), definition)


@dataclass(frozen=True, eq=False)
class Breakdown:
    """Counts and percentages of one column's categories, over one denominator.

    ``table`` has columns ``category, label, count, percent, percent_rounded`` with one row per
    category in the requested order, zero-count categories included.
    """

    table: pd.DataFrame
    denominator: int
    column: str
    definition: str = ""

    def _row(self, category: Hashable) -> pd.Series:
        matches = self.table.index[self.table["category"] == category]
        if len(matches) == 0:
            raise KeyError(f"{category!r} is not a category of the {self.column!r} breakdown")
        return self.table.loc[matches[0]]

    def label_of(self, category: Hashable) -> str:
        """How ``category`` is labelled (its row's label in a published table)."""
        return str(self._row(category)["label"])

    def count(self, category: Hashable) -> int:
        """The count of ``category``."""
        return int(self._row(category)["count"])

    def share(self, category: Hashable) -> Share:
        """The share of ``category`` as a ``Share`` over the breakdown's denominator."""
        row = self._row(category)
        definition = f"{self.definition}: {row['label']}" if self.definition else str(row["label"])
        return Share(int(row["count"]), self.denominator, definition, category=str(row["label"]))


def _categories_of(values: pd.Series, categories: Sequence[Hashable] | None) -> list[Hashable]:
    if categories is not None:
        result = list(categories)
        if len(set(result)) != len(result):
            raise ValueError("categories must not repeat")
        return result
    if isinstance(values.dtype, pd.CategoricalDtype):
        return list(values.cat.categories)
    return sorted(values.dropna().unique().tolist())


def _check_values(values: pd.Series, categories: Iterable[Hashable], name: str) -> None:
    missing = int(values.isna().sum())
    if missing:
        raise ValueError(
            f"{name!r} has {missing} missing value(s): restrict the frame to the population "
            "the breakdown is of first"
        )
    unknown = sorted(set(values.unique().tolist()) - set(categories), key=str)
    if unknown:
        raise ValueError(f"{name!r} has values outside the categories given: {unknown}")


def breakdown(
    frame: pd.DataFrame,
    column: str,
    *,
    categories: Sequence[Hashable] | None = None,
    labels: Mapping[Hashable, str] | None = None,
    definition: str = "",
) -> Breakdown:
    """Count each category of ``frame[column]``; the denominator is every row of ``frame``.

    ``categories`` fixes the order (and keeps zero-count categories); by default the column's
    categorical categories or its sorted values. ``labels`` maps category to display label.
    Missing values or values outside ``categories`` are an error: filter the frame first.
    """
    values = frame[column]
    cats = _categories_of(values, categories)
    _check_values(values, cats, column)
    label_map = dict(labels) if labels is not None else {}
    counts = values.astype(object).value_counts()
    denominator = len(frame)
    shares = [Share(int(counts.get(cat, 0)), denominator) for cat in cats]
    table = pd.DataFrame(
        {
            "category": pd.Series(cats, dtype=object),
            "label": pd.Series([str(label_map.get(cat, cat)) for cat in cats], dtype=object),
            "count": pd.Series([s.numerator for s in shares], dtype="int64"),
            "percent": pd.Series([s.percent for s in shares], dtype="float64"),
            "percent_rounded": pd.Series([s.rounded() for s in shares], dtype="float64"),
        }
    )
    return Breakdown(table=table, denominator=denominator, column=column, definition=definition)


def crosstab(
    frame: pd.DataFrame,
    rows: str,
    columns: str,
    *,
    row_categories: Sequence[Hashable] | None = None,
    column_categories: Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """Counts of ``rows`` by ``columns`` with a ``"Total"`` row and column (zero cells kept)."""
    row_cats = _categories_of(frame[rows], row_categories)
    col_cats = _categories_of(frame[columns], column_categories)
    _check_values(frame[rows], row_cats, rows)
    _check_values(frame[columns], col_cats, columns)
    if "Total" in row_cats or "Total" in col_cats:
        raise ValueError('"Total" is reserved for the margins')
    keys = pd.DataFrame({"r": frame[rows].astype(object), "c": frame[columns].astype(object)})
    counts = keys.groupby(["r", "c"]).size()
    table = pd.DataFrame(
        [[int(counts.get((r, c), 0)) for c in col_cats] for r in row_cats],
        index=pd.Index(row_cats, dtype=object, name=rows),
        columns=pd.Index(col_cats, dtype=object, name=columns),
        dtype="int64",
    )
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    return table.astype("int64")


# --------------------------------------------------------------------------------------------
# Periods and children


def _timestamp(value: DateLike) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        raise ValueError(f"not a date: {value!r}")
    return stamp.normalize()


def select_period(notifications: pd.DataFrame, start: DateLike, end: DateLike) -> pd.DataFrame:
    """Notifications with ``start <= notification_date <= end`` (both ends inclusive)."""
    first, last = _timestamp(start), _timestamp(end)
    if last < first:
        raise ValueError(f"the period ends ({last.date()}) before it starts ({first.date()})")
    dates = pd.to_datetime(notifications["notification_date"])
    return notifications.loc[(dates >= first) & (dates <= last)].copy()


def trend_periods(spans: Mapping[str, tuple[date, date]], current: str) -> list[str]:
    """The periods a trend compares: ``current`` and the periods ending by its end, none
    overlapping another, so that no notification is counted twice; in order of start.

    ``spans`` maps each period id to its (start, end) dates, both inclusive. ``current`` is
    always kept. The others are taken from the latest end back; a period overlapping one
    already taken is left out (a half-year inside a year, or a year inside a longer period:
    the one taken first stays; of two ending together, the longer).
    """
    if current not in spans:
        raise ValueError(f"the current period {current!r} is not among the periods")
    last = spans[current][1]
    others = sorted((pid for pid, (_, end) in spans.items() if end <= last and pid != current),
                    key=lambda pid: (spans[pid][1], -spans[pid][0].toordinal()), reverse=True)
    taken = [current]
    for pid in others:
        start, end = spans[pid]
        if all(end < spans[t][0] or start > spans[t][1] for t in taken):
            taken.append(pid)
    return sorted(taken, key=lambda pid: spans[pid][0])


def children_of(children: pd.DataFrame, notifications: pd.DataFrame) -> pd.DataFrame:
    """The children whose notification is among ``notifications``."""
    wanted = children["notification_id"].isin(notifications["notification_id"])
    return children.loc[wanted].copy()


def age_band(ages: pd.Series) -> pd.Series:
    """The Panel's age band of each age in whole years (ordered categorical; NA stays NA)."""
    numbers = pd.to_numeric(ages, errors="raise")
    present = numbers.dropna()
    low, high = AGE_RANGE
    bad = present[(present < low) | (present > high) | (present != np.floor(present))]
    if len(bad):
        raise ValueError(f"ages must be whole years from {low} to {high}; found {sorted(set(bad))}")
    banded = pd.cut(numbers, bins=list(_AGE_BAND_EDGES), right=False, labels=list(AGE_BANDS))
    dtype = pd.CategoricalDtype(list(AGE_BANDS), ordered=True)
    return pd.Series(banded, index=ages.index, name="age_band").astype(dtype)


def ethnic_group(ethnicity: pd.Series, major: Mapping[str, str]) -> pd.Series:
    """The report's ethnic group of each ethnicity code: ``White British`` (``WBRI``),
    ``Other White`` (any other White code), else the code's major group in ``major``."""
    def group(code: str) -> str:
        if code == "WBRI":
            return "White British"
        return "Other White" if major[code] == "White" else major[code]

    unknown = sorted(set(ethnicity.astype(str)) - set(major))
    if unknown:
        raise ValueError(f"ethnicity codes without a major group: {', '.join(unknown)}")
    return ethnicity.astype(str).map(group)


#: Incidents by outcome, as the region table groups them.
INCIDENT_KINDS: tuple[str, ...] = ("Fatal", "Non-fatal")


def incident_kind(outcome: pd.Series) -> pd.Series:
    """``Fatal`` for a death, ``Non-fatal`` for any other outcome."""
    return outcome.map(lambda o: INCIDENT_KINDS[0] if o == "death" else INCIDENT_KINDS[1])


# --------------------------------------------------------------------------------------------
# Comparisons


@dataclass(frozen=True)
class PeriodComparison:
    """Counts in two periods, their change, and the rate ratio with an exact Poisson CI.

    ``rate_ratio`` is ``(current / previous) / exposure_ratio``; ``percent_change`` is
    ``100 * (rate_ratio - 1)``, which is the change in counts when the exposures are equal.
    """

    current: int
    previous: int
    difference: int
    percent_change: float
    rate_ratio: float
    ci_low: float
    ci_high: float
    confidence: float = 0.95
    exposure_ratio: float = 1.0
    definition: str = ""


def compare_counts(
    current: int,
    previous: int,
    *,
    exposure_ratio: float = 1.0,
    definition: str = "",
    confidence: float = 0.95,
) -> PeriodComparison:
    """Compare two Poisson counts; ``exposure_ratio`` is current exposure over previous.

    The confidence interval for the rate ratio is exact: conditional on the total, the current
    count is binomial with ``p = RR*e / (1 + RR*e)``; a Clopper-Pearson interval for ``p``
    (``scipy.stats.beta`` quantiles) is turned into a ratio ``p / (1 - p)`` and divided by
    ``exposure_ratio``. A zero previous count gives an infinite upper limit (and a NaN change).
    """
    current, previous = _as_count(current), _as_count(previous)
    if not (exposure_ratio > 0 and math.isfinite(exposure_ratio)):
        raise ValueError(f"exposure_ratio must be a positive number, not {exposure_ratio!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    alpha = 1 - confidence
    total = current + previous
    if previous > 0:
        rate_ratio = current / previous / exposure_ratio
        percent_change = 100 * (rate_ratio - 1)
    else:
        rate_ratio = math.inf if current > 0 else math.nan
        percent_change = math.nan
    if total == 0:
        ci_low = ci_high = math.nan
    else:
        # Beta quantiles via the inverse regularised incomplete beta function, identical to
        # scipy.stats.beta.ppf(q, a, b) but a third of the import time (only comparisons use it).
        from scipy.special import betaincinv

        p_low = 0.0 if current == 0 else float(betaincinv(current, previous + 1, alpha / 2))
        p_high = (1.0 if previous == 0
                  else float(betaincinv(current + 1, previous, 1 - alpha / 2)))
        ci_low = p_low / (1 - p_low) / exposure_ratio
        ci_high = math.inf if p_high >= 1 else p_high / (1 - p_high) / exposure_ratio
    return PeriodComparison(
        current=current,
        previous=previous,
        difference=current - previous,
        percent_change=percent_change,
        rate_ratio=rate_ratio,
        ci_low=ci_low,
        ci_high=ci_high,
        confidence=confidence,
        exposure_ratio=float(exposure_ratio),
        definition=definition,
    )


# --------------------------------------------------------------------------------------------
# Series


def monthly_series(notifications: pd.DataFrame, start: DateLike, end: DateLike) -> pd.DataFrame:
    """Notifications per calendar month from ``start`` to ``end`` (inclusive), zero months kept.

    ``month`` is the first day of the month (Timestamp); a partial first or last month counts
    only the days inside the period.
    """
    selected = select_period(notifications, start, end)
    months = pd.period_range(_timestamp(start), _timestamp(end), freq="M")
    periods = pd.to_datetime(selected["notification_date"]).dt.to_period("M")
    counts = periods.value_counts().reindex(months, fill_value=0)
    return pd.DataFrame(
        {
            "month": months.to_timestamp(),
            "count": counts.to_numpy(dtype="int64"),
        }
    )


# --------------------------------------------------------------------------------------------
# Working days and rapid reviews


def _dates(values: pd.Series | Sequence[DateLike] | DateLike) -> pd.Series:
    if isinstance(values, pd.Series):
        return pd.to_datetime(values).dt.normalize()
    if isinstance(values, str | date | pd.Timestamp):
        values = [values]
    return pd.Series(pd.to_datetime(list(values))).dt.normalize()


def working_days_between(
    start: pd.Series | Sequence[DateLike] | DateLike,
    end: pd.Series | Sequence[DateLike] | DateLike,
) -> pd.Series:
    """Working days after ``start`` up to and including ``end`` (nullable ``Int64``).

    Working days are Monday to Friday except England and Wales bank holidays (the ``holidays``
    package, ``GB`` subdivision ``ENG``), for every year the dates span. Monday to the next
    Monday is 5. A missing date gives NA; an ``end`` before ``start`` gives a negative count.
    Two Series must share an index, which the result keeps.
    """
    if (
        isinstance(start, pd.Series)
        and isinstance(end, pd.Series)
        and not start.index.equals(end.index)
    ):
        raise ValueError("start and end must have the same index")
    begin, finish = _dates(start), _dates(end)
    if len(begin) != len(finish):
        raise ValueError(f"start has {len(begin)} dates but end has {len(finish)}")
    index = start.index if isinstance(start, pd.Series) else pd.RangeIndex(len(begin))
    begin_days = begin.to_numpy(dtype="datetime64[D]")
    finish_days = finish.to_numpy(dtype="datetime64[D]")
    known = ~(np.isnat(begin_days) | np.isnat(finish_days))
    result = pd.array([pd.NA] * len(begin_days), dtype="Int64")
    if known.any():
        years = np.concatenate([begin_days[known], finish_days[known]]).astype("datetime64[Y]")
        first_year = int(years.min().astype(int)) + 1970
        last_year = int(years.max().astype(int)) + 1970 + 1  # end + 1 day may cross a year
        one = np.timedelta64(1, "D")
        counts = np.busday_count(
            begin_days[known] + one,
            finish_days[known] + one,
            holidays=calendar.bank_holiday_days(first_year, last_year),
        )
        result[known] = counts
    return pd.Series(result, index=index, name="working_days")


def day_bands(days: pd.Series, expectation: int) -> pd.DataFrame:
    """The share of ``days`` (whole working days) in each band: up to 5, 6 to 10, 11 to the
    ``expectation``, then 5 and 15 days beyond it and later. Columns ``band``, ``percent``
    (0 when no day falls in a band or there are no days) and ``within`` (the band ends by the
    expectation)."""
    if expectation <= 10:
        raise ValueError(f"the expectation must be more than 10 working days, not {expectation}")
    labels = ["Up to 5", "6 to 10", f"11 to {expectation}",
              f"{expectation + 1} to {expectation + 5}",
              f"{expectation + 6} to {expectation + 15}", f"More than {expectation + 15}"]
    edges = [-1, 5, 10, expectation, expectation + 5, expectation + 15, 10_000]
    bands = pd.cut(days, bins=edges, labels=labels)
    shares = bands.value_counts(normalize=True).reindex(labels).fillna(0) * 100
    return pd.DataFrame({"band": labels, "percent": list(shares),
                         "within": [True, True, True, False, False, False]})


@dataclass(frozen=True)
class Timeliness:
    """How quickly rapid reviews reached the Panel after the notification.

    ``within_expectation`` is the share of received reviews that arrived within
    ``expectation_days`` working days; ``pending`` counts reviews not yet received.
    """

    received: int
    within_expectation: Share
    median_working_days: float
    pending: int
    expectation_days: int = 15
    definition: str = ""


def rapid_review_timeliness(
    notifications: pd.DataFrame, expectation_days: int = 15
) -> Timeliness:
    """Rapid review timeliness: working days from notification to the Panel receiving it."""
    days = working_days_between(
        notifications["notification_date"], notifications["rapid_review_date"]
    )
    received_days = days.dropna()
    received = len(received_days)
    within = int((received_days <= expectation_days).sum())
    definition = (
        f"rapid reviews received within {expectation_days} working days of the notification, "
        "of rapid reviews received"
    )
    median = float(received_days.median()) if received else math.nan
    return Timeliness(
        received=received,
        within_expectation=Share(within, received, definition),
        median_working_days=median,
        pending=len(days) - received,
        expectation_days=expectation_days,
        definition="working days after the notification date up to the rapid review date",
    )
