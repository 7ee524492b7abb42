"""Blob bytes on disk beside the database, with partial uploads that survive restarts.

Layout under ``root``: ``ab/abcdef...`` for complete blobs, ``partial/<sha>.part``
for uploads in parts. The database row of an upload holds the offset; the part
file may be longer than that offset after a crash between writing and
committing, so every append first truncates the file to the recorded offset.
A part is appended only once it has been read completely from the socket: a
part cut mid-way (link drop, reset) leaves the offset where it was.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from .protocol import HttpError
from .store import Store, now_iso

CONTENT_TYPES = ("image/jpeg", "image/png", "image/tiff", "application/pdf")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


class BlobStore:
    def __init__(self, root: Path, store: Store) -> None:
        self.root = Path(root)
        self.store = store
        (self.root / "partial").mkdir(parents=True, exist_ok=True)

    def path(self, sha: str) -> Path:
        return self.root / sha[:2] / sha

    def _part_path(self, sha: str) -> Path:
        return self.root / "partial" / f"{sha}.part"

    def size(self, sha: str) -> int | None:
        row = self.store.one("SELECT size FROM blobs WHERE sha256 = ?", (sha,))
        return row["size"] if row else None

    def offset(self, sha: str) -> int:
        row = self.store.one("SELECT received FROM uploads WHERE sha256 = ?", (sha,))
        return row["received"] if row else 0

    def read(self, sha: str) -> bytes:
        if self.size(sha) is None:
            raise KeyError(sha)
        return self.path(sha).read_bytes()

    def stored(self) -> list[dict]:
        return self.store.rows("SELECT sha256, size, content_type, device_id, stored_at"
                               " FROM blobs ORDER BY stored_at, sha256")

    def uploads(self) -> list[dict]:
        return self.store.rows("SELECT sha256, total, received, content_type, updated_at"
                               " FROM uploads ORDER BY sha256")

    # --- whole uploads ------------------------------------------------------------

    def put_whole(self, sha: str, data: bytes, content_type: str, device_id: str) -> int:
        """Store a blob sent in one request: 201, or 200 when it was already here."""
        if hashlib.sha256(data).hexdigest() != sha:
            raise HttpError(422, "hash_mismatch", "the bytes do not hash to the name in the URL")
        tmp = self.root / "partial" / f"{sha}.{secrets.token_hex(8)}.tmp"
        tmp.write_bytes(data)
        with self.store.tx() as db:
            if self.size(sha) is not None:
                tmp.unlink()
                return 200
            self._install(db, sha, tmp, len(data), content_type, device_id)
        return 201

    def _install(self, db, sha: str, src: Path, size: int, content_type: str,
                 device_id: str) -> None:
        final = self.path(sha)
        final.parent.mkdir(exist_ok=True)
        os.replace(src, final)
        db.execute("INSERT INTO blobs (sha256, size, content_type, device_id, stored_at)"
                   " VALUES (?, ?, ?, ?, ?)", (sha, size, content_type, device_id, now_iso()))
        # A whole upload may overtake one in parts: the parts are no longer needed.
        db.execute("DELETE FROM uploads WHERE sha256 = ?", (sha,))
        self._part_path(sha).unlink(missing_ok=True)

    # --- uploads in parts ---------------------------------------------------------

    def check_part(self, sha: str, first: int, last: int, total: int) -> tuple[int, int] | None:
        """Decide before reading a part's body: None to go on, or (status, offset) to answer.

        Checking first means a retried or misplaced part costs no disk writes.
        """
        size = self.size(sha)
        if size is not None:
            return 200, size
        row = self.store.one("SELECT total, received FROM uploads WHERE sha256 = ?", (sha,))
        received = row["received"] if row else 0
        if row and row["total"] != total:
            raise HttpError(400, "invalid_content_range",
                            f"total {total} differs from the upload in progress ({row['total']})",
                            {"Upload-Offset": str(received)})
        if last < received:
            return 202, received  # a retry of a part whose answer was lost
        if first != received:
            raise HttpError(409, "offset_mismatch", f"expected a part starting at {received}",
                            {"Upload-Offset": str(received)})
        return None

    def put_part(self, sha: str, first: int, data: bytes, total: int, content_type: str,
                 device_id: str) -> tuple[int, int]:
        """Append a fully read part; (202, offset) or (201, total) once complete and verified."""
        with self.store.tx() as db:
            # Re-check under the lock: a concurrent retry of the same part may have won.
            early = self.check_part(sha, first, first + len(data) - 1, total)
            if early is not None:
                return early
            part = self._part_path(sha)
            with open(part, "ab") as f:
                f.truncate(first)
                f.write(data)
            received = first + len(data)
            if received < total:
                self._record_offset(db, sha, total, received, content_type)
                return 202, received
            intact = file_sha256(part) == sha
            if intact:
                self._install(db, sha, part, total, content_type, device_id)
                return 201, total
            db.execute("DELETE FROM uploads WHERE sha256 = ?", (sha,))
            part.unlink(missing_ok=True)
        # Raised outside the transaction: an exception inside would roll the discard back.
        raise HttpError(422, "hash_mismatch",
                        "the assembled bytes do not hash to the name; upload discarded",
                        {"Upload-Offset": "0"})

    @staticmethod
    def _record_offset(db, sha: str, total: int, received: int, content_type: str) -> None:
        at = now_iso()
        db.execute("INSERT INTO uploads (sha256, total, received, content_type, started_at,"
                   " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(sha256) DO UPDATE"
                   " SET received = excluded.received, updated_at = excluded.updated_at",
                   (sha, total, received, content_type, at, at))
