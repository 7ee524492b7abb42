"""Tunable limits and delays, the settings keys the engine uses, and the county URL rule.

Delays are configuration, not constants, so that tests and benchmarks can run
the real code paths with tiny sleeps. Where the county's address, device id,
CA bundle and catalog ETag live: the settings table. The device token does
not live here: see :mod:`sync.tokens`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils

from sync.errors import ConfigError
from workstation import settings
from workstation.i18n import t

MIB = 1024 * 1024
KIB = 1024

COUNTY_URL = "sync.county_url"
DEVICE_ID = "sync.device_id"
CA_BUNDLE = "sync.ca_bundle"
COUNTY_OFFICE_NAME = "sync.county_office_name"
ENROLLED_AT = "sync.enrolled_at"
CATALOG_ETAG = "sync.catalog_etag"
CATALOG_VERSION = "sync.catalog_version"
UPDATES_CURSOR = "sync.updates_cursor"
AUTH_FAILED_AT = "sync.auth_failed_at"
CLOCK_SKEW_S = "sync.clock_skew_s"


@dataclass(frozen=True)
class SyncConfig:
    connect_timeout_s: float = 15.0
    read_timeout_s: float = 90.0
    attempts: int = 5                 # tries of one request within a cycle
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 300.0
    jitter: float = 0.5               # fraction of each delay drawn at random
    max_wait_in_cycle_s: float = 60.0  # a longer Retry-After ends the cycle instead
    retry_after_cap_s: float = 3600.0
    batch_max_cases: int = 100        # the contract's limits
    batch_max_json_bytes: int = 4 * MIB
    batches_ahead: int = 8            # frozen batches queued for the line while answers are applied
    whole_upload_max_bytes: int = 1 * MIB
    part_initial_bytes: int = 32 * KIB
    part_min_bytes: int = 4 * KIB
    part_max_bytes: int = 8 * MIB
    part_target_s: float = 2.0        # a part should take about this long on the line
    updates_page_limit: int = 200
    mark_present_every: int = 64      # blob marks are written in groups (losing one costs a HEAD)
    watch_poll_s: float = 5.0         # how often --watch looks for new local work
    watch_refresh_s: float = 300.0    # and pulls updates when there is none
    probe_cap_s: float = 120.0        # longest wait between probes while offline
    clock_skew_warn_s: float = 300.0

    def with_(self, **changes: Any) -> SyncConfig:
        return replace(self, **changes)

    @classmethod
    def fast(cls, **changes: Any) -> SyncConfig:
        """Tiny delays and timeouts: for tests and benchmarks on loopback."""
        base = cls(connect_timeout_s=5.0, read_timeout_s=10.0, backoff_base_s=0.005,
                   backoff_cap_s=0.05, max_wait_in_cycle_s=0.5, retry_after_cap_s=0.5,
                   watch_poll_s=0.05, watch_refresh_s=0.5, probe_cap_s=0.05)
        return replace(base, **changes)


@dataclass(frozen=True)
class CountySettings:
    url: str | None
    device_id: str | None
    ca_bundle: str | None

    @property
    def enrolled(self) -> bool:
        return bool(self.url and self.device_id)


def county_settings(db: sqlite_utils.Database) -> CountySettings:
    return CountySettings(settings.get(db, COUNTY_URL), settings.get(db, DEVICE_ID),
                          settings.get(db, CA_BUNDLE))


def is_loopback(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """The base URL without a trailing slash; plain http only to a loopback address."""
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if scheme not in ("http", "https") or not host:
        raise ConfigError(t("县级平台地址无效", "Invalid county address"),
                          t(f"“{url}”不是 https:// 开头的网址。请向县级平台索取正确的接口地址。",
                            f"'{url}' is not an https:// address. Ask the county for the API address."))
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ConfigError(t("县级平台地址无效", "Invalid county address"),
                          t("地址中不能含用户名、密码、查询参数或 # 片段。",
                            "The address must not contain a user name, password, query or fragment."))
    if scheme == "http" and not is_loopback(host):
        raise ConfigError(t("拒绝不加密的连接", "Unencrypted connection refused"),
                          t(f"“{url}”使用 http，数据会明文传输。请改用 https:// 地址。",
                            f"'{url}' uses plain http, which would send data unencrypted. "
                            "Use the https:// address."))
    return url.strip().rstrip("/")


def check_ca_bundle(path: str | Path | None) -> str | None:
    if path is None or str(path) == "":
        return None
    resolved = Path(path).expanduser().resolve()
    if not resolved.is_file():
        raise ConfigError(t("找不到证书文件", "CA bundle not found"),
                          t(f"{resolved} 不存在。请检查县级平台提供的根证书文件路径。",
                            f"{resolved} does not exist. Check the path of the county's CA certificate file."))
    return str(resolved)
