"""Imported once by the build's fork server (``reportkit.execute``), so that each worker
process starts with Papermill already imported, without the slow imports it never uses."""

from __future__ import annotations

import sys

from reportkit.execute import UNUSED_SLOW_IMPORTS

for _name in UNUSED_SLOW_IMPORTS:
    sys.modules.setdefault(_name, None)  # None: ``import name`` raises ImportError

import papermill  # noqa: E402, F401
