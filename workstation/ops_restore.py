"""Restoring a backup made by :mod:`workstation.ops_backup`.

Everything is checked on a staged copy next to the data directory before the
data directory is touched: the manifest, the database's hash and integrity,
its version, and every file it names. Existing data is moved aside to
``<data_dir>.before-restore-<time>``, never deleted. The log folder and the
lock file stay where they are: they belong to the machine, not to the data.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from workstation import migrations, settings
from workstation.db import DATABASE_ERRORS, database
from workstation.errors import StoreError
from workstation.i18n import os_error, t
from workstation.keys import META_NAME, key_from_recovery_code, load_meta, save_key
from workstation.ops_backup import FORMAT, MANIFEST, list_backups
from workstation.ops_copy import CA_DIR, copy_hashing, copy_verified
from workstation.ops_store import (
    StoreKeys,
    connect_file,
    keys_from_master,
    open_readonly,
    store_keys,
)
from workstation.paths import BLOB_DIR, DB_NAME, LOG_DIR

log = logging.getLogger(__name__)
LOCK_NAME = "store.lock"
STAYS = {LOG_DIR, LOCK_NAME}  # not data: an otherwise empty folder counts as empty
CHUNK = 1024 * 1024


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    moved_aside: Path | None = None
    warnings: list[str] = field(default_factory=list)


def restore(backup_dir: Path, data_dir: Path, force: bool = False,
            recovery_code: str | None = None) -> RestoreResult:
    """Restore ``backup_dir`` into ``data_dir``.

    An encrypted backup needs its key: from this computer's keyring, or (on a
    new computer) from the printed ``recovery_code``, which is then saved to
    the keyring once it has opened the backup.
    """
    manifest = read_manifest(backup_dir)
    occupied = _data_entries(data_dir)
    if occupied and not force:
        raise StoreError(t("数据目录里已有数据", "The data directory already holds data"),
                         t(f"{data_dir} 不是空的。确认要用备份替换它时，请加上 --force；现有数据会被移到旁边保留，不会删除。",
                           f"{data_dir} is not empty. To replace it with the backup add --force; "
                           "the current data is moved aside and kept, never deleted."))
    staging = data_dir.parent / f".{data_dir.name}.restoring-{_stamp()}"
    result = RestoreResult(manifest)
    try:
        staging.mkdir(parents=True)
        master = _stage(backup_dir, staging, manifest, result, recovery_code)
        with _exclusive(data_dir):
            result.moved_aside = _move_aside(data_dir, occupied) if occupied else None
            _move_children(staging, data_dir)
    except OSError as exc:
        raise _unfinished(exc, result.moved_aside) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    meta = load_meta(data_dir)
    if master is not None and meta is not None:
        save_key(meta.store_id, master)
    _repoint_ca(data_dir, store_keys(data_dir).db_key)
    log.info("backup restored", extra={"backup": str(backup_dir), "moved_aside": str(result.moved_aside)})
    return result


def _unfinished(exc: OSError, aside: Path | None) -> StoreError:
    where = t(f"原有数据在 {aside}，没有删除。", f"The previous data is in {aside}, not deleted.") if aside \
        else t("现有数据没有改动。", "Nothing was changed.")
    return StoreError(t("恢复没有完成", "The restore did not finish"),
                      t(f"{os_error(exc)}。", f"{os_error(exc)}. ") + where + t("请检查磁盘空间和权限后重试。", " Check disk space and permissions, then try again."))


def read_manifest(backup_dir: Path) -> dict[str, Any]:
    path = backup_dir / MANIFEST
    if not path.is_file():
        raise _not_a_backup(backup_dir)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or not isinstance(manifest.get("database"), dict):
            raise ValueError("unknown format")
    except (OSError, ValueError, AttributeError) as exc:
        raise _refused(t(f"备份说明文件无法读取：{exc}", f"The backup's manifest cannot be read: {exc}")) from exc
    return manifest


def _not_a_backup(backup_dir: Path) -> StoreError:
    found = list_backups(backup_dir)
    if found:
        newest = found[-1]
        return StoreError(t("请指定具体的一份备份", "Choose one backup"),
                          t(f"{backup_dir} 中有 {len(found)} 份备份，最新的是 {newest}。请运行 workstation restore {newest}",
                            f"{backup_dir} holds {len(found)} backups; the newest is {newest}. "
                            f"Run 'workstation restore {newest}'."))
    return StoreError(t("这不是工作站备份", "This is not a workstation backup"),
                      t(f"{backup_dir} 中没有 {MANIFEST}。请选择名为 workstation-backup-日期 的文件夹。",
                        f"There is no {MANIFEST} in {backup_dir}. Choose a folder named workstation-backup-DATE."))


def _refused(reason: str) -> StoreError:
    return StoreError(t("备份已损坏，拒绝恢复", "The backup is damaged and was not restored"),
                      reason + t(" 现有数据没有改动。请换一份较早的备份。",
                                 " Nothing was changed. Try an older backup."))


def _stage(backup_dir: Path, staging: Path, manifest: dict[str, Any], result: RestoreResult,
           recovery_code: str | None) -> bytes | None:
    """Copy and check everything into ``staging``; the master key if a recovery code gave it."""
    if (backup_dir / META_NAME).is_file():
        shutil.copy2(backup_dir / META_NAME, staging / META_NAME)
    db = staging / DB_NAME
    digest = _copy_hashing(backup_dir / DB_NAME, db)
    if digest != manifest["database"].get("sha256"):
        raise _refused(t("数据库文件与备份说明中的校验值不符。", "The database file does not match the manifest's hash."))
    master = key_from_recovery_code(recovery_code) if recovery_code else None
    keys = keys_from_master(master) if master else _keys_or_advice(staging)
    try:
        referenced = _check_database(db, keys.db_key)
    except StoreError as exc:
        if master is None:
            raise
        raise StoreError(t("恢复密钥不对", "Wrong recovery key"),
                         t("这个恢复密钥打不开这份备份，请逐字核对。现有数据没有改动。",
                           "This recovery key does not open this backup; check it character by character. "
                           "Nothing was changed.")) from exc
    verifier = keys.blob_store(staging / BLOB_DIR) if keys.cipher else None
    known_missing = set(manifest.get("blobs", {}).get("missing", [])) | set(manifest.get("blobs", {}).get("corrupt", []))
    for sha in referenced:
        rel = Path(sha[:2], sha[2:4], sha)
        problem = copy_verified(backup_dir / BLOB_DIR / rel, staging / BLOB_DIR / rel, sha, verifier)
        if problem and sha not in known_missing:
            raise _refused(t(f"文件 {sha[:12]}… {_word(problem)}。", f"File {sha[:12]}… is {problem}."))
        if problem:
            result.warnings.append(t(f"文件 {sha[:12]}… 在备份时已经缺失。", f"File {sha[:12]}… was already missing when backed up."))
    if (backup_dir / CA_DIR).is_dir():
        shutil.copytree(backup_dir / CA_DIR, staging / CA_DIR)
    return master


def _keys_or_advice(staging: Path) -> StoreKeys:
    try:
        return store_keys(staging)
    except StoreError as exc:
        raise StoreError(t("这份备份是加密的，本机没有它的密钥", "This backup is encrypted and this computer lacks its key"),
                         t("请找出锁在办公室保险柜里的恢复密钥，然后运行 workstation restore 备份文件夹 --recovery-key。"
                           "现有数据没有改动。",
                           "Fetch the recovery key kept in the office safe and run "
                           "'workstation restore BACKUP --recovery-key'. Nothing was changed.")) from exc


def _word(problem: str) -> str:
    return {"missing": "缺失", "corrupt": "已损坏"}.get(problem, problem)


def _copy_hashing(source: Path, target: Path) -> str:
    try:
        return copy_hashing(source, target)
    except FileNotFoundError as exc:
        raise _refused(t("备份中没有数据库文件。", "The backup has no database file.")) from exc


def _check_database(db: Path, key: bytes | None) -> list[str]:
    try:
        conn = open_readonly(db, key, immutable=True)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            referenced = [r[0] for r in conn.execute("SELECT sha256 FROM blobs")] if rows == ["ok"] else []
        finally:
            conn.close()
    except DATABASE_ERRORS as exc:
        raise _refused(t(f"数据库无法读取：{exc}。", f"The database cannot be read: {exc}.")) from exc
    if rows != ["ok"]:
        raise _refused(t("数据库完整性检查未通过：", "The database fails its integrity check: ") + "; ".join(rows[:3]))
    newest = migrations.MIGRATIONS[-1][0]
    if version > newest:
        raise StoreError(t("备份来自更新版本的工作站", "The backup comes from a newer workstation version"),
                         t(f"备份的数据库版本是 {version}，本程序只支持到 {newest}。请先安装最新版本；现有数据没有改动。",
                           f"Its database version is {version}; this program supports up to {newest}. "
                           "Install the newest version first; nothing was changed."))
    return referenced


def _data_entries(data_dir: Path) -> list[Path]:
    if not data_dir.is_dir():
        return []
    return sorted(p for p in data_dir.iterdir() if p.name not in STAYS)


@contextmanager
def _exclusive(data_dir: Path) -> Iterator[None]:
    """Refuse while the app (or a command) has the store open; keep others out meanwhile."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if os.name == "nt":  # no flock: moving open files fails there anyway, with a clear error
        yield
        return
    import fcntl

    with open(data_dir / LOCK_NAME, "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise StoreError(t("工作站正在使用这些数据", "The workstation is using this data"),
                             t("请先关闭工作站程序（以及正在运行的工作站命令），然后再恢复。",
                               "Close the workstation app (and any running workstation command), then restore.")) from exc
        yield


def _move_aside(data_dir: Path, entries: list[Path]) -> Path:
    aside = data_dir.with_name(f"{data_dir.name}.before-restore-{_stamp()}")
    aside.mkdir()
    for entry in entries:
        shutil.move(str(entry), str(aside / entry.name))
    return aside


def _move_children(source: Path, target: Path) -> None:
    for entry in source.iterdir():
        shutil.move(str(entry), str(target / entry.name))


def _repoint_ca(data_dir: Path, key: bytes | None) -> None:
    """The county CA file travelled with the backup; point the setting at this copy of it."""
    conn = connect_file(data_dir / DB_NAME, key, readonly=False)
    try:
        db = database(conn)
        current = settings.get(db, settings.PROVISIONED_COUNTY_CA)
        if current:
            moved = data_dir / CA_DIR / Path(str(current)).name
            if moved.is_file() and Path(str(current)) != moved:
                settings.put(db, settings.PROVISIONED_COUNTY_CA, str(moved))
    finally:
        conn.close()


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")
