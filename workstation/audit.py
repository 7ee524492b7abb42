"""Append-only audit log, each entry chained to the previous one by hash.

An entry's hash covers its sequence number, time, actor, action, case and
detail, plus the previous entry's hash, so editing, deleting or reordering any
entry breaks the chain from that point on; :func:`verify` finds where.
Entries are written inside the caller's transaction: an action and its audit
entry are committed together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any, NamedTuple

import sqlite_utils

from workstation.clock import now_iso
from workstation.db import row_chunks

GENESIS = "0" * 64
# hashlib.sha256() looks the algorithm up in OpenSSL 3 on every call, which costs
# more than hashing an entry; copying a ready context skips the look-up.
_SHA256 = hashlib.sha256()
# json.dumps with these options, built once: the sync engine audits 200 moves per batch.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_DETAIL = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
_text = encode_basestring  # a JSON string as _COMPACT writes it
_INSERT = "INSERT INTO audit_log (seq, at, actor, action, case_id, detail, prev_hash, hash) VALUES "


class AuditEntry(NamedTuple):
    """One entry to append. A named tuple, not a frozen dataclass: the sync engine makes
    200 a batch, and a frozen dataclass's ``__init__`` cost more than hashing them."""

    actor: str
    action: str
    case_id: str | None = None
    detail: dict[str, Any] | None = None


def entry_hash(prev: str, seq: int, at: str, actor: str, action: str,
               case_id: str | None, detail: str) -> str:
    if type(seq) is int and type(at) is type(actor) is type(action) is type(detail) is str \
            and (case_id is None or type(case_id) is str):
        # Exactly what _COMPACT.encode writes for these types, at half the cost.
        body = (f"[{seq},{_text(at)},{_text(actor)},{_text(action)},"
                f"{'null' if case_id is None else _text(case_id)},{_text(detail)}]")
    else:
        body = _COMPACT.encode([seq, at, actor, action, case_id, detail])
    digest = _SHA256.copy()
    digest.update(f"{prev}\n{body}".encode())
    return digest.hexdigest()


def encode_detail(detail: dict[str, Any] | None) -> str:
    """An entry's detail as stored and hashed: ``json.dumps(detail, ensure_ascii=False,
    sort_keys=True)``. Flat details of strings (most of them: a county number, a status)
    are written directly, which costs a tenth of building an encoder per entry."""
    if not detail:
        return "{}"
    parts = []
    for key in sorted(detail) if len(detail) > 1 else detail:
        value = detail[key]
        if type(key) is not str or type(value) is not str:
            return _DETAIL.encode(detail)
        parts.append(f"{_text(key)}: {_text(value)}")
    return "{" + ", ".join(parts) + "}"


def _head(db: sqlite_utils.Database) -> tuple[int, str]:
    row = db.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def append(db: sqlite_utils.Database, actor: str, action: str,
           case_id: str | None = None, detail: dict[str, Any] | None = None) -> None:
    """Add one entry; call inside a write transaction."""
    append_many(db, [AuditEntry(actor, action, case_id, detail)])


def append_many(db: sqlite_utils.Database, entries: list[AuditEntry]) -> None:
    if not entries:
        return
    seq, prev = _head(db)
    at = now_iso()
    rows = []
    for entry in entries:
        seq += 1
        detail = encode_detail(entry.detail)
        digest = entry_hash(prev, seq, at, entry.actor, entry.action, entry.case_id, detail)
        rows.append((seq, at, entry.actor, entry.action, entry.case_id, detail, prev, digest))
        prev = digest
    for placeholders, values in row_chunks(rows):
        db.conn.execute(_INSERT + placeholders, values)


def append_for_cases(db: sqlite_utils.Database, actor: str, action: str,
                     entries: list[tuple[str, str]]) -> None:
    """``append_many`` for entries of one actor and action, each ``(case_id, detail)``
    with its detail already encoded (:func:`encode_detail`).

    An import audits each new case with one of a few details: each is encoded
    once, and what every entry's hash shares is written once."""
    if not entries:
        return
    seq, prev = _head(db)
    at = now_iso()
    shared = f",{_text(at)},{_text(actor)},{_text(action)},"  # as entry_hash writes them
    quoted: dict[str, str] = {}
    rows = []
    for case_id, detail in entries:
        seq += 1
        text = quoted.get(detail) or quoted.setdefault(detail, _text(detail))
        digest = _SHA256.copy()
        digest.update(f"{prev}\n[{seq}{shared}{_text(case_id)},{text}]".encode())
        hexdigest = digest.hexdigest()
        rows.append((seq, at, actor, action, case_id, detail, prev, hexdigest))
        prev = hexdigest
    for placeholders, values in row_chunks(rows):
        db.conn.execute(_INSERT + placeholders, values)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    broken_at: int | None = None
    reason: str = ""


def verify(db: sqlite_utils.Database) -> VerifyResult:
    prev, expected_seq, count = GENESIS, 1, 0
    cursor = db.execute("SELECT seq, at, actor, action, case_id, detail, prev_hash, hash"
                        " FROM audit_log ORDER BY seq")
    for seq, at, actor, action, case_id, detail, prev_hash, digest in cursor:
        if seq != expected_seq:
            return VerifyResult(False, count, seq, f"entry {expected_seq} is missing")
        if prev_hash != prev:
            return VerifyResult(False, count, seq, "link to the previous entry is broken")
        if entry_hash(prev, seq, at, actor, action, case_id, detail) != digest:
            return VerifyResult(False, count, seq, "entry content was changed")
        prev, expected_seq, count = digest, seq + 1, count + 1
    return VerifyResult(True, count)


def history(db: sqlite_utils.Database, case_id: str) -> list[dict[str, Any]]:
    rows = db.execute("SELECT seq, at, actor, action, detail FROM audit_log"
                      " WHERE case_id = ? ORDER BY seq", [case_id]).fetchall()
    return [{"seq": r[0], "at": r[1], "actor": r[2], "action": r[3], "detail": json.loads(r[4])}
            for r in rows]
