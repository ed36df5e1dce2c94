"""Facts: the one way a number reaches the report's text.

In a notebook, ``record`` keeps a number with its label, unit, denominator and definition,
and displays it as a ``application/vnd.reportkit.fact+json`` output of the cell that computed
it, so the executed notebook itself carries every fact and its provenance. ``check`` (the
last cell, compared by nbval) prints them as a plain rounded table. The build then collects
them from the executed notebooks into ``facts.json`` and Quarto's ``_variables.yml``.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ConfigDict, TypeAdapter, ValidationError

from reportkit import executed_notebooks
from reportkit.analysis.gss import number_text, percent_in_text, percent_text, round_half_up
from reportkit.errors import BuildError, describe_validation_error

MIME_TYPE = "application/vnd.reportkit.fact+json"
#: A notebook output saying which open-data table row a fact it recorded appears in.
TABLE_LINK_MIME_TYPE = "application/vnd.reportkit.fact-table+json"
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
    #: Where the fact appears in the open data, when it does: the table's file, the row (its
    #: filter values) and the column (``link_table_row``; checked by ``check_table_links``).
    table: str | None = None
    table_row: dict[str, str] | None = None
    table_column: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    def title(self) -> str:
        """The label with a capital first letter, as a heading or a table's row reads."""
        return self.label[:1].upper() + self.label[1:]

    def open_data_text(self) -> str | None:
        """How an open-data table writes this fact: a percentage without its sign, a count
        as a whole number; None for other units (they are not linked to table rows)."""
        if self.unit == "percent" and self.exact is not None:
            return percent_text(self.exact, self.dp, sign=False)
        if self.unit == "count":
            return str(self.value)
        return None


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
#: Facts recorded in this process that are the count or share of one category (a breakdown's
#: row label), by fact name: the candidates for a link to the open-data row of that label.
_categorised: dict[str, str] = {}
_linked: set[str] = set()


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


def categorised() -> dict[str, str]:
    """The category label of each fact recorded so far that is of one and is not yet linked to
    a table row, by fact name (``reportkit.analysis.chapter`` links them when it publishes a
    table)."""
    return {name: label for name, label in _categorised.items() if name not in _linked}


def link_table_row(name: str, table: str, row: dict[str, str], column: str) -> None:
    """Say, as an output of the running cell, that fact ``name`` appears in the open-data file
    ``table`` at ``row`` (filter values), ``column``; the build adds it to the fact."""
    _linked.add(name)
    try:
        from IPython.display import display
    except ImportError:  # outside Jupyter: nothing to record
        return
    display({TABLE_LINK_MIME_TYPE: {"fact": name, "table": table, "row": row,
                                    "column": column}}, raw=True)


def record(name: str, value: int | float | str, *, category: str | None = None,
           **fields: Any) -> Fact:
    """Record a fact in the running notebook (see ``make`` for the fields). ``category`` names
    the row label (e.g. ``"Death"``, ``"Total"``) of the open-data table that shows this count:
    the chapter links the fact to that row when it publishes the table."""
    if category is not None:
        _categorised[name] = category
    return _publish(make(name, value, **fields))


def record_share(
    name: str, share: Any, *, label: str, denominator_label: str, dp: int = 0, definition=None
) -> Fact:
    """Record a percentage from a ``reportkit.analysis.stats.Share`` (numerator over
    denominator). A share of a named category (``Share.category``) is linked to the open-data
    row of that category when the chapter publishes a table holding it."""
    return record(
        name,
        share.percent,
        category=getattr(share, "category", None),
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
    links: dict[str, dict[str, Any]] = {}
    for index, cell in notebook.code_cells():
        for output in cell.outputs:
            data = output.get("data", {})
            link = data.get(TABLE_LINK_MIME_TYPE)
            if link is not None:
                link = json.loads(link) if isinstance(link, str) else link
                links[str(link.get("fact"))] = link
            payload = data.get(MIME_TYPE)
            if payload is None:
                continue
            if isinstance(payload, str):
                payload = json.loads(payload)
            fields = {**payload, "notebook": notebook.path.name, "cell_id": cell.id}
            fields["cell_index"] = index
            found.append(_validated(fields, f"{notebook.path.name} cell {index}"))
    names = {fact.name for fact in found}
    for name in links:
        if name not in names:
            raise BuildError(f"{notebook.path.name}: a table link names fact {name!r}, which the "
                             "notebook did not record")
    return [_with_link(fact, links[fact.name], notebook.path.name) if fact.name in links
            else fact for fact in found]


def _with_link(fact: Fact, link: dict[str, Any], notebook: str) -> Fact:
    fields = {**fact.to_dict(), "table": link.get("table"), "table_row": link.get("row"),
              "table_column": link.get("column")}
    return _validated(fields, f"{notebook}: the table link of fact {fact.name!r}")


def check_table_links(collected: dict[str, Fact], tables_dir: Path) -> None:
    """Every fact's link to an open-data row names a file, one row and a column whose cell shows
    the fact's value (its percentage without the sign, as the open data writes it); a
    BuildError naming the fact otherwise."""
    frames: dict[str, list[dict[str, str]]] = {}
    for fact in collected.values():
        if fact.table is None:
            continue
        where = f"fact {fact.name}: its open-data row in {fact.table}"
        if fact.table not in frames:
            try:
                with (tables_dir / fact.table).open(encoding="utf-8", newline="") as handle:
                    frames[fact.table] = list(csv.DictReader(handle))
            except OSError:
                raise BuildError(f"{where}: the file was not written") from None
        rows = [row for row in frames[fact.table]
                if all(row.get(key) == value for key, value in (fact.table_row or {}).items())]
        if len(rows) != 1:
            raise BuildError(f"{where}: {len(rows)} rows match {fact.table_row}, not one")
        shown = rows[0].get(fact.table_column or "")
        expected = fact.open_data_text()
        if shown != expected:
            raise BuildError(f"{where}: column {fact.table_column} shows {shown!r}, but the fact "
                             f"is {expected!r}")


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


def json_text(facts: dict[str, Fact]) -> str:
    """``facts.json``'s text: every fact, keyed by name, with provenance."""
    body = {name: fact.to_dict() for name, fact in facts.items()}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def write_json(facts: dict[str, Fact], path: Path) -> None:
    """Write ``facts.json``."""
    path.write_text(json_text(facts), encoding="utf-8")


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
