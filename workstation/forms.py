"""Declarative service forms: the definition format and the engine that runs it.

A service definition is JSON (see docs/forms.md): fields with types,
constraints and visibility conditions, required documents, and handling rules.
The same format arrives from the county platform, so loading is strict about
shape and meaning and says exactly where a definition is wrong.

The engine turns strings from a text box or a CSV cell into typed JSON-safe
values (money ``"1234.50"``, ISO dates, ints, bools) and reports every problem
as a :class:`FieldError` that names its field in both languages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from workstation.errors import NotFound
from workstation.forms_applicant import validate_applicant
from workstation.forms_base import (
    FieldError,
    FormDefinitionError,
    LocalText,
    blocking,
    check_keys,
    drop_none,
    expect_mapping,
    field_error,
    local_text,
    optional_int,
    snake_name,
)
from workstation.forms_documents import DocumentRequirement, Handling
from workstation.forms_fast import SLOW, Quick
from workstation.forms_fields import Choice, FieldDef
from workstation.i18n import t
from workstation.validation import age_on

__all__ = [
    "FORMAT_VERSION", "Choice", "DocumentRequirement", "FieldDef", "FieldError",
    "FormDefinition", "FormDefinitionError", "Handling", "blocking", "validate_applicant",
]

FORMAT_VERSION = 1
_VERSION_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,31}")
_PINYIN_RE = re.compile(r"[a-z]+(?: [a-z]+)*")  # alternatives: "zdshbzsq dbsq"
_SERVICE_KEYS = frozenset({
    "format", "code", "version", "name", "pinyin_initials", "keywords", "description", "department",
    "handling", "applicant_age", "fields", "documents",
})
_AGE_KEYS = frozenset({"min", "max", "message"})


@dataclass(frozen=True)
class FormDefinition:
    """One version of one service's form. Treat it as immutable."""

    code: str
    version: str
    name: LocalText
    fields: tuple[FieldDef, ...]
    documents: tuple[DocumentRequirement, ...]
    handling: Handling
    description: LocalText | None = None
    department: LocalText | None = None
    pinyin_initials: str = ""
    keywords: tuple[str, ...] = ()
    applicant_age: dict[str, Any] | None = None
    format: int = FORMAT_VERSION
    source: str = field(default="builtin", compare=False)
    _by_name: dict[str, FieldDef] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, d: Any, *, source: str = "builtin", strict: bool = False) -> FormDefinition:
        """Load and check a definition; raises :class:`FormDefinitionError`.

        ``strict`` also rejects unknown keys; the built-in forms are loaded that
        way so that a typo cannot hide, while a county definition may carry keys
        added by a later revision of format 1.
        """
        d = expect_mapping(d, "service")
        code = snake_name(d, "code", "service")
        version = _version(d, code)
        where = f"{code} v{version}"
        _check_format(d, where)
        check_keys(d, _SERVICE_KEYS, where, strict)
        fields = _fields(d, where, strict)
        by_name = {f.name: f for f in fields}
        return cls(
            code=code, version=version, name=local_text(d, "name", where) or {},
            fields=fields, documents=_documents(d, where, by_name, strict),
            handling=Handling.from_dict(d.get("handling"), f"{where} handling", strict),
            description=local_text(d, "description", where, required=False),
            department=local_text(d, "department", where, required=False),
            pinyin_initials=_pinyin(d, where), keywords=_keywords(d, where),
            applicant_age=_applicant_age(d.get("applicant_age"), f"{where} applicant_age", strict),
            source=source, _by_name=by_name,
        )

    def to_dict(self) -> dict[str, Any]:
        return drop_none({
            "format": self.format, "code": self.code, "version": self.version,
            "name": dict(self.name), "pinyin_initials": self.pinyin_initials or None,
            "keywords": list(self.keywords) or None,
            "description": self.description, "department": self.department,
            "handling": self.handling.to_dict(), "applicant_age": self.applicant_age,
            "fields": [f.to_dict() for f in self.fields],
            "documents": [doc.to_dict() for doc in self.documents],
        })

    @property
    def key(self) -> tuple[str, str]:
        return self.code, self.version

    def get_field(self, name: str) -> FieldDef:
        try:
            return self._by_name[name]
        except KeyError:
            raise NotFound(
                t("字段不存在", "No such field"),
                t(f"事项“{self.code}”第{self.version}版没有字段“{name}”。",
                  f"Service '{self.code}' version {self.version} has no field '{name}'."),
            ) from None

    def clean(
        self, values: Mapping[str, Any] | None, *, today: date | None = None
    ) -> tuple[dict[str, Any], list[FieldError]]:
        """Convert and check the service fields: ``(cleaned, errors)``.

        Hidden fields are skipped and their values dropped; empty answers are
        left out of ``cleaned``; keys that are not fields give a warning.
        Cleaning a cleaned dict returns it unchanged.
        """
        cleaned, errors, _visible = self._run(values or {}, today or date.today())
        return cleaned, errors

    def validate(self, values: Mapping[str, Any] | None, *, today: date | None = None) -> list[FieldError]:
        return self.clean(values, today=today)[1]

    def visible_fields(self, values: Mapping[str, Any] | None) -> list[FieldDef]:
        return self._run(values or {}, date.today())[2]

    def documents_for(self, values: Mapping[str, Any] | None) -> list[DocumentRequirement]:
        """All materials that apply to these answers, required or optional."""
        cleaned = self.clean(values)[0]
        return [doc for doc in self.documents if doc.is_visible(cleaned)]

    def required_documents(self, values: Mapping[str, Any] | None) -> list[DocumentRequirement]:
        return [doc for doc in self.documents_for(values) if doc.required]

    def missing_documents(
        self, values: Mapping[str, Any] | None, pages_by_kind: Mapping[str, int]
    ) -> list[DocumentRequirement]:
        """Required materials with fewer pages than ``min_pages`` (the one-time notice list)."""
        return [
            doc for doc in self.required_documents(values)
            if pages_by_kind.get(doc.kind, 0) < doc.min_pages
        ]

    def check_applicant(self, applicant: Mapping[str, Any], *, today: date | None = None) -> list[FieldError]:
        """Service-specific rules on a *cleaned* applicant block (today: the age limits)."""
        rule = self.applicant_age
        birth = applicant.get("birth_date")
        if rule is None or not birth:
            return []
        age = age_on(date.fromisoformat(birth), today or date.today())
        low, high = rule.get("min"), rule.get("max")
        if (low is None or age >= low) and (high is None or age <= high):
            return []
        detail = rule.get("message") or _age_text(age, low, high)
        return [field_error("applicant.id_number", {"zh_CN": "申请人年龄", "en": "Applicant's age"},
                            "applicant_age", detail)]

    def validate_case(
        self, applicant: Mapping[str, Any], values: Mapping[str, Any] | None,
        *, today: date | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any], list[FieldError]]:
        """Applicant block, service rules and fields in one call."""
        today = today or date.today()
        person, errors = validate_applicant(applicant, today=today)
        errors += self.check_applicant(person, today=today)
        cleaned, field_errors = self.clean(values, today=today)
        return person, cleaned, errors + field_errors

    def _run(
        self, values: Mapping[str, Any], today: date
    ) -> tuple[dict[str, Any], list[FieldError], list[FieldDef]]:
        cleaned: dict[str, Any] = {}
        errors: list[FieldError] = []
        visible: list[FieldDef] = []
        for name, shown, quick, f in self._steps:
            # Conditions only look at earlier fields, which are already cleaned.
            if shown is not None and not shown(cleaned):
                continue
            visible.append(f)
            raw = values.get(name)
            value = quick(raw, today)
            if value is SLOW:
                value, problems = f.clean(raw, "fields." + name, today)
                errors.extend(problems)
            if value is not None:
                cleaned[name] = value
        if not self._by_name.keys() >= values.keys():
            errors.extend(_unknown_field(key) for key in values if key not in self._by_name)
        return cleaned, errors, visible

    @cached_property
    def _steps(self) -> tuple[tuple[str, Any, Quick, FieldDef], ...]:
        """What checking each field needs, looked up once: an import checks many rows."""
        return tuple((f.name, f._visible, f.quick, f) for f in self.fields)


def _version(d: Mapping[str, Any], code: str) -> str:
    value = d.get("version")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or _VERSION_RE.fullmatch(value) is None:
        raise FormDefinitionError(
            code, f"“version”应为版本字符串（如 \"3\" 或 \"2026.1\"），实际为 {value!r}",
            f"'version' must be a version string such as \"3\" or \"2026.1\", got {value!r}",
        )
    return value


def _check_format(d: Mapping[str, Any], where: str) -> None:
    fmt = d.get("format", FORMAT_VERSION)
    if fmt != FORMAT_VERSION:
        raise FormDefinitionError(
            where, f"表单格式版本 {fmt!r} 不受支持（本程序支持 {FORMAT_VERSION}），请升级工作站",
            f"form format {fmt!r} is not supported (this program reads {FORMAT_VERSION}); "
            "update the workstation",
        )


def _fields(d: Mapping[str, Any], where: str, strict: bool) -> tuple[FieldDef, ...]:
    raw = d.get("fields")
    if not isinstance(raw, list):
        raise FormDefinitionError(where, "“fields”应为列表", "'fields' must be a list")
    by_name: dict[str, FieldDef] = {}
    for i, item in enumerate(raw):
        f = FieldDef.from_dict(item, f"{where}, fields[{i}]", by_name, strict)
        if f.name in by_name:
            raise FormDefinitionError(
                f"{where}, fields[{i}]", f"字段名“{f.name}”重复", f"duplicate field name '{f.name}'"
            )
        by_name[f.name] = f
    return tuple(by_name.values())


def _documents(
    d: Mapping[str, Any], where: str, by_name: Mapping[str, FieldDef], strict: bool
) -> tuple[DocumentRequirement, ...]:
    raw = d.get("documents", [])
    if not isinstance(raw, list):
        raise FormDefinitionError(where, "“documents”应为列表", "'documents' must be a list")
    docs: dict[str, DocumentRequirement] = {}
    for i, item in enumerate(raw):
        spot = f"{where}, documents[{i}]"
        doc = DocumentRequirement.from_dict(item, spot, by_name, strict)
        if doc.kind in docs:
            raise FormDefinitionError(spot, f"材料类型“{doc.kind}”重复", f"duplicate document kind '{doc.kind}'")
        docs[doc.kind] = doc
    return tuple(docs.values())


def _pinyin(d: Mapping[str, Any], where: str) -> str:
    value = d.get("pinyin_initials", "")
    if not isinstance(value, str) or (value and _PINYIN_RE.fullmatch(value) is None):
        raise FormDefinitionError(
            where, "“pinyin_initials”应为小写拼音首字母（多个写法以空格分隔）", "'pinyin_initials' must be lowercase letters (alternatives separated by spaces)"
        )
    return value


def _keywords(d: Mapping[str, Any], where: str) -> tuple[str, ...]:
    value = d.get("keywords", [])
    if not isinstance(value, list) or not all(isinstance(k, str) and k.strip() for k in value):
        raise FormDefinitionError(
            where, "“keywords”应为非空字符串列表", "'keywords' must be a list of non-empty strings"
        )
    return tuple(k.strip() for k in value)


def _applicant_age(raw: Any, where: str, strict: bool) -> dict[str, Any] | None:
    if raw is None:
        return None
    raw = expect_mapping(raw, where)
    check_keys(raw, _AGE_KEYS, where, strict)
    low, high = optional_int(raw, "min", where), optional_int(raw, "max", where)
    if low is None and high is None:
        raise FormDefinitionError(where, "须给出 min 或 max", "needs 'min' or 'max'")
    message = local_text(raw, "message", where, required=False)
    return drop_none({"min": low, "max": high, "message": message})


def _age_text(age: int, low: int | None, high: int | None) -> LocalText:
    if low is not None and age < low:
        return {"zh_CN": f"{age}周岁，本事项要求年满{low}周岁",
                "en": f"{age} years old; this service requires at least {low}"}
    return {"zh_CN": f"{age}周岁，本事项要求不超过{high}周岁",
            "en": f"{age} years old; this service requires at most {high}"}


def _unknown_field(key: Any) -> FieldError:
    return field_error(
        f"fields.{key}", {"zh_CN": str(key), "en": str(key)}, "unknown_field",
        {"zh_CN": "不是本事项表单的字段，已忽略", "en": "is not a field of this form; ignored"},
        severity="warning",
    )
