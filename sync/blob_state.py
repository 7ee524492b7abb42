"""What the engine knows about each file at the county (``sync_blobs``).

``present`` is only ever written from a county answer (HEAD 200, PUT 200/201)
and is taken back when the county rejects a case for ``missing_blob``.
``damaged`` (the local file does not match its hash) and ``refused`` (the
county will not take it: size or type) block the cases that use the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

from sync import outbox
from workstation.clock import now_iso
from workstation.db import write

PENDING, PRESENT, DAMAGED, REFUSED = "pending", "present", "damaged", "refused"


@dataclass(frozen=True)
class NeededBlob:
    sha256: str
    size: int
    content_type: str


def needed(db: sqlite_utils.Database) -> list[NeededBlob]:
    """Files of waiting cases not known to be at the county, in the order cases became ready."""
    rows = db.execute(
        "SELECT p.sha256, MAX(p.size), MIN(p.content_type) FROM sync_cases s"
        " JOIN cases c ON c.case_id = s.case_id JOIN documents d ON d.case_id = s.case_id"
        " JOIN pages p ON p.doc_id = d.doc_id LEFT JOIN sync_blobs b ON b.sha256 = p.sha256"
        " WHERE s.state = 'waiting' AND (b.state IS NULL OR b.state IN ('pending', 'damaged'))"
        " GROUP BY p.sha256 ORDER BY MIN(c.ready_at), p.sha256").fetchall()
    return [NeededBlob(r[0], int(r[1]), r[2]) for r in rows]


def block_refused(db: sqlite_utils.Database) -> None:
    """Cases using a file the county refused stay blocked until the page is replaced."""
    rows = db.execute("SELECT sha256, error FROM sync_blobs WHERE state = 'refused'").fetchall()
    if not rows:
        return
    with write(db):
        for sha, error in rows:
            outbox.block_cases_using(db, sha, error or "")


def mark_present(db: sqlite_utils.Database, shas: Iterable[str]) -> None:
    _mark(db, shas, PRESENT)


def mark_pending(db: sqlite_utils.Database, shas: Iterable[str]) -> None:
    _mark(db, shas, PENDING)


def _mark(db: sqlite_utils.Database, shas: Iterable[str], state: str) -> None:
    at = now_iso()
    rows = [(sha, state, at) for sha in shas]
    if not rows:
        return
    with write(db):
        db.conn.executemany(
            "INSERT INTO sync_blobs (sha256, state, updated_at) VALUES (?, ?, ?) ON CONFLICT(sha256)"
            " DO UPDATE SET state = excluded.state, error = NULL, updated_at = excluded.updated_at", rows)


def mark_bad(db: sqlite_utils.Database, sha: str, state: str, error: str) -> int:
    """Record a damaged or refused file and block its cases; returns how many were blocked."""
    with write(db):
        db.execute("INSERT INTO sync_blobs (sha256, state, error, updated_at) VALUES (?, ?, ?, ?)"
                   " ON CONFLICT(sha256) DO UPDATE SET state = excluded.state, error = excluded.error,"
                   " updated_at = excluded.updated_at", [sha, state, error, now_iso()])
        return outbox.block_cases_using(db, sha, error)


def note_offset(db: sqlite_utils.Database, sha: str, offset: int) -> None:
    """Remember how far a partial upload got (shown in status; the county's word wins)."""
    with write(db):
        db.execute("INSERT INTO sync_blobs (sha256, state, county_offset, updated_at) VALUES (?, 'pending', ?, ?)"
                   " ON CONFLICT(sha256) DO UPDATE SET county_offset = excluded.county_offset,"
                   " updated_at = excluded.updated_at", [sha, offset, now_iso()])


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    rows = db.execute("SELECT state, COUNT(*) FROM sync_blobs GROUP BY state").fetchall()
    found = {state: n for state, n in rows}
    return {s: found.get(s, 0) for s in (PENDING, PRESENT, DAMAGED, REFUSED)}
