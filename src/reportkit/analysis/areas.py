"""Figures for every local authority and region beside England: the local area packs.

One vectorised pass per measure (a crosstab of the period's rows by authority), every count then
suppressed across the hierarchy of areas (``reportkit.analysis.area_disclosure``), and shares
of suppressed counts (or of a suppressed total) suppressed too. The result for one area is an
:class:`AreaFigures`: its rows beside its region's and England's, the facts a pack quotes, and
its open-data rows. Pure: the build writes and renders the packs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reportkit import config
from reportkit.analysis import facts, gss, stats
from reportkit.analysis.area_disclosure import AreaTables, suppress_areas
from reportkit.analysis.chapter import period_data
from reportkit.analysis.disclosure import TOTAL, SuppressionRule
from reportkit.analysis.gss import CONFIDENTIAL
from reportkit.analysis.sections import CHARACTERISTICS
from reportkit.data import codes
from reportkit.paths import codes_dir

ENGLAND = ("E92000001", "England")
LEVELS = {"authority": "Local authority", "region": "Regional", "england": "National"}


@dataclass(frozen=True)
class Measure:
    """One breakdown in every pack: what it counts and its categories, in order."""

    id: str
    title: str
    counted: str  # "notifications" or "children"
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Area:
    """A local authority or a region."""

    code: str
    name: str
    level: str  # "authority" or "region"
    region_code: str
    region_name: str


def measures(expectation_days: int) -> tuple[Measure, ...]:
    """The breakdowns every pack shows (the national chapters' headline breakdowns)."""
    within = f"Within {expectation_days} working days"
    return (
        Measure("outcome", "Notifications by outcome", "notifications",
                tuple(codes.labels("outcome").values())),
        Measure("age", "Children by age at the incident", "children", stats.AGE_BANDS),
        Measure("sex", "Children by sex", "children", ("Male", "Female", "Other")),
        Measure("rapid_review", "Rapid reviews received by the Panel", "notifications",
                (within, f"After {expectation_days} working days", "Not yet received")),
        *(Measure(column, label, "notifications", ("Featured", "Not featured"))
          for column, _, label in CHARACTERISTICS),
    )


def authorities(folder: Path | None = None) -> list[Area]:
    """Every local authority in the code list (``data/codes`` or ``folder``), with its region."""
    regions = codes.labels("regions", folder)
    return [Area(row["la_code"], row["la_name"], "authority", row["region_code"],
                 regions[row["region_code"]]) for row in codes.rows("local_authorities", folder)]


def regions_of(areas: list[Area]) -> list[Area]:
    """The regions of ``areas``, in code order."""
    found = {a.region_code: a.region_name for a in areas}
    return [Area(code, name, "region", code, name) for code, name in sorted(found.items())]


def _categorised(notifications: pd.DataFrame, children: pd.DataFrame, measure: Measure,
                 expectation_days: int) -> tuple[pd.Series, pd.Series]:
    """(authority code, category) of every counted row."""
    if measure.counted == "children":
        la = children["notification_id"].map(
            notifications.set_index("notification_id")["la_code"].astype(str))
        if measure.id == "age":
            return la, stats.age_band(children["age_years"]).astype(str)
        labels = {"male": "Male", "female": "Female"}
        return la, children["sex"].astype(str).map(lambda s: labels.get(s, "Other"))
    la = notifications["la_code"].astype(str)
    if measure.id == "outcome":
        return la, notifications["outcome"].astype(str).map(codes.labels("outcome"))
    if measure.id == "rapid_review":
        days = stats.working_days_between(notifications["notification_date"],
                                          notifications["rapid_review_date"])
        category = pd.Series(measure.categories[1], index=notifications.index)
        category[days.notna() & (days <= expectation_days)] = measure.categories[0]
        category[days.isna()] = measure.categories[2]
        return la, category
    featured = notifications[measure.id] == 1
    return la, featured.map({True: "Featured", False: "Not featured"})


def measure_counts(notifications: pd.DataFrame, children: pd.DataFrame, measure: Measure,
                   areas: list[Area], expectation_days: int) -> pd.DataFrame:
    """Counts of ``measure``: one row per authority (zeros included), one column per category."""
    la, category = _categorised(notifications, children, measure, expectation_days)
    table = pd.crosstab(la, category)
    return (table.reindex(index=[a.code for a in areas], columns=list(measure.categories))
            .fillna(0).astype(int))


@dataclass(frozen=True)
class Figures:
    """Every measure for every area, suppressed: ``tables[measure id]``."""

    period_label: str
    measures: tuple[Measure, ...]
    areas: list[Area]
    tables: Mapping[str, AreaTables]


def compute(notifications: pd.DataFrame, children: pd.DataFrame, *, period_label: str,
            expectation_days: int, threshold: int, areas: list[Area] | None = None) -> Figures:
    """The vectorised pass: every measure counted by authority and suppressed."""
    areas = areas if areas is not None else authorities()
    region_of = {a.code: a.region_code for a in areas}
    rule = SuppressionRule(threshold)
    found = measures(expectation_days)
    tables = {m.id: suppress_areas(measure_counts(notifications, children, m, areas,
                                                  expectation_days), region_of, rule)
              for m in found}
    return Figures(period_label, found, areas, tables)


def for_period(params: config.PeriodParams, root: Path) -> Figures:
    """Every measure for every authority of the period, suppressed, from the validated data
    (cached by content hash, as the notebooks load it)."""
    _, notifications, children = period_data(params, root)
    return compute(notifications, children, period_label=params.label,
                   expectation_days=params.rapid_review_expectation_days,
                   threshold=params.disclosure.threshold,
                   areas=authorities(codes_dir(root)))


def _row(tables: AreaTables, area: Area | None) -> pd.Series:
    if area is None:
        return tables.england
    frame = tables.authorities if area.level == "authority" else tables.regions
    return frame.loc[area.code]


def percent(count: str, total: str) -> str:
    """A category's share of its area's total, as the open data writes it; ``c`` when either
    is suppressed, ``z`` (not applicable) with no total."""
    if CONFIDENTIAL in (count, total):
        return CONFIDENTIAL
    if int(total) == 0:
        return gss.NOT_APPLICABLE
    return gss.percent_text(100 * int(count) / int(total), sign=False)


def slug(text: str) -> str:
    """A category as part of a fact name: ``Serious harm`` -> ``serious_harm``."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "x"


@dataclass(frozen=True)
class AreaFigures:
    """One pack's figures: ``columns`` are the area, its region (for an authority) and England;
    ``rows[measure id]`` lists (category, [(count, percent) per column])."""

    area: Area
    columns: list[tuple[str, Area | None]]
    rows: Mapping[str, list[tuple[str, list[tuple[str, str]]]]]
    notifications: str

    @property
    def has_notifications(self) -> bool:
        return self.notifications != "0"


def for_area(figures: Figures, area: Area) -> AreaFigures:
    """The pack figures of ``area``."""
    region = Area(area.region_code, area.region_name, "region", area.region_code,
                  area.region_name)
    columns: list[tuple[str, Area | None]] = [(area.name, area)]
    if area.level == "authority":
        columns.append((region.name, region))
    columns.append((ENGLAND[1], None))
    rows = {}
    for measure in figures.measures:
        shown = [_row(figures.tables[measure.id], where) for _, where in columns]
        rows[measure.id] = [
            (category, [(line[category], percent(line[category], line[TOTAL])) for line in shown])
            for category in [*measure.categories, TOTAL]]
    notifications = _row(figures.tables["outcome"], area)[TOTAL]
    return AreaFigures(area, columns, rows, notifications)


def pack_facts(pack: AreaFigures, figures: Figures) -> dict[str, facts.Fact]:
    """The facts of one pack, with their definitions, numerators and denominators: one count and
    one share per measure, category and column (``<measure>_<category>_<column>_n``/``_pct``,
    column ``area``, ``region`` or ``england``); a suppressed figure is text, ``c``."""
    kinds = ["area", "region", "england"] if pack.area.level == "authority" else ["area",
                                                                                  "england"]
    found: dict[str, facts.Fact] = {}
    for measure in figures.measures:
        total = dict(pack.rows[measure.id])[TOTAL]
        for category, cells in pack.rows[measure.id]:
            for kind, (label, _), (count, share), (denominator, _) in zip(
                    kinds, pack.columns, cells, total, strict=True):
                name = f"{measure.id}_{slug(category)}_{kind}"
                what = f"{measure.counted}, {label}: {measure.title.lower()}, {category}"
                definition = (f"{measure.title} in {label}, {figures.period_label}; "
                              f"c: suppressed (a count from 1 to the disclosure threshold, or "
                              "one that would reveal one)")
                found[f"{name}_n"] = _fact(f"{name}_n", count, what, definition, denominator,
                                           measure.counted)
                if category != TOTAL:
                    found[f"{name}_pct"] = _share(f"{name}_pct", share, count, denominator, what,
                                                  definition, measure.counted)
    return found


def _fact(name: str, count: str, label: str, definition: str, denominator: str,
          denominator_label: str) -> facts.Fact:
    if count == CONFIDENTIAL:
        return facts.make(name, CONFIDENTIAL, label=label, unit="text", definition=definition)
    return facts.make(name, int(count), label=label, definition=definition,
                      denominator=None if denominator == CONFIDENTIAL else int(denominator),
                      denominator_label=denominator_label)


def _share(name: str, share: str, count: str, denominator: str, label: str, definition: str,
           counted: str) -> facts.Fact:
    if share in (CONFIDENTIAL, gss.NOT_APPLICABLE):
        return facts.make(name, share, label=f"{label}, share", unit="text",
                          definition=definition)
    return facts.make(name, 100 * int(count) / int(denominator), label=f"{label}, share",
                      unit="percent", numerator=int(count), denominator=int(denominator),
                      denominator_label=counted, definition=definition)


#: The columns of a pack's open data (EES layout, three geographic levels in one file).
OPEN_DATA_COLUMNS = ("time_period", "time_identifier", "geographic_level", "country_code",
                     "country_name", "region_code", "region_name", "new_la_code", "la_name",
                     "measure", "category", "count", "percent")


def open_data_rows(pack: AreaFigures, figures: Figures, time_period: str,
                   time_identifier: str) -> list[dict[str, str]]:
    """The pack's open-data rows: every measure and category at every level of the pack."""
    out = []
    titles = {m.id: m.title for m in figures.measures}
    for index, (_, where) in enumerate(pack.columns):
        level = "england" if where is None else where.level
        geography = {"region_code": "", "region_name": "", "new_la_code": "", "la_name": ""}
        if where is not None:
            geography.update(region_code=where.region_code, region_name=where.region_name)
        if where is not None and where.level == "authority":
            geography.update(new_la_code=where.code, la_name=where.name)
        for measure_id, lines in pack.rows.items():
            for category, cells in lines:
                count, share = cells[index]
                out.append({"time_period": time_period, "time_identifier": time_identifier,
                            "geographic_level": LEVELS[level], "country_code": ENGLAND[0],
                            "country_name": ENGLAND[1], **geography,
                            "measure": titles[measure_id], "category": category,
                            "count": count, "percent": share})
    return out
