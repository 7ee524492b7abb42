"""Demo data for rehearsals and screenshots: realistic, valid, clearly fictitious."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from stdnum.cn import ric

if TYPE_CHECKING:
    from workstation.context import Context
    from workstation.forms_fields import FieldDef

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["桂英", "秀兰", "建国", "志强", "玉梅", "德华", "春花", "国庆", "海燕", "明", "芳", "伟",
         "永福", "淑珍", "红霞", "长林", "金凤", "世明"]
GROUPS = ["一组", "二组", "三组", "四组", "五组"]


def fake_id_number(rng: random.Random, birth: date, female: bool, area: str = "340822") -> str:
    gender_digit = rng.randrange(0, 5) * 2 + (0 if female else 1)  # 17th digit: odd is male
    body = f"{area}{birth:%Y%m%d}{rng.randrange(0, 100):02d}{gender_digit}"
    return body + ric.calc_check_digit(body + "0")  # stdnum drops the last character


def fake_applicant(rng: random.Random, office_code: str, min_age: int = 20,
                   max_age: int = 90) -> dict[str, Any]:
    birth = date.today() - timedelta(days=rng.randrange(min_age * 365, max_age * 365))
    female = rng.random() < 0.5
    return {"name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "id_number": fake_id_number(rng, birth, female),
            "phone": f"1{rng.choice('3589')}{rng.randrange(0, 10**9):09d}",
            "address": f"桃花村{rng.choice(GROUPS)}{rng.randrange(1, 80)}号",
            "ethnicity": "汉族", "division_code": office_code}


def _candidates(field: FieldDef) -> list[Any]:
    today = date.today()
    if field.choices:
        first = field.choices[0].value
        return [[first]] if field.type == "multi_choice" else [c.value for c in field.choices]
    by_type: dict[str, list[Any]] = {
        "integer": [field.min if isinstance(field.min, int) else 1, 2, 0],
        "decimal": ["1.5", str(field.min or 0)], "money": ["1200.00", str(field.min or 0)],
        "date": [(today - timedelta(days=400)).isoformat(), (today + timedelta(days=60)).isoformat(),
                 today.isoformat()],
        "yes_no": [False, True], "id_number": ["34052419800101001X"],
        "phone": ["13905561234"], "division_code": ["340822104201"],
        "uscc": ["91110108551385082Q"],
    }
    text = "示例内容" * max(1, ((field.min_length or 0) + 3) // 4)
    texts = [text[: field.max_length] if field.max_length else text]
    if field.pattern:  # account numbers, certificate numbers: try common shapes
        texts = ["6217002020001234567", "34082219580315002211", "123456", "AB1234567", *texts]
    return by_type.get(field.type, texts)


def sample_value(field: FieldDef) -> Any:
    """A value the field accepts (used to fill demo and test cases)."""
    for candidate in _candidates(field):
        _, errors = field.clean(candidate, f"fields.{field.name}", date.today())
        if not errors:
            return candidate
    return _candidates(field)[0]


def sample_fields_for(service_code: str, ctx: Context | None = None) -> dict[str, Any]:
    from workstation.catalog import load_builtin_catalog

    catalog = ctx.catalog if ctx is not None else load_builtin_catalog()
    form = catalog.get(service_code)
    return {f.name: sample_value(f) for f in form.fields}


def add_demo_cases(ctx: Context, user: str, count: int = 40, seed: int = 7) -> list[str]:
    """Drafts and ready cases across the catalog, for a first look at the app."""
    from workstation.case_flow import mark_ready
    from workstation.cases import create_case
    from workstation.errors import WorkstationError

    rng = random.Random(seed)
    services = ctx.catalog.services()
    ids = []
    for i in range(count):
        form = services[i % len(services)]
        min_age = 80 if "elderly" in form.code else 20
        case_id = create_case(ctx, form.code, fake_applicant(rng, ctx.office_code, min_age),
                              sample_fields_for(form.code, ctx), user)
        ids.append(case_id)
        if i % 3 == 0:
            try:
                mark_ready(ctx, case_id, user)
            except WorkstationError:
                pass  # needs scanned documents first: stays a draft, as in real life
    return ids
