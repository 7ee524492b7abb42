"""Key-value settings stored in the database (never secrets: those go to the keyring)."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from workstation.db import write

OFFICE_CODE = "office.code"
OFFICE_NAME = "office.name"
DEVICE_TAG = "device.tag"
# The county as a provisioning file gave it (enrollment records its own `sync.*` keys).
PROVISIONED_COUNTY_URL = "county.url"
PROVISIONED_COUNTY_CA = "county.ca_bundle"


def get(db: sqlite_utils.Database, key: str, default: Any = None) -> Any:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return json.loads(row[0]) if row else default


def put(db: sqlite_utils.Database, key: str, value: Any) -> None:
    with write(db):
        db.execute("INSERT INTO settings (key, value) VALUES (?, ?)"
                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   [key, json.dumps(value, ensure_ascii=False)])


def all_settings(db: sqlite_utils.Database) -> dict[str, Any]:
    return {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM settings ORDER BY key")}
