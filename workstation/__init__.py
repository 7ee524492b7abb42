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


_import_sqlite_utils_without_numpy()
