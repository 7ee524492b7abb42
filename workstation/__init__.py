"""The workstation's domain and local store (no Qt)."""

import sys as _sys


def _import_sqlite_utils_without_numpy() -> None:
    """Import sqlite-utils before anything else, without letting it import numpy.

    sqlite-utils imports numpy at import time only to map numpy scalar types
    to column types, which the workstation never passes. The app does not use
    numpy (nor ship it), but the test tools install it, and it would cost a
    third of a cold start. Hiding it for that one import makes sqlite-utils
    skip it.
    """
    if "numpy" in _sys.modules or "sqlite_utils" in _sys.modules:
        return
    _sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del _sys.modules["numpy"]


def _defer_dateutil_parser() -> None:
    """sqlite-utils imports dateutil's parser (and its time zones) for its
    date-parsing recipes, which the workstation never calls: about 10 ms of
    every start, CLI or desktop."""
    from workstation.deferred import defer_import

    defer_import("dateutil.parser")


_defer_dateutil_parser()
_import_sqlite_utils_without_numpy()
