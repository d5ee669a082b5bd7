"""The one error family the user sees; the CLI maps it to exit codes."""

from __future__ import annotations


class RunbookError(Exception):
    """A failure with a message that says what to do. Exit code 1 unless a subclass says."""

    exit_code = 1


class BadInput(RunbookError):
    """Bad input or a refused operation: nothing was changed. Exit code 2."""

    exit_code = 2
