"""Modules that dependencies import eagerly but that the app seldom uses.

A stand-in takes the module's place in ``sys.modules`` and imports the real
one the first time anything reads from it. (importlib's LazyLoader cannot do
this on Python 3.11: an import statement naming a module already in
``sys.modules`` reads its ``__spec__``, and that loads it.)
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


def defer_import(name: str) -> None:
    """Import module ``name`` (``subprocess``, or a submodule like ``urllib.request``) only
    when first used."""
    if name in sys.modules:
        return
    parent_name, _, child = name.rpartition(".")
    parent = importlib.import_module(parent_name) if parent_name else None
    stand_in = types.ModuleType(name)

    def load(attribute: str) -> Any:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        real = importlib.import_module(name)  # also puts the real one on its parent
        return getattr(real, attribute)

    stand_in.__getattr__ = load  # type: ignore[method-assign]  # PEP 562
    sys.modules[name] = stand_in
    if parent is not None:
        setattr(parent, child, stand_in)  # as a real import does


def lazy_module(name: str) -> types.ModuleType:
    """Module ``name`` for a module of our own to hold, imported when first read from.

    Unlike :func:`defer_import`, nothing is put in ``sys.modules``: others
    importing ``name`` get the real module as usual. On first use the real
    module's names are copied onto the stand-in, so later reads cost what
    reads from the real module cost (validators in hot loops read from it).
    """
    stand_in = types.ModuleType(name)

    def load(attribute: str) -> Any:
        real = importlib.import_module(name)
        stand_in.__dict__.update(real.__dict__)
        return getattr(real, attribute)

    stand_in.__getattr__ = load  # type: ignore[method-assign]  # PEP 562
    return stand_in
