"""One field of a service form: its definition, conversion and constraints."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from workstation.forms_base import (
    FieldError,
    FormDefinitionError,
    LocalText,
    check_keys,
    drop_none,
    expect_mapping,
    field_error,
    local_text,
    optional_bool,
    optional_int,
    snake_name,
)
from workstation.forms_conditions import Predicate, Referable, compile_condition
from workstation.forms_fast import Quick, quick_cleaner
from workstation.forms_types import (
    CHOICE_TYPES,
    CONVERTERS,
    FIELD_TYPES,
    Converter,
    choice_converter,
    is_empty,
    to_json,
)
from workstation.validation import FieldValueError, parse_date, parse_decimal, parse_int

_RANGE_TYPES = frozenset({"integer", "decimal", "money", "date"})
_TEXT_CONSTRAINTS = ("min_length", "max_length", "pattern")
_MESSAGE_KEYS = frozenset({"required", "invalid", "min", "max", *_TEXT_CONSTRAINTS})
_FIELD_KEYS = frozenset({
    "name", "type", "label", "help", "section", "required", "sensitive", "choices",
    "min", "max", "min_length", "max_length", "pattern", "messages", "visible_when",
})
_TODAY_RE = re.compile(r"today(?:([+-])([0-9]{1,5})d)?")
_REQUIRED = {"zh_CN": "此项为必填项", "en": "this field is required"}

Bound = Callable[[date], Any]


@dataclass(frozen=True)
class Choice:
    value: str
    label: LocalText


@dataclass(frozen=True)
class FieldDef:
    """A field as written in the definition; compiled helpers are kept out of ``==``."""

    name: str
    type: str
    label: LocalText
    help: LocalText | None = None
    section: LocalText | None = None
    required: bool = False
    sensitive: bool = False
    choices: tuple[Choice, ...] = ()
    min: Any = None
    max: Any = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    messages: dict[str, LocalText] = field(default_factory=dict)
    visible_when: dict[str, Any] | None = None
    _convert: Converter = field(default=CONVERTERS["text"], compare=False, repr=False)
    _visible: Predicate | None = field(default=None, compare=False, repr=False)
    _low: Bound | None = field(default=None, compare=False, repr=False)
    _high: Bound | None = field(default=None, compare=False, repr=False)
    _regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    # Accepts an already clean value quickly, or says SLOW (see forms_fast).
    quick: Quick = field(default=None, init=False, compare=False, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        object.__setattr__(self, "quick", quick_cleaner(self))

    @classmethod
    def from_dict(
        cls, d: Any, where: str, earlier: Mapping[str, FieldDef], strict: bool = False
    ) -> FieldDef:
        """Read one field; ``earlier`` holds the fields a condition may refer to."""
        d = expect_mapping(d, where)
        name = snake_name(d, "name", where)
        where = f"{where} '{name}'"
        check_keys(d, _FIELD_KEYS, where, strict)
        type_ = _field_type(d, where)
        _check_applicable(d, type_, where)
        choices = _choices(d, type_, where)
        lookup = _choice_lookup(choices)
        convert = choice_converter(lookup, type_ == "multi_choice") if choices else CONVERTERS[type_]
        condition = d.get("visible_when")
        return cls(
            name=name, type=type_, label=local_text(d, "label", where) or {},
            help=local_text(d, "help", where, required=False),
            section=local_text(d, "section", where, required=False),
            required=optional_bool(d, "required", where),
            sensitive=optional_bool(d, "sensitive", where),
            choices=choices, min=d.get("min"), max=d.get("max"),
            min_length=optional_int(d, "min_length", where),
            max_length=optional_int(d, "max_length", where, minimum=1),
            pattern=d.get("pattern"), messages=_messages(d, where),
            visible_when=copy.deepcopy(condition),
            _convert=convert,
            _visible=None if condition is None else compile_condition(
                condition, earlier, f"{where} visible_when"),
            _low=_bound(type_, d.get("min"), f"{where} min"),
            _high=_bound(type_, d.get("max"), f"{where} max"),
            _regex=_regex(d.get("pattern"), where),
        )

    def to_dict(self) -> dict[str, Any]:
        return drop_none({
            "name": self.name, "type": self.type, "label": dict(self.label),
            "help": self.help, "section": self.section, "required": self.required,
            "sensitive": self.sensitive or None,
            "choices": [{"value": c.value, "label": dict(c.label)} for c in self.choices] or None,
            "min": self.min, "max": self.max, "min_length": self.min_length,
            "max_length": self.max_length, "pattern": self.pattern,
            "messages": {k: dict(v) for k, v in self.messages.items()} or None,
            "visible_when": self.visible_when,
        })

    def is_visible(self, cleaned: Mapping[str, Any]) -> bool:
        return self._visible is None or self._visible(cleaned)

    def normalize_operand(self, value: Any, where: str) -> Any:
        """Convert a condition operand as if it were typed into this field.

        For a ``multi_choice`` field an operand is one choice, not a selection.
        """
        try:
            native, _warning = self._convert(value)
            if self.type == "multi_choice":
                if len(native) != 1:
                    raise FieldValueError("invalid", "应为单个选项", "must be a single choice")
                native = native[0]
        except FieldValueError as exc:
            raise FormDefinitionError(
                where,
                f"值 {value!r} 不适用于字段“{self.name}”：{exc.messages['zh_CN']}",
                f"value {value!r} does not fit field '{self.name}': {exc.messages['en']}",
            ) from None
        return to_json(self.type, native)

    def clean(self, raw: Any, path: str, today: date) -> tuple[Any, list[FieldError]]:
        """Convert and check one visible value: ``(json_value_or_None, errors)``."""
        if is_empty(raw):
            return None, self._required_error(path)
        try:
            native, warning = self._convert(raw)
        except FieldValueError as exc:
            return None, [self._error(path, exc.code, "invalid", exc.messages)]
        if native == []:
            return None, self._required_error(path)
        errors = [] if warning is None else [
            self._error(path, warning.code, "", warning.messages, "warning")]
        problem = self._check(native, today)
        if problem is not None:
            errors.append(self._error(path, *problem))
            return None, errors
        return to_json(self.type, native), errors

    def _required_error(self, path: str) -> list[FieldError]:
        return [self._error(path, "required", "required", _REQUIRED)] if self.required else []

    def _error(
        self, path: str, code: str, key: str, detail: Mapping[str, str], severity: str = "error"
    ) -> FieldError:
        return field_error(path, self.label, code, self.messages.get(key, detail), severity)

    def _check(self, native: Any, today: date) -> tuple[str, str, LocalText] | None:
        if self._low is not None and native < (low := self._low(today)):
            return "min", "min", _range_text(self.type, "min", low)
        if self._high is not None and native > (high := self._high(today)):
            return "max", "max", _range_text(self.type, "max", high)
        if self.type != "text":
            return None
        if self.min_length is not None and len(native) < self.min_length:
            n = self.min_length
            return "min_length", "min_length", {
                "zh_CN": f"至少{n}个字", "en": f"must have at least {n} characters"}
        if self.max_length is not None and len(native) > self.max_length:
            n = self.max_length
            return "max_length", "max_length", {
                "zh_CN": f"不能超过{n}个字", "en": f"must have at most {n} characters"}
        if self._regex is not None and self._regex.fullmatch(native) is None:
            return "pattern", "pattern", {
                "zh_CN": "格式不正确", "en": "is not in the expected format"}
        return None


def _field_type(d: Mapping[str, Any], where: str) -> str:
    type_ = d.get("type")
    if type_ not in FIELD_TYPES:
        raise FormDefinitionError(
            where,
            f"未知的字段类型 {type_!r}，可用：{', '.join(FIELD_TYPES)}",
            f"unknown field type {type_!r}; expected one of {', '.join(FIELD_TYPES)}",
        )
    return str(type_)


def _check_applicable(d: Mapping[str, Any], type_: str, where: str) -> None:
    misplaced = [k for k in ("min", "max") if k in d and type_ not in _RANGE_TYPES]
    misplaced += [k for k in _TEXT_CONSTRAINTS if k in d and type_ != "text"]
    misplaced += ["choices"] if "choices" in d and type_ not in CHOICE_TYPES else []
    if misplaced:
        keys = ", ".join(misplaced)
        raise FormDefinitionError(
            where, f"{type_} 类型的字段不能使用：{keys}", f"a {type_} field cannot have: {keys}"
        )


def _choices(d: Mapping[str, Any], type_: str, where: str) -> tuple[Choice, ...]:
    if type_ not in CHOICE_TYPES:
        return ()
    raw = d.get("choices")
    if not isinstance(raw, list) or not raw:
        raise FormDefinitionError(
            where, f"{type_} 类型的字段须有非空的 choices 列表",
            f"a {type_} field needs a non-empty 'choices' list",
        )
    choices = []
    for i, item in enumerate(raw):
        spot = f"{where} choices[{i}]"
        item = expect_mapping(item, spot)
        value = item.get("value")
        if not isinstance(value, str) or not value.strip():
            raise FormDefinitionError(spot, "“value”应为非空字符串", "'value' must be a non-empty string")
        choices.append(Choice(value, local_text(item, "label", spot) or {}))
    values = [c.value for c in choices]
    if len(set(values)) != len(values):
        raise FormDefinitionError(where, "choices 中有重复的 value", "duplicate values in 'choices'")
    return tuple(choices)


def _choice_lookup(choices: tuple[Choice, ...]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for c in choices:
        for label in c.label.values():
            lookup.setdefault(label.strip(), c.value)
            lookup.setdefault(label.strip().lower(), c.value)
    lookup.update({c.value: c.value for c in choices})  # a value always wins over a label
    return lookup


def _messages(d: Mapping[str, Any], where: str) -> dict[str, LocalText]:
    raw = d.get("messages") or {}
    spot = f"{where} messages"
    raw = expect_mapping(raw, spot)
    unknown = sorted(set(raw) - _MESSAGE_KEYS)
    if unknown:
        raise FormDefinitionError(
            spot, f"未知的约束名：{', '.join(unknown)}", f"unknown constraint names: {', '.join(unknown)}"
        )
    return {key: local_text(raw, key, spot) or {} for key in raw}


def _regex(pattern: Any, where: str) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except (re.error, TypeError) as exc:
        raise FormDefinitionError(
            where, f"pattern 不是有效的正则表达式：{exc}", f"'pattern' is not a valid regular expression: {exc}"
        ) from None


def _bound(type_: str, value: Any, where: str) -> Bound | None:
    """Compile ``min``/``max``: a number, a date, or for dates ``today`` ± ``Nd``."""
    if value is None:
        return None
    if type_ == "date" and isinstance(value, str):
        match = _TODAY_RE.fullmatch(value.strip())
        if match is not None:
            sign = -1 if match.group(1) == "-" else 1
            offset = timedelta(days=sign * int(match.group(2) or 0))
            return lambda today: today + offset
    try:
        native = _bound_native(type_, value)
    except FieldValueError as exc:
        raise FormDefinitionError(
            where, f"无效的界限值 {value!r}：{exc.messages['zh_CN']}",
            f"invalid bound {value!r}: {exc.messages['en']}",
        ) from None
    return lambda _today: native


def _bound_native(type_: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FieldValueError("bound_invalid", "应为数字或字符串", "must be a number or a string")
    if type_ == "date":
        return parse_date(str(value))
    if isinstance(value, str):
        return parse_int(value) if type_ == "integer" else parse_decimal(value)
    if type_ == "integer" and isinstance(value, float) and not value.is_integer():
        raise FieldValueError("int_format", "应为整数", "must be a whole number")
    return int(value) if type_ == "integer" else Decimal(str(value))


def _range_text(type_: str, which: str, bound: Any) -> LocalText:
    shown = bound.isoformat() if isinstance(bound, date) else (
        f"{bound:.2f}" if type_ == "money" else str(bound))
    if type_ == "date":
        if which == "min":
            return {"zh_CN": f"不能早于{shown}", "en": f"must not be before {shown}"}
        return {"zh_CN": f"不能晚于{shown}", "en": f"must not be after {shown}"}
    if which == "min":
        return {"zh_CN": f"不能小于{shown}", "en": f"must be at least {shown}"}
    return {"zh_CN": f"不能大于{shown}", "en": f"must be at most {shown}"}


__all__ = ["Choice", "FieldDef", "Referable"]
