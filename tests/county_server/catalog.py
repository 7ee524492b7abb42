"""The service catalog the county publishes, with its ETag.

The built-in default holds one service so tests work with no file at hand; a
JSON file (or a Python value) can replace it with the full set. The ETag is a
hash of the exact bytes served, so any change to the catalog changes it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from pathlib import Path

DEFAULT_VERSION = "2026.11.2"


def _label(zh: str, en: str) -> dict:
    return {"zh_CN": zh, "en": en}


def _choice(value: str, zh: str, en: str) -> dict:
    return {"value": value, "label": _label(zh, en)}


# In the workstation's own form-definition format (format 1, as in
# resources/forms/), so a workstation can merge it like any county definition.
# Kept small and fixed on purpose: only contribution_grade is required, so the
# example case of the contract passes as it is.
RURAL_PENSION = {
    "format": 1,
    "code": "rural_pension_enrollment",
    "version": "3",
    "name": _label("城乡居民基本养老保险参保登记", "Rural and urban residents' pension enrollment"),
    "handling": {"kind": "promised", "days": 3},
    "fields": [
        {"name": "household_type", "type": "choice", "required": False,
         "label": _label("户籍性质", "Household registration type"),
         "choices": [_choice("agricultural", "农业户口", "Agricultural"),
                     _choice("non_agricultural", "非农业户口", "Non-agricultural"),
                     _choice("resident", "居民户口", "Resident")]},
        {"name": "special_group", "type": "choice", "required": False,
         "label": _label("特殊群体类别", "Special group (government pays)"),
         "choices": [_choice("none", "无", "None"), _choice("dibao", "低保对象", "Minimum living"),
                     _choice("tekun", "特困人员", "Extreme poverty"),
                     _choice("severe_disability", "重度残疾人", "Severe disability")]},
        {"name": "contribution_grade", "type": "choice", "required": True,
         "label": _label("缴费档次（元/年）", "Contribution grade (yuan per year)"),
         "choices": [_choice(v, f"{v} 元", f"{v} yuan") for v in
                     ("100", "200", "300", "400", "500", "600", "700", "800", "900",
                      "1000", "1500", "2000", "3000")]},
    ],
    "documents": [
        {"kind": "id_card", "required": True, "min_pages": 1, "max_pages": 2,
         "label": _label("居民身份证", "Resident ID card")},
        {"kind": "household_register", "required": True, "min_pages": 2,
         "label": _label("户口簿首页及本人页", "Household register: front page and own page")},
        {"kind": "special_group_proof", "required": True, "min_pages": 1,
         "visible_when": {"field": "special_group", "in": ["dibao", "tekun", "severe_disability"]},
         "label": _label("特殊群体证明", "Proof of special group")},
    ],
}


def default_catalog() -> dict:
    return {"catalog_version": DEFAULT_VERSION, "services": [copy.deepcopy(RURAL_PENSION)]}


def load_catalog(source) -> dict:
    """A catalog from None (default), a JSON file, a folder of service files,
    a list of services, or a full {catalog_version, services} dict."""
    if source is None:
        return default_catalog()
    if isinstance(source, (str, Path)) and Path(source).is_dir():
        # e.g. resources/forms: one service definition per JSON file
        source = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(source).glob("*.json"))]
    elif isinstance(source, (str, Path)):
        source = json.loads(Path(source).read_text(encoding="utf-8"))
    if isinstance(source, list):
        source = {"catalog_version": DEFAULT_VERSION, "services": source}
    if not isinstance(source, dict) or not isinstance(source.get("services"), list):
        raise ValueError("a catalog is a list of services or {catalog_version, services}")
    for service in source["services"]:
        if not isinstance(service, dict) or not isinstance(service.get("code"), str):
            raise ValueError("every service needs a string 'code'")
    source.setdefault("catalog_version", DEFAULT_VERSION)
    return copy.deepcopy(source)


class Catalog:
    def __init__(self, source=None) -> None:
        self._lock = threading.Lock()
        self.replace(source)

    def replace(self, source) -> None:
        catalog = load_catalog(source)
        body = json.dumps(catalog, ensure_ascii=False, sort_keys=True).encode("utf-8")
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        services = {s["code"]: s for s in catalog["services"]}
        with self._lock:
            self._state = (etag, body, services)

    def snapshot(self) -> tuple[str, bytes]:
        etag, body, _ = self._state
        return etag, body

    @property
    def etag(self) -> str:
        return self._state[0]

    def service(self, code: str) -> dict | None:
        return self._state[2].get(code)


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison, as If-None-Match uses."""
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))
