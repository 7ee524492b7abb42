"""``workstation doctor``: checks a person can act on, each ok / warning / error.

The doctor never changes the store: the database is opened read-only with
plain sqlite3 (SQLCipher and the keyring's key for an encrypted store; no
migrations, no start-up recovery), so it also runs on a damaged database or
one that a failed upgrade left behind. Environment checks
(disk, keyring, county, scanners) live in :mod:`workstation.ops_doctor_env`.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from workstation import audit, migrations
from workstation.db import DATABASE_ERRORS, database
from workstation.errors import StoreError
from workstation.i18n import os_error, t
from workstation.ops_checks import (
    ERROR,
    LIST_LIMIT,
    OK,
    RANK,
    SKIPPED,
    WARNING,
    Check,
    CheckFn,
    Probe,
    Report,
    check_title,
)
from workstation.ops_doctor_blobs import blob_check
from workstation.ops_doctor_env import ENV_CHECKS
from workstation.ops_store import connect_file, open_readonly, setting, store_keys
from workstation.paths import db_path

log = logging.getLogger(__name__)


def run_doctor(data_dir: Path, skip: Iterable[str] = (), quick: bool = False,
               on_check: Callable[[Check], None] | None = None, timeout_s: float = 5.0) -> Report:
    probe = Probe(Path(data_dir), quick=quick, timeout_s=timeout_s)
    skipped = set(skip)
    checks: list[Check] = []
    try:
        for name, fn in [*STORE_CHECKS, *ENV_CHECKS]:
            check = _skipped(name) if name in skipped else _guarded(name, fn, probe)
            checks.append(check)
            if on_check:
                on_check(check)
    finally:
        if probe.conn is not None:
            probe.conn.close()
    report = Report(str(probe.data_dir), checks)
    log.info("doctor finished", extra={"status": report.status,
                                       "problems": [c.name for c in checks if RANK[c.status]]})
    return report


def _guarded(name: str, fn: CheckFn, probe: Probe) -> Check:
    try:
        return fn(probe)
    except Exception as exc:  # one broken check must not hide the others
        log.exception("doctor check failed", extra={"check": name})
        return Check(name, check_title(name), ERROR, t(f"检查本身出错：{exc}", f"The check itself failed: {exc}"),
                     t("请把 workstation support-bundle 生成的文件交给技术人员。",
                       "Give the file made by 'workstation support-bundle' to IT staff."))


def _skipped(name: str) -> Check:
    return Check(name, check_title(name), SKIPPED, t("按要求跳过", "Skipped as asked"))


def check_data_dir(probe: Probe) -> Check:
    title = check_title("data_dir")
    path = probe.data_dir
    if not path.is_dir():
        return Check("data_dir", title, ERROR, t(f"{path} 不存在。", f"{path} does not exist."),
                     t("请确认 --data-dir 是否正确；新装的工作站请先运行 workstation provision 或 init。",
                       "Check --data-dir; on a new workstation run 'workstation provision' or 'init' first."),
                     {"path": str(path)})
    try:
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        return Check("data_dir", title, ERROR, t(f"{path} 无法写入：{os_error(exc, with_file=False)}",
                                                 f"{path} is not writable: {os_error(exc, with_file=False)}"),
                     t("请让管理员给当前用户该文件夹的写权限，或检查磁盘是否只读。",
                       "Ask an administrator to give this user write access, or check the disk is not read-only."),
                     {"path": str(path)})
    return Check("data_dir", title, OK, t(f"{path} 存在且可写。", f"{path} exists and is writable."),
                 details={"path": str(path)})


def check_database(probe: Probe) -> Check:
    title = check_title("database")
    path = db_path(probe.data_dir)
    if not path.is_file():
        return Check("database", title, WARNING, t("还没有数据库：工作站尚未设置。", "No database yet: not set up."),
                     t("请运行 workstation provision 文件 或 workstation init。",
                       "Run 'workstation provision FILE' or 'workstation init'."))
    try:
        probe.keys = store_keys(probe.data_dir)
    except StoreError as exc:
        return Check("database", title, ERROR, exc.title, exc.message)
    try:
        probe.conn = open_readonly(path, probe.keys.db_key)
        rows = [r[0] for r in probe.conn.execute(f"PRAGMA integrity_check({LIST_LIMIT})")]
    except DATABASE_ERRORS as exc:
        return _damaged(title, [str(exc)])
    if rows != ["ok"]:
        return _damaged(title, rows)
    probe.db_usable = True
    fk = probe.conn.execute("PRAGMA foreign_key_check").fetchmany(LIST_LIMIT)
    size = path.stat().st_size
    if fk:
        return Check("database", title, WARNING,
                     t(f"数据库可以读取，但有 {len(fk)} 处引用不一致。", f"Readable, but {len(fk)} broken references."),
                     t("请把 support-bundle 文件交给技术人员。", "Give a support bundle to IT staff."),
                     {"foreign_key_problems": [list(r) for r in fk], "bytes": size})
    return Check("database", title, OK, t("完整性检查通过。", "Integrity check passed."), details={"bytes": size})


def _damaged(title: str, messages: list[str]) -> Check:
    return Check("database", title, ERROR,
                 t("数据库已损坏：" + "；".join(messages[:3]), "The database is damaged: " + "; ".join(messages[:3])),
                 t("请停止使用本机录入，用 workstation restore 从最近的备份恢复；恢复前先运行 workstation support-bundle 并交给技术人员。",
                   "Stop entering cases here and restore the latest backup with 'workstation restore'; "
                   "first run 'workstation support-bundle' and give the file to IT staff."),
                 {"messages": messages})


def check_schema(probe: Probe) -> Check:
    title = check_title("schema")
    if probe.conn is None or not probe.db_usable:
        return Check("schema", title, SKIPPED, t("数据库无法读取，未检查。", "Not checked: database unreadable."))
    current = int(probe.conn.execute("PRAGMA user_version").fetchone()[0])
    newest = migrations.MIGRATIONS[-1][0]
    details = {"schema_version": current, "app_supports": newest,
               "office_code": setting(probe.conn, "office.code", "")}
    if current > newest:
        return Check("schema", title, ERROR,
                     t(f"数据库版本 {current} 比本程序支持的 {newest} 新。", f"Database version {current} is newer than {newest}."),
                     t("请安装最新版本的工作站；数据没有被改动。", "Install the newest workstation version; no data was changed."),
                     details)
    if current < newest:
        return _trial_upgrade(probe, title, current, newest, details)
    if not details["office_code"]:
        return Check("schema", title, WARNING, t(f"版本 {current}；工作站尚未初始化。", f"Version {current}; not set up yet."),
                     t("请运行 workstation provision 文件 或 workstation init。",
                       "Run 'workstation provision FILE' or 'workstation init'."), details)
    return Check("schema", title, OK, t(f"版本 {current}，与本程序一致。", f"Version {current}, as this program expects."),
                 details=details)


def _trial_upgrade(probe: Probe, title: str, current: int, newest: int, details: dict[str, Any]) -> Check:
    """Run the pending migrations on a copy, to say now whether the real upgrade will work."""
    assert probe.conn is not None
    with tempfile.TemporaryDirectory(prefix="ws-doctor-") as tmp:
        copy = connect_file(Path(tmp) / "trial.sqlite", probe.keys.db_key, readonly=False)
        try:
            probe.conn.backup(copy)
            migrations.apply_migrations(database(copy))
        except StoreError as exc:
            details["upgrade_error"] = f"{exc.title}: {exc.message}"
            return Check("schema", title, ERROR,
                         t(f"数据库版本 {current} 需要升级到 {newest}，但升级失败：{exc.title}。数据库保持原样。",
                           f"Version {current} needs upgrading to {newest}, but the upgrade fails: {exc.title}. "
                           "The database is unchanged."),
                         t("请重新安装之前的工作站版本继续工作，并把 workstation support-bundle 生成的文件交给技术人员。",
                           "Reinstall the previous workstation version to keep working, and give the file made "
                           "by 'workstation support-bundle' to IT staff."), details)
        finally:
            copy.close()
    return Check("schema", title, OK,
                 t(f"版本 {current}，下次启动时将升级到 {newest}（已在副本上试过，可以成功）。",
                   f"Version {current}; it will be upgraded to {newest} at the next start (tried on a copy: it works)."),
                 details=details)


def check_audit(probe: Probe) -> Check:
    title = check_title("audit")
    if probe.conn is None or not probe.db_usable:
        return Check("audit", title, SKIPPED, t("数据库无法读取，未检查。", "Not checked: database unreadable."))
    result = audit.verify(database(probe.conn))
    if result.ok:
        return Check("audit", title, OK, t(f"链条完整：{result.entries} 条记录。", f"Chain intact: {result.entries} entries."),
                     details={"entries": result.entries})
    return Check("audit", title, ERROR,
                 t(f"审计日志在第 {result.broken_at} 条被改动（{result.reason}）。",
                   f"The audit log was changed at entry {result.broken_at} ({result.reason})."),
                 t("不要删除任何数据；这可能是在程序之外改动了数据库。请立即告知县级技术人员。",
                   "Do not delete anything: the database may have been edited outside the app. Tell county IT staff now."),
                 {"broken_at": result.broken_at, "reason": result.reason, "entries": result.entries})


def check_encryption(probe: Probe) -> Check:
    from workstation import keys
    from workstation.db import is_encrypted_file

    title = check_title("encryption")
    meta = keys.load_meta(probe.data_dir)
    if meta is None or not db_path(probe.data_dir).exists():
        return Check("encryption", title, SKIPPED, t("还没有数据。", "No data yet."))
    if meta.encrypted or is_encrypted_file(db_path(probe.data_dir)):
        if meta.sealing:
            return Check("encryption", title, WARNING,
                         t("加密尚未完成：部分扫描文件仍未加密。", "Encryption is not finished: some files are still plain."),
                         t("关闭工作站后重新打开一次即可完成。", "Close and reopen the workstation once to finish it."))
        return Check("encryption", title, OK, t("数据库和扫描文件均已加密。", "Database and files are encrypted."))
    return Check("encryption", title, WARNING,
                 t("数据没有加密：电脑丢失时，身份证、户口簿等个人信息可被读取。",
                   "The data is not encrypted: if the computer is lost, ID cards and registers can be read."),
                 t("关闭工作站后运行 workstation keys encrypt，再用 workstation keys export-recovery 打印恢复密钥。",
                   "Close the app, run 'workstation keys encrypt', then print the recovery key with "
                   "'workstation keys export-recovery'."))


STORE_CHECKS: list[tuple[str, CheckFn]] = [
    ("data_dir", check_data_dir),
    ("encryption", check_encryption),
    ("database", check_database),
    ("schema", check_schema),
    ("blobs", blob_check),
    ("audit", check_audit),
]
