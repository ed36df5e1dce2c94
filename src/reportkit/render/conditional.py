"""``.content-visible`` / ``.content-hidden`` fenced divs, decided by metadata and format.

Conditions, as in Quarto: ``when-format`` / ``unless-format`` (``html``, ``pdf``, ``docx``;
``typst`` is accepted for the PDF, which Quarto renders with its ``typst`` format) and
``when-meta`` / ``unless-meta`` (a boolean metadata key, dotted for nesting). A
``.content-visible`` div shows when every condition holds; a ``.content-hidden`` div hides
when every condition holds. An unknown or non-boolean metadata key is an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportkit.errors import RenderError
from reportkit.render.markdown import Attributes, SourceLine, div_fence, iter_outside_code
from reportkit.render.project import lookup

FORMAT_ALIASES = {
    "html": {"html", "html5", "html4"},
    "pdf": {"pdf", "typst"},
    "docx": {"docx"},
}
CONDITIONS = ("when-format", "unless-format", "when-meta", "unless-meta")


def _format_matches(name: str, output_format: str, where: str) -> bool:
    known = set().union(*FORMAT_ALIASES.values())
    if name not in known:
        raise RenderError(
            f"{where}: unknown format '{name}' (use one of {', '.join(sorted(known))})"
        )
    return name in FORMAT_ALIASES[output_format]


def _meta_true(key: str, metadata: dict[str, Any], where: str) -> bool:
    try:
        value = lookup(metadata, key)
    except KeyError:
        raise RenderError(f"{where}: unknown metadata key '{key}' in a conditional div") from None
    if not isinstance(value, bool):
        raise RenderError(f"{where}: metadata key '{key}' must be true or false, not {value!r}")
    return value


def conditions_hold(
    attrs: Attributes, metadata: dict[str, Any], output_format: str, where: str
) -> bool:
    """True when every condition on a conditional div holds."""
    checks = []
    for key in CONDITIONS:
        if key not in attrs.values:
            continue
        value = attrs.values[key]
        if key.endswith("format"):
            hit = _format_matches(value, output_format, where)
        else:
            hit = _meta_true(value, metadata, where)
        checks.append(hit if key.startswith("when") else not hit)
    return all(checks)


def select_content(
    lines: list[SourceLine], metadata: dict[str, Any], output_format: str, root: Path | None = None
) -> list[SourceLine]:
    """Drop hidden conditional divs and unwrap visible ones."""
    out: list[SourceLine] = []
    stack: list[tuple[bool, bool]] = []  # (this div is conditional, its content is shown)
    shown = True
    for line, in_code in iter_outside_code(lines):
        fence = None if in_code else div_fence(line.text)
        if fence is None:
            if shown:
                out.append(line)
            continue
        opens, attrs = fence
        if opens and attrs is not None:
            kinds = {"content-visible", "content-hidden"} & set(attrs.classes)
            if kinds:
                where = line.where(root)
                hold = conditions_hold(attrs, metadata, output_format, where)
                visible = hold if "content-visible" in kinds else not hold
                stack.append((True, shown))
                shown = shown and visible
                continue
            stack.append((False, shown))
        elif stack:
            conditional, outer = stack.pop()
            if conditional:
                shown = outer
                continue
        if shown:
            out.append(line)
    if any(conditional for conditional, _ in stack):
        raise RenderError(f"{lines[-1].where(root) if lines else root}: conditional div not closed")
    return out
