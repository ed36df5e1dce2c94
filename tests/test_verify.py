"""Reviewers' verification: passes on a fresh build, and fails, naming what differs, after a
number is changed in an executed notebook, in the rendered HTML, or a small count is added to
a sub-national table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reportkit.publish.verify import verify

pytestmark = pytest.mark.slow


@pytest.fixture
def tampered(built_2020, tmp_path: Path) -> Path:
    """A copy of the built project that a test may tamper with."""
    project, _ = built_2020
    copy = tmp_path / "reportkit"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".reportkit-cache"))
    return copy


def _failures(result, check: str) -> list[str]:
    return next(c for c in result.checks if c.name == check).problems


def test_a_fresh_build_verifies_with_nbval(built_copy: Path) -> None:
    project = built_copy  # verify writes its record into the output folder
    result = verify("2020", root=project)
    assert result.passed, result.summary()
    checks = {c.name: c.checked for c in result.checks}
    assert checks["nbval"] >= 8 and checks["documents"] >= 100 and checks["facts.json"] >= 90
    record = json.loads((project / "_output/2020/verification.json").read_text())
    assert record["passed"] is True


def test_a_changed_number_in_a_notebook_output_is_named(tampered: Path) -> None:
    path = tampered / "_output/2020/notebooks/03_deaths.ipynb"
    notebook = json.loads(path.read_text())
    check_cell = notebook["cells"][-1]
    text = "".join(check_cell["outputs"][0]["text"])
    assert "death_sudi_n  " in text.replace("   ", "  ")
    check_cell["outputs"][0]["text"] = text.replace("64 ", "65 ", 1)
    path.write_text(json.dumps(notebook, indent=1))
    result = verify("2020", root=tampered)
    assert not result.passed
    problems = " ".join(_failures(result, "nbval"))
    assert "03_deaths.ipynb" in problems and "Cell" in problems
    assert "cell id deaths-check" in problems
    assert "#x1B" not in problems
    assert ("the build recorded death_sudi_pct 31% 65 206, but re-executing gives "
            "death_sudi_pct 31% 64 206") in problems


def test_a_changed_number_in_the_html_names_the_fact(tampered: Path) -> None:
    path = tampered / "_output/2020/annual-report.html"
    html = path.read_text()
    marked = 'data-fact="notifications_total">482<'
    assert marked in html
    path.write_text(html.replace(marked, 'data-fact="notifications_total">483<', 1))
    result = verify("2020", root=tampered, run_nbval=False)
    assert not result.passed
    problems = " ".join(_failures(result, "documents"))
    assert "annual-report.html: fact notifications_total shows '483'" in problems


def test_a_small_count_in_a_sub_national_table_fails_disclosure(tampered: Path) -> None:
    path = tampered / "_output/2020/tables/notifications_by_region.csv"
    lines = path.read_text().splitlines()
    row = lines[1].split(",")
    row[-1] = "2"
    lines.append(",".join(row))
    path.write_text("\n".join(lines) + "\n")
    result = verify("2020", root=tampered, run_nbval=False)
    assert not result.passed
    problems = " ".join(_failures(result, "disclosure"))
    assert "tables/notifications_by_region.csv" in problems and "'2'" in problems


def test_changed_inputs_fail_the_manifest_check(tampered: Path) -> None:
    path = tampered / "data/children.csv"
    path.write_text(path.read_text() + "\n")
    result = verify("2020", root=tampered, run_nbval=False)
    assert "input data/children.csv changed since the build" in " ".join(
        _failures(result, "manifest"))


NBVAL_REPORT = """#x1B[91mNotebook cell execution failed#x1B[0m
#x1B[94mCell 6: Cell outputs differ

#x1B[94mTraceback:#x1B[0m
#x1B[94m mismatch 'stdout'#x1B[91m

 assert reference_output == test_output failed:

  'fact  ...' == 'fact  ...'

    fact                     value  numerator  denominator
  - death_suicide_pct        20%    41         206
  ?                          ^^
  + death_suicide_pct        99%    41         206
  ?                          ^^
    death_sudi_n             64                206
#x1B[0m
"""


def test_a_check_cell_failure_shows_both_values_without_colour_codes() -> None:
    from reportkit.publish.verify import output_differences

    text = output_differences(NBVAL_REPORT)
    assert "#x1B" not in text and "\x1b" not in text
    assert text == ("the build recorded death_suicide_pct 99% 41 206, but re-executing gives "
                    "death_suicide_pct 20% 41 206")


def test_any_other_nbval_failure_is_shown_without_colour_codes() -> None:
    from reportkit.publish.verify import output_differences

    assert output_differences("\x1b[91mCell 3: NameError: x\x1b[0m") == "Cell 3: NameError: x"
