"""Local area packs: ``reportkit build --areas ...`` writes ``_output/<period>/areas/<code>/``
for each area, inside the build's staging folder (so packs are published with the national
report, atomically, or not at all).

The figures come from one vectorised pass (``reportkit.analysis.areas.compute``, about half a
second for every authority); each area's pack (HTML, PDF, ``facts.json`` and its open data) is
then one Dask task. Locally the tasks run on Dask's threaded scheduler; with ``--scheduler
ADDRESS`` they go to a ``dask.distributed`` scheduler, each retried up to ``RETRIES`` times (a
task on a worker that dies is run again elsewhere by the scheduler itself). A pack that fails
fails the build, naming the area. Dask is the maintained engine for this; no pool of our own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import dask
from dask.callbacks import Callback

from reportkit import config
from reportkit.analysis import areas, charts, facts
from reportkit.errors import BuildError, UserError
from reportkit.paths import AREAS_DIR
from reportkit.render import area_pack

#: How often a pack's task is tried again on a distributed scheduler before the build fails.
RETRIES = 2


def select(spec: str, authorities: list[areas.Area]) -> list[areas.Area]:
    """The areas ``--areas`` names: ``all`` (every local authority), ``region`` (every region),
    or codes separated by commas (authorities or regions); UserError naming unknown codes."""
    regions = {a.code: a for a in areas.regions_of(authorities)}
    by_code = {a.code: a for a in authorities}
    if spec == "all":
        return list(authorities)
    if spec == "region":
        return list(regions.values())
    codes = [code.strip() for code in spec.split(",") if code.strip()]
    unknown = [code for code in codes if code not in by_code and code not in regions]
    if unknown or not codes:
        raise UserError(f"--areas: {', '.join(unknown) or repr(spec)} is not a local authority "
                        "or region code in data/codes/ (use all, region, or codes such as "
                        "E10000012,E12000006)")
    return [by_code.get(code) or regions[code] for code in dict.fromkeys(codes)]


def open_data_csv(rows: list[dict[str, str]]) -> str:
    """A pack's open data as CSV text (``areas.OPEN_DATA_COLUMNS``)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, areas.OPEN_DATA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def render_pack(area: areas.Area, figures: areas.Figures, synthetic: bool, publication_date: str,
                time_period: str, time_identifier: str) -> dict[str, bytes]:
    """One area's pack, as file name -> bytes (the same bytes wherever it runs)."""
    charts.apply_style()
    pack = areas.for_area(figures, area)
    doc = area_pack.document(pack, figures, synthetic=synthetic,
                             publication_date=publication_date)
    return {
        "pack.html": area_pack.html_text(doc).encode(),
        "pack.pdf": area_pack.pdf_bytes(doc),
        "facts.json": facts.json_text(areas.pack_facts(pack, figures)).encode(),
        "open-data.csv": open_data_csv(areas.open_data_rows(pack, figures, time_period,
                                                            time_identifier)).encode(),
    }


class _Progress(Callback):
    """Calls ``on_pack`` as each pack's task finishes (Dask's local scheduler)."""

    def __init__(self, on_pack: Callable[[str], None], keys: dict[str, str]) -> None:
        super().__init__()
        self._on_pack, self._keys = on_pack, keys

    def _posttask(self, key, result, dsk, state, worker_id) -> None:  # noqa: ANN001
        code = self._keys.get(str(key))
        if code is not None:
            self._on_pack(code)


def build_packs(params: config.PeriodParams, root: Path, staging: Path, spec: str, *,
                scheduler: str | None = None, jobs: int = 1,
                on_pack: Callable[[str], None] | None = None) -> list[str]:
    """Write the packs ``spec`` names into ``staging/areas/``; their codes, in order."""
    figures = areas.for_period(params, root)
    chosen = select(spec, figures.areas)
    arguments = (params.data.synthetic, config.long_date(params.publication_date),
                 params.time_period, params.time_identifier)
    if scheduler:
        results = _distributed(chosen, figures, arguments, scheduler, on_pack)
    else:
        tasks = [dask.delayed(render_pack, pure=True)(area, figures, *arguments,
                                                      dask_key_name=f"pack-{area.code}")
                 for area in chosen]
        keys = {f"pack-{area.code}": area.code for area in chosen}
        with _Progress(on_pack or (lambda code: None), keys):
            try:
                results = dask.compute(*tasks, scheduler="threads", num_workers=max(1, jobs))
            except (BuildError, UserError):
                raise
            except Exception as exc:
                raise BuildError(f"a local area pack failed: {type(exc).__name__}: {exc}; "
                                 "nothing was published") from exc
    folder = staging / AREAS_DIR
    for area, files in zip(chosen, results, strict=True):
        target = folder / area.code
        target.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (target / name).write_bytes(data)
    return [area.code for area in chosen]


def _distributed(chosen: list[areas.Area], figures: areas.Figures, arguments: tuple,
                 address: str, on_pack: Callable[[str], None] | None) -> list[dict[str, bytes]]:
    """The packs from a ``dask.distributed`` scheduler at ``address``."""
    from distributed import Client, as_completed  # only with --scheduler: 0.5 s to import

    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise UserError(f"--scheduler {address}: cannot reach a Dask scheduler there ({exc}); "
                        "start one with `dask scheduler` and its workers with `dask worker "
                        "ADDRESS`") from None
    with client:
        shared = client.scatter(figures, broadcast=True, hash=False)
        futures = {client.submit(render_pack, area, shared, *arguments, key=f"pack-{area.code}",
                                 retries=RETRIES, pure=False): area.code for area in chosen}
        done: dict[str, dict[str, bytes]] = {}
        for future in as_completed(list(futures), loop=client.loop):
            code = futures[future]
            try:
                done[code] = future.result()
            except Exception as exc:
                raise BuildError(f"the local area pack of {code} failed on the Dask scheduler "
                                 f"at {address} after {RETRIES} retries: {type(exc).__name__}: "
                                 f"{exc}; nothing was published") from exc
            if on_pack is not None:
                on_pack(code)
    return [done[area.code] for area in chosen]
