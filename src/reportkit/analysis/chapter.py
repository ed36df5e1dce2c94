"""What every chapter notebook starts from: the period's params and its validated data,
already selected by notification date, and a way to publish open-data tables."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reportkit import config
from reportkit.analysis import charts, facts, read_audit, stats, tables
from reportkit.data import dataset_cache, validated
from reportkit.paths import (
    DATA_CACHE_ENV,
    NO_DATA_CACHE_ENV,
    cache_dir,
    codes_dir,
    project_root,
)


@dataclass(frozen=True, eq=False)
class Chapter:
    """One period's data for a chapter notebook."""

    params: config.PeriodParams
    dataset: validated.Dataset
    notifications: pd.DataFrame
    children: pd.DataFrame
    tables_dir: str = ""

    @property
    def fatal(self) -> pd.DataFrame:
        """Fatal incidents (deaths) in the period."""
        return self.notifications[self.notifications["outcome"] == validated.FATAL]

    @property
    def non_fatal(self) -> pd.DataFrame:
        """Non-fatal incidents: serious harm and other notifications."""
        return self.notifications[self.notifications["outcome"] != validated.FATAL]

    @property
    def serious_harm(self) -> pd.DataFrame:
        """Serious harm incidents only (the narrower non-fatal definition)."""
        return self.notifications[self.notifications["outcome"] == validated.SERIOUS_HARM]

    def in_range(self, start, end) -> pd.DataFrame:
        """All notifications (any period) from ``start`` to ``end`` by notification date."""
        return stats.select_period(self.dataset.notifications, start, end)

    def publish(
        self,
        frame: pd.DataFrame,
        name: str,
        *,
        filters: Mapping[str, str],
        indicators: Mapping[str, tables.Indicator],
        geographic_level: str = "National",
        hints: Mapping[str, str] | None = None,
        defaults: Mapping[str, str] | None = None,
        total: bool = False,
    ) -> Path | None:
        """Write an open-data table when the build asked for tables (``tables_dir`` set).

        ``total`` adds a ``Total`` row to a one-filter table of counts; ``defaults`` names the
        item the EES table tool selects for a filter with no ``Total`` row."""
        if not self.tables_dir:
            return None
        if total:
            (column,) = filters
            frame = tables.with_total(frame, column, list(indicators))
        path = tables.write_open_data(
            frame,
            name,
            self.tables_dir,
            time_period=self.params.time_period,
            time_identifier=self.params.time_identifier,
            filters=filters,
            indicators=indicators,
            geographic_level=geographic_level,
            hints=hints,
            defaults=defaults,
        )
        link_facts_to_rows(frame, path.name, filters, indicators)
        return path

    def publish_breakdown(
        self, bd: stats.Breakdown, name: str, *, filter_column: str, filter_label: str,
        count_column: str, count_label: str, items: Mapping[str, str] | None = None,
        hint: str = "",
    ) -> Path | None:
        """Publish a national one-way breakdown (unsuppressed, as the Panel publishes them),
        with a Total row.

        ``items`` renames categories to the EES data dictionary's items (categories given the
        same item are added together); the percentage column is ``<count>_percent`` (for
        ``children_count``: ``children_percent``, the dictionary's name)."""
        rows = pd.DataFrame({
            "item": [(items or {}).get(label, label) for label in bd.table["label"]],
            "count": bd.table["count"].astype(int),
            "percent": bd.table["percent"],
        }).groupby("item", sort=False, as_index=False).sum(min_count=1)
        percent_column = f"{count_column.removesuffix('_count')}_percent"
        frame = pd.DataFrame(
            {
                filter_column: [*rows["item"], "Total"],
                count_column: [*rows["count"], bd.denominator],
                percent_column: [*(tables.percent_text(v, sign=False) for v in rows["percent"]),
                                 "100"],
            }
        )
        return self.publish(
            frame, name, filters={filter_column: filter_label},
            indicators={count_column: tables.Indicator(count_label),
                        percent_column: tables.Indicator(f"Percentage of {bd.definition}",
                                                         "%")},
            hints={filter_column: hint} if hint else None,
        )


def _dataset_key(files: list[Path], codes: Path) -> str:
    """A content hash of everything validation depends on: data, code lists, validator code."""
    digest = hashlib.sha256()
    for path in [*files, *validated.validator_files(), *sorted(codes.glob("*.csv"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_dataset(notifications: Path, children: Path,
                 root: Path | None = None) -> validated.Dataset:
    """Validated data from the two files, from a local cache keyed by content hash when one
    exists.

    Validation is deterministic, so the same bytes always validate the same way: the first
    notebook of a build validates and caches, the others load the cached typed tables. The
    cache is JSON checked against its recorded hash (``reportkit.data.dataset_cache``): a bad entry
    is validated again, never used.
    ``REPORTKIT_NO_DATA_CACHE=1`` always validates from the CSVs; ``REPORTKIT_DATA_CACHE``
    names another cache folder (``reportkit verify`` gives its kernels a new, empty one).
    """
    root = root or project_root()
    codes = codes_dir(root)
    files = {"notifications": notifications, "children": children}
    missing = [path for path in files.values() if not path.is_file()]
    if os.environ.get(NO_DATA_CACHE_ENV) or missing:  # validation names a missing file
        return validated.load(**files, codes_folder=codes)
    key = _dataset_key(list(files.values()), codes)
    folder = os.environ.get(DATA_CACHE_ENV)
    entry = (Path(folder) if folder else cache_dir(root) / "datasets") / f"{key}.json"
    dataset = dataset_cache.read(entry)
    if dataset is None:
        dataset = validated.load(**files, codes_folder=codes)
        dataset_cache.write(entry, dataset)
    return dataset


def period_data(params: config.PeriodParams, root: Path | None = None
                ) -> tuple[validated.Dataset, pd.DataFrame, pd.DataFrame]:
    """(the validated data, the period's notifications by notification date, their children)."""
    dataset = load_dataset(params.data_path("notifications", root),
                           params.data_path("children", root), root)
    notifications = stats.select_period(dataset.notifications, params.period.start,
                                        params.period.end)
    return dataset, notifications, stats.children_of(dataset.children, notifications)


def open_chapter(period: str, tables_dir: str = "") -> Chapter:
    """Load the params of ``period`` and its validated data; set the house chart style."""
    read_audit.record_from_environment()  # in a build: which files this notebook reads
    params = config.load_period(period)
    dataset, notifications, children = period_data(params)
    charts.apply_style()
    return Chapter(params, dataset, notifications, children, tables_dir)


def link_facts_to_rows(frame: pd.DataFrame, table: str, filters: Mapping[str, str],
                       indicators: Mapping[str, tables.Indicator]) -> None:
    """Link each fact of a category recorded so far to the row of ``frame`` (an open-data
    table, written as ``table``) that shows it: the one row whose filter value is the fact's
    category, in a column of its unit (a percentage or a count) that shows the fact's value as
    the open data writes it. A fact with no such row keeps no link."""
    recorded = {fact.name: fact for fact in facts.recorded()}
    for name, category in facts.categorised().items():
        fact = recorded[name]
        expected, unit = fact.open_data_text(), "%" if fact.unit == "percent" else ""
        if expected is None:
            continue
        rows = [index for index in range(len(frame))
                if any(str(frame[column].iloc[index]) == category for column in filters)]
        if len(rows) != 1:
            continue
        columns = [column for column, indicator in indicators.items()
                   if indicator.unit == unit and str(frame[column].iloc[rows[0]]) == expected]
        if columns:
            row = {column: str(frame[column].iloc[rows[0]]) for column in filters}
            facts.link_table_row(name, table, row, columns[0])
