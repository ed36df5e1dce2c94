"""Where reportkit's files live."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The project folder: ``$REPORTKIT_ROOT``, else the nearest parent holding ``_quarto.yml``."""
    env = os.environ.get("REPORTKIT_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "_quarto.yml").is_file() and (folder / "params").is_dir():
            return folder
    source_checkout = PACKAGE_DIR.parents[1]
    if (source_checkout / "_quarto.yml").is_file():
        return source_checkout
    return here


def data_dir(root: Path | None = None) -> Path:
    """The shipped dataset folder."""
    return (root or project_root()) / "data"


def codes_dir(root: Path | None = None) -> Path:
    """The code lists folder."""
    return data_dir(root) / "codes"


def params_dir(root: Path | None = None) -> Path:
    """The period parameter files folder."""
    return (root or project_root()) / "params"


#: The build manifest's file name in an output folder (``reportkit.publish.manifest`` reads
#: and writes it).
MANIFEST = "manifest.json"

#: The installed package's folder (its ``resources/`` and the library sources cache keys cover).
PACKAGE_DIR = Path(__file__).resolve().parent

#: The local cache folder's name, in the project folder.
CACHE_FOLDER = ".reportkit-cache"


#: Validate the data from the CSVs every time, without the validated-data cache.
NO_DATA_CACHE_ENV = "REPORTKIT_NO_DATA_CACHE"
#: A folder for the validated-data cache other than the project's (``reportkit verify`` gives
#: its kernels a new, empty one, so that nothing of the build's cache is used).
DATA_CACHE_ENV = "REPORTKIT_DATA_CACHE"


def cache_dir(root: Path | None = None) -> Path:
    """The local cache folder (executed notebooks per period, validated datasets): a hint only."""
    return (root or project_root()) / CACHE_FOLDER


def output_dir(period: str, root: Path | None = None) -> Path:
    """The published output folder for one period."""
    return (root or project_root()) / "_output" / period


#: The folder of the local area packs in an output folder, and the files of each pack's folder
#: (``reportkit.build.area_packs`` writes them, ``reportkit.publish.verify`` checks them).
AREAS_DIR = "areas"
PACK_FILES = ("pack.html", "pack.pdf", "facts.json", "open-data.csv")
