"""How the report rounds and writes numbers, by the GSS house rules: one home for them.

* Rounding is half-up (halves away from zero), as the Panel publishes: 16.5% is 17%.
  Python's ``round`` and pandas' ``.round`` round half to even (16.5 -> 16): never use them
  for a published figure.
* Symbols are the GSS ones (Government Statistical Service, "Symbols in tables"):
  ``c`` confidential (suppressed), ``x`` not available, ``z`` not applicable, and ``low`` for a
  percentage that rounds to zero but is not zero. A percentage with no denominator is not
  applicable: ``z``, wherever it is shown (fact, table or chart).

No heavy imports: the facts, the tables and the command line all use it.
"""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CONFIDENTIAL = "c"
NOT_AVAILABLE = "x"
NOT_APPLICABLE = "z"
LOW = "low"
LOW_RELIABILITY = "u"
#: Every GSS symbol used in published tables, with its meaning.
SYMBOLS: dict[str, str] = {
    CONFIDENTIAL: "confidential",
    NOT_AVAILABLE: "not available",
    NOT_APPLICABLE: "not applicable",
    LOW: "rounds to zero, but is not zero",
    LOW_RELIABILITY: "low reliability",
}


def round_half_up(value: float | int | Decimal | Fraction, dp: int = 0) -> float:
    """Round ``value`` to ``dp`` decimal places, halves away from zero (16.5 -> 17).

    Floats are rounded from their shortest decimal ``repr`` (so 2.675 -> 2.68, as a person
    reading the figure expects, although the binary double is slightly below 2.675).
    ``Fraction`` values are rounded exactly. NaN and infinities are returned unchanged.
    """
    if isinstance(value, Fraction):
        return _round_fraction(value, dp)
    if isinstance(value, Decimal):
        exact = value
    else:
        number = float(value)
        if not math.isfinite(number):
            return number
        is_int = isinstance(value, numbers.Integral)
        exact = Decimal(int(value)) if is_int else Decimal(repr(number))
    if not exact.is_finite():
        return float(exact)
    quantum = Decimal(1).scaleb(-dp)
    return float(exact.quantize(quantum, rounding=ROUND_HALF_UP))


def _round_fraction(value: Fraction, dp: int) -> float:
    """Exact half-up (away from zero) rounding of a rational number."""
    scale = Fraction(10) ** dp
    scaled = abs(value) * scale
    whole = math.floor(scaled + Fraction(1, 2))
    result = Fraction(whole) / scale
    return float(result if value >= 0 else -result)


def is_missing(value: object) -> bool:
    """True for None and NaN (a figure that cannot be computed)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def number_text(value: float | int, dp: int = 0) -> str:
    """A number as published: half-up, thousands separated (``1,234``, ``1.27``); ``z`` if it
    cannot be computed."""
    if is_missing(value):
        return NOT_APPLICABLE
    return f"{round_half_up(value, dp):,.{dp}f}"


def percent_text(value: float, dp: int = 0, *, sign: bool = True, low: bool = True) -> str:
    """A percentage as published: half-up (``17%``); ``z`` with no denominator; ``low`` when it
    rounds to zero but is not zero (``low=False`` writes ``0%`` instead, for running text)."""
    if is_missing(value):
        return NOT_APPLICABLE
    rounded = round_half_up(value, dp)
    if low and rounded == 0 and value != 0:
        return LOW
    shown = f"{rounded:,.{dp}f}"
    return f"{shown}%" if sign else shown


def percent_in_text(value: float, dp: int = 0) -> str:
    """A percentage for running text, saying what a table's ``low`` says: a share that rounds
    to zero but is not zero reads ``less than 0.5%`` (at ``dp`` places: ``less than 0.05%``)."""
    if not is_missing(value) and value != 0 and round_half_up(value, dp) == 0:
        return f"less than {Decimal(5).scaleb(-dp - 1)}%"
    return percent_text(value, dp)


def change_text(percent_change: float) -> str:
    """A signed percentage change as published: ``+27%``, ``-4%``, ``0%``; ``z`` if none."""
    if is_missing(percent_change):
        return NOT_APPLICABLE
    rounded = round_half_up(percent_change, 0)
    return f"{rounded:+.0f}%" if rounded else "0%"


def interval_text(ratio: float, low: float, high: float, dp: int = 2) -> str:
    """A ratio with its confidence interval, half-up: ``1.27 (1.06 to 1.52)``."""
    if any(is_missing(v) for v in (ratio, low, high)):
        return NOT_APPLICABLE
    shown = [f"{round_half_up(v, dp):.{dp}f}" for v in (ratio, low, high)]
    return f"{shown[0]} ({shown[1]} to {shown[2]})"
