"""The catalog in use: the built-in forms, extended or replaced by the county's."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from workstation.catalog import Catalog, load_builtin_catalog
from workstation.clock import now_iso
from workstation.db import write


def load_catalog(db: sqlite_utils.Database) -> Catalog:
    rows = db.execute("SELECT definition FROM county_catalog ORDER BY code, version").fetchall()
    catalog = load_builtin_catalog()
    if rows:
        catalog = catalog.merge([json.loads(r[0]) for r in rows], source="county")
    return catalog


def store_county_catalog(db: sqlite_utils.Database, services: list[dict[str, Any]]) -> int:
    """Keep the county's definitions (checked first by the caller); returns how many were new or changed."""
    changed = 0
    with write(db):
        for service in services:
            text = json.dumps(service, ensure_ascii=False, sort_keys=True)
            row = db.execute("SELECT definition FROM county_catalog WHERE code = ? AND version = ?",
                             [service["code"], str(service["version"])]).fetchone()
            if row and row[0] == text:
                continue
            db.execute("INSERT OR REPLACE INTO county_catalog (code, version, definition, fetched_at)"
                       " VALUES (?, ?, ?, ?)", [service["code"], str(service["version"]), text, now_iso()])
            changed += 1
    return changed
