"""The few case changes the sync engine makes beyond ``case_flow.set_sync_status``.

Both are consequences of the county's answers arriving out of step with local
work, and both are written to the audit log like any other change:

* a case edited while its batch was in flight: the county stored the old
  content, so the county's number is kept and the edit goes out as the next
  revision (the county treats a higher revision of the same case_id as the
  newer version of the same matter);
* a county update that arrived while the batch answer was lost: once the case
  is marked sent, it catches up with the status the county already reported.

:func:`move_many` is ``case_flow.set_sync_status`` for a whole batch at once:
the same rule (``statuses.check_move`` for every case), the same columns and
the same audit entries, in three statements instead of three per case. A
batch of 100 cases is frozen and answered on every sync, and doing it case by
case cost four times what the county itself spends on the batch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workstation import audit, case_flow, statuses
from workstation.audit import AuditEntry
from workstation.cases import Case, load_case
from workstation.clock import now_iso
from workstation.db import row_chunks

if TYPE_CHECKING:
    from workstation.context import Context

ACTOR = "sync"


def move_many(ctx: Context, moves: list[tuple[str, str | None]], new: str,
              current: dict[str, str] | None = None) -> None:
    """``set_sync_status(case_id, new, county_ref=ref)`` for each ``(case_id, ref)``;
    call inside a write transaction. Refuses the lot if any move is not allowed.
    ``current``: each case's status as the caller read it in this transaction."""
    if not moves:
        return
    ids = [case_id for case_id, _ in moves]
    found = current if current is not None else dict(ctx.db.execute(
        f"SELECT case_id, status FROM cases WHERE case_id IN ({','.join('?' * len(ids))})", ids).fetchall())
    for case_id in ids:
        statuses.check_move(found.get(case_id, "?"), new)
    at = now_iso()
    if all(ref is None for _, ref in moves):
        _update_status(ctx, ids, new, at)
    else:
        for placeholders, values in row_chunks(moves):  # UPDATE ... FROM: SQLite 3.33
            ctx.db.execute(
                "UPDATE cases SET status = ?, updated_at = ?,"
                " county_ref = COALESCE(moved.column2, cases.county_ref)"
                f" FROM (VALUES {placeholders}) AS moved WHERE cases.case_id = moved.column1",
                [new, at, *values])
    audit.append_many(ctx.db, [AuditEntry(ACTOR, f"case.{new}", case_id,
                                          {"county_ref": ref} if ref else None) for case_id, ref in moves])


def _update_status(ctx: Context, ids: list[str], new: str, at: str) -> None:
    for placeholders, values in row_chunks([(case_id,) for case_id in ids]):
        ctx.db.execute(f"UPDATE cases SET status = ?, updated_at = ? WHERE case_id IN ({placeholders})",
                       [new, at, *values])


def catch_up(ctx: Context, case_id: str) -> None:
    """After ``sent``: take on a county status that arrived while the answer was lost."""
    _catch_up(ctx, load_case(ctx.db, case_id))


def mark_sent(ctx: Context, case_id: str, county_ref: str) -> None:
    """``sending`` → ``sent``; call inside a write transaction."""
    case_flow.set_sync_status(ctx, case_id, statuses.SENT, actor=ACTOR, county_ref=county_ref)
    _catch_up(ctx, load_case(ctx.db, case_id))


def _catch_up(ctx: Context, case: Case) -> None:
    # "returned" is about an earlier revision (that is why this one was sent), so it
    # never applies to a revision just sent; any other county word does.
    status = case.county_status
    if not status or status == statuses.RETURNED or status not in statuses.ALLOWED[statuses.SENT]:
        return
    ctx.db.execute("UPDATE cases SET status = ?, updated_at = ? WHERE case_id = ? AND status = 'sent'",
                   [status, now_iso(), case.case_id])
    audit.append(ctx.db, ACTOR, "case.county_status", case.case_id,
                 {"status": status, "reason": case.county_reason, "caught_up": True})


def stored_but_edited(ctx: Context, case_id: str, sent_revision: int, county_ref: str) -> int:
    """The county holds ``sent_revision`` but the case changed since: keep the number,
    make the edit the next revision. Returns the revision that will go out next."""
    case = load_case(ctx.db, case_id)
    if case.status == statuses.SENDING:  # changed without leaving "sending": treat as an edit
        case_flow.set_sync_status(ctx, case_id, statuses.READY, actor=ACTOR)
    following = max(case.revision, sent_revision + 1)
    ctx.db.execute("UPDATE cases SET county_ref = COALESCE(county_ref, ?), revision = ? WHERE case_id = ?",
                   [county_ref, following, case_id])
    audit.append(ctx.db, ACTOR, "case.next_revision", case_id,
                 {"county_ref": county_ref, "stored_revision": sent_revision, "revision": following})
    return following


def back_to_ready(ctx: Context, case_id: str) -> None:
    """Undo ``sending`` for a case the county did not store (rejected or unanswered)."""
    if load_case(ctx.db, case_id).status == statuses.SENDING:
        case_flow.set_sync_status(ctx, case_id, statuses.READY, actor=ACTOR)
