"""England and Wales bank holidays: the one calendar behind every working-day count (the
rapid-review timeliness in ``analysis.stats`` and the synthetic data's dates in ``data.synth``),
from the maintained ``holidays`` package (``GB``, subdivision ``ENG``)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays
import numpy as np


@lru_cache(maxsize=32)
def bank_holiday_days(first_year: int, last_year: int) -> np.ndarray:
    """Bank holidays from ``first_year`` to ``last_year`` inclusive, sorted, as
    ``datetime64[D]`` (what ``numpy.busday_count`` takes)."""
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def england_bank_holidays(first_year: int, last_year: int) -> list[date]:
    """Bank holidays in England (and Wales) from ``first_year`` to ``last_year`` inclusive."""
    return [d.astype(date) for d in bank_holiday_days(first_year, last_year)]
