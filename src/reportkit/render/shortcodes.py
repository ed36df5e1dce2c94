"""Expanding the Quarto shortcodes the built-in engine supports.

Supported, exactly: ``{{< var name >}}``, ``{{< meta key >}}``, ``{{< include path >}}`` (on a
line of its own, relative to the including file, recursive) and
``{{< embed notebook.ipynb#label >}}`` (on a line of its own). ``{{{< ... >}}}`` stays literal
as ``{{< ... >}}``. Any other shortcode is an error naming the shortcode, file and line.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportkit.errors import RenderError
from reportkit.render.conditional import select_content
from reportkit.render.markdown import SourceLine
from reportkit.render.notebook_outputs import NotebookCache, outputs_to_markdown
from reportkit.render.project import lookup

SUPPORTED = ("var", "meta", "include", "embed")

ESCAPED = re.compile(r"\{\{\{<(.*?)>\}\}\}")
SHORTCODE = re.compile(r"\{\{<\s*(.*?)\s*>\}\}")
_PLACEHOLDER = "\x00ESCAPED{}\x00"
_LEADING_VALUE = re.compile(r"^\s*\{\{<\s*(var|meta)\s")
_LIST_MARKER = re.compile(r"^(\s*)(\d+)([.)])(?=\s|$)")
_RESTORE = re.compile(r"\x00ESCAPED(\d+)\x00")


@dataclass
class ExpandContext:
    """What shortcodes read: the project, the variables and metadata, and where figures go."""

    root: Path
    document: Path
    variables: dict[str, Any]
    metadata: dict[str, Any]
    figure_dir: Path
    notebooks: NotebookCache = field(default_factory=NotebookCache)
    #: The output format; when set, hidden conditional content is dropped before expansion,
    #: so a fact or embed is needed only where the document shows it.
    output_format: str | None = None
    #: Leave embeds out (for listing quoted facts without rendering).
    skip_embeds: bool = False
    #: The names of the variables quoted, in document order.
    quoted: list[str] = field(default_factory=list)


def format_value(value: Any) -> str:
    """A variable or metadata value as text (booleans as ``true``/``false``, like Quarto)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def expand(
    lines: list[SourceLine], ctx: ExpandContext, _stack: tuple[Path, ...] = ()
) -> list[SourceLine]:
    """Expand every shortcode in ``lines`` (includes recursively) into plain Markdown lines."""
    if ctx.output_format:
        lines = select_content(lines, ctx.metadata, ctx.output_format, ctx.root)
    out: list[SourceLine] = []
    for line in lines:
        escaped: list[str] = []

        def hide(match: re.Match[str], escaped: list[str] = escaped) -> str:
            escaped.append("{{<" + match.group(1) + ">}}")
            return _PLACEHOLDER.format(len(escaped) - 1)

        text = ESCAPED.sub(hide, line.text)
        block = _block_shortcode(text, line, ctx, _stack)
        if block is not None:
            out.extend(block)
            continue
        starts_with_value = bool(_LEADING_VALUE.match(text))
        text = SHORTCODE.sub(lambda m, line=line: _inline(m.group(1), line, ctx), text)
        if starts_with_value:
            # Quarto resolves shortcodes after parsing; here they are resolved before, so a line
            # that now starts "2019." or "3)" must not turn into an ordered-list item.
            text = _LIST_MARKER.sub(r"\1\2\\\3", text, count=1)
        if "{{<" in text:
            raise RenderError(
                f"{line.where(ctx.root)}: unterminated shortcode in: {line.text.strip()}"
            )
        text = _RESTORE.sub(lambda m, escaped=escaped: escaped[int(m.group(1))], text)
        out.append(line.replaced(text))
    return out


def _parse(body: str, line: SourceLine, root: Path) -> tuple[str, list[str]]:
    try:
        parts = shlex.split(body)
    except ValueError as exc:
        raise RenderError(
            f"{line.where(root)}: cannot parse shortcode {{{{< {body} >}}}}: {exc}"
        ) from exc
    if not parts:
        raise RenderError(f"{line.where(root)}: empty shortcode {{{{< >}}}}")
    name, args = parts[0], parts[1:]
    if name not in SUPPORTED:
        raise RenderError(
            f"{line.where(root)}: unsupported shortcode '{name}' in {{{{< {body} >}}}}; "
            f"the built-in engine supports only {', '.join(SUPPORTED)}"
        )
    if len(args) != 1:
        raise RenderError(
            f"{line.where(root)}: shortcode '{name}' takes exactly one argument: {{{{< {body} >}}}}"
        )
    return name, args


def _block_shortcode(
    text: str, line: SourceLine, ctx: ExpandContext, stack: tuple[Path, ...]
) -> list[SourceLine] | None:
    """Expand an ``include`` or ``embed`` that stands on its own line; None for other lines."""
    match = SHORTCODE.fullmatch(text.strip())
    if not match:
        return None
    body = match.group(1)
    name = body.split(maxsplit=1)[0] if body.split() else ""
    if name not in ("include", "embed"):
        return None
    name, (arg,) = _parse(body, line, ctx.root)
    if name == "include":
        return _include(arg, line, ctx, stack)
    return _embed(arg, line, ctx)


def _inline(body: str, line: SourceLine, ctx: ExpandContext) -> str:
    name, (arg,) = _parse(body, line, ctx.root)
    if name in ("include", "embed"):
        raise RenderError(f"{line.where(ctx.root)}: '{name}' must stand on a line of its own")
    source, label = (ctx.variables, "variable") if name == "var" else (ctx.metadata, "metadata key")
    try:
        value = lookup(source, arg)
    except KeyError:
        where = "_variables.yml" if name == "var" else "the document metadata"
        raise RenderError(
            f"{line.where(ctx.root)}: unknown {label} '{arg}' (not in {where})"
        ) from None
    if isinstance(value, dict | list):
        raise RenderError(f"{line.where(ctx.root)}: {label} '{arg}' is not a single value")
    if name == "var":
        ctx.quoted.append(arg)
    return format_value(value)


def _include(
    arg: str, line: SourceLine, ctx: ExpandContext, stack: tuple[Path, ...]
) -> list[SourceLine]:
    path = (line.path.parent / arg).resolve()
    if not path.is_file():
        raise RenderError(f"{line.where(ctx.root)}: included file not found: {arg}")
    if path in stack or path == line.path.resolve():
        raise RenderError(f"{line.where(ctx.root)}: circular include of {arg}")
    text = path.read_text(encoding="utf-8")
    included = [SourceLine(t, path, n) for n, t in enumerate(text.splitlines(), start=1)]
    return [
        line.replaced(""),
        *expand(included, ctx, (*stack, line.path.resolve())),
        line.replaced(""),
    ]


def _embed(arg: str, line: SourceLine, ctx: ExpandContext) -> list[SourceLine]:
    if ctx.skip_embeds:
        return []
    if "#" not in arg:
        raise RenderError(f"{line.where(ctx.root)}: embed needs notebook.ipynb#label, got '{arg}'")
    notebook_ref, label = arg.split("#", 1)
    if not notebook_ref.endswith(".ipynb"):
        raise RenderError(
            f"{line.where(ctx.root)}: the built-in engine embeds only from .ipynb: {arg}"
        )
    # Quarto resolves embeds in included partials against the rendered document; accept both.
    candidates = [
        (ctx.document.parent / notebook_ref).resolve(),
        (line.path.parent / notebook_ref).resolve(),
    ]
    notebook = next((c for c in candidates if c.is_file()), None)
    if notebook is None:
        raise RenderError(f"{line.where(ctx.root)}: notebook not found: {notebook_ref}")
    try:
        cell = ctx.notebooks.cell(notebook, label)
        markdown = outputs_to_markdown(cell, ctx.figure_dir, notebook.name,
                                       ctx.output_format or "html")
    except RenderError as exc:
        raise RenderError(f"{line.where(ctx.root)}: {exc}") from None
    return [line.replaced(text) for text in markdown]
