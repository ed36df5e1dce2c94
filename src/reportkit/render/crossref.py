"""``@fig-`` / ``@tbl-`` cross-references: number targets in document order and link to them.

Targets are figures ``![caption](image){#fig-x ...}`` (as written in the narrative or made by
``{{< embed >}}``) and table captions ``: caption {#tbl-x}``. Captions gain the prefix
"Figure N: " / "Table N: "; each ``@fig-x`` becomes ``[Figure N](#fig-x)``. An unknown target,
a duplicate target or an unsupported cross-reference type (``@sec-``, ``@eq-``, ...) is an error.
An image's ``fig-alt`` attribute becomes its ``alt`` text.
"""

from __future__ import annotations

import re
from pathlib import Path

from reportkit.errors import RenderError
from reportkit.render.markdown import SourceLine, iter_outside_code

PREFIX = {"fig": "Figure", "tbl": "Table"}
UNSUPPORTED_KINDS = (
    "sec",
    "eq",
    "lst",
    "thm",
    "lem",
    "cor",
    "prp",
    "cnj",
    "def",
    "exm",
    "exr",
    "sol",
    "rem",
)

_LABEL = r"[A-Za-z0-9_]+(?:[-_][A-Za-z0-9_]+)*"
FIGURE = re.compile(r"^(\s*!\[)(.*)(\]\(.*\)\{)([^}]*)(\}\s*)$")
TABLE_CAPTION = re.compile(
    r"^(\s*(?::|Table:)\s*)(.*?)(\s*\{[^}]*#(tbl-" + _LABEL + r")[^}]*\}\s*)$"
)
DIV_TARGET = re.compile(r"^\s*:{3,}\s*\{[^}]*#((?:fig|tbl)-" + _LABEL + r")")
REFERENCE = re.compile(r"(?<![\w\\@])\[?@([a-z]+)-(" + _LABEL + r")\]?")
_ID = re.compile(r"#((?:fig|tbl)-" + _LABEL + r")")


def _targets(lines: list[SourceLine], root: Path | None) -> dict[str, int]:
    numbers: dict[str, int] = {}
    counters = {"fig": 0, "tbl": 0}
    seen: dict[str, SourceLine] = {}
    for line, in_code in iter_outside_code(lines):
        if in_code:
            continue
        div = DIV_TARGET.match(line.text)
        if div:
            raise RenderError(
                f"{line.where(root)}: div cross-reference target '#{div.group(1)}' is not "
                "supported "
                "by the built-in engine; use {{< embed >}}, an image with {#fig-...} or a table "
                "caption with {#tbl-...}"
            )
        label = None
        figure = FIGURE.match(line.text)
        if figure:
            found = _ID.search(figure.group(4))
            label = found.group(1) if found and found.group(1).startswith("fig-") else None
        else:
            table = TABLE_CAPTION.match(line.text)
            label = table.group(4) if table else None
        if label is None:
            continue
        if label in seen:
            raise RenderError(
                f"{line.where(root)}: duplicate cross-reference target '{label}' "
                f"(first at {seen[label].where(root)})"
            )
        seen[label] = line
        kind = label.split("-", 1)[0]
        counters[kind] += 1
        numbers[label] = counters[kind]
    return numbers


def _rewrite_target(text: str, numbers: dict[str, int]) -> str:
    figure = FIGURE.match(text)
    if figure:
        attrs = figure.group(4).replace("fig-alt=", "alt=")
        found = _ID.search(attrs)
        caption = figure.group(2)
        if found and found.group(1) in numbers:
            caption = f"Figure {numbers[found.group(1)]}: {caption}"
        return figure.group(1) + caption + figure.group(3) + attrs + figure.group(5)
    table = TABLE_CAPTION.match(text)
    if table and table.group(4) in numbers:
        caption = f"Table {numbers[table.group(4)]}: {table.group(2)}"
        return table.group(1) + caption + table.group(3)
    return text


def _rewrite_references(line: SourceLine, numbers: dict[str, int], root: Path | None) -> str:
    def link(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2)
        if kind not in PREFIX:
            if kind in UNSUPPORTED_KINDS:
                raise RenderError(
                    f"{line.where(root)}: cross-reference '@{kind}-{name}' is not supported "
                    "(only @fig- and @tbl-)"
                )
            return match.group(0)
        label = f"{kind}-{name}"
        if label not in numbers:
            raise RenderError(f"{line.where(root)}: unknown cross-reference '@{label}'")
        return f"[{PREFIX[kind]} {numbers[label]}](#{label})"

    parts = line.text.split("`")
    for i in range(0, len(parts), 2):  # leave inline code alone
        parts[i] = REFERENCE.sub(link, parts[i])
    return "`".join(parts)


def resolve(
    lines: list[SourceLine], root: Path | None = None
) -> tuple[list[SourceLine], dict[str, int]]:
    """Number the targets and link the references; returns the new lines and the numbers."""
    numbers = _targets(lines, root)
    out: list[SourceLine] = []
    for line, in_code in iter_outside_code(lines):
        if in_code:
            out.append(line)
            continue
        text = _rewrite_target(line.text, numbers)
        out.append(line.replaced(_rewrite_references(line.replaced(text), numbers, root)))
    return out, numbers
