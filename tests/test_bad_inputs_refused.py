"""Every input is honoured or refused: malformed params and data end in a clear error (exit code
2, the file and the row or key named), never a traceback, and nothing is published.

Each case edits a fresh copy of the project (files written by the test in a temporary folder)
and runs the command line in-process, as a user would run it.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from reportkit.cli import main

REPO = Path(__file__).resolve().parents[1]
PARAMS = "params/2020.yml"
NOTIFICATIONS = "data/notifications.csv"
CHILDREN = "data/children.csv"

Edit = Callable[[Path], None]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the project inputs, copied again for each case."""
    from reportkit.build.pipeline import copy_project

    return copy_project(REPO, tmp_path_factory.mktemp("pristine") / "project")


@pytest.fixture
def project(pristine: Path, tmp_path: Path) -> Path:
    from reportkit.build.pipeline import copy_project

    return copy_project(pristine, tmp_path / "project")


def run(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    """Run ``reportkit ARGS`` in ``project``; the exit code and everything it printed."""
    monkeypatch.setenv("REPORTKIT_ROOT", str(project))
    monkeypatch.chdir(project)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's own errors
            code = exc.code
    return code, out.getvalue() + err.getvalue()


# --- editing helpers -----------------------------------------------------------------------


def text(path: str, body: str | bytes) -> Edit:
    """Replace file ``path`` with ``body``."""

    def edit(root: Path) -> None:
        target = root / path
        if isinstance(body, bytes):
            target.write_bytes(body)
        else:
            target.write_text(body, encoding="utf-8")

    return edit


def replace(path: str, old: str, new: str, count: int = 1) -> Edit:
    """Replace the first ``count`` occurrences of ``old`` in file ``path``."""

    def edit(root: Path) -> None:
        target = root / path
        body = target.read_text(encoding="utf-8")
        assert old in body, f"{old!r} not in {path}"
        target.write_text(body.replace(old, new, count), encoding="utf-8")

    return edit


def append(path: str, extra: str) -> Edit:
    def edit(root: Path) -> None:
        with (root / path).open("a", encoding="utf-8") as handle:
            handle.write(extra)

    return edit


def directory(path: str) -> Edit:
    """Replace file ``path`` with a folder of the same name."""

    def edit(root: Path) -> None:
        (root / path).unlink()
        (root / path).mkdir()

    return edit


def row(path: str, line: int, change: Callable[[list[str]], list[str]]) -> Edit:
    """Change the fields of line ``line`` (1 = header) of CSV file ``path``."""

    def edit(root: Path) -> None:
        target = root / path
        lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
        fields = lines[line - 1].rstrip("\n").split(",")
        lines[line - 1] = ",".join(change(fields)) + "\n"
        target.write_text("".join(lines), encoding="utf-8")

    return edit


def cell(path: str, line: int, column: str, value: str) -> Edit:
    """Set ``column`` of line ``line`` of CSV file ``path`` to ``value``."""

    def edit(root: Path) -> None:
        target = root / path
        lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
        header = lines[0].rstrip("\n").split(",")
        fields = lines[line - 1].rstrip("\n").split(",")
        fields[header.index(column)] = value
        lines[line - 1] = ",".join(fields) + "\n"
        target.write_text("".join(lines), encoding="utf-8")

    return edit


def both(*edits: Edit) -> Edit:
    def edit(root: Path) -> None:
        for one in edits:
            one(root)

    return edit


def first_row_where(path: str, predicate: Callable[[dict[str, str]], bool]) -> int:
    """The line number of the first row of the shipped ``path`` matching ``predicate``."""
    import csv

    with (REPO / path).open(encoding="utf-8", newline="") as handle:
        for number, record in enumerate(csv.DictReader(handle), start=2):
            if predicate(record):
                return number
    raise AssertionError(f"no such row in {path}")


def param(old: str, new: str) -> Edit:
    return replace(PARAMS, old, new)


def threshold(value: str) -> Edit:
    return param("{threshold: 2}", f"{{threshold: {value}}}")


DATES = "start: 2020-01-01, end: 2020-12-31"
PERIOD_LINE = "period: {start: 2020-01-01, end: 2020-12-31, label: \"2020\"}"
DATA_LINE = "  notifications: data/notifications.csv"
DEATH_NO_REVIEW = first_row_where(NOTIFICATIONS, lambda r: r["rapid_review_date"] == "")
NON_NEGLECT_HARM = first_row_where(
    NOTIFICATIONS,
    lambda r: r["form_of_harm"] not in ("", "neglect") and r["neglect_feature"] == "0",
)

# --- the corpus: (id, edit, words the message must contain) --------------------------------

PARAMS_CASES: list[tuple[str, Edit, tuple[str, ...]]] = [
    ("empty file", text(PARAMS, ""), ("2020.yml", "empty file")),
    ("only a comment", text(PARAMS, "# nothing\n"), ("2020.yml", "mapping")),
    ("a list, not a mapping", text(PARAMS, "- id: 2020\n"), ("2020.yml", "mapping")),
    ("a scalar", text(PARAMS, "2020\n"), ("2020.yml", "mapping")),
    ("not UTF-8", text(PARAMS, b"id: \"2020\"\ntitle: \"Caf\xe9\"\n"), ("2020.yml", "UTF-8")),
    ("a folder", directory(PARAMS), ("2020.yml", "not a file")),
    ("YAML syntax", append(PARAMS, "comparisons: [unclosed\n"), ("2020.yml", "YAML")),
    ("duplicate key", append(PARAMS, "title: again\n"), ("2020.yml", "'title'", "more than once")),
    ("tab indentation", replace(PARAMS, DATA_LINE, "\tnotifications: x.csv"),
     ("2020.yml", "YAML")),
    ("unknown top-level key", append(PARAMS, "colour: blue\n"), ("2020.yml", "'colour'")),
    ("unknown key in period", param("label: \"2020\"}", "label: \"2020\", middle: 1}"),
     ("2020.yml", "period.middle")),
    ("unknown key in a comparison", param("  - id: half\n", "  - id: half\n    note: x\n"),
     ("2020.yml", "comparisons.0.note")),
    ("unknown key in a range", param("label: \"April to September 2020\"}",
                                     "label: \"April to September 2020\", when: now}"),
     ("2020.yml", "comparisons.0.current.when")),
    ("unknown key in data", param(DATA_LINE, DATA_LINE + "\n  extra: data/x.csv"),
     ("2020.yml", "data.extra")),
    ("unknown key in disclosure", threshold("2, round: 5"),
     ("2020.yml", "disclosure.round")),
    ("month 13", param(DATES, "start: 2020-13-01, end: 2020-12-31"),
     ("2020.yml", "date", "2020-13-01")),
    ("30 February", param(DATES, "start: 2020-02-30, end: 2020-12-31"),
     ("2020.yml", "date")),
    ("quoted bad date", param(DATES,
                              "start: \"2020-02-30\", end: 2020-12-31"),
     ("2020.yml", "period.start")),
    ("date as a number", param("publication_date: 2026-12-10", "publication_date: 20261210"),
     ("2020.yml", "publication_date")),
    ("period reversed", param(DATES, "start: 2020-12-31, end: 2020-01-01"),
     ("2020.yml", "before start")),
    ("period before the data", param(DATES,
                                     "start: 2017-01-01, end: 2020-12-31"),
     ("2020.yml", "period", "2018-07-01")),
    ("period a list", param(PERIOD_LINE, "period: [2020-01-01, 2020-12-31]"),
     ("2020.yml", "period")),
    ("period missing", param(PERIOD_LINE, ""), ("2020.yml", "'period' is required")),
    ("title a number", param("title: \"Child", "title: 12\nx: \"Child"), ("2020.yml", "title")),
    ("id a number", param("id: \"2020\"", "id: 2020"), ("2020.yml", "id", "in quotes")),
    ("id mismatch", param("id: \"2020\"", "id: \"2021\""), ("2020.yml", "'id'", "2021")),
    ("title empty", param("title: \"Child", "title: \" \"\nz: \"Child"), ("2020.yml", "title")),
    ("label empty", param("label: \"2020\"\n", "label: \"\"\n"), ("2020.yml", "label")),
    ("time_period of another year", param("time_period: \"2020\"", "time_period: \"2019\""),
     ("2020.yml", "time_period", "2019")),
    ("period in another year than the id", param(DATES, "start: 2019-01-01, end: 2019-12-31"),
     ("2020.yml", "'id'", "2019")),
    ("covid_period a string", param("covid_period: true", "covid_period: \"yes\""),
     ("2020.yml", "covid_period")),
    ("covid_period a number", param("covid_period: true", "covid_period: 1"),
     ("2020.yml", "covid_period")),
    ("synthetic a string", param("synthetic: true", "synthetic: \"no\""),
     ("2020.yml", "data.synthetic")),
    ("threshold zero", threshold("0"), ("2020.yml", "threshold")),
    ("threshold negative", threshold("-3"), ("2020.yml", "threshold")),
    ("threshold huge", threshold("1000000"), ("2020.yml", "threshold")),
    ("threshold a fraction", threshold("2.5"), ("2020.yml", "threshold")),
    ("threshold a string", threshold('"2"'), ("2020.yml", "threshold")),
    ("threshold a bool", threshold("true"), ("2020.yml", "threshold")),
    ("disclosure a list", param("disclosure: {threshold: 2}", "disclosure: [2]"),
     ("2020.yml", "disclosure")),
    ("expectation days zero", param("rapid_review_expectation_days: 15",
                                    "rapid_review_expectation_days: 0"),
     ("2020.yml", "rapid_review_expectation_days")),
    ("expectation days huge", param("rapid_review_expectation_days: 15",
                                    "rapid_review_expectation_days: 99999"),
     ("2020.yml", "rapid_review_expectation_days")),
    ("time_identifier unknown", param("time_identifier: Calendar year",
                                      "time_identifier: Academic year"),
     ("2020.yml", "time_identifier")),
    ("comparisons a mapping", param("comparisons:\n", "comparisons: {half: 1}\nold:\n"),
     ("2020.yml", "comparisons")),
    ("comparisons of strings", param("comparisons:\n", "comparisons: [a, b]\nx:\n"),
     ("2020.yml", "comparisons")),
    ("duplicate comparison ids", param("  - id: prev", "  - id: half"),
     ("2020.yml", "repeated: half")),
    ("comparison reversed", param("previous: {start: 2019-04-01, end: 2019-09-30",
                                  "previous: {start: 2019-09-30, end: 2019-04-01"),
     ("2020.yml", "comparisons.0.previous", "before start")),
    ("comparison before the data", param("previous: {start: 2019-04-01, end: 2019-09-30",
                                         "previous: {start: 2018-04-01, end: 2018-09-30"),
     ("2020.yml", "comparisons.0.previous", "2018-07-01")),
    ("comparison without notifications", param(
        "previous: {start: 2019-04-01, end: 2019-09-30", "previous: {start: 2035-04-01, "
        "end: 2035-09-30"), ("2020.yml", "comparisons[0].previous", "no notifications")),
    ("comparison id not allowed", param("  - id: prev", "  - id: Prev-1"),
     ("2020.yml", "comparisons.1.id")),
    ("comparison range missing", param(
        "    previous: {start: 2019-04-01, end: 2019-09-30, label: \"April to September 2019\"}\n",
        ""), ("2020.yml", "comparisons.0.previous")),
    ("data file outside the project", param(DATA_LINE, "  notifications: /no/such/dir/n.csv"),
     ("2020.yml", "data.notifications", "/no/such/dir/n.csv", "not found")),
    ("data file relative outside", param(DATA_LINE, "  notifications: ../../elsewhere.csv"),
     ("2020.yml", "data.notifications", "not found")),
    ("data file a folder", param(DATA_LINE, "  notifications: data"),
     ("2020.yml", "data.notifications", "not a file")),
    ("data file empty name", param(DATA_LINE, "  notifications: \"\""),
     ("2020.yml", "data.notifications")),
    ("data file a number", param(DATA_LINE, "  notifications: 3"),
     ("2020.yml", "data.notifications")),
    ("data a list", param("data:\n", "data: [1]\nx:\n"), ("2020.yml", "data")),
    ("population missing", param("  population: data/reference/population_ethnicity.csv",
                                 "  population: data/reference/none.csv"),
     ("2020.yml", "data.population")),
]

DATA_CASES: list[tuple[str, Edit, tuple[str, ...]]] = [
    ("notifications empty", text(NOTIFICATIONS, ""), ("notifications.csv", "empty")),
    ("children empty", text(CHILDREN, ""), ("children.csv", "empty")),
    ("header only", text(NOTIFICATIONS, (REPO / NOTIFICATIONS).read_text().splitlines()[0] + "\n"),
     ("notifications.csv", "no data rows")),
    ("not UTF-8", text(CHILDREN, b"child_id,notification_id\nC000001,N\xff\n"),
     ("children.csv", "UTF-8")),
    ("semicolons", text(CHILDREN, (REPO / CHILDREN).read_text().replace(",", ";")),
     ("children.csv", "child_id;notification_id")),
    ("missing column", row(CHILDREN, 1, lambda f: f[:-1]), ("children.csv", "ethnicity")),
    ("extra column", row(CHILDREN, 1, lambda f: [*f, "notes"]), ("children.csv", "line 2")),
    ("renamed column", row(CHILDREN, 1, lambda f: ["childid", *f[1:]]),
     ("children.csv", "childid", "child_id")),
    ("duplicate notification id", cell(NOTIFICATIONS, 3, "notification_id", "N000001"),
     ("notifications.csv line 3", "duplicate")),
    ("duplicate child id", cell(CHILDREN, 3, "child_id", "C000001"),
     ("children.csv line 3", "duplicate")),
    ("30 February", cell(NOTIFICATIONS, 300, "notification_date", "2020-02-30"),
     ("notifications.csv line 300", "notification_date")),
    ("date with a slash", cell(NOTIFICATIONS, 300, "notification_date", "01/03/2020"),
     ("notifications.csv line 300", "YYYY-MM-DD")),
    ("future date", cell(NOTIFICATIONS, 300, "notification_date", "2099-01-01"),
     ("notifications.csv line 300", "notification_date")),
    ("leading space", cell(NOTIFICATIONS, 5, "outcome", " death"),
     ("notifications.csv line 5", "outcome")),
    ("trailing space in an id", cell(CHILDREN, 5, "child_id", "C000004 "),
     ("children.csv line 5", "child_id")),
    ("unbalanced quote", cell(NOTIFICATIONS, 7, "notification_id", "\"N000006"),
     ("notifications.csv line 7", "CSV")),
    ("too few fields", row(NOTIFICATIONS, 9, lambda f: f[:-2]),
     ("notifications.csv line 9", "fields")),
    ("unknown code", cell(NOTIFICATIONS, 11, "outcome", "deth"),
     ("notifications.csv line 11", "deth")),
    ("flag not 0 or 1", cell(NOTIFICATIONS, 11, "domestic_abuse", "yes"),
     ("notifications.csv line 11", "domestic_abuse")),
    ("negative age", cell(CHILDREN, 12, "age_years", "-1"), ("children.csv line 12", "age_years")),
    ("age a fraction", cell(CHILDREN, 12, "age_years", "4.5"), ("children.csv line 12", "age")),
    ("orphan child", cell(CHILDREN, 12, "notification_id", "N999999"),
     ("children.csv line 12", "notification_id")),
    ("children a folder", directory(CHILDREN), ("children.csv", "not a file")),
    ("children missing", lambda root: (root / CHILDREN).unlink(), ("children.csv", "not found")),
    ("local review without a rapid review",
     cell(NOTIFICATIONS, DEATH_NO_REVIEW, "local_review_decision", "lcspr"),
     (f"notifications.csv line {DEATH_NO_REVIEW}", "local_review_decision")),
    ("neglect without the neglect flag",
     both(cell(NOTIFICATIONS, NON_NEGLECT_HARM, "form_of_harm", "neglect")),
     (f"notifications.csv line {NON_NEGLECT_HARM}", "neglect_feature")),
]


def _published(project: Path) -> list[Path]:
    return [p for p in (project / "_output").glob("*") if not p.name.startswith(".")] if (
        project / "_output").is_dir() else []


def _check(code: int, output: str, words: tuple[str, ...]) -> None:
    assert "Traceback" not in output, output
    assert code == 2, output
    for word in words:
        assert word in output, f"{word!r} not in:\n{output}"


@pytest.mark.parametrize(("edit", "words"), [c[1:] for c in PARAMS_CASES],
                         ids=[c[0] for c in PARAMS_CASES])
def test_malformed_params_are_refused_by_build(project: Path, monkeypatch, edit: Edit,
                                               words: tuple[str, ...]) -> None:
    edit(project)
    code, output = run(project, monkeypatch, "build", "--year", "2020", "--engine", "pandoc")
    _check(code, output, words)
    assert _published(project) == []


@pytest.mark.parametrize(("edit", "words"), [c[1:] for c in DATA_CASES],
                         ids=[c[0] for c in DATA_CASES])
def test_malformed_data_are_refused_by_validate_and_build(
    project: Path, monkeypatch, edit: Edit, words: tuple[str, ...]
) -> None:
    edit(project)
    _check(*run(project, monkeypatch, "validate"), words)
    _check(*run(project, monkeypatch, "validate", "--year", "2020"), words)
    code, output = run(project, monkeypatch, "build", "--year", "2020", "--engine", "pandoc")
    _check(code, output, words)
    assert _published(project) == []


def test_a_params_file_naming_another_data_file_is_honoured(project: Path, monkeypatch) -> None:
    """Seen: data.notifications pointing at a file with a bad row built from notifications.csv."""
    body = (project / NOTIFICATIONS).read_text(encoding="utf-8").replace(
        ",death,", ",deth,", 1)
    (project / "data/notifications-2020.csv").write_text(body, encoding="utf-8")
    param(DATA_LINE, "  notifications: data/notifications-2020.csv")(project)
    for command in (("validate", "--year", "2020"), ("build", "--year", "2020")):
        code, output = run(project, monkeypatch, *command)
        _check(code, output, ("notifications-2020.csv line", "deth"))
    assert _published(project) == []


@pytest.mark.parametrize("period", ["../params/2020", "2020.yml", "", "params/2020", "20200",
                                    "/tmp/2020", "2020-2021"])
@pytest.mark.parametrize("command", ["build", "render", "verify", "validate"])
def test_a_bad_period_id_is_refused_before_anything_touches_the_disk(
    project: Path, monkeypatch, command: str, period: str
) -> None:
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    code, output = run(project, monkeypatch, command, "--year", period)
    _check(code, output, ("is not a period id", "YYYY"))
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


def test_a_byte_order_mark_is_honoured(project: Path, monkeypatch) -> None:
    for name in (NOTIFICATIONS, CHILDREN):
        body = (project / name).read_bytes()
        (project / name).write_bytes(b"\xef\xbb\xbf" + body)
    code, output = run(project, monkeypatch, "validate", "--year", "2020")
    assert code == 0, output
    assert "valid (2244 notifications, 2393 children)" in output


def test_synth_never_overwrites_real_data(project: Path, monkeypatch) -> None:
    shipped = (project / NOTIFICATIONS).read_bytes()
    param("synthetic: true", "synthetic: false")(project)
    code, output = run(project, monkeypatch, "synth")
    _check(code, output, ("2020.yml", "data.synthetic", "--force"))
    assert (project / NOTIFICATIONS).read_bytes() == shipped
    param("synthetic: false", "synthetic: true")(project)
    cell(CHILDREN, 2, "sex", "male")(project)  # edited: no longer what synth wrote
    edited = (project / CHILDREN).read_bytes()
    code, output = run(project, monkeypatch, "synth")
    _check(code, output, ("children.csv", "not written by `reportkit synth`", "--force"))
    assert (project / CHILDREN).read_bytes() == edited
    code, output = run(project, monkeypatch, "synth", "--force")
    assert code == 0, output
    assert (project / CHILDREN).read_bytes() == (REPO / CHILDREN).read_bytes()


# --- another period's params file is an input of every build ------------------------------


def test_another_periods_params_file_changes_the_keys(project: Path) -> None:
    """Seen: after params/2024.yml was added, `build --year 2023-24` said "up to date" with a
    stale trend (the trends chapter reads every params file)."""
    from reportkit.build.pipeline import plan

    before = plan("2023-24", project, "pandoc")
    _write_future_period(project, "2024")
    added = plan("2023-24", project, "pandoc")
    assert added.job_keys["08_trends"] != before.job_keys["08_trends"]
    assert added.build_key != before.build_key
    replace("params/2021.yml", 'label: "2021"', 'label: "Calendar 2021"')(project)
    edited = plan("2023-24", project, "pandoc")
    assert edited.job_keys["08_trends"] != added.job_keys["08_trends"]
    assert "params/2024.yml" in edited.input_hashes


@pytest.mark.parametrize(
    ("name", "body", "words"),
    [("2019.yml", "id: [\n", ("params/2019.yml", "YAML")),
     ("2019.yml", "id: \"2019\"\n", ("params/2019.yml", "required")),
     ("notes.yml", "id: \"2019\"\n", ("params/notes.yml", "not a period id"))],
)
def test_a_broken_params_file_of_another_period_is_refused(
    project: Path, monkeypatch, name: str, body: str, words: tuple[str, ...]
) -> None:
    (project / "params" / name).write_text(body, encoding="utf-8")
    code, output = run(project, monkeypatch, "build", "--year", "2020", "--engine", "pandoc")
    _check(code, output, words)
    assert _published(project) == []


POPULATION = "data/reference/population_ethnicity.csv"
CODES = "data/codes"

REFERENCE_CASES: list[tuple[str, Edit, tuple[str, ...]]] = [
    ("population empty", text(POPULATION, ""), ("population_ethnicity.csv", "header")),
    ("population other columns", text(POPULATION, "a,b\n1,2\n"),
     ("population_ethnicity.csv", "ethnicity_group")),
    ("population share not a number", replace(POPULATION, "72.5", "lots"),
     ("population_ethnicity.csv", "line 2", "population_share_pct")),
    ("population shares do not sum", replace(POPULATION, "72.5", "62.5"),
     ("population_ethnicity.csv", "sum to 90")),
    ("population group missing", replace(POPULATION, "White,Other White,5.0,illustrative\n", ""),
     ("population_ethnicity.csv", "no row for Other White")),
    ("population status", replace(POPULATION, "72.5,illustrative", "72.5,guess"),
     ("population_ethnicity.csv", "line 2", "status")),
    ("population not UTF-8", text(POPULATION, b"\xff\xfe\x00"), ("population_ethnicity.csv",)),
    ("code list empty", text(f"{CODES}/outcome.csv", ""), ("outcome.csv", "no codes")),
    ("code list missing", lambda root: (root / CODES / "sex.csv").unlink(), ("sex.csv",)),
    ("code list wrong columns", text(f"{CODES}/regions.csv", "code,name\nE1,North\n"),
     ("regions.csv", "region_code")),
    ("code list repeated code", append(f"{CODES}/outcome.csv", "death,Death again,x\n"),
     ("outcome.csv", "more than once: death")),
    ("params key a list", append(PARAMS, "? [a]\n: 2\n"), ("2020.yml", "plain name")),
    ("params nested too deeply", append(PARAMS, "w: " + "[" * 5000 + "]" * 5000 + "\n"),
     ("2020.yml", "nested")),
    ("id with other digits", cell(CHILDREN, 2, "child_id", "C\u0661\u0662\u0663\u0664\u0665\u0666"),
     ("children.csv line 2", "child_id")),
]


@pytest.mark.parametrize(("edit", "words"), [c[1:] for c in REFERENCE_CASES],
                         ids=[c[0] for c in REFERENCE_CASES])
def test_malformed_reference_tables_and_code_lists_are_refused(
    project: Path, monkeypatch, edit: Edit, words: tuple[str, ...]
) -> None:
    edit(project)
    _check(*run(project, monkeypatch, "validate", "--year", "2020"), words)
    code, output = run(project, monkeypatch, "build", "--year", "2020", "--engine", "pandoc")
    _check(code, output, words)
    assert _published(project) == []


def _write_future_period(project: Path, year: str) -> None:
    """params/<year>.yml: a calendar year after the data end (valid params, no rows)."""
    body = (project / PARAMS).read_text(encoding="utf-8").replace("2020", year)
    body = body.replace("comparisons:", "comparisons: []\nold:").replace("covid_period: true",
                                                                          "covid_period: false")
    body = body.split("old:")[0] + "publication" + body.split("publication", 1)[1]
    (project / "params" / f"{year}.yml").write_text(body, encoding="utf-8")


def test_a_period_without_notifications_is_refused(project: Path, monkeypatch) -> None:
    _write_future_period(project, "2031")
    code, output = run(project, monkeypatch, "build", "--year", "2031", "--engine", "pandoc")
    _check(code, output, ("2031.yml", "'period'", "no notifications"))
    assert _published(project) == []
