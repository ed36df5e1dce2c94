"""The command line: quick to start, complete help, clear errors and exit codes."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from reportkit.cli import COMMANDS, make_parser

REPO = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportkit.cli", *args], cwd=cwd,
                          capture_output=True, text=True)


def test_help_imports_no_heavy_library() -> None:
    """Start-up stays quick: --help must not import pandas, papermill, matplotlib or pydantic."""
    probe = ("import sys, contextlib, io\n"
             "from reportkit.cli import main\n"
             "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
             "    main(['--help'])\n"
             "heavy = [m for m in ('pandas', 'papermill', 'matplotlib', 'pydantic', 'nbformat')"
             " if m in sys.modules]\n"
             "print(','.join(heavy))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert "usage: reportkit" in result.stdout


def test_top_level_help_lists_every_command_and_exit_codes() -> None:
    text = make_parser().format_help()
    for command in COMMANDS:
        assert command in text
    assert "exit codes" in text


def test_periods_lists_the_params_files() -> None:
    result = run("periods")
    assert result.returncode == 0
    assert "2022-23" in result.stdout and "April 2022 to March 2023" in result.stdout


def test_validate_passes_on_the_shipped_data() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stderr
    assert "valid (2244 notifications, 2393 children)" in result.stdout


def _corrupt(folder: Path) -> None:
    with (REPO / "data/notifications.csv").open(newline="") as handle:
        header, *rows = list(csv.reader(handle))
    rows[0][header.index("outcome")] = "deth"  # bad code on line 2
    rows[2][0] = rows[1][0]  # duplicate id on line 4
    rows[5][header.index("notification_date")] = "2031-01-01"  # out of range on line 7
    keep = [i for i, name in enumerate(header) if name != "local_review_decision"]
    with (folder / "notifications.csv").open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(
            [r[i] for i in keep] for r in [header, *rows])
    children = (REPO / "data/children.csv").read_text().splitlines()
    children[1] = children[1].replace(",0,", ",ten,", 1)  # non-numeric age on line 2
    children.append("C999999,N999999,4,female,WBRI")  # orphan child
    (folder / "children.csv").write_text("\n".join(children) + "\n")


def test_validate_lists_every_problem_without_a_traceback(tmp_path: Path) -> None:
    _corrupt(tmp_path)
    result = run("validate", "--data", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    for expected in (
        "notifications.csv, column local_review_decision: missing column",
        "notifications.csv line 2, column outcome: 'deth'",
        "notifications.csv line 4, column notification_id",
        "notifications.csv line 7, column notification_date: '2031-01-01'",
        "children.csv line 2, column age_years: 'ten'",
        f"children.csv line {len((REPO / 'data/children.csv').read_text().splitlines()) + 1}, "
        "column notification_id: 'N999999'",
    ):
        assert expected in result.stderr, (expected, result.stderr)


def test_unknown_period_is_a_user_error() -> None:
    result = run("build", "--year", "1999")
    assert result.returncode == 2
    assert "no params file for period '1999'" in result.stderr
    assert "Traceback" not in result.stderr


def test_quarto_engine_without_quarto_is_an_error_not_a_fallback(project: Path) -> None:
    import shutil

    if shutil.which("quarto"):
        pytest.skip("Quarto is installed here")
    result = run("render", "--year", "2020", "--engine", "quarto", cwd=project)
    assert result.returncode != 0
    assert "quarto" in result.stderr.lower() and "Traceback" not in result.stderr


def test_synth_regenerates_the_shipped_csvs_byte_for_byte(tmp_path: Path) -> None:
    result = run("synth", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "SYNTHETIC" in result.stdout
    for name in ("notifications.csv", "children.csv"):
        assert (tmp_path / name).read_bytes() == (REPO / "data" / name).read_bytes(), name


class _FakeTemplate:
    """Stands in for the kernel template: records that it was closed."""

    closed = 0

    def close(self) -> None:
        self.closed += 1

    def __enter__(self) -> _FakeTemplate:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@pytest.mark.parametrize(("cached", "force", "started"), [
    (False, False, True), (True, False, False), (True, True, True)])
def test_the_kernel_template_starts_early_only_when_every_notebook_will_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool, force: bool,
        started: bool) -> None:
    """Without a cached run of the period (or with --force), the CLI starts the template
    before importing the build and closes it after; with one, the build decides."""
    from reportkit import cli, commands
    from reportkit.build import execute

    monkeypatch.setenv("REPORTKIT_ROOT", str(tmp_path))
    if cached:
        entry = tmp_path / ".reportkit-cache" / "2020" / "01_overview"
        entry.mkdir(parents=True)
        (entry / "record.json").write_text("{}", encoding="utf-8")
    assert cli.has_cached_runs("2020") is cached
    template = _FakeTemplate()
    given: list[object] = []
    monkeypatch.setattr(cli, "is_current", lambda *_args: False)
    monkeypatch.setattr(execute, "start_template_early", lambda: template)
    monkeypatch.setattr(commands, "cmd_build", lambda _args, t: given.append(t) or 0)
    args = make_parser().parse_args(["build", "--year", "2020", *(["--force"] if force else [])])
    assert cli.build_unless_current(args) == 0
    assert given == [template if started else None]
    assert template.closed == (1 if started else 0)
