"""Load the two data tables into typed DataFrames, after validating them.

``validate`` reports every problem in ``notifications.csv`` and ``children.csv`` at once, each
with the line number a user sees in an editor (header = line 1). Column-level rules run as a
lazy pandera validation of the raw text; cross-row and cross-table rules are checked here.
``load`` validates first and raises :class:`~reportkit.errors.DataValidationError` listing every
problem, else returns the typed :class:`Dataset`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import pandera.pandas as pa

from reportkit.data import codes as code_lists
from reportkit.data import rules
from reportkit.data.dictionary import (  # noqa: F401 - the outcome codes: re-exported
    AGE_RANGE,
    CHILD_TABLE,
    CHILDREN_FILE,
    EARLIEST_INCIDENT_DATE,
    FATAL,
    FIRST_NOTIFICATION_DATE,
    ID_PATTERNS,
    NON_FATAL,
    NOTIFICATION_TABLE,
    NOTIFICATIONS_FILE,
    SERIOUS_HARM,
)
from reportkit.data.raw import CodeLists, Problem, Table, parse_dates, read_table  # noqa: F401
from reportkit.errors import DataValidationError
from reportkit.paths import data_dir as default_data_dir

#: Inclusive range of ``notification_date``: from the Panel's start (2018-07-01) to the day of
#: validation (``None``: no future dates), so a new period needs new rows, never a code change.
NOTIFICATION_DATE_RANGE: tuple[date, date | None] = (FIRST_NOTIFICATION_DATE, None)
#: How many problems ``format_problems`` lists before summarising the rest.
MAX_LISTED_PROBLEMS = 200

# The column lists, derived from the data dictionary (reportkit.data.dictionary).
NOTIFICATION_COLUMNS: tuple[str, ...] = tuple(c.name for c in NOTIFICATION_TABLE)
CHILD_COLUMNS: tuple[str, ...] = tuple(c.name for c in CHILD_TABLE)
_ALL = NOTIFICATION_TABLE + CHILD_TABLE
FLAG_COLUMNS: tuple[str, ...] = tuple(c.name for c in _ALL if c.kind == "flag")
DATE_COLUMNS: tuple[str, ...] = tuple(c.name for c in _ALL if c.kind == "date")
#: Coded columns and the code list (``data/codes/<list>.csv``) each is drawn from.
NOTIFICATION_CODES: Mapping[str, str] = {c.name: c.codes for c in NOTIFICATION_TABLE if c.codes}
CHILD_CODES: Mapping[str, str] = {c.name: c.codes for c in CHILD_TABLE if c.codes}
#: Columns that may be empty (each has its own rule for when).
OPTIONAL_COLUMNS: frozenset[str] = frozenset(c.name for c in _ALL if c.optional)


_ID_PATTERNS = ID_PATTERNS


# --------------------------------------------------------------------------------------------
# Public types


@dataclass(frozen=True, eq=False)
class Dataset:
    """The two validated, typed tables.

    Dates are ``datetime64`` (``NaT`` when empty), flags ``int64`` 0/1, coded columns
    ``category`` (categories in code-list order; ``NaN`` when empty), ``age_years`` ``int64``,
    ids and names strings. Columns are in the documented order.
    """

    notifications: pd.DataFrame
    children: pd.DataFrame


# --------------------------------------------------------------------------------------------
# Public functions


def validate(
    data_dir: Path | None = None,
    *,
    notifications: Path | None = None,
    children: Path | None = None,
    notification_range: tuple[date, date | None] = NOTIFICATION_DATE_RANGE,
    codes_folder: Path | None = None,
) -> list[Problem]:
    """Every problem in the dataset: the files ``notifications`` and ``children`` (default:
    ``notifications.csv`` and ``children.csv`` in ``data_dir``, default the project's ``data/``)."""
    files = data_files(data_dir, notifications=notifications, children=children)
    problems, _ = _inspect(files, notification_range, codes_folder)
    return problems


def load(
    data_dir: Path | None = None,
    *,
    notifications: Path | None = None,
    children: Path | None = None,
    notification_range: tuple[date, date | None] = NOTIFICATION_DATE_RANGE,
    codes_folder: Path | None = None,
) -> Dataset:
    """Validate, then load the dataset typed; raise ``DataValidationError`` listing problems.

    The files are chosen as in :func:`validate`."""
    files = data_files(data_dir, notifications=notifications, children=children)
    problems, tables = _inspect(files, notification_range, codes_folder)
    if problems:
        error = DataValidationError(problems)
        # The class lists every problem; keep the printed message readable when there are many.
        error.args = (format_problems(problems),)
        raise error
    lists = CodeLists(codes_folder)
    return Dataset(
        notifications=_typed(
            tables[NOTIFICATIONS_FILE].frame, NOTIFICATION_COLUMNS, NOTIFICATION_CODES, lists
        ),
        children=_typed(tables[CHILDREN_FILE].frame, CHILD_COLUMNS, CHILD_CODES, lists),
    )


def validator_files() -> list[Path]:
    """The modules whose code decides what validation accepts (for cache keys)."""
    here = Path(__file__).resolve().parent
    return [here / f"{name}.py" for name in ("validated", "dictionary", "rules", "raw", "codes")]


def data_files(
    data_dir: Path | None = None, *, notifications: Path | None = None,
    children: Path | None = None,
) -> dict[str, Path]:
    """The two data files by role (``NOTIFICATIONS_FILE``, ``CHILDREN_FILE``): those given, else
    the default names in ``data_dir`` (default: the project's ``data/``)."""
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    return {
        NOTIFICATIONS_FILE: Path(notifications) if notifications else folder / NOTIFICATIONS_FILE,
        CHILDREN_FILE: Path(children) if children else folder / CHILDREN_FILE,
    }


def format_problems(problems: Sequence[Problem], limit: int = MAX_LISTED_PROBLEMS) -> str:
    """A readable listing of ``problems``: all of them, or the first ``limit`` and a count."""
    if not problems:
        return "No problems found in the data."
    lines = [f"{len(problems)} problem(s) in the data:"]
    lines += [f"  - {problem}" for problem in problems[:limit]]
    if len(problems) > limit:
        lines.append(
            f"  ... and {len(problems) - limit} more problem(s) not shown; "
            "fix those above and validate again."
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Reading


# --------------------------------------------------------------------------------------------
# Column-level rules (pandera)


@dataclass
class _Schema:
    """A pandera schema over the raw strings, and the message for each named check."""

    schema: pa.DataFrameSchema
    messages: dict[str, str]
    columns: tuple[str, ...]


def _parse_ints(values: pd.Series) -> pd.Series:
    """Whole numbers (optionally negative) as floats; anything else becomes NaN."""
    whole = values.str.fullmatch(r"-?[0-9]+")
    return pd.to_numeric(values.where(whole), errors="coerce")


def _schema(
    columns: Sequence[str],
    coded: Mapping[str, str],
    lists: CodeLists,
    notification_range: tuple[date, date | None],
) -> _Schema:
    """The column-level rules of one table."""
    import pandera.pandas as pa  # imported here: only validation needs it

    messages: dict[str, str] = {}
    checks: dict[str, list[pa.Check]] = {column: [] for column in columns}

    def add(column: str, rule: str, test: Callable[[pd.Series], pd.Series], message: str) -> None:
        key = f"{column}:{rule}"
        messages[key] = message
        checks[column].append(pa.Check(test, name=key))

    def filled(values: pd.Series) -> pd.Series:
        return values != ""

    low, high = AGE_RANGE
    for column in columns:
        if column not in OPTIONAL_COLUMNS:
            add(column, "required", filled, f"empty; {_expected_value(column, coded, lists)}")
        if column in _ID_PATTERNS:
            letter = _ID_PATTERNS[column][0]
            add(
                column,
                "format",
                lambda s, p=_ID_PATTERNS[column]: ~filled(s) | s.str.fullmatch(p),
                f"is not a valid id; use {letter} followed by 6 digits, e.g. {letter}000123",
            )
        if column in coded:
            allowed = set(lists.codes(coded[column]))
            add(
                column,
                "code",
                lambda s, a=allowed: ~filled(s) | s.isin(a),
                f"is not an allowed code; {lists.allowed(coded[column])}",
            )
        if column in FLAG_COLUMNS:
            add(
                column,
                "flag",
                lambda s: ~filled(s) | s.isin({"0", "1"}),
                "is not a flag; use 0 (no) or 1 (yes)",
            )
        if column in DATE_COLUMNS:
            add(
                column,
                "date",
                lambda s: ~filled(s) | parse_dates(s).notna(),
                "is not a valid date; use YYYY-MM-DD, e.g. 2020-04-01",
            )
        if column == "age_years":
            add(
                column,
                "integer",
                lambda s: ~filled(s) | _parse_ints(s).notna(),
                f"is not a whole number; give the age in whole years, {low} to {high}",
            )
            add(
                column,
                "range",
                lambda s: ~_outside_ints(_parse_ints(s), low, high),
                f"is out of range; the age in whole years at the incident must be {low} to {high}",
            )

    start, end = notification_range[0], notification_range[1] or date.today()
    if "notification_date" in checks:
        add(
            "notification_date",
            "range",
            lambda s: ~_outside(parse_dates(s), start, end),
            f"is outside the collection period; allowed: {start:%Y-%m-%d} to {end:%Y-%m-%d}",
        )
    if "incident_date" in checks:
        add(
            "incident_date",
            "range",
            lambda s: ~_outside(parse_dates(s), EARLIEST_INCIDENT_DATE, None),
            f"is too early; incidents must be on or after {EARLIEST_INCIDENT_DATE:%Y-%m-%d}",
        )

    schema = pa.DataFrameSchema(
        {column: pa.Column(None, checks[column]) for column in columns},
        strict=True,
        coerce=False,
    )
    return _Schema(schema, messages, tuple(columns))


def _expected_value(column: str, coded: Mapping[str, str], lists: CodeLists) -> str:
    """What a required ``column`` should hold, for the message about an empty cell."""
    if column in _ID_PATTERNS:
        letter = _ID_PATTERNS[column][0]
        return f"an id is required ({letter} followed by 6 digits, e.g. {letter}000123)"
    if column in coded:
        return f"a code is required; {lists.allowed(coded[column])}"
    if column in FLAG_COLUMNS:
        return "use 0 (no) or 1 (yes)"
    if column in DATE_COLUMNS:
        return "a date is required, as YYYY-MM-DD"
    if column == "age_years":
        return (
            f"the age in whole years at the incident is required ({AGE_RANGE[0]} to {AGE_RANGE[1]})"
        )
    if column == "la_name":
        where = lists.where("local_authorities")
        return f"the name of the authority in la_code is required (see {where})"
    if column == "region_name":
        return f"the name of the region in region_code is required (see {lists.where('regions')})"
    return "a value is required"


def _outside(dates: pd.Series, start: date | None, end: date | None) -> pd.Series:
    """True where a (non-missing) date falls outside ``start``..``end`` inclusive."""
    outside = pd.Series(False, index=dates.index)
    if start is not None:
        outside |= dates < pd.Timestamp(start)
    if end is not None:
        outside |= dates > pd.Timestamp(end)
    return outside & dates.notna()


def _outside_ints(numbers: pd.Series, low: int, high: int) -> pd.Series:
    """True where a (non-missing) number falls outside ``low``..``high`` inclusive."""
    return numbers.notna() & ~numbers.between(low, high)


def _column_problems(table: Table, schema: _Schema) -> list[Problem]:
    """Run the pandera schema lazily; one problem per failing cell or column."""
    import pandera.pandas as pa

    try:
        schema.schema.validate(table.frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    expected = ", ".join(schema.columns)
    present = set(table.frame.columns)
    missing = [column for column in schema.columns if column not in present]
    problems: list[Problem] = []
    for case in cases.itertuples(index=False):
        check, value = str(case.check), case.failure_case
        if check == "column_in_dataframe":
            problems.append(
                Problem(
                    table.name,
                    None,
                    str(value),
                    None,
                    f"missing column; add it to the header (expected columns: {expected})",
                )
            )
        elif check == "column_in_schema":
            hint = difflib.get_close_matches(str(value), missing, n=1)
            if hint:
                advice = f"did you mean '{hint[0]}'? Rename it"
            elif missing:
                advice = f"remove it, or rename it to a missing column: {', '.join(missing)}"
            else:
                advice = "remove it"
            problems.append(
                Problem(table.name, None, str(value), None, f"unexpected column; {advice}")
            )
        elif case.index is not None and not pd.isna(case.index):
            message = schema.messages.get(check, f"failed the check {check}")
            problems.append(
                Problem(table.name, table.line(int(case.index)), case.column, value, message)
            )
        else:  # a schema-wide failure pandera found that no rule above names
            problems.append(Problem(table.name, None, case.column, None, f"failed {check}"))
    return problems


# --------------------------------------------------------------------------------------------
# The whole check


def _inspect(
    files: Mapping[str, Path],
    notification_range: tuple[date, date | None],
    codes_folder: Path | None,
) -> tuple[list[Problem], dict[str, Table]]:
    """All problems, and the tables read as strings (when readable), by role."""
    code_lists.check(codes_folder)  # unusable code lists: a UserError naming the file
    lists = CodeLists(codes_folder)
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    specs: Iterable[tuple[str, tuple[str, ...], Mapping[str, str]]] = (
        (NOTIFICATIONS_FILE, NOTIFICATION_COLUMNS, NOTIFICATION_CODES),
        (CHILDREN_FILE, CHILD_COLUMNS, CHILD_CODES),
    )
    for name, columns, coded in specs:
        table, found = read_table(files[name], columns)
        problems += found
        if table is None:
            continue
        tables[name] = table
        problems += _column_problems(table, _schema(columns, coded, lists, notification_range))
    problems += rules.check_all(tables, lists)
    order = {files[NOTIFICATIONS_FILE].name: 0, files[CHILDREN_FILE].name: 1}
    return sorted(problems, key=lambda problem: _sort_key(problem, order)), tables


_COLUMN_ORDER = {
    column: position
    for columns in (NOTIFICATION_COLUMNS, CHILD_COLUMNS)
    for position, column in enumerate(columns)
}


def _sort_key(problem: Problem, file_order: Mapping[str, int]) -> tuple[int, int, int]:
    """File, then file-level problems, then line, then column in documented order."""
    return (
        file_order.get(problem.file, 2),
        problem.row or 0,
        _COLUMN_ORDER.get(problem.column or "", len(_COLUMN_ORDER)),
    )


# --------------------------------------------------------------------------------------------
# Typing


def _typed(
    frame: pd.DataFrame, order: Sequence[str], coded: Mapping[str, str], lists: CodeLists
) -> pd.DataFrame:
    """Convert a validated frame of strings to its documented types."""
    columns: dict[str, pd.Series | pd.Categorical] = {}
    for column in frame.columns:
        values = frame[column]
        if column in DATE_COLUMNS:
            columns[column] = parse_dates(values)
        elif column in FLAG_COLUMNS or column == "age_years":
            columns[column] = values.astype("int64")
        elif column in coded:
            columns[column] = pd.Categorical(
                values.mask(values == ""), categories=lists.codes(coded[column])
            )
        else:
            columns[column] = values
    return pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))[list(order)]
