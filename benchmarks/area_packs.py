"""Benchmark the local area packs against the national cold build, in the same run.

Not a timed test: it prints figures. Each repeat, in a fresh copy of the project: a cold
national build (``reportkit build --force``, no cache), then ``reportkit build --areas all`` (the
notebooks then come from the cache: what it adds is the packs), with the peak memory of each
(``/usr/bin/time -v``). Issue 20's goal: every pack in at most 3 x the national cold build, on
2 cores, peak memory under 2 GiB. See ``benchmarks/README.md``.

    .venv/bin/python benchmarks/area_packs.py [--repeat N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GOAL_RATIO = 3.0
GOAL_PEAK_GIB = 2.0


def timed(cmd: list[str], root: Path) -> tuple[float, float]:
    """(wall seconds, peak resident GiB) of ``cmd`` run in ``root``; fails loudly on error."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "REPORTKIT_ROOT": str(root)}
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=root, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}")
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)[1])
    return seconds, peak_kb / 2**20


def one_run() -> dict[str, float]:
    from reportkit.build.pipeline import copy_project

    with tempfile.TemporaryDirectory(prefix="reportkit-packs-") as tmp:
        root = copy_project(REPO, Path(tmp) / "reportkit")
        reportkit = str(BIN / "reportkit")
        national, national_peak = timed([reportkit, "build", "--year", "2020", "--force"], root)
        packs, packs_peak = timed([reportkit, "build", "--year", "2020", "--areas", "all"], root)
        manifest = json.loads((root / "_output/2020/manifest.json").read_text())
        count = sum(1 for p in (root / "_output/2020/areas").iterdir() if p.is_dir())
    return {"national_cold_s": national, "national_peak_gib": national_peak,
            "packs_build_s": packs, "packs_step_s": manifest["timings"]["areas"],
            "packs_peak_gib": packs_peak, "packs": count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    runs = [one_run() for _ in range(args.repeat)]
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    ratio = median["packs_step_s"] / median["national_cold_s"]
    print(f"cores: {os.cpu_count()}, repeats: {args.repeat}")
    for index, run in enumerate(runs, start=1):
        print(f"run {index}: national cold build {run['national_cold_s']:.2f} s "
              f"(peak {run['national_peak_gib']:.2f} GiB); {run['packs']:.0f} packs "
              f"{run['packs_step_s']:.2f} s (the whole --areas build {run['packs_build_s']:.2f} s, "
              f"peak {run['packs_peak_gib']:.2f} GiB)")
    print(f"median: packs / national cold build = {ratio:.2f} (goal <= {GOAL_RATIO}); peak "
          f"{max(r['packs_peak_gib'] for r in runs):.2f} GiB (goal < {GOAL_PEAK_GIB})")
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "median": median, "ratio": ratio},
                                        indent=2) + "\n")


if __name__ == "__main__":
    main()
