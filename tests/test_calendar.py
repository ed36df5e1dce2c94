"""The one calendar: England and Wales bank holidays (``reportkit.data.calendar``)."""

from __future__ import annotations

from datetime import date

import numpy as np

from reportkit.data.calendar import bank_holiday_days, england_bank_holidays


def test_bank_holidays_2020_england() -> None:
    days = set(england_bank_holidays(2020, 2020))
    assert {date(2020, 4, 10), date(2020, 4, 13), date(2020, 5, 8), date(2020, 12, 25),
            date(2020, 12, 28)} <= days
    assert date(2020, 5, 4) not in days  # early May bank holiday moved to VE day
    assert date(2020, 1, 2) not in days  # a Scottish holiday only


def test_the_days_span_every_year_asked_for_sorted_for_numpy() -> None:
    days = bank_holiday_days(2020, 2021)
    assert days.dtype == np.dtype("datetime64[D]")
    assert list(days) == sorted(days)
    assert np.datetime64("2020-01-01") in days and np.datetime64("2021-12-27") in days
    assert len(days) == len(england_bank_holidays(2020, 2020)) + len(
        england_bank_holidays(2021, 2021))
