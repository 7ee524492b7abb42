"""Typed sync errors: each has a title and a message that says what to do.

The engine decides what to do from the type alone: a :class:`TransientError`
is retried with backoff, an :class:`AuthError` stops the engine, a
:class:`RequestRejected` is recorded where staff can see it and not retried
unchanged. Nothing here ever carries the device token.
"""

from __future__ import annotations

from typing import Any

from workstation.errors import WorkstationError
from workstation.i18n import t


class SyncError(WorkstationError):
    """Base of every error the sync engine raises to a person."""


class TransientError(SyncError):
    """Worth trying again later: network trouble, a busy or failing county, a garbled answer.

    ``retry_after`` is the county's ``Retry-After`` in seconds, when it gave one.
    """

    exit_code = 3

    def __init__(self, title: str, message: str = "", retry_after: float | None = None) -> None:
        super().__init__(title, message)
        self.retry_after = retry_after


class Unreachable(TransientError):
    """No answer at all (connection refused or cut, timeout, DNS, TLS): the county is not there."""


class ResponseInvalid(TransientError):
    """An answer that cannot be parsed or has the wrong shape: never taken as success."""


class AuthError(SyncError):
    """The county no longer knows this device's token (401)."""

    exit_code = 4


class NotEnrolled(SyncError):
    """No county address or device token yet: enrollment is needed first."""

    exit_code = 4


class RequestRejected(SyncError):
    """The county refused the request itself (400, 409, 413, 415, 422): do not resend it unchanged."""

    def __init__(self, title: str, message: str, status: int, code: str = "",
                 county_message: str = "") -> None:
        super().__init__(title, message)
        self.status = status
        self.code = code
        self.county_message = county_message


class TokenStoreError(SyncError):
    """The operating system's credential store is missing, locked or refused the token."""


class ConfigError(SyncError):
    """A county address or CA bundle that cannot be used as given."""


class SyncBusy(SyncError):
    """Another sync of the same data directory is running: try again later."""

    exit_code = 3


class EnrollmentRefused(SyncError):
    """The county did not accept the enrollment code."""


class Stopped(Exception):  # noqa: N818 - control flow, not a failure shown to anyone
    """The stop flag was set: leave at the next safe point."""


def describe(exc: BaseException) -> dict[str, Any]:
    """What to store about an error (never a traceback, never a header)."""
    if isinstance(exc, WorkstationError):
        return {"type": type(exc).__name__, "title": exc.title, "message": exc.message}
    return {"type": type(exc).__name__, "title": t("同步内部错误", "Internal sync error"),
            "message": str(exc)[:500]}


def text_of(exc: BaseException) -> str:
    info = describe(exc)
    return f"{info['title']}: {info['message']}" if info["message"] else str(info["title"])
