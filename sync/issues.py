"""Sync problems that belong to no single case, kept for staff and IT to read.

Examples: a catalog definition the workstation cannot load, an update about a
case this workstation does not have. Problems of one case live on its outbox
row instead (see :mod:`sync.outbox`).
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from workstation.clock import now_iso
from workstation.db import write

KEEP = 500  # the newest issues kept; older ones are history nobody reads


def record(db: sqlite_utils.Database, kind: str, subject: str | None, title: str,
           message: str) -> None:
    with write(db):
        db.execute("INSERT INTO sync_issues (at, kind, subject, title, message) VALUES (?, ?, ?, ?, ?)",
                   [now_iso(), kind, subject, title, message])
        db.execute("DELETE FROM sync_issues WHERE issue_id <= (SELECT MAX(issue_id) FROM sync_issues) - ?",
                   [KEEP])


def recent(db: sqlite_utils.Database, limit: int = 50, kind: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT issue_id, at, kind, subject, title, message FROM sync_issues"
    params: list[Any] = []
    if kind:
        sql += " WHERE kind = ?"
        params.append(kind)
    rows = db.execute(sql + " ORDER BY issue_id DESC LIMIT ?", [*params, limit]).fetchall()
    return [{"issue_id": r[0], "at": r[1], "kind": r[2], "subject": r[3], "title": r[4],
             "message": r[5]} for r in rows]
