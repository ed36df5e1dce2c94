"""Statistical disclosure control: primary and secondary suppression, with GSS symbols.

Policy (the caller decides; these functions never guess which tables need protecting):

* **National one-way tables are published unsuppressed**, following the Panel's practice (its
  annual report said "two were transgender"). Do not call these functions for them.
* **Sub-national tables and cross-tabulations are suppressed**: :func:`suppress_table` for
  tables with ``"Total"`` margins, :func:`suppress_one_way` for a single sub-national line.

Primary suppression hides counts from 1 to ``SuppressionRule.threshold`` (a zero is a true zero
and is shown). Secondary suppression then hides further non-zero cells so that no hidden value
can be recovered exactly from the published cells and margins.

For a table with margins, think of the *augmented* table: the margins negated, so that every
row and every column sums to zero. Take rows and columns (margins included) as the nodes of a
bipartite graph and the suppressed cells as its edges. The hidden values are then fixed up to
circulations on that graph, so a hidden cell is recoverable exactly if and only if it is a
*bridge*. Every hidden cell here is at least 1, so on any cycle the values can move by +1 or -1
and stay non-negative: no hidden cell on a cycle has a unique value. After primary suppression,
while some hidden cell is a bridge (a cell hidden alone in its row or column is one), the
cheapest set of visible non-zero cells closing a cycle through it is hidden too: fewest grand
totals (the grand total only when nothing else will do), then fewest margins, then the smallest
sum of values. A cycle always exists, because the non-zero cells of a table whose lines all
balance have no bridge.

Percentages follow their counts (:func:`suppress_percentages`), and :func:`is_safe` audits a
published table.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from reportkit.analysis.gss import (
    CONFIDENTIAL,
    LOW,
    LOW_RELIABILITY,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    percent_text,
)
from reportkit.analysis.gss import SYMBOLS as GSS_SYMBOLS

__all__ = [
    "CONFIDENTIAL",
    "GSS_SYMBOLS",
    "LOW",
    "LOW_RELIABILITY",
    "NOT_APPLICABLE",
    "NOT_AVAILABLE",
    "TOTAL",
    "Finding",
    "SuppressionRule",
    "is_safe",
    "suppress_cells",
    "suppress_one_way",
    "suppress_percentages",
    "suppress_table",
]

#: Label of the margins (row and column) of a table.
TOTAL = "Total"

Cell = tuple[int, int]


@dataclass(frozen=True)
class SuppressionRule:
    """Counts from 1 to ``threshold`` are suppressed; zero is a true zero and is shown."""

    threshold: int = 2

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int):
            raise TypeError(f"threshold must be an int, not {self.threshold!r}")
        if self.threshold < 1:
            raise ValueError(f"threshold must be at least 1, not {self.threshold}")

    def is_primary(self, count: int) -> bool:
        """Whether ``count`` is suppressed in its own right."""
        return 1 <= count <= self.threshold


@dataclass(frozen=True)
class Finding:
    """A problem :func:`is_safe` found in a published table."""

    row: Hashable
    column: Hashable
    value: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row!r}, column {self.column!r}: {self.value!r} ({self.reason})"


# --------------------------------------------------------------------------------------------
# Validation helpers


def _count(value: object, where: str) -> int:
    if isinstance(value, bool) or value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError(f"{where}: not a count: {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{where}: not a count: {value!r}") from None
    if not number.is_integer() or number < 0:
        raise ValueError(f"{where}: counts must be whole numbers from 0, not {value!r}")
    return int(number)


# --------------------------------------------------------------------------------------------
# One-way tables


def suppress_one_way(
    counts: pd.Series, total: int | None, rule: SuppressionRule | None = None
) -> pd.Series:
    """Suppress one line of counts (with its published ``total``, if any) as strings.

    Primary suppression hides counts 1..threshold, the total included. If then exactly one
    cell of the line (total included) is hidden, the smallest non-zero visible category is
    hidden too (the total only if no category will do), so nothing follows by subtraction.
    With ``total=None`` no total is published anywhere and only primary suppression applies.
    The result has the index of ``counts``, plus a ``"Total"`` entry when ``total`` is given.
    """
    rule = rule or SuppressionRule()
    if TOTAL in counts.index:
        raise ValueError('pass the total separately, not as a "Total" entry of counts')
    values = [_count(v, f"category {k!r}") for k, v in counts.items()]
    keys: list[Hashable] = list(counts.index)
    if total is not None:
        values.append(_count(total, "total"))
        keys.append(TOTAL)
        if values[-1] < sum(values[:-1]):
            raise ValueError(f"the total {values[-1]} is less than the sum of the categories")
    hidden = {i for i, v in enumerate(values) if rule.is_primary(v)}
    if total is not None and len(hidden) == 1:
        last = len(values) - 1
        candidates = [i for i, v in enumerate(values) if v > 0 and i not in hidden]
        if candidates:
            hidden.add(min(candidates, key=lambda i: (i == last, values[i], i)))
    out = [CONFIDENTIAL if i in hidden else str(v) for i, v in enumerate(values)]
    index = pd.Index(keys, name=counts.index.name)
    return pd.Series(out, index=index, name=counts.name, dtype=object)


# --------------------------------------------------------------------------------------------
# Tables with margins


def _grid(counts: pd.DataFrame) -> tuple[list[list[int]], list[Hashable], list[Hashable]]:
    """The augmented grid (interior first, margins last) and the row and column order."""
    if TOTAL not in counts.index or TOTAL not in counts.columns:
        raise ValueError('the table needs a "Total" row and a "Total" column')
    if not counts.index.is_unique or not counts.columns.is_unique:
        raise ValueError("row and column labels must be unique")
    rows = [r for r in counts.index if r != TOTAL] + [TOTAL]
    cols = [c for c in counts.columns if c != TOTAL] + [TOTAL]
    grid = [[_count(counts.at[r, c], f"cell ({r!r}, {c!r})") for c in cols] for r in rows]
    n_rows, n_cols = len(rows) - 1, len(cols) - 1
    for i in range(n_rows + 1):
        if sum(grid[i][:n_cols]) != grid[i][n_cols]:
            raise ValueError(f"row {rows[i]!r} does not add up to its total")
    for j in range(n_cols + 1):
        if sum(grid[i][j] for i in range(n_rows)) != grid[n_rows][j]:
            raise ValueError(f"column {cols[j]!r} does not add up to its total")
    return grid, rows, cols


def _connected(n_rows: int, edges: list[Cell], skip: int, start: int, goal: int) -> bool:
    """Whether ``start`` reaches ``goal`` through ``edges`` other than ``edges[skip]``."""
    adjacency: dict[int, list[int]] = {}
    for k, (i, j) in enumerate(edges):
        if k == skip:
            continue
        adjacency.setdefault(i, []).append(n_rows + j)
        adjacency.setdefault(n_rows + j, []).append(i)
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt in adjacency.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def _bridges(n_rows: int, hidden: set[Cell]) -> list[Cell]:
    """Hidden cells that are bridges of the hidden-cell graph (exactly recoverable)."""
    edges = sorted(hidden)
    return [
        (i, j)
        for k, (i, j) in enumerate(edges)
        if not _connected(n_rows, edges, k, i, n_rows + j)
    ]


def _cost(grid: list[list[int]], cell: Cell) -> tuple[int, int, int, int]:
    """Cost of hiding ``cell``: grand total last, margins after interior, then small values."""
    i, j = cell
    last_row, last_col = len(grid) - 1, len(grid[0]) - 1
    grand = int(i == last_row and j == last_col)
    margin = int(i == last_row or j == last_col)
    return (grand, margin, grid[i][j], 1)


def _cheapest_cycle(grid: list[list[int]], hidden: set[Cell], bridge: Cell,
                    protected: frozenset[Cell] = frozenset()) -> list[Cell] | None:
    """Visible non-zero cells whose hiding puts ``bridge`` on a cycle, at least cost; never a
    ``protected`` cell (one published elsewhere). None when only protected cells would do."""
    n_rows, n_cols = len(grid), len(grid[0])
    start, goal = bridge[0], n_rows + bridge[1]
    zero = (0, 0, 0, 0)
    best: dict[int, tuple[int, int, int, int]] = {start: zero}
    previous: dict[int, tuple[int, Cell]] = {}
    queue: list[tuple[tuple[int, int, int, int], int]] = [(zero, start)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == goal:
            break
        if cost > best.get(node, cost):
            continue
        if node < n_rows:
            steps = [((node, j), n_rows + j) for j in range(n_cols)]
        else:
            steps = [((i, node - n_rows), i) for i in range(n_rows)]
        for cell, nxt in steps:
            if cell == bridge or grid[cell[0]][cell[1]] == 0 or cell in protected:
                continue
            extra = zero if cell in hidden else _cost(grid, cell)
            new = tuple(a + b for a, b in zip(cost, extra, strict=True))
            if nxt not in best or new < best[nxt]:
                best[nxt] = new  # type: ignore[assignment]
                previous[nxt] = (node, cell)
                heapq.heappush(queue, (new, nxt))  # type: ignore[arg-type]
    if goal not in previous:  # without protected cells this cannot happen: the non-zero cells
        if protected:         # of a balanced table have no bridge
            return None
        raise RuntimeError(f"no cycle through hidden cell {bridge}")
    path: list[Cell] = []
    node = goal
    while node != start:
        node, cell = previous[node]
        if cell not in hidden:
            path.append(cell)
    return path


def _secondary(grid: list[list[int]], hidden: set[Cell],
               protected: frozenset[Cell] = frozenset()) -> tuple[set[Cell], set[Cell]]:
    """Add secondary suppressions until no hidden cell is a bridge; (hidden, exposed), where
    ``exposed`` are the bridges no cycle of unprotected cells can close (derivable from the
    protected cells, which are published elsewhere).

    A cell hidden alone in its line is a bridge, so this also covers the classic line rule;
    closing each bridge with its cheapest cycle hides less than adding, line by line, the
    smallest cell of each line (which often needs a further cell in every line it touches).
    """
    hidden = set(hidden)
    exposed: set[Cell] = set()
    while bridges := [b for b in _bridges(len(grid), hidden) if b not in exposed]:
        cycle = _cheapest_cycle(grid, hidden, bridges[0], protected)
        if cycle is None:
            exposed.add(bridges[0])
        else:
            hidden.update(cycle)
    return hidden, exposed


def suppress_cells(
    counts: pd.DataFrame,
    rule: SuppressionRule | None = None,
    *,
    hidden: Iterable[tuple[Hashable, Hashable]] = (),
    protected: Iterable[tuple[Hashable, Hashable]] = (),
) -> tuple[set[tuple[Hashable, Hashable]], set[tuple[Hashable, Hashable]]]:
    """The cells of a table with ``"Total"`` margins to hide, as (row, column) labels, and the
    hidden cells that stay derivable: primary suppression, the cells already ``hidden`` (e.g.
    in a linked table), then secondary suppression that never hides a ``protected`` cell (one
    published elsewhere, such as a national figure). Returns (hidden, exposed)."""
    rule = rule or SuppressionRule()
    grid, rows, cols = _grid(counts)
    row_at, col_at = {r: i for i, r in enumerate(rows)}, {c: j for j, c in enumerate(cols)}
    start = {(i, j) for i in range(len(rows)) for j in range(len(cols))
             if rule.is_primary(grid[i][j])}
    start |= {(row_at[r], col_at[c]) for r, c in hidden if grid[row_at[r]][col_at[c]] != 0}
    fixed = frozenset((row_at[r], col_at[c]) for r, c in protected)
    cells, exposed = _secondary(grid, start - fixed, fixed)
    return ({(rows[i], cols[j]) for i, j in cells}, {(rows[i], cols[j]) for i, j in exposed})


def suppress_table(counts: pd.DataFrame, rule: SuppressionRule | None = None) -> pd.DataFrame:
    """Primary and secondary suppression of a table with ``"Total"`` margins, as strings.

    Counts 1..threshold are hidden (margins and grand total included), then further non-zero
    cells until no hidden value can be derived from the published cells and margins. The
    result has the layout of ``counts``, with counts as strings and hidden cells as ``"c"``.
    """
    rule = rule or SuppressionRule()
    grid, rows, cols = _grid(counts)
    primary = {
        (i, j)
        for i in range(len(rows))
        for j in range(len(cols))
        if rule.is_primary(grid[i][j])
    }
    hidden, _ = _secondary(grid, primary)
    position = {r: i for i, r in enumerate(rows)}, {c: j for j, c in enumerate(cols)}
    out = pd.DataFrame(
        [
            [
                CONFIDENTIAL
                if (position[0][r], position[1][c]) in hidden
                else str(grid[position[0][r]][position[1][c]])
                for c in counts.columns
            ]
            for r in counts.index
        ],
        index=counts.index,
        columns=counts.columns,
        dtype=object,
    )
    return out


# --------------------------------------------------------------------------------------------
# Percentages


def _format_percent(value: object, dp: int) -> str:
    if pd.isna(value):
        return NOT_APPLICABLE
    return percent_text(float(value), dp, sign=False)


def suppress_percentages(
    percent_table: pd.DataFrame | pd.Series,
    count_table_suppressed: pd.DataFrame | pd.Series,
    *,
    dp: int = 0,
    denominator: Literal["row", "column", "grand"] | None = None,
) -> pd.DataFrame | pd.Series:
    """Percentages as published strings, hidden wherever their count is hidden.

    A percentage whose count is ``"c"`` becomes ``"c"``; one that rounds to zero but is not
    zero becomes ``"low"``; a missing percentage (zero denominator) becomes ``"z"``; the rest
    are rounded half-up to ``dp`` places. ``denominator`` names the margin each percentage is
    of (``"row"``: the row's ``"Total"``; ``"column"``: the column's; ``"grand"``: the grand
    total); when that margin is hidden, every percentage of it is hidden too, since a visible
    count and its percentage would reveal it.
    """
    if isinstance(percent_table, pd.Series) != isinstance(count_table_suppressed, pd.Series):
        raise TypeError("percentages and counts must both be Series or both be DataFrames")
    if not percent_table.index.equals(count_table_suppressed.index) or (
        isinstance(percent_table, pd.DataFrame)
        and not percent_table.columns.equals(count_table_suppressed.columns)
    ):
        raise ValueError("the percentage and count tables must have the same layout")
    formatted = percent_table.astype(object).map(lambda v: _format_percent(v, dp))
    hidden = count_table_suppressed.astype(str) == CONFIDENTIAL
    if denominator is not None:
        hidden = hidden | _denominator_hidden(count_table_suppressed, denominator)
    return formatted.mask(hidden, CONFIDENTIAL)


def _denominator_hidden(
    counts: pd.DataFrame | pd.Series, denominator: Literal["row", "column", "grand"]
) -> pd.DataFrame | pd.Series:
    """Where the margin a percentage is of is hidden."""
    hidden = counts.astype(str) == CONFIDENTIAL
    if isinstance(counts, pd.Series):
        if TOTAL not in counts.index:
            raise ValueError('the counts need a "Total" entry to know the denominator')
        return hidden.map(lambda _: bool(hidden[TOTAL]))
    if denominator == "row":
        if TOTAL not in counts.columns:
            raise ValueError('row percentages need a "Total" column')
        column = hidden[TOTAL]
        return hidden.apply(lambda _: column)
    if denominator == "column":
        if TOTAL not in counts.index:
            raise ValueError('column percentages need a "Total" row')
        row = hidden.loc[TOTAL]
        return hidden.apply(lambda col: pd.Series(bool(row[col.name]), index=col.index))
    if denominator == "grand":
        if TOTAL not in counts.index or TOTAL not in counts.columns:
            raise ValueError('percentages of the grand total need "Total" margins')
        return hidden.map(lambda _: bool(hidden.at[TOTAL, TOTAL]))
    raise ValueError(f"denominator must be 'row', 'column' or 'grand', not {denominator!r}")


# --------------------------------------------------------------------------------------------
# Audit


def _parse_count(value: object) -> int | None:
    text = str(value).strip().replace(",", "")
    if text.isdigit():
        return int(text)
    return None


def is_safe(published: pd.DataFrame, rule: SuppressionRule | None = None) -> list[Finding]:
    """Audit a published table of strings; an empty list means no problem was found.

    Reports every visible count from 1 to the threshold. When the table has ``"Total"``
    margins (a row, a column or both) and every visible cell is a count, it also reports
    hidden cells that can be recovered exactly by subtraction, with the recovered value.
    """
    rule = rule or SuppressionRule()
    findings = [
        Finding(r, c, str(v), f"visible count from 1 to {rule.threshold}")
        for r in published.index
        for c in published.columns
        if (n := _parse_count(v := published.at[r, c])) is not None and rule.is_primary(n)
    ]
    findings.extend(_derivable(published))
    return findings


def _derivable(published: pd.DataFrame) -> list[Finding]:
    """Hidden cells that follow exactly from the visible cells and the ``"Total"`` margins."""
    has_total_row, has_total_col = TOTAL in published.index, TOTAL in published.columns
    if not (has_total_row or has_total_col):
        return []
    rows = [r for r in published.index if r != TOTAL] + ([TOTAL] if has_total_row else [])
    cols = [c for c in published.columns if c != TOTAL] + ([TOTAL] if has_total_col else [])
    hidden: set[Cell] = set()
    known: dict[Cell, int] = {}
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            value = published.at[r, c]
            if str(value).strip() == CONFIDENTIAL:
                hidden.add((i, j))
            elif (n := _parse_count(value)) is not None:
                known[(i, j)] = n
            else:
                return []  # other symbols: the table is not additive as published
    if has_total_row and has_total_col:
        recovered = _recover_two_way(len(rows), len(cols), hidden, known)
    else:
        recovered = _recover_one_way(len(rows), len(cols), has_total_row, hidden, known)
    return [
        Finding(rows[i], cols[j], CONFIDENTIAL, f"recoverable by subtraction: {value}")
        for (i, j), value in sorted(recovered.items())
    ]


def _recover_two_way(
    n_rows: int, n_cols: int, hidden: set[Cell], known: dict[Cell, int]
) -> dict[Cell, int]:
    """Hidden bridges of a table with both margins, with their values."""
    edges = sorted(hidden)
    return {
        (i, j): _bridge_value(n_rows, n_cols, edges, k, known)
        for k, (i, j) in enumerate(edges)
        if not _connected(n_rows, edges, k, i, n_rows + j)
    }


def _recover_one_way(
    n_rows: int, n_cols: int, total_row: bool, hidden: set[Cell], known: dict[Cell, int]
) -> dict[Cell, int]:
    """Cells hidden alone in a line that ends in its total (columns if ``total_row``)."""
    lines = (
        [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
        if total_row
        else [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
    )
    recovered = {}
    for line in lines:
        in_line = [cell for cell in line if cell in hidden]
        if len(in_line) != 1:
            continue
        parts = sum(known[cell] for cell in line[:-1] if cell in known)
        cell = in_line[0]
        recovered[cell] = parts if cell == line[-1] else known[line[-1]] - parts
    return recovered


def _sign(i: int, j: int, n_rows: int, n_cols: int) -> int:
    """Sign of a cell in the augmented table (margins negated; the grand total positive)."""
    margin_row, margin_col = i == n_rows - 1, j == n_cols - 1
    return -1 if margin_row != margin_col else 1


def _bridge_value(
    n_rows: int, n_cols: int, edges: list[Cell], bridge: int, known: dict[Cell, int]
) -> int:
    """The value of a bridge, from the cut it spans (row lines minus column lines)."""
    i0, j0 = edges[bridge]
    side: set[int] = {i0}
    stack = [i0]
    adjacency: dict[int, list[int]] = {}
    for k, (i, j) in enumerate(edges):
        if k != bridge:
            adjacency.setdefault(i, []).append(n_rows + j)
            adjacency.setdefault(n_rows + j, []).append(i)
    while stack:
        node = stack.pop()
        for nxt in adjacency.get(node, ()):
            if nxt not in side:
                side.add(nxt)
                stack.append(nxt)
    # Summing row equations on ``side`` minus column equations on ``side`` cancels every
    # hidden cell inside it and leaves the bridge (row end inside) plus visible cut cells.
    total = 0
    for (i, j), value in known.items():
        weight = int(i in side) - int(n_rows + j in side)
        total += weight * _sign(i, j, n_rows, n_cols) * value
    return -total * _sign(i0, j0, n_rows, n_cols)
