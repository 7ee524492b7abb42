"""``workstation provision FILE``: set up a workstation from county IT's provisioning file.

Applying the same file twice changes nothing the second time. An office that
is already set up must have the file's office code, else nothing is applied;
its accounts are never touched. Enrolling with the county needs the network,
so it only happens when asked (``enroll=True``): provisioning works offline.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation import audit, settings
from workstation.clock import now_iso
from workstation.db import write
from workstation.errors import StoreError, WorkstationError
from workstation.i18n import t
from workstation.office import init_office
from workstation.ops_backup import BACKUP_DIR, DAILY_AT, KEEP
from workstation.ops_copy import CA_DIR
from workstation.ops_provision_file import Provisioning, load

if TYPE_CHECKING:
    from workstation.context import Context

log = logging.getLogger(__name__)
COUNTY_URL, COUNTY_CA = settings.PROVISIONED_COUNTY_URL, settings.PROVISIONED_COUNTY_CA
SCAN_PROFILES = "scan.profiles"
SYNC_URL, SYNC_DEVICE_ID = "sync.county_url", "sync.device_id"  # written by the sync engine
CA_FILE = "county-ca.pem"


@dataclass
class ProvisionResult:
    changed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    enrolled: Any = None


def provision(ctx: Context, path: Path, enroll: bool = False) -> ProvisionResult:
    plan = load(path)
    _check_office(ctx, plan)
    result = ProvisionResult(notes=list(plan.warnings))
    wanted = _wanted_settings(ctx, plan)
    with write(ctx.db):
        if not ctx.initialized:
            _create_office(ctx, plan)
            result.changed.append(t(f"办公点 {plan.office_code} 和管理员 {plan.admin['username']}",
                                    f"office {plan.office_code} and admin {plan.admin['username']}"))
        else:
            result.notes.append(t("办公点已设置，账号未改动。", "The office was already set up; accounts unchanged."))
        for key, value in wanted.items():
            if settings.get(ctx.db, key) != value:
                settings.put(ctx.db, key, value)
                result.changed.append(key)
        if result.changed:
            audit.append(ctx.db, plan.admin["username"], "office.provision", detail={"changed": result.changed})
    log.info("provisioned", extra={"office_code": plan.office_code, "changed": result.changed})
    _enrollment(ctx, plan, enroll, result)
    return result


def _check_office(ctx: Context, plan: Provisioning) -> None:
    if ctx.initialized and ctx.office_code != plan.office_code:
        raise StoreError(t("办公点代码不一致", "The office code does not match"),
                         t(f"本工作站已设置为办公点 {ctx.office_code}，而配置文件是 {plan.office_code}。"
                           "没有做任何改动。请确认拿到的是本办公点的配置文件；如确需更换，请使用新的数据目录。",
                           f"This workstation is set up for office {ctx.office_code} but the file is for "
                           f"{plan.office_code}. Nothing was changed. Check this is the right office's file; "
                           "to change offices use a new data directory."))


def _wanted_settings(ctx: Context, plan: Provisioning) -> dict[str, Any]:
    wanted: dict[str, Any] = {settings.OFFICE_NAME: plan.office_name}
    if plan.county_url:
        wanted[COUNTY_URL] = plan.county_url
    if plan.ca_pem:
        wanted[COUNTY_CA] = str(_store_ca(ctx.data_dir, plan.ca_pem))
    if plan.scan_profiles is not None:
        wanted[SCAN_PROFILES] = plan.scan_profiles
    if plan.backup:
        wanted.update({BACKUP_DIR: plan.backup["dir"], DAILY_AT: plan.backup["daily_at"],
                       KEEP: plan.backup["keep"]})
    return wanted


def _store_ca(data_dir: Path, pem: str) -> Path:
    """Keep the county's CA inside the data directory (it travels with backups)."""
    target = data_dir / CA_DIR / CA_FILE
    if target.is_file() and target.read_text(encoding="ascii", errors="replace") == pem:
        return target
    target.parent.mkdir(exist_ok=True)
    tmp = target.with_name(CA_FILE + ".tmp")
    with open(tmp, "w", encoding="ascii", newline="\n") as out:
        out.write(pem)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)
    return target


def _create_office(ctx: Context, plan: Provisioning) -> None:
    admin = plan.admin
    if "password" in admin:
        init_office(ctx, plan.office_code, plan.office_name, admin["username"], admin["password"])
        if admin["display_name"] != admin["username"]:
            ctx.db.execute("UPDATE users SET display_name = ? WHERE username = ?",
                           [admin["display_name"], admin["username"]])
        return
    # A precomputed hash keeps passwords out of the file; same steps as init_office.
    settings.put(ctx.db, settings.OFFICE_CODE, plan.office_code)
    settings.put(ctx.db, settings.OFFICE_NAME, plan.office_name)
    audit.append(ctx.db, admin["username"], "office.init", detail={"office_code": plan.office_code})
    at = now_iso()
    ctx.db.execute("INSERT INTO users (username, display_name, role, password_hash, created_at,"
                   " password_changed_at) VALUES (?, ?, 'admin', ?, ?, ?)",
                   [admin["username"], admin["display_name"], admin["password_hash"], at, at])
    audit.append(ctx.db, admin["username"], "user.add", detail={"username": admin["username"], "role": "admin"})


def _enrollment(ctx: Context, plan: Provisioning, enroll: bool, result: ProvisionResult) -> None:
    if not plan.enrollment_code:
        return
    if not enroll:
        result.notes.append(t("注册码未使用：联网后请加上 --enroll 再运行一次，向县级平台注册本机。",
                              "The enrollment code was not used: once online, run this again with --enroll "
                              "to register this computer with the county."))
        return
    if not plan.county_url:
        raise StoreError(t("无法注册", "Cannot enroll"), t("配置文件中没有 county.url。", "The file has no county.url."))
    if settings.get(ctx.db, SYNC_DEVICE_ID) and settings.get(ctx.db, SYNC_URL) == plan.county_url:
        result.notes.append(t("本机已向该县级平台注册，未再次注册。", "Already enrolled with this county: not enrolled again."))
        return
    enroll_fn = _enroll_function()
    extra = {}
    if plan.ca_pem and "ca_bundle" in inspect.signature(enroll_fn).parameters:
        extra["ca_bundle"] = settings.get(ctx.db, COUNTY_CA)
    try:
        result.enrolled = enroll_fn(ctx, plan.county_url, plan.enrollment_code, plan.device_name, **extra)
    except WorkstationError:
        raise
    except Exception as exc:  # the sync layer's own errors, with the cause for IT staff
        raise StoreError(t("向县级平台注册失败", "Enrolling with the county failed"),
                         t(f"{exc}。其他设置已保存；联网后请再运行一次。",
                           f"{exc}. The other settings are saved; run this again once online.")) from exc
    result.changed.append(t("已向县级平台注册本机", "enrolled this computer with the county"))


def _enroll_function() -> Any:
    try:
        module = importlib.import_module("sync.enrollment")
    except ImportError:
        module = None
    enroll_fn = getattr(module, "enroll", None)
    if enroll_fn is None:
        raise StoreError(t("此版本不能注册", "This version cannot enroll"),
                         t("本程序没有包含同步模块。其他设置已保存；请安装完整版本后再加 --enroll 运行。",
                           "This build has no sync module. The other settings are saved; install the full "
                           "version and run again with --enroll."))
    return enroll_fn
