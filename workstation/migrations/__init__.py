"""Numbered schema migrations, applied in order at start-up.

The schema version is SQLite's ``user_version``. All pending migrations run in one
transaction together with the version bump, so a crash or a failure leaves the
database exactly as it was. A database written
by a newer version of the app is refused before anything is touched.

To add a migration: create ``mNNNN_name.py`` with ``def migrate(db)`` and add
it to ``MIGRATIONS`` below (explicit, so that frozen builds find it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from workstation.errors import StoreError
from workstation.i18n import t
from workstation.migrations import (
    m0001_core,
    m0002_sync,
    m0003_privacy,
    m0004_receipt_seq,
    m0005_covering,
    m0006_list_indexes,
    m0007_audit_hash,
    m0008_outbox_check,
)

Migration = tuple[int, str, Callable[[sqlite_utils.Database], None]]

MIGRATIONS: list[Migration] = [
    (1, "core", m0001_core.migrate),
    (2, "sync", m0002_sync.migrate),
    (3, "privacy", m0003_privacy.migrate),
    (4, "receipt_seq", m0004_receipt_seq.migrate),
    (5, "covering", m0005_covering.migrate),
    (6, "list_indexes", m0006_list_indexes.migrate),
    (7, "audit_hash", m0007_audit_hash.migrate),
    (8, "outbox_check", m0008_outbox_check.migrate),
]


def apply_migrations(db: sqlite_utils.Database, path: Path | None = None) -> list[int]:
    """Apply pending migrations; return the numbers applied."""
    current = int(db.execute("PRAGMA user_version").fetchone()[0])
    newest = MIGRATIONS[-1][0]
    if current > newest:
        raise StoreError(
            t("数据库来自更新版本的工作站", "The database comes from a newer version of the workstation"),
            t(f"{path or ''} 的结构版本是 {current}，本程序只支持到 {newest}。请安装最新版本的工作站；数据未被改动。",
              f"{path or ''} has schema version {current}; this program supports up to {newest}. "
              "Install the newest workstation version; nothing was changed."),
        )
    pending = [m for m in MIGRATIONS if m[0] > current]
    if not pending:
        return []
    # All pending steps share one transaction: an upgrade that fails half-way
    # leaves the database exactly as the previous version left it.
    db.execute("BEGIN IMMEDIATE")
    number, name = current, ""
    try:
        for number, name, migrate in pending:  # noqa: B007 (named in the error below)
            migrate(db)
        db.execute(f"PRAGMA user_version = {newest}")
    except BaseException as exc:
        db.execute("ROLLBACK")
        raise StoreError(
            t(f"数据库升级失败（第 {number} 步：{name}）", f"Database upgrade failed (step {number}: {name})"),
            t(f"数据库保持在版本 {current}，未被改动：{exc}。请把 workstation support-bundle 生成的文件交给技术人员。",
              f"The database stays at version {current}, unchanged: {exc}. "
              "Give the file made by 'workstation support-bundle' to IT staff."),
        ) from exc
    db.execute("COMMIT")
    return [m[0] for m in pending]
