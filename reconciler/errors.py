"""The expected-error tree. Each class carries the process exit code the CLI maps it to.

Imports nothing from the rest of the package: every layer may raise these.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES_PENDING = 2
EXIT_PARTIAL_FAILURE = 3
EXIT_INTERRUPTED = 130


class ReconcilerError(Exception):
    """An expected failure: the CLI prints its message on one line, no traceback."""

    exit_code = EXIT_ERROR


class ConfigError(ReconcilerError):
    """The access repo cannot be read or is invalid."""


class ValidationFailed(ConfigError):
    """Validation found errors; the findings were already printed."""


class ObservationError(ReconcilerError):
    """A read of the console was short, failed or untrustworthy; never treat it as empty."""


class UnsafePlan(ReconcilerError):
    """A plan exceeds a safety cap; `--force` overrides."""


class ChangesPending(ReconcilerError):
    """Not an error: the desired and observed state differ (with --detailed-exitcode)."""

    exit_code = EXIT_CHANGES_PENDING


class PartialFailure(ReconcilerError):
    """Some actions failed while others succeeded."""

    exit_code = EXIT_PARTIAL_FAILURE


class Interrupted(ReconcilerError):
    """The run was interrupted (Ctrl-C or a signal); the journal allows resuming."""

    exit_code = EXIT_INTERRUPTED


class StalePlan(ReconcilerError):
    """A saved plan no longer matches what Git and the console say now; plan again."""


class ApplyLocked(ReconcilerError):
    """Another apply holds the lock of a target; two applies never interleave."""
