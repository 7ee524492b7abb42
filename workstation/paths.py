"""Where an installation keeps its data."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "WORKSTATION_DATA_DIR"
DB_NAME = "workstation.sqlite"
BLOB_DIR = "blobs"
LOG_DIR = "logs"


def resolve_data_dir(explicit: Path | str | None = None) -> Path:
    """``--data-dir`` first, then ``$WORKSTATION_DATA_DIR``, then the platform's user data dir."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_data_dir("township-workstation", appauthor=False))


def db_path(data_dir: Path) -> Path:
    return data_dir / DB_NAME
