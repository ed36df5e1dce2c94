"""Small line-level helpers for Pandoc Markdown: source lines, attributes, fences."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reportkit.errors import RenderError


@dataclass(frozen=True)
class SourceLine:
    """One line of expanded Markdown and where it came from (for error messages)."""

    text: str
    path: Path
    lineno: int

    def where(self, root: Path | None = None) -> str:
        """``file:line``, the file relative to ``root`` when possible."""
        return f"{display_path(self.path, root)}:{self.lineno}"

    def replaced(self, text: str) -> SourceLine:
        """The same origin with new text."""
        return SourceLine(text, self.path, self.lineno)


def display_path(path: Path, root: Path | None = None) -> str:
    """``path`` relative to ``root`` (or the working directory) when it lies inside it."""
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


@dataclass
class Attributes:
    """A Pandoc attribute block ``{#id .class key="value"}``."""

    identifier: str = ""
    classes: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)


def parse_attributes(text: str) -> Attributes:
    """Parse the inside of ``{...}`` (without the braces) into an :class:`Attributes`."""
    attrs = Attributes()
    try:
        tokens = shlex.split(text, posix=True)
    except ValueError as exc:
        raise RenderError(f"cannot parse attributes {{{text}}}: {exc}") from exc
    for token in tokens:
        if token.startswith("#"):
            attrs.identifier = token[1:]
        elif token.startswith("."):
            attrs.classes.append(token[1:])
        elif "=" in token:
            key, value = token.split("=", 1)
            attrs.values[key] = value
        else:
            attrs.classes.append(token)
    return attrs


CODE_FENCE = re.compile(r"^(\s{0,3})(`{3,}|~{3,})")
DIV_FENCE = re.compile(r"^\s{0,3}(:{3,})\s*(.*?)\s*:*\s*$")


def div_fence(line: str) -> tuple[bool, Attributes | None] | None:
    """Classify a fenced-div line: ``(True, attrs)`` opens, ``(False, None)`` closes, else None."""
    match = DIV_FENCE.match(line)
    if not match:
        return None
    rest = match.group(2).strip()
    if not rest:
        return False, None
    if rest.startswith("{") and rest.endswith("}"):
        return True, parse_attributes(rest[1:-1])
    return True, Attributes(classes=[rest.split()[0]])


def iter_outside_code(lines: Iterable[SourceLine]) -> Iterator[tuple[SourceLine, bool]]:
    """Yield each line with a flag: True when it is inside (or delimits) a fenced code block."""
    fence: str | None = None
    for line in lines:
        match = CODE_FENCE.match(line.text)
        if fence is None and match:
            fence = match.group(2)[0] * len(match.group(2))
            yield line, True
        elif fence is not None:
            stripped = line.text.strip()
            if stripped.startswith(fence) and set(stripped) <= {fence[0]}:
                fence = None
            yield line, True
        else:
            yield line, False


def front_matter_length(lines: list[str]) -> int | None:
    """How many lines a YAML front matter block at the top uses (its ``---`` line, its body and
    its closing ``---`` or ``...``): 0 when the text has none, None when it is not closed."""
    if not lines or lines[0].strip() != "---":
        return 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            return end + 1
    return None
