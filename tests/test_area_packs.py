"""Local area packs (``reportkit build --areas``): one pack per area beside the unchanged
national report; every figure adds up to the national one and none that is suppressed can be
recovered; the packs are the same bytes from a Dask cluster; a failed pack publishes nothing."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_area_disclosure import recoverable

from reportkit import config
from reportkit.analysis import areas, facts
from reportkit.analysis.chapter import period_data
from reportkit.analysis.disclosure import TOTAL
from reportkit.build import area_packs
from reportkit.build.pipeline import build
from reportkit.cli import main
from reportkit.errors import BuildError, UserError
from reportkit.paths import PACK_FILES
from reportkit.publish import verify
from reportkit.render import area_pack


def _hashes(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()
            and not any(str(p.relative_to(folder)).startswith(s) for s in skip)}


def _truth(project: Path) -> tuple[areas.Figures, dict[str, object]]:
    params = config.load_period("2020", project)
    _, notifications, children = period_data(params, project)
    figures = areas.for_period(params, project)
    counts = {m.id: areas.measure_counts(notifications, children, m, figures.areas,
                                         params.rapid_review_expectation_days)
              for m in figures.measures}
    return figures, counts


def test_every_area_has_its_pack(packs_2020) -> None:
    folder = packs_2020 / "_output" / "2020" / "areas"
    authorities = areas.authorities(packs_2020 / "data" / "codes")
    assert sorted(p.name for p in folder.iterdir()) == sorted(a.code for a in authorities)
    assert len(authorities) > 140
    for pack in folder.iterdir():
        assert sorted(p.name for p in pack.iterdir()) == sorted(PACK_FILES)


def test_the_national_report_is_the_same_bytes_with_or_without_packs(
        packs_2020, tmp_path: Path, monkeypatch) -> None:
    """Both builds at one fixed time (SOURCE_DATE_EPOCH), as a reproducible build is."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765324800")
    project = Path(shutil.copytree(packs_2020, tmp_path / "reportkit", symlinks=True))
    out = project / "_output" / "2020"
    skip = ("manifest.json", "verification.json", "areas")
    build("2020", root=project, engine="pandoc+typst", force=True)
    assert not (out / "areas").exists()
    without = _hashes(out, skip)
    result = build("2020", root=project, engine="pandoc+typst", areas="region")
    assert len(result.packs) == 9 and (out / "areas" / "E12000006" / "pack.pdf").is_file()
    assert _hashes(out, skip) == without


def test_every_figure_adds_up_to_england_and_shows_the_true_count_or_c(packs_2020) -> None:
    figures, counts = _truth(packs_2020)
    folder = packs_2020 / "_output" / "2020" / "areas"
    national = facts.read_json(packs_2020 / "_output" / "2020" / "facts.json")
    checked = 0
    for area in figures.areas:
        published = facts.read_json(folder / area.code / "facts.json")
        for measure in figures.measures:
            truth = counts[measure.id]
            for category in [*measure.categories, TOTAL]:
                column = truth.sum(axis=1) if category == TOTAL else truth[category]
                name = f"{measure.id}_{areas.slug(category)}"
                shown = published[f"{name}_area_n"].display
                assert shown in ("c", str(int(column[area.code]))), (area.code, name)
                assert published[f"{name}_england_n"].display == str(int(column.sum()))
                checked += 1
    assert checked > 140 * 30
    england = facts.read_json(folder / figures.areas[0].code / "facts.json")
    assert england["outcome_death_england_n"].value == national["deaths_total"].value
    assert england["outcome_total_england_n"].value == national["notifications_total"].value
    assert england["age_under_1_england_n"].value == national["children_under1_n"].value


def test_no_suppressed_area_figure_can_be_recovered(packs_2020) -> None:
    figures, counts = _truth(packs_2020)
    region_of = {a.code: a.region_code for a in figures.areas}
    hidden = 0
    for measure in figures.measures:
        tables = figures.tables[measure.id]
        exposed = {("region", r, c) for r, c in tables.exposed}
        assert set(recoverable(counts[measure.id], region_of, tables)) <= exposed, measure.id
        hidden += int((tables.authorities == "c").to_numpy().sum())
    assert hidden > 100  # the real data do need suppression


def test_open_data_has_three_levels_and_no_small_count(packs_2020) -> None:
    pack = packs_2020 / "_output" / "2020" / "areas" / "E10000012"
    with (pack / "open-data.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["geographic_level"] for r in rows} == {"Local authority", "Regional", "National"}
    assert {r["la_name"] for r in rows if r["geographic_level"] == "Local authority"} == {"Essex"}
    for row in rows:
        if row["geographic_level"] != "National" and row["count"].isdigit():
            assert not 1 <= int(row["count"]) <= 2, row
        if row["count"] == "c":
            assert row["percent"] == "c", row


def test_a_pack_reads_as_a_document_and_an_empty_area_says_so(packs_2020) -> None:
    figures, counts = _truth(packs_2020)
    empty = next(a for a in figures.areas if counts["outcome"].loc[a.code].sum() == 0)
    folder = packs_2020 / "_output" / "2020" / "areas"
    soup = BeautifulSoup((folder / empty.code / "pack.html").read_text(), "html.parser")
    assert f"No serious incident notifications were received from {empty.name}" in \
        soup.get_text()
    soup = BeautifulSoup((folder / "E10000012" / "pack.html").read_text(), "html.parser")
    assert soup.find("h1").get_text() == "Essex: serious incident notifications, 2020"
    assert "SYNTHETIC DATA" in soup.get_text()
    assert all(t.find("caption") for t in soup.find_all("table"))
    svg = soup.find("svg")
    assert svg["role"] == "img" and "Essex" in svg["aria-label"]
    assert (folder / "E10000012" / "pack.pdf").read_bytes().startswith(b"%PDF")


def test_verify_checks_the_packs(packs_2020, tmp_path: Path) -> None:
    project = Path(shutil.copytree(packs_2020, tmp_path / "reportkit", symlinks=True))
    out = project / "_output" / "2020"
    params = config.load_period("2020", project)
    assert verify.check_packs(out, project, params).passed
    path = out / "areas" / "E10000012" / "open-data.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, row in enumerate(text) if ",Local authority," in row and ",c,c" in row)
    text[line] = text[line].replace(",c,c", ",1,c")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    facts_path = out / "areas" / "E10000012" / "facts.json"
    body = json.loads(facts_path.read_text(encoding="utf-8"))
    body["outcome_death_area_n"]["display"] = "5"
    facts_path.write_text(json.dumps(body), encoding="utf-8")
    check = verify.check_packs(out, project, params)
    assert not check.passed
    problems = "\n".join(check.problems)
    assert "count 1 is shown" in problems and "outcome_death_area_n shows 5" in problems


def test_areas_are_named_clearly(packs_2020, capsys) -> None:
    figures = areas.for_period(config.load_period("2020", packs_2020), packs_2020)
    assert len(area_packs.select("region", figures.areas)) == 9
    assert [a.code for a in area_packs.select("E10000012, E12000006", figures.areas)] == [
        "E10000012", "E12000006"]
    with pytest.raises(UserError, match="E99999999 is not a local authority or region code"):
        area_packs.select("E10000012,E99999999", figures.areas)
    with pytest.raises(UserError, match="E99999999 is not"):  # before any notebook runs
        build("2020", root=packs_2020, engine="pandoc+typst", areas="E99999999")
    assert main(["build", "--year", "2020", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "give --areas too" in capsys.readouterr().err


def test_a_failed_pack_fails_the_build_and_keeps_the_last_good_output(
        packs_2020, tmp_path: Path, monkeypatch) -> None:
    project = Path(shutil.copytree(packs_2020, tmp_path / "reportkit", symlinks=True))
    out = project / "_output" / "2020"
    before = _hashes(out)
    real = area_pack.pdf_bytes

    def failing(doc):
        if doc["code"] == "E10000012":
            raise RuntimeError("the disk is full")
        return real(doc)

    monkeypatch.setattr(area_pack, "pdf_bytes", failing)
    with pytest.raises(BuildError, match="a local area pack failed: RuntimeError: the disk"):
        build("2020", root=project, engine="pandoc+typst", areas="E12000006,E10000012")
    assert _hashes(out) == before


WORKER_DIES = textwrap.dedent('''
    """Worker preload for the test: the first try of Essex's pack kills its worker."""
    import os
    from pathlib import Path

    from reportkit.build import area_packs

    MARK = Path(os.environ["REPORTKIT_TEST_DIE_ONCE"])
    # The preload may run more than once in a worker: keep the original on the module.
    area_packs.original_render_pack = getattr(area_packs, "original_render_pack",
                                              area_packs.render_pack)


    def render_pack(area, *args, **kwargs):
        if area.code == "E10000012" and not MARK.exists():
            MARK.write_text("died")
            os._exit(1)
        return area_packs.original_render_pack(area, *args, **kwargs)


    area_packs.render_pack = render_pack
''')


def test_packs_from_a_dask_cluster_are_the_same_bytes_and_survive_a_dying_worker(
        packs_2020, tmp_path: Path, monkeypatch) -> None:
    from distributed import LocalCluster

    project = Path(shutil.copytree(packs_2020, tmp_path / "reportkit", symlinks=True))
    local = packs_2020 / "_output" / "2020" / "areas"
    preload = tmp_path / "worker_dies.py"
    preload.write_text(WORKER_DIES, encoding="utf-8")
    mark = tmp_path / "died"
    monkeypatch.setenv("REPORTKIT_TEST_DIE_ONCE", str(mark))
    chosen = "E10000012,E08000025,E06000001,E09000033,E10000016,E06000052"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      preload=[str(preload)]) as cluster:
        result = build("2020", root=project, engine="pandoc+typst", areas=chosen,
                       scheduler=cluster.scheduler_address)
    assert mark.is_file()  # a worker died on Essex's pack, and the pack was made again
    assert result.packs == chosen.split(",")
    remote = project / "_output" / "2020" / "areas"
    for code in result.packs:
        assert _hashes(remote / code) == _hashes(local / code), code
