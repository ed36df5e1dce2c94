"""Period parameters: validated on load, every problem named with file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reportkit import config
from reportkit.errors import ParamsError

REPO = Path(__file__).resolve().parents[1]


def _write(folder: Path, name: str, body: dict) -> Path:
    path = folder / f"{name}.yml"
    path.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    return path


def _valid(period_id: str = "2019") -> dict:
    return {
        "id": period_id,
        "title": "Annual report 2019",
        "label": "2019",
        "time_period": "2019",
        "time_identifier": "Calendar year",
        "period": {"start": "2019-01-01", "end": "2019-12-31", "label": "2019"},
        "publication_date": "2026-12-10",
        "data": {
            "notifications": str(REPO / "data/notifications.csv"),
            "children": str(REPO / "data/children.csv"),
            "population": str(REPO / "data/reference/population_ethnicity.csv"),
        },
    }


@pytest.mark.parametrize("period", config.available_periods(REPO))
def test_every_shipped_params_file_is_valid(period: str) -> None:
    params = config.load(config.params_path(period, REPO), REPO)
    assert params.id == period
    assert params.period.start <= params.period.end
    assert params.metadata()["synthetic_data"] is True


def test_shipped_periods_are_the_five_report_periods() -> None:
    assert config.available_periods(REPO) == ["2018-19", "2020", "2021", "2022-23", "2023-24"]


def test_2020_compares_april_to_september_with_a_year_before() -> None:
    params = config.load_period("2020", REPO)
    half = params.comparisons[0]
    assert (half.current.start.isoformat(), half.current.end.isoformat()) == (
        "2020-04-01", "2020-09-30")
    assert (half.previous.start.isoformat(), half.previous.end.isoformat()) == (
        "2019-04-01", "2019-09-30")
    assert params.covid_period and params.metadata()["has_comparison"]


def test_a_valid_file_written_in_the_test_loads(tmp_path: Path) -> None:
    params = config.load(_write(tmp_path, "2019", _valid()))
    assert params.period.months == 12
    assert params.metadata()["period_start"] == "1 January 2019"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda b: b.update(colour="blue"), "key 'colour' is not allowed"),
        (lambda b: b["period"].update(start="2019-02-30"), "key 'period.start'"),
        (lambda b: b["period"].update(end="2018-12-31"), "is before start"),
        (lambda b: b.pop("title"), "key 'title' is required"),
        (lambda b: b.update(time_identifier="Academic year"), "key 'time_identifier'"),
        (lambda b: b["data"].update(children="/no/such/children.csv"),
         "key 'data.children': file /no/such/children.csv not found"),
        (lambda b: b.update(id="2018"), "key 'id' is '2018'"),
        (lambda b: b.update(time_period="2018"), "key 'time_period' is '2018'"),
        (lambda b: b.update(covid_period=True), "needs one with id 'half'"),
    ],
)
def test_bad_params_name_the_file_and_key(tmp_path: Path, change, expected: str) -> None:
    body = _valid()
    change(body)
    path = _write(tmp_path, "2019", body)
    with pytest.raises(ParamsError) as error:
        config.load(path)
    assert str(path) in str(error.value)
    assert expected in str(error.value)


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    body = _valid()
    body.update(colour="blue", rapid_review_expectation_days=0)
    body["period"]["end"] = "not a date"
    with pytest.raises(ParamsError) as error:
        config.load(_write(tmp_path, "2019", body))
    message = str(error.value)
    assert "3 problem(s)" in message
    for key in ("colour", "rapid_review_expectation_days", "period.end"):
        assert key in message


def test_unknown_period_lists_the_known_ones() -> None:
    with pytest.raises(ParamsError, match="known periods: 2018-19, 2020, 2021, 2022-23, 2023-24"):
        config.load_period("1999", REPO)


def test_not_yaml_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "2019.yml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="not valid YAML"):
        config.load(path)


def test_a_span_id_names_its_first_and_last_months(tmp_path: Path) -> None:
    body = _valid("2019-04-to-2019-09") | {
        "period": {"start": "2019-04-01", "end": "2019-09-30", "label": "April to September 2019"},
        "time_period": "201920", "time_identifier": "Part 1 (April to September)"}
    assert config.load(_write(tmp_path, "2019-04-to-2019-09", body)).period.months == 6
    wrong = _valid("2019-04-to-2019-10") | {"period": body["period"]}
    with pytest.raises(ParamsError, match="'2019-04-to-2019-09'"):
        config.load(_write(tmp_path, "2019-04-to-2019-10", wrong))


def test_the_half_year_fixture_is_valid() -> None:
    fixture = REPO / "tests/fixtures/2023-04-to-2023-09.yml"
    params = config.load(fixture, REPO)
    assert params.id == fixture.stem and params.period.months == 6
    assert params.comparisons[0].previous.label == "April to September 2022"
