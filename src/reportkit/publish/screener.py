"""The EES open-data screener's rules that concern our files, applied at build time.

Explore Education Statistics screens every data + meta CSV pair with DfE's ``eesyscreener``
(0.3.1) before publication. This module applies the same rules, named as the screener names
them, to a folder of open-data files, from the screener's own reference data (copied into
``reportkit/resources/ees``). A build whose files break a rule fails (``screen_folder`` raises
``BuildError`` naming file, column, rule and fix); the screener's warning that a column has no
data dictionary entry (``data_dict_col_name``) is returned as a warning, since the dictionary
has no name for most of the Panel's measures.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from reportkit.analysis.gss import SYMBOLS
from reportkit.analysis.tables import read_meta
from reportkit.errors import BuildError

Severity = Literal["fail", "warning"]

#: Columns every data file starts with (the EES time and geography columns).
TIME_GEOGRAPHY = ("time_period", "time_identifier", "geographic_level", "country_code",
                  "country_name", "region_code", "region_name")
#: Time identifiers of the screener's ``time_id_valid`` that a reportkit period can use.
TIME_IDENTIFIERS = ("Calendar year", "Financial year", "Academic year", "Reporting year",
                    "Tax year", "Financial year Q1", "Financial year Q2", "Financial year Q3",
                    "Financial year Q4", "Part 1 (April to September)",
                    "Part 2 (October to March)")
#: Column names the EES table tool rejects (``col_var_characteristic``).
CHARACTERISTIC_COLUMNS = ("characteristic", "characteristic_group")
#: Text the screener reads as a missing value (``null_text``-style checks fail on it).
NULL_TEXT = ("NULL", "NA", "N/A", "NaN", "nan", "null")
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*$")
NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


@dataclass(frozen=True)
class Finding:
    """One broken rule: where, which rule, what is wrong and how to fix it."""

    file: str
    column: str
    rule: str
    problem: str
    fix: str
    severity: Severity = "fail"

    def __str__(self) -> str:
        where = f"{self.file}, column {self.column}" if self.column else self.file
        return f"{where}: {self.rule}: {self.problem} (fix: {self.fix})"


# --- reference data -------------------------------------------------------------------------


def _reference(name: str) -> str:
    return resources.files("reportkit").joinpath("resources", "ees", name).read_text("utf-8")


def _csv_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(_reference(name).splitlines()))


@cache
def dictionary_items() -> dict[str, set[str]]:
    """The EES data dictionary: each filter column's allowed items (indicators: empty set)."""
    items: dict[str, set[str]] = {}
    for row in _csv_rows("data_dictionary.csv"):
        entry = items.setdefault(row["col_name"], set())
        if row["col_type"] == "Filter" and row["filter_item"] not in ("", "NA"):
            entry.add(row["filter_item"])
    return items


@cache
def harmonised_names() -> dict[str, tuple[str, ...]]:
    """Search string -> the harmonised column names a matching column must use."""
    names: dict[str, list[str]] = {}
    for row in _csv_rows("harmonised_col_names.csv"):
        names.setdefault(row["col_name_search_string"], []).append(row["col_name_harmonised"])
    return {key: tuple(value) for key, value in names.items()}


@cache
def ethnicity_pairs() -> set[tuple[str, str]]:
    """Accepted (ethnicity_major, ethnicity_minor) pairs."""
    return {(r["ethnicity_major"], r["ethnicity_minor"])
            for r in _csv_rows("acceptable_ethnicity_values.csv")}


@cache
def indicator_units() -> set[str]:
    """Accepted ``indicator_unit`` values ("" is a plain number)."""
    return {"", *(line.strip() for line in _reference("acceptable_indicator_units.txt")
                  .splitlines() if line.strip())}


@cache
def regions() -> dict[str, str]:
    """Region code -> region name."""
    return {r["region_code"]: r["region_name"] for r in _csv_rows("acceptable_regions.csv")}


# --- the rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenDataFile:
    """A data file and its meta file, read as text."""

    name: str
    header: list[str]
    rows: list[dict[str, str]]
    meta: list[dict[str, str]]

    def columns(self, col_type: str) -> list[str]:
        return [m["col_name"] for m in self.meta if m.get("col_type") == col_type]

    def items(self, column: str) -> list[str]:
        return list(dict.fromkeys(row[column] for row in self.rows if column in row))


def _names(f: OpenDataFile) -> list[Finding]:
    found = []
    for column in f.header:
        if not SNAKE_CASE.match(column):
            found.append(Finding(f.name, column, "col_name_spaces",
                                 "column names must be lower snake_case",
                                 f"rename it, e.g. {re.sub(r'[^a-z0-9]+', '_', column.lower())}"))
    described = {m["col_name"] for m in f.meta}
    for column in described - set(f.header):
        found.append(Finding(f.name, column, "meta_col_name", "in the meta file, not the data",
                             "remove its meta row or add the column"))
    for column in set(f.header) - described - set(TIME_GEOGRAPHY):
        found.append(Finding(f.name, column, "meta_col_name", "no row in the meta file",
                             "declare it as a filter or an indicator"))
    return found


def _harmonised(f: OpenDataFile) -> list[Finding]:
    found = []
    for column in [*f.columns("Filter"), *f.columns("Indicator")]:
        for search, allowed in harmonised_names().items():
            if search in column and column not in allowed:
                found.append(Finding(f.name, column, "harmonised_variables",
                                     f"a column whose name contains {search!r} must use a "
                                     "harmonised name", f"rename it to one of "
                                     f"{', '.join(allowed)}"))
    return found


def _ethnicity(f: OpenDataFile) -> list[Finding]:
    if "ethnicity_major" not in f.header:
        return []
    pairs = ethnicity_pairs()
    majors = {major for major, _ in pairs}
    found = []
    for row in f.rows:
        major, minor = row["ethnicity_major"], row.get("ethnicity_minor")
        ok = (major, minor) in pairs if minor is not None else major in majors
        if not ok:
            value = major if minor is None else f"{major} / {minor}"
            found.append(Finding(f.name, "ethnicity_major", "harmonised_eth_vals",
                                 f"{value!r} is not a GSS harmonised ethnicity value",
                                 "use the harmonised major (and minor) group names"))
    return found


def _characteristic(f: OpenDataFile) -> list[Finding]:
    return [Finding(f.name, column, "col_var_characteristic",
                    "characteristic columns are not for the EES table tool",
                    "name the filter after what it holds (e.g. case_characteristic)")
            for column in f.header if column in CHARACTERISTIC_COLUMNS]


def _filter_defaults(f: OpenDataFile) -> list[Finding]:
    found = []
    for meta in (m for m in f.meta if m.get("col_type") == "Filter"):
        column, default = meta["col_name"], meta.get("filter_default", "")
        items = f.items(column)
        if default and default not in items:
            found.append(Finding(f.name, column, "filter_defaults",
                                 f"filter_default {default!r} is not one of its items",
                                 f"use one of {', '.join(items[:5])}"))
        elif not default and "Total" not in items:
            found.append(Finding(f.name, column, "filter_defaults",
                                 "no Total row and no filter_default in the meta file",
                                 "add Total rows or declare a default item"))
    return found


def _filter_items(f: OpenDataFile) -> list[Finding]:
    found = []
    dictionary = dictionary_items()
    for column in f.columns("Filter"):
        items = f.items(column)
        bad = [i for i in items if not i or i != i.strip()]
        if bad:
            found.append(Finding(f.name, column, "filter_item_blank",
                                 f"blank or space-padded items {bad!r}",
                                 "give every row a trimmed item"))
        allowed = dictionary.get(column)
        unknown = [i for i in items if allowed and i not in allowed]
        if unknown:
            found.append(Finding(f.name, column, "data_dict_fil_item",
                                 f"items not in the EES data dictionary: {', '.join(unknown)}",
                                 f"use the dictionary's items ({', '.join(sorted(allowed))})"))
    return found


def _dictionary_names(f: OpenDataFile) -> list[Finding]:
    dictionary = dictionary_items()
    found = []
    for column in [*f.columns("Filter"), *f.columns("Indicator")]:
        if column in dictionary:
            continue
        for suffix in ("_count", "_percent"):
            if f"{column}{suffix}" in dictionary:
                found.append(Finding(f.name, column, "data_dict_col_name",
                                     "the EES data dictionary names this measure",
                                     f"rename it to {column}{suffix}"))
                break
        else:
            found.append(Finding(f.name, column, "data_dict_col_name",
                                 "no EES data dictionary entry (not API-ready)",
                                 "none needed for the table tool; ask EES to add it for the API",
                                 "warning"))
    return found


def _indicators(f: OpenDataFile) -> list[Finding]:
    found = []
    for meta in (m for m in f.meta if m.get("col_type") == "Indicator"):
        column = meta["col_name"]
        if meta.get("indicator_unit", "") not in indicator_units():
            found.append(Finding(f.name, column, "meta_ind_unit_validation",
                                 f"indicator_unit {meta['indicator_unit']!r} is not accepted",
                                 f"use one of {', '.join(sorted(indicator_units() - {''}))}"))
        bad = sorted({row[column] for row in f.rows
                      if column in row and not NUMBER.match(row[column])
                      and row[column] not in SYMBOLS})
        if bad:
            found.append(Finding(f.name, column, "ind_invalid_entry",
                                 f"values that are neither numbers nor GSS symbols: "
                                 f"{', '.join(repr(b) for b in bad[:5])}",
                                 f"write a number or one of {', '.join(SYMBOLS)}"))
    return found


def _rows(f: OpenDataFile) -> list[Finding]:
    found = []
    keys = [tuple(row.values()) for row in f.rows]
    if len(set(keys)) != len(keys):
        found.append(Finding(f.name, "", "duplicate_rows", "repeated rows",
                             "write each row once"))
    for column in f.header:
        nulls = sorted({row[column] for row in f.rows if row[column] in NULL_TEXT})
        if nulls:
            found.append(Finding(f.name, column, "null", f"missing-value text {nulls}",
                                 "write a GSS symbol (x: not available, z: not applicable)"))
    for row in f.rows:
        if row.get("time_identifier") not in TIME_IDENTIFIERS:
            found.append(Finding(f.name, "time_identifier", "time_id_valid",
                                 f"{row.get('time_identifier')!r} is not an EES time identifier",
                                 f"use one of {', '.join(TIME_IDENTIFIERS)}"))
            break
    for row in f.rows:
        code = row.get("region_code")
        if code is not None and regions().get(code) != row.get("region_name"):
            found.append(Finding(f.name, "region_code", "region_for_la",
                                 f"{code} / {row.get('region_name')} is not an ONS region",
                                 "use the region codes and names of the ONS list"))
            break
    return found


RULES = (_names, _harmonised, _ethnicity, _characteristic, _filter_defaults, _filter_items,
         _dictionary_names, _indicators, _rows)


def read(data_path: Path) -> OpenDataFile:
    """A data file and the ``.meta.csv`` beside it."""
    meta_path = data_path.with_name(data_path.stem + ".meta.csv")
    with data_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        header = list(reader.fieldnames or [])
    return OpenDataFile(data_path.name, header, rows, read_meta(meta_path))


def screen(data_path: Path) -> list[Finding]:
    """Every rule applied to one data file and its meta file."""
    if not data_path.with_name(data_path.stem + ".meta.csv").is_file():
        return [Finding(data_path.name, "", "meta_exists", "no .meta.csv beside it",
                        "write the meta file with the data")]
    f = read(data_path)
    return [finding for rule in RULES for finding in rule(f)]


def data_files(folder: Path) -> list[Path]:
    """The data files (not meta files) of an open-data folder."""
    return sorted(p for p in Path(folder).glob("*.csv") if not p.name.endswith(".meta.csv"))


def screen_folder(folder: Path) -> list[Finding]:
    """Screen every open-data file of ``folder``; raise ``BuildError`` on any failed rule and
    return the warnings."""
    findings = [finding for path in data_files(folder) for finding in screen(path)]
    failed = [f for f in findings if f.severity == "fail"]
    if failed:
        lines = [f"{len(failed)} open-data file problem(s) the EES screener would reject:"]
        raise BuildError("\n".join([*lines, *(f"  - {f}" for f in failed)]))
    return [f for f in findings if f.severity == "warning"]
