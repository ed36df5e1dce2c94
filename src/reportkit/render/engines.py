"""Rendering engines behind one small interface, with a registry (as papermill's ``engines.py``).

An engine renders a staged Quarto project's documents to formats and names the versions of the
tools it ran. Engines register under a name (and aliases); ``auto`` chooses Quarto when it is
on PATH, else the built-in engine. The registry's names are the one list the CLI and
:func:`reportkit.render.render` accept.
"""

from __future__ import annotations

import logging
from pathlib import Path

from reportkit import lazy
from reportkit.errors import RenderError

# Each engine's implementation is imported when it is used (``reportkit.lazy`` says why): the
# CLI reads this registry for its --engine choices.

log = logging.getLogger("reportkit.render")

#: The name that chooses an engine by what is installed.
AUTO = "auto"


class Engine:
    """One way to render a staged project: a name, aliases, availability and a render."""

    name: str = ""
    aliases: tuple[str, ...] = ()

    def available(self) -> bool:
        """Whether the engine can run on this machine (``auto`` picks the first that can)."""
        return True

    def require(self) -> None:
        """Raise RenderError when the engine was asked for by name but cannot run."""

    def render(
        self, project_dir: Path, out_dir: Path, documents: tuple[str, ...], formats: tuple[str, ...]
    ) -> tuple[dict[str, str], list[Path]]:
        """Render ``documents`` to ``formats`` in ``out_dir``; returns (tool versions, outputs)."""
        raise NotImplementedError


class QuartoEngine(Engine):
    """``quarto render`` (an error if Quarto is not on PATH; never a silent fallback)."""

    name = "quarto"

    def available(self) -> bool:
        """Quarto is on PATH."""
        return lazy.module("render.quarto").quarto_path() is not None

    def require(self) -> None:
        """A clear error when Quarto is not on PATH."""
        lazy.module("render.quarto").require_quarto()

    def render(self, project_dir, out_dir, documents, formats):
        """Run Quarto on the staged project."""
        return lazy.module("render.quarto").render_quarto(project_dir, out_dir, documents, formats)


class BuiltinEngine(Engine):
    """The built-in engine: the Quarto subset, pre-processed, then Pandoc and Typst."""

    name = "pandoc+typst"
    aliases = ("pandoc",)

    def render(self, project_dir, out_dir, documents, formats):
        """Render with Pandoc and Typst."""
        builtin = lazy.module("render.builtin")
        versions = builtin.engine_versions()
        log.info(
            "rendering with the built-in engine (pandoc %s, typst %s): Quarto is not used",
            versions["pandoc"],
            versions["typst"],
        )
        return versions, builtin.render_builtin(project_dir, out_dir, documents, formats)


class EngineRegistry:
    """Engines by name; ``auto`` is the first registered engine that is available."""

    def __init__(self) -> None:
        self._engines: dict[str, Engine] = {}
        self._aliases: dict[str, str] = {}

    def register(self, engine: Engine) -> None:
        """Add ``engine`` under its name and aliases."""
        for name in (engine.name, *engine.aliases):
            if name == AUTO or name in self._engines or name in self._aliases:
                raise ValueError(f"engine name '{name}' is already taken")
        self._engines[engine.name] = engine
        self._aliases.update({alias: engine.name for alias in engine.aliases})

    def names(self) -> tuple[str, ...]:
        """Every name a user may give: ``auto``, each engine's name, then the aliases."""
        return (AUTO, *self._engines, *self._aliases)

    def resolve(self, name: str = AUTO) -> str:
        """The canonical name of the engine that will run for ``name``."""
        if name not in self.names():
            raise RenderError(
                f"unknown render engine '{name}' (use one of {', '.join(self.names())})"
            )
        if name == AUTO:
            return next(n for n, engine in self._engines.items() if engine.available())
        name = self._aliases.get(name, name)
        self._engines[name].require()
        return name

    def get(self, name: str = AUTO) -> Engine:
        """The engine that will run for ``name``."""
        return self._engines[self.resolve(name)]


registry = EngineRegistry()
registry.register(QuartoEngine())
registry.register(BuiltinEngine())  # last: always available, so ``auto`` falls back to it

#: Every engine name the CLI and ``render`` accept.
ENGINES = registry.names()
