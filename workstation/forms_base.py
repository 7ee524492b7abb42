"""Shared pieces of the form engine: errors and the checks used while loading.

A form definition may come from the county platform, so everything read from it
is checked with a message that says where the problem is
(``dibao_application v2, fields[3] 'reason'``), in the current language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from workstation.errors import WorkstationError
from workstation.i18n import pick, t

LocalText = dict[str, str]

SNAKE_RE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


class FormDefinitionError(WorkstationError):
    """A service definition that the engine cannot use; ``where`` locates the problem."""

    def __init__(self, where: str, zh: str, en: str) -> None:
        super().__init__(t("表单定义有误", "Malformed form definition"), f"{where}: {t(zh, en)}")
        self.where = where
        self.details = {"zh_CN": zh, "en": en}


@dataclass(frozen=True)
class FieldError:
    """One problem with one value.

    ``messages`` holds the full sentence in each language and names the field
    (``身份证号码：校验位不正确`` / ``ID number: the check digit is wrong``).
    Only ``severity == "error"`` blocks a case; a ``"warning"`` (unknown area
    code, USCC check digit, unknown key) is shown and may be overridden.
    """

    path: str
    code: str
    messages: LocalText
    label: LocalText
    severity: str = "error"

    def __hash__(self) -> int:  # the dicts are not hashable; these three identify an error
        return hash((self.path, self.code, self.severity))

    @property
    def message(self) -> str:
        return pick(self.messages)

    @property
    def field_label(self) -> str:
        return pick(self.label)

    @property
    def blocking(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        """The shape the county uses for per-field errors, plus the extras."""
        return {
            "field": self.path,
            "code": self.code,
            "message": self.message,
            "messages": dict(self.messages),
            "severity": self.severity,
        }


def field_error(
    path: str, label: Mapping[str, str], code: str, detail: Mapping[str, str],
    severity: str = "error",
) -> FieldError:
    """Build a :class:`FieldError` whose sentences start with the field's label."""
    zh_label = label.get("zh_CN", "")
    en_label = label.get("en") or zh_label
    messages = {
        "zh_CN": f"{zh_label}：{detail.get('zh_CN', '')}",
        "en": f"{en_label}: {detail.get('en') or detail.get('zh_CN', '')}",
    }
    return FieldError(path, code, messages, dict(label), severity)


def blocking(errors: Iterable[FieldError]) -> list[FieldError]:
    """The errors that stop a case from being submitted (warnings left out)."""
    return [e for e in errors if e.blocking]


def expect_mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise FormDefinitionError(where, "应为JSON对象", "must be a JSON object")
    return value


def check_keys(d: Mapping[str, Any], allowed: frozenset[str], where: str, strict: bool) -> None:
    """In strict mode (built-in forms), an unknown key is a typo; else it is ignored.

    Ignoring unknown keys lets a county definition add optional keys without
    breaking older workstations; see "Compatibility" in docs/forms.md.
    """
    unknown = sorted(set(d) - allowed)
    if strict and unknown:
        raise FormDefinitionError(
            where, f"未知的键：{', '.join(unknown)}", f"unknown keys: {', '.join(unknown)}"
        )


def snake_name(d: Mapping[str, Any], key: str, where: str) -> str:
    value = d.get(key)
    if not isinstance(value, str) or SNAKE_RE.fullmatch(value) is None:
        raise FormDefinitionError(
            where,
            f"“{key}”应为小写字母、数字和下划线组成的名称，实际为 {value!r}",
            f"'{key}' must be a snake_case name, got {value!r}",
        )
    return value


def local_text(d: Mapping[str, Any], key: str, where: str, required: bool = True) -> LocalText | None:
    """Read ``{"zh_CN": ..., "en": ...}``; Chinese is required, English falls back to it."""
    value = d.get(key)
    if value is None and not required:
        return None
    if not (
        isinstance(value, Mapping)
        and isinstance(value.get("zh_CN"), str)
        and value["zh_CN"].strip() != ""
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    ):
        raise FormDefinitionError(
            where,
            f"“{key}”应为包含非空 zh_CN 的 {{\"zh_CN\": ..., \"en\": ...}}",
            f"'{key}' must be {{\"zh_CN\": ..., \"en\": ...}} with a non-empty zh_CN",
        )
    return dict(value)


def optional_bool(d: Mapping[str, Any], key: str, where: str, default: bool = False) -> bool:
    value = d.get(key, default)
    if not isinstance(value, bool):
        raise FormDefinitionError(
            where, f"“{key}”应为 true 或 false", f"'{key}' must be true or false"
        )
    return value


def optional_int(d: Mapping[str, Any], key: str, where: str, minimum: int = 0) -> int | None:
    value = d.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise FormDefinitionError(
            where,
            f"“{key}”应为不小于{minimum}的整数",
            f"'{key}' must be a whole number of at least {minimum}",
        )
    return value


def drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}
