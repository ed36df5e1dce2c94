"""The reference table of population shares (``data.population`` in the params): checked
before a build, since the children chapter compares each ethnic group with it."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from reportkit.data import codes
from reportkit.errors import UserError

COLUMNS = ("ethnicity_major", "ethnicity_group", "population_share_pct", "status")
STATUSES = ("illustrative", "official")
#: The finer groups the report splits White into; every other major group is its own row.
WHITE_GROUPS = ("White British", "Other White")


def expected_groups(codes_folder: Path | None = None) -> list[str]:
    """The ``ethnicity_group`` rows the report needs, from the ethnicity code list."""
    majors = [row["ethnicity_major"] for row in codes.rows("ethnicity", codes_folder)]
    others = [m for m in dict.fromkeys(majors) if m not in ("White", "Unknown")]
    return [*WHITE_GROUPS, *others]


def check_population(path: Path, codes_folder: Path | None = None) -> None:
    """Raise ``UserError`` listing every problem in the population shares file ``path``."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
            header = list(rows[0]) if rows else []
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UserError(f"{path}: cannot be read as a UTF-8 CSV file ({exc})") from None
    problems: list[str] = []
    missing = [c for c in COLUMNS if c not in header]
    if not rows or missing:
        raise UserError(f"{path}: expected a header with the columns {', '.join(COLUMNS)} and "
                        f"one row per ethnic group; missing: {', '.join(missing) or 'rows'}")
    total = 0.0
    for line, row in enumerate(rows, start=2):
        if None in row or any(row.get(c) is None for c in COLUMNS):
            problems.append(f"line {line}: has the wrong number of fields")
            continue
        try:
            share = float(row["population_share_pct"])
        except ValueError:
            share = math.nan
        if not 0 <= share <= 100:
            problems.append(f"line {line}, column population_share_pct: "
                            f"{row['population_share_pct']!r} is not a percentage (0 to 100)")
        else:
            total += share
        if row["status"] not in STATUSES:
            problems.append(f"line {line}, column status: {row['status']!r} is not allowed; "
                            f"allowed: {', '.join(STATUSES)}")
    groups = [row.get("ethnicity_group") for row in rows]
    wanted = expected_groups(codes_folder)
    absent = [g for g in wanted if g not in groups]
    extra = sorted({str(g) for g in groups if g not in wanted})
    repeated = sorted({str(g) for g in groups if groups.count(g) > 1})
    if absent:
        problems.append(f"column ethnicity_group: no row for {', '.join(absent)}")
    if extra:
        problems.append(f"column ethnicity_group: unknown group(s) {', '.join(extra)}; "
                        f"allowed: {', '.join(wanted)}")
    if repeated:
        problems.append(f"column ethnicity_group: listed more than once: {', '.join(repeated)}")
    if not problems and abs(total - 100) > 0.5:
        problems.append(f"column population_share_pct: the shares sum to {total:g}, not 100")
    if problems:
        raise UserError(f"{path}: {len(problems)} problem(s):\n"
                        + "\n".join(f"  - {path}: {problem}" for problem in problems))
