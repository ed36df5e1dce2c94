"""Benchmark the test suite: wall clock and CPU of ``make test``'s pytest command, against a
baseline commit run in the same invocation, on the same machine.

Not a timed test: it prints its figures and fails only when a run fails. See
``benchmarks/README.md``.

    .venv/bin/python benchmarks/suite.py [--baseline REV] [--repeat N] [--per-file] [--json PATH]

CPU is counted two ways: the waited-for process tree (what ``/usr/bin/time -v`` reports as
user + system) and the whole machine's busy time from ``/proc/stat``, which also counts
processes that outlive their parent (multiprocessing's fork server, for one). Nothing else
should run on the machine meanwhile; the load average before and after is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
# Issue 18's goals for `make test` after set-up, on 2 cores.
GOAL_WALL = 300.0
GOAL_CPU = 480.0
SUITE = ["-m", "pytest", "-n", "auto", "-q", "-p", "no:cacheprovider"]
QUICK = ["-m", "pytest", "-n", "auto", "-q", "-p", "no:cacheprovider", "-m", "not slow"]


@dataclass
class Run:
    """One pytest run: which tree and tests, its exit code and what it cost."""

    tree: str
    what: str
    returncode: int
    wall: float
    cpu_tree: float  # user + system of the waited-for process tree (as /usr/bin/time)
    cpu_machine: float  # busy time of every core, from /proc/stat
    last_line: str


def machine_busy_seconds() -> float:
    """Seconds of CPU the whole machine has spent busy (not idle, not waiting on I/O)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_pytest(tree: Path, label: str, what: str, arguments: list[str],
               env: dict[str, str]) -> Run:
    """Run ``python -m pytest ARGUMENTS`` in ``tree`` (a checkout) and measure it."""
    busy, children, start = machine_busy_seconds(), children_cpu_seconds(), time.perf_counter()
    done = subprocess.run([sys.executable, *arguments], cwd=tree, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - start
    lines = [line.strip("= ") for line in done.stdout.splitlines() if line.strip()]
    run = Run(label, what, done.returncode, round(wall, 1),
              round(children_cpu_seconds() - children, 1),
              round(machine_busy_seconds() - busy, 1), lines[-1] if lines else "")
    if done.returncode not in (0, 5):
        print(done.stdout[-3000:], file=sys.stderr)
    return run


def baseline_tree(revision: str, folder: Path) -> Path:
    """A worktree of ``revision`` that imports its own ``src`` and shares ``.tools``."""
    tree = folder / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), revision], cwd=REPO,
                   check=True, capture_output=True)
    if (REPO / ".tools").is_dir():
        (tree / ".tools").symlink_to(REPO / ".tools")
    return tree


def environment(tree: Path) -> dict[str, str]:
    """The tests' environment for ``tree``: its own ``src`` first on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree / "src"),
                                                      env.get("PYTHONPATH")]))
    return env


def per_file(tree: Path, env: dict[str, str]) -> list[Run]:
    """Each test file alone, in one process (no xdist): the CPU each file's tests cost,
    session fixtures included (so the figures add up to more than the suite's)."""
    runs = []
    for path in sorted((tree / "tests").glob("test_*.py")):
        rel = str(path.relative_to(tree))
        runs.append(run_pytest(tree, "current", rel,
                               ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
                                "no:xdist", rel], env))
        print(f"  {rel}: {runs[-1].wall} s wall, {runs[-1].cpu_machine} s CPU", flush=True)
    return runs


def report(runs: list[Run], console: Console) -> None:
    table = Table(title="reportkit test suite: medians per tree and selection")
    for column in ("tree", "tests", "runs", "wall s", "CPU s (tree)", "CPU s (machine)",
                   "goal", ""):
        table.add_column(column, justify="left" if column in ("tree", "tests") else "right")
    keys = sorted({(r.tree, r.what) for r in runs}, key=lambda k: (k[1], k[0] != "baseline"))
    for tree, what in keys:
        mine = [r for r in runs if (r.tree, r.what) == (tree, what)]
        wall = statistics.median(r.wall for r in mine)
        cpu = statistics.median(r.cpu_machine for r in mine)
        goal, met = "", ""
        if what == "suite":
            goal = f"<{GOAL_WALL:.0f} wall, <={GOAL_CPU:.0f} CPU"
            met = "met" if wall < GOAL_WALL and cpu <= GOAL_CPU else "missed"
        table.add_row(tree, what, str(len(mine)), f"{wall:.1f}",
                      f"{statistics.median(r.cpu_tree for r in mine):.1f}", f"{cpu:.1f}",
                      goal, met)
    console.print(table)
    for run in runs:
        console.print(f"  {run.tree} {run.what}: {run.wall} s wall, {run.cpu_tree} s CPU "
                      f"(tree), {run.cpu_machine} s (machine): {run.last_line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", metavar="REV",
                        help="also run the suite of this commit, alternating with this tree's")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each tree (default 1)")
    parser.add_argument("--quick", action="store_true",
                        help="also time `make check`'s selection (-m 'not slow')")
    parser.add_argument("--per-file", action="store_true",
                        help="then run each test file alone and print its CPU")
    parser.add_argument("--json", type=Path, help="also write every run as JSON")
    args = parser.parse_args(argv)
    console = Console()
    console.print(f"load average before: {[round(x, 2) for x in os.getloadavg()]} on "
                  f"{os.cpu_count()} cores")
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="reportkit-suite-") as scratch:
        trees = {"current": REPO}
        if args.baseline:
            trees = {"baseline": baseline_tree(args.baseline, Path(scratch)), **trees}
        try:
            for index in range(args.repeat):
                for label, tree in trees.items():  # alternating, so drift hits both alike
                    selections = [("suite", SUITE)] + ([("quick", QUICK)] if args.quick else [])
                    for what, arguments in selections:
                        runs.append(run_pytest(tree, label, what, arguments, environment(tree)))
                        console.print(f"[{index + 1}/{args.repeat}] {label} {what}: "
                                      f"{runs[-1].wall} s wall, {runs[-1].cpu_machine} s CPU: "
                                      f"{runs[-1].last_line}")
            if args.per_file:
                runs += per_file(REPO, environment(REPO))
        finally:
            if args.baseline:
                subprocess.run(["git", "worktree", "remove", "--force",
                                str(trees["baseline"])], cwd=REPO, capture_output=True)
    report([r for r in runs if r.what in ("suite", "quick")], console)
    if args.per_file:
        table = Table(title="each test file alone (no xdist), by machine CPU")
        for column in ("file", "wall s", "CPU s (machine)"):
            table.add_column(column, justify="left" if column == "file" else "right")
        for run in sorted((r for r in runs if r.what.startswith("tests/")),
                          key=lambda r: -r.cpu_machine):
            table.add_row(run.what, f"{run.wall:.1f}", f"{run.cpu_machine:.1f}")
        console.print(table)
    console.print(f"load average after: {[round(x, 2) for x in os.getloadavg()]}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in runs], indent=1))
        console.print(f"wrote {args.json}")
    return 0 if all(r.returncode == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
