"""Validators for single values: ID numbers, phones, codes, money and dates.

An import of tens of thousands of cases calls these once per cell, so each one
is a few string operations and one precompiled regex; the only objects created
on the success path are the result. Failures raise :class:`FieldValueError`
with a stable ``code`` and a bilingual message that does not name the field:
the form engine prefixes the field's label (``身份证号码：校验位不正确``).

Input typed through a Chinese input method often arrives in full-width form
(``１３９``, ``－``, ``￥``), so every validator maps full-width characters to
ASCII before looking at the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from workstation.deferred import lazy_module
from workstation.errors import WorkstationError
from workstation.i18n import t
from workstation.masking import mask_id, mask_phone

# python-stdnum loads ssl and pydoc with its helpers (about 9 ms): only on the
# first number checked, not when the catalog's forms load at start.
numdb = lazy_module("stdnum.numdb")
ric = lazy_module("stdnum.cn.ric")
uscc = lazy_module("stdnum.cn.uscc")

__all__ = [
    "FieldValueError",
    "IdInfo",
    "age_on",
    "area_known",
    "check_division_code",
    "check_uscc",
    "mask_id",
    "mask_phone",
    "normalize_phone",
    "parse_date",
    "parse_decimal",
    "parse_id_number",
    "parse_int",
    "parse_money",
]


class FieldValueError(WorkstationError, ValueError):
    """A value that breaks a rule. ``messages`` is ``{"zh_CN": ..., "en": ...}``."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(t("输入值无效", "Invalid value"), t(zh, en))
        self.code = code
        self.messages = {"zh_CN": zh, "en": en}


@dataclass(frozen=True, slots=True)
class IdInfo:
    """What a resident ID number says about its holder."""

    number: str
    birth_date: date
    gender: str  # "M" or "F"
    area_known: bool  # False only warns: abolished area codes stay on old cards


# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space, as typed by IMEs.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = ord(" ")
_FULLWIDTH[0xFFE5] = ord("¥")
_TO_ASCII = str.maketrans(_FULLWIDTH)
# Codes are often written in groups ("3408 2219 ..."); separators carry nothing.
_CODE_TABLE = str.maketrans({**_FULLWIDTH, ord(" "): None, ord("-"): None})
_PHONE_TABLE = str.maketrans(
    {**_FULLWIDTH, ord(" "): None, ord("-"): None, ord("("): None, ord(")"): None}
)

_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
# Area codes: 010 and 02x are three digits with the 0, all others four.
_LANDLINE_RE = re.compile(r"(0(?:[12][0-9]|[3-9][0-9]{2}))([2-9][0-9]{6,7})")
_USCC_RE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}")
_DIVISION_RE = re.compile(r"[0-9]{12}")
_GROUPED = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
_MONEY_RE = re.compile(_GROUPED + r"(?:\.([0-9]+))?")
_INT_RE = re.compile(r"[+-]?" + _GROUPED)
_DECIMAL_RE = re.compile(r"[+-]?" + _GROUPED + r"(?:\.[0-9]+)?")
_DATE_SEP_RE = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_DATE_ZH_RE = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日?")
_DATE_COMPACT_RE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_CENT = Decimal("0.01")
_EARLIEST_BIRTH_YEAR = 1880
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_area_cache: dict[str, bool] = {}


def parse_id_number(s: str) -> IdInfo:
    """Check an 18-character resident ID number (GB 11643) and read it."""
    number = s.translate(_CODE_TABLE).upper()
    if len(number) != 18:
        raise FieldValueError(
            "id_length",
            f"应为18位，实际为{len(number)}位",
            f"must have 18 characters, not {len(number)}",
        )
    if _ID_RE.fullmatch(number) is None:
        raise FieldValueError(
            "id_format",
            "只能包含数字，最后一位可以是X",
            "may contain only digits, with X allowed as the last character",
        )
    if ric.calc_check_digit(number) != number[17]:
        raise FieldValueError("id_checksum", "校验位不正确", "the check digit is wrong")
    birth = _id_birth_date(number)
    gender = "M" if number[16] in "13579" else "F"
    return IdInfo(number, birth, gender, area_known(number[:6]))


def _id_birth_date(number: str) -> date:
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < _EARLIEST_BIRTH_YEAR:
        raise FieldValueError(
            "id_birth_date", "出生日期不存在", "the birth date in it is not a real date"
        )
    if birth > date.today():
        raise FieldValueError(
            "id_future_birth", "出生日期晚于今天", "the birth date in it is in the future"
        )
    return birth


def area_known(prefix: str) -> bool:
    # A numdb lookup costs ~25 µs; an office sees a handful of prefixes, so cache.
    # The period stdnum attaches to a county is ignored on purpose: numbers keep
    # the code of the place of first registration, whatever the birth year.
    known = _area_cache.get(prefix)
    if known is None:
        parts = numdb.get("cn/loc").info(prefix)
        known = any("county" in props for _part, props in parts)
        _area_cache[prefix] = known
    return known


def normalize_phone(s: str) -> str:
    """Return a mobile as 11 digits or a landline as ``0556-5123456``."""
    digits = s.translate(_PHONE_TABLE)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
            if digits[:1] not in ("0", "1"):
                digits = "0" + digits  # +86 556 ... drops the trunk 0
            break
    if _MOBILE_RE.fullmatch(digits):
        return digits
    match = _LANDLINE_RE.fullmatch(digits)
    if match is None:
        raise FieldValueError(
            "phone_invalid",
            "应为11位手机号，或带区号的固定电话",
            "must be an 11-digit mobile number or a landline with its area code",
        )
    return f"{match.group(1)}-{match.group(2)}"


def check_uscc(s: str) -> tuple[str, bool]:
    """Normalize a unified social credit code; the flag says whether the check digit holds.

    Codes failing the checksum exist in the wild, so only the shape is an error.
    The first character may be a letter (``N`` for village collectives), which
    ``stdnum.cn.uscc.validate`` rejects; hence only its check digit is used.
    """
    code = s.translate(_CODE_TABLE).upper()
    if len(code) != 18 or _USCC_RE.fullmatch(code) is None:
        raise FieldValueError(
            "uscc_format",
            "应为18位数字或大写字母（不含I、O、S、V、Z）",
            "must be 18 digits or capital letters (not I, O, S, V or Z)",
        )
    return code, uscc.calc_check_digit(code) == code[17]


def check_division_code(s: str) -> str:
    """Check a 12-digit village or township division code and return it."""
    code = s.translate(_CODE_TABLE)
    if _DIVISION_RE.fullmatch(code) is None:
        raise FieldValueError(
            "division_format", "应为12位数字", "must be 12 digits"
        )
    if code[:2] not in _PROVINCES or code[2:6] == "0000":
        raise FieldValueError(
            "division_county",
            "前6位不是有效的县级区划代码",
            "the first 6 digits are not a county code",
        )
    return code


def parse_money(s: str) -> Decimal:
    """Parse an amount in yuan: ``1,234.50``, ``¥1234``, ``1234元``; two decimals."""
    text = s.translate(_TO_ASCII).strip().removeprefix("¥").removesuffix("元").strip()
    if text.startswith("-"):
        raise FieldValueError("money_negative", "金额不能为负数", "the amount cannot be negative")
    match = _MONEY_RE.fullmatch(text)
    if match is None:
        raise FieldValueError(
            "money_format", "不是有效的金额", "is not an amount (example: 1234.50)"
        )
    fraction = match.group(1)
    if fraction and len(fraction.rstrip("0")) > 2:
        raise FieldValueError(
            "money_precision", "金额最多保留两位小数", "the amount can have at most 2 decimals"
        )
    return Decimal(text.replace(",", "")).quantize(_CENT)


def parse_date(s: str) -> date:
    """Parse ``2026-11-24``, ``2026/11/24``, ``2026.11.24``, ``2026年11月24日`` or ``20261124``."""
    text = s.translate(_TO_ASCII).strip()
    match = _DATE_SEP_RE.fullmatch(text)
    if match is not None:
        parts = (match.group(1), match.group(3), match.group(4))
    else:
        match = _DATE_ZH_RE.fullmatch(text) or _DATE_COMPACT_RE.fullmatch(text)
        if match is None:
            raise FieldValueError(
                "date_format", "日期格式应为2026-11-24", "must be a date like 2026-11-24"
            )
        parts = (match.group(1), match.group(2), match.group(3))
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise FieldValueError(
            "date_invalid", "日期不存在", "is not a real date"
        ) from None


def parse_int(s: str) -> int:
    """Parse a whole number; thousands separators are allowed."""
    text = s.translate(_TO_ASCII).strip()
    if _INT_RE.fullmatch(text) is None:
        raise FieldValueError("int_format", "应为整数", "must be a whole number")
    return int(text.replace(",", ""))


def parse_decimal(s: str) -> Decimal:
    """Parse a decimal number exactly (no binary floating point)."""
    text = s.translate(_TO_ASCII).strip()
    if _DECIMAL_RE.fullmatch(text) is None:
        raise FieldValueError("decimal_format", "应为数字", "must be a number")
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        raise FieldValueError("decimal_format", "应为数字", "must be a number") from None


def age_on(birth_date: date, day: date) -> int:
    """Completed years of age on ``day``."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday
