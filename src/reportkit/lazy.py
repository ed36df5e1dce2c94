"""The one place reportkit imports its own modules when they are first used instead of at the
top of the module that uses them, and why.

``reportkit --help`` (about 0.05 s) and a no-change ``reportkit build`` (about 0.1 s, answered
by ``reportkit.build.up_to_date`` from the recorded fingerprint) import only the CLI,
``build.up_to_date``, ``publish.output_folder`` and the render engines' registry. Imported at
the top, these would cost them pandas, pydantic, Papermill, rich and the renderers
(tests/test_cli.py and tests/test_up_to_date.py check that those stay unimported):

- the commands themselves (``reportkit.commands``: the build, verify, pandas, rich) and the
  kernel template's starter (``reportkit.build.execute``: jupyter_client), which the CLI imports
  only when a command runs, the template first, so that it warms up while the build is imported;
- each render engine's implementation (``reportkit.render.quarto``, and
  ``reportkit.render.builtin``: Pandoc, Typst and python-docx, about 0.25 s), imported when the
  registry asks it whether it is available or to render;
- the manifest's pydantic model (``reportkit.publish.manifest``), which
  ``publish.output_folder`` needs only to check a folder against its manifest, never on the
  no-change path.

It also holds the one list of third-party modules that reportkit's helper processes (the
build's workers and their fork server, verify's nbval run) stop from being imported at all
(``UNUSED_SLOW_IMPORTS``, ``skip_unused_slow_imports``).

The package ``__init__`` modules import nothing, so that importing ``reportkit.build.up_to_date``
does not import the build.

Everything else imports reportkit's modules at the top; a test checks that no function does.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

#: Imported by Papermill's dependencies but never used by them: jsonschema (via nbformat)
#: imports rfc3987_syntax for its optional "iri" format checker, which builds ~35 Lark parsers
#: at import time (1.2-2 s of CPU per process; python-jsonschema/jsonschema#1428). No notebook
#: schema uses format checks, so our helper processes skip it (jsonschema then omits that one
#: checker). The notebooks' kernels are never touched.
UNUSED_SLOW_IMPORTS = ("rfc3987_syntax",)


def module(name: str) -> ModuleType:
    """``reportkit.<name>``, imported now if it was not yet."""
    return importlib.import_module(f"reportkit.{name}")


def skip_unused_slow_imports() -> None:
    """Make ``import`` of each of ``UNUSED_SLOW_IMPORTS`` fail fast in this process (callers
    import them only inside ``try``/``except ImportError``)."""
    for name in UNUSED_SLOW_IMPORTS:
        sys.modules.setdefault(name, None)  # None: ``import name`` raises ImportError
