"""A pytest plugin for ``reportkit verify``'s nbval run (loaded with ``-p``, so in the
pytest-xdist workers too): it stops jsonschema importing ``rfc3987_syntax``, which nbformat's
schema never uses (jsonschema only leaves out its optional "iri" format checker) and which
builds about 35 Lark parsers at import: 1-2 s of CPU in each of nbval's processes. The same is
done in the build's workers (``reportkit.lazy.UNUSED_SLOW_IMPORTS``). The notebooks'
kernels are standard Jupyter kernels, untouched by this plugin.
"""

from __future__ import annotations

from reportkit import lazy

lazy.skip_unused_slow_imports()
