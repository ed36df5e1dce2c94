"""Tables: shown in notebooks (Markdown, HTML and plain text at once) and published as
Explore Education Statistics (EES) open-data files, a ``.csv`` with a ``.meta.csv`` beside it."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportkit.analysis.gss import SYMBOLS, round_half_up

# How tables write their figures: the house rules of reportkit.analysis.gss, re-exported for
# notebooks.
from reportkit.analysis.gss import change_text as change_text
from reportkit.analysis.gss import interval_text as interval_text
from reportkit.analysis.gss import percent_text as percent_text
from reportkit.escape import markdown_text

if TYPE_CHECKING:
    import pandas as pd

ENGLAND = ("E92000001", "England")
GEOGRAPHIC_LEVELS = ("National", "Regional")
#: The columns that give a row its own period in a table across periods.
TIME_COLUMNS = ("time_period", "time_identifier")


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _is_number_column(values: Sequence[object]) -> bool:
    shown = [v for v in values if str(v) != "" and str(v) not in SYMBOLS]
    return bool(shown) and all(isinstance(v, int | float) or str(v)[:1].isdigit() for v in shown)


def _widths(headers: Sequence[str], body: Sequence[Sequence[str]]) -> list[int]:
    """Each column's share of a wide table, as Pandoc reads it from the dashes under the header:
    its longest cell, and at least its header's longest word (so no word breaks)."""
    widths = []
    for index, header in enumerate(headers):
        cells = [row[index] for row in body]
        widths.append(max(3, max(map(len, header.split()), default=0),
                          max(map(len, cells), default=0)))
    return widths


def to_markdown(frame: pd.DataFrame) -> str:
    """A Pandoc pipe table (every cell escaped: see ``reportkit.escape``); numbers
    right-aligned."""
    headers = [str(c) for c in frame.columns]
    body = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    right = [_is_number_column(list(frame[c])) for c in frame.columns]
    rule = ["-" * width + ":" if r else ":" + "-" * width
            for r, width in zip(right, _widths(headers, body), strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    headers, body = [markdown_text(h) for h in headers], [[markdown_text(c) for c in r]
                                                            for r in body]
    return "\n".join([line(headers), line(rule), *(line(r) for r in body)])


def show(frame: pd.DataFrame) -> None:
    """Display a table in a notebook as Markdown (what the report embeds), HTML and text."""
    from IPython.display import display

    html = frame.to_html(index=False, border=0, classes="reportkit-table", na_rep="")
    display(
        {"text/markdown": to_markdown(frame), "text/html": html,
         "text/plain": frame.to_string(index=False)},
        raw=True,
    )


@dataclass(frozen=True)
class Indicator:
    """One indicator column of an open-data table."""

    label: str
    unit: str = ""  # "" for counts, "%" for percentages
    dp: int = 0


def write_open_data(
    frame: pd.DataFrame,
    name: str,
    out_dir: Path | str,
    *,
    time_period: str,
    time_identifier: str,
    filters: Mapping[str, str],
    indicators: Mapping[str, Indicator],
    geographic_level: str = "National",
    hints: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
) -> Path:
    """Write ``<name>.csv`` and ``<name>.meta.csv`` in the EES open-data layout.

    ``frame`` holds the filter and indicator columns (already suppressed where the rule asks);
    regional tables also carry ``region_code`` and ``region_name``. A frame with
    ``time_period`` and ``time_identifier`` columns gives each row its own period; otherwise
    every row is the report's (``time_period``, ``time_identifier``). ``defaults`` names the item
    the EES table tool selects for a filter without a ``Total`` row (meta ``filter_default``).
    """
    if geographic_level not in GEOGRAPHIC_LEVELS:
        raise ValueError(f"geographic_level must be one of {GEOGRAPHIC_LEVELS}")
    if name != name.lower() or not name.replace("_", "").isalnum():
        raise ValueError(f"open-data file name {name!r} must be lower_snake_case")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    geography = ["region_code", "region_name"] if geographic_level == "Regional" else []
    columns = [*geography, *filters, *indicators]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"table {name}: missing columns {', '.join(missing)}")
    table = frame[columns].copy()
    table.insert(0, "country_name", ENGLAND[1])
    table.insert(0, "country_code", ENGLAND[0])
    table.insert(0, "geographic_level", geographic_level)
    # A table across periods (the trends) carries each row's own period in TIME_COLUMNS.
    per_row = all(column in frame.columns for column in TIME_COLUMNS)
    table.insert(0, "time_identifier",
                 list(frame["time_identifier"]) if per_row else time_identifier)
    table.insert(0, "time_period", list(frame["time_period"]) if per_row else time_period)
    data_path = out / f"{name}.csv"
    table.to_csv(data_path, index=False, lineterminator="\n")
    meta_path = out / f"{name}.meta.csv"
    with meta_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit",
             "indicator_dp", "filter_hint", "filter_grouping_column", "filter_default"]
        )
        for column, label in filters.items():
            hint = (hints or {}).get(column, "")
            default = (defaults or {}).get(column, "")
            writer.writerow([column, "Filter", label, "", "", "", hint, "", default])
        for column, ind in indicators.items():
            writer.writerow([column, "Indicator", ind.label, "", ind.unit, ind.dp, "", "", ""])
    return data_path


def with_total(frame: pd.DataFrame, filter_column: str, counts: Sequence[str]) -> pd.DataFrame:
    """``frame`` with a ``Total`` row: the sum of each count column (other columns blank are
    not allowed, so every non-filter column must be a count)."""
    import pandas as pd

    others = [c for c in frame.columns if c not in (filter_column, *counts)]
    if others:
        raise ValueError(f"a Total row needs a sum for every column; {', '.join(others)} "
                         "are not counts")
    total = {filter_column: "Total", **{c: int(frame[c].astype(int).sum()) for c in counts}}
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def read_meta(meta_path: Path) -> list[dict[str, str]]:
    """Read a ``.meta.csv`` back."""
    with Path(meta_path).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def breakdown_frame(
    bd, *, category_header: str, count_header: str, total_label: str = "Total"
) -> pd.DataFrame:
    """A breakdown as a display table: label, count, percentage (rounded), and a total row."""
    import pandas as pd

    body = pd.DataFrame(
        {
            category_header: bd.table["label"],
            count_header: bd.table["count"].astype(int),
            "Percentage": [percent_text(v) for v in bd.table["percent"]],
        }
    )
    total = pd.DataFrame(
        {category_header: [total_label], count_header: [bd.denominator], "Percentage": ["100%"]}
    )
    return pd.concat([body, total], ignore_index=True)


def half_up(values: pd.Series, dp: int) -> pd.Series:
    """A column rounded half-up to ``dp`` places (pandas' ``.round`` rounds half to even, so
    1.0625 would be published as 1.062, not 1.063)."""
    return values.map(lambda v: round_half_up(v, dp))
