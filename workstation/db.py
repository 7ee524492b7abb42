"""Opening the SQLite store: pragmas, the write transaction, migrations.

Connections are opened in autocommit mode so that transactions are only the
ones we begin. Writers begin with ``BEGIN IMMEDIATE``: the sync engine, the UI
and a CLI may write at once, and an immediate lock makes the second writer wait
(``busy_timeout``) instead of failing half-way when its snapshot goes stale.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from workstation.errors import StoreError
from workstation.i18n import t
from workstation.migrations import MIGRATIONS, apply_migrations

BUSY_TIMEOUT_MS = 10_000


def connect(path: Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date."""
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise StoreError(t("无法打开数据库", "Cannot open the database"), f"{path}: {exc}") from exc
    db = sqlite_utils.Database(conn)
    try:
        _configure(db)
        apply_migrations(db, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(
            t("数据库已损坏或不是工作站数据库", "The database is damaged or not a workstation database"),
            t(f"{path}：{exc}。请运行 workstation doctor，或从备份恢复。",
              f"{path}: {exc}. Run 'workstation doctor' or restore from a backup."),
        ) from exc
    except BaseException:
        conn.close()
        raise
    return db


def _configure(db: sqlite_utils.Database) -> None:
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    # NORMAL is durable in WAL mode except for the last transactions before a
    # power cut; FULL makes every commit survive that too, which is what a
    # clerk who has handed over a receipt expects.
    db.execute("PRAGMA synchronous = FULL")


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction, taken with an immediate lock; nests as a savepoint."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        with db.atomic():  # inside our BEGIN this is a savepoint
            yield db
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def latest_version() -> int:
    return MIGRATIONS[-1][0]
