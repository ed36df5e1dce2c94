"""The one place reportkit imports its own modules when they are first used instead of at the
top of the module that uses them, and why.

``reportkit --help`` (about 0.05 s) and a no-change ``reportkit build`` (about 0.1 s, answered
by ``reportkit.current`` from the recorded fingerprint) import only the CLI, ``current``,
``publish`` and the render engines' registry. Imported at the top, these would cost them
pandas, pydantic, Papermill, rich and the renderers (tests/test_cli.py and tests/test_current.py
check that those stay unimported):

- the commands themselves (``reportkit.commands``: the build, verify, pandas, rich) and the
  kernel template's starter (``reportkit.execute``: jupyter_client), which the CLI imports only
  when a command runs, the template first, so that it warms up while the build is imported;
- each render engine's implementation (``reportkit.render.quarto``, and
  ``reportkit.render.builtin``: Pandoc, Typst and python-docx, about 0.25 s), imported when the
  registry asks it whether it is available or to render;
- the manifest's pydantic model (``reportkit.manifest``), which ``publish`` needs only to check
  a folder against its manifest, never on the no-change path.

Everything else imports reportkit's modules at the top; a test checks that no function does.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def module(name: str) -> ModuleType:
    """``reportkit.<name>``, imported now if it was not yet."""
    return importlib.import_module(f"reportkit.{name}")
