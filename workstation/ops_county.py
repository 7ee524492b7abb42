"""The doctor's call to the county's ``/ping``: reachable, TLS trusted, clocks agree.

Being offline is normal for a village office, so an unreachable county is a
warning; an untrusted certificate or a wrong clock is an error, because sync
cannot work until someone fixes it. The device token is sent when this
workstation is enrolled (never shown); without one a 401 still proves the
network path and TLS, and the HTTP ``Date`` header gives the clock.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any

import requests

from workstation.clock import now, parse_iso
from workstation.i18n import t
from workstation.ops_checks import ERROR, OK, WARNING, Check, check_title

SKEW_WARN_S = 60.0
SKEW_ERROR_S = 300.0


def ping(url: str, ca_bundle: str | None, timeout_s: float, token: str | None = None) -> Check:
    title = check_title("county")
    details: dict[str, Any] = {"url": url, "ca_bundle": ca_bundle, "with_device_token": bool(token)}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        resp = requests.get(url.rstrip("/") + "/ping", timeout=(timeout_s, timeout_s * 2),
                            verify=ca_bundle or True, headers=headers)
    except requests.exceptions.SSLError as exc:
        details["error"] = str(exc)
        return Check("county", title, ERROR, t("县级平台的证书不被信任。", "The county's certificate is not trusted."),
                     t("请确认电脑时间正确，并用县里提供的配置文件重新运行 workstation provision（含证书）。",
                       "Check the computer's clock, then run 'workstation provision' again with the county's file "
                       "(it carries the certificate)."), details)
    except requests.RequestException as exc:
        details["error"] = str(exc)
        return Check("county", title, WARNING, t("暂时连不上县级平台。", "The county cannot be reached now."),
                     t("办件会保存在本机，联网后自动上报。如长期连不上，请检查网线、VPN 或电子政务外网连接。",
                       "Cases stay safe here and are sent once online. If this lasts, check the cable, VPN or "
                       "government network link."), details)
    details["http_status"] = resp.status_code
    skew = skew_seconds(_server_time(resp), resp.headers.get("Date"))
    details["clock_skew_s"] = None if skew is None else round(skew, 1)
    if skew is not None and abs(skew) >= SKEW_WARN_S:
        status = ERROR if abs(skew) >= SKEW_ERROR_S else WARNING
        return Check("county", title, status,
                     t(f"电脑时间与县级平台相差 {abs(skew):.0f} 秒。", f"This computer's clock is {abs(skew):.0f} s off the county's."),
                     t("请在系统设置中校准时间（开启自动同步时间）。办件时间以本机时间记录。",
                       "Correct the clock in the system settings (turn on automatic time). Cases are stamped "
                       "with this computer's time."), details)
    if token and resp.status_code == 401:
        return Check("county", title, WARNING, t("县级平台不再接受本机的设备密钥。", "The county no longer accepts this device's token."),
                     t("请向县级平台申请新的注册码，然后运行 workstation provision 文件 --enroll。本机数据不受影响。",
                       "Ask the county for a new enrollment code, then run 'workstation provision FILE --enroll'. "
                       "Local data is not affected."), details)
    if resp.status_code >= 500:
        return Check("county", title, WARNING, t(f"县级平台暂时不可用（HTTP {resp.status_code}）。",
                                                 f"The county platform is unavailable (HTTP {resp.status_code})."),
                     t("稍后会自动重试，无需处理。", "The app retries later on its own."), details)
    return Check("county", title, OK, t("可以连接，证书可信，时间一致。", "Reachable, certificate trusted, clocks agree."),
                 details=details)


def _server_time(resp: requests.Response) -> str | None:
    if resp.status_code != 200:
        return None
    try:
        body = resp.json()
    except ValueError:
        return None
    value = body.get("server_time") if isinstance(body, dict) else None
    return value if isinstance(value, str) else None


def skew_seconds(server_time: str | None, date_header: str | None) -> float | None:
    """Server clock minus ours, from the ping's ``server_time`` or else the HTTP ``Date``."""
    try:
        if server_time:
            return (parse_iso(server_time) - now()).total_seconds()
        if date_header:
            return (parsedate_to_datetime(date_header) - now()).total_seconds()
    except (TypeError, ValueError):
        return None
    return None
