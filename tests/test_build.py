"""End to end: `reportkit build` on a copy of the project.

A cold build writes everything; a rebuild with nothing changed executes nothing; editing one
notebook re-executes that one only; editing a data row re-executes all; a broken notebook
publishes nothing and names the notebook, cell and exception; a second build is refused.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
import yaml

from reportkit.build import pipeline as build_module
from reportkit.build.pipeline import build
from reportkit.data.published_figures import load_all
from reportkit.errors import BuildLockedError, LintError, NotebookError, UserError

pytestmark = pytest.mark.slow
CHAPTERS = 8


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _executed(result) -> list[str]:
    return sorted(r.name for r in result.notebooks if not r.cached)


def test_cold_build_writes_every_output(built_2020) -> None:
    project, result = built_2020
    out = project / "_output" / "2020"
    assert len(_executed(result)) == CHAPTERS
    assert len(list((out / "notebooks").glob("*.ipynb"))) == CHAPTERS
    for name in ("facts.json", "_variables.yml", "manifest.json"):
        assert (out / name).is_file(), name
    for document in ("annual-report", "executive-summary"):
        for suffix in (".html", ".pdf", ".docx"):
            assert (out / f"{document}{suffix}").stat().st_size > 5_000, document + suffix
    tables = sorted((out / "tables").glob("*.csv"))
    data_tables = [t for t in tables if not t.name.endswith(".meta.csv")]
    assert len(data_tables) >= 10
    for table in data_tables:
        assert table.with_name(table.stem + ".meta.csv").is_file()
        header = table.read_text().splitlines()[0].split(",")
        assert header[:5] == ["time_period", "time_identifier", "geographic_level",
                              "country_code", "country_name"]


def test_executed_notebooks_keep_outputs_and_injected_parameters(built_2020) -> None:
    project, _ = built_2020
    notebook = json.loads((project / "_output/2020/notebooks/03_deaths.ipynb").read_text())
    injected = [c for c in notebook["cells"]
                if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and 'period = "2020"' in "".join(injected[0]["source"])
    assert any(c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code")


RENAMED = {
    "notifications": "notifications_total", "children": "children_total",
    "deaths": "deaths_total", "serious_harm": "serious_harm_total", "other": "other_total",
    "non_fatal": "non_fatal_total", "children_transgender": "children_transgender_n",
    "harm_risk_taking": "harm_risk_taking_n", "char_parental_mh": "char_parental_mh_n",
}
HALF_YEAR = {
    "notifications_2020_h1": "cmp_half_current_n", "deaths_2020_h1": "cmp_half_current_deaths",
    "notifications_2019_h1": "cmp_half_previous_n", "deaths_2019_h1": "cmp_half_previous_deaths",
}
NOT_QUOTED = {"serious_harm_2019_h1": "DfE half-year figure; the report quotes notifications and "
                                      "deaths only"}
PERIOD_SUFFIXES = ("_2018_19", "_2020", "_2021", "_2022_23", "_2023_24")


def fact_for(published_name: str) -> str:
    """The fact that carries a published figure (its name without the period suffix)."""
    if published_name in HALF_YEAR:
        return HALF_YEAR[published_name]
    base = next(published_name.removesuffix(s) for s in PERIOD_SUFFIXES
                if published_name.endswith(s))
    return RENAMED.get(base, base)


def check_published(facts: dict, figures: list) -> list[str]:
    """Every published figure against its fact: a count exactly, a percentage as published."""
    wrong = []
    for figure in figures:
        if figure.name in NOT_QUOTED:
            continue
        fact = facts.get(fact_for(figure.name))
        if fact is None:
            wrong.append(f"{figure.name}: no fact {fact_for(figure.name)}")
            continue
        unit = "percent" if figure.kind == "percent" else "count"
        ok = fact["unit"] == unit and (
            fact["value"] > figure.value if figure.comparison == "more_than"
            else fact["value"] == figure.value)
        if not ok:
            wrong.append(f"{figure.name}: published {figure.value}, fact {fact['display']}")
    return wrong


def test_facts_include_every_2020_published_target(built_2020) -> None:
    """Each published 2020 count or percentage is a fact with the published value."""
    project, _ = built_2020
    facts = json.loads((project / "_output/2020/facts.json").read_text())
    figures = [f for f in load_all(project / "data" / "published")
               if f.period.start.year == 2020 or f.name in HALF_YEAR or f.name in NOT_QUOTED]
    assert len(figures) >= 45
    assert check_published(facts, figures) == []
    assert facts["cmp_half_change_pct"]["display"] == "27%"
    assert facts["cmp_half_direction"]["value"] == "higher"
    assert facts["deaths_total"]["cell_id"] == "overview-outcomes"
    assert facts["deaths_pct"]["denominator"] == 482


def test_manifest_names_inputs_versions_engine_and_timings(built_2020) -> None:
    project, _ = built_2020
    manifest = json.loads((project / "_output/2020/manifest.json").read_text())
    assert manifest["engine"]["name"] == "pandoc+typst"
    assert "pandoc" in manifest["engine"]["version"] and "typst" in manifest["engine"]["version"]
    assert "data/notifications.csv" in manifest["inputs"]
    assert "params/2020.yml" in manifest["inputs"]
    assert {"pandas", "papermill", "python"} <= set(manifest["versions"])
    assert {"validate", "execute", "render", "total"} <= set(manifest["timings"])


def test_variables_file_feeds_quarto(built_2020) -> None:
    project, _ = built_2020
    variables = yaml.safe_load((project / "_output/2020/_variables.yml").read_text())
    assert variables["notifications_total"] == "482"
    assert variables["deaths_pct"] == "43%"


def test_rebuild_with_nothing_changed_executes_nothing(built_copy: Path) -> None:
    result = build("2020", root=built_copy)
    assert result.up_to_date and result.notebooks == []


def test_editing_one_notebook_reexecutes_only_that_one(built_copy: Path) -> None:
    project = built_copy
    path = project / "notebooks" / "03_deaths.ipynb"
    notebook = json.loads(path.read_text())
    notebook["cells"][-1]["source"] = "".join(notebook["cells"][-1]["source"]) + "\n# edited"
    path.write_text(json.dumps(notebook, indent=1))
    result = build("2020", root=project)
    assert _executed(result) == ["03_deaths"]
    assert build("2020", root=project).up_to_date


def test_editing_a_data_row_reexecutes_every_notebook(built_copy: Path) -> None:
    project = built_copy
    path = project / "data" / "notifications.csv"
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    decision = rows[0].index("local_review_decision")
    rows[900][decision] = "no_lcspr" if rows[900][decision] == "lcspr" else "lcspr"
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    result = build("2020", root=project)
    assert len(_executed(result)) == CHAPTERS


def test_a_broken_notebook_publishes_nothing(built_copy: Path) -> None:
    project = built_copy
    out = project / "_output" / "2020"
    before = _tree_hash(out)
    path = project / "notebooks" / "05_characteristics.ipynb"
    notebook = json.loads(path.read_text())
    notebook["cells"][3]["source"] = 'raise ValueError("characteristics broke")'
    path.write_text(json.dumps(notebook, indent=1))
    with pytest.raises(NotebookError) as error:
        build("2020", root=project)
    message = str(error.value)
    assert "05_characteristics.ipynb failed in cell" in message
    assert "ValueError: characteristics broke" in message
    kept = project / "_output" / "2020.failed" / "notebooks" / "05_characteristics.ipynb"
    assert str(kept) in message and kept.is_file()
    assert "papermill-error-cell" in kept.read_text() or "ValueError" in kept.read_text()
    assert _tree_hash(out) == before, "the last good output must stay untouched"


def test_a_second_build_of_the_same_period_is_refused(built_copy: Path) -> None:
    project = built_copy
    out = project / "_output" / "2020"
    with build_module.period_lock(out), pytest.raises(BuildLockedError, match="another build"):
        build("2020", root=project)


def test_a_period_without_data_is_a_user_error(project: Path) -> None:
    params = yaml.safe_load((project / "params" / "2020.yml").read_text())
    params.update(id="2030", label="2030", time_period="2030", comparisons=[],
                  covid_period=False)
    params["period"] = {"start": "2030-01-01", "end": "2030-12-31", "label": "2030"}
    path = project / "params" / "2030.yml"
    path.write_text(yaml.safe_dump(params))
    try:
        with pytest.raises(UserError, match=r"2030.yml: key 'period': no notifications"):
            build("2030", root=project)
    finally:
        path.unlink()


def test_a_typed_number_in_the_narrative_stops_the_build(built_copy: Path) -> None:
    project = built_copy
    out = project / "_output" / "2020"
    before = _tree_hash(out)
    path = project / "report" / "_chapters" / "_04-deaths.qmd"
    original = path.read_text()
    path.write_text(original + "\nIn all, 206 children died.\n")
    with pytest.raises(LintError) as error:
        build("2020", root=project)
    line = len(original.splitlines()) + 2
    assert f"report/_chapters/_04-deaths.qmd:{line}" in str(error.value)
    assert "'206'" in str(error.value)
    assert _tree_hash(out) == before
