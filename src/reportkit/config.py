"""Period parameters: one YAML file per report period in ``params/``, validated on load.

A new period needs a new params file and new data rows, never a code change.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from reportkit.errors import ParamsError
from reportkit.paths import params_dir, project_root
from reportkit.period_ids import (  # noqa: F401 - the period-id rules, re-exported
    PERIOD_ID_FORMS,
    PERIOD_ID_PATTERN,
    available_periods,
    check_period_id,
    is_period_id,
)

#: A period id, also the name of its params file and output folder: ``YYYY`` (a calendar year),
#: ``YYYY-YY`` (a financial or reporting year starting in ``YYYY``) or ``YYYY-MM-to-YYYY-MM``
#: (any other span, such as a half-year: ``2023-04-to-2023-09``, its first and last months).
#: No report period or comparison range may start before the Panel's start (the data's start).
EARLIEST_DATE = dt.date(2018, 7, 1)

#: Text the report shows: not empty, not only spaces.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

TIME_IDENTIFIERS = (
    "Calendar year",
    "Financial year",
    "Reporting year",
    "Part 1 (April to September)",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DateRange(_Strict):
    """An inclusive range of notification dates."""

    start: dt.date
    end: dt.date
    label: Text = Field(description="How the text names this range")

    @model_validator(mode="after")
    def _end_not_before_start(self) -> DateRange:
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        if self.start < EARLIEST_DATE:
            raise ValueError(f"start ({self.start}) is before the data begin "
                             f"({EARLIEST_DATE}, the Panel's start); a range must lie within "
                             "the data, or its counts are too low")
        return self

    @property
    def months(self) -> int:
        """Whole calendar months covered (start and end months included)."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1


class Comparison(_Strict):
    """Two ranges compared: counts, change and a rate ratio."""

    id: str = Field(pattern=r"^[a-z][a-z0-9]*$", description="Short id used in fact names")
    title: Text
    current: DateRange
    previous: DateRange


class DataPaths(_Strict):
    """Where the period's data live, relative to the project folder."""

    synthetic: StrictBool = Field(
        True, description="The shipped synthetic dataset: every page of the report says so"
    )
    notifications: Path = Path("data/notifications.csv")
    children: Path = Path("data/children.csv")
    population: Path = Path("data/reference/population_ethnicity.csv")


class Revises(_Strict):
    """The earlier edition this one revises: its figures that changed are listed, each with the
    reason, in the annual report's "Revisions" section."""

    edition: Path = Field(description="That edition's build folder or its facts.json (e.g. a "
                                      "copy committed under data/published/), relative to the "
                                      "project folder")
    label: Text = Field("the previous edition", description="How the text names that edition")
    reason: Text = Field(description="Why the figures changed (each one's, unless `reasons` "
                                     "names it)")
    reasons: dict[str, Text] = Field(default_factory=dict,
                                     description="A reason for one fact, by fact name")

    def facts_path(self, root: Path | None = None) -> Path:
        """The earlier edition's ``facts.json``."""
        path = self.edition
        if not path.is_absolute():
            path = (root or project_root()) / path
        return path / "facts.json" if path.is_dir() else path


class Disclosure(_Strict):
    """Disclosure control: counts from 1 to ``threshold`` are suppressed in sub-national tables."""

    threshold: StrictInt = Field(2, ge=1, le=10)


class PeriodParams(_Strict):
    """Everything that makes one period's report differ from another's."""

    id: str = Field(pattern=PERIOD_ID_PATTERN)
    title: Text
    label: Text
    time_period: str = Field(pattern=r"^[0-9]{4}([0-9]{2})?$", description="EES time_period")
    time_identifier: Literal[TIME_IDENTIFIERS]  # type: ignore[valid-type]
    period: DateRange
    covid_period: StrictBool = False
    comparisons: tuple[Comparison, ...] = ()
    publication_date: dt.date
    rapid_review_expectation_days: StrictInt = Field(15, ge=1, le=60)
    disclosure: Disclosure = Disclosure()
    data: DataPaths = DataPaths()
    revises: Revises | None = None

    @field_validator("comparisons")
    @classmethod
    def _unique_comparison_ids(cls, value: tuple[Comparison, ...]) -> tuple[Comparison, ...]:
        ids = [c.id for c in value]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"comparison ids must be unique; repeated: {', '.join(duplicates)}")
        return value

    @model_validator(mode="after")
    def _years_agree(self) -> PeriodParams:
        """The id and the open-data time_period name the year the period starts in."""
        year = self.period.start.year
        span = f"{self.period.start:%Y-%m}-to-{self.period.end:%Y-%m}"
        if "-to-" in self.id and self.id != span:
            raise ValueError(f"key 'id' is {self.id!r} but the period runs from "
                             f"{self.period.start} to {self.period.end}; a span id names its "
                             f"first and last months: {span!r}")
        if int(self.id[:4]) != year:
            raise ValueError(f"key 'id' is {self.id!r} but period.start is in {year}; the id "
                             "names the year the period starts in")
        expected = (str(year), f"{year}{(year + 1) % 100:02d}")
        if self.time_period not in expected:
            raise ValueError(f"key 'time_period' is {self.time_period!r}, which does not match "
                             f"period.start ({self.period.start}); use {' or '.join(expected)}")
        return self

    @model_validator(mode="after")
    def _comparisons_the_narrative_quotes(self) -> PeriodParams:
        ids = {c.id for c in self.comparisons}
        if self.covid_period and "half" not in ids:
            raise ValueError("covid_period is true, so comparisons needs one with id 'half' "
                             "(the COVID-19 text quotes the cmp_half_* facts)")
        if self.comparisons and "prev" not in ids:
            raise ValueError("comparisons needs one with id 'prev' (the comparison text quotes "
                             "the cmp_prev_* facts), or none at all")
        return self

    def data_path(self, name: str, root: Path | None = None) -> Path:
        """Absolute path of data file ``name`` (notifications, children, population)."""
        path = getattr(self.data, name)
        return path if path.is_absolute() else (root or project_root()) / path

    def metadata(self) -> dict[str, object]:
        """The period metadata the narrative reads with ``{{< meta >}}`` (``_period.yml``)."""
        return {
            "period_id": self.id,
            "period_label": self.label,
            "period_start": long_date(self.period.start),
            "period_end": long_date(self.period.end),
            "publication_date": long_date(self.publication_date),
            "report_title": self.title,
            "covid_period": self.covid_period,
            "has_comparison": bool(self.comparisons),
            "synthetic_data": self.data.synthetic,
        }


def long_date(value: dt.date) -> str:
    """A date as GOV.UK writes it: ``1 January 2020``."""
    return f"{value.day} {value:%B %Y}"


def _describe(error: dict) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"key '{where}' is not allowed (unknown key; check its spelling)"
    if error["type"] == "missing":
        return f"key '{where}' is required but missing"
    if not error["loc"]:  # a rule across keys: the whole mapping as input says nothing useful
        return error["msg"].removeprefix("Value error, ")
    hint = ""
    if error["type"] == "string_type" and isinstance(error.get("input"), int | float | bool):
        hint = "; write it in quotes, e.g. \"2020\""
    return f"key '{where}': {error['msg']} (got {error.get('input')!r}){hint}"


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping (YAML keeps the last).

    Dates stay text, so that the model checks them and names the key of a bad one
    (PyYAML's own date parsing raises on ``2020-13-01`` without saying where).
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers
                if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN201 - PyYAML's signature
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears more than once; keep one", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path) -> object:
    """The YAML document in ``path``; any problem reading it is a ``ParamsError``."""
    if path.exists() and not path.is_file():
        raise ParamsError(f"{path}: is not a file (a params file is a YAML file)")
    if not path.is_file():
        raise ParamsError(f"{path}: params file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{path}: is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                          "save it as UTF-8") from None
    except OSError as exc:
        raise ParamsError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: an explicit !!timestamp tag
        raise ParamsError(f"{path}: not valid YAML: {exc}") from None
    except TypeError:  # a list or mapping used as a key
        raise ParamsError(f"{path}: not valid params: every key must be a plain name") from None
    except RecursionError:
        raise ParamsError(f"{path}: not valid params: values are nested too deeply") from None


def load(path: Path, root: Path | None = None, *, check_files: bool = True) -> PeriodParams:
    """Read and validate one params file; every problem is named with file and key."""
    path = Path(path)
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        got = "an empty file" if raw is None else f"a {type(raw).__name__}"
        raise ParamsError(f"{path}: expected a mapping of keys to values (key: value lines), "
                          f"got {got}")
    try:
        params = PeriodParams.model_validate(raw)
    except ValidationError as exc:
        problems = "\n".join(f"  - {path}: {_describe(e)}" for e in exc.errors())
        raise ParamsError(f"{path}: {exc.error_count()} problem(s):\n{problems}") from None
    if path.stem != params.id:
        raise ParamsError(f"{path}: key 'id' is {params.id!r} but the file is named {path.name}")
    if check_files:
        for name in ("notifications", "children", "population"):
            data_file = params.data_path(name, root)
            if not data_file.is_file():
                what = "is not a file" if data_file.exists() else "not found"
                raise ParamsError(
                    f"{path}: key 'data.{name}': file {data_file} {what}; correct the path "
                    "(relative to the project folder) or restore the file"
                )
    return params


def params_path(period: str, root: Path | None = None) -> Path:
    """The params file of ``period`` (e.g. ``2020`` -> ``params/2020.yml``)."""
    return params_dir(root) / f"{check_period_id(period, root)}.yml"


def load_period(period: str, root: Path | None = None) -> PeriodParams:
    """Load the params of ``period``; an unknown period lists the known ones."""
    path = params_path(period, root)
    if not path.exists():
        known = ", ".join(available_periods(root)) or "none"
        raise ParamsError(f"no params file for period {period!r} ({path}); known periods: {known}")
    return load(path, root)


