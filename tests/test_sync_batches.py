"""Freezing and sending batches: the JSON as stored, answers sharing commits, a failed or
stopped line leaving the frozen batches open, in order, to go first next time."""

from __future__ import annotations

import gzip
import json
import random
import threading

from tests.sync_helpers import (
    TEST_CODE,
    assert_batches_clean,
    assert_county_agrees,
    attach,
    enroll_and_prime,
    fake_applicant,
    fast_config,
    jpeg_bytes,
    ready_case,
)

pytest_plugins = ["tests.sync_fixtures"]


def frozen_order(ctx) -> list[str]:
    return [r[0] for r in ctx.db.execute("SELECT batch_id FROM sync_batches ORDER BY created_at, rowid")]


def open_batches_hold_every_sending_case(ctx) -> bool:
    sending = {r[0] for r in ctx.db.execute("SELECT case_id FROM cases WHERE status = 'sending'")}
    held = {r[0] for r in ctx.db.execute(
        "SELECT m.case_id FROM sync_batch_cases m JOIN sync_batches b ON b.batch_id = m.batch_id"
        " WHERE b.state = 'open'")}
    return sending == held


def test_case_json_is_the_stored_case_as_the_county_reads_it(keyring_file, ctx, county):
    from sync import payload
    from sync.engine import SyncEngine
    from workstation import case_flow
    from workstation.cases import create_case

    enroll_and_prime(ctx, county)
    rng = random.Random(11)
    ids = [ready_case(ctx, [jpeg_bytes(rng, 500)], rng=rng),
           ready_case(ctx, [jpeg_bytes(rng, 300 + i) for i in range(3)], rng=rng,  # documents and pages in order
                      extra_pages=[jpeg_bytes(rng, 400 + i) for i in range(2)])]
    for note in ['引号"与\\反斜杠', "换行\n制表\t\u2028 and </script>", ""]:
        case_id = create_case(ctx, TEST_CODE, fake_applicant(rng), {"grade": "b", "note": note}, "agent1")
        attach(ctx, case_id, "id_card", [jpeg_bytes(rng, 600)], "agent1")
        case_flow.mark_ready(ctx, case_id, "agent1")
        ids.append(case_id)
    bodies = payload.case_bodies(ctx.db, ctx.office_code, ids)
    for case_id in ids:
        body, revision, edit_seq = bodies[case_id]
        assert json.loads(body) == contract_payload(ctx, case_id)
        assert (revision, edit_seq) == tuple(ctx.db.execute(
            "SELECT revision, edit_seq FROM cases WHERE case_id = ?", [case_id]).fetchone())
    assert SyncEngine(ctx, config=fast_config()).run_cycle().sent == len(ids)
    assert_county_agrees(ctx, county, ids)


def test_answers_back_meanwhile_share_one_commit_and_batches_go_in_frozen_order(keyring_file, ctx, county):
    """Against a county that answers at once, the engine's bookkeeping is the slow side:
    it applies every answer that came back during its last commit in the next one."""
    from sync import blob_state, outbox
    from sync.backoff import Retrier
    from sync.batch_sender import BatchSender
    from sync.progress import Progress

    enroll_and_prime(ctx, county)
    rng = random.Random(12)
    page = jpeg_bytes(rng, 400)
    ids = [ready_case(ctx, [page], rng=rng) for _ in range(60)]
    blob_state.mark_present(ctx.db, [ctx.blobs.put_bytes(page)])
    outbox.refresh(ctx)
    posted: list[tuple[str, list[str]]] = []

    class InstantCounty:
        def post_batch(self, batch_id: str, body: bytes) -> dict:
            cases = json.loads(gzip.decompress(body))["cases"]
            posted.append((batch_id, [c["case_id"] for c in cases]))
            return {"batch_id": batch_id, "results": [
                {"case_id": c["case_id"], "revision": c["revision"], "outcome": "accepted",
                 "county_ref": f"R-{len(posted)}-{i}", "errors": []} for i, c in enumerate(cases)]}

    commits: list[str] = []
    ctx.db.conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    config = fast_config(batch_max_cases=5)
    sender = BatchSender(ctx, InstantCounty(), Retrier(config, lambda s: None), config,  # type: ignore[arg-type]
                         Progress(), threading.Event(), "dev_test", 5)
    try:
        tally = sender.run()
    finally:
        ctx.db.conn.set_trace_callback(None)
    assert tally.sent == 60
    assert [batch_id for batch_id, _ in posted] == frozen_order(ctx)  # each once, as frozen
    assert sorted(c for _, cases in posted for c in cases) == sorted(ids)
    assert len(commits) < len(posted)
    assert {r[0] for r in ctx.db.execute("SELECT state FROM sync_batches")} == {"done"}


def test_a_full_queue_is_answered_in_pairs_when_the_second_follows_closely(monkeypatch):
    """With the queue full, the engine lets the answer after the first share its commit (a
    wait for the disk) if it follows within PAIR_WAIT_S, and otherwise applies the first
    alone; with room in the queue it waits for nothing, and with nothing more to freeze
    for the first answer only."""
    import time
    from collections import deque
    from concurrent.futures import Future

    from sync import batch_sender
    from sync.progress import Progress

    config = fast_config()
    sender = batch_sender.BatchSender(None, None, None, config, Progress(),  # type: ignore[arg-type]
                                      threading.Event(), "dev_test", 5)

    def queue(n: int) -> deque:
        return deque((None, Future()) for _ in range(n))

    def answer_later(flight: Future, after_s: float) -> None:
        threading.Timer(after_s, flight.set_result, [None]).start()

    monkeypatch.setattr(batch_sender, "PAIR_WAIT_S", 5.0)
    close = queue(config.batches_ahead)
    answer_later(close[0][1], 0.02)
    answer_later(close[1][1], 0.05)
    sender._await_answers(close, more=True)
    assert close[1][1].done() and not close[2][1].done()

    monkeypatch.setattr(batch_sender, "PAIR_WAIT_S", 0.02)
    slow = queue(config.batches_ahead)
    slow[0][1].set_result(None)
    started = time.monotonic()
    sender._await_answers(slow, more=True)
    assert not slow[1][1].done() and time.monotonic() - started < 2

    with_room = queue(config.batches_ahead - 1)
    sender._await_answers(with_room, more=True)
    assert not any(flight.done() for _, flight in with_room)

    last = queue(3)
    answer_later(last[0][1], 0.02)
    sender._await_answers(last, more=False)
    assert last[0][1].done() and not last[1][1].done()


def test_a_failed_line_leaves_frozen_batches_open_to_go_first_as_stored(keyring_file, ctx, county):
    from sync.engine import SyncEngine

    enroll_and_prime(ctx, county)
    rng = random.Random(13)
    page = jpeg_bytes(rng, 400)
    ids = [ready_case(ctx, [page], rng=rng) for _ in range(30)]
    config = fast_config(batch_max_cases=5, attempts=2)
    county.faults.add("status_500", path_prefix="/batches", times=2)  # the first batch, both tries
    first = SyncEngine(ctx, config=config).run_cycle()
    assert first.outcome == "partial" and first.sent == 0
    waiting = [r[0] for r in ctx.db.execute(
        "SELECT batch_id FROM sync_batches WHERE state = 'open' ORDER BY created_at, rowid")]
    assert waiting and county.batches() == [] and open_batches_hold_every_sending_case(ctx)

    second = SyncEngine(ctx, config=config).run_cycle()
    assert second.outcome == "ok" and second.sent == 30
    assert [b["batch_id"] for b in county.batches()][:len(waiting)] == waiting
    assert_county_agrees(ctx, county, ids)
    assert_batches_clean(ctx, county)


def test_stopping_mid_send_keeps_every_frozen_batch(keyring_file, ctx, county):
    from sync.engine import SyncEngine
    from sync.progress import Progress

    enroll_and_prime(ctx, county)
    rng = random.Random(14)
    page = jpeg_bytes(rng, 400)
    ids = [ready_case(ctx, [page], rng=rng) for _ in range(40)]
    stop, progress = threading.Event(), Progress(min_interval_s=0)
    progress.subscribe(lambda s: stop.set() if s.step == "batches" and s.cases_done >= 5 else None)
    first = SyncEngine(ctx, stop=stop, config=fast_config(batch_max_cases=5), progress=progress).run_cycle()
    assert first.outcome == "stopped" and 5 <= first.sent < 40
    assert open_batches_hold_every_sending_case(ctx)

    second = SyncEngine(ctx, config=fast_config(batch_max_cases=5)).run_cycle()
    assert second.outcome == "ok" and first.sent + second.sent == 40
    assert ctx.db.execute("PRAGMA temp_store").fetchone()[0] == 0  # as the connection had it
    assert_county_agrees(ctx, county, ids)
    assert_batches_clean(ctx, county)


def test_a_cycle_copies_its_pages_back_once_and_leaves_the_wal_settings_as_they_were(
        keyring_file, ctx, county):
    from sync.engine import CYCLE_WAL_PAGES, SyncEngine

    enroll_and_prime(ctx, county)
    rng = random.Random(15)
    page = jpeg_bytes(rng, 400)
    ids = [ready_case(ctx, [page], rng=rng) for _ in range(300)]
    wal = ctx.data_dir / "workstation.sqlite-wal"
    assert wal.exists()
    ctx.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    result = SyncEngine(ctx, config=fast_config(batch_max_cases=2)).run_cycle()
    assert result.outcome == "ok" and result.sent == 300
    # 150 batches wrote more pages than SQLite's default WAL length (1,000) and
    # none of them was copied back before the step ended...
    assert wal.stat().st_size > 1000 * 4096
    assert ctx.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000 < CYCLE_WAL_PAGES
    # ...but all of them were by the end of the cycle: the database file is complete.
    busy, logged, copied = ctx.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and logged == copied
    assert_county_agrees(ctx, county, ids)


def test_bulk_audit_entries_keep_the_chain(ctx):
    """The engine audits 100 moves a statement; the chain hashes them exactly as defined."""
    import hashlib

    from workstation import audit

    def defined(prev, seq, at, actor, action, case_id, detail):  # the chain's definition
        body = json.dumps([seq, at, actor, action, case_id, detail], ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(f"{prev}\n{body}".encode()).hexdigest()

    rng = random.Random(15)
    odd = ['a', '"', '\\', '\n', '\t', '\x00', '\x1f', '\u2028', '测', '😀', '/', '\x7f', "'"]
    for _ in range(2000):
        def text() -> str:
            return "".join(rng.choice(odd) for _ in range(rng.randrange(0, 6)))
        args = ("0" * 64, rng.randrange(10**9), text(), text(), text(), rng.choice([None, text()]), text())
        assert audit.entry_hash(*args) == defined(*args)

    from workstation.db import write

    with write(ctx.db):
        audit.append_many(ctx.db, [audit.AuditEntry("sync", "case.test", f"c{i}", {"n": i, "引": '"'})
                                   for i in range(250)])  # three statements' worth
    assert audit.verify(ctx.db).ok
    assert ctx.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'case.test'").fetchone()[0] == 250


def contract_payload(ctx, case_id: str) -> dict:
    """The case as the county contract describes it, built field by field from the stored case."""
    from workstation.cases import get_case

    case = get_case(ctx, case_id)
    row = ctx.db.execute("SELECT created_at, ready_at FROM cases WHERE case_id = ?", [case_id]).fetchone()
    documents = [{"doc_id": d["doc_id"], "kind": d["kind"],
                  "pages": [{"sha256": p["sha256"], "content_type": p["content_type"], "bytes": p["bytes"]}
                            for p in d["pages"]]} for d in case.documents]
    return {"case_id": case_id, "revision": case.revision, "service_code": case.service_code,
            "form_version": case.form_version, "office_code": ctx.office_code,
            "applicant": case.applicant, "fields": case.fields, "documents": documents,
            "captured_by": case.captured_by, "captured_at": row[0], "submitted_at": row[1] or row[0]}
