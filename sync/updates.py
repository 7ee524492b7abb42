"""Pulling the county's decisions back (GET /updates), page by page.

Each page is applied in one transaction together with saving the cursor that
follows it, so after a crash the page is either fully applied with its
cursor saved, or not at all and fetched again. The county may send an update
twice; ``case_flow.apply_county_status`` ignores what it has already seen,
and ``sync_applied_updates`` makes that hold even for two updates of one case
that carry the same time.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from sync.backoff import Retrier
from sync.client import CountyClient
from sync.config import UPDATES_CURSOR
from sync.errors import Stopped
from sync.progress import Progress
from workstation import case_flow, settings
from workstation.clock import now_iso
from workstation.db import write

if TYPE_CHECKING:
    from workstation.context import Context

log = logging.getLogger(__name__)
MAX_PAGES_PER_RUN = 1000  # a county that always says has_more must not keep us here forever


def pull(ctx: Context, client: CountyClient, retry: Retrier, progress: Progress,
         stop: threading.Event, limit: int) -> int:
    """Apply every update the county has for us; returns how many changed a case."""
    progress.step("updates")
    changed = 0
    for _ in range(MAX_PAGES_PER_RUN):
        if stop.is_set():
            raise Stopped()
        cursor = settings.get(ctx.db, UPDATES_CURSOR)

        def fetch(cursor: str | None = cursor) -> dict[str, Any]:
            return client.updates(cursor, limit)

        page = retry.call(fetch)
        changed += apply_page(ctx, page)
        progress.add(updates=len(page["updates"]))
        if not page["has_more"] or not page["updates"]:
            break
    return changed


def apply_page(ctx: Context, page: dict[str, Any]) -> int:
    changed = 0
    with write(ctx.db):
        for update in page["updates"]:
            changed += _apply_one(ctx, update)
        settings.put(ctx.db, UPDATES_CURSOR, page["next_cursor"])
    return changed


def _apply_one(ctx: Context, update: dict[str, Any]) -> int:
    key = [update["case_id"], update["at"], update["status"]]
    if ctx.db.execute("SELECT 1 FROM sync_applied_updates WHERE case_id = ? AND at = ? AND status = ?",
                      key).fetchone():
        return 0
    if not ctx.db.execute("SELECT 1 FROM cases WHERE case_id = ?", [update["case_id"]]).fetchone():
        # Another workstation of this office sent it: the county shares office updates.
        log.debug("update for a case this workstation does not hold")
        return 0
    changed = case_flow.apply_county_status(ctx, update["case_id"], update["status"],
                                            update.get("reason"), update["at"],
                                            update.get("county_ref"))
    ctx.db.execute("INSERT INTO sync_applied_updates (case_id, at, status, applied_at) VALUES (?, ?, ?, ?)",
                   [*key, now_iso()])
    return int(changed)
