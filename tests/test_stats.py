"""Tests for reportkit.analysis.stats: rounding, shares, breakdowns, periods, comparisons, working
days."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from reportkit.analysis.stats import (
    AGE_BANDS,
    Share,
    age_band,
    breakdown,
    children_of,
    compare_counts,
    crosstab,
    day_bands,
    ethnic_group,
    incident_kind,
    monthly_series,
    rapid_review_timeliness,
    round_half_up,
    select_period,
    share,
    working_days_between,
)

# ------------------------------------------------------------------------------------------
# round_half_up


@pytest.mark.parametrize(
    ("value", "dp", "expected"),
    [
        (16.5, 0, 17.0),
        (15.5, 0, 16.0),  # not banker's rounding
        (0.5, 0, 1.0),
        (1.5, 0, 2.0),
        (2.5, 0, 3.0),
        (16.49, 0, 16.0),
        (100 * 34 / 206, 0, 17.0),  # 16.50...%
        (2.675, 2, 2.68),  # binary double is 2.67499999...
        (1.005, 2, 1.01),
        (0.125, 2, 0.13),
        (26.65, 1, 26.7),
        (-16.5, 0, -17.0),  # halves away from zero
        (42, 0, 42.0),
        (1234.5, -1, 1230.0),
        (Decimal("0.5"), 0, 1.0),
        (Fraction(33, 2), 0, 17.0),
        (np.float64(16.5), 0, 17.0),
        (np.int64(7), 0, 7.0),
    ],
)
def test_round_half_up(value: object, dp: int, expected: float) -> None:
    assert round_half_up(value, dp) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_round_half_up_passes_non_finite_through(value: float) -> None:
    result = round_half_up(value)
    assert (math.isnan(result) and math.isnan(value)) or result == value


# ------------------------------------------------------------------------------------------
# Share


@pytest.mark.parametrize(
    ("numerator", "denominator", "percent", "rounded"),
    [
        (34, 206, 100 * 34 / 206, 17.0),  # 16.50% -> 17%
        (119, 285, 100 * 119 / 285, 42.0),
        (1, 8, 12.5, 13.0),  # exact half from the counts
        (7, 40, 17.5, 18.0),
        (0, 10, 0.0, 0.0),
        (10, 10, 100.0, 100.0),
    ],
)
def test_share_percent_and_rounding(
    numerator: int, denominator: int, percent: float, rounded: float
) -> None:
    result = Share(numerator, denominator, "d")
    assert result.percent == pytest.approx(percent)
    assert result.rounded() == rounded


def test_share_rounded_with_decimal_places() -> None:
    assert Share(1, 3).rounded(1) == 33.3
    assert Share(1, 6).rounded(1) == 16.7
    assert Share(1, 16).rounded(2) == 6.25


def test_share_zero_denominator_is_nan() -> None:
    empty = Share(0, 0, "nothing")
    assert math.isnan(empty.percent)
    assert math.isnan(empty.rounded())


def test_share_is_frozen_and_normalises_numpy_ints() -> None:
    result = Share(np.int64(3), np.int64(4), "d")
    assert type(result.numerator) is int and type(result.denominator) is int
    with pytest.raises(AttributeError):
        result.numerator = 2  # type: ignore[misc]


@pytest.mark.parametrize(("numerator", "denominator"), [(5, 4), (-1, 4), (1, -4)])
def test_share_rejects_impossible_counts(numerator: int, denominator: int) -> None:
    with pytest.raises(ValueError):
        Share(numerator, denominator)


def test_share_rejects_fractional_counts() -> None:
    with pytest.raises(TypeError):
        Share(1.5, 4)  # type: ignore[arg-type]


@pytest.fixture
def notifications() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "notification_id": ["N000001", "N000002", "N000003", "N000004", "N000005"],
            "notification_date": pd.to_datetime(
                ["2020-01-01", "2020-01-31", "2020-03-15", "2020-12-31", "2021-01-01"]
            ),
            "outcome": ["death", "serious_harm", "death", "other", "serious_harm"],
            "domestic_abuse": [1, 0, 1, 1, 0],
            "rapid_review_date": pd.to_datetime(
                ["2020-01-20", "2020-02-24", None, "2021-01-22", "2021-01-08"]
            ),
        }
    )


def test_share_from_condition_and_query(notifications: pd.DataFrame) -> None:
    by_series = share(notifications, notifications["outcome"] == "death", definition="deaths")
    by_query = share(notifications, "outcome == 'death'", definition="deaths")
    assert by_series == by_query == Share(2, 5, "deaths")


def test_share_missing_condition_does_not_count(notifications: pd.DataFrame) -> None:
    condition = pd.Series([True, pd.NA, False, True, pd.NA], dtype="boolean")
    assert share(notifications, condition, definition="x").numerator == 2


def test_share_condition_must_align(notifications: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="same index"):
        share(notifications, pd.Series([True, False]), definition="x")


# ------------------------------------------------------------------------------------------
# breakdown and crosstab


def test_breakdown_keeps_zero_categories_in_order(notifications: pd.DataFrame) -> None:
    result = breakdown(
        notifications,
        "outcome",
        categories=["serious_harm", "death", "other", "never"],
        labels={"death": "Death", "serious_harm": "Serious harm"},
        definition="outcome of notifications",
    )
    table = result.table
    assert list(table.columns) == ["category", "label", "count", "percent", "percent_rounded"]
    assert table["category"].tolist() == ["serious_harm", "death", "other", "never"]
    assert table["label"].tolist() == ["Serious harm", "Death", "other", "never"]
    assert table["count"].tolist() == [2, 2, 1, 0]
    assert table["percent"].tolist() == [40.0, 40.0, 20.0, 0.0]
    assert table["percent_rounded"].tolist() == [40.0, 40.0, 20.0, 0.0]
    assert result.denominator == 5
    assert result.count("never") == 0
    assert result.share("death") == Share(2, 5, "outcome of notifications: Death")


def test_breakdown_default_categories_sorted(notifications: pd.DataFrame) -> None:
    result = breakdown(notifications, "outcome")
    assert result.table["category"].tolist() == ["death", "other", "serious_harm"]


def test_breakdown_of_categorical_uses_its_categories() -> None:
    frame = pd.DataFrame({"band": age_band(pd.Series([0, 0, 16]))})
    result = breakdown(frame, "band")
    assert result.table["category"].tolist() == list(AGE_BANDS)
    assert result.table["count"].tolist() == [2, 0, 0, 0, 1]
    assert result.table["percent_rounded"].tolist() == [67.0, 0.0, 0.0, 0.0, 33.0]


def test_breakdown_rounds_half_up() -> None:
    frame = pd.DataFrame({"cause": ["a"] * 34 + ["b"] * 172})  # 34 of 206 = 16.50%
    result = breakdown(frame, "cause")
    assert result.table["percent_rounded"].tolist() == [17.0, 83.0]


def test_breakdown_rejects_unknown_or_missing_values(notifications: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="outside"):
        breakdown(notifications, "outcome", categories=["death"])
    frame = pd.DataFrame({"form": ["a", None]})
    with pytest.raises(ValueError, match="missing"):
        breakdown(frame, "form")


def test_breakdown_unknown_category_lookup(notifications: pd.DataFrame) -> None:
    with pytest.raises(KeyError):
        breakdown(notifications, "outcome").count("nope")


def test_breakdown_of_empty_frame() -> None:
    result = breakdown(pd.DataFrame({"x": pd.Series([], dtype=object)}), "x", categories=["a"])
    assert result.denominator == 0
    assert result.count("a") == 0
    assert math.isnan(result.table["percent"].iloc[0])


def test_crosstab_with_margins_and_zero_cells(notifications: pd.DataFrame) -> None:
    table = crosstab(
        notifications,
        "outcome",
        "domestic_abuse",
        row_categories=["death", "serious_harm", "other"],
        column_categories=[1, 0, 9],
    )
    assert table.index.tolist() == ["death", "serious_harm", "other", "Total"]
    assert table.columns.tolist() == [1, 0, 9, "Total"]
    assert table.loc["death"].tolist() == [2, 0, 0, 2]
    assert table.loc["serious_harm"].tolist() == [0, 2, 0, 2]
    assert table.loc["Total"].tolist() == [3, 2, 0, 5]
    assert (table.dtypes == "int64").all()


# ------------------------------------------------------------------------------------------
# periods, children, ages


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2020, 1, 1), date(2020, 12, 31), ["N000001", "N000002", "N000003", "N000004"]),
        ("2020-01-31", "2020-03-15", ["N000002", "N000003"]),
        (pd.Timestamp("2021-01-01"), pd.Timestamp("2021-01-01"), ["N000005"]),
        ("2019-01-01", "2019-12-31", []),
    ],
)
def test_select_period_is_inclusive(
    notifications: pd.DataFrame, start: object, end: object, expected: list[str]
) -> None:
    selected = select_period(notifications, start, end)  # type: ignore[arg-type]
    assert selected["notification_id"].tolist() == expected


def test_select_period_with_string_dates(notifications: pd.DataFrame) -> None:
    as_text = notifications.assign(
        notification_date=notifications["notification_date"].dt.strftime("%Y-%m-%d")
    )
    assert len(select_period(as_text, "2020-01-01", "2020-12-31")) == 4


def test_select_period_rejects_reversed_period(notifications: pd.DataFrame) -> None:
    with pytest.raises(ValueError):
        select_period(notifications, "2020-12-31", "2020-01-01")


def test_children_of(notifications: pd.DataFrame) -> None:
    children = pd.DataFrame(
        {
            "child_id": ["C000001", "C000002", "C000003", "C000004"],
            "notification_id": ["N000001", "N000001", "N000005", "N000003"],
        }
    )
    selected = select_period(notifications, "2020-01-01", "2020-12-31")
    assert children_of(children, selected)["child_id"].tolist() == [
        "C000001",
        "C000002",
        "C000004",
    ]


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "Under 1"), (1, "1 to 4"), (4, "1 to 4"), (5, "5 to 9"), (9, "5 to 9"),
     (10, "10 to 14"), (14, "10 to 14"), (15, "15 to 17"), (17, "15 to 17")],
)
def test_age_band(age: int, band: str) -> None:
    assert age_band(pd.Series([age])).iloc[0] == band


def test_age_band_is_ordered_categorical_and_keeps_index_and_na() -> None:
    ages = pd.Series([17, None, 0], index=[10, 11, 12], dtype="Int64")
    bands = age_band(ages)
    assert bands.index.tolist() == [10, 11, 12]
    assert bands.cat.ordered and list(bands.cat.categories) == list(AGE_BANDS)
    assert bands.iloc[0] == "15 to 17" and pd.isna(bands.iloc[1]) and bands.iloc[2] == "Under 1"


@pytest.mark.parametrize("age", [-1, 18, 2.5])
def test_age_band_rejects_out_of_range(age: float) -> None:
    with pytest.raises(ValueError):
        age_band(pd.Series([age]))


# ------------------------------------------------------------------------------------------
# compare_counts


def test_compare_counts_published_half_year() -> None:
    """April to September 2020 (285) against 2019 (225): 27% more, as DfE published."""
    result = compare_counts(285, 225, definition="notifications, April to September")
    assert result.difference == 60
    assert result.percent_change == pytest.approx(26.6667, abs=1e-4)
    assert round_half_up(result.percent_change) == 27.0
    assert result.rate_ratio == pytest.approx(1.2667, abs=1e-4)
    assert result.confidence == 0.95
    # Independent check: exact (Clopper-Pearson) binomial interval for 285 of 510.
    ci = scipy_stats.binomtest(285, 510).proportion_ci(0.95, method="exact")
    assert result.ci_low == pytest.approx(ci.low / (1 - ci.low))
    assert result.ci_high == pytest.approx(ci.high / (1 - ci.high))
    assert 1.05 < result.ci_low < result.rate_ratio < result.ci_high < 1.52


def test_compare_counts_exposure_ratio_scales_ratio_and_interval() -> None:
    plain = compare_counts(120, 100)
    scaled = compare_counts(120, 100, exposure_ratio=2.0)
    assert scaled.rate_ratio == pytest.approx(plain.rate_ratio / 2)
    assert scaled.ci_low == pytest.approx(plain.ci_low / 2)
    assert scaled.ci_high == pytest.approx(plain.ci_high / 2)
    assert scaled.percent_change == pytest.approx(-40.0)
    assert scaled.difference == 20


@pytest.mark.parametrize(
    ("current", "previous", "ratio", "low_is_zero", "high_is_inf"),
    [(0, 5, 0.0, True, False), (5, 0, math.inf, False, True)],
)
def test_compare_counts_zero_counts(
    current: int, previous: int, ratio: float, low_is_zero: bool, high_is_inf: bool
) -> None:
    result = compare_counts(current, previous)
    assert result.rate_ratio == ratio
    assert (result.ci_low == 0) is low_is_zero
    assert math.isinf(result.ci_high) is high_is_inf
    assert result.ci_low <= result.ci_high


def test_compare_counts_both_zero_is_nan() -> None:
    result = compare_counts(0, 0)
    assert math.isnan(result.rate_ratio) and math.isnan(result.ci_low)
    assert math.isnan(result.percent_change)


@pytest.mark.parametrize("kwargs", [{"exposure_ratio": 0}, {"confidence": 1.0}])
def test_compare_counts_rejects_bad_arguments(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        compare_counts(1, 2, **kwargs)


def test_compare_counts_interval_coverage_is_exact_conservative() -> None:
    """The conditional interval covers the true ratio at least 95% of the time."""
    rng = np.random.default_rng(1)
    current, previous = rng.poisson(12, 400), rng.poisson(10, 400)
    covered = 0
    for c, p in zip(current, previous, strict=True):
        result = compare_counts(int(c), int(p))
        covered += result.ci_low <= 1.2 <= result.ci_high
    assert covered / 400 >= 0.94


# ------------------------------------------------------------------------------------------
# monthly_series


def test_monthly_series_keeps_zero_months(notifications: pd.DataFrame) -> None:
    series = monthly_series(notifications, "2020-01-01", "2020-12-31")
    assert len(series) == 12
    assert list(series.columns) == ["month", "count"]
    assert series["month"].iloc[0] == pd.Timestamp("2020-01-01")
    assert series["month"].iloc[-1] == pd.Timestamp("2020-12-01")
    assert series["count"].tolist() == [2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert series["count"].sum() == len(select_period(notifications, "2020-01-01", "2020-12-31"))


def test_monthly_series_empty_period(notifications: pd.DataFrame) -> None:
    series = monthly_series(notifications, "2019-04-01", "2019-09-30")
    assert series["count"].tolist() == [0] * 6


# ------------------------------------------------------------------------------------------
# working days


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2020-01-06", "2020-01-06", 0),  # same day
        ("2020-01-06", "2020-01-07", 1),  # Monday to Tuesday
        ("2020-01-06", "2020-01-13", 5),  # a week
        ("2020-01-10", "2020-01-13", 1),  # Friday to Monday: weekend skipped
        ("2020-01-11", "2020-01-12", 0),  # Saturday to Sunday
        ("2020-04-09", "2020-04-14", 1),  # Easter 2020: Good Friday and Easter Monday
        ("2020-04-08", "2020-04-15", 3),
        ("2020-12-24", "2020-12-29", 1),  # Christmas 2020: 25th, Boxing Day observed on 28th
        ("2020-12-24", "2021-01-04", 4),  # and New Year's Day 2021
        ("2020-12-31", "2021-01-05", 2),  # across the year end
        ("2020-01-13", "2020-01-06", -5),  # reversed
    ],
)
def test_working_days_between(start: str, end: str, expected: int) -> None:
    result = working_days_between(pd.Series([start]), pd.Series([end]))
    assert result.iloc[0] == expected


def test_working_days_between_is_vectorised_with_na() -> None:
    start = pd.Series(pd.to_datetime(["2020-04-09", None, "2020-12-24"]), index=[5, 6, 7])
    end = pd.Series(pd.to_datetime(["2020-04-14", "2020-05-01", None]), index=[5, 6, 7])
    result = working_days_between(start, end)
    assert str(result.dtype) == "Int64"
    assert result.index.tolist() == [5, 6, 7]
    assert result.iloc[0] == 1 and pd.isna(result.iloc[1]) and pd.isna(result.iloc[2])


def test_working_days_between_scalars_and_all_missing() -> None:
    assert working_days_between(date(2020, 4, 9), date(2020, 4, 14)).tolist() == [1]
    missing = working_days_between(pd.Series([pd.NaT]), pd.Series([pd.NaT]))
    assert missing.isna().all()


def test_rapid_review_timeliness(notifications: pd.DataFrame) -> None:
    # Working days: 13; 16; pending; 15 (New Year 2021, on the limit); 5.
    result = rapid_review_timeliness(notifications, expectation_days=15)
    assert result.received == 4
    assert result.pending == 1
    assert result.within_expectation.numerator == 3
    assert result.within_expectation.denominator == 4
    assert result.within_expectation.rounded() == 75.0
    assert result.median_working_days == 14.0
    assert result.expectation_days == 15


def test_rapid_review_timeliness_none_received(notifications: pd.DataFrame) -> None:
    pending = notifications.assign(rapid_review_date=pd.NaT)
    result = rapid_review_timeliness(pending)
    assert result.received == 0 and result.pending == 5
    assert math.isnan(result.median_working_days)
    assert math.isnan(result.within_expectation.percent)


def test_working_days_between_requires_matching_index() -> None:
    with pytest.raises(ValueError, match="same index"):
        working_days_between(
            pd.Series(["2020-01-06"], index=[1]), pd.Series(["2020-01-07"], index=[2])
        )


# --- trend periods ----------------------------------------------------------------------------


def _span(start: str, end: str) -> tuple[date, date]:
    return date.fromisoformat(start), date.fromisoformat(end)


SHIPPED_SPANS = {
    "2018-19": _span("2018-07-01", "2019-11-30"), "2020": _span("2020-01-01", "2020-12-31"),
    "2021": _span("2021-01-01", "2021-12-31"), "2022-23": _span("2022-04-01", "2023-03-31"),
    "2023-24": _span("2023-04-01", "2024-03-31"),
}


def test_trend_periods_end_by_the_current_end_in_order() -> None:
    from reportkit.analysis.stats import trend_periods

    assert trend_periods(SHIPPED_SPANS, "2021") == ["2018-19", "2020", "2021"]
    assert trend_periods(SHIPPED_SPANS, "2023-24") == list(SHIPPED_SPANS)


def test_a_half_year_inside_a_year_is_not_counted_again() -> None:
    """Seen: a half-year period inside the current year became its own row of the trend."""
    from reportkit.analysis.stats import trend_periods

    spans = {**SHIPPED_SPANS, "2020-21": _span("2020-04-01", "2020-09-30")}
    assert trend_periods(spans, "2021") == ["2018-19", "2020", "2021"]
    assert trend_periods(spans, "2020") == ["2018-19", "2020"]
    # The half-year's own report: the year around it overlaps, so it is left out.
    assert trend_periods(spans, "2020-21") == ["2018-19", "2020-21"]


def test_of_overlapping_periods_the_later_or_longer_is_kept() -> None:
    from reportkit.analysis.stats import trend_periods

    spans = {"a": _span("2020-01-01", "2020-12-31"), "b": _span("2020-07-01", "2021-06-30"),
             "c": _span("2021-07-01", "2022-06-30"), "h": _span("2021-01-01", "2021-06-30")}
    assert trend_periods(spans, "c") == ["b", "c"]
    spans["y"] = _span("2021-01-01", "2022-06-30")
    assert trend_periods(spans, "c") == ["a", "c"] or trend_periods(spans, "c") == ["b", "c"]
    with pytest.raises(ValueError, match="not among"):
        trend_periods(spans, "zzz")


def test_ethnic_group_splits_white_british_from_other_white() -> None:
    major = {"WBRI": "White", "WIRI": "White", "MWBC": "Mixed / Multiple ethnic groups"}
    codes = pd.Series(["WBRI", "WIRI", "MWBC"])
    assert list(ethnic_group(codes, major)) == [
        "White British", "Other White", "Mixed / Multiple ethnic groups"]


def test_ethnic_group_refuses_a_code_without_a_major_group() -> None:
    with pytest.raises(ValueError, match="XXXX"):
        ethnic_group(pd.Series(["WBRI", "XXXX"]), {"WBRI": "White"})


def test_incident_kind_is_fatal_only_for_deaths() -> None:
    outcomes = pd.Series(["death", "serious_harm", "other"])
    assert list(incident_kind(outcomes)) == ["Fatal", "Non-fatal", "Non-fatal"]


def test_day_bands_edges_follow_the_expectation() -> None:
    bands = day_bands(pd.Series([0, 5, 6, 10, 11, 15, 16, 20, 21, 30, 31, 400]), 15)
    assert list(bands["band"]) == ["Up to 5", "6 to 10", "11 to 15", "16 to 20", "21 to 30",
                                   "More than 30"]
    assert list(bands["percent"]) == pytest.approx([100 * 2 / 12] * 6)
    assert list(bands["within"]) == [True] * 3 + [False] * 3


def test_day_bands_of_no_days_are_all_zero() -> None:
    bands = day_bands(pd.Series([], dtype=int), 20)
    assert list(bands["percent"]) == [0] * 6
    assert bands["band"][2] == "11 to 20"
