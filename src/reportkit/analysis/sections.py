"""Chapter-level steps the notebooks call: each builds one section's table from a ``Chapter``
and records that section's facts, so that a chapter notebook reads as a list of calls.

The arithmetic lives in ``reportkit.analysis.stats`` (pure); this module chooses the rows, names the
facts and shapes the display tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd

from reportkit import config
from reportkit.analysis import charts, facts, gss, stats, tables, wording
from reportkit.data import codes, published_figures

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from reportkit.analysis.chapter import Chapter

#: Case characteristics: data column, fact name and the label the report gives it, in the
#: order the data dictionary lists them.
CHARACTERISTICS: tuple[tuple[str, str, str], ...] = (
    ("domestic_abuse", "char_domestic_abuse_pct", "Domestic abuse"),
    ("maternal_mental_health", "char_maternal_mh_pct", "Maternal mental ill-health"),
    ("paternal_mental_health", "char_paternal_mh_pct", "Paternal mental ill-health"),
    ("child_mental_health", "char_child_mh_pct", "Child mental ill-health"),
    ("parental_alcohol_misuse", "char_alcohol_pct", "Parental alcohol misuse"),
    ("parental_drug_misuse", "char_drug_pct", "Parental drug misuse"),
    ("neglect_feature", "char_neglect_pct", "Neglect as an underlying feature"),
    ("previously_known", "char_previously_known_pct",
     "Child previously identified as vulnerable by the child protection system"),
)

#: Short chart labels of the ethnic groups (the table keeps the full names).
ETHNIC_GROUP_SHORT: Mapping[str, str] = {
    "White British": "White\nBritish", "Other White": "Other\nWhite",
    "Mixed / Multiple ethnic groups": "Mixed", "Asian / Asian British": "Asian",
    "Black / African / Caribbean / Black British": "Black", "Other ethnic group": "Other",
}


#: How a column header explains a GSS symbol its cells use (the symbols in
# ``reportkit.analysis.gss``).
SYMBOL_NOTES: Mapping[str, str] = {
    gss.CONFIDENTIAL: "c = suppressed small count",
    gss.LOW: "low = more than 0% but less than 0.5%",
    gss.NOT_APPLICABLE: "z = not applicable",
    gss.NOT_AVAILABLE: "x = not available",
}


def explain_symbols(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each column that shows a GSS symbol saying what it means in its header,
    so a symbol is explained where it is used, and only there."""
    def header(column: str) -> str:
        used = [note for symbol, note in SYMBOL_NOTES.items()
                if frame[column].astype(str).eq(symbol).any()]
        return f"{column} ({'; '.join(used)})" if used else column

    return frame.rename(columns={column: header(column) for column in frame.columns})


# --------------------------------------------------------------------------------------------
# Ethnicity (chapter 2)


@dataclass(frozen=True, eq=False)
class Ethnicity:
    """Children by ethnic group beside the illustrative population shares."""

    breakdown: stats.Breakdown
    groups: list[str]
    population: dict[str, float]

    def table(self) -> pd.DataFrame:
        """The display table: children by group, with the population share where there is one."""
        shown = tables.breakdown_frame(self.breakdown, category_header="Ethnic group",
                                       count_header="Children")
        shown["Population (illustrative)"] = [
            tables.percent_text(self.population[g]) if g in self.population else "z"
            for g in self.groups
        ] + ["100%"]
        return shown

    def compared(self) -> list[str]:
        """The groups with a population share, in table order."""
        return [g for g in self.groups if g in self.population]


def ethnicity(chapter: Chapter) -> Ethnicity:
    """The children of ``chapter`` by the report's ethnic groups, and the population shares."""
    major = {row["code"]: row["ethnicity_major"] for row in codes.rows("ethnicity")}
    population = pd.read_csv(chapter.params.data_path("population"))
    groups = [*population["ethnicity_group"], "Unknown"]
    grouped = chapter.children.assign(
        ethnic_group=stats.ethnic_group(chapter.children["ethnicity"], major))
    bd = stats.breakdown(grouped, "ethnic_group", categories=groups, definition="children")
    shares = {g: float(s) for g, s in zip(population["ethnicity_group"],
                                           population["population_share_pct"], strict=True)}
    return Ethnicity(bd, groups, shares)


# --------------------------------------------------------------------------------------------
# Case characteristics (chapter 5)


def characteristic_shares(notifications: pd.DataFrame) -> list[tuple[str, str, stats.Share]]:
    """(fact name, label, share of notifications) of each case characteristic, in
    ``CHARACTERISTICS`` order."""
    return [
        (name, label, replace(stats.share(notifications, notifications[column] == 1,
                                          definition=f"notifications where {label.lower()} "
                                                     "featured"), category=label))
        for column, name, label in CHARACTERISTICS
    ]


def characteristics_table(shares: list[tuple[str, str, stats.Share]]) -> pd.DataFrame:
    """The characteristics, most frequent first: label, count and the published percentage
    (``Percentage``), plus the open-data percentage without its sign (``percent``)."""
    ordered = sorted(shares, key=lambda item: -item[2].percent)
    return pd.DataFrame({
        "Characteristic": [label for _, label, _ in ordered],
        "Notifications": [s.numerator for _, _, s in ordered],
        "Percentage": [tables.percent_text(s.percent) for _, _, s in ordered],
        "percent": [tables.percent_text(s.percent, sign=False) for _, _, s in ordered],
        "value": [s.percent for _, _, s in ordered],
    })


# --------------------------------------------------------------------------------------------
# Comparisons (chapter 6)

#: The confidence level of every rate-ratio interval in the report.
CONFIDENCE = 0.95


def compare_periods(chapter: Chapter) -> pd.DataFrame:
    """One row per comparison in the params and measure (notifications, deaths): the two
    counts, the change and the rate ratio with its exact interval. Records the facts the
    narrative quotes (``cmp_<id>_*`` and ``cmp_ci_level``)."""
    rows = []
    for comparison in chapter.params.comparisons:
        rows += _compare(chapter, comparison)
    if rows:
        facts.record("cmp_ci_level", 100 * CONFIDENCE, unit="percent",
                     label="confidence level of the rate ratio intervals",
                     definition="exact Poisson interval (conditional binomial, Clopper-Pearson)")
    else:
        facts.record("cmp_none_text", no_comparison_reason(chapter.params.period), unit="text",
                     label="why the report makes no comparison with an earlier period")
    return pd.DataFrame(rows, columns=[
        "Comparison", "Measure", "Previous period", "Previous", "Current period", "Current",
        "Change", "Rate ratio", "ci_low", "ci_high"])


def no_comparison_reason(period: config.DateRange) -> str:
    """Why a report without comparisons has none: the data begin too late for an earlier
    period of the same length, or the params name none although the data hold one."""
    start = pd.Timestamp(period.start) - pd.DateOffset(months=period.months)
    end = pd.Timestamp(period.start) - pd.DateOffset(days=1)
    if start.date() < config.EARLIEST_DATE:
        return (f"The Panel's records begin in {config.EARLIEST_DATE:%B %Y}, so there is no "
                "earlier period of the same length to compare with.")
    return (f"The data hold an earlier period of the same length, {start:%B %Y} to "
            f"{end:%B %Y}, but this report's parameters name no comparison with it.")


def is_published_count(span: config.DateRange,
                       figures: list[published_figures.PublishedFigure]) -> bool:
    """Whether the Panel published the number of notifications from ``span.start`` to
    ``span.end`` (a count of every notification over exactly that period)."""
    return any(f.kind == "count" and f.numerator.table == "notifications"
               and f.numerator.where is None and f.denominator is None
               and (f.period.start, f.period.end) == (span.start, span.end)
               for f in figures)


def comparison_source(comparison: config.Comparison, synthetic: bool,
                      figures: list[published_figures.PublishedFigure]) -> str:
    """The sentence saying whether a comparison reproduces published counts: in a synthetic
    build a change between unpublished counts is an artefact of the generator."""
    if not synthetic:
        return "Both counts come from the Panel's records."
    missing = [r.label for r in (comparison.previous, comparison.current)
               if not is_published_count(r, figures)]
    if not missing:
        return "Both counts reproduce figures the Panel published."
    return (f"The Panel published no count for {' or '.join(missing)}, so in this synthetic "
            "build the change is a product of how the data were generated, not a finding.")


def _compare(chapter: Chapter, comparison: config.Comparison) -> list[dict]:
    """The two rows of one comparison, recording its facts."""
    current = chapter.in_range(comparison.current.start, comparison.current.end)
    previous = chapter.in_range(comparison.previous.start, comparison.previous.end)
    exposure = comparison.current.months / comparison.previous.months
    results = {
        measure: stats.compare_counts(len(now), len(before), exposure_ratio=exposure,
                                      confidence=CONFIDENCE,
                                      definition=f"{measure.lower()}: {comparison.title}")
        for measure, now, before in [
            ("Notifications", current, previous),
            ("Deaths", current[current["outcome"] == "death"],
             previous[previous["outcome"] == "death"]),
        ]
    }
    _record_comparison(comparison, results["Notifications"], results["Deaths"])
    facts.record(f"cmp_{comparison.id}_source_text",
                 comparison_source(comparison, chapter.params.data.synthetic,
                                   published_figures.load_all()),
                 unit="text", label=f"whether the Panel published both counts: {comparison.title}")
    return [
        {"Comparison": comparison.title, "Measure": measure,
         "Previous period": comparison.previous.label, "Previous": result.previous,
         "Current period": comparison.current.label, "Current": result.current,
         "Change": tables.change_text(result.percent_change), "Rate ratio": result.rate_ratio,
         "ci_low": result.ci_low, "ci_high": result.ci_high}
        for measure, result in results.items()
    ]


def _record_comparison(comparison: config.Comparison, notifications: stats.PeriodComparison,
                       deaths: stats.PeriodComparison) -> None:
    """The facts of one comparison, named ``cmp_<id>_*``."""
    prefix = f"cmp_{comparison.id}_"
    now, before = comparison.current.label, comparison.previous.label
    facts.record(prefix + "current_label", now, unit="text", label="current period")
    facts.record(prefix + "previous_label", before, unit="text", label="previous period")
    facts.record(prefix + "current_n", notifications.current, label=f"notifications, {now}")
    facts.record(prefix + "previous_n", notifications.previous, label=f"notifications, {before}")
    facts.record(prefix + "change_pct", abs(notifications.percent_change), unit="percent",
                 label=f"change in notifications, {comparison.title}",
                 definition="percentage change in notifications per month against the previous "
                            "period",
                 numerator=notifications.difference, denominator=notifications.previous,
                 denominator_label="notifications in the previous period")
    facts.record(prefix + "direction", "higher" if notifications.percent_change >= 0 else "lower",
                 unit="text", label="direction of the change")
    for field in ("rate_ratio", "ci_low", "ci_high"):
        facts.record(prefix + field, getattr(notifications, field), unit="ratio", dp=2,
                     label=f"{field.replace('_', ' ')} of notifications, {comparison.title}")
    facts.record(prefix + "current_deaths", deaths.current, label=f"deaths, {now}")
    facts.record(prefix + "previous_deaths", deaths.previous, label=f"deaths, {before}")


def comparisons_table(comparisons: pd.DataFrame) -> pd.DataFrame:
    """The display table of ``compare_periods``; one row saying so when there is nothing to
    compare (``z``: not applicable)."""
    if comparisons.empty:
        return explain_symbols(pd.DataFrame([{
            "Measure": "No earlier period in the data", "Previous": "z", "Current": "z",
            "Change": "z", "Rate ratio (95% CI)": "z"}]))
    return comparisons.assign(**{
        "Previous": [f"{p} ({label})" for p, label in
                     zip(comparisons["Previous"], comparisons["Previous period"], strict=True)],
        "Current": [f"{c} ({label})" for c, label in
                    zip(comparisons["Current"], comparisons["Current period"], strict=True)],
        "Rate ratio (95% CI)": [tables.interval_text(r, lo, hi) for r, lo, hi in
                                zip(comparisons["Rate ratio"], comparisons["ci_low"],
                                    comparisons["ci_high"], strict=True)],
    })[["Measure", "Previous", "Current", "Change", "Rate ratio (95% CI)"]]


def comparisons_open_data(comparisons: pd.DataFrame) -> pd.DataFrame:
    """The open-data columns of ``compare_periods`` (ratios rounded half-up to 3 places)."""
    return (
        comparisons.rename(columns={"Comparison": "comparison", "Measure": "measure",
                                    "Previous": "previous", "Current": "current"})
        .assign(rate_ratio=tables.half_up(comparisons["Rate ratio"], 3),
                ci_low=tables.half_up(comparisons["ci_low"], 3),
                ci_high=tables.half_up(comparisons["ci_high"], 3))
        [["comparison", "measure", "previous", "current", "rate_ratio", "ci_low", "ci_high"]]
    )


def comparisons_chart(comparisons: pd.DataFrame) -> Figure:
    """The rate ratios with their intervals, or a note that there is nothing to compare."""
    if comparisons.empty:
        return charts.message("No earlier period in the data to compare with.")
    return charts.interval_chart(
        [f"{r['Measure']}: {r['Current period']} against {r['Previous period']}"
         for _, r in comparisons.iterrows()],
        list(comparisons["Rate ratio"]), list(comparisons["ci_low"]),
        list(comparisons["ci_high"]), title="Change against the comparison periods")


# --------------------------------------------------------------------------------------------
# Rapid reviews (chapter 7)


def review_day_bands(chapter: Chapter) -> pd.DataFrame:
    """Rapid reviews received by band of working days after the notification: ``band``,
    ``percent`` and ``within`` (True up to the expectation)."""
    expectation = chapter.params.rapid_review_expectation_days
    notifications = chapter.notifications
    days = stats.working_days_between(notifications["notification_date"],
                                      notifications["rapid_review_date"])
    return stats.day_bands(days.dropna().astype(int), expectation)


def review_days_chart(bands: pd.DataFrame) -> Figure:
    """``review_day_bands`` as bars: the bands up to the expectation in the focus colour, the
    later ones in grey, and a legend saying so."""
    within = list(bands.loc[bands["within"], "band"])
    return charts.bar_values(list(bands["band"]), list(bands["percent"]),
                             title="Working days to receive the rapid review",
                             xlabel="Percentage of rapid reviews received", suffix="%",
                             highlight=within,
                             legend=("Received within the expectation", "Received later"))


# --------------------------------------------------------------------------------------------
# Regions (chapter 1)


def regions(chapter: Chapter) -> pd.DataFrame:
    """Notifications by region (rows, in code-list order) and fatal or non-fatal incident."""
    names = [row["region_name"] for row in codes.rows("regions")]
    notifications = chapter.notifications
    grouped = notifications.assign(incident=stats.incident_kind(notifications["outcome"]))
    return stats.crosstab(grouped, "region_name", "incident", row_categories=names,
                          column_categories=list(stats.INCIDENT_KINDS))


def regions_open_data(published: pd.DataFrame) -> pd.DataFrame:
    """A suppressed region table in the open-data layout: one row per region and incident."""
    region_codes = {row["region_name"]: row["region_code"] for row in codes.rows("regions")}
    tidy = (published.drop(index="Total").reset_index(names="region_name")
            .melt(id_vars="region_name", var_name="incident", value_name="notifications"))
    tidy.insert(0, "region_code", tidy["region_name"].map(region_codes))
    return tidy


# --------------------------------------------------------------------------------------------
# Trends (chapter 8)


def trends(chapter: Chapter, period: str) -> pd.DataFrame:
    """Notifications, deaths and serious harm in ``period`` and each earlier report period
    with a params file (none overlapping another), in order of start; each row carries its
    period's open-data ``time_period`` and ``time_identifier`` (``tables.TIME_COLUMNS``)."""
    everyone = {pid: config.load_period(pid) for pid in config.available_periods()}
    chosen = stats.trend_periods(
        {pid: (p.period.start, p.period.end) for pid, p in everyone.items()}, period)
    rows = []
    for period_id in chosen:
        other = everyone[period_id]
        selected = chapter.in_range(other.period.start, other.period.end)
        rows.append({"Period": other.label, "start": other.period.start,
                     "time_period": other.time_period, "time_identifier": other.time_identifier,
                     "Months": other.period.months,
                     "Notifications": len(selected),
                     "Deaths": int((selected["outcome"] == "death").sum()),
                     "Serious harm": int((selected["outcome"] == "serious_harm").sum()),
                     "Per month": stats.round_half_up(len(selected) / other.period.months, 1)})
    return pd.DataFrame(rows).sort_values("start").drop(columns="start").reset_index(drop=True)


def record_trends(trend: pd.DataFrame) -> None:
    """The facts the trend text quotes: the number of periods, the first and the latest."""
    first, latest = trend.iloc[0], trend.iloc[-1]
    facts.record("trend_periods_n", len(trend), label="report periods compared")
    facts.record("trend_first_label", first["Period"], unit="text", label="first report period")
    first_rate = facts.record("trend_first_per_month", first["Notifications"] / first["Months"],
                              dp=1, label="notifications per month in the first period",
                              denominator=int(first["Months"]), denominator_label="months")
    facts.record("trend_latest_label", latest["Period"], unit="text", label="this report period")
    latest_rate = facts.record("trend_latest_per_month",
                               latest["Notifications"] / latest["Months"], dp=1,
                               label="notifications per month in this period",
                               denominator=int(latest["Months"]), denominator_label="months")
    facts.record("trend_periods_text", wording.trend_periods(len(trend)), unit="text",
                 label="the report periods the trend shows")
    averages = f"In {latest['Period']}, the Panel received an average of {latest_rate.display} " \
               "notifications a month."
    if len(trend) > 1:
        averages = (f"In {first['Period']}, the Panel received an average of "
                    f"{first_rate.display} notifications a month. In {latest['Period']}, the "
                    f"average was {latest_rate.display} a month.")
    facts.record("trend_averages_text", averages, unit="text",
                 label="the first and latest average notifications per month")
