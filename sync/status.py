"""Sync figures for ``workstation status --json`` and the UI's status bar.

Read-only and cheap (a handful of COUNT queries), so a window may call it
every few seconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sync import blob_state, history, issues, outbox
from sync.config import (
    AUTH_FAILED_AT,
    CATALOG_VERSION,
    CLOCK_SKEW_S,
    COUNTY_OFFICE_NAME,
    ENROLLED_AT,
    county_settings,
)
from workstation import settings

if TYPE_CHECKING:
    from workstation.context import Context


def sync_figures(ctx: Context) -> dict[str, Any]:
    db = ctx.db
    county = county_settings(db)
    cases = outbox.counts(db)
    blobs = blob_state.counts(db)
    auth_failed = settings.get(db, AUTH_FAILED_AT)
    return {
        "enrolled": county.enrolled,
        "needs_enrollment": (not county.enrolled) or bool(auth_failed),
        "auth_failed_at": auth_failed,
        "county_url": county.url,
        "device_id": county.device_id,
        "county_office_name": settings.get(db, COUNTY_OFFICE_NAME),
        "enrolled_at": settings.get(db, ENROLLED_AT),
        "catalog_version": settings.get(db, CATALOG_VERSION),
        "clock_skew_s": settings.get(db, CLOCK_SKEW_S),
        "waiting": cases["waiting"] + _ready_not_in_outbox(ctx),
        "blocked": outbox.with_errors(db, outbox.BLOCKED),
        "sending": cases["in_batch"],
        "sent": cases["sent"],
        "quarantined": outbox.with_errors(db, outbox.QUARANTINED),
        "open_batches": db.execute("SELECT COUNT(*) FROM sync_batches WHERE state = 'open'").fetchone()[0],
        "blobs_pending": _blobs_pending(ctx),
        "blobs": blobs,
        "last_success": (history.last_success(db) or {}).get("finished_at"),
        "last_run": history.last_run(db),
        "issues": issues.recent(db, 10),
    }


def _ready_not_in_outbox(ctx: Context) -> int:
    # Cases made ready since the last run have no outbox row yet but are waiting all the same.
    row = ctx.db.execute("SELECT COUNT(*) FROM cases c WHERE status = 'ready' AND NOT EXISTS"
                         " (SELECT 1 FROM sync_cases s WHERE s.case_id = c.case_id)").fetchone()
    return int(row[0])


def _blobs_pending(ctx: Context) -> int:
    row = ctx.db.execute(
        "SELECT COUNT(DISTINCT p.sha256) FROM cases c JOIN documents d ON d.case_id = c.case_id"
        " JOIN pages p ON p.doc_id = d.doc_id LEFT JOIN sync_blobs b ON b.sha256 = p.sha256"
        " WHERE c.status = 'ready' AND (b.state IS NULL OR b.state != 'present')").fetchone()
    return int(row[0])
