"""Every reportkit error class, in one place.

A ``UserError`` is bad input the user can fix (exit code 2); a ``BuildError`` is a failed build
step (exit code 1). The CLI prints their message, never a traceback.
"""

from __future__ import annotations


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
