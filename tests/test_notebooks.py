"""The chapter notebooks: thin, parameterised, committed without outputs, every figure and
table labelled with caption and alt text, every notebook ending in an nbval check cell."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from reportkit.analysis.facts import CHECK_MARKER
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


#: What a chapter notebook's cells may not hold: the logic belongs in tested library functions.
_NOT_THIN = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.While, ast.Try,
             ast.With, ast.Import, ast.ImportFrom)
#: Reading files directly: data come through ``open_chapter`` or a ``reportkit`` function.
_READERS = ("read_csv", "read_excel", "read_json", "read_parquet", "open")


def _thin_problems(cell_id: str, source: str, *, setup: bool) -> list[str]:
    """Why a code cell is not thin: a definition, an import outside the setup cell, a file
    read, or control flow nested inside a loop or condition."""
    tree = ast.parse("\n".join(line for line in source.splitlines()
                               if not line.lstrip().startswith("%")))
    problems = []
    for node in ast.walk(tree):
        allowed = setup and isinstance(node, ast.Import | ast.ImportFrom)
        if isinstance(node, _NOT_THIN) and not allowed:
            problems.append(f"{cell_id}: line {node.lineno}: {type(node).__name__}")
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in _READERS:
                problems.append(f"{cell_id}: line {node.lineno}: {called}() (load data via the "
                                "library)")
        if isinstance(node, ast.For | ast.If):
            nested = [n for child in node.body for n in ast.walk(child)
                      if isinstance(n, ast.For | ast.If | ast.While)]
            problems += [f"{cell_id}: line {n.lineno}: control flow nested in line {node.lineno}"
                         for n in nested]
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_stay_thin(path: Path) -> None:
    code = [c for c in _cells(path) if c["cell_type"] == "code"]
    assert "open_chapter(" in "".join(code[1]["source"]), "second code cell loads the chapter"
    problems = [p for i, cell in enumerate(code)
                for p in _thin_problems(cell["id"], "".join(cell["source"]), setup=i == 1)]
    assert problems == [], "move this logic into src/reportkit: " + "; ".join(problems)


@pytest.mark.parametrize("source", [
    "def f():\n    return 1",
    "import pandas as pd",
    "x = pd.read_csv('population.csv')",
    "f = lambda v: v",
    "for a in b:\n    if a:\n        c()",
    "for a in b:\n    for c in a:\n        d()",
    "class A:\n    pass",
    "with open('x') as h:\n    pass",
])
def test_the_thin_rule_catches(source: str) -> None:
    assert _thin_problems("cell", source, setup=False)


def test_the_thin_rule_allows_calls_and_flat_loops() -> None:
    source = ("shares = sections.characteristic_shares(notifications)\n"
              "for name, label, share in shares:\n"
              "    facts.record_share(name, share, label=label)\n"
              "if not comparisons.empty:\n    chapter.publish(table, 'x')\n")
    assert _thin_problems("cell", source, setup=False) == []
    assert _thin_problems("setup", "from reportkit import facts", setup=True) == []
