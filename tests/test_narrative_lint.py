"""reportkit.render.narrative_lint: typed numbers in the narrative are reported with file and
line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit.errors import LintError, UserError
from reportkit.render.narrative_lint import AllowList, check_narrative, lint_narrative, lint_project

REPO = Path(__file__).resolve().parents[1]

CLEAN = """\
---
title: "Annual report 2020 to 2021"
date: 2021-09-28
---

# 1. Introduction {#sec-intro}

The Panel received {{< var notifications_total >}} notifications between 1 April 2020 and
31 March 2021 ({{< meta period_label >}}), compared with 2019-20 and 2019/20. Data were
extracted on 2021-05-01. Between April 2022 and March 2023 the six themes recurred.

1. First point, as in Working Together to Safeguard Children 2018.
2) Second point: a rapid review is expected within {{< var rr_expectation_days >}} working days.

## 2.1 Context

COVID-19 changed practice. Ethnicity follows the 2011 Census. Section 16B of the Children Act
2004 sets the duty. Children aged 1 to 5 years are a band. See @fig-age-0-17 and
[the guidance](https://www.gov.uk/guidance/working-together-2018-v3).

![Deaths by age](figure-1.png){#fig-age-0-17 fig-alt="Chart 1"}

::: {.callout-note title="Note 1"}
Inline `code 42` and an escaped {{{< var x_99 >}}} shortcode.
:::

<!-- a comment with 99 in it
spanning 2 lines -->

```{python}
#| label: fig-x
x = 123
```
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "report" / "_chapters" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def allow() -> AllowList:
    return AllowList.load(REPO / "report" / "lint-allow.yml")


def test_clean_narrative_passes(tmp_path: Path, allow: AllowList) -> None:
    path = _write(tmp_path, "_clean.qmd", CLEAN)
    assert lint_narrative([path], allow) == []


def test_typed_number_reported_with_file_line_and_column(tmp_path: Path, allow: AllowList) -> None:
    text = CLEAN + "\nThere were 206 deaths, 43% of the total and 1,234.5 in all.\n"
    path = _write(tmp_path, "_deaths.qmd", text)
    problems = lint_narrative(
        [path], allow, variables={"deaths_total": "206", "deaths_pct": "43%"}, root=tmp_path
    )
    assert [(p.line, p.column, p.text) for p in problems] == [
        (len(text.splitlines()), 12, "206"),
        (len(text.splitlines()), 24, "43%"),
        (len(text.splitlines()), 45, "1,234.5"),
    ]
    line = len(text.splitlines())
    assert str(problems[0]) == (
        f"report/_chapters/_deaths.qmd:{line}: typed number '206' is not a fact; "
        "use {{< var deaths_total >}}"
    )
    assert "use {{< var deaths_pct >}}" in str(problems[1])
    assert "record it as a fact" in str(problems[2])


def test_numbers_in_headings_tables_and_callouts_are_prose(
    tmp_path: Path, allow: AllowList
) -> None:
    text = (
        "# Deaths rose by 12\n\n| Age | Count |\n|--|--|\n| Infants | 88 |\n\n"
        "::: {.callout-tip}\nAbout 40 cases.\n:::\n"
    )
    path = _write(tmp_path, "_t.qmd", text)
    assert [(p.line, p.text) for p in lint_narrative([path], allow)] == [
        (1, "12"),
        (5, "88"),
        (8, "40"),
    ]


def test_allow_list_needed_for_policy_numbers(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "_p.qmd", "Reviews are due within 15 working days of COVID-19 notifications.\n"
    )
    assert [p.text for p in lint_narrative([path], AllowList())] == ["15", "19"]
    assert lint_narrative([path], AllowList(phrases=("15 working days", "covid-19"))) == []


def test_allow_list_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "allow.yml"
    bad.write_text("numbers: [1]\n")
    with pytest.raises(UserError, match="phrases"):
        AllowList.load(bad)
    bad.write_text("patterns:\n  - regex: '('\n    reason: broken\n")
    with pytest.raises(UserError, match="invalid pattern"):
        AllowList.load(bad)


def test_lint_project_and_check(tmp_path: Path) -> None:
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "lint-allow.yml").write_text("phrases: ['15 working days']\n")
    (tmp_path / "report" / "annual-report.qmd").write_text("Within 15 working days.\n")
    assert lint_project(tmp_path) == []
    _write(tmp_path, "_deaths.qmd", "Line one.\nThere were 206 deaths.\n")
    problems = lint_project(tmp_path)
    assert [str(p).split(": typed")[0] for p in problems] == ["report/_chapters/_deaths.qmd:2"]
    with pytest.raises(LintError, match=r"_deaths\.qmd:2: typed number '206'"):
        check_narrative(tmp_path)


def test_repository_narrative_has_no_typed_numbers() -> None:
    """The real narrative (report/*.qmd) passes the lint with the committed allow-list."""
    if not any((REPO / "report").rglob("*.qmd")):
        pytest.skip("no narrative yet")
    problems = lint_project(REPO)
    assert not problems, "\n".join(str(p) for p in problems)
