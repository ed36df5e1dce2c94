"""reportkit: reproducible annual reports on serious incident notifications."""

__version__ = "0.1.0"

#: Where each module of the flat layout (before issue 21) went: an analyst's notebook that still
#: says ``from reportkit import stats`` is told where ``stats`` lives now, instead of only
#: "cannot import name". Nothing is imported from here (the package imports nothing). The old
#: ``data``, ``build`` and ``publish`` modules are not listed: those names are packages now.
MOVED = {
    "chapter": "reportkit.analysis.chapter",
    "charts": "reportkit.analysis.charts",
    "disclosure": "reportkit.analysis.disclosure",
    "facts": "reportkit.analysis.facts",
    "gss": "reportkit.analysis.gss",
    "raster": "reportkit.analysis.raster",
    "reads": "reportkit.analysis.read_audit",
    "sections": "reportkit.analysis.sections",
    "stats": "reportkit.analysis.stats",
    "tables": "reportkit.analysis.tables",
    "wording": "reportkit.analysis.wording",
    "cache": "reportkit.data.dataset_cache",
    "codes": "reportkit.data.codes",
    "datadict": "reportkit.data.dictionary",
    "datadoc": "reportkit.data.dictionary_doc",
    "published": "reportkit.data.published_figures",
    "rawdata": "reportkit.data.raw",
    "reference": "reportkit.data.population",
    "rules": "reportkit.data.rules",
    "synth": "reportkit.data.synth",
    "current": "reportkit.build.up_to_date",
    "execute": "reportkit.build.execute",
    "inputs": "reportkit.build.inputs",
    "kernel_template": "reportkit.build.kernel_template",
    "kernels": "reportkit.build.kernels",
    "papermill_preload": "reportkit.build.papermill_preload",
    "guidance": "reportkit.publish.guidance",
    "manifest": "reportkit.publish.manifest",
    "nbval_lean": "reportkit.publish.nbval_plugin",
    "screener": "reportkit.publish.screener",
    "spreadsheet": "reportkit.publish.spreadsheet",
    "verify": "reportkit.publish.verify",
    "executed": "reportkit.executed_notebooks",
    "lint": "reportkit.render.narrative_lint",
}


def __getattr__(name: str) -> object:
    """Say where a module of the old flat layout went (an ImportError, so that ``from reportkit
    import stats`` shows this message rather than Python's own)."""
    if name in MOVED:
        raise ImportError(
            f"reportkit.{name} has moved to {MOVED[name]} (the source is now laid out by stage; "
            f"see docs/architecture.md): write `from {MOVED[name].rsplit('.', 1)[0]} import "
            f"{MOVED[name].rsplit('.', 1)[1]}`"
        )
    raise AttributeError(f"module 'reportkit' has no attribute {name!r}")
