"""Read-only access to a store for the operations tools.

Doctor, support bundles and backups must work on a database that is damaged,
from another version or in use by the app: they open the file read-only and
never run migrations or start-up recovery. An encrypted store (SQLCipher
database, sealed blobs) is opened with its key from the keyring, as
:mod:`workstation.context` does; a plain one with the standard sqlite3.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from workstation import keys
from workstation.blobs import BlobStore
from workstation.crypto import BlobCipher, derive_key
from workstation.db import DATABASE_ERRORS, is_encrypted_file, keyed
from workstation.errors import StoreError
from workstation.i18n import t
from workstation.paths import BLOB_DIR, db_path

TIMEOUT_S = 10.0


@dataclass(frozen=True)
class StoreKeys:
    """What it takes to read a store: nothing for a plain one, keys for an encrypted one."""

    db_key: bytes | None = None
    cipher: BlobCipher | None = None

    def blob_store(self, root: Path) -> BlobStore:
        return BlobStore(root, self.cipher)


def store_keys(data_dir: Path) -> StoreKeys:
    """The keys of the store in ``data_dir`` (or of a backup folder, laid out alike)."""
    meta = keys.load_meta(data_dir)
    encrypted = (meta is not None and meta.encrypted) or is_encrypted_file(db_path(data_dir))
    if not encrypted:
        return StoreKeys()
    if meta is None:
        raise StoreError(t("缺少数据目录描述文件", "store.json is missing"),
                         t(f"{data_dir} 中的数据库是加密的，但没有 store.json，无法找到密钥。请从备份恢复。",
                           f"The database in {data_dir} is encrypted but store.json is missing, so its key "
                           "cannot be found. Restore a backup."))
    return keys_from_master(keys.load_key(meta.store_id))


def keys_from_master(master: bytes) -> StoreKeys:
    return StoreKeys(derive_key(master, b"workstation database"),
                     BlobCipher(derive_key(master, b"workstation blobs")))


def connect_file(path: Path, key: bytes | None = None, readonly: bool = True,
                 immutable: bool = False) -> sqlite3.Connection:
    """A plain connection (no migrations); ``immutable`` for files nobody else writes (backups)."""
    if readonly and not path.is_file():
        raise StoreError(t("没有数据库文件", "There is no database file"), str(path))
    target = f"file:{quote(path.resolve().as_posix(), safe='/:')}"
    if readonly:
        target += "?mode=ro" + ("&immutable=1" if immutable else "")
    module: Any = sqlite3
    if key is not None:
        import sqlcipher3

        module = sqlcipher3
    def connect() -> Any:
        return module.connect(target, uri=True, timeout=TIMEOUT_S, check_same_thread=False,
                              isolation_level=None)

    conn = connect() if key is None else keyed(connect, key)
    conn.execute(f"PRAGMA busy_timeout = {int(TIMEOUT_S * 1000)}")
    return conn  # type: ignore[no-any-return]


def open_readonly(path: Path, key: bytes | None = None, immutable: bool = False) -> sqlite3.Connection:
    return connect_file(path, key, readonly=True, immutable=immutable)


@contextmanager
def readonly(data_dir: Path) -> Iterator[sqlite3.Connection]:
    conn = open_readonly(db_path(data_dir), store_keys(data_dir).db_key)
    try:
        yield conn
    finally:
        conn.close()


def blob_root(data_dir: Path) -> Path:
    return data_dir / BLOB_DIR


def scalar(conn: sqlite3.Connection, sql: str, default: Any = None) -> Any:
    try:
        row = conn.execute(sql).fetchone()
    except DATABASE_ERRORS:
        return default
    return row[0] if row else default


def grouped(conn: sqlite3.Connection, sql: str) -> dict[str, int]:
    try:
        return {str(k): int(v) for k, v in conn.execute(sql)}
    except DATABASE_ERRORS:
        return {}


def counts(conn: sqlite3.Connection) -> dict[str, Any]:
    """Figures without citizen data; each one survives a damaged table on its own."""
    return {
        "schema_version": scalar(conn, "PRAGMA user_version"),
        "cases": scalar(conn, "SELECT COUNT(*) FROM cases"),
        "cases_by_status": grouped(conn, "SELECT status, COUNT(*) FROM cases GROUP BY status"),
        "cases_by_service": grouped(conn, "SELECT service_code, COUNT(*) FROM cases"
                                          " GROUP BY service_code"),
        "documents": scalar(conn, "SELECT COUNT(*) FROM documents"),
        "pages": scalar(conn, "SELECT COUNT(*) FROM pages"),
        "blobs": scalar(conn, "SELECT COUNT(*) FROM blobs"),
        "blob_bytes": scalar(conn, "SELECT COALESCE(SUM(size), 0) FROM blobs"),
        "users_by_role": grouped(conn, "SELECT role, COUNT(*) FROM users GROUP BY role"),
        "audit_entries": scalar(conn, "SELECT COUNT(*) FROM audit_log"),
        "county_catalog": scalar(conn, "SELECT COUNT(*) FROM county_catalog"),
    }


def setting(conn: sqlite3.Connection, key: str, default: Any = None) -> Any:
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default
    except DATABASE_ERRORS:
        return default
    except ValueError:
        return default
