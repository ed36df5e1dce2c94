"""What each ``reportkit`` command does, once ``reportkit.cli`` has parsed its arguments.

The CLI imports this module only when a command runs (and a build only when the no-change check
in the CLI could not answer), so everything here is imported at module level."""

from __future__ import annotations

import argparse
import sys
from contextlib import suppress
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from reportkit import config
from reportkit.build import kernels
from reportkit.build.pipeline import build, notebook_sources, period_lock, rerender, stage_build
from reportkit.data import synth, validated
from reportkit.data.population import check_population
from reportkit.errors import BuildLockedError, UserError
from reportkit.paths import data_dir, output_dir, project_root
from reportkit.publish.diff import diff
from reportkit.publish.verify import verify
from reportkit.render import narrative_lint


def cmd_build(args: argparse.Namespace, template: kernels.TemplateServer | None = None) -> int:
    """Build the period (the CLI found it not up to date by its quick check, and may have
    started the kernel template: the build uses it, or closes it)."""
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

        packs = progress.add_task("area packs", total=None, visible=False)

        def on_pack(code: str) -> None:
            progress.update(packs, visible=True)
            progress.advance(packs)

        result = build(args.period, jobs=args.jobs, force=args.force, engine=args.engine,
                       on_notebook=on_notebook, on_step=on_step, template=template,
                       areas=args.areas, scheduler=args.scheduler, on_pack=on_pack)
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
    if result.packs:
        where = f"on {args.scheduler}" if args.scheduler else "here"
        print(f"  {len(result.packs)} local area pack(s), made {where}: "
              f"{result.output / 'areas'}/<code>/")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    result = rerender(args.period, engine=args.engine)
    print(f"{args.period}: rendered with {result.engine} ({result.version})")
    for document in result.outputs:
        print(f"  {output_dir(args.period) / Path(document).name}")
    return 0


def cmd_stage(args: argparse.Namespace) -> int:
    target = stage_build(args.period, args.target)
    print(f"{args.period}: staged in {target}; run `quarto render` there "
          "(outputs in _rendered/report/)")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    with suppress(BuildLockedError), period_lock(output_dir(args.period)):
        pass  # taking the lock repairs an interrupted publish (a running build already did)
    report = verify(args.period, run_nbval=not args.skip_nbval)
    print(report.summary())
    return 0 if report.passed else 1


def cmd_diff(args: argparse.Namespace) -> int:
    found = diff(args.old, args.new)
    print(found.to_json() if args.json else "\n".join(found.lines()), end="" if args.json else "\n")
    return 0 if found.empty else 1


def cmd_validate(args: argparse.Namespace) -> int:
    if args.period:
        params = config.load_period(args.period)
        files = {"notifications": params.data_path("notifications"),
                 "children": params.data_path("children")}
    else:
        files = validated.data_files(args.data or data_dir())
        files = {"notifications": files[validated.NOTIFICATIONS_FILE],
                 "children": files[validated.CHILDREN_FILE]}
    dataset = validated.load(**files)  # raises DataValidationError listing every problem
    if args.period:
        check_population(params.data_path("population"))
    print(f"{files['notifications']}, {files['children']}: valid "
          f"({len(dataset.notifications)} notifications, {len(dataset.children)} children)")
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    kwargs = {} if args.seed is None else {"seed": args.seed}
    out = args.out or data_dir()
    if not args.force:
        _refuse_real_data(out)
    for path in synth.write(out, force=args.force, **kwargs):
        print(f"wrote {path} (SYNTHETIC data)")
    return 0


def _refuse_real_data(out: Path) -> None:
    """Refuse to write synthetic rows over a file a period's params call real data."""
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
    problems = narrative_lint.lint_project(project_root(), paths=args.paths or None)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} typed number(s) in the narrative", file=sys.stderr)
        return 1
    print("narrative lint: no typed numbers")
    return 0


def cmd_periods(args: argparse.Namespace) -> int:
    periods = config.available_periods()
    width = max((len(p) for p in periods), default=0)
    for period in periods:
        params = config.load_period(period)
        print(f"{period:<{width}}  {params.label:<28} {params.period.start} to "
              f"{params.period.end}  {params.time_identifier}")
    return 0
