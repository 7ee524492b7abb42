"""Typed errors with a title and a message a person can act on.

Every error the core raises to a user derives from :class:`WorkstationError`.
The CLI prints ``title: message`` on one line; the UI shows the title as the
dialog heading and the message as the body. Messages say what to do next.
"""

from __future__ import annotations


class WorkstationError(Exception):
    """Base error: ``title`` is short, ``message`` says what happened and what to do."""

    exit_code = 1

    def __init__(self, title: str, message: str = "") -> None:
        super().__init__(f"{title}: {message}" if message else title)
        self.title = title
        self.message = message


class NotFound(WorkstationError):
    """A case, user, document or blob that does not exist."""


class ValidationFailed(WorkstationError):
    """Input that breaks a rule; ``errors`` holds the per-field details."""

    def __init__(self, title: str, message: str = "", errors: list | None = None) -> None:
        super().__init__(title, message)
        self.errors = list(errors or [])


class InvalidTransition(WorkstationError):
    """A status move that the case's state machine does not allow."""


class PermissionDenied(WorkstationError):
    """The acting user's role does not allow this action."""

    exit_code = 5


class AuthenticationFailed(WorkstationError):
    """Wrong password or a locked account."""

    exit_code = 5


class StoreError(WorkstationError):
    """The data directory or database cannot be used as it is."""


class BlobError(WorkstationError):
    """A stored file is missing, unreadable or does not match its hash."""


class InputFileError(WorkstationError):
    """A file given to import or attach is broken, hostile or of the wrong kind."""
