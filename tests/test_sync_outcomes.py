"""Per-case outcomes and the county's decisions: rejections, returns, updates, 401, catalog."""

from __future__ import annotations

import copy
import random

from tests.sync_helpers import (
    CODES,
    TEST_CODE,
    TEST_SERVICE,
    assert_batches_clean,
    assert_county_agrees,
    enroll_and_prime,
    fast_config,
    jpeg_bytes,
    ready_case,
    stricter_service,
)

pytest_plugins = ["tests.sync_fixtures"]


def cycle(ctx, **config):
    from sync.engine import SyncEngine

    return SyncEngine(ctx, config=fast_config(**config)).run_cycle()


def test_rejected_case_is_quarantined_while_the_others_go(keyring_file, ctx, county):
    from sync.outbox import case_state
    from sync.status import sync_figures
    from workstation.cases import load_case, update_case

    enroll_and_prime(ctx, county)
    rng = random.Random(1)
    good = [ready_case(ctx, [jpeg_bytes(rng, 800)], rng=rng) for _ in range(2)]
    bad = ready_case(ctx, [jpeg_bytes(rng, 800)], rng=rng, grade="c")
    good += [ready_case(ctx, [jpeg_bytes(rng, 800)], rng=rng) for _ in range(2)]
    county.set_catalog([stricter_service()])  # "c" is no longer allowed at the county
    result = cycle(ctx)
    assert result.outcome == "ok" and result.exit_code == 0  # a rejection is staff's work, not a failure
    assert result.sent == 4 and result.rejected == 1 and result.quarantined == 1
    assert_county_agrees(ctx, county, good)
    assert load_case(ctx.db, bad).status == "ready"
    outcomes = dict(ctx.db.execute("SELECT case_id, outcome FROM sync_batch_cases").fetchall())
    assert outcomes[bad] == "rejected" and all(outcomes[c] is None for c in good)  # accepted: no note
    state = case_state(ctx.db, bad)
    assert state["state"] == "quarantined"
    assert [e["field"] for e in state["error"]["errors"]] == ["fields.grade"]
    shown = sync_figures(ctx)["quarantined"]
    assert [q["case_id"] for q in shown] == [bad] and "fields.grade" in shown[0]["error"]["message"]

    batches_before = len(county.batches())
    assert cycle(ctx).outcome == "ok" and len(county.batches()) == batches_before  # not resent unchanged
    update_case(ctx, bad, {"fields.grade": "b"}, "agent1")  # staff correct it
    assert cycle(ctx).sent == 1
    assert_county_agrees(ctx, county, [*good, bad])
    assert case_state(ctx.db, bad)["state"] == "sent"


def test_returned_case_corrected_goes_as_revision_2(keyring_file, ctx, county):
    from workstation import case_flow
    from workstation.cases import load_case, update_case

    enroll_and_prime(ctx, county)
    rng = random.Random(2)
    case_id = ready_case(ctx, [jpeg_bytes(rng, 1000)], rng=rng)
    assert cycle(ctx).sent == 1
    ref = load_case(ctx.db, case_id).county_ref
    county.post_update(case_id, "returned", reason="户口簿页缺失，请补扫", at="2031-01-02T10:00:00+08:00")
    assert cycle(ctx).updates_applied == 1
    returned = load_case(ctx.db, case_id)
    assert returned.status == "returned" and returned.county_reason == "户口簿页缺失，请补扫"
    update_case(ctx, case_id, {"fields.note": "已补扫"}, "agent1")  # editable again
    case_flow.mark_ready(ctx, case_id, "agent1")
    assert load_case(ctx.db, case_id).revision == 2
    assert cycle(ctx).sent == 1
    stored = {(c["case_id"], c["revision"]): c for c in county.cases()}
    assert stored[(case_id, 2)]["body"]["fields"]["note"] == "已补扫"
    assert stored[(case_id, 2)]["county_ref"] == ref
    assert_county_agrees(ctx, county, [case_id])
    assert_batches_clean(ctx, county)


def case_row(ctx, case_id: str) -> tuple:
    return ctx.db.execute("SELECT * FROM cases WHERE case_id = ?", [case_id]).fetchone()


def test_updates_applied_twice_change_nothing(keyring_file, ctx, county):
    from sync import updates
    from sync.config import UPDATES_CURSOR
    from workstation import settings

    enroll_and_prime(ctx, county)
    rng = random.Random(3)
    ids = [ready_case(ctx, [jpeg_bytes(rng, 700)], rng=rng) for _ in range(3)]
    cycle(ctx)
    county.post_update(ids[0], "in_review", at="2031-01-02T09:00:00+08:00")
    county.post_update(ids[0], "approved", at="2031-01-02T10:00:00+08:00")
    county.post_update(ids[1], "returned", reason="请补充材料", at="2031-01-02T10:00:00+08:00")
    assert cycle(ctx, updates_page_limit=2).updates_applied >= 3  # several pages
    before = [case_row(ctx, c) for c in ids]
    audit_before = ctx.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    # The county sends everything again from the start...
    settings.put(ctx.db, UPDATES_CURSOR, None)
    assert cycle(ctx).updates_applied == 0
    # ... and even with our record of applied updates gone, the core ignores repeats.
    ctx.db.execute("DELETE FROM sync_applied_updates")
    settings.put(ctx.db, UPDATES_CURSOR, None)
    cycle(ctx)
    assert [case_row(ctx, c) for c in ids] == before
    assert ctx.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == audit_before
    page = {"updates": [{"case_id": ids[0], "county_ref": None, "status": "approved",
                         "reason": None, "at": "2031-01-02T10:00:00+08:00"}],
            "next_cursor": settings.get(ctx.db, UPDATES_CURSOR), "has_more": False}
    assert updates.apply_page(ctx, page) == 0
    assert [case_row(ctx, c) for c in ids] == before


def test_updates_page_and_cursor_commit_together(keyring_file, ctx, county):
    from sync.config import UPDATES_CURSOR
    from workstation import settings

    enroll_and_prime(ctx, county)
    rng = random.Random(4)
    ids = [ready_case(ctx, [jpeg_bytes(rng, 700)], rng=rng) for _ in range(2)]
    cycle(ctx)
    cursor = settings.get(ctx.db, UPDATES_CURSOR)
    county.post_update(ids[0], "approved")
    county.faults.add("invalid_json", path_prefix="/updates", times=10)
    result = cycle(ctx, attempts=3)
    assert result.outcome == "partial" and result.updates_applied == 0  # never taken as success
    assert settings.get(ctx.db, UPDATES_CURSOR) == cursor
    county.faults.clear()
    assert cycle(ctx).updates_applied == 1


def test_401_stops_keeps_everything_and_reenrolling_resumes(keyring_file, ctx, county):
    from sync.engine import SyncEngine
    from sync.enrollment import enroll
    from sync.status import sync_figures
    from sync.watch import watch
    from workstation.cases import load_case

    enroll_and_prime(ctx, county)
    rng = random.Random(5)
    ids = [ready_case(ctx, [jpeg_bytes(rng, 900)], rng=rng) for _ in range(3)]
    counts = {t: ctx.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("cases", "documents", "pages", "blobs", "audit_log")}
    county.revoke_tokens()
    result = cycle(ctx)
    assert result.outcome == "auth" and result.exit_code == 4
    assert "workstation enroll" in result.error
    for table, n in counts.items():
        assert ctx.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] >= n, table
    assert all(load_case(ctx.db, c).status == "ready" for c in ids)
    assert all(ctx.blobs.verify_one(r[0]) is None for r in ctx.db.execute("SELECT sha256 FROM blobs"))
    assert sync_figures(ctx)["needs_enrollment"] is True
    assert watch(SyncEngine(ctx, config=fast_config())).outcome == "auth"  # --watch stops too

    enroll(ctx, county.base_url, CODES[1])
    assert sync_figures(ctx)["needs_enrollment"] is False
    assert cycle(ctx).sent == 3
    assert_county_agrees(ctx, county, ids)


def test_catalog_uses_etag_and_takes_new_versions(keyring_file, ctx, county):
    from sync import issues

    enroll_and_prime(ctx, county)
    assert ctx.catalog.get(TEST_CODE).version == "1"
    cycle(ctx)
    assert county.stats()["responses"].get("GET /catalog 304") == 1  # the cached copy stands
    newer = copy.deepcopy(TEST_SERVICE)
    newer["version"] = "2"
    newer["fields"][1]["max_length"] = 50
    county.set_catalog([TEST_SERVICE, newer, {"code": "Bad Code", "version": "1"}])
    result = cycle(ctx)
    assert result.catalog_changed == 1 and result.catalog_skipped == 1
    assert ctx.catalog.get(TEST_CODE).version == "2" and ctx.catalog.versions(TEST_CODE) == ["1", "2"]
    assert len(issues.recent(ctx.db, kind="catalog")) == 2  # one per catalog that had a bad definition


def test_damaged_local_file_blocks_its_case_only(keyring_file, ctx, county):
    from sync.outbox import case_state
    from workstation.documents import PageInput, replace_page

    enroll_and_prime(ctx, county)
    rng = random.Random(6)
    page = jpeg_bytes(rng, 5000)
    damaged = ready_case(ctx, [page], rng=rng)
    fine = ready_case(ctx, [jpeg_bytes(rng, 700)], rng=rng)
    sha = ctx.blobs.put_bytes(page)
    path = ctx.blobs.path(sha)
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")  # bit rot
    result = cycle(ctx)
    assert result.outcome == "ok" and result.sent == 1 and result.files_damaged == 1
    assert case_state(ctx.db, damaged)["state"] == "blocked"
    assert "重新扫描" in case_state(ctx.db, damaged)["error"]["message"]
    assert sha not in county.blob_sha256s()
    assert not any(sha in p for p in county.stats()["paths"] if p.startswith("PUT"))  # never sent
    assert_county_agrees(ctx, county, [fine])

    doc_id = ctx.db.execute("SELECT doc_id FROM documents WHERE case_id = ?", [damaged]).fetchone()[0]
    rescanned = jpeg_bytes(rng, 5000)
    replace_page(ctx, doc_id, sha, PageInput(ctx.blobs.put_bytes(rescanned), "image/jpeg",
                                             len(rescanned)), "agent1")
    assert cycle(ctx).sent == 1
    assert_county_agrees(ctx, county, [fine, damaged])


def test_county_limit_below_ours_splits_the_batch(keyring_file, ctx, county):
    enroll_and_prime(ctx, county)
    rng = random.Random(7)
    ids = [ready_case(ctx, [jpeg_bytes(rng, 300)], rng=rng) for _ in range(130)]
    result = cycle(ctx, batch_max_cases=130)  # more than the county takes: it answers 413
    assert result.outcome == "ok" and result.sent == 130
    states = [r[0] for r in ctx.db.execute("SELECT state FROM sync_batches ORDER BY created_at")]
    assert states[0] == "split" and states.count("done") >= 2
    assert_county_agrees(ctx, county, ids)


def test_unreachable_county_is_offline_and_nothing_changes(keyring_file, ctx, county):
    from workstation.cases import load_case

    enroll_and_prime(ctx, county)
    rng = random.Random(8)
    case_id = ready_case(ctx, [jpeg_bytes(rng, 700)], rng=rng)
    county.stop()
    result = cycle(ctx, attempts=2)
    assert result.outcome == "offline" and result.exit_code == 3
    assert load_case(ctx.db, case_id).status == "ready"
