"""Imports of several chunks and transactions: written in a thread, committed whole or not at all."""

from __future__ import annotations

import pytest

from tests.conftest import sample_applicant
from workstation import audit, importer
from workstation.case_queries import CaseFilter, case_ids
from workstation.importer import _Row, import_rows, raw_page_loader

NAMES = ["赵一", "钱二二", "孙三", "欧阳·娜娜", "周五", "吴六", "郑七", "王八", "冯九", "陈十"]


def _rows(n: int, bad_every: int = 0) -> list[_Row]:
    rows = []
    for i in range(n):
        applicant = sample_applicant(name=NAMES[i % len(NAMES)])
        if bad_every and i % bad_every == bad_every - 1:
            applicant["id_number"] = "340822195803150023"  # wrong check digit
        rows.append(_Row(i + 1, {"service_code": "rural_pension_enrollment", "applicant": applicant,
                                 "fields": {}}))
    return rows


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(importer, "CHUNK", 7)
    monkeypatch.setattr(importer, "COMMIT_ROWS", 20)


def test_chunks_store_every_good_row_in_order_with_grams_and_audit(ctx, small_chunks):
    result = import_rows(ctx, _rows(60, bad_every=9), "agent1", ready=False, load_pages=raw_page_loader)
    assert [p.row for p in result.problems] == [9, 18, 27, 36, 45, 54]
    assert all("校验位不正确" in p.message for p in result.problems)
    assert len(result.case_ids) == 54
    assert case_ids(ctx.db, CaseFilter(), descending=False) == result.case_ids
    assert not ctx.db.conn.in_transaction
    grams = set(ctx.db.execute("SELECT gram, case_id, name FROM name_grams"))
    names = dict(ctx.db.execute("SELECT case_id, applicant_name FROM cases"))
    assert grams == {(name[i:i + 2], case_id, name) for case_id, name in names.items()
                     for i in range(len(name) - 1)}
    assert len(case_ids(ctx.db, CaseFilter(search="阳·娜"))) == 5  # the sixth is row 54, a bad one
    numbers = [r[0] for r in ctx.db.execute("SELECT local_no FROM cases ORDER BY rowid")]
    assert len(set(numbers)) == 54 and numbers == sorted(numbers)
    logged = [r[0] for r in ctx.db.execute("SELECT case_id FROM audit_log WHERE action = 'case.import'"
                                           " ORDER BY seq")]
    assert logged == result.case_ids
    assert audit.verify(ctx.db).ok


def test_a_chunk_with_documents_is_written_in_the_same_transactions(ctx, small_chunks, tmp_path):
    (tmp_path / "id.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    rows = _rows(30)
    rows[10].record["documents"] = [{"kind": "id_card", "files": ["id.png"]}]
    result = import_rows(ctx, rows, "agent1", ready=False, load_pages=raw_page_loader, base=tmp_path)
    assert not result.problems and len(result.case_ids) == 30
    with_pages = ctx.db.execute("SELECT case_id FROM documents").fetchall()
    assert with_pages == [(result.case_ids[10],)]
    assert audit.verify(ctx.db).ok


def test_a_failing_write_keeps_what_was_committed_and_nothing_else(ctx, small_chunks, monkeypatch):
    calls = []

    def failing(db):
        calls.append(1)
        if len(calls) == 5:  # the second transaction's second chunk
            raise RuntimeError("disk full")
        real(db)

    real = importer.finish_cases
    monkeypatch.setattr(importer, "finish_cases", failing)
    with pytest.raises(RuntimeError):
        import_rows(ctx, _rows(60), "agent1", ready=False, load_pages=raw_page_loader)
    assert not ctx.db.conn.in_transaction
    # The first transaction (3 chunks, 21 rows) committed; the second rolled back whole.
    assert ctx.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 21
    grams = sum(len(NAMES[i % len(NAMES)]) - 1 for i in range(21))
    assert ctx.db.execute("SELECT count(*) FROM name_grams").fetchone()[0] == grams
    assert ctx.db.execute("SELECT count(*) FROM audit_log WHERE action = 'case.import'").fetchone()[0] == 21
    # The staging table went with temp_store's return to what it was.
    assert ctx.db.execute("PRAGMA temp_store").fetchone()[0] == 0
    assert not ctx.db.execute("SELECT name FROM temp.sqlite_master").fetchall()
    assert audit.verify(ctx.db).ok


def test_the_cycle_collector_rests_during_an_import_and_comes_back(ctx, small_chunks, monkeypatch):
    import gc

    seen = []

    def watching(db):
        seen.append(gc.isenabled())
        real(db)

    real = importer.finish_cases
    monkeypatch.setattr(importer, "finish_cases", watching)
    assert gc.isenabled()
    result = import_rows(ctx, _rows(30), "agent1", ready=False, load_pages=raw_page_loader)
    assert len(result.case_ids) == 30 and seen and not any(seen)
    assert gc.isenabled()
    row = _rows(1)[0]
    row.record["documents"] = [{"kind": "id_card", "files": ["id.png"]}]
    with pytest.raises(RuntimeError):
        import_rows(ctx, [row], "agent1", ready=False, load_pages=_failing_loader)
    assert gc.isenabled()


def _failing_loader(ctx, path):
    raise RuntimeError("the scanner went away")
