"""The applicant block every service shares: who is asking.

It is checked with the same field machinery as a service form, so its messages
read the same way; paths are ``applicant.<key>``. Gender and birth date are not
asked for: they are read from the ID number and returned in the cleaned block.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from workstation.forms_base import FieldError, field_error
from workstation.forms_fast import SLOW
from workstation.forms_fields import FieldDef

DEFAULT_ETHNICITY = "汉族"

# The 56 groups of GB/T 3304, plus the other entries that appear on ID cards.
ETHNICITIES = frozenset((
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 "
    "土家族 哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 "
    "景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 "
    "普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 "
    "独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族 穿青人 未识别民族 外国血统中国籍人士"
).split())

# Names are as on the ID card: Chinese characters (rare ones included), with a
# middle dot between the parts of many ethnic-minority names.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_NAME_PATTERN = f"[{_HAN}]+(?:·[{_HAN}]+)*"
# People type the middle dot in many ways; the ID card has only one.
_NAME_TABLE = str.maketrans({
    "•": "·", "・": "·", "．": "·", ".": "·", "‧": "·", "∙": "·", "⋅": "·", "･": "·",
    " ": None, "\u3000": None,
})

_SPECS: list[dict[str, Any]] = [
    {"name": "name", "type": "text", "required": True, "min_length": 2, "max_length": 30,
     "pattern": _NAME_PATTERN, "label": {"zh_CN": "姓名", "en": "Name"},
     "messages": {"pattern": {
         "zh_CN": "只能填写汉字，少数民族姓名可用“·”分隔",
         "en": "may contain only Chinese characters, with '·' between the parts of a name"}}},
    {"name": "id_number", "type": "id_number", "required": True,
     "label": {"zh_CN": "身份证号码", "en": "ID number"}},
    {"name": "phone", "type": "phone", "required": True,
     "label": {"zh_CN": "联系电话", "en": "Phone"}},
    {"name": "address", "type": "text", "required": True, "min_length": 2, "max_length": 100,
     "label": {"zh_CN": "户籍地址", "en": "Registered address"}},
    {"name": "current_address", "type": "text", "max_length": 100,
     "label": {"zh_CN": "现住址", "en": "Current address"}},
    {"name": "division_code", "type": "division_code", "required": True,
     "label": {"zh_CN": "所在村（社区）区划代码", "en": "Village division code"}},
]
_FIELDS = tuple(FieldDef.from_dict(spec, "applicant", {}, strict=True) for spec in _SPECS)
_ETHNICITY_LABEL = {"zh_CN": "民族", "en": "Ethnicity"}
_DERIVED = frozenset({"gender", "birth_date"})
_KNOWN = frozenset({f.name for f in _FIELDS} | {"ethnicity"} | _DERIVED)
_STEPS = tuple((f.name, f.quick, f) for f in _FIELDS)  # looked up once: an import checks many rows


def validate_applicant(
    applicant: Mapping[str, Any], *, today: date | None = None
) -> tuple[dict[str, Any], list[FieldError]]:
    """Clean and check the applicant block: ``(cleaned, errors)``.

    ``gender`` ("M"/"F") and ``birth_date`` (ISO) in the input are ignored and
    re-derived from the ID number, so a cleaned block can be checked again.
    """
    today = today or date.today()
    cleaned: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, quick, f in _STEPS:
        raw = applicant.get(name)
        if name == "name" and isinstance(raw, str):
            raw = raw.translate(_NAME_TABLE)
        value = quick(raw, today)
        if value is SLOW:
            value, problems = f.clean(raw, f"applicant.{name}", today)
            errors.extend(problems)
        if value is not None:
            cleaned[name] = value
    cleaned["ethnicity"] = _ethnicity(applicant.get("ethnicity"), errors)
    if "id_number" in cleaned:
        cleaned["gender"], cleaned["birth_date"] = _gender_and_birth(cleaned["id_number"])
    if not _KNOWN.issuperset(applicant):
        errors.extend(_unknown_keys(applicant))
    return cleaned, errors


def _gender_and_birth(number: str) -> tuple[str, str]:
    """Read from a cleaned (valid) number: ``("M", "1980-01-01")``."""
    return "M" if number[16] in "13579" else "F", f"{number[6:10]}-{number[10:12]}-{number[12:14]}"


def _ethnicity(raw: Any, errors: list[FieldError]) -> str:
    text = raw.strip().replace(" ", "") if isinstance(raw, str) else ""
    if not text:
        return DEFAULT_ETHNICITY
    for candidate in (text, text + "族"):  # "汉" and "蒙古" are common shorthand
        if candidate in ETHNICITIES:
            return candidate
    errors.append(field_error(
        "applicant.ethnicity", _ETHNICITY_LABEL, "ethnicity_unknown",
        {"zh_CN": f"“{text}”不是民族名称", "en": f"'{text}' is not an ethnic group name"},
    ))
    return text


def _unknown_keys(applicant: Mapping[str, Any]) -> list[FieldError]:
    return [
        field_error(
            f"applicant.{key}", {"zh_CN": str(key), "en": str(key)}, "unknown_field",
            {"zh_CN": "不是申请人信息的项目，已忽略", "en": "is not part of the applicant block; ignored"},
            severity="warning",
        )
        for key in applicant
        if key not in _KNOWN
    ]
