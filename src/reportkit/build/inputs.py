"""What a build reads from the project folder, as lists of files: the one definition that the
build's cache keys (``reportkit.build.pipeline.plan``) and the quick no-change check
(``reportkit.build.up_to_date``) share. Light on purpose: no pydantic, no pandas."""

from __future__ import annotations

from pathlib import Path

from reportkit.paths import PACKAGE_DIR, codes_dir, data_dir, params_dir

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


def notebook_sources(root: Path) -> list[Path]:
    """The chapter notebooks, in chapter order."""
    return sorted((root / "notebooks").glob(NOTEBOOK_GLOB))


def params_files(root: Path) -> list[Path]:
    """Every params file: the trends chapter reads them all (``config.available_periods``)."""
    return sorted(params_dir(root).glob("*.yml"))


def reference_files(root: Path) -> list[Path]:
    """The code lists, and the published figures (which comparisons were published)."""
    published = data_dir(root) / "published"
    return sorted(codes_dir(root).glob("*.csv")) + sorted(published.glob("*.yml"))


def report_sources(root: Path) -> list[Path]:
    """The narrative and the Quarto project file."""
    files = [root / "_quarto.yml"]
    files += sorted(p for p in (root / "report").rglob("*") if p.is_file())
    return files


def library_files(package_dir: Path | None = None) -> list[Path]:
    """The reportkit library sources a notebook may run (every ``.py`` of the package)."""
    base = package_dir or PACKAGE_DIR
    return sorted(p for p in base.rglob("*.py") if "__pycache__" not in p.parts)


def listed_files(root: Path) -> list[Path]:
    """Every input file found by listing folders (the data files themselves are named by the
    params): a new file among them changes what a build reads."""
    return [*params_files(root), *reference_files(root), *notebook_sources(root),
            *report_sources(root), *library_files()]
