"""The ``reportkit`` command: argument parsing only. Each command imports what it needs when it
runs, so ``reportkit --help`` starts quickly."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from reportkit import __version__
from reportkit.render.engines import ENGINES

DEFAULT_PERIOD = "2020"
EXIT_HELP = """exit codes:
  0  success
  1  build, render or verification failure (nothing is published on failure)
  2  user error: bad parameters, bad data, or a build of the period already running
"""


def _period_id(text: str) -> str:
    """A period id, checked before anything touches the disk (argparse reports the error)."""
    from reportkit.errors import ParamsError
    from reportkit.period_ids import check_period_id

    try:
        return check_period_id(text)
    except ParamsError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _period_arg(parser: argparse.ArgumentParser, default: str | None = DEFAULT_PERIOD) -> None:
    parser.add_argument(
        "--year", "--period", dest="period", default=default, metavar="PERIOD", type=_period_id,
        help=f"report period: a params/<PERIOD>.yml file, e.g. 2020 or 2022-23 "
             f"(default: {DEFAULT_PERIOD})",
    )


def _engine_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine", choices=ENGINES, default="auto",
        help="rendering engine: quarto (must be on PATH), pandoc+typst or pandoc (built-in "
             "Pandoc + Typst), "
             "or auto: Quarto when installed, else the built-in engine (default: auto)",
    )


def make_parser() -> argparse.ArgumentParser:
    """The full command-line interface."""
    parser = argparse.ArgumentParser(
        prog="reportkit",
        description="Build, render and verify the annual report on serious incident "
                    "notifications from data, with Papermill notebooks and Quarto.",
        epilog=EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"reportkit {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="show detailed logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = sub.add_parser(
        "build", help="validate data, execute notebooks, collect facts, write tables, render",
        description="Build one period's report into _output/<PERIOD>/: executed notebooks, "
                    "facts.json, _variables.yml, open-data tables, the annual report and the "
                    "executive summary (HTML, PDF, Word) and manifest.json. Unchanged "
                    "notebooks are taken from the last build. A failed build publishes nothing.",
        epilog=EXIT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _period_arg(build)
    build.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, metavar="N",
                       help="notebooks run at once (default: the number of cores, "
                            f"{os.cpu_count() or 1} here)")
    build.add_argument("--force", action="store_true",
                       help="re-execute every notebook and render again, even if unchanged")
    _engine_arg(build)

    render = sub.add_parser(
        "render", help="render the report from the last build's notebooks and facts",
        description="Render _output/<PERIOD>/ again from its executed notebooks and facts "
                    "(after editing the narrative), with Quarto or the built-in engine.",
        epilog=EXIT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _period_arg(render)
    _engine_arg(render)

    verify = sub.add_parser(
        "verify", help="re-execute the notebooks with nbval and check every published number",
        description="Reviewers' check of a build: nbval re-executes the executed notebooks and "
                    "compares their fact tables; every fact quoted in the documents is checked "
                    "against facts.json and the notebooks; published files are audited for "
                    "disclosure; the manifest's input hashes are checked. Writes "
                    "_output/<PERIOD>/verification.json.",
        epilog=EXIT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _period_arg(verify)
    verify.add_argument("--skip-nbval", action="store_true",
                        help="skip re-executing the notebooks (quick checks only)")

    stage = sub.add_parser(
        "stage", help="stage the last build's Quarto project, to run quarto render by hand",
        description="Write the Quarto project the last build of PERIOD rendered (narrative, "
                    "house style, _variables.yml, _period.yml, the reader's copy of each "
                    "executed notebook, the Word reference document) into DIR. `quarto render` "
                    "in DIR writes the same documents as `reportkit build --engine quarto`, "
                    "into DIR/_rendered/report/.",
        epilog=EXIT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _period_arg(stage)
    stage.add_argument("--to", type=Path, required=True, metavar="DIR", dest="target",
                       help="the folder to write (replaced if it exists)")

    validate = sub.add_parser(
        "validate", help="validate the data and list every problem",
        description="Check data/notifications.csv and data/children.csv against the data "
                    "model and code lists; every problem is listed with file, line, column, "
                    "value and what is allowed.",
        epilog=EXIT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = validate.add_mutually_exclusive_group()
    source.add_argument("--data", type=Path, default=None, metavar="DIR",
                        help="folder holding notifications.csv and children.csv "
                             "(default: data/)")
    source.add_argument("--year", "--period", dest="period", default=None, metavar="PERIOD",
                        type=_period_id,
                        help="validate the data files named by params/<PERIOD>.yml "
                             "(data.notifications and data.children)")

    synth = sub.add_parser(
        "synth", help="write the calibrated synthetic dataset",
        description="Regenerate the shipped SYNTHETIC dataset (notifications.csv, children.csv)"
                    ", calibrated to the Panel's published figures. The same seed writes "
                    "byte-identical files.",
    )
    synth.add_argument("--seed", type=int, default=None, help="random seed (default: shipped)")
    synth.add_argument("--out", type=Path, default=None, metavar="DIR",
                       help="folder to write into (default: data/)")
    synth.add_argument("--force", action="store_true",
                       help="overwrite data files synth did not write, or that a params file "
                            "with data.synthetic: false names (real data would be lost)")

    lint = sub.add_parser(
        "lint", help="check the narrative holds no typed number",
        description="Fail on any digit in report/*.qmd prose that is not a fact, a date, a "
                    "list number or on report/lint-allow.yml.",
    )
    lint.add_argument("paths", nargs="*", type=Path, help="files to check (default: report/)")

    sub.add_parser("periods", help="list the report periods (params files)",
                   description="List the periods that have a params file.")
    return parser


# --- commands ------------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    import time

    from reportkit.current import is_current
    from reportkit.paths import output_dir, project_root

    started = time.perf_counter()
    if not args.force and is_current(args.period, project_root(), args.engine):
        print(f"{args.period}: up to date, nothing to do ({output_dir(args.period)}, "
              f"{time.perf_counter() - started:.2f} s)")
        return 0
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from reportkit.build import build, notebook_sources

    console = Console(stderr=True)
    total = len(notebook_sources(project_root()))
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/"
        "{task.total}"), TimeElapsedColumn(), console=console, transient=True,
    ) as progress:
        task = progress.add_task("notebooks", total=total)

        def on_step(message: str) -> None:
            console.print(f"[dim]reportkit:[/dim] {message}")

        def on_notebook(result) -> None:
            how = "cached" if result.cached else ("FAILED" if result.error else "executed")
            console.print(f"  {result.name:<22} {how:>8} {result.seconds:6.1f} s")
            progress.advance(task)

        result = build(args.period, jobs=args.jobs, force=args.force, engine=args.engine,
                       on_notebook=on_notebook, on_step=on_step)
    if result.up_to_date:
        print(f"{args.period}: up to date, nothing to do ({result.output}, "
              f"{result.seconds:.2f} s)")
        return 0
    ran = sum(not r.cached for r in result.notebooks)
    print(f"{args.period}: built in {result.seconds:.1f} s: {ran} notebook(s) executed, "
          f"{len(result.notebooks) - ran} from cache, {result.facts} facts; "
          f"rendered with {result.engine}")
    for document in result.documents:
        print(f"  {document}")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from reportkit.build import rerender
    from reportkit.paths import output_dir

    result = rerender(args.period, engine=args.engine)
    print(f"{args.period}: rendered with {result.engine} ({result.version})")
    for document in result.outputs:
        print(f"  {output_dir(args.period) / Path(document).name}")
    return 0


def cmd_stage(args: argparse.Namespace) -> int:
    from reportkit.build import stage_build

    target = stage_build(args.period, args.target)
    print(f"{args.period}: staged in {target}; run `quarto render` there "
          "(outputs in _rendered/report/)")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from contextlib import suppress

    from reportkit.build import period_lock
    from reportkit.errors import BuildLockedError
    from reportkit.paths import output_dir
    from reportkit.verify import verify

    with suppress(BuildLockedError), period_lock(output_dir(args.period)):
        pass  # taking the lock repairs an interrupted publish (a running build already did)
    report = verify(args.period, run_nbval=not args.skip_nbval)
    print(report.summary())
    return 0 if report.passed else 1


def cmd_validate(args: argparse.Namespace) -> int:
    from reportkit import data
    from reportkit.paths import data_dir

    if args.period:
        from reportkit import config

        params = config.load_period(args.period)
        files = {"notifications": params.data_path("notifications"),
                 "children": params.data_path("children")}
    else:
        files = data.data_files(args.data or data_dir())
        files = {"notifications": files[data.NOTIFICATIONS_FILE],
                 "children": files[data.CHILDREN_FILE]}
    dataset = data.load(**files)  # raises DataValidationError listing every problem
    if args.period:
        from reportkit.reference import check_population

        check_population(params.data_path("population"))
    print(f"{files['notifications']}, {files['children']}: valid "
          f"({len(dataset.notifications)} notifications, {len(dataset.children)} children)")
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from reportkit import synth
    from reportkit.paths import data_dir

    kwargs = {} if args.seed is None else {"seed": args.seed}
    out = args.out or data_dir()
    if not args.force:
        _refuse_real_data(out)
    for path in synth.write(out, force=args.force, **kwargs):
        print(f"wrote {path} (SYNTHETIC data)")
    return 0


def _refuse_real_data(out: Path) -> None:
    """Refuse to write synthetic rows over a file a period's params call real data."""
    from reportkit import config, synth
    from reportkit.errors import UserError

    targets = {(out / name).resolve() for name in synth.DATA_FILES}
    for period in config.available_periods():
        path = config.params_path(period)
        params = config.load(path, check_files=False)  # a broken params file is an error too
        if params.data.synthetic:
            continue
        for name in ("notifications", "children"):
            if params.data_path(name).resolve() in targets:
                raise UserError(
                    f"{path}: key 'data.synthetic' is false, and data.{name} is "
                    f"{params.data_path(name)}: refusing to overwrite real data with synthetic "
                    "rows. Write them elsewhere with --out DIR, or pass --force"
                )


def cmd_lint(args: argparse.Namespace) -> int:
    from reportkit import lint
    from reportkit.paths import project_root

    problems = lint.lint_project(project_root(), paths=args.paths or None)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} typed number(s) in the narrative", file=sys.stderr)
        return 1
    print("narrative lint: no typed numbers")
    return 0


def cmd_periods(args: argparse.Namespace) -> int:
    from reportkit import config

    periods = config.available_periods()
    width = max((len(p) for p in periods), default=0)
    for period in periods:
        params = config.load_period(period)
        print(f"{period:<{width}}  {params.label:<28} {params.period.start} to "
              f"{params.period.end}  {params.time_identifier}")
    return 0


COMMANDS = {
    "build": cmd_build, "render": cmd_render, "stage": cmd_stage, "verify": cmd_verify,
    "validate": cmd_validate, "synth": cmd_synth, "lint": cmd_lint, "periods": cmd_periods,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point: run a command; reportkit's own errors print a message, not a traceback."""
    from reportkit.errors import ReportkitError, describe_os_error

    args = make_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(name)s: %(message)s")
    try:
        return COMMANDS[args.command](args)
    except ReportkitError as exc:
        print(f"reportkit {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a file operation no step anticipated: still a message, exit 1
        message = describe_os_error(exc, f"reportkit {args.command} failed")
        print(f"reportkit {args.command}: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("reportkit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
