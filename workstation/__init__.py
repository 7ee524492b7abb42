"""The workstation's domain and local store (no Qt)."""

import re as _re
import sys as _sys
from typing import Any as _Any


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
    compile_now = _re.compile
    _re.compile = _compile_later_in_sqlite_utils(compile_now)  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        _re.compile = compile_now
        del _sys.modules["numpy"]


class _LazyPattern:
    """A regular expression compiled when first used."""

    def __init__(self, compile_now: _Any, args: tuple[_Any, ...]) -> None:
        self._compile_now, self._args = compile_now, args

    def __getattr__(self, name: str) -> _Any:
        value = getattr(self._compile_now(*self._args), name)
        setattr(self, name, value)  # the next read finds it directly
        return value


def _compile_later_in_sqlite_utils(compile_now: _Any) -> _Any:
    """``re.compile`` that leaves sqlite-utils' module-level patterns until used.

    One of them (names of virtual tables, with a character class up to
    U+FFFF) takes about 15 ms to compile, at every start, for a method the
    workstation never calls. Patterns compiled anywhere else are compiled
    at once, as usual.
    """

    def compile_in(*args: _Any) -> _Any:
        if _sys._getframe(1).f_globals.get("__name__") == "sqlite_utils.db":
            return _LazyPattern(compile_now, args)
        return compile_now(*args)

    return compile_in


def _defer_dateutil_parser() -> None:
    """sqlite-utils imports dateutil's parser (and its time zones) for its
    date-parsing recipes, which the workstation never calls: about 10 ms of
    every start, CLI or desktop."""
    from workstation.deferred import defer_import

    defer_import("dateutil.parser")


_defer_dateutil_parser()
_import_sqlite_utils_without_numpy()
