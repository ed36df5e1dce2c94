"""The chapter-level steps the notebooks call (``reportkit.analysis.sections``), on small frames."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from reportkit import config
from reportkit.analysis import facts, sections
from reportkit.analysis.chapter import Chapter


@pytest.fixture(autouse=True)
def _fresh_facts():
    facts._recorded.clear()
    yield
    facts._recorded.clear()


def _notification(nid: str, date: str, outcome: str = "serious_harm", **flags: int) -> dict:
    row = {"notification_id": nid, "notification_date": pd.Timestamp(date), "outcome": outcome,
           "region_name": "North East", "rapid_review_date": pd.Timestamp(date)}
    row.update({column: 0 for column, _, _ in sections.CHARACTERISTICS})
    row.update(flags)
    return row


def _chapter(rows: list[dict], children: list[dict] | None = None,
             comparisons: bool = True) -> Chapter:
    params = config.load_period("2020")
    if not comparisons:
        params = params.model_copy(update={"comparisons": (), "covid_period": False})
    everything = pd.DataFrame(rows)
    current = everything[(everything["notification_date"] >= "2020-01-01")
                         & (everything["notification_date"] <= "2020-12-31")]
    kids = pd.DataFrame(children or [], columns=["child_id", "notification_id", "ethnicity"])
    return Chapter(params, SimpleNamespace(notifications=everything), current, kids)


def test_characteristic_shares_and_table_most_frequent_first() -> None:
    rows = [_notification("N1", "2020-02-01", domestic_abuse=1, neglect_feature=1),
            _notification("N2", "2020-03-01", neglect_feature=1),
            _notification("N3", "2020-04-01")]
    shares = sections.characteristic_shares(pd.DataFrame(rows))
    assert [name for name, _, _ in shares] == [n for _, n, _ in sections.CHARACTERISTICS]
    by_name = {name: share for name, _, share in shares}
    neglect = by_name["char_neglect_pct"]
    assert (neglect.numerator, neglect.denominator) == (2, 3)
    table = sections.characteristics_table(shares)
    assert list(table["Characteristic"][:2]) == ["Neglect as an underlying feature",
                                                 "Domestic abuse"]
    assert list(table["Percentage"][:2]) == ["67%", "33%"]
    assert list(table["percent"][:2]) == ["67", "33"]


def test_compare_periods_records_each_comparison_and_the_level() -> None:
    rows = [_notification(f"A{i}", "2019-05-01") for i in range(4)]
    rows += [_notification(f"B{i}", "2020-05-01", outcome="death") for i in range(2)]
    rows += [_notification(f"C{i}", "2020-11-01") for i in range(4)]
    table = sections.compare_periods(_chapter(rows))
    assert list(table["Measure"]) == ["Notifications", "Deaths"] * 2
    recorded = {f.name: f for f in facts.recorded()}
    assert recorded["cmp_prev_current_n"].value == 6
    assert recorded["cmp_prev_previous_n"].value == 4
    assert recorded["cmp_prev_direction"].value == "higher"
    assert recorded["cmp_half_current_deaths"].value == 2
    assert recorded["cmp_ci_level"].value == 95
    shown = sections.comparisons_table(table)
    assert shown.loc[2, "Previous"] == "4 (2019)"
    assert list(sections.comparisons_open_data(table).columns) == [
        "comparison", "measure", "previous", "current", "rate_ratio", "ci_low", "ci_high"]


def test_without_comparisons_there_is_no_level_and_the_table_says_so() -> None:
    table = sections.compare_periods(_chapter([_notification("N1", "2020-02-01")],
                                              comparisons=False))
    assert table.empty
    assert [f.name for f in facts.recorded()] == ["cmp_none_text"]
    shown = sections.comparisons_table(table)
    assert list(shown.iloc[0]) == ["No earlier period in the data", "z", "z", "z", "z"]
    assert "Change (z = not applicable)" in shown.columns
    assert sections.comparisons_chart(table).axes[0].texts[0].get_text().startswith("No earlier")


def test_open_data_ratios_round_half_up() -> None:
    table = pd.DataFrame([{"Comparison": "c", "Measure": "m", "Previous": 1, "Current": 1,
                           "Rate ratio": 1.0625, "ci_low": 0.0625, "ci_high": 2.0625}])
    out = sections.comparisons_open_data(table)
    assert list(out.loc[0, ["rate_ratio", "ci_low", "ci_high"]]) == [1.063, 0.063, 2.063]


def test_ethnicity_groups_children_and_keeps_the_population_shares() -> None:
    rows = [_notification("N1", "2020-02-01")]
    kids = [{"child_id": "C1", "notification_id": "N1", "ethnicity": "WBRI"},
            {"child_id": "C2", "notification_id": "N1", "ethnicity": "WIRI"}]
    result = sections.ethnicity(_chapter(rows, kids))
    assert result.breakdown.count("White British") == 1
    assert result.breakdown.count("Other White") == 1
    assert result.groups[-1] == "Unknown" and "Unknown" not in result.compared()
    table = result.table()
    assert table["Population (illustrative)"].iloc[-2] == "z"  # Unknown: no population share
    assert table["Population (illustrative)"].iloc[-1] == "100%"


def test_regions_cross_fatal_and_non_fatal_and_melt_for_open_data() -> None:
    rows = [_notification("N1", "2020-02-01", outcome="death"),
            _notification("N2", "2020-03-01"), _notification("N3", "2020-03-02", outcome="other")]
    counts = sections.regions(_chapter(rows))
    assert list(counts.columns[:2]) == ["Fatal", "Non-fatal"]
    assert (counts.loc["North East", "Fatal"], counts.loc["North East", "Non-fatal"]) == (1, 2)
    tidy = sections.regions_open_data(counts)
    assert list(tidy.columns) == ["region_code", "region_name", "incident", "notifications"]
    assert tidy.loc[0, "region_code"] == "E12000001"


def test_review_day_bands_mark_the_bands_within_the_expectation() -> None:
    rows = [_notification("N1", "2020-02-03")]
    bands = sections.review_day_bands(_chapter(rows))
    assert list(bands["band"])[2] == "11 to 15"
    assert list(bands["within"]) == [True, True, True, False, False, False]
    assert list(bands["percent"]) == [100, 0, 0, 0, 0, 0]  # 0 working days: up to 5
    fig = sections.review_days_chart(bands)
    colours = {tuple(bar.get_facecolor()) for bar in fig.axes[0].patches}
    assert len(colours) == 2


def test_trends_take_every_period_up_to_this_one_without_overlap() -> None:
    rows = [_notification("N1", "2019-01-01"), _notification("N2", "2020-06-01"),
            _notification("N3", "2020-07-01")]
    trend = sections.trends(_chapter(rows), "2020")
    assert list(trend["Period"]) == ["July 2018 to November 2019", "2020"]
    assert list(trend["Notifications"]) == [1, 2]
    sections.record_trends(trend)
    recorded = {f.name: f.value for f in facts.recorded()}
    assert recorded["trend_periods_n"] == 2
    assert recorded["trend_latest_label"] == "2020"
    assert recorded["trend_first_per_month"] == 0.1  # 1 in 17 months, to 1 decimal place
    assert recorded["trend_periods_text"] == "both reporting periods up to and including this one"
    assert recorded["trend_averages_text"] == (
        "In July 2018 to November 2019, the Panel received an average of 0.1 notifications a "
        "month. In 2020, the average was 0.2 a month.")


def test_one_trend_period_still_gets_its_average() -> None:
    trend = pd.DataFrame([{"Period": "2020", "Months": 12, "Notifications": 24}])
    sections.record_trends(trend)
    recorded = {f.name: f.value for f in facts.recorded()}
    assert recorded["trend_averages_text"] == (
        "In 2020, the Panel received an average of 2.0 notifications a month.")
    assert recorded["trend_periods_text"].startswith("this reporting period only")


def test_no_comparison_reason_says_whether_the_data_hold_an_earlier_period() -> None:
    first = config.DateRange(start="2018-07-01", end="2019-11-30", label="first")
    assert "no earlier period of the same length" in sections.no_comparison_reason(first)
    half = config.DateRange(start="2023-04-01", end="2023-09-30", label="half")
    assert sections.no_comparison_reason(half) == (
        "The data hold an earlier period of the same length, October 2022 to March 2023, but "
        "this report's parameters name no comparison with it.")


def test_a_report_without_comparisons_records_why() -> None:
    sections.compare_periods(_chapter([_notification("N1", "2020-02-01")], comparisons=False))
    recorded = {f.name: f.value for f in facts.recorded()}
    assert recorded["cmp_none_text"].startswith("The data hold an earlier period")


def _range(start: str, end: str, label: str) -> config.DateRange:
    return config.DateRange(start=start, end=end, label=label)


def test_comparison_source_says_which_counts_the_panel_never_published() -> None:
    from reportkit.data import published_figures

    figures = published_figures.load_all()
    covid = config.Comparison(
        id="half", title="t", current=_range("2020-04-01", "2020-09-30", "April to September 2020"),
        previous=_range("2019-04-01", "2019-09-30", "April to September 2019"))
    assert sections.comparison_source(covid, True, figures) == (
        "Both counts reproduce figures the Panel published.")
    year = config.Comparison(
        id="prev", title="t", current=_range("2020-01-01", "2020-12-31", "2020"),
        previous=_range("2019-01-01", "2019-12-31", "2019"))
    assert sections.comparison_source(year, True, figures) == (
        "The Panel published no count for 2019, so in this synthetic build the change is a "
        "product of how the data were generated, not a finding.")
    assert sections.comparison_source(year, False, figures) == (
        "Both counts come from the Panel's records.")
    assert sections.comparison_source(year, True, []).startswith(
        "The Panel published no count for 2019 or 2020")


def test_explain_symbols_names_each_symbol_in_the_header_of_its_column_only() -> None:
    frame = pd.DataFrame({"Sex": ["Male", "Transgender"], "Children": [500, 2],
                          "Percentage": ["99%", "low"], "Region": ["c", "z"]})
    shown = sections.explain_symbols(frame)
    assert list(shown.columns) == [
        "Sex", "Children", "Percentage (low = more than 0% but less than 0.5%)",
        "Region (c = suppressed small count; z = not applicable)"]
    assert list(shown.iloc[1]) == ["Transgender", 2, "low", "z"]
    plain = pd.DataFrame({"Percentage": ["0%", "100%"]})
    assert list(sections.explain_symbols(plain).columns) == ["Percentage"]
