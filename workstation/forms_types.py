"""Converters from what a person typed (or a CSV cell held) to a typed value.

Each converter takes a non-empty raw value and returns ``(native, warning)``:
``native`` is the Python value that constraints are checked against (``int``,
``Decimal``, ``date``, ``bool``, ``str``, ``list``), ``warning`` is ``None`` or a
:class:`~workstation.validation.FieldValueError` that should be shown without
blocking. Converters raise ``FieldValueError`` for a value they cannot accept.
:func:`to_json` then turns the native value into what is stored and sent.
Converting an already cleaned value gives it back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from workstation.validation import (
    FieldValueError,
    check_division_code,
    check_uscc,
    normalize_phone,
    parse_date,
    parse_decimal,
    parse_id_number,
    parse_int,
    parse_money,
)

Converted = tuple[Any, FieldValueError | None]
Converter = Callable[[Any], Converted]

FIELD_TYPES = (
    "text", "integer", "decimal", "money", "date", "choice", "multi_choice",
    "yes_no", "id_number", "phone", "division_code", "uscc",
)
CHOICE_TYPES = frozenset({"choice", "multi_choice"})

_YES = frozenset({"yes", "y", "true", "1", "是", "有", "对", "√"})
_NO = frozenset({"no", "n", "false", "0", "否", "无", "没有", "×"})
_MULTI_SEPARATORS = str.maketrans({"，": ",", "、": ",", ";": ",", "；": ",", "|": ","})


def _as_text(raw: Any) -> str:
    if isinstance(raw, bool):
        raise FieldValueError("invalid", "不应为是/否", "must not be yes/no")
    return raw if isinstance(raw, str) else str(raw)


def _text(raw: Any) -> Converted:
    return _as_text(raw).strip(), None


def _integer(raw: Any) -> Converted:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw, None
    if isinstance(raw, float) and raw.is_integer():
        return int(raw), None
    return parse_int(_as_text(raw)), None


def _numeric_text(raw: Any) -> str:
    # str(float) gives the shortest round-trip literal: 0.1 -> "0.1", not 0.1000000000000000055.
    if isinstance(raw, Decimal):
        return format(raw, "f")
    return _as_text(raw)


def _decimal(raw: Any) -> Converted:
    return parse_decimal(_numeric_text(raw)), None


def _money(raw: Any) -> Converted:
    return parse_money(_numeric_text(raw)), None


def _date(raw: Any) -> Converted:
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    return parse_date(_as_text(raw)), None


def _yes_no(raw: Any) -> Converted:
    if isinstance(raw, bool):
        return raw, None
    text = _as_text(raw).strip().lower()
    if text in _YES:
        return True, None
    if text in _NO:
        return False, None
    raise FieldValueError("yes_no_invalid", "应填写“是”或“否”", "must be yes or no")


def _id_number(raw: Any) -> Converted:
    info = parse_id_number(_as_text(raw))
    if info.area_known:
        return info.number, None
    return info.number, FieldValueError(
        "id_area_unknown",
        "前6位地区码不在现行区划表中，请核对（已撤销的地区码仍可能有效）",
        "the area code (first 6 digits) is not a current one; check it "
        "(codes of abolished areas remain valid on old cards)",
    )


def _phone(raw: Any) -> Converted:
    return normalize_phone(_as_text(raw)), None


def _division_code(raw: Any) -> Converted:
    return check_division_code(_as_text(raw)), None


def _uscc(raw: Any) -> Converted:
    code, checksum_ok = check_uscc(_as_text(raw))
    if checksum_ok:
        return code, None
    return code, FieldValueError(
        "uscc_checksum",
        "校验位不符，请核对营业执照；确认无误可继续",
        "the check digit does not match; compare with the licence and continue if it is right",
    )


CONVERTERS: Mapping[str, Converter] = {
    "text": _text,
    "integer": _integer,
    "decimal": _decimal,
    "money": _money,
    "date": _date,
    "yes_no": _yes_no,
    "id_number": _id_number,
    "phone": _phone,
    "division_code": _division_code,
    "uscc": _uscc,
}


def choice_converter(lookup: Mapping[str, str], multi: bool) -> Converter:
    """Accept a choice's value or either label (CSV files often hold the label)."""

    def one(raw: Any) -> str:
        key = _as_text(raw).strip()
        value = lookup.get(key) or lookup.get(key.lower())
        if value is None:
            raise FieldValueError(
                "choice_invalid", f"“{key}”不是可选项", f"'{key}' is not one of the choices"
            )
        return value

    def single(raw: Any) -> Converted:
        return one(raw), None

    def several(raw: Any) -> Converted:
        items = raw if isinstance(raw, list | tuple) else _as_text(raw).translate(
            _MULTI_SEPARATORS).split(",")
        picked = {one(item) for item in items if _as_text(item).strip()}
        # Keep the definition's order so equal selections compare equal.
        return [v for v in dict.fromkeys(lookup.values()) if v in picked], None

    return several if multi else single


def is_empty(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    return isinstance(raw, list | tuple | set) and len(raw) == 0


def to_json(type_: str, native: Any) -> Any:
    """The stored form: money ``"1234.50"``, decimals as exact strings, ISO dates."""
    if type_ == "money":
        return f"{native:.2f}"
    if type_ == "decimal":
        return format(native.normalize(), "f") if native != 0 else "0"
    if type_ == "date":
        return native.isoformat()
    return native
