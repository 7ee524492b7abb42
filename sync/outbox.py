"""The outbox: each case's sync state, persisted (one row per case in ``sync_cases``).

States of a row (the case's own status is in brackets)::

    waiting      [ready]    to be sent; its blobs may still be uploading
    blocked      [ready]    a local problem stops it (a damaged or refused file); re-checked each run
    in_batch     [sending]  frozen into an open batch; the batch is resent until it is answered
    sent         [sent…]    the county holds ``revision``; ``county_ref`` is its number
    quarantined  [ready]    the county rejected this ``edit_seq``; waits for an edit or a release

``revision`` and ``edit_seq`` say which version of the case a state is about:
an edit gives a new ``edit_seq``, which is what lets a quarantined case go
again once staff have corrected it. Rows are bookkeeping only; no case data
is ever deleted because of them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import sqlite_utils

from workstation import case_flow, statuses
from workstation.clock import now_iso
from workstation.db import row_chunks, write

if TYPE_CHECKING:
    from workstation.context import Context

WAITING, BLOCKED, IN_BATCH, SENT, QUARANTINED = (
    "waiting", "blocked", "in_batch", "sent", "quarantined")


def error_record(title: str, message: str, errors: list[dict[str, Any]] | None = None,
                 source: str = "local") -> str:
    return json.dumps({"source": source, "title": title, "message": message,
                       "errors": errors or []}, ensure_ascii=False)


def refresh(ctx: Context) -> None:
    """Bring the outbox in line with the cases: new ready cases in, edited ones back to waiting."""
    db, at = ctx.db, now_iso()
    with write(db):
        db.execute("INSERT INTO sync_cases (case_id, state, revision, edit_seq, updated_at)"
                   " SELECT case_id, 'waiting', revision, edit_seq, ? FROM cases c WHERE status = 'ready'"
                   " AND NOT EXISTS (SELECT 1 FROM sync_cases s WHERE s.case_id = c.case_id)", [at])
        # A sent case that is ready again is a new revision; a quarantined one that
        # was edited may be fixed; a blocked one is checked again by the blob step.
        db.execute(
            "UPDATE sync_cases SET state = 'waiting', error = CASE WHEN state = 'sent' THEN NULL"
            " ELSE error END, revision = (SELECT revision FROM cases c WHERE c.case_id = sync_cases.case_id),"
            " edit_seq = (SELECT edit_seq FROM cases c WHERE c.case_id = sync_cases.case_id), updated_at = ?"
            " WHERE case_id IN (SELECT case_id FROM cases WHERE status = 'ready') AND (state IN ('sent', 'blocked')"
            " OR (state = 'quarantined' AND edit_seq != (SELECT edit_seq FROM cases c"
            "     WHERE c.case_id = sync_cases.case_id)))", [at])
        db.execute("DELETE FROM sync_cases WHERE state IN ('waiting', 'blocked') AND case_id NOT IN"
                   " (SELECT case_id FROM cases WHERE status = 'ready')")
        _release_orphan_sending(ctx)


def _release_orphan_sending(ctx: Context) -> None:
    # Freezing moves a case to "sending" in the same transaction that creates its
    # batch, so this finds nothing unless a case was changed behind our back.
    rows = ctx.db.execute(
        "SELECT case_id FROM cases c WHERE status = 'sending' AND NOT EXISTS (SELECT 1 FROM"
        " sync_cases s JOIN sync_batches b ON b.batch_id = s.batch_id WHERE s.case_id = c.case_id"
        " AND s.state = 'in_batch' AND b.state = 'open')").fetchall()
    for (case_id,) in rows:
        case_flow.set_sync_status(ctx, case_id, statuses.READY)


def candidates(db: sqlite_utils.Database, limit: int) -> list[str]:
    """Waiting ready cases whose every page is known to be at the county, oldest first."""
    # Walks the (status, created_at) index and stops at ``limit``: freezing 50 batches
    # from 5,000 waiting cases must not scan all of them 50 times.
    rows = db.execute(
        "SELECT c.case_id FROM cases c JOIN sync_cases s ON s.case_id = c.case_id"
        " WHERE c.status = 'ready' AND s.state = 'waiting' AND NOT EXISTS (SELECT 1 FROM documents d"
        " JOIN pages p ON p.doc_id = d.doc_id LEFT JOIN sync_blobs b ON b.sha256 = p.sha256"
        " WHERE d.case_id = c.case_id AND (b.state IS NULL OR b.state != 'present'))"
        " ORDER BY c.created_at LIMIT ?", [limit]).fetchall()
    return [r[0] for r in rows]


def set_state(db: sqlite_utils.Database, case_id: str, state: str, *, revision: int | None = None,
              edit_seq: int | None = None, batch_id: str | None = None,
              county_ref: str | None = None, error: str | None = None) -> None:
    """Change one row; call inside a write transaction."""
    db.execute(
        "UPDATE sync_cases SET state = ?, revision = COALESCE(?, revision), edit_seq = COALESCE(?, edit_seq),"
        " batch_id = COALESCE(?, batch_id), county_ref = COALESCE(?, county_ref), error = ?,"
        " attempts = attempts + CASE WHEN ? = 'in_batch' THEN 1 ELSE 0 END, updated_at = ?"
        " WHERE case_id = ?",
        [state, revision, edit_seq, batch_id, county_ref, error, state, now_iso(), case_id])


def put_in_batch(db: sqlite_utils.Database, batch_id: str) -> None:
    """Every case of a batch being frozen: one statement (the versions are on the batch rows)."""
    db.execute("UPDATE sync_cases SET state = 'in_batch', batch_id = ?, error = NULL,"
               " attempts = attempts + 1, updated_at = ? WHERE case_id IN"
               " (SELECT case_id FROM sync_batch_cases WHERE batch_id = ?)", [batch_id, now_iso(), batch_id])


def set_many(db: sqlite_utils.Database, rows: list[tuple[str, int, int, str | None]], state: str) -> None:
    """``set_state`` for many ``(case_id, revision, edit_seq, county_ref)`` at once; clears errors."""
    at = now_iso()
    for placeholders, values in row_chunks(rows):  # UPDATE ... FROM: SQLite 3.33
        db.execute(
            "UPDATE sync_cases SET state = ?, error = NULL, updated_at = ?, revision = new.column2,"
            " edit_seq = new.column3, county_ref = COALESCE(new.column4, sync_cases.county_ref)"
            f" FROM (VALUES {placeholders}) AS new WHERE sync_cases.case_id = new.column1",
            [state, at, *values])


def block_cases_using(db: sqlite_utils.Database, sha: str, error: str) -> int:
    """Waiting cases with a page on this file cannot go until it is fixed."""
    cursor = db.execute(
        "UPDATE sync_cases SET state = 'blocked', error = ?, updated_at = ? WHERE state = 'waiting'"
        " AND case_id IN (SELECT d.case_id FROM documents d JOIN pages p ON p.doc_id = d.doc_id"
        " WHERE p.sha256 = ?)", [error, now_iso(), sha])
    return int(cursor.rowcount or 0)


def release(ctx: Context, case_ids: list[str] | None = None) -> int:
    """Send quarantined cases again unchanged (e.g. after the county fixed its catalog)."""
    sql = "UPDATE sync_cases SET state = 'waiting', updated_at = ? WHERE state = 'quarantined'"
    params: list[Any] = [now_iso()]
    if case_ids is not None:
        sql += f" AND case_id IN ({','.join('?' * len(case_ids))})"
        params += case_ids
    with write(ctx.db):
        return int(ctx.db.execute(sql, params).rowcount or 0)


def case_state(db: sqlite_utils.Database, case_id: str) -> dict[str, Any] | None:
    """A case's sync state for the case screen: state, batch, county number, last error."""
    row = db.execute("SELECT state, revision, edit_seq, batch_id, county_ref, attempts, error,"
                     " updated_at FROM sync_cases WHERE case_id = ?", [case_id]).fetchone()
    if row is None:
        return None
    return {"state": row[0], "revision": row[1], "edit_seq": row[2], "batch_id": row[3],
            "county_ref": row[4], "attempts": row[5],
            "error": json.loads(row[6]) if row[6] else None, "updated_at": row[7]}


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    rows = db.execute("SELECT state, COUNT(*) FROM sync_cases GROUP BY state").fetchall()
    found = {state: n for state, n in rows}
    return {s: found.get(s, 0) for s in (WAITING, BLOCKED, IN_BATCH, SENT, QUARANTINED)}


def with_errors(db: sqlite_utils.Database, state: str, limit: int = 100) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT s.case_id, c.local_no, s.revision, s.error, s.updated_at FROM sync_cases s"
        " JOIN cases c ON c.case_id = s.case_id WHERE s.state = ? ORDER BY s.updated_at DESC LIMIT ?",
        [state, limit]).fetchall()
    return [{"case_id": r[0], "local_no": r[1], "revision": r[2],
             "error": json.loads(r[3]) if r[3] else None, "updated_at": r[4]} for r in rows]


def has_work(db: sqlite_utils.Database) -> bool:
    """Anything a cycle could send: an open batch, or a ready case not yet dealt with."""
    row = db.execute(
        "SELECT EXISTS (SELECT 1 FROM sync_batches WHERE state = 'open') OR EXISTS (SELECT 1 FROM"
        " cases c LEFT JOIN sync_cases s ON s.case_id = c.case_id WHERE c.status = 'ready' AND"
        " (s.case_id IS NULL OR s.state IN ('waiting', 'sent') OR (s.state IN ('quarantined',"
        " 'blocked') AND s.edit_seq != c.edit_seq)))").fetchone()
    return bool(row[0])
