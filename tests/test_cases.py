"""Cases through the domain API: creation, statuses, edits, search, roles."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest

from workstation import audit, case_flow, statuses
from workstation.case_queries import CaseFilter, case_ids, counts_by_status, list_cases
from workstation.cases import get_case, update_case
from workstation.db import write
from workstation.documents import PageInput, attach_pages, set_page_order
from workstation.errors import InvalidTransition, PermissionDenied, ValidationFailed

from .conftest import OFFICE, sample_applicant


def attach_required(ctx, case_id, user="agent1"):
    case = get_case(ctx, case_id)
    form = ctx.catalog.get(case.service_code, case.form_version)
    for i, doc in enumerate(form.required_documents(case.fields)):
        pages = []
        for n in range(doc.min_pages):
            data = f"{case_id}-{doc.kind}-{n}-{i}".encode() * 50
            sha = ctx.blobs.put_bytes(data)
            pages.append(PageInput(sha, "image/jpeg", len(data), 100, 100, 200))
        attach_pages(ctx, case_id, doc.kind, pages, user)


def test_new_case_is_a_draft_with_derived_fields(ctx, make_case):
    case_id = make_case()
    uuid.UUID(case_id)
    case = get_case(ctx, case_id)
    assert case.status == "draft" and case.revision == 1
    assert case.applicant["gender"] == "F"
    assert case.applicant["birth_date"] == "1958-03-15"
    assert case.local_no.startswith(f"{OFFICE}-{date.today():%Y%m%d}-")
    assert case.captured_by == "agent1"
    assert case.form_version == ctx.catalog.get("rural_pension_enrollment").version


def test_local_numbers_never_repeat(ctx, make_case):
    numbers = {get_case(ctx, make_case()).local_no for _ in range(30)}
    assert len(numbers) == 30


def test_ready_needs_valid_form_and_documents(ctx, make_case):
    case_id = make_case()
    with pytest.raises(ValidationFailed) as info:
        case_flow.mark_ready(ctx, case_id, "agent1")
    assert any(p["path"].startswith("documents.") for p in info.value.errors)
    attach_required(ctx, case_id)
    case = case_flow.mark_ready(ctx, case_id, "agent1")
    assert case.status == "ready" and case.ready_at


def test_invalid_id_blocks_ready_with_named_field(ctx, make_case):
    case_id = make_case(applicant=sample_applicant(id_number="340822195803150023"))
    attach_required(ctx, case_id)
    with pytest.raises(ValidationFailed) as info:
        case_flow.mark_ready(ctx, case_id, "agent1")
    assert [p for p in info.value.errors if p["path"] == "applicant.id_number"]
    assert "身份证" in info.value.message


def test_shortfall_acceptance_by_clerk_only(ctx, make_case):
    case_id = make_case()
    due = date.today() + timedelta(days=5)
    with pytest.raises(PermissionDenied):
        case_flow.accept_with_shortfall(ctx, case_id, "agent1", ["household_register"], due)
    form = ctx.catalog.get("rural_pension_enrollment")
    missing = [d.kind for d in form.required_documents(get_case(ctx, case_id).fields)]
    case = case_flow.accept_with_shortfall(ctx, case_id, "clerk1", missing, due, "下周补交")
    assert case.status == "ready"
    assert case.shortfall["due"] == due.isoformat() and case.shortfall["accepted_by"] == "clerk1"


def test_only_allowed_moves(ctx, make_case):
    case_id = make_case()
    with pytest.raises(InvalidTransition):
        with write(ctx.db):
            case_flow.set_sync_status(ctx, case_id, statuses.SENT)
    attach_required(ctx, case_id)
    case_flow.mark_ready(ctx, case_id, "agent1")
    with write(ctx.db):
        case_flow.set_sync_status(ctx, case_id, statuses.SENDING)
        case_flow.set_sync_status(ctx, case_id, statuses.SENT, county_ref="AQ-1")
    with pytest.raises(InvalidTransition):
        update_case(ctx, case_id, {"applicant.phone": "13800000000"}, "agent1")
    with pytest.raises(InvalidTransition):
        case_flow.mark_ready(ctx, case_id, "agent1")


def _sent_case(ctx, make_case):
    """A complete case, made ready and sent to the county."""
    case_id = make_case()
    attach_required(ctx, case_id)
    case_flow.mark_ready(ctx, case_id, "agent1")
    _send(ctx, case_id)
    return case_id


def _send(ctx, case_id, ref="AQ-HX-2026-0000001"):
    with write(ctx.db):
        case_flow.set_sync_status(ctx, case_id, statuses.SENDING)
        case_flow.set_sync_status(ctx, case_id, statuses.SENT, county_ref=ref)


def test_returned_case_is_editable_and_resent_as_new_revision(ctx, make_case):
    case_id = _sent_case(ctx, make_case)
    with write(ctx.db):
        assert case_flow.apply_county_status(ctx, case_id, "returned", "户口簿页缺失，请补扫",
                                             "2026-11-25T10:02:00+08:00")
    case = get_case(ctx, case_id)
    assert case.status == "returned" and case.county_reason == "户口簿页缺失，请补扫"
    update_case(ctx, case_id, {"applicant.phone": "13800000000"}, "agent1")
    case = case_flow.mark_ready(ctx, case_id, "agent1")
    assert case.revision == 2 and case.status == "ready"


def test_county_update_applied_twice_changes_nothing(ctx, make_case):
    case_id = _sent_case(ctx, make_case)
    at = "2026-11-25T10:02:00+08:00"
    with write(ctx.db):
        assert case_flow.apply_county_status(ctx, case_id, "approved", None, at)
    before = get_case(ctx, case_id).to_dict()
    entries = audit.verify(ctx.db).entries
    with write(ctx.db):
        assert not case_flow.apply_county_status(ctx, case_id, "approved", None, at)
        assert not case_flow.apply_county_status(ctx, case_id, "in_review", None,
                                                 "2026-11-25T09:00:00+08:00")
    assert get_case(ctx, case_id).to_dict() == before
    assert audit.verify(ctx.db).entries == entries


def test_edit_while_sending_goes_back_to_queue(ctx, make_case):
    case_id = make_case()
    attach_required(ctx, case_id)
    case_flow.mark_ready(ctx, case_id, "agent1")
    with write(ctx.db):
        case_flow.set_sync_status(ctx, case_id, statuses.SENDING)
    seq = get_case(ctx, case_id).edit_seq
    case = update_case(ctx, case_id, {"applicant.address": "桃花村四组1号"}, "agent1")
    assert case.status == "ready" and case.edit_seq > seq
    assert case.applicant["address"] == "桃花村四组1号"


def test_invalidating_edit_sends_ready_case_back_to_draft(ctx, make_case):
    case_id = make_case()
    attach_required(ctx, case_id)
    case_flow.mark_ready(ctx, case_id, "agent1")
    case = update_case(ctx, case_id, {"applicant.phone": "12345"}, "agent1")
    assert case.status == "draft"


def test_every_change_records_the_acting_user(ctx, make_case):
    case_id = make_case()
    update_case(ctx, case_id, {"applicant.phone": "0556-5551234"}, "agent1")
    history = audit.history(ctx.db, case_id)
    assert [h["action"] for h in history] == ["case.create", "case.update"]
    assert {h["actor"] for h in history} == {"agent1"}


def test_agents_see_and_edit_only_their_own(ctx, make_case):
    mine = make_case(user="agent1")
    theirs = make_case(user="agent2")
    from workstation.accounts import get_user

    agent = get_user(ctx.db, "agent1")
    assert case_ids(ctx.db, CaseFilter(viewer=agent)) == [mine]
    assert set(case_ids(ctx.db, CaseFilter(viewer=get_user(ctx.db, "clerk1")))) == {mine, theirs}
    with pytest.raises(PermissionDenied):
        get_case(ctx, theirs, user="agent1")
    with pytest.raises(PermissionDenied):
        update_case(ctx, theirs, {"applicant.phone": "13800000000"}, "agent1")
    update_case(ctx, theirs, {"applicant.phone": "13800000000"}, "clerk1")


def test_search_by_two_character_name_id_prefix_phone_and_number(ctx, make_case):
    a = make_case(applicant=sample_applicant(name="王芳", id_number="11010519491231002X",
                                             phone="13912345678"))
    b = make_case(applicant=sample_applicant(name="王芳华"))
    c = make_case(applicant=sample_applicant(name="李明"))
    assert set(case_ids(ctx.db, CaseFilter(search="王芳"))) == {a, b}
    assert case_ids(ctx.db, CaseFilter(search="李明")) == [c]
    assert case_ids(ctx.db, CaseFilter(search="110105")) == [a]
    assert case_ids(ctx.db, CaseFilter(search="1391234")) == [a]
    local_no = get_case(ctx, c).local_no
    assert case_ids(ctx.db, CaseFilter(search=local_no)) == [c]
    assert case_ids(ctx.db, CaseFilter(search="50%")) == []


def test_filters_and_counts(ctx, make_case):
    ids = [make_case() for _ in range(3)]
    other = make_case(service_code="dibao_application")
    attach_required(ctx, ids[0])
    case_flow.mark_ready(ctx, ids[0], "agent1")
    assert case_ids(ctx.db, CaseFilter(status="ready")) == [ids[0]]
    assert case_ids(ctx.db, CaseFilter(service_code="dibao_application")) == [other]
    assert counts_by_status(ctx.db) == {"draft": 3, "ready": 1}
    today = date.today().isoformat()
    assert len(case_ids(ctx.db, CaseFilter(date_from=today, date_to=today))) == 4
    assert case_ids(ctx.db, CaseFilter(date_to="2000-01-01")) == []
    rows = list_cases(ctx.db, CaseFilter(), order_by="applicant_name", descending=False)
    assert len(rows) == 4 and rows[0]["applicant_name"] == "张桂英"


def test_reorder_and_delete_pages(ctx, make_case):
    case_id = make_case()
    shas = [ctx.blobs.put_bytes(f"page {i}".encode()) for i in range(3)]
    doc_id = attach_pages(ctx, case_id, "id_card",
                          [PageInput(s, "image/jpeg", 6) for s in shas], "agent1")
    set_page_order(ctx, doc_id, [shas[2], shas[0]], "agent1")
    pages = get_case(ctx, case_id).documents[0]["pages"]
    assert [p["sha256"] for p in pages] == [shas[2], shas[0]]
    assert [p["position"] for p in pages] == [1, 2]


def test_page_row_never_points_at_missing_file(ctx, make_case):
    from workstation.errors import BlobError

    case_id = make_case()
    with pytest.raises(BlobError):
        attach_pages(ctx, case_id, "id_card", [PageInput("a" * 64, "image/jpeg", 1)], "agent1")
    assert get_case(ctx, case_id).documents == []


def test_receipt_sequence_search_uses_its_index(ctx, make_case):
    ids = [make_case() for _ in range(3)]
    seq = get_case(ctx, ids[1]).local_no.rsplit("-", 1)[1]
    assert case_ids(ctx.db, CaseFilter(search=str(int(seq)))) == [ids[1]]
    plan = " ".join(str(r[-1]) for r in ctx.db.execute(
        "EXPLAIN QUERY PLAN SELECT case_id FROM cases WHERE local_seq = '00002'"))
    assert "cases_local_seq" in plan


def test_redelivered_update_in_the_same_second_does_not_step_back(ctx, make_case):
    case_id = _sent_case(ctx, make_case)
    at = "2026-11-25T10:02:00+08:00"
    with write(ctx.db):
        assert case_flow.apply_county_status(ctx, case_id, "received", None, at)
        assert case_flow.apply_county_status(ctx, case_id, "in_review", None, at)
        assert not case_flow.apply_county_status(ctx, case_id, "received", None, at)
    assert get_case(ctx, case_id).status == "in_review"


@pytest.mark.parametrize("value", [
    {}, {"name": "张三", "id_number": "34082219580315002X", "n": 3, "x": 1.5, "ok": True, "none": None},
    {"quote": "\"\\\n\u0001", "list": ["a", 2, [False]], "nested": {"b": {"c": -0.0}}}, {1: "key made text"},
])
def test_case_json_is_what_json_dumps_writes(value):
    from workstation.cases import _to_json

    assert _to_json(value) == json.dumps(value, ensure_ascii=False)
