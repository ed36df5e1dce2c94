"""Reviewers' verification of a build, without trusting its authors.

1. **nbval** re-executes every executed notebook (on a copy) and compares each notebook's
   check cell, the plain table of the facts it recorded.
2. **facts**: ``facts.json`` equals what the executed notebooks recorded, and every fact the
   narrative quotes appears, with its published value, in each rendered document.
3. **presentation**: nothing a reader would see as broken: no output the renderer could not
   show, no script or stylesheet loaded from the network, and, for synthetic data, the warning
   at the start of every document and on every PDF page.
4. **disclosure**: no published sub-national table or cross-tabulation shows a count the rule
   suppresses, and no record-level identifier appears in any published file.
5. **manifest**: the input hashes recorded at build time still match the inputs.

The result is printed and written to ``_output/<period>/verification.json``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import docx
import pandas as pd
import pypdfium2
from bs4 import BeautifulSoup

from reportkit import config, executed_notebooks
from reportkit.analysis import areas, disclosure, facts, tables
from reportkit.digests import sha256_file
from reportkit.errors import UserError
from reportkit.paths import (
    AREAS_DIR,
    DATA_CACHE_ENV,
    NO_DATA_CACHE_ENV,
    PACK_FILES,
    PACKAGE_DIR,
    output_dir,
    project_root,
)
from reportkit.publish import manifest as manifest_
from reportkit.publish import revisions, spreadsheet
from reportkit.publish.screener import data_files
from reportkit.render.notice import SYNTHETIC_LABEL
from reportkit.render.quoted import quoted_facts

SANITIZE_FILE = PACKAGE_DIR / "resources" / "nbval-sanitize.cfg"
RECORD_ID = re.compile(r"\b[NC]\d{6}\b")
DOCUMENT_SUFFIXES = (".html", ".docx", ".pdf")


@dataclass
class Check:
    """One check: its name, whether it passed, what it counted, and every difference."""

    name: str
    passed: bool = True
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    def fail(self, problem: str) -> None:
        self.passed = False
        self.problems.append(problem)


@dataclass
class Verification:
    """All checks of one period's build."""

    period: str
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def summary(self, limit: int = 20) -> str:
        """A short, human summary: pass or fail per check, with the differences."""
        lines = [f"reportkit verify {self.period}:"]
        for check in self.checks:
            state = "PASS" if check.passed else "FAIL"
            lines.append(f"  {state}  {check.name:<12} {check.checked} checked")
            lines += [f"          - {p}" for p in check.problems[:limit]]
            if len(check.problems) > limit:
                lines.append(f"          ... and {len(check.problems) - limit} more")
        lines.append("verified: all checks passed" if self.passed else "verification FAILED")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "period": self.period,
            "verified_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "passed": self.passed,
            "checks": [asdict(c) for c in self.checks],
        }


# --- 1. nbval ------------------------------------------------------------------------------


def _code_cell_ids(notebook: Path) -> list[str]:
    """Ids of the code cells, in order: nbval numbers code cells only ("Cell 6")."""
    return [cell.id or "" for _, cell in executed_notebooks.read(notebook).code_cells()]


def nbval_workers(notebooks: int) -> int:
    """How many notebooks nbval re-executes at once: one per core, at most one per notebook."""
    return max(1, min(os.cpu_count() or 1, notebooks))


def nbval_command(notebooks_dir: Path, junit: Path, workers: int = 1) -> list[str]:
    """The pytest command that re-executes and compares notebooks (lax mode: check cells).
    With ``workers`` > 1, pytest-xdist runs that many notebooks at once, each notebook's cells
    in order in one standard kernel of its own (``--dist loadfile``)."""
    parallel = ["-n", str(workers), "--dist", "loadfile"] if workers > 1 else []
    return [
        sys.executable, "-m", "pytest", "-p", "reportkit.publish.nbval_plugin", "--nbval-lax",
        "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE_FILE),
        # No assertion rewriting: nbval's notebooks have no assert statements to rewrite, and
        # pytest would rewrite every plugin's modules again in each process (its cache of
        # rewritten modules is off where PYTHONDONTWRITEBYTECODE is set).
        "--assert=plain", "-p", "no:cacheprovider",
        "-o", "addopts=", "-o", "testpaths=", "--rootdir", str(notebooks_dir),
        "-c", os.devnull, "-vv", *parallel, f"--junitxml={junit}", str(notebooks_dir),
    ]  # -vv: the full diff of a check cell, so a failure can show the differing rows


#: Terminal colour codes in nbval's messages (raw, or as the junit file escapes them).
_COLOUR = re.compile(r"(?:\x1b|#x1B)\[[0-9;]*m")


def output_differences(report: str) -> str:
    """What differs in nbval's report of a check cell: the rows the build recorded against
    the rows re-execution gives (pytest marks them ``+`` and ``-``), without colour codes."""
    lines = _COLOUR.sub("", report).splitlines()
    start = next((i for i, line in enumerate(lines) if "assert reference_output" in line), None)
    diff = lines[start:] if start is not None else []
    recorded = [" ".join(line.strip()[2:].split()) for line in diff
                if line.strip().startswith("+ ")]
    rerun = [" ".join(line.strip()[2:].split()) for line in diff
             if line.strip().startswith("- ")]
    if recorded or rerun:
        return (f"the build recorded {'; '.join(recorded) or 'nothing'}, but re-executing "
                f"gives {'; '.join(rerun) or 'nothing'}")
    return " ".join(line.strip() for line in lines if line.strip())[:400]


def check_notebooks(out: Path, root: Path) -> Check:
    """Re-execute the executed notebooks with nbval and compare their check cells."""
    check = Check("nbval")
    source = out / "notebooks"
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        check.fail(f"no executed notebooks in {source}")
        return check
    with tempfile.TemporaryDirectory(prefix="reportkit-verify-") as tmp:
        work = Path(tmp) / "notebooks"
        shutil.copytree(source, work)
        junit = Path(tmp) / "junit.xml"
        # The kernels validate the CSVs themselves into a cache of this run's own (the first
        # notebook on each worker validates, the others load what it validated): nothing of
        # the build's cache is used.
        env = {**os.environ, "REPORTKIT_ROOT": str(root),
               DATA_CACHE_ENV: str(Path(tmp) / "datasets")}
        env.pop(NO_DATA_CACHE_ENV, None)
        command = nbval_command(work, junit, nbval_workers(len(notebooks)))
        run = subprocess.run(command, cwd=tmp, env=env, capture_output=True,
                             text=True)
        if not junit.is_file():
            check.fail(f"nbval did not run: {run.stdout[-2000:]}{run.stderr[-2000:]}")
            return check
        for case in ET.parse(junit).getroot().iter("testcase"):
            check.checked += 1
            failure = case.find("failure")
            if failure is None:
                failure = case.find("error")
            if failure is None:
                continue
            notebook = Path(case.get("file") or case.get("classname", "")).name
            notebook = notebook if notebook.endswith(".ipynb") else _notebook_of(case, notebooks)
            match = re.search(r"Cell (\d+)", case.get("name", ""))
            where = f"{notebook} {case.get('name', '')}"
            if match and (source / notebook).is_file():
                ids = _code_cell_ids(source / notebook)
                index = int(match.group(1))
                if index < len(ids):
                    where += f" (cell id {ids[index]})"
            detail = output_differences(failure.text or failure.get("message") or "")
            check.fail(f"{where}: output differs on re-execution: {detail}")
    return check


def _notebook_of(case: ET.Element, notebooks: list[Path]) -> str:
    text = " ".join(filter(None, (case.get("classname"), case.get("name"))))
    for notebook in notebooks:
        if notebook.stem in text:
            return notebook.name
    return text


# --- 2. facts ------------------------------------------------------------------------------


def check_facts_json(out: Path) -> Check:
    """``facts.json`` must equal the facts recorded in the executed notebooks."""
    check = Check("facts.json")
    published = facts.read_json(out / "facts.json")
    recorded = facts.collect(sorted((out / "notebooks").glob("*.ipynb")))
    for name in sorted(set(published) | set(recorded)):
        check.checked += 1
        if name not in recorded:
            check.fail(f"fact {name} is in facts.json but no notebook recorded it")
        elif name not in published:
            check.fail(f"fact {name} was recorded in {recorded[name].notebook} but is missing "
                       "from facts.json")
        elif published[name].display != recorded[name].display:
            fact = recorded[name]
            check.fail(f"fact {name}: facts.json says {published[name].display!r} but "
                       f"{fact.notebook} cell {fact.cell_index} (id {fact.cell_id}) recorded "
                       f"{fact.display!r}")
    return check


def document_text(path: Path) -> str:
    """The readable text of an HTML, DOCX or PDF document, whitespace folded (extracted once
    per file version: the facts check and the disclosure audit both read it)."""
    stat = path.stat()
    return _extract_text(path.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _extract_text(path: Path, _mtime_ns: int, _size: int) -> str:
    if path.suffix == ".html":
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for hidden in soup(["script", "style"]):
            hidden.decompose()
        text = soup.get_text(" ")
    elif path.suffix == ".docx":
        document = docx.Document(str(path))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            parts += [cell.text for row in table.rows for cell in row.cells]
        text = " ".join(parts)
    elif path.suffix == ".pdf":
        text = " ".join(pdf_pages(path))
    else:
        raise ValueError(f"not a document: {path}")
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def pdf_pages(path: Path) -> tuple[str, ...]:
    """The text of each page of a PDF (extracted once per file version, with PDFium: about 30
    times faster than pypdf on the annual report, with the same text)."""
    stat = path.stat()
    return _pdf_pages(path.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _pdf_pages(path: Path, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    document = pypdfium2.PdfDocument(str(path))
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return tuple(pages)
    finally:
        document.close()


def html_fact_spans(path: Path) -> list[tuple[str, str]]:
    """``(fact name, shown text)`` of every fact the built-in engine marked in an HTML file."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return [(s["data-fact"], s.get_text()) for s in soup.select("span[data-fact]")]


def check_documents(out: Path, root: Path, params: config.PeriodParams) -> Check:
    """Every fact quoted by the narrative appears, with its value, in each document."""
    check = Check("documents")
    published = facts.read_json(out / "facts.json")
    documents = sorted(p for p in out.glob("*") if p.suffix in DOCUMENT_SUFFIXES)
    if not documents:
        check.fail(f"no rendered documents in {out}")
    formats = {".html": "html", ".docx": "docx", ".pdf": "pdf"}
    quoted = quoted_facts(root, [(d.stem, formats[d.suffix]) for d in documents],
                          params.metadata(), out / "_variables.yml")
    for document in documents:
        fmt = formats[document.suffix]
        names = quoted[document.stem, fmt]
        spans = html_fact_spans(document) if fmt == "html" else []
        if spans:
            for name, shown in spans:
                check.checked += 1
                expected = published[name].display if name in published else None
                if expected is None:
                    check.fail(f"{document.name}: quotes {name}, which is not a fact")
                elif shown.strip() != expected:
                    check.fail(f"{document.name}: fact {name} shows {shown.strip()!r}, but "
                               f"facts.json and the notebooks say {expected!r}")
            missing = sorted(set(names) - {n for n, _ in spans})
            for name in missing:
                check.fail(f"{document.name}: fact {name} is quoted by the narrative but not "
                           "found in the document")
            continue
        text = document_text(document)
        for name in names:
            check.checked += 1
            if name not in published:
                check.fail(f"{document.name}: narrative quotes {name}, which is not a fact")
                continue
            value = published[name].display
            if not re.search(rf"(?<![\w.,]){re.escape(value)}(?![\w]|[.,]\d)", text):
                check.fail(f"{document.name}: fact {name} = {value!r} (facts.json) not found in "
                           "the document")
    return check


def check_provenance(out: Path) -> Check:
    """In each HTML document every quoted fact links to its entry in "About the figures"
    (``#fact-<name>``), and each entry shows the value facts.json holds."""
    check = Check("provenance")
    published = facts.read_json(out / "facts.json")
    for document in sorted(out.glob("*.html")):
        soup = BeautifulSoup(document.read_text(encoding="utf-8"), "html.parser")
        entries = {div.get("id", "")[len("fact-"):]: div for div in soup.select("div.fact-entry")}
        for span in soup.select("span[data-fact]"):
            check.checked += 1
            name, link = span["data-fact"], span.find_parent("a")
            in_heading = span.find_parent(["h1", "h2", "h3", "h4", "h5", "h6"]) is not None
            if name not in entries:
                check.fail(f"{document.name}: fact {name} has no entry in About the figures")
            elif not in_heading and (link is None or link.get("href") != f"#fact-{name}"):
                check.fail(f"{document.name}: fact {name} does not link to #fact-{name}")
        for name, div in entries.items():
            check.checked += 1
            fact = published.get(name)
            shown = div.find("p").get_text(" ", strip=True) if div.find("p") else ""
            if fact is None:
                check.fail(f"{document.name}: About the figures lists {name}, which is not a fact")
            elif not shown.endswith(f": {fact.display}"):
                check.fail(f"{document.name}: About the figures shows {name} as {shown!r}, but "
                           f"facts.json says {fact.display!r}")
    return check


def check_packs(out: Path, root: Path, params: config.PeriodParams) -> Check:
    """Each local area pack (``areas/<code>/``, when the build made packs): its files are
    there, its facts equal a recomputation from the data, and its open data shows no count
    from 1 to the threshold below national level, nor a share of a suppressed count."""
    check = Check("area packs")
    folder = out / AREAS_DIR
    if not folder.is_dir():
        return check
    figures = areas.for_period(params, root)
    known = {a.code: a for a in [*figures.areas, *areas.regions_of(figures.areas)]}
    rule = disclosure.SuppressionRule(params.disclosure.threshold)
    for pack_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        code = pack_dir.name
        missing = [name for name in PACK_FILES if not (pack_dir / name).is_file()]
        if code not in known or missing:
            check.fail(f"areas/{code}: " + ("not an area code" if code not in known else
                                           f"missing {', '.join(missing)}"))
            continue
        check.checked += 1
        expected = areas.pack_facts(areas.for_area(figures, known[code]), figures)
        published = facts.read_json(pack_dir / "facts.json")
        for name in sorted(set(expected) | set(published)):
            check.checked += 1
            if name not in published or name not in expected or \
                    published[name].display != expected[name].display:
                shown = published[name].display if name in published else "nothing"
                wanted = expected[name].display if name in expected else "nothing"
                check.fail(f"areas/{code}/facts.json: {name} shows {shown}, but the data give "
                           f"{wanted}")
        rows = pd.read_csv(pack_dir / "open-data.csv", dtype=str, keep_default_na=False)
        for line, row in enumerate(rows.to_dict("records"), start=2):
            check.checked += 1
            if row["geographic_level"] == "National":
                continue
            if row["count"].isdigit() and rule.is_primary(int(row["count"])):
                check.fail(f"areas/{code}/open-data.csv, line {line}: count {row['count']} is "
                           f"shown ({row['measure']}, {row['category']})")
            if row["count"] == disclosure.CONFIDENTIAL != row["percent"]:
                check.fail(f"areas/{code}/open-data.csv, line {line}: the share of a "
                           "suppressed count is shown")
    return check


def revisions_shown(path: Path) -> list[tuple[str, str, str, str]] | None:
    """The rows of the Revisions table of an HTML document (None: it has no such section)."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    heading = soup.find(id="revisions")
    if heading is None:
        return None
    table = heading.find_next("table")
    rows = []
    for row in table.select("tbody tr") if table is not None else []:
        cells = [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        rows.append(tuple(cells[:4]))
    return rows  # type: ignore[return-value]


def check_revisions(out: Path, root: Path, params: config.PeriodParams) -> Check:
    """The annual report's Revisions section lists exactly the figures ``reportkit diff`` finds
    changed from the edition the params say it revises (and there is none without one)."""
    check = Check("revisions")
    report = out / "annual-report.html"
    if not report.is_file():
        check.fail(f"no {report.name} in {out}")
        return check
    shown = revisions_shown(report)
    check.checked += 1
    if params.revises is None:
        if shown is not None:
            check.fail(f"{report.name} has a Revisions section, but the params revise no edition")
        return check
    earlier = revisions.earlier_facts(params.revises, root)
    current = facts.read_json(out / "facts.json")
    expected = [(r["label"], r["old"], r["new"], r["reason"])
                for r in revisions.revision_rows(params.revises, earlier, current)]
    if shown is None:
        check.fail(f"{report.name} has no Revisions section, but the params revise "
                   f"{params.revises.edition}")
        return check
    for row in sorted(set(expected) - set(shown)):
        check.fail(f"{report.name}: Revisions does not list {row[0]}: {row[1]} -> {row[2]}")
    for row in sorted(set(shown) - set(expected)):
        check.fail(f"{report.name}: Revisions lists {row[0]}: {row[1]} -> {row[2]}, which "
                   "reportkit diff does not find changed")
    check.checked += len(expected)
    return check


# --- 3. what a reader sees -----------------------------------------------------------------

#: Text a renderer writes in place of an output it cannot show (Quarto's wording).
UNDISPLAYED_OUTPUT = re.compile(r"Unable to (display|process) (text plain )?output|"
                                + re.escape(facts.MIME_TYPE))
_REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
_REMOTE_CSS = re.compile(
    r"@import\s+(url\()?\s*['\"]?\s*(https?:)?//|url\(\s*['\"]?\s*(https?:)?//", re.IGNORECASE)


def remote_resources(path: Path) -> list[str]:
    """Scripts, stylesheets, images and frames an HTML file loads from the network."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    found = []
    for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"),
                           ("iframe", "src"), ("source", "src"), ("video", "src"),
                           ("audio", "src"), ("object", "data"), ("embed", "src")):
        for element in soup.find_all(tag):
            value = element.get(attribute)
            if tag == "link" and not {"stylesheet", "preload", "modulepreload", "icon"} & set(
                    element.get("rel") or []):
                continue
            if isinstance(value, str) and _REMOTE.match(value):
                found.append(f"<{tag} {attribute}=\"{value}\">")
    for style in soup.find_all("style"):
        for match in _REMOTE_CSS.finditer(style.get_text()):
            found.append(f"<style> {match.group(0)}")
    return found


def synthetic_warning_problems(path: Path, label: str) -> list[str]:
    """Where a document fails to warn that its data are synthetic: the start of an HTML or Word
    document (before its title or first heading), and every PDF page."""
    if path.suffix == ".pdf":
        pages = pdf_pages(path)
        return [f"page {n} of {len(pages)} does not carry the synthetic-data warning"
                for n, text in enumerate(pages, start=1)
                if label not in re.sub(r"\s+", " ", text.replace("\u00a0", " "))]
    if path.suffix == ".html":
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        title = soup.find("h1")
        before = " ".join(title.find_all_previous(string=True)) if title else ""
        if label not in re.sub(r"\s+", " ", before):
            return ["the synthetic-data warning does not come before the title"]
        return []
    paragraphs = docx.Document(str(path)).paragraphs
    start = []
    for paragraph in paragraphs:
        if paragraph.style.name.startswith("Heading"):
            break
        start.append(paragraph.text)
    if label not in re.sub(r"\s+", " ", " ".join(start)):
        return ["the synthetic-data warning does not come before the first heading"]
    return []


def check_presentation(out: Path, params: config.PeriodParams) -> Check:
    """What a reader would see as broken: an output the renderer could not show (a fact record
    among them), a published file that loads from the network, and, for synthetic data, a
    missing warning at the start of a document or on a PDF page."""
    check = Check("presentation")
    documents = sorted(p for p in out.glob("*") if p.suffix in DOCUMENT_SUFFIXES)
    for document in documents:
        check.checked += 1
        text = document_text(document)
        for match in sorted({m.group(0) for m in UNDISPLAYED_OUTPUT.finditer(text)}):
            count = len(re.findall(re.escape(match), text))
            check.fail(f"{document.name}: shows {count} output(s) the renderer could not "
                       f"display ({match!r})")
        if document.suffix == ".html":
            for resource in remote_resources(document):
                check.fail(f"{document.name}: loads {resource} from the network (a published "
                           "file must be self-contained)")
        if params.data.synthetic:
            for problem in synthetic_warning_problems(document, SYNTHETIC_LABEL):
                check.fail(f"{document.name}: {problem}")
    return check


# --- 4. disclosure -------------------------------------------------------------------------


def _is_count(meta_row: dict[str, str]) -> bool:
    return meta_row["col_type"] == "Indicator" and meta_row.get("indicator_unit", "") == ""


def check_disclosure(out: Path, root: Path, params: config.PeriodParams) -> Check:
    """Audit published tables and documents for small counts and record-level data."""
    check = Check("disclosure")
    rule = disclosure.SuppressionRule(params.disclosure.threshold)
    for table_path in sorted((out / "tables").glob("*.csv")):
        if table_path.name.endswith(".meta.csv"):
            continue
        check.checked += 1
        meta_path = table_path.with_name(table_path.stem + ".meta.csv")
        if not meta_path.is_file():
            check.fail(f"tables/{table_path.name}: no {meta_path.name} beside it")
            continue
        meta = tables.read_meta(meta_path)
        frame = pd.read_csv(table_path, dtype=str, keep_default_na=False)
        filters = [m["col_name"] for m in meta if m["col_type"] == "Filter"]
        levels = set(frame.get("geographic_level", pd.Series(dtype=str)))
        sub_national = bool(levels - {"National"})
        if not (sub_national or len(filters) > 1):
            continue  # national one-way table: published unsuppressed, as the Panel does
        counts = [m["col_name"] for m in meta if _is_count(m)]
        for finding in disclosure.is_safe(frame[counts], rule):
            check.fail(f"tables/{table_path.name}: {finding} (sub-national or cross-tabulated "
                       f"counts from 1 to {rule.threshold} must be suppressed)")
    known_ids = _record_ids(params, root)
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.suffix not in (*DOCUMENT_SUFFIXES, ".csv", ".ipynb", ".json", ".yml"):
            continue
        if path.name in ("manifest.json", "verification.json"):
            continue  # the build's own records: input hashes and check results, no data
        check.checked += 1
        if path.suffix in DOCUMENT_SUFFIXES:
            text = document_text(path)
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        leaked = sorted({m for m in RECORD_ID.findall(text) if m in known_ids})
        if leaked:
            check.fail(f"{path.relative_to(out)}: record-level identifier(s) "
                       f"{', '.join(leaked[:5])} published")
    return check


def _record_ids(params: config.PeriodParams, root: Path) -> set[str]:
    ids: set[str] = set()
    for name, column in (("notifications", "notification_id"), ("children", "child_id")):
        path = params.data_path(name, root)
        if path.is_file():
            header, *rows = path.read_text(encoding="utf-8").splitlines()
            index = header.split(",").index(column)
            ids |= {row.split(",")[index] for row in rows if row}
    return ids


# --- 5. manifest ---------------------------------------------------------------------------


def check_manifest(out: Path, root: Path) -> Check:
    """The inputs recorded in the manifest still have the same content."""
    check = Check("manifest")
    manifest = manifest_.read(out)
    for relative, recorded in sorted(manifest.inputs.items()):
        check.checked += 1
        path = root / relative
        if not path.is_file():
            check.fail(f"input {relative} recorded in manifest.json no longer exists")
        elif sha256_file(path) != recorded:
            check.fail(f"input {relative} changed since the build (hash differs): rebuild")
    for relative in manifest.outputs:
        if not (out / relative).is_file():
            check.fail(f"output {relative} listed in manifest.json is missing")
    return check


# --- 6. spreadsheet ------------------------------------------------------------------------


def check_spreadsheet(out: Path) -> Check:
    """The accessible spreadsheet: cover, contents and notes sheets, a title in A1 and no
    merged cells on every sheet, and each table sheet's cells equal to its open-data file."""
    check = Check("spreadsheet")
    workbook = out / spreadsheet.SPREADSHEET
    check.checked = 1 + len(data_files(out / "tables"))  # the workbook, then each table sheet
    if not workbook.is_file():
        check.fail(f"{spreadsheet.SPREADSHEET}: missing (rebuild the period)")
        return check
    for problem in spreadsheet.check(workbook, out / "tables"):
        check.fail(problem)
    return check


def verify(period: str, *, root: Path | None = None, run_nbval: bool = True) -> Verification:
    """Run every check on ``_output/<period>/`` and write ``verification.json``."""
    root = (root or project_root()).resolve()
    out = output_dir(period, root)
    if not (out / "manifest.json").is_file():
        raise UserError(f"no build of {period} in {out}: run `reportkit build --year {period}`")
    params = config.load_period(period, root)
    with ThreadPoolExecutor(max_workers=1) as background:
        # nbval runs in its own processes: the other checks run here meanwhile.
        nbval = background.submit(check_notebooks, out, root) if run_nbval else None
        checks = [check_manifest(out, root), check_facts_json(out),
                  check_documents(out, root, params), check_presentation(out, params),
                  check_provenance(out), check_revisions(out, root, params),
                  check_packs(out, root, params),
                  check_disclosure(out, root, params), check_spreadsheet(out)]
        if nbval is not None:
            checks.insert(0, nbval.result())
    result = Verification(period, checks)
    (out / "verification.json").write_text(json.dumps(result.to_dict(), indent=2) + "\n",
                                           encoding="utf-8")
    return result
