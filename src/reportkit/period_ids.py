"""Period ids: the names of params files and output folders (``2020``, ``2022-23``,
``2023-04-to-2023-09``). Checked before anything touches the disk. Light on purpose (no
pydantic): the command line checks ``--year`` with it before it imports anything heavy."""

from __future__ import annotations

import re
from pathlib import Path

from reportkit.errors import ParamsError
from reportkit.paths import params_dir

PERIOD_ID_PATTERN = (r"^[0-9]{4}(-[0-9]{2})?$"
                     r"|^[0-9]{4}-(0[1-9]|1[0-2])-to-[0-9]{4}-(0[1-9]|1[0-2])$")
#: How an error message names the id forms.
PERIOD_ID_FORMS = "YYYY, YYYY-YY or YYYY-MM-to-YYYY-MM"


def is_period_id(text: object) -> bool:
    """True for a period id: ``YYYY``, ``YYYY-YY`` or ``YYYY-MM-to-YYYY-MM``."""
    return isinstance(text, str) and re.fullmatch(PERIOD_ID_PATTERN, text) is not None


def check_period_id(period: str, root: Path | None = None) -> str:
    """``period`` if it is a period id (see ``PERIOD_ID_PATTERN``), else a ``ParamsError``.

    Checked before anything touches the disk: the id names files and folders.
    """
    if not is_period_id(period):
        known = ", ".join(available_periods(root)) or "none"
        raise ParamsError(
            f"{period!r} is not a period id: use {PERIOD_ID_FORMS}, the name of a params/<id>.yml "
            f"file without its folder or extension (known periods: {known})"
        )
    return period


def available_periods(root: Path | None = None) -> list[str]:
    """The periods with a params file, in order."""
    return sorted(p.stem for p in params_dir(root).glob("*.yml") if is_period_id(p.stem))
