"""The build, as the story of the publication: validate, execute, collect facts, write tables,
render, publish. Work happens in a staging folder that replaces ``_output/<period>/`` only when
every step succeeded, so a failed build publishes nothing and the last good output stays whole.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from filelock import FileLock, Timeout

from reportkit import config
from reportkit.analysis import areas as area_figures
from reportkit.analysis import facts, read_audit, stats
from reportkit.analysis.chapter import load_dataset
from reportkit.build import area_packs, execute, kernels, up_to_date
from reportkit.build.inputs import (  # noqa: F401 - NOTEBOOK_GLOB: re-exported
    NOTEBOOK_GLOB,
    library_files,
    notebook_sources,
    params_files,
    reference_files,
    report_sources,
)
from reportkit.data.population import check_population
from reportkit.digests import sha256_file
from reportkit.errors import (
    BuildError,
    BuildLockedError,
    NotebookError,
    StorageError,
    UserError,
    describe_os_error,
)
from reportkit.paths import cache_dir, codes_dir, output_dir, project_root
from reportkit.publish import guidance, revisions, screener, spreadsheet
from reportkit.publish import manifest as manifest_
from reportkit.publish import output_folder as publish_
from reportkit.render import narrative_lint, provenance, render, resolve_engine
from reportkit.render.staging import stage_project as stage

log = logging.getLogger("reportkit.build.pipeline")
VERSIONED_PACKAGES = (
    "reportkit", "papermill", "nbclient", "ipykernel", "pandas", "numpy", "scipy", "matplotlib",
    "seaborn", "pandera", "pydantic", "holidays", "nbval", "pypandoc-binary", "typst",
)


@dataclass
class BuildResult:
    """What a build did."""

    period: str
    output: Path
    up_to_date: bool = False
    notebooks: list[execute.NotebookResult] = field(default_factory=list)
    facts: int = 0
    documents: list[Path] = field(default_factory=list)
    engine: str = ""
    seconds: float = 0.0
    packs: list[str] = field(default_factory=list)  # the local area packs' codes


# --- inputs and keys -----------------------------------------------------------------------

#: Everything a build reads from the project folder (outputs, caches and the venv excluded).
PROJECT_INPUTS = ("_quarto.yml", "notebooks", "params", "data", "report")


def copy_project(source: Path, target: Path) -> Path:
    """Copy what a build reads from project ``source`` to ``target`` (for tests, benchmarks)."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_INPUTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part)
        else:
            shutil.copy2(source / part, target / part)
    return target



def data_inputs(params: config.PeriodParams, params_file: Path, root: Path) -> list[Path]:
    """Every file a notebook reads: every period's params, the data, code lists, reference
    tables. A notebook's key covers them all, so another period's new or edited params file
    makes the trends chapter run again."""
    files = params_files(root)
    files += [params.data_path(n, root) for n in ("notifications", "children", "population")]
    return files + reference_files(root)


def revised_edition(params: config.PeriodParams, root: Path) -> list[Path]:
    """The facts.json of the edition this one revises (``revises`` in the params), if any: an
    input of the render, checked now (a ParamsError names the key when it is missing)."""
    if params.revises is None:
        return []
    revisions.earlier_facts(params.revises, root)
    return [params.revises.facts_path(root)]


def check_other_params(root: Path) -> None:
    """Every params file in ``params/`` is valid and named by a period id (the trends chapter
    reads each one): a broken one is a user error now, not a failed notebook later."""
    for path in params_files(root):
        if not config.is_period_id(path.stem):
            raise UserError(f"{path}: the file name is not a period id "
                            f"({config.PERIOD_ID_FORMS}, as its key 'id'); rename it, or move "
                            "it out of params/")
        config.load(path, root)


def _combine(paths: list[Path], hashes: dict[Path, str]) -> str:
    """One hash over several files' names and content hashes."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(hashes[path].encode())
    return digest.hexdigest()


def notebook_parameters(period: str) -> dict:
    """What Papermill injects into each notebook (paths relative to the notebook's workdir)."""
    return {"period": period, "tables_dir": execute.TABLES}


@dataclass(frozen=True)
class Plan:
    """Everything the build will do, and the hashes that decide what can be skipped."""

    period: str
    params: config.PeriodParams
    params_file: Path
    root: Path
    notebooks: list[Path]
    job_keys: dict[str, str]
    build_key: str
    engine: str
    input_hashes: dict[str, str]
    file_hashes: dict[str, str]  # absolute path: SHA-256 of every file the keys cover


def plan(period: str, root: Path, engine: str = "auto", areas: str | None = None) -> Plan:
    """Read and check the params, and hash every input (cheap: no heavy imports). ``areas``
    (the packs asked for) is part of the build key: other packs are another build."""
    params_file = config.params_path(period, root)
    params = config.load_period(period, root)
    check_other_params(root)
    notebooks = notebook_sources(root)
    if not notebooks:
        raise UserError(f"no notebooks found in {root / 'notebooks'}")
    inputs = data_inputs(params, params_file, root)
    library = library_files()
    report = report_sources(root) + revised_edition(params, root)
    hashes = {path: sha256_file(path) for path in inputs + library + notebooks + report}
    inputs_hash = _combine(inputs + library, hashes)
    parameters = notebook_parameters(period)
    job_keys = {nb.stem: execute.job_key(hashes[nb], parameters, inputs_hash) for nb in notebooks}
    resolved = resolve_engine(engine)
    digest = hashlib.sha256()
    for name, key in sorted(job_keys.items()):
        digest.update(f"{name}={key}".encode())
    digest.update(_combine(report, hashes).encode())
    digest.update(resolved.encode())
    if areas:
        digest.update(f"areas={areas}".encode())
    input_hashes = {
        str(p.relative_to(root)) if p.is_relative_to(root) else str(p): hashes[p]
        for p in inputs + notebooks + report
    }
    return Plan(period, params, params_file, root, notebooks, job_keys, digest.hexdigest(),
                resolved, input_hashes, {str(path): digest for path, digest in hashes.items()})


def is_up_to_date(plan_: Plan, out: Path) -> bool:
    """True when the last good output was built from exactly these inputs and every output
    file still has the hash the manifest recorded (a changed or missing file means rebuild)."""
    try:
        manifest = manifest_.read(out)
    except UserError:
        return False
    if manifest.build_key != plan_.build_key:
        return False
    problems = publish_.whole_problems(out)
    if problems:
        log.warning("rebuilding %s: the published output is not as built (%s)", out.name,
                    "; ".join(problems[:3]) + (" ..." if len(problems) > 3 else ""))
    return not problems


# --- the lock and publishing -----------------------------------------------------------------


@contextmanager
def period_lock(out: Path):
    """Refuse a second build of the same period while one runs; once the lock is held, repair
    an interrupted publish of the period (``publish.recover``) before anything else."""
    lock_path = publish_.lock_path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_path))
        lock.acquire(timeout=0)
    except Timeout:
        raise BuildLockedError(
            f"another build of {out.name} is running (lock: {lock_path}); wait for it to finish"
        ) from None
    except OSError as exc:
        raise StorageError.from_os_error(exc, f"cannot lock {out.name} for building") from None
    try:
        try:
            for message in publish_.recover(out):
                log.warning("%s", message)
        except OSError as exc:
            raise StorageError.from_os_error(
                exc, f"cannot repair an interrupted publish of {out}") from None
        yield
    finally:
        lock.release()


def publish(staging: Path, out: Path) -> None:
    """Replace ``out`` with the complete build in ``staging``, crash-safely (a journal that the
    next command replays: see ``reportkit.publish.output_folder``). On an OS error the publish is
    undone at once (the last good output back in place) and a ``StorageError`` names the path."""
    try:
        publish_.publish(staging, out)
    except OSError as exc:
        with suppress(OSError):  # if this fails too, the journal stays: the next command repairs
            publish_.undo(out)
            shutil.rmtree(staging, ignore_errors=True)
        raise StorageError(describe_os_error(exc, f"cannot publish {out}")
                           + f". {out} is the last good output") from None


def keep_failed(staging: Path, out: Path) -> Path | None:
    """Move a failed staging folder to ``<period>.failed`` for inspection (None when even
    that fails, e.g. on a read-only disk: the staging folder is then removed if possible)."""
    failed = publish_.failed_dir(out)
    try:
        if failed.exists():
            shutil.rmtree(failed)
        staging.rename(failed)
    except OSError as exc:
        log.warning("could not keep the failed build in %s: %s", failed, exc)
        shutil.rmtree(staging, ignore_errors=True)
        return None
    return failed


# --- the steps -------------------------------------------------------------------------------


def validate_data(plan_: Plan) -> None:
    """Step 1: validate the data (priming the notebooks' data cache) and check that the period
    and every comparison range have notifications."""
    notifications_file = plan_.params.data_path("notifications", plan_.root)
    dataset = load_dataset(notifications_file, plan_.params.data_path("children", plan_.root),
                           root=plan_.root)
    check_population(plan_.params.data_path("population", plan_.root),
                     plan_.root / "data" / "codes")
    ranges = [("period", plan_.params.period)]
    for index, comparison in enumerate(plan_.params.comparisons):
        ranges += [(f"comparisons[{index}].current", comparison.current),
                   (f"comparisons[{index}].previous", comparison.previous)]
    for key, span in ranges:
        rows = stats.select_period(dataset.notifications, span.start, span.end)
        if len(rows) == 0:
            raise UserError(
                f"{plan_.params_file}: key '{key}': no notifications between {span.start} and "
                f"{span.end} in {notifications_file}; add the data or correct the dates"
            )


def notebook_jobs(plan_: Plan, staging: Path) -> list[execute.NotebookJob]:
    """The notebooks to run into ``staging``, the longest of the last build first."""
    parameters = notebook_parameters(plan_.period)
    job_list = [
        execute.NotebookJob(
            source=nb,
            output=staging / "notebooks" / nb.name,
            workdir=staging / "_work" / nb.stem,
            parameters=parameters,
            key=plan_.job_keys[nb.stem],
        )
        for nb in plan_.notebooks
    ]
    previous = _last_seconds(output_dir(plan_.period, plan_.root))
    job_list.sort(key=lambda job: -previous.get(job.name, 0.0))  # longest first (stable)
    return job_list


def notebook_cache(plan_: Plan) -> execute.Cache:
    """The period's cache of notebook runs."""
    return execute.Cache(cache_dir(plan_.root) / plan_.period)


def execute_notebooks(plan_: Plan, job_list: list[execute.NotebookJob], cache: execute.Cache,
                      *, jobs: int, force: bool, on_done, template=None) -> list:
    """Step 2: run every notebook of ``job_list`` whose inputs changed (Papermill, one process
    each; kernels forked from ``template`` when given)."""
    results = execute.run_all(job_list, cache, reuse=not force, max_workers=jobs,
                              on_done=on_done, environment={"REPORTKIT_ROOT": str(plan_.root),
                                                            read_audit.ENV: str(plan_.root)},
                              template=template)
    check_reads(plan_, job_list, [r for r in results if not r.cached], cache.folder)
    return sorted(results, key=lambda result: result.name)


def check_reads(plan_: Plan, jobs: list[execute.NotebookJob], executed: list,
                cache_folder: Path) -> None:
    """Every project file an executed notebook read is among the inputs of its key; else the
    run is dropped from the cache and the build fails (a change to that file would go
    unnoticed)."""
    covered = [*data_inputs(plan_.params, plan_.params_file, plan_.root), *plan_.notebooks,
               *library_files()]
    by_name = {job.name: job for job in jobs}
    problems = []
    for result in executed:
        log = by_name[result.name].workdir / read_audit.LOG_NAME
        missing = read_audit.uncovered(read_audit.recorded(log), covered, plan_.root)
        if missing:
            shutil.rmtree(cache_folder / result.name, ignore_errors=True)
            names = ", ".join(str(path.relative_to(plan_.root)) for path in missing)
            problems.append(f"notebook {result.name} read {names}, which its cache key does "
                            "not cover; add it to reportkit.build.pipeline.data_inputs")
    if problems:
        raise BuildError("\n".join(problems))


def _last_seconds(out: Path) -> dict[str, float]:
    """Each notebook's execution time in the last build (to start the longest first)."""
    try:
        manifest = manifest_.read(out)
    except UserError:
        return {}
    return {n.name: n.seconds for n in manifest.notebooks if not n.cached}


def gather_tables(staging: Path) -> list[Path]:
    """Step 3: move each notebook's open-data tables into ``tables/``, screen them with the EES
    screener's rules (a broken rule fails the build) and write their data guidance."""
    tables = staging / "tables"
    tables.mkdir(exist_ok=True)
    for produced in sorted((staging / "_work").glob(f"*/{execute.TABLES}/*.csv")):
        target = tables / produced.name
        if target.exists():
            raise BuildError(f"two notebooks wrote the open-data table {produced.name}")
        shutil.move(str(produced), target)
    shutil.rmtree(staging / "_work", ignore_errors=True)
    guidance.write(tables, screener.screen_folder(tables))
    return sorted(tables.glob("*.csv"))


def write_spreadsheet(plan_: Plan, staging: Path) -> Path:
    """Step 3b: the open-data tables as one accessible spreadsheet (gptables)."""
    return spreadsheet.write(staging / "tables", staging / spreadsheet.SPREADSHEET, plan_.params)


def collect_facts(plan_: Plan, staging: Path) -> dict:
    """Step 4: gather the facts of the executed notebooks into facts.json and _variables.yml."""
    collected = facts.collect(sorted((staging / "notebooks").glob("*.ipynb")))
    facts.check_table_links(collected, staging / "tables")
    facts.write_json(collected, staging / "facts.json")
    facts.write_variables(collected, staging / "_variables.yml")
    return collected


def stage_project(plan_: Plan, build_dir: Path, target: Path | None = None) -> Path:
    """The Quarto project of the build in ``build_dir`` (its facts and executed notebooks), in
    ``target`` (default: ``build_dir/_project``); see ``reportkit.render.staging``."""
    published = facts.read_json(build_dir / "facts.json")
    revises = plan_.params.revises
    rows = intro = None
    if revises is not None:
        rows = revisions.revision_rows(revises, revisions.earlier_facts(revises, plan_.root),
                                       published)
        intro = revisions.introduction(revises, rows)
    return stage(plan_.root, target or build_dir / "_project",
                 facts_display={name: fact.display for name, fact in published.items()},
                 period_metadata=plan_.params.metadata(), notebooks=build_dir / "notebooks",
                 provenance=provenance.provenance(published, rows, intro or ""))


def stage_build(period: str, target: Path, *, root: Path | None = None) -> Path:
    """Stage the Quarto project of the last build of ``period`` in ``target`` (replaced), for
    running ``quarto render`` by hand: the same project the build rendered."""
    root = (root or project_root()).resolve()
    the_plan = plan(period, root, "pandoc+typst")
    out = output_dir(period, root)
    if not (out / "facts.json").is_file() or not (out / "notebooks").is_dir():
        raise UserError(f"no build of {period} in {out}: run `reportkit build --year {period}`")
    target = Path(target).resolve()
    if target.is_relative_to(out) or root.is_relative_to(target):
        raise UserError(f"{target}: stage into a folder of its own, outside {out} and the "
                        "project folder's parents")
    if target.exists() and any(target.iterdir()) and not (target / "_period.yml").is_file():
        raise UserError(f"{target} exists and is not a staged project: name a new folder")
    try:
        return stage_project(the_plan, out, target)
    except OSError as exc:
        raise StorageError.from_os_error(exc, f"cannot stage the project in {target}") from None


def lint_report(plan_: Plan) -> None:
    """No typed number in the narrative (checked before any notebook runs)."""
    narrative_lint.check_narrative(plan_.root)


def render_documents(plan_: Plan, staging: Path, engine: str):
    """Step 6: render the annual report and the executive summary."""
    project = stage_project(plan_, staging)
    result = render(project, staging, engine=engine)
    shutil.rmtree(project, ignore_errors=True)
    return result


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape the output."""
    versions = {"python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


published_files = publish_.published_files


def engine_record(render_result) -> manifest_.EngineRecord:
    """The manifest's record of the engine that rendered: its name and its tools' versions."""
    return manifest_.EngineRecord(name=render_result.engine, version=render_result.version,
                                  tools=dict(render_result.versions))


def write_manifest(plan_: Plan, staging: Path, result: BuildResult, timings: dict,
                   render_result) -> None:
    """Step 7: what was built from what, with which tools, how fast."""
    manifest = manifest_.Manifest(
        schema_version=manifest_.SCHEMA_VERSION,
        period=plan_.period,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        build_key=plan_.build_key,
        parameters=json.loads(plan_.params.model_dump_json()),
        inputs=plan_.input_hashes,
        engine=engine_record(render_result),
        versions=package_versions(),
        notebooks=[
            manifest_.NotebookRun(name=r.name, seconds=round(r.seconds, 2), cached=r.cached,
                                  key=r.key)
            for r in result.notebooks
        ],
        timings={k: round(v, 2) for k, v in timings.items()},
        facts=result.facts,
        outputs=published_files(staging),
        output_hashes=publish_.output_hashes(staging),
        command=" ".join(Path(sys.argv[0]).name.split() + sys.argv[1:]),
    )
    manifest_.write(staging, manifest)


def build(
    period: str,
    *,
    root: Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    engine: str = "auto",
    on_notebook: Callable[[execute.NotebookResult], None] | None = None,
    on_step: Callable[[str], None] | None = None,
    template: kernels.TemplateServer | None = None,
    areas: str | None = None,
    scheduler: str | None = None,
    on_pack: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build one period's report: validate (data and narrative), execute, collect facts and
    tables, render, publish. ``template``: a kernel template the caller started early
    (``execute.start_template_early``) and closes; the build forks the kernels of the
    notebooks it runs from it, and closes it sooner when the cache answers every notebook.
    Without one, the build starts (and closes) its own when a notebook must run. ``areas``
    (``all``, ``region`` or codes) adds the local area packs (``build.area_packs``), made on
    Dask, on the distributed ``scheduler`` when one is given."""
    started = time.perf_counter()
    root = (root or project_root()).resolve()
    step = on_step or (lambda message: log.info(message))
    the_plan = plan(period, root, engine, areas=areas)
    if areas:  # a bad --areas is refused before anything runs
        area_packs.select(areas, area_figures.authorities(codes_dir(root)))
    out = output_dir(period, root)
    result = BuildResult(period=period, output=out, engine=the_plan.engine)
    with period_lock(out), ExitStack() as own:
        if not force and is_up_to_date(the_plan, out):
            up_to_date.write_record(period, root, the_plan.engine, the_plan.file_hashes)
            result.up_to_date = True
            result.seconds = time.perf_counter() - started
            return result
        staging = publish_.staging_dir(out)
        job_list, cache = notebook_jobs(the_plan, staging), notebook_cache(the_plan)
        # The kernel template warms up (imports, fonts) while the data are validated.
        if template is None:
            template = execute.start_template(job_list, cache, reuse=not force)
            if template is not None:
                own.enter_context(template)
        elif not force and all(cache.has(job) for job in job_list):
            template.close()  # not needed: the caller's, freed now
            template = None
        return _build_steps(the_plan, result, staging, job_list, cache, started, jobs=jobs,
                            force=force, engine=engine, on_notebook=on_notebook, step=step,
                            template=template, areas=(areas, scheduler, on_pack))


def _build_steps(the_plan: Plan, result: BuildResult, staging: Path,
                 job_list: list[execute.NotebookJob], cache: execute.Cache, started: float, *,
                 jobs: int | None, force: bool, engine: str, on_notebook, step,
                 template, areas: tuple = (None, None, None)) -> BuildResult:
    """Validate, execute, collect, render and publish (``build``, under the period's lock)."""
    period, out = the_plan.period, result.output
    timings: dict[str, float] = {}
    mark = time.perf_counter()
    step("validating data and checking the narrative")
    validate_data(the_plan)  # bad input is refused before a staging folder exists
    lint_report(the_plan)
    timings["validate"] = time.perf_counter() - mark
    try:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        mark = time.perf_counter()
        step(f"executing {len(the_plan.notebooks)} notebooks")
        result.notebooks = execute_notebooks(
            the_plan, job_list, cache, jobs=jobs or os.cpu_count() or 1, force=force,
            on_done=on_notebook, template=template,
        )
        timings["execute"] = time.perf_counter() - mark

        mark = time.perf_counter()
        step("collecting facts and open-data tables")
        gather_tables(staging)
        write_spreadsheet(the_plan, staging)
        result.facts = len(collect_facts(the_plan, staging))
        timings["facts"] = time.perf_counter() - mark

        mark = time.perf_counter()
        step("rendering the report")
        rendered = render_documents(the_plan, staging, engine)
        result.engine = rendered.engine
        result.documents = [out / Path(p).name for p in rendered.outputs]
        timings["render"] = time.perf_counter() - mark
        spec, scheduler, on_pack = areas
        if spec:
            mark = time.perf_counter()
            step("building the local area packs")
            result.packs = area_packs.build_packs(
                the_plan.params, the_plan.root, staging, spec, scheduler=scheduler,
                jobs=jobs or os.cpu_count() or 1, on_pack=on_pack)
            timings["areas"] = time.perf_counter() - mark
        timings["total"] = time.perf_counter() - started
        write_manifest(the_plan, staging, result, timings, rendered)
    except NotebookError as exc:
        failed = keep_failed(staging, out)
        message = str(exc).replace(str(staging), str(failed)) if failed else str(exc)
        raise NotebookError(message) from None
    except OSError as exc:
        keep_failed(staging, out)
        raise StorageError(
            describe_os_error(exc, f"cannot build {period}")
            + f". Nothing was published: {out} is the last good output") from None
    except BaseException:
        keep_failed(staging, out)
        raise
    publish(staging, out)
    up_to_date.write_record(period, the_plan.root, the_plan.engine, the_plan.file_hashes)
    result.seconds = time.perf_counter() - started
    return result


def rerender(period: str, *, root: Path | None = None, engine: str = "auto"):
    """Render the last build of ``period`` again (after editing the narrative), safely.

    The published folder is copied to staging, rendered there and swapped in only on success.
    """
    root = (root or project_root()).resolve()
    the_plan = plan(period, root, engine)  # asking for Quarto without Quarto fails here
    out = output_dir(period, root)
    with period_lock(out):  # repairs an interrupted publish first
        if not (out / manifest_.MANIFEST).is_file():
            raise UserError(f"no build of {period} in {out}: run `reportkit build --year {period}`")
        changed = publish_.whole_problems(out)
        if changed:  # rendering would record the changed files' hashes as if built
            raise UserError(f"the published output is not as built ({'; '.join(changed[:3])}); "
                            f"run `reportkit build --year {period}` to rebuild it")
        staging = publish_.staging_dir(out)
        try:
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(out, staging)
            lint_report(the_plan)
            started = time.perf_counter()
            rendered = render_documents(the_plan, staging, engine)
            manifest = manifest_.read(out)
            built_from = {n.name: n.key for n in manifest.notebooks}
            if built_from == the_plan.job_keys:  # same notebooks: the output is current again
                manifest.build_key = the_plan.build_key
            manifest.engine = engine_record(rendered)
            manifest.timings["render"] = round(time.perf_counter() - started, 2)
            manifest.outputs = published_files(staging)
            manifest.output_hashes = publish_.output_hashes(staging)
            (staging / "verification.json").unlink(missing_ok=True)
            manifest_.write(staging, manifest)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise StorageError(
                describe_os_error(exc, f"cannot render {period}")
                + f". Nothing was published: {out} is the last good output") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        publish(staging, out)
    return rendered
