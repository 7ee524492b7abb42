"""The desktop application (PySide6 widgets) on top of the core.

The core and its libraries are imported here, before any module imports
PySide6: once PySide6 is loaded, its import hook reads the source of every
module imported after it (looking for ``from __feature__``); the core's
dependencies, a few hundred modules, need not pay that at every start.
"""

import gc
import sys
import threading

RESUME_COLLECTION_AFTER_S = 5.0


def resume_collection() -> None:
    """Collect garbage again, skipping from now on what the start made (see below)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _pause_collection() -> None:
    """No garbage collection while the app starts.

    The start makes a few hundred thousand objects that live as long as the
    app (modules, classes, Qt wrappers); Python's collector would go over
    them some fifty times before the first list is painted, about 7 ms. The
    main window resumes collection once the list is on screen after sign-in;
    a timer does if nothing has by then (a person still typing the password,
    a process that only imports the UI, as the tests do).
    """
    if gc.isenabled():
        gc.disable()
        timer = threading.Timer(RESUME_COLLECTION_AFTER_S, resume_collection)
        timer.daemon = True
        timer.start()


_pause_collection()

from workstation.deferred import defer_import  # noqa: E402

# keyring imports jaraco.context, which imports urllib.request (and with it
# http.client, ssl and email) and subprocess for helpers keyring never calls,
# more_itertools for jaraco.functools' helpers, and importlib_metadata to
# look for backends (only when none is configured, on the warm-up thread):
# about 25 ms of every start. requests reads from urllib.request when the
# first sync runs.
for _name in ("urllib.request", "subprocess", "more_itertools", "importlib_metadata"):
    defer_import(_name)

import keyring  # noqa: E402, F401

import workstation.context  # noqa: E402, F401


def _spare_pyside_source_reads() -> None:
    """Tell PySide6 up front that no module loaded so far uses ``__feature__``.

    Once loaded, PySide6 checks every module named in any later import
    statement, ``typing`` and ``os`` included, by reading its whole source
    for the word "PySide6" (to support ``from __feature__ import
    snake_case``, which this app never uses): about 12 ms of every start.
    Its table takes -1 for "ignore this module"; nothing loaded before
    PySide6 can use the feature. Should PySide6 change this, nothing breaks:
    the table is simply not found.
    """
    import PySide6.QtCore  # noqa: F401 - installs the import hook and its table

    feature = sys.modules.get("shibokensupport.feature")
    table = getattr(feature, "pyside_feature_dict", None)
    if isinstance(table, dict):
        for name in list(sys.modules):
            table.setdefault(name, -1)


_spare_pyside_source_reads()

