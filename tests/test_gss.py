"""The house rules for numbers, in one place: half-up rounding and GSS symbols, the same in a
fact, a table and a chart."""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd
import pytest

from reportkit.analysis import disclosure, facts, gss, stats, tables


@pytest.mark.parametrize(("value", "dp", "expected"), [
    (16.5, 0, 17.0), (2.5, 0, 3.0), (-2.5, 0, -3.0), (2.675, 2, 2.68), (1.0625, 3, 1.063),
    (0.1235, 3, 0.124), (Fraction(1, 8), 2, 0.13), (7, 0, 7.0),
])
def test_round_half_up(value, dp, expected) -> None:
    assert gss.round_half_up(value, dp) == expected


def test_half_up_is_the_rule_where_pandas_and_python_round_half_to_even() -> None:
    """1.0625 to 3 places: pandas' .round (half to even) says 1.062, the house rule 1.063."""
    column = pd.Series([1.0625, 2.5, 0.3125])
    assert list(column.round(3)) != [1.063, 2.5, 0.313]  # the disagreement that existed
    assert list(tables.half_up(column, 3)) == [1.063, 2.5, 0.313]
    assert round(2.5) == 2 and gss.round_half_up(2.5) == 3


def test_one_function_rounds_everywhere() -> None:
    assert stats.round_half_up is gss.round_half_up
    assert stats.Share(1, 8, "").rounded(1) == 12.5 and stats.Share(33, 200, "").rounded() == 17


def test_no_denominator_is_z_in_a_fact_a_table_and_a_disclosure_table() -> None:
    """A percentage with no denominator is not applicable: 'z', never 'x' in one place and 'z'
    in another."""
    assert facts.make("p", math.nan, label="p", unit="percent").display == gss.NOT_APPLICABLE
    assert facts.format_value(math.nan, "ratio", 2) == "z"
    assert tables.percent_text(math.nan) == "z"
    suppressed = disclosure.suppress_percentages(pd.Series([math.nan]), pd.Series([5]))
    assert list(suppressed) == ["z"]
    assert gss.change_text(math.nan) == gss.interval_text(math.nan, 1, 2) == "z"


def test_a_share_that_rounds_to_zero() -> None:
    assert tables.percent_text(0.4) == "low" and tables.percent_text(0.0) == "0%"
    assert list(disclosure.suppress_percentages(pd.Series([0.4]), pd.Series([1]))) == ["low"]
    # running text says what the table's "low" means (it read "0%" beside a true 0%: issue 12)
    assert facts.make("p", 0.4, label="p", unit="percent").display == "less than 0.5%"
    assert facts.make("p", 0.04, label="p", unit="percent", dp=1).display == "less than 0.05%"
    assert facts.make("p", 0.0, label="p", unit="percent").display == "0%"


def test_numbers_are_written_alike() -> None:
    assert gss.number_text(1234) == "1,234" and gss.number_text(1.2667, 2) == "1.27"
    assert facts.format_value(1234, "count") == "1,234"
    assert gss.percent_text(16.5) == "17%" and gss.change_text(27.4) == "+27%"
    assert gss.interval_text(1.2667, 1.0601, 1.515) == "1.27 (1.06 to 1.52)"
    assert set(disclosure.GSS_SYMBOLS) == set(gss.SYMBOLS)
