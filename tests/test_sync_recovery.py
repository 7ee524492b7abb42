"""Lost answers, crashes between freezing and sending, edits in flight, missing files."""

from __future__ import annotations

import gzip
import json
import random
import threading
import time

from tests.sync_helpers import (
    assert_batches_clean,
    assert_county_agrees,
    enroll_and_prime,
    fast_config,
    jpeg_bytes,
    ready_case,
)

pytest_plugins = ["tests.sync_fixtures"]


def local_batches(ctx) -> list[tuple[str, str, bytes]]:
    return [(r[0], r[1], bytes(r[2])) for r in ctx.db.execute(
        "SELECT batch_id, state, payload FROM sync_batches ORDER BY created_at")]


def test_unanswered_batch_goes_again_with_same_id_and_cases(keyring_file, ctx, county):
    from sync.engine import SyncEngine
    from workstation.cases import load_case

    enroll_and_prime(ctx, county)
    rng = random.Random(1)
    ids = [ready_case(ctx, [jpeg_bytes(rng, 1500)], rng=rng) for _ in range(3)]
    county.faults.add("drop_before", path_prefix="/batches", times=2)  # never reaches the county
    first = SyncEngine(ctx, config=fast_config(attempts=2)).run_cycle()
    assert first.outcome == "partial" and first.exit_code == 3
    [(batch_id, state, body)] = local_batches(ctx)
    assert state == "open" and county.batches() == []
    assert all(load_case(ctx.db, c).status == "sending" for c in ids)
    frozen = json.loads(gzip.decompress(body))
    assert frozen["batch_id"] == batch_id and [c["case_id"] for c in frozen["cases"]] == ids

    # A new engine (as after a restart) sends exactly that batch.
    second = SyncEngine(ctx, config=fast_config()).run_cycle()
    assert second.outcome == "ok" and second.sent == 3
    assert [b["batch_id"] for b in county.batches()] == [batch_id]
    stored = {c["case_id"]: c["body"] for c in county.cases()}
    assert [stored[c["case_id"]] for c in frozen["cases"]] == frozen["cases"]
    assert_county_agrees(ctx, county, ids)


def test_lost_answers_are_replayed_never_a_new_batch(keyring_file, ctx, county):
    from sync.engine import SyncEngine

    enroll_and_prime(ctx, county)
    rng = random.Random(2)
    ids = [ready_case(ctx, [jpeg_bytes(rng, 1500)], rng=rng) for _ in range(4)]
    # The county stores the batch each time but the answer is lost, cut, or garbled.
    for kind in ("drop_after_commit", "truncate", "invalid_json"):
        county.faults.add(kind, path_prefix="/batches", times=1)
    result = SyncEngine(ctx, config=fast_config()).run_cycle()
    assert result.outcome == "ok" and result.sent == 4
    assert county.stats()["requests"]["POST /batches"] == 4
    assert len(county.batches()) == 1
    assert_county_agrees(ctx, county, ids)
    assert_batches_clean(ctx, county)


def test_edit_while_answer_is_lost_goes_out_as_next_revision(keyring_file, ctx, county):
    from sync.engine import SyncEngine
    from workstation.cases import load_case, update_case

    enroll_and_prime(ctx, county)
    rng = random.Random(3)
    ids = [ready_case(ctx, [jpeg_bytes(rng, 1500)], rng=rng) for _ in range(2)]
    county.faults.add("drop_after_commit", path_prefix="/batches", times=2)
    assert SyncEngine(ctx, config=fast_config(attempts=2)).run_cycle().outcome == "partial"
    assert len(county.cases()) == 2  # stored, but we never heard so
    update_case(ctx, ids[0], {"fields.note": "改了地址"}, "agent1")
    assert load_case(ctx.db, ids[0]).status == "ready"

    result = SyncEngine(ctx, config=fast_config()).run_cycle()
    assert result.outcome == "ok", result.summary()
    edited = load_case(ctx.db, ids[0])
    assert edited.revision == 2
    stored = {(c["case_id"], c["revision"]): c for c in county.cases()}
    assert "note" not in stored[(ids[0], 1)]["body"]["fields"]
    assert stored[(ids[0], 2)]["body"]["fields"]["note"] == "改了地址"
    assert stored[(ids[0], 1)]["county_ref"] == stored[(ids[0], 2)]["county_ref"]
    assert_county_agrees(ctx, county, ids)
    assert_batches_clean(ctx, county)


def test_edit_during_send_from_another_thread(keyring_file, ctx, county):
    """The engine runs in a worker thread with its own Context, as the UI runs it."""
    from sync.engine import SyncEngine
    from workstation.cases import load_case, update_case

    enroll_and_prime(ctx, county)
    rng = random.Random(4)
    ids = [ready_case(ctx, [jpeg_bytes(rng, 1500)], rng=rng) for _ in range(3)]
    county.faults.add("slow", path_prefix="/batches", times=1, delay=1.5)
    results = []

    def worker() -> None:
        with ctx.reopen() as own:
            results.append(SyncEngine(own, stop=threading.Event(), config=fast_config()).run_cycle())

    thread = threading.Thread(target=worker)
    thread.start()
    deadline = time.monotonic() + 10
    while load_case(ctx.db, ids[1]).status != "sending":
        assert time.monotonic() < deadline, "the batch was never frozen"
        time.sleep(0.01)
    update_case(ctx, ids[1], {"fields.note": "送出途中修改"}, "agent1")  # while the county holds the answer
    thread.join(30)
    assert results and results[0].outcome == "ok", results
    assert results[0].sent == 3 and load_case(ctx.db, ids[1]).revision == 2
    stored = {(c["case_id"], c["revision"]): c["body"] for c in county.cases()}
    assert stored[(ids[1], 2)]["fields"]["note"] == "送出途中修改"
    assert_county_agrees(ctx, county, ids)


def test_missing_blob_is_uploaded_and_the_case_sent_again(keyring_file, ctx, county):
    from sync import blob_state
    from sync.engine import SyncEngine

    enroll_and_prime(ctx, county)
    rng = random.Random(5)
    page = jpeg_bytes(rng, 4000)
    ids = [ready_case(ctx, [page], rng=rng), ready_case(ctx, [jpeg_bytes(rng, 900)], rng=rng)]
    sha = ctx.blobs.put_bytes(page)
    blob_state.mark_present(ctx.db, [sha])  # a stale belief: the county does not have it
    result = SyncEngine(ctx, config=fast_config()).run_cycle()
    assert result.outcome == "ok" and result.sent == 2, result.summary()
    answers = [json.loads(b["response"])["results"] for b in county.batches()]
    first = {r["case_id"]: r for r in answers[0]}
    assert first[ids[0]]["outcome"] == "rejected"
    assert [e["code"] for e in first[ids[0]]["errors"]] == ["missing_blob"]
    assert answers[1][0]["case_id"] == ids[0] and answers[1][0]["outcome"] == "accepted"
    assert sha in county.blob_sha256s()
    assert_county_agrees(ctx, county, ids)


def test_garbled_upload_answers_are_not_taken_as_success(keyring_file, ctx, county):
    """A part the county answers with garbage is checked again, never taken as "complete"."""
    from sync.engine import SyncEngine

    enroll_and_prime(ctx, county)
    rng = random.Random(6)
    ids = [ready_case(ctx, [jpeg_bytes(rng, 1_500_000)], rng=rng), ready_case(ctx, [jpeg_bytes(rng, 500)], rng=rng)]
    for kind in ("invalid_json", "truncate"):
        county.faults.add(kind, path_prefix="/blobs", method="PUT", times=2)
    result = SyncEngine(ctx, config=fast_config()).run_cycle()
    assert result.outcome == "ok" and result.sent == 2
    assert county.stats()["faults_fired"] == {"invalid_json": 2, "truncate": 2}
    outcomes = [r["outcome"] for b in county.batches() for r in json.loads(b["response"])["results"]]
    assert outcomes == ["accepted", "accepted"]  # no case went out before its file was whole
    assert_county_agrees(ctx, county, ids)
