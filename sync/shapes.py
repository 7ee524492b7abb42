"""Checks that a county answer has the shape the contract promises.

An answer that parses as JSON but lacks what we need is treated exactly like
a garbled one: :class:`ResponseInvalid`, a transient failure, never success.
"""

from __future__ import annotations

import json
from typing import Any

from sync.errors import ResponseInvalid
from workstation.clock import parse_iso
from workstation.i18n import t

OUTCOMES = ("accepted", "duplicate", "rejected")
COUNTY_STATUSES = ("received", "in_review", "returned", "approved", "rejected", "completed")


def invalid(what: str) -> ResponseInvalid:
    return ResponseInvalid(t("县级平台的应答无法识别", "The county's answer could not be read"),
                           t(f"{what}。稍后会自动重试。", f"{what}. It will be retried automatically."))


def parse_object(body: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise invalid(t(f"{what}：不是有效的 JSON", f"{what}: not valid JSON")) from None
    if not isinstance(value, dict):
        raise invalid(t(f"{what}：不是 JSON 对象", f"{what}: not a JSON object"))
    return value


def _text(obj: dict[str, Any], key: str, what: str, required: bool = True) -> str | None:
    value = obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise invalid(t(f"{what}：缺少 {key}", f"{what}: '{key}' missing or not text"))
    return value


def _time(obj: dict[str, Any], key: str, what: str) -> str:
    value = _text(obj, key, what) or ""
    try:
        moment = parse_iso(value)
    except ValueError:
        raise invalid(t(f"{what}：{key} 不是有效时间", f"{what}: '{key}' is not a time")) from None
    if moment.tzinfo is None:
        raise invalid(t(f"{what}：{key} 缺少时区", f"{what}: '{key}' has no offset"))
    return value


def ping(obj: dict[str, Any]) -> dict[str, Any]:
    _time(obj, "server_time", "ping")
    if obj.get("api_version") != 1:
        raise invalid(t("ping：接口版本不是 1", "ping: api_version is not 1"))
    return obj


def enrollment(obj: dict[str, Any]) -> dict[str, Any]:
    _text(obj, "device_id", "devices")
    _text(obj, "device_token", "devices")
    _text(obj, "office_name", "devices", required=False)
    return obj


def catalog(obj: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(obj.get("services"), list):
        raise invalid(t("catalog：缺少 services 列表", "catalog: 'services' is not a list"))
    return obj


def blob_answer(obj: dict[str, Any], sha: str) -> dict[str, Any]:
    if obj.get("sha256") != sha:
        raise invalid(t("blobs：应答中的 sha256 与所传文件不符", "blobs: the answer names another sha256"))
    return obj


def batch_answer(obj: dict[str, Any], batch_id: str) -> dict[str, Any]:
    if obj.get("batch_id") != batch_id:
        raise invalid(t("batches：batch_id 与所发批次不符", "batches: batch_id differs from the one sent"))
    results = obj.get("results")
    if not isinstance(results, list):
        raise invalid(t("batches：缺少 results 列表", "batches: 'results' is not a list"))
    for result in results:
        _result(result)
    return obj


def _result(result: Any) -> None:
    what = "batches.results"
    if not isinstance(result, dict):
        raise invalid(t(f"{what}：条目不是对象", f"{what}: an entry is not an object"))
    _text(result, "case_id", what)
    if result.get("outcome") not in OUTCOMES:
        raise invalid(t(f"{what}：未知的 outcome", f"{what}: unknown outcome"))
    if result["outcome"] != "rejected":
        _text(result, "county_ref", what)
    errors = result.get("errors", [])
    if not isinstance(errors, list) or not all(isinstance(e, dict) for e in errors):
        raise invalid(t(f"{what}：errors 不是对象列表", f"{what}: 'errors' is not a list of objects"))


def updates_page(obj: dict[str, Any]) -> dict[str, Any]:
    what = "updates"
    items = obj.get("updates")
    if not isinstance(items, list) or not isinstance(obj.get("has_more"), bool):
        raise invalid(t(f"{what}：缺少 updates 或 has_more", f"{what}: 'updates' or 'has_more' missing"))
    _text(obj, "next_cursor", what)
    for item in items:
        if not isinstance(item, dict):
            raise invalid(t(f"{what}：条目不是对象", f"{what}: an entry is not an object"))
        _text(item, "case_id", what)
        _text(item, "county_ref", what, required=False)
        _text(item, "reason", what, required=False)
        _time(item, "at", what)
        if item.get("status") not in COUNTY_STATUSES:
            raise invalid(t(f"{what}：未知的状态", f"{what}: unknown status"))
    return obj
