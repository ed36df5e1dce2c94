"""The narrative lint: no typed number in the report's prose.

Every number the report quotes must come from a fact (``{{< var name >}}``) or the period
metadata (``{{< meta key >}}``). ``lint_narrative`` reads ``.qmd`` files and reports each digit in
the prose that is none of:

* inside a ``{{< var >}}``/``{{< meta >}}`` (or any) shortcode;
* a date: ``1 January 2020``, ``April 2022``, ``2018``, ``2020-21``, ``2019/20``, ``2020-04-01``;
* a numbered-list marker (``1.``, ``2)``) or a heading number (``## 3. Deaths``, ``## 3.1 ...``);
* on the allow-list (``report/lint-allow.yml``: phrases and regular expressions, each with a
  reason).

Not prose, so never checked: YAML front matter, fenced code blocks, ``#|`` cell options,
fenced-div lines (``::: {...}``), attribute blocks (``{#fig-x}``), inline code, HTML comments and
tags, link targets, URLs and cross-references (``@fig-x``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reportkit.errors import LintError, UserError
from reportkit.render.markdown import (
    SourceLine,
    display_path,
    front_matter_length,
    iter_outside_code,
)

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
YEAR = r"(?:19|20)\d{2}"

#: Spans that are not prose (replaced by spaces, so columns stay true).
NOT_PROSE = [
    re.compile(r"\{\{\{<.*?>\}\}\}"),  # escaped shortcodes
    re.compile(r"\{\{<.*?>\}\}"),  # shortcodes: var, meta, include, embed
    re.compile(r"<!--.*?-->"),  # one-line HTML comments
    re.compile(r"`+[^`]*`+"),  # inline code
    re.compile(r"\]\([^)]*\)"),  # link and image targets
    re.compile(r"\[\^[^\]]*\]"),  # footnote references
    re.compile(r"https?://\S+|www\.\S+"),  # bare URLs
    re.compile(r"(?<![\w])-?@[A-Za-z][\w-]*"),  # cross-references and citations
    re.compile(r"\{[^{}]*\}"),  # attribute blocks {#id .class key=value}
    re.compile(r"</?[A-Za-z][^>]*>"),  # HTML tags
]

#: Dates (exempt).
DATES = [
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\b(?:,?\s+{YEAR}\b)?"),
    re.compile(rf"\b(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,\s+{YEAR}\b"),
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    re.compile(rf"\b{YEAR}(?:\s*[-/–]\s*(?:\d{{2}}|{YEAR}))?s?\b"),
]

LIST_MARKER = re.compile(r"^(\s*(?:>\s*)*)(\d{1,3})([.)])(?=\s|$)")
HEADING_NUMBER = re.compile(r"^(\s{0,3}#{1,6}\s+)(\d+(?:\.\d+)*\.?)(?=\s)")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
_FENCE_LINE = re.compile(r"^\s{0,3}:{3,}")
_OPTION_LINE = re.compile(r"^\s*#\|")


@dataclass(frozen=True)
class LintProblem:
    """A typed number in the narrative."""

    file: Path
    line: int
    column: int
    text: str
    suggestion: str | None = None
    root: Path | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        where = f"{display_path(self.file, self.root)}:{self.line}"
        message = f"{where}: typed number '{self.text}' is not a fact"
        if self.suggestion:
            message += f"; use {{{{< var {self.suggestion} >}}}}"
        else:
            message += "; record it as a fact and use {{< var name >}}"
        return message


@dataclass(frozen=True)
class AllowList:
    """Phrases and patterns whose digits the narrative may type (policy numbers, names)."""

    phrases: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def load(cls, path: Path) -> AllowList:
        """Read an allow-list file: ``phrases:`` and ``patterns:``, each a string or a mapping."""
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except FileNotFoundError as exc:
            raise UserError(f"{path}: allow-list not found") from exc
        except yaml.YAMLError as exc:
            raise UserError(f"{path}: invalid YAML: {exc}") from exc
        if not isinstance(data, dict) or set(data) - {"phrases", "patterns"}:
            raise UserError(f"{path}: expected a mapping with 'phrases' and/or 'patterns'")
        phrases = tuple(_entry(item, "text", path) for item in data.get("phrases") or [])
        patterns = []
        for item in data.get("patterns") or []:
            source = _entry(item, "regex", path)
            try:
                patterns.append(re.compile(source))
            except re.error as exc:
                raise UserError(f"{path}: invalid pattern {source!r}: {exc}") from exc
        return cls(phrases, tuple(patterns))

    def spans(self, text: str) -> Iterable[tuple[int, int]]:
        """The allowed spans of ``text``."""
        for phrase in self.phrases:
            for match in re.finditer(re.escape(phrase), text, flags=re.IGNORECASE):
                yield match.span()
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                yield match.span()


def _entry(item: Any, key: str, path: Path) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and isinstance(item.get(key), str):
        return item[key]
    raise UserError(
        f"{path}: allow-list entries are strings or mappings with '{key}' and 'reason': {item!r}"
    )


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    for start, end in spans:
        text = _blank(text, start, end)
    return text


def prose_lines(path: Path) -> list[SourceLine]:
    """The lines of a ``.qmd`` that hold prose (front matter, code and options removed)."""
    raw = Path(path).read_text(encoding="utf-8").splitlines()
    start = front_matter_length(raw) or 0  # not closed: every line is checked as prose
    lines = [SourceLine(text, Path(path), n) for n, text in enumerate(raw, start=1) if n > start]
    prose = []
    in_comment = False
    for line, in_code in iter_outside_code(lines):
        text = line.text
        if in_code or _OPTION_LINE.match(text) or _FENCE_LINE.match(text):
            continue
        if in_comment:
            if "-->" not in text:
                continue
            end = text.index("-->") + 3
            text, in_comment = " " * end + text[end:], False
        if "<!--" in text and "-->" not in text[text.index("<!--") :]:
            text, in_comment = text[: text.index("<!--")], True
        prose.append(line.replaced(text))
    return prose


def _suggest(token: str, variables: Mapping[str, Any] | None) -> str | None:
    if not variables:
        return None
    bare = token.rstrip("%")
    for name in sorted(variables):
        value = str(variables[name])
        if value in (token, bare) or value.rstrip("%") == bare:
            return name
    return None


def lint_narrative(
    paths: Iterable[Path],
    allow: AllowList | None = None,
    *,
    variables: Mapping[str, Any] | None = None,
    root: Path | None = None,
) -> list[LintProblem]:
    """Every typed number in the prose of ``paths``; ``variables`` (facts) make suggestions."""
    allow = allow or AllowList()
    problems: list[LintProblem] = []
    for path in paths:
        for line in prose_lines(Path(path)):
            text = line.text
            for pattern in (LIST_MARKER, HEADING_NUMBER):
                match = pattern.match(text)
                if match:
                    text = _blank(text, match.start(2), match.end(2))
            for pattern in NOT_PROSE:
                text = _mask(text, (m.span() for m in pattern.finditer(text)))
            text = _mask(text, list(allow.spans(text)))
            for pattern in DATES:
                text = _mask(text, (m.span() for m in pattern.finditer(text)))
            for match in NUMBER.finditer(text):
                token = match.group(0)
                problems.append(
                    LintProblem(
                        line.path,
                        line.lineno,
                        match.start() + 1,
                        token,
                        _suggest(token, variables),
                        root,
                    )
                )
    return problems


def narrative_files(root: Path, paths: Iterable[Path] | None = None) -> list[Path]:
    """The ``.qmd`` files to lint: ``paths`` (folders searched), else ``report/**/*.qmd``."""
    found: list[Path] = []
    for path in paths if paths else [Path(root) / "report"]:
        path = Path(path)
        found += sorted(path.rglob("*.qmd")) if path.is_dir() else [path]
    return found


def lint_project(
    root: Path, *, paths: Iterable[Path] | None = None, variables: Mapping[str, Any] | None = None
) -> list[LintProblem]:
    """Lint a project's narrative (or ``paths``) with ``report/lint-allow.yml`` (if present)."""
    root = Path(root)
    allow_file = root / "report" / "lint-allow.yml"
    allow = AllowList.load(allow_file) if allow_file.is_file() else AllowList()
    return lint_narrative(narrative_files(root, paths), allow, variables=variables, root=root)


def check_narrative(root: Path, *, variables: Mapping[str, Any] | None = None) -> None:
    """Raise :class:`LintError` listing every typed number, if there is any."""
    problems = lint_project(root, variables=variables)
    if problems:
        lines = [f"{len(problems)} typed number(s) in the narrative:"] + [
            f"  {p}" for p in problems
        ]
        raise LintError("\n".join(lines))
