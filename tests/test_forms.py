from __future__ import annotations

import copy
import time
from datetime import date

import pytest

from workstation.catalog import load_builtin_catalog
from workstation.forms import (
    FieldError,
    FormDefinition,
    FormDefinitionError,
    blocking,
    validate_applicant,
)
from workstation.i18n import language, set_language

TODAY = date(2026, 11, 24)


def L(zh, en):
    return {"zh_CN": zh, "en": en}


def opt(value, zh, en):
    return {"value": value, "label": L(zh, en)}


def sample_definition() -> dict:
    return {
        "format": 1, "code": "test_service", "version": "2", "name": L("测试事项", "Test service"),
        "handling": {"kind": "promised", "days": 5},
        "fields": [
            {"name": "category", "type": "choice", "label": L("类别", "Category"), "required": True,
             "choices": [opt("ordinary", "普通", "Ordinary"), opt("newborn", "新生儿", "Newborn"),
                         opt("dibao", "低保", "Dibao")]},
            {"name": "newborn_birth_date", "type": "date", "label": L("出生日期", "Date of birth"),
             "required": True, "min": "today-183d", "max": "today",
             "messages": {"min": L("超过6个月", "older than 6 months")},
             "visible_when": {"field": "category", "equals": "newborn"}},
            {"name": "twins", "type": "yes_no", "label": L("是否双胞胎", "Twins"),
             "visible_when": {"field": "newborn_birth_date", "not_empty": True}},
            {"name": "amount", "type": "money", "label": L("金额", "Amount"), "min": 0, "max": "5000"},
            {"name": "members", "type": "integer", "label": L("人数", "Members"), "min": 1, "max": 20},
            {"name": "ratio", "type": "decimal", "label": L("比例", "Ratio")},
            {"name": "reasons", "type": "multi_choice", "label": L("原因", "Reasons"),
             "choices": [opt("illness", "因病", "Illness"), opt("disability", "因残", "Disability"),
                         opt("other", "其他", "Other")]},
            {"name": "other_reason", "type": "text", "label": L("其他原因", "Other reason"), "required": True,
             "max_length": 10, "visible_when": {"field": "reasons", "equals": "other"}},
            {"name": "account", "type": "text", "label": L("账号", "Account"), "pattern": "[0-9]{12,19}",
             "messages": {"pattern": L("应为12至19位数字", "must be 12 to 19 digits")}},
            {"name": "spouse_id", "type": "id_number", "label": L("配偶身份证号码", "Spouse's ID number")},
            {"name": "phone", "type": "phone", "label": L("电话", "Phone")},
            {"name": "company", "type": "uscc", "label": L("统一社会信用代码", "Credit code")},
            {"name": "village", "type": "division_code", "label": L("村代码", "Village code")},
            {"name": "special", "type": "text", "label": L("特殊说明", "Special note"), "required": True,
             "visible_when": {"any": [
                 {"field": "category", "in": ["dibao"]},
                 {"all": [{"field": "reasons", "in": ["illness", "disability"]},
                          {"not": {"field": "members", "not_empty": False}}]}]}},
        ],
        "documents": [
            {"kind": "id_card", "label": L("身份证", "ID card"), "min_pages": 2, "max_pages": 2},
            {"kind": "birth_certificate", "label": L("出生医学证明", "Birth certificate"),
             "visible_when": {"field": "category", "equals": "newborn"}},
            {"kind": "other_proof", "label": L("其他证明", "Other proof"), "required": False},
        ],
    }


@pytest.fixture
def form() -> FormDefinition:
    return FormDefinition.from_dict(sample_definition(), strict=True)


@pytest.fixture
def lang():
    before = language()
    yield set_language
    set_language(before)


def codes(errors: list[FieldError]) -> dict[str, str]:
    return {e.path: e.code for e in errors}


APPLICANT = {"name": "张桂英", "id_number": "340822195803150022", "phone": "139 0556 1234",
             "address": "桃花村三组12号", "division_code": "340822104201"}

# --- cleaning ------------------------------------------------------------------


def test_clean_converts_strings_to_typed_json_values(form):
    cleaned, errors = form.clean({
        "category": "新生儿", "newborn_birth_date": "2026年10月1日", "twins": "否",
        "amount": "¥1,234.5", "members": "3", "ratio": "0.50", "reasons": "因病、other",
        "other_reason": "  说明 ", "phone": "+86 139 0556 1234", "spouse_id": "11010519491231002x",
        "village": "340822104201",
    }, today=TODAY)
    assert cleaned == {
        "category": "newborn", "newborn_birth_date": "2026-10-01", "twins": False,
        "amount": "1234.50", "members": 3, "ratio": "0.5", "reasons": ["illness", "other"],
        "other_reason": "说明", "phone": "13905561234", "spouse_id": "11010519491231002X",
        "village": "340822104201",
    }
    # "special" is visible (illness + members given) and required: demanded.
    assert codes(errors) == {"fields.special": "required"}


def test_cleaning_a_cleaned_dict_changes_nothing(form):
    raw = {"category": "ordinary", "amount": "12", "members": 2, "reasons": ["other"],
           "other_reason": "x", "ratio": 1.25, "account": "6228480000000000000"}
    cleaned, errors = form.clean(raw, today=TODAY)
    assert errors == []
    again, errors_again = form.clean(cleaned, today=TODAY)
    assert again == cleaned and errors_again == []


def test_empty_answers_are_left_out(form):
    cleaned, errors = form.clean({"category": "ordinary", "amount": " ", "reasons": [], "ratio": None},
                                 today=TODAY)
    assert cleaned == {"category": "ordinary"}
    assert errors == []


def test_constraints_and_custom_messages(form, lang):
    lang("en")
    errors = form.validate({
        "category": "newborn", "newborn_birth_date": "2026-01-01", "amount": "5000.01",
        "members": "0", "account": "12ab", "reasons": "other", "other_reason": "x" * 11,
    }, today=TODAY)
    by_path = {e.path: e for e in errors}
    assert by_path["fields.newborn_birth_date"].code == "min"
    assert by_path["fields.newborn_birth_date"].message == "Date of birth: older than 6 months"
    assert by_path["fields.amount"].code == "max"
    assert by_path["fields.amount"].message == "Amount: must be at most 5000.00"
    assert by_path["fields.members"].message == "Members: must be at least 1"
    assert by_path["fields.account"].message == "Account: must be 12 to 19 digits"
    assert by_path["fields.other_reason"].code == "max_length"


def test_date_relative_to_today(form):
    future = form.validate({"category": "newborn", "newborn_birth_date": "2026-11-25"}, today=TODAY)
    assert codes(future) == {"fields.newborn_birth_date": "max"}
    assert form.validate({"category": "newborn", "newborn_birth_date": "2026-11-24"}, today=TODAY) == []


def test_bad_values_name_their_field_in_both_languages(form, lang):
    errors = form.validate({"category": "ordinary", "spouse_id": "340822195803150027",
                            "phone": "12345", "amount": "12.345", "category2": "x"}, today=TODAY)
    by_path = {e.path: e for e in errors}
    id_error = by_path["fields.spouse_id"]
    assert id_error.code == "id_checksum"
    assert id_error.messages == {"zh_CN": "配偶身份证号码：校验位不正确",
                                 "en": "Spouse's ID number: the check digit is wrong"}
    lang("zh_CN")
    assert id_error.message == "配偶身份证号码：校验位不正确"
    assert id_error.field_label == "配偶身份证号码"
    lang("en")
    assert id_error.message == "Spouse's ID number: the check digit is wrong"
    assert by_path["fields.phone"].code == "phone_invalid"
    assert by_path["fields.amount"].code == "money_precision"
    assert by_path["fields.category2"].code == "unknown_field"
    assert not by_path["fields.category2"].blocking
    assert id_error.to_dict()["field"] == "fields.spouse_id"


def test_choice_accepts_value_or_label_and_refuses_others(form):
    assert form.clean({"category": "Dibao", "special": "x"}, today=TODAY)[0]["category"] == "dibao"
    assert form.clean({"category": "低保", "special": "x"}, today=TODAY)[0]["category"] == "dibao"
    assert codes(form.validate({"category": "五保"}, today=TODAY)) == {"fields.category": "choice_invalid"}


def test_warnings_do_not_block(form):
    cleaned, errors = form.clean({"category": "ordinary", "spouse_id": "34052419800101001X",
                                  "company": "91110108551385082A"}, today=TODAY)
    assert codes(errors) == {"fields.spouse_id": "id_area_unknown", "fields.company": "uscc_checksum"}
    assert all(e.severity == "warning" for e in errors) and blocking(errors) == []
    assert cleaned["company"] == "91110108551385082A"


# --- conditions ----------------------------------------------------------------


def test_hidden_required_fields_are_not_demanded_and_their_values_are_dropped(form):
    cleaned, errors = form.clean({"category": "ordinary", "newborn_birth_date": "not a date",
                                  "twins": "是", "other_reason": "x" * 50}, today=TODAY)
    assert errors == []
    assert cleaned == {"category": "ordinary"}


def test_conditions_show_fields(form):
    def names(values):
        return [f.name for f in form.visible_fields(values)]

    assert "newborn_birth_date" not in names({"category": "ordinary"})
    assert "newborn_birth_date" in names({"category": "newborn"})
    assert "newborn_birth_date" in names({"category": "新生儿"})
    # not_empty on an earlier field, and hiding cascades
    assert "twins" in names({"category": "newborn", "newborn_birth_date": "2026-11-01"})
    assert "twins" not in names({"category": "ordinary", "newborn_birth_date": "2026-11-01"})
    # multi_choice equals = contains
    assert "other_reason" in names({"reasons": "illness,other"})
    assert "other_reason" not in names({"reasons": "illness"})
    # any / all / in / not
    assert "special" in names({"category": "dibao"})
    assert "special" in names({"reasons": ["disability"], "members": 2})
    assert "special" not in names({"reasons": ["disability"]})
    assert "special" not in names({"reasons": ["other"], "members": 2})


def test_required_hidden_field_demanded_once_visible(form):
    assert codes(form.validate({"category": "newborn"}, today=TODAY)) == {
        "fields.newborn_birth_date": "required"}
    assert codes(form.validate({}, today=TODAY)) == {"fields.category": "required"}


# --- documents -----------------------------------------------------------------


def test_required_and_missing_documents(form):
    kinds = [d.kind for d in form.required_documents({"category": "ordinary"})]
    assert kinds == ["id_card"]
    assert [d.kind for d in form.documents_for({"category": "newborn"})] == [
        "id_card", "birth_certificate", "other_proof"]
    newborn = {"category": "newborn", "newborn_birth_date": "2026-11-01"}
    missing = form.missing_documents(newborn, {"id_card": 1})
    assert [d.kind for d in missing] == ["id_card", "birth_certificate"]
    assert form.missing_documents(newborn, {"id_card": 2, "birth_certificate": 1}) == []


# --- definitions ---------------------------------------------------------------


def test_round_trip(form):
    again = FormDefinition.from_dict(form.to_dict(), strict=True)
    assert again == form
    assert again.to_dict() == form.to_dict()
    assert form.to_dict()["version"] == "2"


def broken(change) -> dict:
    d = copy.deepcopy(sample_definition())
    change(d)
    return d


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["fields"][3].update(type="moneyy"), ["amount", "moneyy"]),
        (lambda d: d["fields"][0].pop("choices"), ["category", "choices"]),
        (lambda d: d["fields"][0].update(choices=[]), ["category", "choices"]),
        (lambda d: d["fields"].append({"name": "amount", "type": "text", "label": L("重", "Dup")}),
         ["duplicate", "amount"]),
        (lambda d: d["fields"][1].update(visible_when={"field": "categry", "equals": "newborn"}),
         ["categry"]),
        (lambda d: d["fields"][0].update(visible_when={"field": "members", "not_empty": True}),
         ["members", "before"]),
        (lambda d: d["fields"][1].update(visible_when={"field": "category", "equals": "newbron"}),
         ["newbron", "category"]),
        (lambda d: d["fields"][1].update(visible_when={"field": "category", "matches": "x"}),
         ["field"]),
        (lambda d: d["documents"][1].update(visible_when={"field": "nope", "equals": 1}), ["nope"]),
        (lambda d: d["fields"][8].update(pattern="[0-9"), ["pattern"]),
        (lambda d: d["fields"][8].update(min=3), ["min"]),
        (lambda d: d["fields"][3].update(max="lots"), ["max", "lots"]),
        (lambda d: d["fields"][3].update(label="金额"), ["label", "zh_CN"]),
        (lambda d: d["fields"][3].update(name="Amount"), ["snake_case"]),
        (lambda d: d["fields"][3].update(requird=True), ["requird"]),
        (lambda d: d.update(format=2), ["format", "2"]),
        (lambda d: d.update(version=""), ["version"]),
        (lambda d: d.update(handling={"kind": "promised"}), ["days"]),
        (lambda d: d["documents"].append({"kind": "id_card", "label": L("又", "Again")}),
         ["duplicate", "id_card"]),
        (lambda d: d["documents"][0].update(min_pages=0), ["min_pages"]),
    ],
)
def test_malformed_definitions_give_a_clear_error(change, words, lang):
    lang("en")
    with pytest.raises(FormDefinitionError) as exc:
        FormDefinition.from_dict(broken(change), strict=True)
    text = str(exc.value)
    assert text.startswith("Malformed form definition: test_service")
    for word in words:
        assert word in text, text


def test_unknown_keys_are_tolerated_in_county_definitions():
    d = broken(lambda d: d["fields"][3].update(placeholder=L("请输入", "Type here")))
    assert FormDefinition.from_dict(d, source="county").get_field("amount").type == "money"


def test_condition_operands_are_normalized_by_the_target_field():
    d = sample_definition()
    d["fields"][2]["visible_when"] = {"field": "category", "equals": "新生儿"}
    form = FormDefinition.from_dict(d)
    assert form.fields[2].visible_when == {"field": "category", "equals": "新生儿"}
    assert "twins" in [f.name for f in form.visible_fields({"category": "newborn"})]


# --- applicant block -----------------------------------------------------------


def test_valid_applicant_is_cleaned_with_derived_fields():
    cleaned, errors = validate_applicant(APPLICANT)
    assert errors == []
    assert cleaned == {
        "name": "张桂英", "id_number": "340822195803150022", "phone": "13905561234",
        "address": "桃花村三组12号", "division_code": "340822104201", "ethnicity": "汉族",
        "gender": "F", "birth_date": "1958-03-15",
    }
    assert validate_applicant(cleaned) == (cleaned, [])


@pytest.mark.parametrize("name", ["王芳", "阿依古丽·买买提", "阿依古丽•买买提", "欧阳 修", "𠀾王"])
def test_applicant_names_accepted(name):
    cleaned, errors = validate_applicant({**APPLICANT, "name": name})
    assert errors == [], name
    assert "·" in cleaned["name"] or " " not in cleaned["name"]


@pytest.mark.parametrize(("name", "code"), [("王", "min_length"), ("Wang Fang", "pattern"),
                                            ("·王芳", "pattern"), ("王芳1", "pattern"),
                                            ("王" * 31, "max_length"), ("", "required")])
def test_applicant_names_refused(name, code):
    _cleaned, errors = validate_applicant({**APPLICANT, "name": name})
    assert codes(errors) == {"applicant.name": code}


def test_applicant_errors_have_applicant_paths_and_labels(lang):
    lang("zh_CN")
    _cleaned, errors = validate_applicant({"name": "李", "id_number": "340822195803150027",
                                           "ethnicity": "火星族", "extra": 1})
    assert codes(errors) == {
        "applicant.name": "min_length", "applicant.id_number": "id_checksum",
        "applicant.phone": "required", "applicant.address": "required",
        "applicant.division_code": "required", "applicant.ethnicity": "ethnicity_unknown",
        "applicant.extra": "unknown_field",
    }
    by_path = {e.path: e for e in errors}
    assert by_path["applicant.id_number"].message == "身份证号码：校验位不正确"
    assert by_path["applicant.id_number"].messages["en"] == "ID number: the check digit is wrong"
    assert by_path["applicant.phone"].message == "联系电话：此项为必填项"


def test_applicant_ethnicity_shorthand_and_default():
    assert validate_applicant({**APPLICANT, "ethnicity": "回"})[0]["ethnicity"] == "回族"
    assert validate_applicant({**APPLICANT, "ethnicity": ""})[0]["ethnicity"] == "汉族"


def test_male_applicant_gender_is_derived():
    cleaned, _ = validate_applicant({**APPLICANT, "id_number": "340822198807093516", "gender": "F"})
    assert cleaned["gender"] == "M" and cleaned["birth_date"] == "1988-07-09"


def test_service_age_rule_is_checked_on_the_applicant(lang):
    lang("en")
    form = load_builtin_catalog().get("elderly_allowance_application")
    young, _ = validate_applicant(APPLICANT)  # born 1958-03-15
    errors = form.check_applicant(young, today=TODAY)
    assert codes(errors) == {"applicant.id_number": "applicant_age"}
    assert "79" in errors[0].message
    old, _ = validate_applicant({**APPLICANT, "id_number": "340822194506120041"})
    assert form.check_applicant(old, today=TODAY) == []


# --- speed ---------------------------------------------------------------------


def test_validating_2000_cases_is_well_under_a_second():
    form = load_builtin_catalog().get("dibao_application")
    fields = {
        "household_size": "3", "household_members": "张桂英 本人\n李明 儿子", "marital_status": "丧偶",
        "members_unable_to_work": "1", "has_disabled_member": "是", "disabled_member_count": "1",
        "has_seriously_ill_member": "否", "income_wages": "6,000", "income_business": "1200.5",
        "income_property": "0", "income_transfer": "3600", "savings": "2000", "securities": "0",
        "houses_owned": "1", "has_vehicle": "否", "has_legal_supporters": "否",
        "reasons": "因病、因残", "reason_detail": "丈夫去世，本人患慢性病，儿子残疾。",
        "bank_name": "农商银行", "bank_account": "6228480000000000000",
    }
    start = time.perf_counter()
    for _ in range(2000):
        _person, _cleaned, errors = form.validate_case(APPLICANT, fields, today=TODAY)
    elapsed = time.perf_counter() - start
    assert errors == []
    assert elapsed < 1.0, f"{elapsed:.2f}s for 2000 cases"
