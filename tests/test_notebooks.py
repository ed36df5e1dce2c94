"""The chapter notebooks: thin, parameterised, committed without outputs, every figure and
table labelled with caption and alt text, every notebook ending in an nbval check cell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportkit.facts import CHECK_MARKER
from reportkit.render.notebook_outputs import cell_options

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CATALOGUE = (Path(__file__).resolve().parents[1] / "docs" / "facts-catalogue.md").read_text()


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_there_is_one_notebook_per_chapter() -> None:
    assert [p.stem for p in NOTEBOOKS] == [
        "01_overview", "02_children", "03_deaths", "04_serious_harm", "05_characteristics",
        "06_comparisons", "07_reviews", "08_trends",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path) -> None:
    for cell in _cells(path):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name} cell {cell['id']} has outputs"
            assert cell["execution_count"] is None, f"{path.name} cell {cell['id']} was run"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_runs_alone_with_defaults(path: Path) -> None:
    tagged = [c for c in _cells(path) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    source = "".join(tagged[0]["source"])
    namespace: dict = {}
    exec(source, namespace)  # noqa: S102 - the defaults are plain assignments
    assert namespace["period"] == "2020" and namespace["tables_dir"] == ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_ends_with_the_nbval_check_cell(path: Path) -> None:
    last = _cells(path)[-1]
    assert "".join(last["source"]).startswith(CHECK_MARKER)
    assert "facts.check()" in "".join(last["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_figures_and_tables_have_labels_captions_and_alt_text(path: Path) -> None:
    labelled = 0
    for cell in _cells(path):
        options = cell_options("".join(cell["source"])) if cell["cell_type"] == "code" else {}
        label = options.get("label", "")
        if label.startswith("fig-"):
            assert options.get("fig-cap") and len(options.get("fig-alt", "")) > 40, label
            labelled += 1
        elif label.startswith("tbl-"):
            assert options.get("tbl-cap"), label
            labelled += 1
        if label:
            assert f"`{label}`" in CATALOGUE, f"{label} is not in docs/facts-catalogue.md"
    assert labelled >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_stay_thin(path: Path) -> None:
    code = [c for c in _cells(path) if c["cell_type"] == "code"]
    assert "open_chapter(" in "".join(code[1]["source"]), "second code cell loads the chapter"
    for cell in code:
        source = "".join(cell["source"])
        assert "read_csv(" not in source or "population" in source, "load data via reportkit"
        assert source.count("\ndef ") <= 1, f"{cell['id']}: move functions into src/reportkit"
