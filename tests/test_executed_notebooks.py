"""The one reader of executed notebooks: typed cells, the JSON as written, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportkit import executed_notebooks
from reportkit.analysis import facts
from reportkit.errors import BuildError, RenderError
from reportkit.render.notebook_outputs import NotebookCache

NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {"kernelspec": {"name": "python3"}},
    "cells": [
        {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": ["# Title\n", "text"]},
        {"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": 1,
         "source": ["#| label: tbl-one\n", "x = 1"],
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\n", "2\n"]}]},
        {"cell_type": "code", "id": "c2", "metadata": {}, "execution_count": 2, "source": "y",
         "outputs": []},
    ],
}


def _write(path: Path, body: object) -> Path:
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_cells_are_typed_and_the_json_is_kept(tmp_path: Path) -> None:
    notebook = executed_notebooks.read(_write(tmp_path / "a.ipynb", NOTEBOOK))
    assert notebook.json == NOTEBOOK
    assert [(i, c.id) for i, c in notebook.code_cells()] == [(1, "c1"), (2, "c2")]
    assert notebook.cells[0].text == "# Title\ntext"
    assert notebook.code_cells()[0][1].text == "#| label: tbl-one\nx = 1"
    assert notebook.code_cells()[0][1].outputs[0]["name"] == "stdout"


@pytest.mark.parametrize(("body", "message"), [
    ("{not json", "cannot read notebook"),
    ({**NOTEBOOK, "nbformat": 3}, "nbformat 3 is not supported"),
    ([1, 2], "nbformat None is not supported"),
    ({**NOTEBOOK, "cells": [{"source": "x"}]}, "not a notebook"),
    ({**NOTEBOOK, "cells": [{"cell_type": "code", "outputs": "none"}]}, "not a notebook"),
])
def test_what_is_not_a_v4_notebook_is_refused_naming_it(
    tmp_path: Path, body: object, message: str
) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    with pytest.raises(BuildError, match=message) as caught:
        executed_notebooks.read(path)
    assert "bad.ipynb" in str(caught.value)


def test_the_engines_see_a_bad_notebook_as_a_render_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.ipynb", {**NOTEBOOK, "nbformat": 3})
    with pytest.raises(RenderError, match="nbformat 3 is not supported"):
        NotebookCache().cell(path, "tbl-one")
    good = _write(tmp_path / "good.ipynb", NOTEBOOK)
    assert NotebookCache().cell(good, "tbl-one").outputs[0]["text"] == "1\n2\n"


def test_a_fact_output_with_an_unknown_field_is_refused(tmp_path: Path) -> None:
    payload = {k: v for k, v in facts.make("n_total", 3, label="n").to_dict().items()
               if v is not None}
    cell = {"cell_type": "code", "id": "f1", "metadata": {}, "execution_count": 1, "source": "",
            "outputs": [{"output_type": "display_data", "metadata": {},
                         "data": {facts.MIME_TYPE: payload | {"colour": "red"}}}]}
    path = _write(tmp_path / "01_x.ipynb", {**NOTEBOOK, "cells": [cell]})
    with pytest.raises(BuildError, match=r"01_x.ipynb cell 0: not a fact record.*colour"):
        facts.from_notebook(path)
    output = {**cell["outputs"][0], "data": {facts.MIME_TYPE: payload}}
    good = _write(tmp_path / "02_x.ipynb", {**NOTEBOOK, "cells": [{**cell, "outputs": [output]}]})
    (fact,) = facts.from_notebook(good)
    assert (fact.name, fact.value, fact.notebook, fact.cell_id, fact.cell_index) == (
        "n_total", 3, "02_x.ipynb", "f1", 0)


def test_facts_json_is_read_through_the_model(tmp_path: Path) -> None:
    fact = facts.make("n_total", 3, label="n")
    facts.write_json({"n_total": fact}, tmp_path / "facts.json")
    assert facts.read_json(tmp_path / "facts.json") == {"n_total": fact}
    body = json.loads((tmp_path / "facts.json").read_text(encoding="utf-8"))
    body["n_total"]["value"] = {"not": "a value"}
    _write(tmp_path / "facts.json", body)
    with pytest.raises(BuildError, match=r"facts.json: fact 'n_total': not a fact record"):
        facts.read_json(tmp_path / "facts.json")
