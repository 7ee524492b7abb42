"""Encrypting a data directory that was created before encryption, and recovery keys.

The database is copied into a new SQLCipher file with ``sqlcipher_export`` and
swapped in by a rename, so a crash leaves either the old file or the new one.
Blobs are then sealed one by one, each by an atomic rename; ``store.json``
says ``sealing`` until all are done, and the next start finishes the job.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from workstation import keys
from workstation.crypto import derive_key
from workstation.db import HMAC_ALGORITHMS, is_encrypted_file
from workstation.errors import StoreError
from workstation.i18n import t
from workstation.paths import db_path

DB_PURPOSE = b"workstation database"
BLOB_PURPOSE = b"workstation blobs"


def encrypt_store(data_dir: Path) -> dict[str, int]:
    """Encrypt an unencrypted data directory in place; safe to run again after a crash."""
    from workstation.context import Context, only_user

    meta = keys.load_meta(data_dir)
    path = db_path(data_dir)
    if meta is None or not path.exists():
        raise StoreError(t("没有可加密的数据", "Nothing to encrypt"), str(data_dir))
    if not only_user(data_dir):
        raise StoreError(t("工作站正在使用这个数据目录", "The data directory is in use"),
                         t("请先关闭工作站程序和同步，再加密。", "Close the app and sync first, then encrypt."))
    if not is_encrypted_file(path):
        master = _key_for(meta)
        _export_encrypted(path, derive_key(master, DB_PURPOSE))
    meta = replace(meta, encrypted=True, sealing=True)
    keys.write_meta(data_dir, meta)
    with Context.open(data_dir) as ctx:  # opening finishes the sealing
        return {"blobs_sealed": ctx.recovery.get("blobs_sealed", 0)}


def _key_for(meta: keys.StoreMeta) -> bytes:
    try:
        return keys.load_key(meta.store_id)
    except StoreError:
        return keys.create_key(meta.store_id)


def _export_encrypted(path: Path, key: bytes) -> None:
    import sqlcipher3

    tmp = path.with_name(path.name + ".encrypting")
    tmp.unlink(missing_ok=True)
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", [str(tmp)])
        conn.execute(f"PRAGMA enc.cipher_hmac_algorithm = {HMAC_ALGORITHMS[0]}")
        conn.execute("SELECT sqlcipher_export('enc')")
        conn.execute(f"PRAGMA enc.user_version = {int(version)}")
        conn.execute("DETACH DATABASE enc")
    finally:
        conn.close()
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.replace(tmp, path)


def finish_sealing(ctx: object) -> int:
    """Seal blobs left in the clear; called at start-up while ``store.json`` says so."""
    from workstation.context import Context

    assert isinstance(ctx, Context)
    meta = keys.load_meta(ctx.data_dir)
    if meta is None or not meta.sealing:
        return 0
    sealed = sum(ctx.blobs.seal_in_place(sha) for sha in list(ctx.blobs.stored()))
    keys.write_meta(ctx.data_dir, replace(meta, sealing=False))
    return sealed


def export_recovery_code(data_dir: Path) -> str:
    meta = keys.load_meta(data_dir)
    if meta is None or not meta.encrypted:
        raise StoreError(t("数据目录未加密", "The data directory is not encrypted"),
                         t("请先运行 workstation keys encrypt。", "Run 'workstation keys encrypt' first."))
    return keys.recovery_code(keys.load_key(meta.store_id))


def restore_from_recovery_code(data_dir: Path, code: str) -> None:
    """Put the key back into this computer's keyring (a new PC, or a lost keyring)."""
    meta = keys.load_meta(data_dir)
    if meta is None:
        raise StoreError(t("不是工作站数据目录", "Not a workstation data directory"), str(data_dir))
    key = keys.key_from_recovery_code(code)
    from workstation.db import connect

    try:
        connect(db_path(data_dir), derive_key(key, DB_PURPOSE)).close()
    except StoreError as exc:
        raise StoreError(t("恢复密钥不对", "Wrong recovery key"),
                         t("这个恢复密钥不能打开此数据目录。", "This recovery key does not open this data directory.")) from exc
    keys.save_key(meta.store_id, key)
