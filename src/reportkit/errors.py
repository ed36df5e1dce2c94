"""Every reportkit error class, in one place.

A ``UserError`` is bad input the user can fix (exit code 2); a ``BuildError`` is a failed build
step (exit code 1). The CLI prints their message, never a traceback.
"""

from __future__ import annotations

import errno
import re
import shutil


class ReportkitError(Exception):
    """Base class of reportkit's own errors."""

    exit_code = 1


class UserError(ReportkitError):
    """Bad parameters or data: the message says what is wrong and how to fix it."""

    exit_code = 2


class DataValidationError(UserError):
    """The data failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list) -> None:
        self.problems = problems
        lines = [f"{len(problems)} problem(s) in the data:"]
        lines += [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


class ParamsError(UserError):
    """A params file is missing or invalid."""


class BuildError(ReportkitError):
    """A build step failed; nothing was published."""

    exit_code = 1


class NotebookError(BuildError):
    """A notebook raised while executing."""


class BuildLockedError(UserError):
    """Another build of the same period is running."""


class RenderError(BuildError):
    """Rendering the report failed."""


class LintError(BuildError):
    """The narrative holds a typed number that is not a fact."""


class StorageError(BuildError):
    """Reading or writing a file failed (disk full, read-only, no permission): nothing was
    published and the last good output is unchanged."""

    @classmethod
    def from_os_error(cls, exc: OSError, doing: str) -> StorageError:
        """A message naming the path, what went wrong and what to do about it."""
        return cls(describe_os_error(exc, doing))


_ADVICE = {
    errno.ENOSPC: "free some space on the disk holding it, then run the command again",
    errno.EDQUOT: "free some space within your disk quota, then run the command again",
    errno.EROFS: "the file system is read-only: make it writable (or work in a writable copy "
                 "of the project), then run the command again",
    errno.EACCES: "make it writable for you (check its permissions), then run the command again",
    errno.EPERM: "make it writable for you (check its permissions), then run the command again",
}


def describe_os_error(exc: OSError, doing: str) -> str:
    """``doing``, the path(s) involved, the system's reason and the fix, in one message."""
    paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
    code, reason = exc.errno, exc.strerror or str(exc) or type(exc).__name__
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list):
        _, target, why = exc.args[0][0]  # copytree: (source, target, "[Errno N] reason: ...")
        paths = [str(target)]
        found = re.match(r"\[Errno (\d+)\] ([^:]+)", str(why))
        code, reason = (int(found[1]), found[2]) if found else (None, str(why))
    where = " -> ".join(paths) if paths else "a file in the project"
    advice = _ADVICE.get(code, "check that the path exists, is writable and its disk has free "
                               "space, then run the command again")
    return f"{doing}: {where}: {reason}; {advice}"


def describe_validation_error(exc: Exception) -> str:
    """A pydantic ValidationError as one line: each problem's field path and message."""
    problems = getattr(exc, "errors", lambda: [])()
    if not problems:
        return str(exc)
    return "; ".join(f"{'.'.join(str(part) for part in p['loc']) or 'top level'}: {p['msg']}"
                     for p in problems)
