"""Version of the app and its libraries, for the doctor, backups and support bundles."""

from __future__ import annotations

import importlib
import platform
import sqlite3
import sys
from importlib import metadata
from typing import Any

DIST_NAME = "township-workstation"
# distribution -> module whose __version__ stands in when a frozen build has no metadata
LIBRARIES = {
    "PySide6-Essentials": "PySide6", "shiboken6": "shiboken6", "sqlite-utils": "sqlite_utils",
    "requests": "requests", "keyring": "keyring", "platformdirs": "platformdirs",
    "python-stdnum": "stdnum", "Pillow": "PIL", "img2pdf": "img2pdf",
    "pypdfium2": "pypdfium2", "qrcode": "qrcode", "cryptography": "cryptography",
    "python-sane": "sane",
}


def app_version() -> str:
    try:
        return metadata.version(DIST_NAME)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def library_version(dist: str, module: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        pass
    try:
        return str(getattr(importlib.import_module(module), "__version__", "unknown"))
    except Exception:  # absent or broken: reported as missing, never fatal
        return None


def versions() -> dict[str, Any]:
    return {
        "app": app_version(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "libraries": {d: library_version(d, m) for d, m in LIBRARIES.items()},
    }
