"""Imported once by the build's fork server (``reportkit.build.execute``), so that each worker
process starts with Papermill already imported, without the slow imports it never uses."""

from __future__ import annotations

from reportkit import lazy

lazy.skip_unused_slow_imports()

import papermill  # noqa: E402, F401
