"""Benchmark the build against the naive way of running the chapter notebooks.

Not a timed test: it prints figures and compares against a baseline measured in the same run,
on the same machine. See ``benchmarks/README.md``.

    .venv/bin/python benchmarks/build.py [--repeat N] [--jobs N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reportkit.build.inputs import notebook_sources
from reportkit.publish import manifest as manifest_

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PERIOD = "2020"
# Issue 9's goals: cold build and verify against the naive run measured in the same run.
GOAL_COLD_RATIO = 0.12
GOAL_VERIFY_RATIO = 0.35
GOAL_NOOP_SECONDS = 0.3
GOAL_HELP_SECONDS = 0.5


@dataclass
class Results:
    """Everything one benchmark run measured."""

    period: str
    jobs: int
    cores: int | None
    repeat: int
    load_before: list[float]
    load_after: list[float] = field(default_factory=list)
    naive_seconds: list[float] = field(default_factory=list)
    naive_notebooks: list[dict[str, float]] = field(default_factory=list)
    cold_seconds: list[float] = field(default_factory=list)
    cold_timings: list[dict[str, float]] = field(default_factory=list)
    cold_notebooks: list[dict[str, float]] = field(default_factory=list)
    standard_seconds: list[float] = field(default_factory=list)
    verify_seconds: list[float] = field(default_factory=list)
    noop_seconds: list[float] = field(default_factory=list)
    help_seconds: list[float] = field(default_factory=list)
    project: str = ""
    notes: list[str] = field(default_factory=list)


ROOT = REPO  # the project benchmarked: a temporary copy unless --in-place


def copy_project(target: Path) -> Path:
    """Copy what a build reads (not outputs, caches or the venv) to ``target``."""
    from reportkit.build.pipeline import copy_project as copy_inputs

    return copy_inputs(REPO, target)


def tool(name: str) -> str:
    """A console script from the venv of the running interpreter."""
    path = BIN / name
    if not path.exists():
        raise SystemExit(f"{path} not found: run this with the project's venv python")
    return str(path)


def tool_env(**extra: str) -> dict[str, str]:
    """The environment for child processes: the venv's bin first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("REPORTKIT_NO_DATA_CACHE", None)
    env["REPORTKIT_ROOT"] = str(ROOT)
    env.update(extra)
    return env


def run(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    """Run ``cmd`` to completion and return its wall-clock seconds; fail loudly on error."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}")
    return seconds


def notebooks() -> list[Path]:
    """The chapter notebooks, in chapter order (as the build lists them)."""
    return notebook_sources(ROOT)


def warm_font_cache() -> None:
    """Build matplotlib's font cache once, so neither side pays for it."""
    run([sys.executable, "-c", "import matplotlib.font_manager as f; f.findfont('DejaVu Sans')"],
        tool_env())


def naive(period: str) -> tuple[float, dict[str, float]]:
    """The papermill command line once per notebook, in sequence, validating the CSVs each time.

    Parameters as the build injects them (``-r``: raw strings, as ``-p`` would turn ``2020``
    into an int), each notebook in its own temporary working folder.
    """
    env = tool_env(REPORTKIT_NO_DATA_CACHE="1")
    papermill = tool("papermill")
    per_notebook: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="reportkit-naive-") as tmp:
        start = time.perf_counter()
        for source in notebooks():
            workdir = Path(tmp) / "work" / source.stem
            workdir.mkdir(parents=True)
            output = Path(tmp) / "out" / source.name
            output.parent.mkdir(exist_ok=True)
            per_notebook[source.stem] = run(
                [papermill, str(source), str(output), "-r", "period", period,
                 "-r", "tables_dir", "tables", "--cwd", str(workdir), "-k", "python3"],
                env,
            )
        total = time.perf_counter() - start
    return total, per_notebook


def read_manifest(period: str) -> manifest_.Manifest:
    """The published manifest of ``period``, through reportkit's one manifest model."""
    return manifest_.read(ROOT / "_output" / period)


def cold_build(period: str, jobs: int, *, fast: bool = True
               ) -> tuple[float, dict[str, float], dict[str, float]]:
    """``reportkit build --force`` with no cache at all (notebook runs and validated data);
    ``fast=False``: with kernels started the standard way (``REPORTKIT_FAST_KERNELS=0``)."""
    shutil.rmtree(ROOT / ".reportkit-cache", ignore_errors=True)
    seconds = run([tool("reportkit"), "build", "--year", period, "--force", "--jobs", str(jobs)],
                  tool_env(REPORTKIT_FAST_KERNELS="1" if fast else "0"))
    manifest = read_manifest(period)
    ran = [n for n in manifest.notebooks if not n.cached]
    if len(ran) != len(manifest.notebooks):
        raise SystemExit("the cold build took notebooks from a cache")
    return seconds, manifest.timings, {n.name: n.seconds for n in ran}


def noop_build(period: str, jobs: int) -> float:
    """``reportkit build`` with nothing changed: must publish nothing and execute no notebook."""
    before = read_manifest(period).built_at
    cmd = [tool("reportkit"), "build", "--year", period, "--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=tool_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0 or "up to date" not in proc.stdout:
        raise SystemExit(f"the no-op build did work or failed:\n{proc.stdout}{proc.stderr}")
    if read_manifest(period).built_at != before:
        raise SystemExit("the no-op build published a new output")
    return seconds


def verify(period: str) -> float:
    """``reportkit verify``: nbval re-executes every notebook in standard kernels, then the
    facts, documents, presentation, disclosure and manifest checks."""
    return run([tool("reportkit"), "verify", "--year", period], tool_env())


def ratio(part: float, whole: float) -> float:
    """``part / whole``, guarded."""
    return part / whole if whole else float("nan")


def summary(res: Results) -> dict[str, float]:
    """The headline figures (medians)."""
    naive_s = statistics.median(res.naive_seconds)
    cold_s = statistics.median(res.cold_seconds)
    exec_s = statistics.median(t["validate"] + t["execute"] for t in res.cold_timings)
    render_s = statistics.median(t["render"] for t in res.cold_timings)
    return {
        "naive_s": naive_s,
        "cold_wall_s": cold_s,
        "cold_manifest_total_s": statistics.median(t["total"] for t in res.cold_timings),
        "cold_validate_execute_s": exec_s,
        "cold_render_s": render_s,
        "ratio_validate_execute": ratio(exec_s, naive_s),
        "ratio_cold_wall": ratio(cold_s, naive_s),
        "cold_standard_kernels_s": statistics.median(res.standard_seconds),
        "ratio_cold_standard_kernels": ratio(statistics.median(res.standard_seconds), naive_s),
        "verify_s": statistics.median(res.verify_seconds),
        "ratio_verify": ratio(statistics.median(res.verify_seconds), naive_s),
        "noop_s": statistics.median(res.noop_seconds),
        "help_s": statistics.median(res.help_seconds),
    }


def print_report(res: Results, figures: dict[str, float]) -> None:
    """The table of results."""
    from rich.console import Console
    from rich.table import Table

    def verdict(ok: bool) -> str:
        return "[green]met[/green]" if ok else "[red]missed[/red]"

    table = Table(title=f"reportkit build benchmark: period {res.period}, --jobs {res.jobs}, "
                        f"{res.cores} cores, repeat {res.repeat} (medians)")
    table.add_column("measure")
    table.add_column("seconds", justify="right")
    table.add_column("vs naive", justify="right")
    table.add_column("goal", justify="right")
    table.add_column("")
    naive_s = figures["naive_s"]
    table.add_row("naive: papermill CLI x8, sequential, no data cache", f"{naive_s:.2f}", "1.00",
                  "", "")
    last = res.cold_timings[-1]
    for step in ("validate", "execute", "facts", "render"):
        table.add_row(f"  cold build: {step} (manifest, last run)", f"{last[step]:.2f}",
                      f"{ratio(last[step], naive_s):.2f}", "", "")
    table.add_row("cold build: validate + execute", f"{figures['cold_validate_execute_s']:.2f}",
                  f"{figures['ratio_validate_execute']:.2f}", "", "")
    table.add_row("cold build: whole command (wall, incl. render)",
                  f"{figures['cold_wall_s']:.2f}", f"{figures['ratio_cold_wall']:.2f}",
                  f"<= {GOAL_COLD_RATIO}", verdict(figures["ratio_cold_wall"] <= GOAL_COLD_RATIO))
    table.add_row("cold build, standard kernels (REPORTKIT_FAST_KERNELS=0)",
                  f"{figures['cold_standard_kernels_s']:.2f}",
                  f"{figures['ratio_cold_standard_kernels']:.2f}", "", "")
    table.add_row("reportkit verify (nbval in standard kernels + checks)",
                  f"{figures['verify_s']:.2f}", f"{figures['ratio_verify']:.2f}",
                  f"<= {GOAL_VERIFY_RATIO}", verdict(figures["ratio_verify"] <= GOAL_VERIFY_RATIO))
    table.add_row(f"no-op rebuild (median of {len(res.noop_seconds)})",
                  f"{figures['noop_s']:.2f}", "", f"< {GOAL_NOOP_SECONDS}",
                  verdict(figures["noop_s"] < GOAL_NOOP_SECONDS))
    table.add_row(f"reportkit --help (median of {len(res.help_seconds)})",
                  f"{figures['help_s']:.3f}", "", f"< {GOAL_HELP_SECONDS}",
                  verdict(figures["help_s"] < GOAL_HELP_SECONDS))
    console = Console(width=120)
    console.print(table)

    per_nb = Table(title="per notebook (last run): naive papermill process vs build worker")
    per_nb.add_column("notebook")
    per_nb.add_column("naive s", justify="right")
    per_nb.add_column("build s", justify="right")
    for name, seconds in res.naive_notebooks[-1].items():
        per_nb.add_row(name, f"{seconds:.2f}", f"{res.cold_notebooks[-1].get(name, 0):.2f}")
    console.print(per_nb)
    for line in res.notes:
        console.print(f"note: {line}")


def main(argv: list[str] | None = None) -> int:
    """Measure, print, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="cold/naive pairs (default 1)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="--jobs passed to the build (default: cores)")
    parser.add_argument("--runs", type=int, default=5,
                        help="runs of the no-op build and of --help (default 5)")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH",
                        help="also write the results as JSON")
    parser.add_argument("--period", default=PERIOD, help=f"period (default {PERIOD})")
    parser.add_argument("--in-place", action="store_true",
                        help="benchmark the real project (deletes its .reportkit-cache/ and "
                             "replaces _output/PERIOD/) instead of a temporary copy")
    args = parser.parse_args(argv)
    if args.in_place:
        return measure(args)
    global ROOT
    with tempfile.TemporaryDirectory(prefix="reportkit-bench-") as tmp:
        ROOT = copy_project(Path(tmp) / "project")
        try:
            return measure(args)
        finally:
            ROOT = REPO


def measure(args: argparse.Namespace) -> int:
    """Run every measurement against ``ROOT`` and report."""

    res = Results(period=args.period, jobs=args.jobs, cores=os.cpu_count(), repeat=args.repeat,
                  load_before=[round(x, 2) for x in os.getloadavg()], project=str(ROOT))
    print(f"project: {ROOT}\nload average before: {res.load_before} on {res.cores} cores",
          flush=True)
    warm_font_cache()
    res.notes.append("matplotlib's font cache was warmed once before both sides")
    res.notes.append(f"project benchmarked: {ROOT}")
    res.notes.append(".reportkit-cache/ was deleted before each cold build (no notebook or "
                     "validated-data cache); the naive side ran with REPORTKIT_NO_DATA_CACHE=1")
    for index in range(args.repeat):
        seconds, per_notebook = naive(args.period)
        res.naive_seconds.append(seconds)
        res.naive_notebooks.append(per_notebook)
        print(f"[{index + 1}/{args.repeat}] naive: {seconds:.2f} s", flush=True)
        seconds, timings, per_notebook = cold_build(args.period, args.jobs)
        res.cold_seconds.append(seconds)
        res.cold_timings.append(timings)
        res.cold_notebooks.append(per_notebook)
        print(f"[{index + 1}/{args.repeat}] cold build: {seconds:.2f} s  {timings}", flush=True)
        res.standard_seconds.append(cold_build(args.period, args.jobs, fast=False)[0])
        print(f"[{index + 1}/{args.repeat}] cold build, standard kernels: "
              f"{res.standard_seconds[-1]:.2f} s", flush=True)
        # the last build is a fast one, so the no-op rebuilds below start from the fast path's
        seconds, timings, per_notebook = cold_build(args.period, args.jobs)
        res.verify_seconds.append(verify(args.period))
        print(f"[{index + 1}/{args.repeat}] verify: {res.verify_seconds[-1]:.2f} s", flush=True)
    res.noop_seconds = [noop_build(args.period, args.jobs) for _ in range(args.runs)]
    print(f"no-op rebuilds: {[round(s, 2) for s in res.noop_seconds]}", flush=True)
    res.help_seconds = [run([tool("reportkit"), "--help"], tool_env())
                        for _ in range(args.runs)]
    print(f"--help: {[round(s, 3) for s in res.help_seconds]}", flush=True)
    res.load_after = [round(x, 2) for x in os.getloadavg()]
    res.notes.append(f"load average (1, 5, 15 min) before {res.load_before}, "
                     f"after {res.load_after}")

    figures = summary(res)
    print_report(res, figures)
    if args.json:
        args.json.write_text(json.dumps({"results": asdict(res), "summary": figures}, indent=2)
                             + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
