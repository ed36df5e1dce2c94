"""The ``reportkit`` command: argument parsing, the no-change check of ``reportkit build``, and
errors as messages. What each command does is in ``reportkit.commands``, imported only when a
command runs, so ``reportkit --help`` and a no-change rebuild start quickly."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from reportkit import __version__, lazy
from reportkit.build.up_to_date import is_current
from reportkit.errors import ParamsError, ReportkitError, describe_os_error
from reportkit.paths import cache_dir, output_dir, project_root
from reportkit.period_ids import check_period_id
from reportkit.render.engines import ENGINES

DEFAULT_PERIOD = "2020"
EXIT_HELP = """exit codes:
  0  success
  1  build, render or verification failure (nothing is published on failure)
  2  user error: bad parameters, bad data, or a build of the period already running
"""


def _period_id(text: str) -> str:
    """A period id, checked before anything touches the disk (argparse reports the error)."""
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
    build.add_argument("--areas", default=None, metavar="AREAS",
                       help="also write a local area pack for each area into "
                            "_output/<PERIOD>/areas/<code>/: 'all' (every local authority), "
                            "'region' (every region) or codes separated by commas, e.g. "
                            "E10000012,E08000025")
    build.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="with --areas: send the packs to the Dask distributed scheduler at "
                            "ADDRESS (e.g. tcp://10.0.0.5:8786) instead of this machine")

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

    diff = sub.add_parser(
        "diff", help="list the figures and open-data cells that differ between two builds",
        description="Compare two build output folders (an earlier edition of a period and its "
                    "rebuild, or two periods): every fact whose value or display changed "
                    "(name: old -> new), every open-data cell that changed (file, row keys, "
                    "column, old -> new), and the facts, rows and files added or removed. "
                    "Exit 0 and \"no changes\" when they agree, 1 when they differ.",
        epilog="exit codes (as diff(1)):\n  0  no changes\n  1  the builds differ\n"
               "  2  user error: a folder that is not a build, or builds of different output "
               "schemas\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    diff.add_argument("old", type=Path, metavar="OLD", help="the earlier build folder, e.g. a "
                                                              "copy of _output/2020")
    diff.add_argument("new", type=Path, metavar="NEW", help="the later build folder")
    diff.add_argument("--json", action="store_true", help="print the differences as JSON")

    sub.add_parser("periods", help="list the report periods (params files)",
                   description="List the periods that have a params file.")
    return parser


# --- commands ------------------------------------------------------------------------------


def build_unless_current(args: argparse.Namespace) -> int:
    """``reportkit build``: answered from the recorded fingerprint when nothing changed
    (``reportkit.build.up_to_date``, in about 0.1 s); else the build in ``reportkit.commands`` runs,
    with the kernel template started first when it will surely be needed (it then warms up
    while the build's modules are imported)."""
    started = time.perf_counter()
    if args.scheduler and not args.areas:
        print("reportkit build: error: --scheduler sends the local area packs to Dask: give "
              "--areas too", file=sys.stderr)
        return 2
    if not args.force and not args.areas and is_current(args.period, project_root(),
                                                        args.engine):
        print(f"{args.period}: up to date, nothing to do ({output_dir(args.period)}, "
              f"{time.perf_counter() - started:.2f} s)")
        return 0
    template = (lazy.module("build.execute").start_template_early()
                if args.force or not has_cached_runs(args.period) else None)
    with template if template is not None else nullcontext():
        return lazy.module("commands").cmd_build(args, template)


def has_cached_runs(period: str) -> bool:
    """Whether the notebook cache holds any run of ``period``. Without one, every notebook
    runs, so the kernel template is worth starting before the build is imported; with one,
    the build starts it, after it has seen which notebooks the cache answers (all of them
    when only the narrative or params changed)."""
    return any((cache_dir(project_root()) / period).glob("*/record.json"))


def _deferred(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        return getattr(lazy.module("commands"), f"cmd_{name}")(args)

    run.__name__ = f"cmd_{name}"
    return run


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "build": build_unless_current,
    **{name: _deferred(name)
       for name in ("render", "stage", "verify", "validate", "synth", "lint", "diff",
                    "periods")},
}


def main(argv: list[str] | None = None) -> int:
    """Entry point: run a command; reportkit's own errors print a message, not a traceback."""
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
