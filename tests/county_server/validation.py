"""Checks a case must pass before the county stores it.

All errors of a case are reported together (the one-time notice, 一次性告知):
a clerk fixes everything in one pass instead of one rejection per round trip.
The reference county checks presence and shape, not ID-number checksums: the
workstation validates content; the county guards its own storage.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from .blobstore import CONTENT_TYPES

SHA_RE = re.compile(r"^[0-9a-f]{64}$")
ID_NUMBER_RE = re.compile(r"^\d{17}[\dXx]$")
OFFICE_RE = re.compile(r"^\d{12}$")


def error(field: str | None, code: str, zh: str, en: str) -> dict:
    return {"field": field, "code": code, "message": f"{zh} ({en})"}


def invalid(field: str | None, zh: str, en: str) -> dict:
    return error(field, "invalid_field", zh, en)


def case_key(case) -> tuple[tuple[str, int] | None, list[dict]]:
    """(case_id, revision) when both are well formed, else the errors saying why not."""
    if not isinstance(case, dict):
        return None, [invalid(None, "案件不是 JSON 对象", "a case must be a JSON object")]
    errors = []
    case_id, revision = case.get("case_id"), case.get("revision")
    try:
        uuid.UUID(str(case_id))
        ok_id = isinstance(case_id, str)
    except ValueError:
        ok_id = False
    if not ok_id:
        errors.append(invalid("case_id", "case_id 必须是 UUID", "case_id must be a UUID"))
    if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
        errors.append(invalid("revision", "revision 必须是正整数",
                              "revision must be an integer >= 1"))
    if errors:
        return None, errors
    return (case_id, revision), []  # type: ignore[return-value]  # both checked above


def validate_case(case: dict, service_of: Callable[[str], dict | None],
                  blob_size: Callable[[str], int | None]) -> list[dict]:
    errors: list[dict] = []
    service = _check_header(case, service_of, errors)
    _check_applicant(case.get("applicant"), errors)
    _check_fields(case, service, errors)
    _check_documents(case.get("documents"), blob_size, errors)
    return errors


def _nonempty_str(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _check_header(case: dict, service_of, errors: list) -> dict | None:
    code = case.get("service_code")
    service = None
    if not _nonempty_str(code):
        errors.append(invalid("service_code", "缺少事项编码", "service_code is required"))
    else:
        service = service_of(code)
        if service is None:
            errors.append(error("service_code", "unknown_service", f"目录中没有事项 {code}",
                                f"service {code} is not in the catalog"))
    if not _nonempty_str(case.get("form_version")):
        errors.append(invalid("form_version", "缺少表单版本", "form_version is required"))
    office = case.get("office_code")
    if not (isinstance(office, str) and OFFICE_RE.match(office)):
        errors.append(invalid("office_code", "office_code 必须是 12 位区划代码",
                              "office_code must be a 12-digit division code"))
    for name in ("captured_by", "captured_at", "submitted_at"):
        if case.get(name) is not None and not isinstance(case[name], str):
            errors.append(invalid(name, f"{name} 必须是字符串", f"{name} must be a string"))
    return service


def _check_applicant(applicant, errors: list) -> None:
    if not isinstance(applicant, dict):
        errors.append(invalid("applicant", "缺少申请人信息", "applicant must be an object"))
        return
    if not _nonempty_str(applicant.get("name")):
        errors.append(invalid("applicant.name", "缺少申请人姓名", "applicant.name is required"))
    id_number = applicant.get("id_number")
    if not isinstance(id_number, str) or not id_number.strip():
        errors.append(invalid("applicant.id_number", "缺少身份证号码",
                              "applicant.id_number is required"))
    elif not ID_NUMBER_RE.match(id_number):
        errors.append(invalid("applicant.id_number", "身份证号码应为 17 位数字加校验位",
                              "applicant.id_number must be 17 digits and a check character"))
    for name in ("phone", "address"):
        if applicant.get(name) is not None and not isinstance(applicant[name], str):
            errors.append(invalid(f"applicant.{name}", f"{name} 必须是字符串",
                                  f"applicant.{name} must be a string"))


def _check_fields(case: dict, service: dict | None, errors: list) -> None:
    fields = case.get("fields", {})
    if not isinstance(fields, dict):
        errors.append(invalid("fields", "fields 必须是对象", "fields must be an object"))
        return
    # Cases keep the form version they were captured with: only a case on the
    # catalog's current version can be held to that version's rules.
    if service is None or case.get("form_version") != service.get("version"):
        return
    for definition in service.get("fields", []):
        rule = _field_rule(definition)
        if rule is None:
            continue
        key, required, choices = rule
        value = fields.get(key)
        if value in (None, "", []):
            if required:
                errors.append(invalid(f"fields.{key}", f"缺少必填项 {key}", f"{key} is required"))
        elif choices and value not in choices:
            errors.append(invalid(f"fields.{key}", f"{key} 的取值 {value!r} 不在选项中",
                                  f"{key} value {value!r} is not one of the choices"))


def _field_rule(definition) -> tuple[str, bool, list] | None:
    """(name, required, allowed values) of a field the county can check on its own.

    Fields shown only under a condition (``visible_when``) are left to the
    workstation, which evaluates conditions; the county checks the rest.
    """
    if not isinstance(definition, dict) or "visible_when" in definition:
        return None
    key = definition.get("name")
    if not isinstance(key, str):
        key = definition.get("key") or definition.get("id")
    if not isinstance(key, str):
        return None
    choices = []
    if definition.get("type", "choice") == "choice":
        raw = definition.get("choices") or definition.get("options") or []
        choices = [c.get("value") for c in raw if isinstance(c, dict)]
    return key, definition.get("required") is True, choices


def _check_documents(documents, blob_size, errors: list) -> None:
    if documents is None:
        documents = []
    if not isinstance(documents, list):
        errors.append(invalid("documents", "documents 必须是数组", "documents must be a list"))
        return
    for d, doc in enumerate(documents):
        where = f"documents[{d}]"
        if not isinstance(doc, dict) or not _nonempty_str(doc.get("kind")) \
                or not _nonempty_str(doc.get("doc_id")) or not isinstance(doc.get("pages"), list):
            errors.append(invalid(where, "材料需要 doc_id、kind 和 pages",
                                  "a document needs doc_id, kind and a pages list"))
            continue
        for p, page in enumerate(doc["pages"]):
            _check_page(page, f"{where}.pages[{p}]", blob_size, errors)


def _check_page(page, where: str, blob_size, errors: list) -> None:
    if not isinstance(page, dict) or not isinstance(page.get("sha256"), str) \
            or not SHA_RE.match(page["sha256"]):
        errors.append(invalid(f"{where}.sha256", "页面需要小写十六进制 SHA-256",
                              "a page needs a lowercase hex sha256"))
        return
    if page.get("content_type") not in CONTENT_TYPES:
        errors.append(invalid(f"{where}.content_type", "不支持的文件类型",
                              f"content_type must be one of {', '.join(CONTENT_TYPES)}"))
    declared = page.get("bytes")
    if not isinstance(declared, int) or isinstance(declared, bool) or declared < 0:
        errors.append(invalid(f"{where}.bytes", "bytes 必须是非负整数",
                              "bytes must be a non-negative integer"))
        declared = None
    size = blob_size(page["sha256"])
    if size is None:
        errors.append(error(f"{where}.sha256", "missing_blob", "附件尚未上传完整",
                            f"blob {page['sha256']} is not fully uploaded"))
    elif declared is not None and declared != size:
        errors.append(invalid(f"{where}.bytes", "bytes 与已上传附件大小不符",
                              f"bytes {declared} but the stored blob has {size}"))
