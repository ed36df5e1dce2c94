"""Tests for ``reportkit.analysis.area_disclosure``: an attacker who knows every published cell
and how areas add up (authorities to regions to England, categories to totals) recovers no
suppressed cell, and nothing published is hidden without cause."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reportkit.analysis.area_disclosure import suppress_areas
from reportkit.analysis.disclosure import SuppressionRule
from reportkit.analysis.gss import CONFIDENTIAL

CATEGORIES = ["Death", "Serious harm", "Other"]


def _areas(seed: int, authorities: int = 24, regions: int = 4) -> tuple[pd.DataFrame, dict]:
    rng = np.random.default_rng(seed)
    codes = [f"E{index:08d}" for index in range(authorities)]
    region_of = {code: f"R{index % regions}" for index, code in enumerate(codes)}
    counts = pd.DataFrame(rng.poisson([1.2, 2.0, 0.3], size=(authorities, 3)),
                          index=codes, columns=CATEGORIES)
    return counts, region_of


def recoverable(counts: pd.DataFrame, region_of: dict, tables) -> list[tuple]:
    """Hidden cells whose value the published cells and the adding-up rules fix exactly (over
    the reals: e_k lies in the row space of the constraints on the hidden cells)."""
    categories = [c for c in tables.authorities.columns if c != "Total"]
    values: dict[tuple, int] = {}
    shown: dict[tuple, str] = {}
    for code in counts.index:
        for column in [*categories, "Total"]:
            value = counts.loc[code].sum() if column == "Total" else counts.at[code, column]
            values[("la", code, column)] = int(value)
            shown[("la", code, column)] = tables.authorities.at[code, column]
    for region in tables.regions.index:
        members = [c for c in counts.index if region_of[c] == region]
        for column in [*categories, "Total"]:
            values[("region", region, column)] = sum(values[("la", c, column)] for c in members)
            shown[("region", region, column)] = tables.regions.at[region, column]
    hidden = [key for key, text in shown.items() if text == CONFIDENTIAL]
    position = {key: index for index, key in enumerate(hidden)}
    rows, rhs = [], []

    def constraint(terms: list[tuple[tuple, int]], constant: int) -> None:
        row = np.zeros(len(hidden))
        total = constant
        for key, sign in terms:
            if key in position:
                row[position[key]] += sign
            else:
                total -= sign * values[key]
        if row.any():
            rows.append(row)
            rhs.append(total)

    for code in counts.index:  # an authority's categories add up to its total
        constraint([(("la", code, c), 1) for c in categories] + [(("la", code, "Total"), -1)], 0)
    for region in tables.regions.index:
        members = [c for c in counts.index if region_of[c] == region]
        constraint([(("region", region, c), 1) for c in categories]
                   + [(("region", region, "Total"), -1)], 0)
        for column in [*categories, "Total"]:  # a region is the sum of its authorities
            constraint([(("la", c, column), 1) for c in members]
                       + [(("region", region, column), -1)], 0)
    for column in [*categories, "Total"]:  # England is the sum of the regions, and published
        constraint([(("region", r, column), 1) for r in tables.regions.index],
                   int(tables.england[column]))
    if not rows:
        return hidden
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for key, index in position.items():
        unit = np.zeros(len(hidden))
        unit[index] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(key)
    return found


@pytest.mark.parametrize("seed", range(12))
def test_no_suppressed_cell_can_be_recovered(seed: int) -> None:
    counts, region_of = _areas(seed)
    tables = suppress_areas(counts, region_of, SuppressionRule(2))
    exposed = {("region", r, c) for r, c in tables.exposed}
    assert set(recoverable(counts, region_of, tables)) <= exposed
    # every count from 1 to the threshold is hidden, in authorities and regions alike
    for frame, truth in [(tables.authorities, counts.assign(Total=counts.sum(axis=1)))]:
        for code in frame.index:
            for column in frame.columns:
                if 1 <= truth.at[code, column] <= 2:
                    assert frame.at[code, column] == CONFIDENTIAL
    # what is shown is the true count, and England is never hidden
    for code in counts.index:
        for column in CATEGORIES:
            text = tables.authorities.at[code, column]
            assert text == CONFIDENTIAL or int(text) == counts.at[code, column]
    assert (tables.authorities == CONFIDENTIAL).to_numpy().sum() > 0  # the case is not trivial
    assert tables.england["Total"] == str(int(counts.to_numpy().sum()))
    assert CONFIDENTIAL not in set(tables.england)


def test_one_small_authority_hides_a_sibling_so_its_region_does_not_reveal_it() -> None:
    counts = pd.DataFrame({"Death": [1, 7, 9, 5], "Serious harm": [6, 8, 10, 12],
                           "Other": [0, 0, 0, 0]}, index=["A", "B", "C", "D"])
    region_of = {"A": "R1", "B": "R1", "C": "R2", "D": "R2"}
    tables = suppress_areas(counts, region_of, SuppressionRule(2))
    assert tables.authorities.at["A", "Death"] == CONFIDENTIAL
    hidden_in_r1 = (tables.authorities.loc[["A", "B"]] == CONFIDENTIAL).sum().sum()
    assert hidden_in_r1 >= 4  # a cycle: two authorities by two columns, at least
    assert recoverable(counts, region_of, tables) == []
    assert tables.authorities.at["C", "Death"] == "9" or tables.regions.at["R1", "Death"] == "c"


def test_zeros_stay_shown_and_a_table_without_small_counts_is_untouched() -> None:
    counts = pd.DataFrame({"Death": [0, 7, 9], "Serious harm": [6, 8, 10], "Other": [0, 3, 4]},
                          index=["A", "B", "C"])
    tables = suppress_areas(counts, {"A": "R1", "B": "R1", "C": "R2"}, SuppressionRule(2))
    assert CONFIDENTIAL not in tables.authorities.to_numpy()
    assert CONFIDENTIAL not in tables.regions.to_numpy()
    assert tables.authorities.at["A", "Death"] == "0"


def test_an_authority_without_a_region_is_refused() -> None:
    with pytest.raises(ValueError, match="no region for B"):
        suppress_areas(pd.DataFrame({"Death": [1, 2]}, index=["A", "B"]), {"A": "R1"})
