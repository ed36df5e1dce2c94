"""The engine registry: one list of names, ``auto`` choosing, aliases, and render dispatching."""

from __future__ import annotations

from pathlib import Path

import pytest

import reportkit.render as render_module
from reportkit.cli import make_parser
from reportkit.errors import RenderError
from reportkit.render import DEFAULT_DOCUMENTS, render
from reportkit.render.engines import ENGINES, Engine, EngineRegistry, registry

REPO = Path(__file__).resolve().parents[1]


class _Fake(Engine):
    def __init__(self, name: str, *, available: bool = True, aliases: tuple[str, ...] = ()):
        self.name, self.aliases, self._available = name, aliases, available
        self.calls: list[tuple] = []

    def available(self) -> bool:
        return self._available

    def render(self, project_dir, out_dir, documents, formats):
        self.calls.append((project_dir, out_dir, documents, formats))
        return {"fake": "1.0"}, [out_dir / f"{d}.{f}" for d in documents for f in formats]


def test_the_registry_holds_both_engines_and_the_alias():
    assert ENGINES == ("auto", "quarto", "pandoc+typst", "pandoc")
    assert registry.resolve("pandoc") == "pandoc+typst"
    assert registry.resolve("pandoc+typst") == "pandoc+typst"


def test_the_cli_offers_exactly_the_registry_names():
    parser = make_parser()
    for command in ("build", "render"):
        args = parser.parse_args([command, "--engine", "pandoc+typst"])
        assert args.engine == "pandoc+typst"
    actions = [a for sub in parser._subparsers._group_actions for p in sub.choices.values()
               for a in p._actions if "--engine" in a.option_strings]
    assert actions and all(tuple(a.choices) == ENGINES for a in actions)


def test_auto_takes_the_first_available_engine():
    engines = EngineRegistry()
    engines.register(_Fake("first", available=False))
    engines.register(_Fake("second"))
    assert engines.resolve("auto") == "second"
    assert engines.resolve("first") == "first"  # asked for by name: its own require() decides


def test_a_name_is_registered_once():
    engines = EngineRegistry()
    engines.register(_Fake("one", aliases=("uno",)))
    for clash in (_Fake("one"), _Fake("two", aliases=("uno",)), _Fake("auto")):
        with pytest.raises(ValueError, match="already taken"):
            engines.register(clash)


def test_an_unknown_engine_is_refused_with_the_names():
    with pytest.raises(RenderError, match="unknown render engine 'latex'.*auto, quarto"):
        registry.resolve("latex")


def test_render_runs_the_registered_engine(tmp_path, monkeypatch):
    engines = EngineRegistry()
    fake = _Fake("fake", aliases=("f",))
    engines.register(fake)
    monkeypatch.setattr(render_module, "registry", engines)
    result = render(tmp_path / "project", tmp_path / "out", engine="f", formats=["html"])
    assert result.engine == "fake"
    assert result.versions == {"fake": "1.0"}
    assert fake.calls == [(tmp_path / "project", tmp_path / "out", DEFAULT_DOCUMENTS, ("html",))]
    assert result.outputs == [tmp_path / "out" / f"{d}.html" for d in DEFAULT_DOCUMENTS]


def test_the_default_documents_are_the_report_sources():
    for name in DEFAULT_DOCUMENTS:
        assert (REPO / "report" / f"{name}.qmd").is_file()
