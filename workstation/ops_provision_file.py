"""Reading and checking a provisioning file (made by county IT staff; see docs/operations.md).

Everything is checked before anything is applied, and unknown keys are
refused: a typo in a file sent to forty offices should fail loudly at the
first one, not be silently ignored.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from workstation import accounts
from workstation.errors import ValidationFailed
from workstation.i18n import os_error, t
from workstation.office import DIVISION_RE

FORMAT = 1
TOP_KEYS = {"format", "office", "admin", "county", "device_name", "scan_profiles", "backup"}
HASH_RE = re.compile(r"^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$")
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass
class Provisioning:
    office_code: str
    office_name: str
    admin: dict[str, str]
    county_url: str | None = None
    ca_pem: str | None = None
    enrollment_code: str | None = None
    device_name: str | None = None
    scan_profiles: dict[str, dict[str, Any]] | None = None
    backup: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)


def load(path: Path) -> Provisioning:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        reason = os_error(exc, with_file=False)
        raise _bad(t(f"无法读取 {path}：{reason}", f"Cannot read {path}: {reason}")) from exc
    except json.JSONDecodeError as exc:
        raise _bad(t(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}",
                     f"Malformed JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}")) from exc
    return parse(data, base=path.parent)


def parse(data: Any, base: Path) -> Provisioning:
    _require(isinstance(data, dict), "(file)", t("应为一个 JSON 对象。", "must be a JSON object."))
    unknown = sorted(set(data) - TOP_KEYS)
    _require(not unknown, ", ".join(unknown), t("未知的项目（是否拼写错误？）", "unknown keys (a typo?)"))
    _require(data.get("format", FORMAT) == FORMAT, "format", t(f"应为 {FORMAT}。", f"must be {FORMAT}."))
    office = _section(data, "office", required=True)
    code = str(office.get("code") or "")
    _require(bool(DIVISION_RE.match(code)) and not code.startswith("000000"), "office.code",
             t("应为 12 位统计用区划代码，例如 340822104201。", "must be the 12-digit division code, e.g. 340822104201."))
    county = _section(data, "county")
    result = Provisioning(code, str(office.get("name") or code), _admin(_section(data, "admin", required=True)),
                          county_url=_url(county.get("url")), enrollment_code=_code(county.get("enrollment_code")),
                          device_name=_text(data.get("device_name"), "device_name"),
                          scan_profiles=_profiles(data.get("scan_profiles")), backup=_backup(data.get("backup")))
    if county.get("ca_bundle"):
        result.ca_pem = _pem(str(county["ca_bundle"]), base, result.warnings)
    if "password" in result.admin:
        result.warnings.append(t("文件中含有明文密码：应用后请删除该文件，或改用 password_hash。",
                                 "The file holds a plain password: delete it after use, or use password_hash."))
    return result


def _bad(message: str, errors: list[dict[str, str]] | None = None) -> ValidationFailed:
    return ValidationFailed(t("配置文件有误", "The provisioning file is wrong"),
                            message + t(" 没有做任何改动。", " Nothing was changed."), errors)


def _require(ok: bool, where: str, message: str) -> None:
    if not ok:
        raise _bad(f"{where}: {message}", [{"field": where, "error": message}])


def _section(data: dict[str, Any], key: str, required: bool = False) -> dict[str, Any]:
    value = data.get(key)
    if value is None and not required:
        return {}
    _require(isinstance(value, dict), key, t("缺少或不是对象。", "is missing or not an object."))
    return dict(value)  # type: ignore[arg-type]


def _text(value: Any, where: str) -> str | None:
    if value in (None, ""):
        return None
    _require(isinstance(value, str), where, t("应为文字。", "must be text."))
    return str(value)


def _admin(admin: dict[str, Any]) -> dict[str, str]:
    username = str(admin.get("username") or admin.get("name") or "")
    _require(bool(accounts.USERNAME_RE.match(username)), "admin.username",
             t("应为 2–32 个字母、数字、汉字或 . _ -。", "must be 2–32 letters, digits, Chinese characters or . _ -."))
    out = {"username": username, "display_name": str(admin.get("display_name") or username)}
    password, hashed = admin.get("password"), admin.get("password_hash")
    _require((password is None) != (hashed is None), "admin",
             t("请给出 password 或 password_hash 之一。", "give either password or password_hash."))
    if hashed is not None:
        _require(isinstance(hashed, str) and bool(HASH_RE.match(hashed)), "admin.password_hash",
                 t("格式不对：请用 workstation hash-password 生成。", "wrong format: make it with 'workstation hash-password'."))
        out["password_hash"] = str(hashed)
    else:
        accounts.check_password_rules(str(password))
        out["password"] = str(password)
    return out


def _url(value: Any) -> str | None:
    url = _text(value, "county.url")
    if url is None:
        return None
    parts = urlparse(url)
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)
    _require(secure and bool(parts.hostname), "county.url",
             t("应为 https:// 开头的地址。", "must be an https:// address."))
    return url.rstrip("/")


def _code(value: Any) -> str | None:
    code = _text(value, "county.enrollment_code")
    return code.strip() if code else None


def _pem(value: str, base: Path, warnings: list[str]) -> str:
    if not value.lstrip().startswith("-----BEGIN"):
        path = Path(value) if Path(value).is_absolute() else base / value
        try:
            value = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise _bad(t(f"county.ca_bundle: 无法读取证书文件 {path}：{exc}",
                         f"county.ca_bundle: cannot read the certificate file {path}: {exc}")) from exc
    from cryptography import x509

    try:
        certs = x509.load_pem_x509_certificates(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise _bad(t(f"county.ca_bundle: 不是有效的 PEM 证书：{exc}",
                     f"county.ca_bundle: not a valid PEM certificate: {exc}")) from exc
    expired = [c for c in certs if c.not_valid_after_utc < datetime.now(UTC)]
    if expired:
        warnings.append(t(f"{len(expired)} 个证书已过期，请向县级技术人员索取新的配置文件。",
                          f"{len(expired)} certificates have expired; ask county IT for a new file."))
    return value.strip() + "\n"


def _profiles(value: Any) -> dict[str, dict[str, Any]] | None:
    if value is None:
        return None
    _require(isinstance(value, dict) and all(isinstance(v, dict) for v in value.values()), "scan_profiles",
             t("应为 {文件种类: {设置}}。", "must be {document kind: {settings}}."))
    try:  # checked by the scanning layer when this build has it
        profiles = importlib.import_module("scanning.profiles")
    except ImportError:
        return dict(value)
    for kind, overrides in value.items():
        profiles.profile_for(kind, overrides)
    return dict(value)


def _backup(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    _require(isinstance(value, dict) and set(value) <= {"dir", "daily_at", "keep"}, "backup",
             t("只能包含 dir、daily_at、keep。", "may only hold dir, daily_at and keep."))
    _require(isinstance(value.get("dir"), str) and bool(value["dir"]), "backup.dir", t("应为文件夹路径。", "must be a folder path."))
    _require(bool(HHMM_RE.match(str(value.get("daily_at", "18:00")))), "backup.daily_at",
             t("应为 时:分，例如 17:30。", "must be HH:MM, e.g. 17:30."))
    keep = value.get("keep", 14)
    _require(isinstance(keep, int) and keep >= 1, "backup.keep", t("应为正整数。", "must be a positive whole number."))
    return {"dir": value["dir"], "daily_at": value.get("daily_at", "18:00"), "keep": keep}
