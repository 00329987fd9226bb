"""One exception hierarchy for the whole project.

Every error a user can cause or meet carries a plain, user-safe sentence. The CLI maps
it once to an exit code (:func:`exit_code`), the web app once to an HTTP status
(``http_status``); nothing else decides how an error is shown.
"""

from __future__ import annotations


class LagunaError(Exception):
    """Base class: ``message`` is one sentence a user can act on."""

    exit_code = 1
    http_status = 500
    code = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(LagunaError):
    """A setting is missing or malformed."""

    exit_code = 78  # EX_CONFIG
    code = "config"


class StoreUnavailable(LagunaError):
    """The database cannot be reached or is not usable (down, refused, no PostGIS)."""

    exit_code = 69  # EX_UNAVAILABLE
    http_status = 503
    code = "store_unavailable"


class MigrationError(LagunaError):
    """The schema in sql/ and the store disagree (changed or missing migration)."""

    exit_code = 70
    code = "migration"


class InvalidInput(LagunaError):
    """The user's input (file, parameter, request) is malformed."""

    exit_code = 65  # EX_DATAERR
    http_status = 400
    code = "invalid_input"


class NotFound(LagunaError):
    """A named thing (layer, zone, indicator, period) does not exist."""

    exit_code = 66  # EX_NOINPUT
    http_status = 404
    code = "not_found"


class Conflict(LagunaError):
    """The request clashes with the store's state (e.g. an import already running)."""

    exit_code = 75  # EX_TEMPFAIL
    http_status = 409
    code = "conflict"


class ToolMissing(LagunaError):
    """A system program or package the command needs is not installed."""

    exit_code = 72  # EX_OSFILE
    http_status = 500
    code = "tool_missing"


def exit_code(exc: BaseException) -> int:
    """The CLI exit code for any exception (1 for an unexpected one)."""
    return exc.exit_code if isinstance(exc, LagunaError) else 1
