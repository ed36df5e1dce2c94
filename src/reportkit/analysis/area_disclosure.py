"""Disclosure control across the hierarchy of areas: local authorities within regions within
England (for the local area packs, issue 20).

One breakdown (say, notifications by outcome) is published for every local authority, every
region and England. Suppressing each table alone is not enough: a region's count is the sum of
its authorities' counts, so one hidden authority in a region whose count is shown could be
recovered by subtraction, and the same holds between regions and England. Here the two levels
are linked tables, each with ``"Total"`` margins: the regions table (its margin is England),
and one table per region of its authorities (its margin row is that region). Each is
suppressed with :func:`reportkit.analysis.disclosure.suppress_cells` (primary, then secondary
until no hidden cell is a bridge); a region cell hidden in either table is hidden in the other,
and the two are suppressed again until nothing changes (hiding only grows, so this ends).

England's figures are national figures, published unsuppressed in the national report: they
are never hidden. A region cell that only they could reveal (every other region has none of that
category) is listed in ``exposed``: hiding it would protect nothing the national report does not
already say.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from reportkit.analysis.disclosure import TOTAL, SuppressionRule, suppress_cells
from reportkit.analysis.gss import CONFIDENTIAL


@dataclass(frozen=True)
class AreaTables:
    """One breakdown published for every area, counts as strings, hidden cells as ``"c"``:
    ``authorities`` and ``regions`` (categories and ``"Total"``), ``england`` (never hidden),
    and the hidden region cells only the national figures reveal (``exposed``)."""

    authorities: pd.DataFrame
    regions: pd.DataFrame
    england: pd.Series
    exposed: set[tuple[Hashable, Hashable]] = field(default_factory=set)


def with_margins(counts: pd.DataFrame) -> pd.DataFrame:
    """``counts`` with a ``"Total"`` column and a ``"Total"`` row."""
    table = counts.copy()
    table[TOTAL] = table.sum(axis=1)
    table.loc[TOTAL] = table.sum(axis=0)
    return table.astype(int)


def _shown(table: pd.DataFrame, hidden: set[tuple[Hashable, Hashable]]) -> pd.DataFrame:
    return pd.DataFrame(
        [[CONFIDENTIAL if (row, column) in hidden else str(int(table.at[row, column]))
          for column in table.columns] for row in table.index],
        index=table.index, columns=table.columns, dtype=object)


def suppress_areas(counts: pd.DataFrame, region_of: Mapping[Hashable, Hashable],
                   rule: SuppressionRule | None = None) -> AreaTables:
    """Suppress one breakdown for every area. ``counts``: one row per local authority (every
    authority, zeros included), one column per category, no totals; ``region_of`` names each
    authority's region."""
    rule = rule or SuppressionRule()
    missing = sorted(str(code) for code in counts.index if code not in region_of)
    if missing:
        raise ValueError(f"no region for {', '.join(missing)}")
    regions = with_margins(counts.groupby(lambda code: region_of[code]).sum())
    members = {region: [code for code in counts.index if region_of[code] == region]
               for region in regions.index if region != TOTAL}
    tables = {region: with_margins(counts.loc[codes]) for region, codes in members.items()}
    england = {(TOTAL, column) for column in regions.columns}
    region_hidden: set[tuple[Hashable, Hashable]] = set()
    authority_hidden: dict[Hashable, set[tuple[Hashable, Hashable]]] = {r: set() for r in tables}
    while True:
        region_hidden, exposed = suppress_cells(regions, rule, hidden=region_hidden,
                                                protected=england)
        grown = False
        for region, table in tables.items():
            imposed = authority_hidden[region] | {(TOTAL, column) for row, column in region_hidden
                                                  if row == region}
            hidden, _ = suppress_cells(table, rule, hidden=imposed)
            from_region = {(region, column) for row, column in hidden if row == TOTAL}
            if not from_region <= region_hidden:
                region_hidden |= from_region
                grown = True
            authority_hidden[region] = {cell for cell in hidden if cell[0] != TOTAL}
        if not grown:
            break
    authorities = pd.concat([_shown(table.drop(index=TOTAL), authority_hidden[region])
                             for region, table in tables.items()]).loc[counts.index]
    return AreaTables(
        authorities=authorities,
        regions=_shown(regions.drop(index=TOTAL), region_hidden),
        england=pd.Series({column: str(int(regions.at[TOTAL, column]))
                           for column in regions.columns}, dtype=object),
        exposed=exposed,
    )
