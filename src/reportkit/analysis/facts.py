"""Facts: the one way a number reaches the report's text.

In a notebook, ``record`` keeps a number with its label, unit, denominator and definition,
and displays it as a ``application/vnd.reportkit.fact+json`` output of the cell that computed
it, so the executed notebook itself carries every fact and its provenance. ``check`` (the
last cell, compared by nbval) prints them as a plain rounded table. The build then collects
them from the executed notebooks into ``facts.json`` and Quarto's ``_variables.yml``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ConfigDict, TypeAdapter, ValidationError

from reportkit import executed_notebooks
from reportkit.analysis.gss import number_text, percent_in_text, round_half_up
from reportkit.errors import BuildError, describe_validation_error

MIME_TYPE = "application/vnd.reportkit.fact+json"
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"
UNITS: tuple[str, ...] = ("count", "percent", "ratio", "days", "rate", "text")


@dataclass(frozen=True)
class Fact:
    """A number (or short text) the narrative may quote, with its definition and provenance."""

    name: str
    value: int | float | str
    unit: str
    label: str
    display: str
    definition: str = ""
    numerator: int | None = None
    denominator: int | None = None
    denominator_label: str | None = None
    exact: float | None = None
    dp: int = 0
    notebook: str | None = None
    cell_id: str | None = None
    cell_index: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


# Every record read back goes through this model; an unknown field is refused, as before.
Fact.__pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[attr-defined]
_FACT = TypeAdapter(Fact)


def format_value(value: int | float | str, unit: str, dp: int = 0) -> str:
    """How a fact reads in the text: ``1,234``, ``42%``, ``1.27``, ``12``; ``z`` (not
    applicable) where it cannot be computed, as in the tables (``reportkit.analysis.gss``)."""
    if unit == "text":
        return str(value)
    if unit == "percent":
        return percent_in_text(float(value), dp)
    return number_text(value, dp)


_recorded: dict[str, Fact] = {}


def make(
    name: str,
    value: int | float | str,
    *,
    label: str,
    unit: str = "count",
    definition: str = "",
    numerator: int | None = None,
    denominator: int | None = None,
    denominator_label: str | None = None,
    dp: int = 0,
) -> Fact:
    """Build a validated fact; percentages and ratios keep their unrounded value in ``exact``."""
    if not name.isidentifier() or name != name.lower():
        raise ValueError(f"fact name {name!r} must be lower_snake_case")
    if unit not in UNITS:
        raise ValueError(f"fact {name}: unit {unit!r} is not one of {', '.join(UNITS)}")
    exact: float | None = None
    if unit != "text":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"fact {name}: value {value!r} is not a number")
        if isinstance(value, float) and not value.is_integer() or unit in ("percent", "ratio"):
            exact = float(value)
            value = round_half_up(float(value), dp) if not math.isnan(value) else value
            if dp == 0 and not math.isnan(value):
                value = int(value)
        else:
            value = int(value)
    return Fact(
        name=name,
        value=value,
        unit=unit,
        label=label,
        display=format_value(exact if unit == "percent" and exact is not None else value, unit,
                             dp),
        definition=definition,
        numerator=numerator,
        denominator=denominator,
        denominator_label=denominator_label,
        exact=exact,
        dp=dp,
    )


def _publish(fact: Fact) -> Fact:
    _recorded[fact.name] = fact
    try:
        from IPython.display import display
    except ImportError:  # outside Jupyter: keep the record only
        return fact
    payload = {k: v for k, v in fact.to_dict().items() if v is not None}
    display({MIME_TYPE: payload}, raw=True)
    return fact


def record(name: str, value: int | float | str, **fields: Any) -> Fact:
    """Record a fact in the running notebook (see ``make`` for the fields)."""
    return _publish(make(name, value, **fields))


def record_share(
    name: str, share: Any, *, label: str, denominator_label: str, dp: int = 0, definition=None
) -> Fact:
    """Record a percentage from a ``reportkit.analysis.stats.Share`` (numerator over
    denominator)."""
    return record(
        name,
        share.percent,
        label=label,
        unit="percent",
        definition=definition or share.definition,
        numerator=int(share.numerator),
        denominator=int(share.denominator),
        denominator_label=denominator_label,
        dp=dp,
    )


def recorded() -> list[Fact]:
    """The facts recorded so far in this process, in order."""
    return list(_recorded.values())


def check_table(facts: Iterable[Fact]) -> str:
    """A plain, rounded table of facts: what nbval compares in each notebook's last cell."""
    rows = [("fact", "value", "numerator", "denominator")]
    for fact in facts:
        num = "" if fact.numerator is None else str(fact.numerator)
        den = "" if fact.denominator is None else str(fact.denominator)
        rows.append((fact.name, fact.display, num, den))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    )


def check() -> None:
    """Print this notebook's facts for nbval to compare (call in the last cell)."""
    print(check_table(recorded()))


# --- the build side ----------------------------------------------------------------------


def _validated(fields: Any, where: str) -> Fact:
    """A fact record read back (a notebook's fact output or a ``facts.json`` entry), checked
    against :class:`Fact` (pydantic validates the dataclass: no unknown or missing field)."""
    try:
        return _FACT.validate_python(fields)
    except ValidationError as exc:
        raise BuildError(f"{where}: not a fact record ({describe_validation_error(exc)})") from None


def from_notebook(path: Path) -> list[Fact]:
    """The facts an executed notebook recorded, with notebook name and cell id."""
    notebook = executed_notebooks.read(path)
    found: list[Fact] = []
    for index, cell in notebook.code_cells():
        for output in cell.outputs:
            payload = output.get("data", {}).get(MIME_TYPE)
            if payload is None:
                continue
            if isinstance(payload, str):
                payload = json.loads(payload)
            fields = {**payload, "notebook": notebook.path.name, "cell_id": cell.id}
            fields["cell_index"] = index
            found.append(_validated(fields, f"{notebook.path.name} cell {index}"))
    return found


def collect(notebooks: Iterable[Path]) -> dict[str, Fact]:
    """Every fact of the executed notebooks; a name recorded twice is a build error."""
    facts: dict[str, Fact] = {}
    for path in notebooks:
        for fact in from_notebook(path):
            if fact.name in facts:
                first = facts[fact.name]
                raise BuildError(
                    f"fact {fact.name!r} is recorded twice: {first.notebook} cell "
                    f"{first.cell_index} and {fact.notebook} cell {fact.cell_index}"
                )
            facts[fact.name] = fact
    return dict(sorted(facts.items()))


def write_json(facts: dict[str, Fact], path: Path) -> None:
    """Write ``facts.json``: every fact, keyed by name, with provenance."""
    body = {name: fact.to_dict() for name, fact in facts.items()}
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_json(path: Path) -> dict[str, Fact]:
    """Read ``facts.json`` back."""
    try:
        body = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError(f"cannot read {path}: {exc}") from None
    if not isinstance(body, dict):
        raise BuildError(f"{path}: expected an object of facts by name")
    return {name: _validated(fields, f"{path}: fact {name!r}") for name, fields in body.items()}


def write_variables(facts: dict[str, Fact], path: Path) -> None:
    """Write Quarto's ``_variables.yml``: each fact's display string by name."""
    body = {name: fact.display for name, fact in facts.items()}
    path.write_text(
        "# Written by reportkit build from facts.json: do not edit.\n"
        + yaml.safe_dump(body, sort_keys=True, allow_unicode=True),
        encoding="utf-8",
    )
