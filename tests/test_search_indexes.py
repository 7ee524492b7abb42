"""Searches and lists answered from one index each (schema 6), and the same answers as the join."""

from __future__ import annotations

from stdnum.cn import ric

from workstation import migrations
from workstation.case_queries import CaseFilter, case_ids, count
from workstation.cases import update_case
from workstation.db import connect, latest_version

from .conftest import sample_applicant

ALL_STATUSES = ("draft", "ready", "sending", "sent", "returned", "approved", "rejected")


def valid_id(prefix17: str) -> str:
    return prefix17 + ric.calc_check_digit(prefix17)


def plan(db, sql: str, params: list) -> str:
    return " ".join(str(r[-1]) for r in db.execute(f"EXPLAIN QUERY PLAN {sql}", params))


def test_name_search_alone_matches_the_filtered_join_and_pages(ctx, make_case):
    names = ["王芳", "王芳华", "李王芳", "王方", "王芳", "赵芳王"]
    ids = [make_case(applicant=sample_applicant(name=n)) for n in names]
    fast = case_ids(ctx.db, CaseFilter(search="王芳"))
    # A status filter that keeps every case sends the query through the join instead.
    joined = case_ids(ctx.db, CaseFilter(search="王芳", status=ALL_STATUSES))
    assert fast == joined
    assert set(fast) == {ids[0], ids[1], ids[2], ids[4]}
    assert count(ctx.db, CaseFilter(search="王芳")) == 4
    pages = [case_ids(ctx.db, CaseFilter(search="王芳"), limit=1, offset=k) for k in range(5)]
    assert [p[0] for p in pages if p] == fast and pages[4] == []
    assert case_ids(ctx.db, CaseFilter(search="王芳华")) == [ids[1]]


def test_renamed_case_is_found_by_its_new_name_only(ctx, make_case):
    case_id = make_case(applicant=sample_applicant(name="陈小红"))
    update_case(ctx, case_id, {"applicant.name": "刘大红"}, "agent1")
    assert case_ids(ctx.db, CaseFilter(search="小红")) == []
    assert case_ids(ctx.db, CaseFilter(search="大红")) == [case_id]
    assert case_ids(ctx.db, CaseFilter(search="刘大红")) == [case_id]


def test_case_found_by_id_and_phone_prefix_is_listed_once(ctx, make_case):
    both = make_case(applicant=sample_applicant(id_number=valid_id("13010219900307123"),
                                                phone="13010000000"))
    by_phone = make_case(applicant=sample_applicant(phone="13020000000"))
    other = make_case()
    found = case_ids(ctx.db, CaseFilter(search="130"))
    assert sorted(found) == sorted([both, by_phone]) and other not in found
    assert found == case_ids(ctx.db, CaseFilter(search="130", status=ALL_STATUSES))
    assert count(ctx.db, CaseFilter(search="130")) == 2
    assert case_ids(ctx.db, CaseFilter(search="130"), limit=1, offset=1) == found[1:]


def test_lists_by_date_read_no_case_rows(ctx, make_case):
    make_case()
    name_sql = "SELECT case_id FROM name_grams WHERE gram = ? AND name LIKE ? ORDER BY created_at DESC, case_id DESC"
    assert plan(ctx.db, name_sql, ["张桂", "%张桂%"]) == "SEARCH name_grams USING PRIMARY KEY (gram=?)"
    status_sql = "SELECT case_id FROM cases WHERE status IN (?) ORDER BY created_at DESC, case_id DESC LIMIT 200"
    assert plan(ctx.db, status_sql, ["draft"]) == "SEARCH cases USING COVERING INDEX cases_status (status=?)"
    all_sql = "SELECT case_id FROM cases ORDER BY created_at DESC, case_id DESC LIMIT 200"
    assert plan(ctx.db, all_sql, []) == "SCAN cases USING COVERING INDEX cases_created"


def test_store_of_schema_5_gets_searchable_name_grams(tmp_path, monkeypatch):
    path = tmp_path / "w.sqlite"
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:5])
    db = connect(path)
    db.execute("INSERT INTO users (username, display_name, role, password_hash, created_at,"
               " password_changed_at) VALUES ('a', 'a', 'clerk', 'x', '2026-01-01', '2026-01-01')")
    for n, name in enumerate(["孙悟空", "孙小空"]):
        db.execute("INSERT INTO cases (case_id, local_no, service_code, form_version, status, applicant_name,"
                   " captured_by, created_at, updated_at) VALUES (?, ?, 's', '1', 'draft', ?, 'a', ?, ?)",
                   [f"c{n}", f"L{n}", name, f"2026-01-0{n + 1}", f"2026-01-0{n + 1}"])
    db.close()
    monkeypatch.undo()
    db = connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == latest_version()
    assert case_ids(db, CaseFilter(search="孙")) == ["c1", "c0"]  # one character: a scan
    assert case_ids(db, CaseFilter(search="悟空")) == ["c0"]
    assert case_ids(db, CaseFilter(search="孙小空")) == ["c1"]
    db.close()


def test_case_ids_are_uuids_in_the_order_they_were_made():
    import uuid

    from workstation.ids import new_case_id

    ids = [new_case_id() for _ in range(5000)]  # many in one millisecond
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {uuid.UUID(i).version for i in ids} == {7} and {uuid.UUID(i).variant for i in ids} == {uuid.RFC_4122}


def test_a_forked_process_makes_other_case_ids_than_its_parent():
    import os

    from workstation.ids import new_case_id

    new_case_id()  # random bits for the next few thousand ids are drawn now
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the same drawn bits would give the parent's next id
        os.write(write, new_case_id().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    theirs = os.read(read, 100).decode()
    os.close(read)
    assert len(theirs) == 36 and theirs[-12:] != new_case_id()[-12:]


def test_cases_imported_together_list_in_the_file_order(ctx):
    from workstation.importer import _Row, import_rows, raw_page_loader

    names = ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八"]
    rows = [_Row(n + 1, {"service_code": "rural_pension_enrollment", "applicant": sample_applicant(name=name),
                         "fields": {}}) for n, name in enumerate(names)]
    result = import_rows(ctx, rows, "agent1", ready=False, load_pages=raw_page_loader)
    assert not result.problems
    stamps = {r[0] for r in ctx.db.execute("SELECT created_at FROM cases")}
    assert len(stamps) == 1  # one time stamp: the case id decides the order
    newest_first = result.case_ids[::-1]
    assert case_ids(ctx.db, CaseFilter()) == newest_first
    assert case_ids(ctx.db, CaseFilter(status="draft")) == newest_first
    assert case_ids(ctx.db, CaseFilter(search="340822"), limit=3) == newest_first[:3]
    assert case_ids(ctx.db, CaseFilter(), descending=False) == result.case_ids
