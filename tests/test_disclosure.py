"""Tests for reportkit.analysis.disclosure, including property tests that no hidden value can be
derived.

The property tests bound every hidden cell over all non-negative tables consistent with what is
published (linear programming; the transportation constraint matrix is totally unimodular, so
the LP bounds are the integer bounds) and require the lower and upper bound to differ.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from reportkit.analysis.disclosure import (
    CONFIDENTIAL,
    GSS_SYMBOLS,
    LOW,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    TOTAL,
    Finding,
    SuppressionRule,
    is_safe,
    suppress_one_way,
    suppress_percentages,
    suppress_table,
)

PROPERTY = settings(max_examples=150, deadline=None)


def with_margins(interior: list[list[int]], rows=None, columns=None) -> pd.DataFrame:
    """A count table with "Total" margins."""
    table = pd.DataFrame(interior, index=rows, columns=columns, dtype="int64")
    table[TOTAL] = table.sum(axis=1)
    table.loc[TOTAL] = table.sum(axis=0)
    return table


# ------------------------------------------------------------------------------------------
# Bounds of hidden cells over every consistent table


def _bounds(constraints: list[dict], hidden: list, known: dict) -> dict:
    """Min and max of each hidden variable subject to linear equalities and x >= 0.

    ``constraints`` are ``{cell: coefficient}`` equations summing to zero over known and
    hidden cells. Returns ``{cell: (low, high)}`` with ``math.inf`` for an unbounded high.
    """
    position = {cell: k for k, cell in enumerate(hidden)}
    a_eq = np.zeros((len(constraints), len(hidden)))
    b_eq = np.zeros(len(constraints))
    for r, equation in enumerate(constraints):
        for cell, coefficient in equation.items():
            if cell in position:
                a_eq[r, position[cell]] += coefficient
            else:
                b_eq[r] -= coefficient * known[cell]
    bounds = {}
    for cell, k in position.items():
        objective = np.zeros(len(hidden))
        objective[k] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0, low.message  # the true table is feasible
        assert high.status in (0, 3), high.message  # 3: unbounded
        bounds[cell] = (low.fun, math.inf if high.status == 3 else -high.fun)
    return bounds


def table_bounds(counts: pd.DataFrame, published: pd.DataFrame) -> dict:
    """Bounds of each hidden cell of a table with margins, given what is published."""
    rows = [r for r in counts.index if r != TOTAL]
    cols = [c for c in counts.columns if c != TOTAL]
    constraints = [
        {**{(r, c): 1 for c in cols}, (r, TOTAL): -1} for r in [*rows, TOTAL]
    ] + [{**{(r, c): 1 for r in rows}, (TOTAL, c): -1} for c in [*cols, TOTAL]]
    cells = [(r, c) for r in counts.index for c in counts.columns]
    hidden = [cell for cell in cells if published.at[cell] == CONFIDENTIAL]
    known = {cell: int(counts.at[cell]) for cell in cells}
    return _bounds(constraints, hidden, known)


def assert_nothing_derivable(bounds: dict, truth) -> None:
    for cell, (low, high) in bounds.items():
        assert low <= truth(cell) <= high, (cell, low, high)
        assert high - low >= 1 - 1e-7, f"hidden cell {cell} can be derived: [{low}, {high}]"


def assert_no_small_visible(published: pd.DataFrame | pd.Series, threshold: int) -> None:
    values = published.to_numpy().ravel()
    visible = [int(v) for v in values if v != CONFIDENTIAL]
    assert not [v for v in visible if 1 <= v <= threshold]


# ------------------------------------------------------------------------------------------
# Symbols and rule


def test_gss_symbols() -> None:
    assert (CONFIDENTIAL, NOT_AVAILABLE, NOT_APPLICABLE, LOW) == ("c", "x", "z", "low")
    assert set(GSS_SYMBOLS) >= {"c", "x", "z", "low"}


@pytest.mark.parametrize(
    ("threshold", "count", "primary"),
    [(2, 0, False), (2, 1, True), (2, 2, True), (2, 3, False), (5, 5, True), (1, 2, False)],
)
def test_rule_is_primary(threshold: int, count: int, primary: bool) -> None:
    assert SuppressionRule(threshold).is_primary(count) is primary


def test_rule_default_and_validation() -> None:
    assert SuppressionRule().threshold == 2
    with pytest.raises(ValueError):
        SuppressionRule(0)
    with pytest.raises(TypeError):
        SuppressionRule(2.0)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# One-way


@pytest.mark.parametrize(
    ("counts", "total", "expected"),
    [
        # DfE's April to September 2020 split by sex: "not known" 2, so the next smallest too.
        ({"male": 153, "female": 130, "not_known": 2}, 285, ["153", "c", "c", "285"]),
        # Two small cells protect each other.
        ({"a": 1, "b": 2, "c": 40}, 43, ["c", "c", "40", "43"]),
        # Zeros are true zeros and are never used as the secondary cell.
        ({"a": 1, "b": 0, "c": 9, "d": 7}, 17, ["c", "0", "9", "c", "17"]),
        # Nothing small: nothing hidden.
        ({"a": 0, "b": 3, "c": 4}, 7, ["0", "3", "4", "7"]),
        # A small total: the one category behind it is hidden as well.
        ({"a": 0, "b": 2, "c": 0}, 2, ["0", "c", "0", "c"]),
        # Only the total is left to hide.
        ({"a": 1, "b": 0}, 1, ["c", "0", "c"]),
        # The total must go when no other category is non-zero.
        ({"a": 1, "b": 0, "c": 5}, 6, ["c", "0", "c", "6"]),
    ],
)
def test_suppress_one_way(counts: dict, total: int, expected: list[str]) -> None:
    result = suppress_one_way(pd.Series(counts), total, SuppressionRule(2))
    assert result.tolist() == expected
    assert result.index.tolist() == [*counts, TOTAL]


def test_suppress_one_way_without_total_is_primary_only() -> None:
    result = suppress_one_way(pd.Series({"a": 1, "b": 10, "c": 12}), None)
    assert result.tolist() == ["c", "10", "12"]
    assert TOTAL not in result.index


def test_suppress_one_way_validates() -> None:
    with pytest.raises(ValueError, match="total"):
        suppress_one_way(pd.Series({"a": 5, "b": 5}), 9)
    with pytest.raises(ValueError):
        suppress_one_way(pd.Series({"a": -1, "b": 5}), 4)
    with pytest.raises(ValueError, match="Total"):
        suppress_one_way(pd.Series({"a": 5, TOTAL: 5}), 5)


@PROPERTY
@given(
    counts=st.lists(st.one_of(st.integers(0, 3), st.integers(0, 12)), min_size=2, max_size=8),
    threshold=st.integers(1, 3),
)
def test_one_way_property_nothing_derivable(counts: list[int], threshold: int) -> None:
    rule = SuppressionRule(threshold)
    series = pd.Series(counts, index=[f"k{i}" for i in range(len(counts))])
    published = suppress_one_way(series, sum(counts), rule)
    assert_no_small_visible(published, threshold)
    keys = list(published.index)
    truth = {**series.to_dict(), TOTAL: sum(counts)}
    hidden = [k for k in keys if published[k] == CONFIDENTIAL]
    equation = {**{k: 1 for k in series.index}, TOTAL: -1}
    bounds = _bounds([equation], hidden, truth)
    assert_nothing_derivable(bounds, truth.__getitem__)
    assert all(truth[k] > 0 for k in hidden)  # zeros are never hidden


# ------------------------------------------------------------------------------------------
# Tables with margins


def test_suppress_table_worked_example() -> None:
    counts = with_margins([[1, 5, 7], [4, 0, 9], [6, 8, 3]], ["a", "b", "c"], ["x", "y", "z"])
    published = suppress_table(counts)
    # The 1 is protected by the cheapest cycle of interior cells: 1, 7, 6, 3.
    expected = pd.DataFrame(
        [["c", "5", "c", "13"], ["4", "0", "9", "13"], ["c", "8", "c", "17"],
         ["11", "13", "19", "43"]],
        index=counts.index,
        columns=counts.columns,
    )
    pd.testing.assert_frame_equal(published, expected, check_dtype=False)
    assert is_safe(published) == []


def test_suppress_table_keeps_layout_and_labels() -> None:
    counts = with_margins([[10, 20], [30, 40]], ["North East", "London"], ["death", "harm"])
    counts = counts.loc[[TOTAL, "North East", "London"], [TOTAL, "harm", "death"]]
    published = suppress_table(counts)
    assert published.index.tolist() == counts.index.tolist()
    assert published.columns.tolist() == counts.columns.tolist()
    assert published.at["London", "harm"] == "40"
    assert all(isinstance(v, str) for v in published.to_numpy().ravel())


def test_suppress_table_nothing_small_is_unchanged() -> None:
    counts = with_margins([[10, 0], [3, 40]])
    assert (suppress_table(counts) == counts.astype(str)).all().all()


def test_suppress_table_uses_margins_only_when_needed() -> None:
    # Row "a" has one non-zero interior cell: its total must be hidden with it; the column
    # then needs a partner, which closes the cycle through the other row's total.
    counts = with_margins([[2, 0, 0], [5, 6, 7]], ["a", "b"], ["x", "y", "z"])
    published = suppress_table(counts)
    assert published.at["a", "x"] == CONFIDENTIAL
    assert published.at["a", TOTAL] == CONFIDENTIAL
    assert published.at[TOTAL, TOTAL] == "20"  # the grand total stays visible
    assert is_safe(published) == []


def test_suppress_table_grand_total_only_when_forced() -> None:
    counts = with_margins([[1, 0], [0, 0]])
    published = suppress_table(counts)
    assert published.to_numpy().tolist() == [["c", "0", "c"], ["0", "0", "0"], ["c", "0", "c"]]


def test_suppress_table_validates() -> None:
    counts = with_margins([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="Total"):
        suppress_table(counts.drop(columns=TOTAL))
    broken = counts.copy()
    broken.at[0, TOTAL] = 99
    with pytest.raises(ValueError, match="add up"):
        suppress_table(broken)
    negative = counts.astype(float)
    negative.iat[0, 0] = math.nan
    with pytest.raises(ValueError):
        suppress_table(negative)


tables = st.integers(2, 5).flatmap(
    lambda n_rows: st.integers(2, 5).flatmap(
        lambda n_cols: st.lists(
            st.lists(
                st.one_of(st.integers(0, 3), st.integers(0, 12)),
                min_size=n_cols,
                max_size=n_cols,
            ),
            min_size=n_rows,
            max_size=n_rows,
        )
    )
)


@PROPERTY
@given(interior=tables, threshold=st.integers(1, 3))
def test_table_property_nothing_small_and_nothing_derivable(
    interior: list[list[int]], threshold: int
) -> None:
    rule = SuppressionRule(threshold)
    counts = with_margins(interior)
    published = suppress_table(counts, rule)
    assert_no_small_visible(published, threshold)
    for cell in [(r, c) for r in counts.index for c in counts.columns]:
        if published.at[cell] != CONFIDENTIAL:
            assert published.at[cell] == str(counts.at[cell])
        else:
            assert counts.at[cell] > 0  # zeros are never hidden
    bounds = table_bounds(counts, published)
    assert_nothing_derivable(bounds, lambda cell: counts.at[cell])
    assert is_safe(published, rule) == []


# ------------------------------------------------------------------------------------------
# Percentages


def test_suppress_percentages_follow_counts() -> None:
    counts = with_margins([[1, 5, 7], [4, 0, 9], [6, 8, 3]], ["a", "b", "c"], ["x", "y", "z"])
    published = suppress_table(counts)
    percent = counts.div(counts[TOTAL], axis=0) * 100
    result = suppress_percentages(percent, published)
    assert result.at["a", "x"] == CONFIDENTIAL
    assert result.at["a", "y"] == "38"  # 5 of 13 = 38.46%
    assert result.at["b", "y"] == "0"  # a true zero
    assert result.at["a", TOTAL] == "100"


def test_suppress_percentages_low_and_not_applicable() -> None:
    percent = pd.Series([0.4, 0.5, 0.0, math.nan, 16.5], index=list("abcde"))
    counts = pd.Series(["1000", "1000", "0", "0", "33"], index=list("abcde"))
    result = suppress_percentages(percent, counts)
    assert result.tolist() == [LOW, "1", "0", NOT_APPLICABLE, "17"]
    one_dp = suppress_percentages(percent, counts, dp=1)
    assert one_dp.tolist() == ["0.4", "0.5", "0.0", "z", "16.5"]
    assert suppress_percentages(pd.Series([0.04]), pd.Series(["9"]), dp=1).tolist() == [LOW]


def test_suppress_percentages_hidden_denominator() -> None:
    counts = pd.DataFrame(
        [["c", "5", "c"], ["7", "9", "16"], ["c", "14", "c"]],
        index=["a", "b", TOTAL],
        columns=["x", "y", TOTAL],
    )
    percent = pd.DataFrame(np.full((3, 3), 50.0), index=counts.index, columns=counts.columns)
    by_row = suppress_percentages(percent, counts, denominator="row")
    assert by_row.loc["a"].tolist() == ["c", "c", "c"]
    assert by_row.loc["b"].tolist() == ["50", "50", "50"]
    by_column = suppress_percentages(percent, counts, denominator="column")
    assert by_column["x"].tolist() == ["c", "c", "c"]
    assert by_column["y"].tolist() == ["50", "50", "50"]
    by_grand = suppress_percentages(percent, counts, denominator="grand")
    assert (by_grand == "c").all().all()


def test_suppress_percentages_layout_must_match() -> None:
    with pytest.raises(ValueError):
        suppress_percentages(pd.Series([1.0, 2.0]), pd.Series(["1", "2"], index=[5, 6]))
    with pytest.raises(TypeError):
        suppress_percentages(pd.Series([1.0]), pd.DataFrame({"a": ["1"]}))


# ------------------------------------------------------------------------------------------
# Audit


def test_is_safe_finds_small_visible_counts() -> None:
    published = pd.DataFrame(
        {"x": ["2", "c", "x", "12"], "y": ["0", "low", "1,001", "1"]}, index=list("abcd")
    )
    findings = is_safe(published)
    assert findings == [
        Finding("a", "x", "2", "visible count from 1 to 2"),
        Finding("d", "y", "1", "visible count from 1 to 2"),
    ]
    assert "row 'a', column 'x'" in str(findings[0])
    assert [f.value for f in is_safe(published, SuppressionRule(12))] == ["2", "12", "1"]


def test_is_safe_finds_cells_recoverable_by_subtraction() -> None:
    counts = with_margins([[1, 5, 7], [4, 6, 9], [6, 8, 3]], ["a", "b", "c"], ["x", "y", "z"])
    published = counts.astype(str)
    published.at["a", "x"] = CONFIDENTIAL  # alone in its row and column
    findings = is_safe(published)
    assert findings == [Finding("a", "x", "c", "recoverable by subtraction: 1")]
    # Hiding a cycle 1, 5, 4, 6 protects all four.
    for cell in [("a", "y"), ("b", "x"), ("b", "y")]:
        published.at[cell] = CONFIDENTIAL
    assert is_safe(published) == []
    # Hiding a margin instead of an interior cell can still leave it derivable.
    published = counts.astype(str)
    for cell in [("a", "x"), ("a", TOTAL), ("b", "x")]:
        published.at[cell] = CONFIDENTIAL
    recovered = {(f.row, f.column): f.reason for f in is_safe(published)}
    assert recovered == {
        ("a", "x"): "recoverable by subtraction: 1",
        ("a", TOTAL): "recoverable by subtraction: 13",
        ("b", "x"): "recoverable by subtraction: 4",
    }


def test_is_safe_skips_derivation_for_non_additive_tables() -> None:
    published = pd.DataFrame({"x": ["c", "5"], TOTAL: ["x", "5"]}, index=["a", TOTAL])
    assert is_safe(published) == []


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        # A one-way table with a "Total" row: the lone hidden count follows from the total.
        (
            pd.DataFrame({"n": ["153", "130", "c", "285"]}, index=["m", "f", "nk", TOTAL]),
            [Finding("nk", "n", "c", "recoverable by subtraction: 2")],
        ),
        (
            pd.DataFrame({"n": ["153", "c", "c", "285"]}, index=["m", "f", "nk", TOTAL]),
            [],
        ),
        # The same, laid out as a row with a "Total" column; a lone hidden total is found too.
        (
            pd.DataFrame([["4", "5", "c"]], index=["England"], columns=["a", "b", TOTAL]),
            [Finding("England", TOTAL, "c", "recoverable by subtraction: 9")],
        ),
    ],
)
def test_is_safe_one_way_margins(published: pd.DataFrame, expected: list[Finding]) -> None:
    assert is_safe(published) == expected
