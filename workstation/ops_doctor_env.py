"""The doctor's checks of the machine around the store: disk, keyring, county, scanners.

The sync and scanning packages sit above the core, so they are looked up at
run time with importlib: the core works (and the doctor reports "skipped")
where they are absent, and the layering contract stays as it is.
"""

from __future__ import annotations

import importlib
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workstation import settings
from workstation.i18n import t
from workstation.ops_checks import ERROR, OK, SKIPPED, WARNING, Check, CheckFn, Probe, check_title
from workstation.ops_county import ping
from workstation.ops_store import setting

MB = 1024 * 1024
DISK_WARN = 1024 * MB
DISK_ERROR = 200 * MB
KEYRING_TIMEOUT_S = 10.0
PROBE_SERVICE = "township-workstation-doctor"
COUNTY_URL, COUNTY_CA = settings.PROVISIONED_COUNTY_URL, settings.PROVISIONED_COUNTY_CA
SYNC_URL, SYNC_CA, SYNC_DEVICE_ID = "sync.county_url", "sync.ca_bundle", "sync.device_id"  # as enrolled


def check_disk(probe: Probe) -> Check:
    title = check_title("disk")
    where = _existing_parent(probe.data_dir)
    free = shutil.disk_usage(where).free
    details = {"free_bytes": free, "path": str(where)}
    text = t(f"剩余 {free // MB} MB。", f"{free // MB} MB free.")
    advice = t("请删除不需要的文件，或把旧备份移到其他磁盘。空间用尽时无法保存扫描件。",
               "Delete files you do not need or move old backups elsewhere; scans cannot be saved on a full disk.")
    if free < DISK_ERROR:
        return Check("disk", title, ERROR, text, advice, details)
    if free < DISK_WARN:
        return Check("disk", title, WARNING, text, advice, details)
    return Check("disk", title, OK, text, details=details)


def _existing_parent(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path.cwd()


def check_keyring(probe: Probe) -> Check:
    title = check_title("keyring")
    import keyring

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    details = {"backend": name}
    if "fail" in name or "null" in name.lower():
        return Check("keyring", title, ERROR, t(f"没有可用的密钥环（{name}）。", f"No usable keyring ({name})."),
                     t("设备令牌无法保存，无法与县级平台同步。Linux 上请安装并解锁桌面密钥环（gnome-keyring），然后重新登录。",
                       "The device token cannot be stored, so sync will not work. On Linux install and unlock "
                       "the desktop keyring (gnome-keyring) and sign in again."), details)
    error = _timed(lambda: keyring.get_password(PROBE_SERVICE, "probe"), KEYRING_TIMEOUT_S)
    if error:
        return Check("keyring", title, ERROR, t(f"密钥环无法读取：{error}", f"The keyring cannot be read: {error}"),
                     t("请登录桌面并解锁密钥环后重试。", "Sign in to the desktop, unlock the keyring and try again."),
                     details)
    if "plaintext" in name.lower() or "keyrings.alt" in name:
        return Check("keyring", title, WARNING, t(f"密钥环以明文保存（{name}）。", f"The keyring stores secrets in plain text ({name})."),
                     t("正式使用时请改用系统密钥环（Windows 凭据管理器或 gnome-keyring）。",
                       "For real use switch to the system keyring (Windows Credential Manager or gnome-keyring)."),
                     details)
    return Check("keyring", title, OK, t(f"可以使用（{name}）。", f"Reachable ({name})."), details=details)


def _timed(fn: Callable[[], Any], timeout_s: float) -> str | None:
    """Run ``fn`` with a time limit (a locked keyring may wait for a prompt); the error text or None."""
    outcome: list[str | None] = []

    def run() -> None:
        try:
            fn()
            outcome.append(None)
        except Exception as exc:  # any backend failure is the finding itself
            outcome.append(f"{type(exc).__name__}: {exc}")

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout_s)
    return outcome[0] if outcome else t(f"{timeout_s:.0f} 秒内没有响应", f"no answer within {timeout_s:.0f} s")


def check_county(probe: Probe) -> Check:
    title = check_title("county")
    url = _first_setting(probe, SYNC_URL, COUNTY_URL)
    if not url:
        return Check("county", title, SKIPPED, t("未设置县级平台地址，未检查。", "No county URL set: not checked."))
    ca = _first_setting(probe, SYNC_CA, COUNTY_CA)
    if ca and not Path(ca).is_file():
        return Check("county", title, ERROR, t(f"证书文件 {ca} 不存在。", f"The CA file {ca} is missing."),
                     t("请重新运行 workstation provision 配置文件。", "Run 'workstation provision FILE' again."),
                     {"url": url, "ca_bundle": ca})
    return ping(str(url), ca, probe.timeout_s, _device_token(probe))


def _first_setting(probe: Probe, *keys: str) -> str | None:
    """The sync engine's key first (what it really uses), then the provisioned one."""
    if probe.conn is None:
        return None
    for key in keys:
        value = setting(probe.conn, key)
        if value:
            return str(value)
    return None


def _device_token(probe: Probe) -> str | None:
    """The device token, if this workstation is enrolled; used in the header only, never shown."""
    device_id = _first_setting(probe, SYNC_DEVICE_ID)
    if not device_id:
        return None
    try:
        tokens = importlib.import_module("sync.tokens")
        return str(tokens.load(probe.data_dir, device_id))
    except Exception:  # no sync layer, no keyring, no token: ping without one
        return None


def check_scanners(probe: Probe) -> Check:
    title = check_title("scanners")
    try:
        sources = importlib.import_module("scanning.sources")
    except ImportError:
        return Check("scanners", title, SKIPPED, t("未安装扫描模块，未检查。", "Scanning is not installed: not checked."))
    try:
        try:
            source = sources.default_source(discovery_timeout=max(probe.timeout_s * 4, 20.0))
        except TypeError:
            source = sources.default_source()
        devices = source.list_devices()
    except Exception as exc:  # SANE or WIA absent or broken: worth a warning, never a crash
        return Check("scanners", title, WARNING, t(f"无法列出扫描仪：{exc}", f"Cannot list scanners: {exc}"),
                     t("如需扫描，请安装扫描仪驱动（Linux：sane-utils 和厂商驱动）。",
                       "To scan, install the scanner driver (Linux: sane-utils and the vendor's driver)."))
    labels = [d.label for d in devices]
    if not labels:
        return Check("scanners", title, WARNING, t("没有找到扫描仪。", "No scanner found."),
                     t("请检查扫描仪电源和 USB 线，然后重试；仍找不到时请安装厂商驱动。",
                       "Check the scanner's power and USB cable and try again; if still missing, install its driver."))
    return Check("scanners", title, OK, t(f"找到 {len(labels)} 台：", f"Found {len(labels)}: ") + ", ".join(labels),
                 details={"devices": [d.to_dict() for d in devices]})


ENV_CHECKS: list[tuple[str, CheckFn]] = [
    ("disk", check_disk),
    ("keyring", check_keyring),
    ("county", check_county),
    ("scanners", check_scanners),
]
