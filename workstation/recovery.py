"""Start-up recovery: what a crash or a kill may have left behind.

Commits are atomic, so the database needs nothing; the blob folder may hold
half-written temporary files and blobs whose row was never committed. When no
other process has the store open they are removed at once; otherwise only
those old enough that no live writer can still be about to commit them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workstation.context import Context

log = logging.getLogger(__name__)
SHARED_GRACE_S = 3600.0


def referenced_blobs(ctx: Context) -> set[str]:
    rows = ctx.db.execute("SELECT sha256 FROM blobs")
    return {r[0] for r in rows}


def recover_store(ctx: Context, alone: bool) -> dict[str, int]:
    grace = 0.0 if alone else SHARED_GRACE_S
    tmp_removed = ctx.blobs.clean_tmp(older_than_s=grace)
    orphans = ctx.blobs.orphans(referenced_blobs(ctx), older_than_s=grace)
    for sha in orphans:
        ctx.blobs.remove(sha)
    if tmp_removed or orphans:
        log.info("recovery removed %d temporary files and %d orphan blobs", tmp_removed, len(orphans))
    return {"tmp_removed": tmp_removed, "orphans_removed": len(orphans)}


def missing_blobs(ctx: Context) -> list[dict[str, str]]:
    """Rows whose file is missing or damaged: reported, never dropped."""
    problems = []
    for (sha,) in ctx.db.execute("SELECT sha256 FROM blobs ORDER BY sha256"):
        state = ctx.blobs.verify_one(sha)
        if state:
            problems.append({"sha256": sha, "problem": state})
    return problems
