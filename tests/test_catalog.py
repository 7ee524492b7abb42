from __future__ import annotations

import copy
import json
import shutil
from datetime import date
from typing import Any

import pytest

from workstation.catalog import Catalog, forms_dir, load_builtin_catalog, version_key
from workstation.errors import NotFound
from workstation.forms import FormDefinition, FormDefinitionError, blocking
from workstation.forms_documents import KNOWN_DOCUMENT_KINDS

TODAY = date(2026, 11, 24)
CODES = {
    "rural_pension_enrollment", "resident_medical_enrollment", "dibao_application",
    "tekun_support_application", "temporary_assistance_application",
    "disability_subsidies_application", "elderly_allowance_application", "birth_registration",
}


def person(id_number="340822195803150022", name="张桂英"):
    return {"name": name, "id_number": id_number, "phone": "13905561234",
            "address": "安徽省安庆市怀宁县桃花村三组12号", "division_code": "340822104201"}


BANK = {"bank_name": "怀宁农商银行", "bank_account": "6228480000000000000"}
PROXY = {"by_proxy": "是", "agent_name": "李伟", "agent_id_number": "340822198807093516",
         "agent_relationship": "村（社区）代办员", "agent_phone": "0556-5123456"}

# A realistic case per service: (applicant, fields, kinds that must be collected)
SAMPLES: dict[str, tuple[dict[str, str], dict[str, Any], set[str]]] = {
    "rural_pension_enrollment": (person(), {
        "household_type": "农业户口", "already_insured": "否", "special_group": "低保对象",
        "contribution_grade": "500", "payment_method": "bank_withholding", **BANK,
    }, {"id_card", "household_register", "application_form", "special_group_proof", "bank_card"}),
    "resident_medical_enrollment": (person("340822199002142629", "王芳"), {
        "coverage_year": "2027", "insured_category": "新生儿", "newborn_name": "李小满",
        "newborn_gender": "female", "newborn_birth_date": "2026-10-02",
        "birth_certificate_number": "Q340123456", "family_representative_name": "李强",
        "family_representative_id_number": "340822198807093516", "relationship_to_representative": "child",
        "deduction_account_type": "社会保障卡", "deduction_account": "A12345678",
    }, {"id_card", "bank_card", "application_form", "birth_certificate"}),
    "dibao_application": (person(), {
        "household_size": "3", "household_members": "张桂英 本人\n李明 儿子 残疾", "marital_status": "丧偶",
        "members_unable_to_work": "2", "has_disabled_member": "是", "disabled_member_count": "1",
        "has_seriously_ill_member": "是", "income_wages": "0", "income_business": "2,400",
        "income_property": "300", "income_transfer": "1,800.50", "savings": "1500", "securities": "0",
        "houses_owned": "1", "has_vehicle": "否", "has_legal_supporters": "是",
        "supporters_description": "女儿李娟，外嫁，月收入约2000元", "reasons": "因病、因残",
        "reason_detail": "本人患糖尿病，儿子肢体残疾无法务工。", **BANK,
    }, {"application_form", "household_register", "id_card", "authorization", "income_statement",
        "bank_card"}),
    "tekun_support_application": (person("340822194506120041", "陈秀兰"), {
        "work_ability_basis": "age_60_plus", "living_source": "none", "monthly_income": "0",
        "savings": "800", "supporters_status": "none", "self_care_ability": "partial",
        "support_mode": "dispersed", "caregiver_name": "陈建国", "caregiver_phone": "13905561234",
        **BANK, **PROXY,
    }, {"application_form", "household_register", "income_statement", "photo", "bank_card",
        "power_of_attorney", "agent_id_card"}),
    "temporary_assistance_application": (person(), {
        "emergency_kind": "fire", "event_date": "2026-11-02", "event_description": "厨房失火，烧毁住房两间及家具。",
        "household_size": "4", "total_cost": "35,000", "aid_received": "5000", "amount_requested": "8000",
        "is_urgent": "是", **BANK,
    }, {"application_form", "id_card", "household_register", "event_proof", "authorization", "bank_card"}),
    "disability_subsidies_application": (person("340822198807093516", "李明"), {
        "disability_certificate_number": "34082219880709351642", "disability_category": "肢体残疾",
        "disability_grade": "2", "subsidies": ["living", "care"], "dibao_status": "dibao",
        "dibao_certificate_number": "HN2026-0153", "has_guardian": "否", **BANK,
    }, {"disability_certificate", "household_register", "id_card", "low_income_certificate", "photo",
        "commitment", "application_form", "bank_card"}),
    "elderly_allowance_application": (person("340822194506120041", "陈秀兰"), {
        "registered_here": "是", "receiving_elsewhere": "否", "account_holder": "family_member",
        "account_holder_name": "陈建国", "account_holder_relationship": "child", **BANK,
    }, {"household_register", "id_card", "application_form", "bank_card", "photo"}),
    "birth_registration": (person("340822199002142629", "王芳"), {
        "spouse_name": "李强", "spouse_id_number": "340822198807093516", "marriage_date": "2019/05/01",
        "is_remarriage": "否", "residence_differs": "否", "existing_children": "1", "birth_order": "2",
        "pregnancy_status": "已怀孕", "due_date": "2027-03-15",
    }, {"id_card", "household_register", "marriage_certificate"}),
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_builtin_catalog()


def test_all_eight_builtin_services_load(catalog):
    assert {f.code for f in catalog.services()} == CODES
    assert len(catalog) == 8
    assert all(f.source == "builtin" for f in catalog)


@pytest.mark.parametrize("code", sorted(CODES))
def test_a_realistic_case_validates_and_lists_its_materials(catalog, code):
    form = catalog.get(code)
    applicant, fields, kinds = SAMPLES[code]
    person_, cleaned, errors = form.validate_case(applicant, fields, today=TODAY)
    assert blocking(errors) == [], [e.message for e in errors]
    assert set(cleaned) == set(fields)  # nothing given was hidden or unknown
    assert person_["birth_date"]
    required = {d.kind for d in form.required_documents(fields)}
    assert required == kinds
    pages = {d.kind: d.min_pages for d in form.required_documents(fields)}
    assert form.missing_documents(fields, pages) == []
    assert form.missing_documents(fields, {}) != []


@pytest.mark.parametrize("code", sorted(CODES))
def test_an_empty_case_is_refused_field_by_field(catalog, code):
    errors = catalog.get(code).validate({}, today=TODAY)
    assert errors and all(e.code == "required" and e.path.startswith("fields.") for e in errors)


def test_builtin_files_are_canonical_and_fully_bilingual():
    for path in sorted(forms_dir().glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        definition = FormDefinition.from_dict(data, strict=True)
        assert path.stem == definition.code
        assert definition.to_dict() == data, path.name  # to_dict loses nothing
        assert definition.pinyin_initials
        texts = [definition.name]
        for f in definition.fields:
            texts += [f.label, *(c.label for c in f.choices)]
            texts += [t for t in (f.help, f.section) if t]
        for doc in definition.documents:
            assert doc.kind in KNOWN_DOCUMENT_KINDS
            texts.append(doc.label)
        for text in texts:
            assert text.get("zh_CN") and text.get("en"), (path.name, text)


def test_newborn_fields_only_for_newborns(catalog):
    form = catalog.get("resident_medical_enrollment")
    ordinary = {f.name for f in form.visible_fields({"insured_category": "ordinary"})}
    newborn = {f.name for f in form.visible_fields({"insured_category": "newborn"})}
    assert "newborn_birth_date" not in ordinary and "newborn_birth_date" in newborn
    kinds = {d.kind for d in form.required_documents({"insured_category": "ordinary"})}
    assert "birth_certificate" not in kinds and "household_register" in kinds
    errors = form.validate({"insured_category": "newborn", "newborn_birth_date": "2026-01-01"}, today=TODAY)
    assert {e.path: e.code for e in errors}["fields.newborn_birth_date"] == "min"


def test_special_group_proof_only_when_a_special_group(catalog):
    form = catalog.get("rural_pension_enrollment")
    assert "special_group_proof" not in {d.kind for d in form.required_documents({"special_group": "none"})}
    assert "special_group_proof" in {d.kind for d in form.required_documents({"special_group": "tekun"})}


def test_tekun_caregiver_only_for_dependent_people_at_home(catalog):
    form = catalog.get("tekun_support_application")

    def shown(values):
        return "caregiver_name" in {f.name for f in form.visible_fields(values)}

    assert shown({"self_care_ability": "none", "support_mode": "dispersed"})
    assert not shown({"self_care_ability": "full", "support_mode": "dispersed"})
    assert not shown({"self_care_ability": "none", "support_mode": "centralized"})


def test_elderly_allowance_needs_79_or_more(catalog):
    form = catalog.get("elderly_allowance_application")
    applicant, fields, _kinds = SAMPLES["elderly_allowance_application"]
    _p, _c, errors = form.validate_case(person(), fields, today=TODAY)
    assert [e.code for e in errors] == ["applicant_age"]
    assert form.validate_case(applicant, fields, today=TODAY)[2] == []


def test_disability_certificate_number_pattern(catalog):
    form = catalog.get("disability_subsidies_application")
    errors = form.validate({"disability_certificate_number": "3408221988070935164"}, today=TODAY)
    assert "fields.disability_certificate_number" in {e.path for e in errors if e.code == "pattern"}


# --- catalog behaviour ---------------------------------------------------------


def county(code="rural_pension_enrollment", version="3", **changes):
    d = copy.deepcopy(load_builtin_catalog().get(code).to_dict())
    d["version"] = version
    d.update(changes)
    return d


def test_get_latest_and_specific_versions_and_not_found(catalog):
    merged = catalog.merge([county(version="3"), county(version="10")])
    assert merged.get("rural_pension_enrollment").version == "10"
    assert merged.get("rural_pension_enrollment", "3").version == "3"
    assert merged.versions("rural_pension_enrollment") == ["1", "3", "10"]
    with pytest.raises(NotFound) as exc:
        merged.get("rural_pension_enrollment", "7")
    assert "7" in exc.value.message and "10" in exc.value.message
    with pytest.raises(NotFound) as exc:
        merged.get("no_such_service")
    assert "no_such_service" in exc.value.message
    assert merged.versions("no_such_service") == []


def test_merge_keeps_old_versions_replaces_same_version_and_adds_services(catalog):
    newer = county(version="2", name={"zh_CN": "城乡居民养老保险参保登记（新）", "en": "Pension v2"})
    replaced = county(version="1", description={"zh_CN": "县平台版本", "en": "County copy"})
    brand_new = county(code="rural_pension_enrollment", version="1")
    brand_new["code"] = "homestead_application"
    merged = catalog.merge([newer, replaced, brand_new])
    assert merged.versions("rural_pension_enrollment") == ["1", "2"]
    assert merged.get("rural_pension_enrollment", "1").description["en"] == "County copy"
    assert merged.get("rural_pension_enrollment", "1").source == "county"
    assert merged.get("rural_pension_enrollment").name["en"] == "Pension v2"
    assert "homestead_application" in merged and len(merged.services()) == 9
    # the original catalog is untouched
    assert catalog.versions("rural_pension_enrollment") == ["1"]
    assert catalog.get("rural_pension_enrollment", "1").source == "builtin"


def test_a_malformed_county_definition_changes_nothing(catalog):
    bad = county(version="4")
    bad["fields"][0]["type"] = "dropdown"
    with pytest.raises(FormDefinitionError) as exc:
        catalog.merge([county(version="3"), bad])
    assert "rural_pension_enrollment v4" in exc.value.message
    assert catalog.versions("rural_pension_enrollment") == ["1"]


def test_to_list_round_trips(catalog):
    merged = catalog.merge([county(version="2")])
    restored = Catalog().merge(merged.to_list(), source="cache")
    assert restored.to_list() == merged.to_list()
    assert len(restored) == 9


def test_version_order():
    assert sorted(["10", "9", "2026.11.2", "2026.2", "1"], key=version_key) == [
        "1", "9", "10", "2026.2", "2026.11.2"]


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [("cxjmjbylbxcbdj", "rural_pension_enrollment"), ("dbsq", "dibao_application"),
     ("zdsh", "dibao_application"), ("TKRY", "tekun_support_application"), ("养老", "rural_pension_enrollment"),
     ("低保", "dibao_application"), ("birth_reg", "birth_registration"), ("Elderly", "elderly_allowance_application"),
     ("lsjz", "temporary_assistance_application"), ("两项补贴", "disability_subsidies_application")],
)
def test_search(catalog, query, expected_first):
    found = catalog.search(query)
    assert found and found[0].code == expected_first


def test_search_ranks_prefix_matches_first_and_misses_nothing_on_empty(catalog):
    assert [f.code for f in catalog.search("cxjm")] == ["resident_medical_enrollment", "rural_pension_enrollment"]
    assert catalog.search("xyz123") == []
    assert len(catalog.search("  ")) == 8


def test_forms_dir_inside_a_pyinstaller_bundle(tmp_path, monkeypatch):
    target = tmp_path / "resources" / "forms"
    target.mkdir(parents=True)
    shutil.copy(forms_dir() / "birth_registration.json", target)
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert forms_dir() == target
    assert [f.code for f in load_builtin_catalog().services()] == ["birth_registration"]


def test_a_broken_builtin_file_names_the_file(tmp_path):
    (tmp_path / "bad.json").write_text('{"code": "x", "version": "1"', encoding="utf-8")
    with pytest.raises(FormDefinitionError) as exc:
        load_builtin_catalog(tmp_path)
    assert "bad.json" in str(exc.value)
    (tmp_path / "bad.json").write_text(json.dumps(county(version="1", extra_key=1)), encoding="utf-8")
    with pytest.raises(FormDefinitionError) as exc:
        load_builtin_catalog(tmp_path)
    assert "bad.json" in str(exc.value) and "extra_key" in str(exc.value)
