"""Freezing cases into batches, and sending frozen batches.

A batch is frozen in one transaction: its id, its exact case list and the
gzip body are written, and its cases move to ``sending``, before any byte is
sent. From then on the batch is only ever sent as stored, with its id as the
Idempotency-Key, until the county answers it. So a crash, a timeout or a lost
answer can never give cases that may already be stored a second batch id.
"""

from __future__ import annotations

import gzip
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlite_utils

from sync import case_moves, outbox, payload
from sync.config import SyncConfig
from workstation import statuses
from workstation.clock import now_iso
from workstation.db import row_chunks, write
from workstation.i18n import t

if TYPE_CHECKING:
    from workstation.context import Context

_ENVELOPE_SLACK = 512  # bytes for batch_id, device_id, sent_at and the JSON around the cases


Member = tuple[str, int, int]  # (case_id, revision, edit_seq) as frozen


@dataclass(frozen=True)
class FrozenBatch:
    batch_id: str
    body: bytes  # gzip, exactly as sent on every attempt
    case_count: int
    members: tuple[Member, ...] | None = None  # as stored in sync_batch_cases, when just frozen


def open_batches(db: sqlite_utils.Database) -> list[FrozenBatch]:
    # In the order frozen: several batches may be frozen within one millisecond.
    rows = db.execute("SELECT batch_id, payload, case_count FROM sync_batches WHERE state = 'open'"
                      " ORDER BY created_at, rowid").fetchall()
    return [FrozenBatch(r[0], bytes(r[1]), r[2]) for r in rows]


def freeze_next(ctx: Context, config: SyncConfig, device_id: str,
                max_cases: int | None = None) -> FrozenBatch | None:
    """Freeze the next batch of sendable cases; None when there is nothing to send."""
    with write(ctx.db):
        return freeze_in(ctx, config, device_id, max_cases)


def freeze_in(ctx: Context, config: SyncConfig, device_id: str,
              max_cases: int | None = None) -> FrozenBatch | None:
    """:func:`freeze_next` inside the caller's write transaction, without a savepoint of
    its own (SQLite copies every page a savepoint changes): the sender freezes several
    batches and applies several answers in one commit."""
    limit = min(max_cases or config.batch_max_cases, config.batch_max_cases)
    while True:  # more than once only when every candidate was too large alone
        ids = outbox.candidates(ctx.db, limit)
        if not ids:
            return None
        built = payload.case_bodies(ctx.db, ctx.office_code, ids)
        chosen = _fit(ctx, ids, built, config.batch_max_json_bytes)
        if chosen:
            return _store(ctx, device_id, chosen)


def _fit(ctx: Context, ids: list[str], built: dict[str, tuple[bytes, int, int]],
         limit: int) -> list[tuple[str, bytes, int, int]]:
    """Cases in order while the JSON stays under the limit: ``(id, json, revision, edit_seq)``."""
    chosen, total = [], _ENVELOPE_SLACK
    for case_id in ids:
        encoded, revision, edit_seq = built[case_id]
        if len(encoded) + _ENVELOPE_SLACK > limit:
            _quarantine_too_large(ctx, case_id, edit_seq, len(encoded))
            continue
        if total + len(encoded) + 1 > limit:
            break
        total += len(encoded) + 1
        chosen.append((case_id, encoded, revision, edit_seq))
    return chosen


def _store(ctx: Context, device_id: str, chosen: list[tuple[str, bytes, int, int]]) -> FrozenBatch:
    db, batch_id, at = ctx.db, str(uuid.uuid4()), now_iso()
    head = payload.encode({"batch_id": batch_id, "device_id": device_id, "sent_at": at})
    # The cases are already encoded: splice them in rather than encoding everything twice.
    raw = head[:-1] + b',"cases":[' + b",".join(c[1] for c in chosen) + b"]}"
    # Level 1: a third of level 6's time for 15% more bytes on case JSON (about 50 bytes
    # a case); scanned pages, not case data, are what fills a village line.
    body = gzip.compress(raw, compresslevel=1, mtime=0)
    db.execute("INSERT INTO sync_batches (batch_id, state, created_at, case_count, json_bytes, payload)"
               " VALUES (?, 'open', ?, ?, ?, ?)", [batch_id, at, len(chosen), len(raw), body])
    rows = [(batch_id, c[0], i, c[2], c[3]) for i, c in enumerate(chosen)]
    for placeholders, values in row_chunks(rows):
        db.execute("INSERT INTO sync_batch_cases (batch_id, case_id, position, revision, edit_seq)"
                   f" VALUES {placeholders}", values)
    outbox.put_in_batch(db, batch_id)
    # Every one was chosen among ready cases in this transaction (outbox.candidates).
    case_moves.move_many(ctx, [(c[0], None) for c in chosen], statuses.SENDING,
                         current={c[0]: statuses.READY for c in chosen})
    return FrozenBatch(batch_id, body, len(chosen), tuple((c[0], c[2], c[3]) for c in chosen))


def _quarantine_too_large(ctx: Context, case_id: str, edit_seq: int, size: int) -> None:
    error = outbox.error_record(
        t("办件数据过大，无法上报", "The case is too large to send"),
        t(f"办件内容有 {size} 字节，超过县级平台每批 4 MiB 的上限。请精简填写内容后再提交。",
          f"The case has {size} bytes of data, over the county's 4 MiB limit. Shorten its text, "
          "then make it ready again."))
    outbox.set_state(ctx.db, case_id, outbox.QUARANTINED, edit_seq=edit_seq, error=error)


def note_failure(db: sqlite_utils.Database, batch_id: str, error: str) -> None:
    """A send that got no usable answer: count it; the batch stays open and goes again as is."""
    with write(db):
        db.execute("UPDATE sync_batches SET attempts = attempts + 1, last_attempt_at = ?, error = ?"
                   " WHERE batch_id = ?", [now_iso(), error, batch_id])


def members(db: sqlite_utils.Database, batch_id: str) -> list[Member]:
    """``(case_id, revision, edit_seq)`` of a batch, in the order sent."""
    rows = db.execute("SELECT case_id, revision, edit_seq FROM sync_batch_cases WHERE batch_id = ?"
                      " ORDER BY position", [batch_id]).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def batch_state(db: sqlite_utils.Database, batch_id: str) -> str | None:
    row = db.execute("SELECT state FROM sync_batches WHERE batch_id = ?", [batch_id]).fetchone()
    return row[0] if row else None


def record_outcomes(db: sqlite_utils.Database, batch_id: str, results: list[dict[str, Any]]) -> None:
    """A case's outcome on its batch row when it was not accepted, one statement
    per kind. Accepted is what a done batch's row without one means: writing
    it for every case cost a statement per batch that nothing reads, while a
    rejection or a duplicate is worth finding when something is asked about."""
    by_outcome: dict[str, list[str]] = {}
    for result in results:
        if result["outcome"] != "accepted":
            by_outcome.setdefault(result["outcome"], []).append(result["case_id"])
    for outcome, ids in by_outcome.items():
        db.execute(f"UPDATE sync_batch_cases SET outcome = ? WHERE batch_id = ? AND case_id IN"
                   f" ({','.join('?' * len(ids))})", [outcome, batch_id, *ids])


def close_batch(db: sqlite_utils.Database, batch_id: str, state: str, error: str | None = None) -> None:
    """Call inside the transaction that applies the batch's outcome."""
    db.execute("UPDATE sync_batches SET state = ?, done_at = ?, attempts = attempts + 1,"
               " last_attempt_at = ?, error = ? WHERE batch_id = ?",
               [state, now_iso(), now_iso(), error, batch_id])
