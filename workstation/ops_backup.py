"""Backups: a consistent copy of the database and the files it names, while the app works.

The database is copied with SQLite's online backup API in one step, which reads
one consistent snapshot (in WAL mode writers carry on meanwhile). Blobs are
copied afterwards, each verified against its hash: a blob is durable before any
row names it and is never changed, so every file the snapshot names is there.
A backup is written to ``<name>.partial`` and renamed when complete, so a
folder named ``workstation-backup-*`` with a manifest is always whole.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation import settings
from workstation.db import DATABASE_ERRORS, database
from workstation.errors import StoreError, WorkstationError
from workstation.i18n import os_error, t
from workstation.ops_copy import copy_blobs, copy_database, copy_small_files, write_json
from workstation.ops_store import connect_file, store_keys
from workstation.ops_version import app_version
from workstation.paths import BLOB_DIR, DB_NAME, db_path

if TYPE_CHECKING:
    from workstation.context import Context

log = logging.getLogger(__name__)
PREFIX = "workstation-backup-"
NAME_RE = re.compile(r"^workstation-backup-\d{8}-\d{6}(-\d+)?$")
MANIFEST = "manifest.json"
FORMAT = 1
# Settings the UI uses to schedule daily backups (to a USB drive or a share).
BACKUP_DIR, DAILY_AT, KEEP = "backup.dir", "backup.daily_at", "backup.keep"
LAST_AT, LAST_ATTEMPT_AT, LAST_ERROR = "backup.last_at", "backup.last_attempt_at", "backup.last_error"
DEFAULT_KEEP = 14
RETRY_AFTER = timedelta(hours=1)


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    pruned: list[Path] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        blobs = self.manifest["blobs"]
        return self.manifest["database"]["integrity"] == "ok" and not blobs["missing"] and not blobs["corrupt"]


def backup(data_dir: Path, dest_root: Path, keep: int | None = None,
           when: datetime | None = None) -> BackupResult:
    """Back up ``data_dir`` into a new dated folder under ``dest_root``; prune to ``keep``."""
    source = db_path(data_dir)
    if not source.is_file():
        raise StoreError(t("没有可备份的数据", "Nothing to back up"),
                         t(f"{data_dir} 中没有数据库。请检查 --data-dir。", f"There is no database in {data_dir}. Check --data-dir."))
    keys = store_keys(data_dir)
    when = (when or datetime.now()).astimezone()
    final = _new_folder(_reachable(dest_root), when)
    partial = final.with_name(final.name + ".partial")
    partial.mkdir()
    try:
        with _shared_lock(data_dir):
            copy_small_files(data_dir, partial)
            database, referenced, figures = copy_database(source, partial / DB_NAME, keys.db_key)
            verifier = keys.blob_store(partial / BLOB_DIR) if keys.cipher else None
            blobs = copy_blobs(data_dir / BLOB_DIR, partial / BLOB_DIR, referenced, verifier)
        manifest = _manifest(when, database, blobs, figures)
        write_json(partial / MANIFEST, manifest)
        os.replace(partial, final)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise _write_failed(dest_root, exc) from exc
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    result = BackupResult(final, manifest)
    if result.complete:  # a bad backup never pushes a good one out
        result.pruned = prune(dest_root, keep) if keep else []
        _record_success(source, keys.db_key, when)
    log.info("backup written", extra={"path": str(final), "complete": result.complete,
                                      "cases": figures.get("cases"), "blobs": blobs["count"]})
    return result


def _reachable(dest_root: Path) -> Path:
    try:
        dest_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(t("无法使用备份位置", "The backup location cannot be used"),
                         t(f"{dest_root}：{os_error(exc, with_file=False)}。如果备份到U盘或共享文件夹，请先插好U盘或连上网络。",
                           f"{dest_root}: {os_error(exc, with_file=False)}. If it is a USB drive or a share, plug it in or connect first.")) from exc
    return dest_root


def _new_folder(dest_root: Path, when: datetime) -> Path:
    base = PREFIX + when.strftime("%Y%m%d-%H%M%S")
    candidate, n = dest_root / base, 1
    while candidate.exists() or candidate.with_name(candidate.name + ".partial").exists():
        n += 1
        candidate = dest_root / f"{base}-{n}"
    return candidate


@contextmanager
def _shared_lock(data_dir: Path) -> Iterator[None]:
    """Hold the store's shared lock, as an open app does: no one may clean up files meanwhile."""
    if os.name == "nt":
        yield
        return
    import fcntl

    with open(data_dir / "store.lock", "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        yield


def _manifest(when: datetime, database: dict[str, Any], blobs: dict[str, Any],
              figures: dict[str, Any]) -> dict[str, Any]:
    return {"format": FORMAT, "kind": "township-workstation-backup",
            "created_at": when.isoformat(timespec="seconds"), "app_version": app_version(),
            "schema_version": figures.get("schema_version"), "office_code": figures.pop("office_code", ""),
            "database": database, "blobs": blobs, "counts": figures}


def list_backups(dest_root: Path) -> list[Path]:
    """Complete backups under ``dest_root``, oldest first."""
    if not dest_root.is_dir():
        return []
    return sorted((p for p in dest_root.iterdir() if NAME_RE.match(p.name) and (p / MANIFEST).is_file()),
                  key=lambda p: _sort_key(p.name))


def _sort_key(name: str) -> tuple[str, int]:
    rest = name[len(PREFIX):]  # YYYYmmdd-HHMMSS, then -N for a second backup in the same second
    return rest[:15], int(rest[16:] or 1)


def prune(dest_root: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups (only folders this module made)."""
    if keep < 1:
        raise StoreError(t("保留份数无效", "Invalid number to keep"), t("至少保留 1 份。", "Keep at least 1."))
    old = list_backups(dest_root)[:-keep]
    for path in old:
        shutil.rmtree(path)
        log.info("old backup removed", extra={"path": str(path)})
    return old


def _write_failed(dest_root: Path, exc: OSError) -> StoreError:
    import errno

    if exc.errno == errno.ENOSPC:
        return StoreError(t("备份位置空间不足", "The backup location is full"),
                          t(f"{dest_root} 已满。请换一个更大的U盘，或减少保留份数（--keep）。",
                            f"{dest_root} is full. Use a larger drive or keep fewer backups (--keep)."))
    return StoreError(t("备份没有完成", "The backup did not finish"),
                      t(f"{os_error(exc)}。请检查U盘或共享文件夹是否还连着，然后重试。",
                        f"{os_error(exc)}. Check the USB drive or share is still connected and try again."))


def _record_success(source: Path, key: bytes | None, when: datetime) -> None:
    """Remember the time in the store's settings, so scheduled backups know; best effort."""
    try:
        conn = connect_file(source, key, readonly=False)
        try:
            db = database(conn)
            settings.put(db, LAST_AT, when.isoformat(timespec="seconds"))
            settings.put(db, LAST_ERROR, None)
        finally:
            conn.close()
    except DATABASE_ERRORS:
        log.warning("could not record the backup time", exc_info=True)


def schedule_due(ctx: Context, now: datetime) -> bool:
    """Whether the daily backup should run now (``backup.dir`` and ``backup.daily_at`` set).

    Due once the latest daily slot (``HH:MM`` local time, today's or else
    yesterday's) has passed without a successful backup since; after a failed
    attempt it waits ``RETRY_AFTER`` before being due again.
    """
    folder, daily = settings.get(ctx.db, BACKUP_DIR), settings.get(ctx.db, DAILY_AT)
    if not folder or not daily:
        return False
    local = now.astimezone()
    hour, minute = _parse_hhmm(str(daily))
    slot = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if slot > local:
        slot -= timedelta(days=1)
    last = _parse(settings.get(ctx.db, LAST_AT))
    if last is not None and last >= slot:
        return False
    attempt = _parse(settings.get(ctx.db, LAST_ATTEMPT_AT))
    return attempt is None or attempt < slot or local - attempt >= RETRY_AFTER


def run_scheduled(ctx: Context, now: datetime | None = None) -> BackupResult:
    """Run the daily backup into ``backup.dir``; records the outcome for the UI to show."""
    when = (now or datetime.now()).astimezone()
    settings.put(ctx.db, LAST_ATTEMPT_AT, when.isoformat(timespec="seconds"))
    try:
        folder = settings.get(ctx.db, BACKUP_DIR)
        if not folder:
            raise StoreError(t("没有设置备份位置", "No backup location set"),
                             t("请在设置中选择备份文件夹（例如U盘）。", "Choose a backup folder (e.g. a USB drive) in the settings."))
        keep = int(settings.get(ctx.db, KEEP, DEFAULT_KEEP) or DEFAULT_KEEP)
        result = backup(ctx.data_dir, Path(folder), keep=keep, when=when)
    except WorkstationError as exc:
        settings.put(ctx.db, LAST_ERROR, f"{exc.title}: {exc.message}")
        raise
    if not result.complete:
        settings.put(ctx.db, LAST_ERROR, t("备份不完整，请运行 workstation doctor。",
                                           "The backup is incomplete; run 'workstation doctor'."))
    return result


def _parse_hhmm(text: str) -> tuple[int, int]:
    try:
        hour, minute = (int(p) for p in text.split(":"))
        if 0 <= hour < 24 and 0 <= minute < 60:
            return hour, minute
    except ValueError:
        pass
    raise StoreError(t("备份时间无效", "Invalid backup time"),
                     t(f"“{text}”应为 时:分，例如 17:30。", f"'{text}' should be HH:MM, e.g. 17:30."))


def _parse(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)).astimezone() if value else None
    except ValueError:
        return None
