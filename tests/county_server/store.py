"""The county server's SQLite state: codes, devices, batches, cases and updates.

One connection shared by all request threads, guarded by one re-entrant lock:
the reference server needs correctness under concurrent retries far more than
throughput, and a single lock makes "check the idempotency key, process, store
the answer" atomic without any cleverness.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import sqlite3
import threading
from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
UPDATE_STATUSES = ("received", "in_review", "returned", "approved", "rejected", "completed")

SCHEMA = """
CREATE TABLE IF NOT EXISTS enrollment_codes (
    code TEXT PRIMARY KEY, added_at TEXT NOT NULL, used_at TEXT, device_id TEXT);
CREATE TABLE IF NOT EXISTS devices (
    device_id TEXT PRIMARY KEY, token_sha256 TEXT NOT NULL UNIQUE, device_name TEXT,
    office_code TEXT, office_name TEXT, enrolled_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, content_type TEXT NOT NULL,
    device_id TEXT, stored_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS uploads (
    sha256 TEXT PRIMARY KEY, total INTEGER NOT NULL, received INTEGER NOT NULL,
    content_type TEXT NOT NULL, started_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY, device_id TEXT, received_at TEXT NOT NULL,
    status INTEGER NOT NULL, response BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS cases (
    case_id TEXT NOT NULL, revision INTEGER NOT NULL, county_ref TEXT NOT NULL,
    service_code TEXT, office_code TEXT, device_id TEXT, batch_id TEXT,
    received_at TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (case_id, revision));
-- AUTOINCREMENT: a sequence number is never reused, so a cursor never skips or repeats
CREATE TABLE IF NOT EXISTS updates (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL, county_ref TEXT NOT NULL,
    status TEXT NOT NULL, reason TEXT, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def now_iso(offset_s: float = 0.0) -> str:
    """RFC 3339 time in China Standard Time, as the county writes it."""
    return (datetime.now(CST) + timedelta(seconds=offset_s)).isoformat(timespec="seconds")


def normalize_code(code: str) -> str:
    # Staff read codes off paper and type them; case and stray spaces do not matter.
    return code.strip().upper()


def token_hash(token: str) -> str:
    # Only a hash is stored: the database file of a test county is not a secret store.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"u1:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    """The sequence number behind a cursor; 0 for none; None when it is not ours."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, seq = text.split(":")
        return int(seq) if prefix == "u1" and int(seq) >= 0 else None
    except ValueError:
        return None


class Store:
    def __init__(self, path: str) -> None:
        self.lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        with self.lock:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(SCHEMA)

    @contextlib.contextmanager
    def tx(self):
        """A write transaction holding the lock: everything in it commits or nothing does."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def rows(self, sql: str, params: tuple = ()) -> list[dict]:
        with self.lock:
            return [dict(r) for r in self.db.execute(sql, params)]

    def one(self, sql: str, params: tuple = ()) -> dict | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def close(self) -> None:
        with self.lock:
            self.db.close()

    # --- enrollment and devices -------------------------------------------------

    def add_codes(self, codes) -> None:
        with self.tx() as db:
            for code in codes:
                db.execute("INSERT OR IGNORE INTO enrollment_codes (code, added_at) VALUES (?, ?)",
                           (normalize_code(code), now_iso()))

    def enroll(self, code: str, device_name: str, office_code: str,
               office_name: str) -> tuple[dict, str] | None:
        """Use up ``code`` and create a device; None when the code is unknown or used."""
        with self.tx() as db:
            row = db.execute("SELECT used_at FROM enrollment_codes WHERE code = ?",
                             (normalize_code(code),)).fetchone()
            if row is None or row["used_at"]:
                return None
            device_id = self._new_device_id(db)
            token = secrets.token_urlsafe(32)
            at = now_iso()
            db.execute("INSERT INTO devices (device_id, token_sha256, device_name, office_code,"
                       " office_name, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)",
                       (device_id, token_hash(token), device_name, office_code, office_name, at))
            db.execute("UPDATE enrollment_codes SET used_at = ?, device_id = ? WHERE code = ?",
                       (at, device_id, normalize_code(code)))
        device = {"device_id": device_id, "office_code": office_code, "office_name": office_name}
        return device, token

    @staticmethod
    def _new_device_id(db) -> str:
        while True:
            device_id = "dev_" + secrets.token_hex(3)
            if not db.execute("SELECT 1 FROM devices WHERE device_id = ?", (device_id,)).fetchone():
                return device_id

    def device_for_token(self, token: str) -> dict | None:
        return self.one("SELECT device_id, device_name, office_code, office_name FROM devices"
                        " WHERE token_sha256 = ? AND revoked_at IS NULL", (token_hash(token),))

    def revoke(self, device_id: str | None = None) -> int:
        with self.tx() as db:
            sql = "UPDATE devices SET revoked_at = ? WHERE revoked_at IS NULL"
            params: tuple = (now_iso(),)
            if device_id is not None:
                sql, params = sql + " AND device_id = ?", params + (device_id,)
            return db.execute(sql, params).rowcount

    # --- batches, cases, updates ------------------------------------------------

    def batch_response(self, batch_id: str) -> tuple[int, bytes] | None:
        row = self.one("SELECT status, response FROM batches WHERE batch_id = ?", (batch_id,))
        return (row["status"], bytes(row["response"])) if row else None

    def cases(self) -> list[dict]:
        found = self.rows("SELECT case_id, revision, county_ref, service_code, office_code,"
                          " device_id, batch_id, received_at, body FROM cases"
                          " ORDER BY received_at, rowid")
        for case in found:
            case["body"] = json.loads(case["body"])
        return found

    def add_update(self, db, case_id: str, county_ref: str, status: str,
                   reason: str | None, at: str) -> dict:
        seq = db.execute("INSERT INTO updates (case_id, county_ref, status, reason, at)"
                         " VALUES (?, ?, ?, ?, ?)", (case_id, county_ref, status, reason, at)).lastrowid
        return {"seq": seq, "case_id": case_id, "county_ref": county_ref, "status": status,
                "reason": reason, "at": at}

    def post_update(self, case_id: str, status: str, reason: str | None = None,
                    at: str | None = None) -> dict:
        """Record a status change for a stored case, as a county clerk's decision would."""
        if status not in UPDATE_STATUSES:
            raise ValueError(f"status must be one of {UPDATE_STATUSES}, not {status!r}")
        with self.tx() as db:
            row = db.execute("SELECT county_ref FROM cases WHERE case_id = ?"
                             " ORDER BY revision DESC LIMIT 1", (case_id,)).fetchone()
            if row is None:
                raise KeyError(f"no stored case {case_id}")
            return self.add_update(db, case_id, row["county_ref"], status, reason, at or now_iso())

    def updates_after(self, seq: int, limit: int, device: dict) -> list[dict]:
        """Updates a device may see: its own cases, and its office's cases.

        The office rule lets a re-enrolled workstation (new device id after a 401)
        still receive decisions on cases it sent under its old token.
        """
        return self.rows(
            "SELECT seq, case_id, county_ref, status, reason, at FROM updates WHERE seq > ?"
            " AND case_id IN (SELECT case_id FROM cases WHERE device_id = ?"
            "   OR (office_code = ? AND office_code != ''))"
            " ORDER BY seq LIMIT ?",
            (seq, device["device_id"], device.get("office_code") or "", limit))

    def next_number(self, db, name: str) -> int:
        db.execute("INSERT OR IGNORE INTO counters (name, value) VALUES (?, 0)", (name,))
        db.execute("UPDATE counters SET value = value + 1 WHERE name = ?", (name,))
        return db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0]
