"""Every published figure in ``data/published/*.yml``, recomputed from the shipped CSVs.

Table-driven: one test case per figure. Counts must match exactly; percentages must match at
the published precision (whole numbers, half-up); ``more_than`` compares the unrounded value.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from reportkit.analysis import stats
from reportkit.data.published_figures import PublishedFigure, load_all, load_file
from reportkit.data.validated import Dataset, load
from reportkit.errors import UserError
from reportkit.paths import data_dir

FIGURES = load_all()


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """The shipped dataset, validated and typed."""
    return load(data_dir())


def _rows(frame: pd.DataFrame, where: str | None) -> pd.DataFrame:
    return frame if where is None else frame.query(where)


def compute(figure: PublishedFigure, dataset: Dataset) -> float:
    """The figure's count, or unrounded percentage, from the data."""
    notifications = stats.select_period(
        dataset.notifications, figure.period.start, figure.period.end
    )
    tables = {
        "notifications": notifications,
        "children": stats.children_of(dataset.children, notifications),
    }
    frame = tables[figure.numerator.table]
    if figure.kind == "count":
        return float(len(_rows(frame, figure.numerator.where)))
    assert figure.denominator is not None
    base = _rows(frame, figure.denominator.where)
    condition = figure.numerator.where or pd.Series(True, index=base.index)
    result = stats.share(base, condition, definition=figure.denominator.label)
    if figure.comparison == "more_than":
        return result.percent
    return result.rounded(figure.rounding.dp)


@pytest.mark.parametrize("figure", FIGURES, ids=[figure.name for figure in FIGURES])
def test_published_figure_is_reproduced(figure: PublishedFigure, dataset: Dataset) -> None:
    value = compute(figure, dataset)
    where = f"{figure.name} ({figure.file}, {figure.period.start} to {figure.period.end})"
    if figure.comparison == "more_than":
        assert value > figure.value, f"{where}: {value} is not more than {figure.value}"
    else:
        assert value == figure.value, f"{where}: data give {value}, published {figure.value}"


def test_every_figure_has_a_source_and_period() -> None:
    assert len(FIGURES) >= 50
    files = {figure.file for figure in FIGURES}
    assert {"2018-19.yml", "2020.yml", "2020-half-year.yml", "2021.yml"} <= files
    assert {"2022-23.yml", "2023-24.yml"} <= files
    for figure in FIGURES:
        assert figure.source.citation
        assert figure.period.basis == "notification date"
        if figure.kind == "percent":
            assert figure.denominator is not None and figure.denominator.label


def test_a_percent_without_a_denominator_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "source: {citation: 'A publisher (2020) A report.'}\n"
        "period: {start: 2020-01-01, end: 2020-12-31}\n"
        "figures:\n"
        "  - {name: share_x, value: 10, kind: percent, numerator: {table: children}}\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError, match="share_x"):
        load_file(bad)


def test_duplicate_names_across_files_are_refused(tmp_path: Path) -> None:
    body = (
        "source: {citation: 'A publisher (2020) A report.'}\n"
        "period: {start: 2020-01-01, end: 2020-12-31}\n"
        "figures:\n"
        "  - {name: total, value: 1, kind: count, numerator: {table: notifications}}\n"
    )
    (tmp_path / "a.yml").write_text(body, encoding="utf-8")
    (tmp_path / "b.yml").write_text(body, encoding="utf-8")
    with pytest.raises(UserError, match="both a.yml and b.yml"):
        load_all(tmp_path)
