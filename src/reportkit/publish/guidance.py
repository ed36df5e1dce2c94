"""The data guidance of the open data (EES "data guidance"): a description of every file and
every column, written by the build from the files' own declarations (their meta files), so it
is never typed by hand per period. Plain text, as EES takes it: nothing in it is markup, so text
from the data needs no escaping."""

from __future__ import annotations

from pathlib import Path

from reportkit.analysis.gss import SYMBOLS
from reportkit.publish.screener import TIME_GEOGRAPHY, Finding, data_files, read

GUIDANCE_FILE = "data-guidance.txt"

#: The standard EES columns every file starts with.
STANDARD_COLUMNS = {
    "time_period": "The report period in EES form: YYYY, or YYYYYY for a financial year (202021).",
    "time_identifier": "What kind of period time_period is (for example Financial year).",
    "geographic_level": "National (England) or Regional.",
    "country_code": "ONS code of England (E92000001).",
    "country_name": "England.",
    "region_code": "ONS code of the region.",
    "region_name": "Name of the region.",
}


def _line(text: str) -> str:
    """Text from the data and the meta files on one line."""
    return " ".join(text.split())


def file_section(path: Path) -> list[str]:
    """The guidance of one data file: what it holds, then each of its columns."""
    data = read(path)
    rows, meta = data.rows, data.meta
    filters = [m for m in meta if m["col_type"] == "Filter"]
    indicators = [m for m in meta if m["col_type"] == "Indicator"]
    levels = sorted({r["geographic_level"] for r in rows})
    periods = sorted({r["time_period"] for r in rows})
    by = " and ".join(m["label"].lower() for m in filters) or "no breakdown"
    lines = [
        path.name,
        "  " + _line(f"{', '.join(m['label'] for m in indicators)}, by {by}. Geographic "
                     f"level: {', '.join(levels)}. Time period: {', '.join(periods)}. "
                     f"{len(rows)} rows."),
        "  Columns:",
    ]
    for column in (c for c in data.header if c in TIME_GEOGRAPHY):
        lines.append(f"    {column} (standard): {STANDARD_COLUMNS[column]}")
    for m in filters:
        items = list(dict.fromkeys(r[m["col_name"]] for r in rows))
        text = f"{m['label']}. Items: {', '.join(items)}."
        if m.get("filter_default"):
            text += f" Default: {m['filter_default']}."
        if m.get("filter_hint"):
            text += f" {m['filter_hint']}"
        lines.append(f"    {m['col_name']} (filter): {_line(text)}")
    for m in indicators:
        unit = " (percentage)" if m.get("indicator_unit") == "%" else ""
        dp = m.get("indicator_dp") or "0"
        symbols = sorted({r[m["col_name"]] for r in rows} & set(SYMBOLS))
        text = f"{m['label']}{unit}, to {dp} decimal places."
        if symbols:
            text += " " + "; ".join(f"{s}: {SYMBOLS[s]}" for s in symbols) + "."
        lines.append(f"    {m['col_name']} (indicator): {_line(text)}")
    return [*lines, ""]


def write(folder: Path, warnings: list[Finding]) -> Path:
    """Write the data guidance of the open-data files of ``folder`` and return its path."""
    files = data_files(folder)
    lines = [
        "DATA GUIDANCE: OPEN DATA", "",
        "Each file is an Explore Education Statistics (EES) data file with a .meta.csv beside "
        "it. The build screens every file with the rules of DfE's EES screener (eesyscreener "
        "0.3.1) before publishing it. Counts are whole numbers; percentages are rounded half "
        "up.", "",
        "SYMBOLS",
        *(f"  {s}: {meaning}" for s, meaning in SYMBOLS.items()), "",
        "FILES",
        *(f"  {path.name}" for path in files), "",
    ]
    for path in files:
        lines += file_section(path)
    if warnings:
        lines += ["SCREENER WARNINGS",
                  "These columns have no entry in the EES data dictionary, so the files are "
                  "not ready for the EES API (the table tool accepts them):",
                  *(f"  {w.file}: {w.column}" for w in warnings), ""]
    out = folder / GUIDANCE_FILE
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out
