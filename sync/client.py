"""HTTP client for the county API version 1: one method per endpoint, typed errors.

Status codes are mapped once, here, to the actions the contract asks for: 401
is :class:`AuthError`, 429/503/5xx and every network failure are transient,
other 4xx are :class:`RequestRejected` unless the endpoint gives them a
meaning (a HEAD 404 means "upload it"). Redirects are not followed: the
token is only ever sent to the configured address.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from typing import Any

import requests
import requests.adapters
import requests.auth

from sync import shapes
from sync.config import SyncConfig, check_url
from sync.errors import (
    AuthError,
    RequestRejected,
    ResponseInvalid,
    SyncError,
    TransientError,
    Unreachable,
)
from workstation.i18n import t

USER_AGENT = "township-workstation-sync/1"
SEND_BLOCK = 256 * 1024  # bytes handed to the socket per write when streaming a file


class _BearerAuth(requests.auth.AuthBase):
    """Adds the token per request; its repr never shows it."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self._token}"
        return r

    def __repr__(self) -> str:
        return "_BearerAuth(<hidden>)"


class _Adapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["blocksize"] = SEND_BLOCK  # fewer, larger writes when streaming blobs
        super().init_poolmanager(*args, **kwargs)


@dataclass(frozen=True)
class PartAnswer:
    complete: bool
    offset: int


class CountyClient:
    def __init__(self, base_url: str, token: str | None = None, *, ca_bundle: str | None = None,
                 config: SyncConfig | None = None) -> None:
        self.base_url = check_url(base_url)
        self.config = config or SyncConfig()
        self._auth = _BearerAuth(token) if token else None
        self._session = requests.Session()
        # TLS is always verified. Passed with each request: a session-wide setting
        # would lose to REQUESTS_CA_BUNDLE in the environment (a requests quirk).
        # What requests takes from the environment (proxies, that CA bundle) is read
        # once here, as requests would read it, and not again on every request: that
        # cost more than the rest of posting a batch (a client lives for one cycle).
        found = self._session.merge_environment_settings(self.base_url, {}, None, ca_bundle or True, None)
        self._verify: str | bool = found["verify"] or True
        self._proxies: dict[str, str] = dict(found["proxies"])
        self._session.trust_env = False
        self._session.headers["User-Agent"] = USER_AGENT
        adapter = _Adapter()
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        self.last_elapsed_s = 0.0

    def __repr__(self) -> str:
        return f"CountyClient({self.base_url!r})"

    def close(self) -> None:
        self._session.close()

    # --- endpoints ------------------------------------------------------------------

    def enroll(self, code: str, device_name: str, office_code: str) -> dict[str, Any]:
        body = {"enrollment_code": code, "device_name": device_name, "office_code": office_code}
        resp = self._send("POST", "/devices", json_body=body, auth=False)
        if resp.status_code != 201:
            raise self._rejected(resp)
        return shapes.enrollment(shapes.parse_object(resp.content, "devices"))

    def ping(self) -> dict[str, Any]:
        resp = self._expect(self._send("GET", "/ping"), 200)
        return shapes.ping(shapes.parse_object(resp.content, "ping"))

    def catalog(self, etag: str | None) -> tuple[str | None, dict[str, Any] | None]:
        """``(etag, catalog)``, or ``(etag, None)`` when the cached copy is current (304)."""
        headers = {"If-None-Match": etag} if etag else {}
        resp = self._send("GET", "/catalog", headers=headers)
        if resp.status_code == 304:
            return etag, None
        self._expect(resp, 200)
        return resp.headers.get("ETag"), shapes.catalog(shapes.parse_object(resp.content, "catalog"))

    def head_blob(self, sha: str) -> tuple[bool, int]:
        """``(present, offset)``: offset is what a partial upload already holds."""
        resp = self._send("HEAD", f"/blobs/{sha}")
        if resp.status_code == 200:
            return True, 0
        if resp.status_code == 404:
            return False, _offset(resp, default=0)
        raise self._rejected(resp)

    def put_blob(self, sha: str, body: Any, content_type: str) -> None:
        resp = self._send("PUT", f"/blobs/{sha}", data=body,
                          headers={"Content-Type": content_type})
        if resp.status_code not in (200, 201):
            raise self._blob_refused(resp)
        shapes.blob_answer(shapes.parse_object(resp.content, "blobs"), sha)

    def put_part(self, sha: str, body: Any, content_type: str, first: int, last: int,
                 total: int) -> PartAnswer:
        headers = {"Content-Type": content_type, "Content-Range": f"bytes {first}-{last}/{total}"}
        resp = self._send("PUT", f"/blobs/{sha}", data=body, headers=headers)
        if resp.status_code in (200, 201, 202):
            # A success status on a body we cannot read is not believed: the part is
            # checked again with HEAD, which costs far less than a wrong "complete".
            shapes.blob_answer(shapes.parse_object(resp.content, "blobs"), sha)
        if resp.status_code in (200, 201):
            return PartAnswer(True, total)
        if resp.status_code in (202, 409):
            # 409 offset_mismatch: the county says where to go on from; not a failure.
            code = _error_code(resp)
            if resp.status_code == 202 or code == "offset_mismatch":
                return PartAnswer(False, _offset(resp, default=None))
        raise self._blob_refused(resp)

    def post_batch(self, batch_id: str, gzip_body: bytes) -> dict[str, Any]:
        headers = {"Idempotency-Key": batch_id, "Content-Type": "application/json; charset=utf-8",
                   "Content-Encoding": "gzip"}
        resp = self._send("POST", "/batches", data=gzip_body, headers=headers)
        if resp.status_code != 200:
            raise self._rejected(resp)
        return shapes.batch_answer(shapes.parse_object(resp.content, "batches"), batch_id)

    def updates(self, cursor: str | None, limit: int) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        resp = self._expect(self._send("GET", "/updates", params=params), 200)
        return shapes.updates_page(shapes.parse_object(resp.content, "updates"))

    # --- plumbing -------------------------------------------------------------------

    def _send(self, method: str, path: str, *, headers: dict[str, str] | None = None,
              data: Any = None, json_body: Any = None, params: dict[str, Any] | None = None,
              auth: bool = True) -> requests.Response:
        started = time.monotonic()
        try:
            resp = self._session.request(
                method, self.base_url + path, headers=headers, data=data, json=json_body,
                params=params, auth=self._auth if auth else None, allow_redirects=False,
                verify=self._verify, proxies=self._proxies,
                timeout=(self.config.connect_timeout_s, self.config.read_timeout_s))
        except requests.exceptions.SSLError as exc:
            raise _tls_error(exc) from None
        except (requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as exc:
            raise shapes.invalid(t(f"{path}：应答不完整（{type(exc).__name__}）",
                                   f"{path}: incomplete answer ({type(exc).__name__})")) from None
        except requests.exceptions.RequestException as exc:
            raise _unreachable(path, exc) from None
        self.last_elapsed_s = time.monotonic() - started
        _check_common(resp, path)
        return resp

    def _expect(self, resp: requests.Response, status: int) -> requests.Response:
        if resp.status_code != status:
            raise self._rejected(resp)
        return resp

    @staticmethod
    def _rejected(resp: requests.Response) -> RequestRejected | ResponseInvalid:
        if resp.status_code < 400:  # an unexpected success code: the answer is not understood
            return shapes.invalid(t(f"意外的状态码 {resp.status_code}",
                                    f"unexpected status {resp.status_code}"))
        code, message = _error_fields(resp)
        return RequestRejected(
            t("县级平台拒绝了请求", "The county refused the request"),
            t(f"HTTP {resp.status_code} {code}：{message}。此请求不会原样重发；请联系技术人员。",
              f"HTTP {resp.status_code} {code}: {message}. It will not be resent unchanged; "
              "contact IT staff."),
            resp.status_code, code, message)

    def _blob_refused(self, resp: requests.Response) -> SyncError:
        # The county discards bytes that do not match the name; the local file
        # was checked just before, so the damage happened on the way: retry.
        if resp.status_code == 422 and _error_code(resp) == "hash_mismatch":
            return TransientError(t("附件传输中损坏", "A file was damaged in transit"),
                                  t("县级平台收到的内容与校验值不符，将重新上传。",
                                    "The county received bytes that do not match; it will be uploaded again."))
        return self._rejected(resp)



def _check_common(resp: requests.Response, path: str) -> None:
    status = resp.status_code
    if status == 401:
        raise AuthError(t("县级平台不再认可本工作站", "The county no longer accepts this workstation"),
                        t("设备密钥已失效或被吊销。同步已停止，本机数据全部保留。请向县级平台申请新的"
                          "注册码，然后运行 workstation enroll。",
                          "The device key is unknown or revoked. Syncing has stopped; all local data "
                          "is kept. Ask the county for a new enrollment code, then run "
                          "'workstation enroll'."))
    if status in (429, 503) or status >= 500:
        retry_after = _retry_after(resp.headers.get("Retry-After"))
        raise TransientError(t("县级平台繁忙或维护中", "The county is busy or under maintenance"),
                             t(f"{path} 返回 HTTP {status}，稍后自动重试。",
                               f"{path} answered HTTP {status}; it will be retried automatically."),
                             retry_after)
    if 300 <= status < 400 and status != 304:
        raise shapes.invalid(t(f"{path}：意外的重定向 {status}，请核对县级平台地址",
                               f"{path}: unexpected redirect {status}; check the county address"))


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _offset(resp: requests.Response, default: int | None) -> int:
    raw = resp.headers.get("Upload-Offset")
    if raw is None and default is not None:
        return default
    if raw is None or not raw.strip().isdigit():
        raise shapes.invalid(t("Upload-Offset 缺失或无效", "Upload-Offset missing or invalid"))
    return int(raw)


def _error_fields(resp: requests.Response) -> tuple[str, str]:
    try:
        error = shapes.parse_object(resp.content, "error").get("error")
    except ResponseInvalid:
        return "", resp.reason or ""
    if not isinstance(error, dict):
        return "", resp.reason or ""
    return str(error.get("code") or ""), str(error.get("message") or "")[:300]


def _error_code(resp: requests.Response) -> str:
    return _error_fields(resp)[0]


def _unreachable(path: str, exc: Exception) -> Unreachable:
    kind = "timeout" if isinstance(exc, requests.exceptions.Timeout) else type(exc).__name__
    return Unreachable(t("连不上县级平台", "Cannot reach the county"),
                       t(f"{path}：{kind}。请检查网络；恢复后会自动继续。",
                         f"{path}: {kind}. Check the network; syncing resumes by itself."))


def _tls_error(exc: Exception) -> Unreachable:
    return Unreachable(t("安全连接失败", "Secure connection failed"),
                       t("县级平台的证书无法验证。请核对地址，或用 --ca-bundle 指定县级平台提供的根证书。",
                         "The county's certificate could not be verified. Check the address, or give "
                         "the county's CA certificate with --ca-bundle."))
