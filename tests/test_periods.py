"""Every report period builds and renders from its params file, with both engines, reproduces
its published figures, and a new period needs only a params file (written here) and data
rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import quarto_on_path, shared_project
from test_build import check_published

from reportkit.build.pipeline import build
from reportkit.config import load_period
from reportkit.data.published_figures import load_all
from reportkit.publish import verify

pytestmark = pytest.mark.slow
OTHER_PERIODS = ["2018-19", "2021", "2022-23", "2023-24"]
SUFFIX = {"2018-19": "_2018_19", "2021": "_2021", "2022-23": "_2022_23", "2023-24": "_2023_24"}


@pytest.mark.parametrize("period", OTHER_PERIODS)
def test_every_period_builds_renders_and_matches_its_published_figures(
    tmp_path_factory: pytest.TempPathFactory, period: str
) -> None:
    with shared_project(tmp_path_factory, f"period-{period}") as project:
        result = build(period, root=project)
        out = project / "_output" / period
        assert len(result.documents) == 6
        assert all(document.is_file() for document in result.documents)
        facts = json.loads((out / "facts.json").read_text())
        html = (out / "annual-report.html").read_text()
    figures = [f for f in load_all(project / "data" / "published")
               if f.name.endswith(SUFFIX[period])]
    assert figures, period
    assert check_published(facts, figures) == []
    assert "{{<" not in html
    assert ("COVID-19 period" in html) is False or period == "2020"


@pytest.mark.parametrize("period", OTHER_PERIODS)
def test_every_period_builds_with_quarto(tmp_path_factory: pytest.TempPathFactory, quarto: Path,
                                         period: str) -> None:
    """In the period's project shared by every worker (held while the test runs), where the
    test above builds it with the built-in engine: whichever runs first executes the notebooks,
    the other renders."""
    with shared_project(tmp_path_factory, f"period-{period}") as project, quarto_on_path(quarto):
        result = build(period, root=project, engine="quarto")
        assert result.engine == "quarto" and len(result.documents) == 6
        out = project / "_output" / period
        params = load_period(period, project)
        for check in (verify.check_documents(out, project, params),
                      verify.check_presentation(out, params)):
            assert check.passed, (check.name, check.problems)


def test_a_new_period_needs_only_a_params_file(project: Path) -> None:
    """A calendar-year 2019 report, from a params file written here: no code change."""
    params = yaml.safe_load((project / "params" / "2020.yml").read_text())
    params.update(id="2019", title="Annual report 2019", label="2019", time_period="2019",
                  covid_period=False)
    params["period"] = {"start": "2019-01-01", "end": "2019-12-31", "label": "2019"}
    params["comparisons"] = [{
        "id": "prev", "title": "The year against the same months a year before",
        "current": {"start": "2019-07-01", "end": "2019-12-31", "label": "July to December 2019"},
        "previous": {"start": "2018-07-01", "end": "2018-12-31",
                     "label": "July to December 2018"},
    }]
    path = project / "params" / "2019.yml"
    path.write_text(yaml.safe_dump(params, sort_keys=False))
    try:
        result = build("2019", root=project)
    finally:
        path.unlink()
    facts = json.loads((project / "_output/2019/facts.json").read_text())
    rows = (project / "data/notifications.csv").read_text().splitlines()[1:]
    expected = sum(1 for row in rows if row.split(",")[1].startswith("2019-"))
    assert facts["notifications_total"]["value"] == expected
    assert facts["cmp_prev_previous_label"]["value"] == "July to December 2018"
    assert len(result.documents) == 6


def test_a_half_year_builds_with_its_comparison_and_trend(project: Path) -> None:
    """April to September 2023, from the half-year params fixture: a span id, a comparison
    with the same months a year before, and a six-month row among the trend's years."""
    fixture = Path(__file__).parent / "fixtures" / "2023-04-to-2023-09.yml"
    path = project / "params" / fixture.name
    path.write_text(fixture.read_text())
    try:
        result = build(fixture.stem, root=project)
    finally:
        path.unlink()
    out = project / "_output" / fixture.stem
    assert len(result.documents) == 6
    facts = json.loads((out / "facts.json").read_text())
    rows = (project / "data/notifications.csv").read_text().splitlines()[1:]
    dates = [row.split(",")[1] for row in rows]
    assert facts["notifications_total"]["value"] == sum(
        "2023-04-01" <= d <= "2023-09-30" for d in dates)
    assert facts["cmp_prev_previous_n"]["value"] == sum(
        "2022-04-01" <= d <= "2022-09-30" for d in dates)
    assert facts["trend_latest_label"]["value"] == "April to September 2023"
    html = (out / "annual-report.html").read_text()
    assert "{{<" not in html
    assert "no earlier period of the same length" not in html
    assert "twelve months" not in html
    assert facts["trend_averages_text"]["value"].startswith("In July 2018 to November 2019")
    assert "the average was" in html
    assert "half-year report, April to September 2023" in html
