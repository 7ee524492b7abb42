"""Deleting scans once the county has completed a case and the keeping period is over.

The Personal Information Protection Law asks for deletion when the purpose is
served. After the county marks a case ``completed``, its scanned pages are
deleted once ``retention.days`` (default 90) have passed; the case keeps its
applicant block, fields, numbers and history, which the office's ledger needs.
Only cases the county has completed are touched: nothing unsent, nothing still
in the queue, whatever the dates say.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from workstation import audit, settings
from workstation.clock import iso, now
from workstation.db import write

if TYPE_CHECKING:
    from workstation.context import Context

DEFAULT_DAYS = 90
SETTING = "retention.days"


def due_cases(ctx: Context, at: datetime | None = None) -> list[str]:
    days = int(settings.get(ctx.db, SETTING, DEFAULT_DAYS))
    cutoff = iso((at or now()) - timedelta(days=days))
    rows = ctx.db.execute(
        "SELECT c.case_id FROM cases c WHERE c.status = 'completed' AND c.county_status = 'completed'"
        " AND c.county_ref IS NOT NULL AND c.scans_purged_at IS NULL AND c.county_updated_at <= ?"
        " AND EXISTS (SELECT 1 FROM documents d WHERE d.case_id = c.case_id)", [cutoff])
    return [r[0] for r in rows]


def purge_scans(ctx: Context, actor: str = "retention", at: datetime | None = None) -> list[str]:
    """Delete the scans of completed cases past the keeping period; returns their ids."""
    purged = []
    for case_id in due_cases(ctx, at):
        with write(ctx.db):
            kinds = [dict(r) for r in ctx.db.query(
                "SELECT d.kind, COUNT(p.position) AS pages FROM documents d LEFT JOIN pages p"
                " ON p.doc_id = d.doc_id WHERE d.case_id = ? GROUP BY d.kind", [case_id])]
            ctx.db.execute("DELETE FROM pages WHERE doc_id IN (SELECT doc_id FROM documents WHERE case_id = ?)",
                           [case_id])
            ctx.db.execute("DELETE FROM documents WHERE case_id = ?", [case_id])
            ctx.db.execute("UPDATE cases SET scans_purged_at = ? WHERE case_id = ?", [iso(now()), case_id])
            audit.append(ctx.db, actor, "retention.purge_scans", case_id, {"documents": kinds})
        purged.append(case_id)
    _drop_unreferenced_blobs(ctx)
    return purged


def _drop_unreferenced_blobs(ctx: Context) -> None:
    """Blob rows and files no page names any more (a page shared with a live case stays)."""
    with write(ctx.db):
        gone = [r[0] for r in ctx.db.execute(
            "SELECT sha256 FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.sha256 = b.sha256"
            " OR p.thumb_sha256 = b.sha256)")]
        ctx.db.conn.executemany("DELETE FROM blobs WHERE sha256 = ?", [(s,) for s in gone])
    for sha in gone:  # after the commit: a crash before this leaves orphans, which recovery removes
        ctx.blobs.remove(sha)
