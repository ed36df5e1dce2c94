"""reportkit.render.quarto: Quarto asked for, missing or failing; auto choosing the engine."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from render_project import make_project

from reportkit.errors import RenderError
from reportkit.render import choose_engine, render


def test_engine_quarto_without_quarto_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no quarto here
    root = make_project(tmp_path / "p")
    with pytest.raises(RenderError, match="Quarto is not on PATH"):
        render(root, tmp_path / "out", engine="quarto")
    assert choose_engine("auto") == "pandoc+typst"
    with pytest.raises(RenderError, match="unknown render engine"):
        choose_engine("latex")


def test_log_names_the_engine(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reportkit.render.quarto.quarto_path", lambda: None)
    root = make_project(tmp_path / "p")
    with caplog.at_level(logging.INFO, logger="reportkit.render"):
        render(
            root,
            tmp_path / "out",
            engine="auto",
            documents=("executive-summary",),
            formats=("html",),
        )
    messages = io.StringIO("\n".join(r.getMessage() for r in caplog.records)).getvalue()
    assert "built-in engine (pandoc 3" in messages and "typst" in messages


def test_quarto_failure_is_a_render_error_with_quartos_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in for a failing quarto (the real one runs in test_engines_agree.py): its message,
    printed on stdout as Quarto prints filter errors, reaches the error, colour codes removed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "quarto"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo 1.9.38; exit 0; fi\n'
        'if [ "$1" = "pandoc" ] || [ "$1" = "typst" ]; then echo "$1 9.9"; exit 0; fi\n'
        'printf "Error running filter: object has no __toinline metamethod\\n"\n'
        'printf "\\033[33mWARN: Error encountered when rendering files\\033[39m\\n" >&2\n'
        "exit 1\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert choose_engine("auto") == "quarto"
    root = make_project(tmp_path / "p")
    with pytest.raises(RenderError) as caught:
        render(root, tmp_path / "out", engine="quarto", documents=("annual-report",),
               formats=("html",))
    message = str(caught.value)
    assert "quarto render report/annual-report.qmd --to html failed" in message
    assert "no __toinline metamethod" in message
    assert "WARN: Error encountered" in message and "\x1b" not in message
