"""Backoff, retries, Retry-After, part sizing, answer shapes, progress, history, memory."""

from __future__ import annotations

import io
import random
import socket
import tracemalloc

import pytest

from tests.sync_helpers import enroll_and_prime, fast_config, jpeg_bytes, ready_case

pytest_plugins = ["tests.sync_fixtures"]


def test_backoff_grows_with_jitter_up_to_the_cap():
    from sync.backoff import Backoff

    backoff = Backoff(base_s=1.0, cap_s=30.0, jitter=0.5, rng=random.Random(1))
    delays = [backoff.next_delay() for _ in range(10)]
    raws = [min(30.0, 2.0 ** i) for i in range(10)]
    assert all(raw * 0.5 <= d <= raw for d, raw in zip(delays, raws, strict=True))
    assert max(delays) <= 30.0 and len(set(delays)) == 10  # jittered, so never in lockstep
    backoff.reset()
    assert backoff.next_delay() <= 1.0


def test_retry_after_is_a_floor_with_a_sanity_cap():
    from sync.backoff import Backoff

    backoff = Backoff(base_s=0.01, cap_s=0.1, retry_after_cap_s=600.0, rng=random.Random(2))
    assert backoff.next_delay(retry_after=7) >= 7
    assert backoff.next_delay(retry_after=86400) == 600.0


def test_retrier_retries_transient_only_and_leaves_long_pauses_to_the_next_cycle():
    from sync.backoff import Retrier
    from sync.errors import RequestRejected, TransientError

    slept: list[float] = []
    retrier = Retrier(fast_config(attempts=3, max_wait_in_cycle_s=5.0), slept.append, random.Random(3))
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise TransientError("busy", retry_after=2.0)
        return "done"

    assert retrier.call(flaky) == "done" and len(slept) == 2 and min(slept) >= 0.5  # capped by config
    with pytest.raises(RequestRejected):
        retrier.call(lambda: (_ for _ in ()).throw(RequestRejected("no", "no", 422)))
    slept.clear()
    with pytest.raises(TransientError):
        retrier.call(lambda: (_ for _ in ()).throw(TransientError("maintenance", retry_after=900)))
    assert slept == []  # a 15-minute pause is not slept inside a cycle


def test_retry_after_from_the_county_is_honoured(keyring_file, ctx, county):
    from sync.engine import SyncEngine

    enroll_and_prime(ctx, county)
    county.faults.add("status_429", path_prefix="/ping", times=1, retry_after=3)
    engine = SyncEngine(ctx, config=fast_config(retry_after_cap_s=10.0, max_wait_in_cycle_s=10.0))
    slept: list[float] = []
    engine.retry.sleep = slept.append
    assert engine.run_cycle().outcome == "ok"
    assert slept and slept[0] >= 3

    county.faults.add("status_503", path_prefix="/ping", times=5, retry_after=120)
    result = SyncEngine(ctx, config=fast_config()).run_cycle()
    assert result.outcome == "offline" and result.retry_after == 120


def test_the_environment_proxy_is_honoured_though_read_once(county, monkeypatch):
    # The client reads the environment once, as requests would on every request.
    from sync.client import CountyClient
    from sync.errors import AuthError, Unreachable

    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed.getsockname()[1]}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    through_proxy = CountyClient(county.base_url, config=fast_config())
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    direct = CountyClient(county.base_url, config=fast_config())
    monkeypatch.delenv("HTTP_PROXY")  # read at creation, not per request
    with pytest.raises(Unreachable):
        through_proxy.ping()
    with pytest.raises(AuthError):  # no token: the county itself answered, 401
        direct.ping()
    through_proxy.close()
    direct.close()


def test_part_size_follows_the_line():
    from sync.blob_upload import PartSizer
    from sync.config import KIB, MIB

    sizer = PartSizer(fast_config(part_target_s=2.0))
    assert sizer.part_size() == 32 * KIB
    sizer.record(32 * KIB, 4.0)  # 8 KiB/s: a village line
    assert sizer.part_size() == 16 * KIB
    for _ in range(10):
        sizer.record(sizer.part_size(), sizer.part_size() / 100e6)  # 100 MB/s
    assert sizer.part_size() == 8 * MIB
    sizer.failed()
    assert sizer.part_size() == 4 * MIB


def test_file_slice_reads_only_its_part_and_counts():
    from sync.blob_upload import FileSlice

    seen: list[int] = []
    part = FileSlice(io.BytesIO(bytes(range(100))), "x", 10, 25, seen.append)
    assert len(part) == 25
    data = b"".join(iter(lambda: part.read(10), b""))
    assert data == bytes(range(10, 35)) and seen == [10, 10, 5] and part.sent == 25


@pytest.mark.parametrize("answer", [
    {"batch_id": "other", "results": []},
    {"batch_id": "b1", "results": "x"},
    {"batch_id": "b1", "results": [{"case_id": "c", "outcome": "accepted", "errors": []}]},
    {"batch_id": "b1", "results": [{"case_id": "c", "outcome": "stored", "county_ref": "R"}]},
])
def test_wrong_shaped_batch_answers_are_never_success(answer):
    from sync import shapes
    from sync.errors import ResponseInvalid

    with pytest.raises(ResponseInvalid):
        shapes.batch_answer(answer, "b1")


@pytest.mark.parametrize("page", [
    {"updates": [], "has_more": False},
    {"updates": [{"case_id": "c", "status": "lost", "at": "2026-01-01T00:00:00+08:00"}],
     "next_cursor": "x", "has_more": False},
    {"updates": [{"case_id": "c", "status": "approved", "at": "yesterday"}], "next_cursor": "x",
     "has_more": False},
])
def test_wrong_shaped_update_pages_are_never_success(page):
    from sync import shapes
    from sync.errors import ResponseInvalid

    with pytest.raises(ResponseInvalid):
        shapes.updates_page(page)


def test_progress_reports_each_step_and_the_end(keyring_file, ctx, county):
    from sync.engine import SyncEngine
    from sync.progress import Progress

    enroll_and_prime(ctx, county)
    rng = random.Random(4)
    for _ in range(3):
        ready_case(ctx, [jpeg_bytes(rng, 300_000)], rng=rng)
    progress = Progress(min_interval_s=0)
    seen = []
    unsubscribe = progress.subscribe(seen.append)
    progress.subscribe(lambda state: 1 / 0)  # a broken observer does not stop the sync
    assert SyncEngine(ctx, config=fast_config(), progress=progress).run_cycle().outcome == "ok"
    unsubscribe()
    steps = list(dict.fromkeys(s.step for s in seen))
    assert steps == ["probe", "catalog", "blobs", "batches", "updates", "done"]
    blobs = [s for s in seen if s.step == "blobs"]
    assert blobs[-1].files_done == blobs[-1].files_total == 3
    assert blobs[-1].bytes_done == blobs[-1].bytes_total == 900_000
    batches = [s for s in seen if s.step == "batches"]
    assert batches[-1].cases_done == batches[-1].cases_total == 3
    assert seen[-1].finished and seen[-1].outcome == "ok"


def test_history_marks_a_run_that_died_as_interrupted(ctx):
    from sync import history

    history.start_run(ctx.db)  # a run killed before it could finish
    run_id = history.start_run(ctx.db)
    history.finish_run(ctx.db, run_id, "ok", "fine", {"sent": 1}, None)
    runs = history.recent_runs(ctx.db)
    assert [r["outcome"] for r in runs] == ["ok", "interrupted"]
    assert history.last_success(ctx.db)["figures"] == {"sent": 1}


def test_large_file_is_streamed_not_read_into_memory(keyring_file, ctx, county):
    from sync.config import MIB
    from sync.engine import SyncEngine

    enroll_and_prime(ctx, county)
    rng = random.Random(5)
    size = 16 * MIB
    ready_case(ctx, [jpeg_bytes(rng, size)], rng=rng)
    engine = SyncEngine(ctx, config=fast_config(part_max_bytes=1 * MIB))
    tracemalloc.start()
    try:
        result = engine.run_cycle()
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.outcome == "ok" and result.bytes_uploaded == size
    # Client and county share this process; both hold at most a part or so at a time.
    assert peak < 4 * MIB, peak


def test_upload_resumes_from_the_county_offset(keyring_file, ctx, county, monkeypatch):
    """A partial upload left at the county (say by a process killed mid-file) is continued
    from the county's Upload-Offset, not sent again from the start."""
    from sync import tokens
    from sync.client import CountyClient
    from sync.config import DEVICE_ID
    from sync.engine import SyncEngine
    from workstation import settings

    enroll_and_prime(ctx, county)
    rng = random.Random(6)
    data = jpeg_bytes(rng, 1_000_000)
    ready_case(ctx, [data], rng=rng)
    sha = ctx.blobs.put_bytes(data)
    token = tokens.load(ctx.data_dir, settings.get(ctx.db, DEVICE_ID))
    first = CountyClient(county.base_url, token)
    assert first.put_part(sha, data[:300_000], "image/jpeg", 0, 299_999, len(data)).offset == 300_000
    first.close()
    assert county.uploads() == {sha: 300_000}

    parts: list[tuple[int, int]] = []
    real = CountyClient.put_part

    def recording(self, sha_, body, content_type, first_, last, total):
        parts.append((first_, last))
        return real(self, sha_, body, content_type, first_, last, total)

    monkeypatch.setattr(CountyClient, "put_part", recording)
    result = SyncEngine(ctx, config=fast_config()).run_cycle()
    assert result.outcome == "ok" and result.sent == 1
    assert parts[0][0] == 300_000 and parts[-1][1] == len(data) - 1
    assert result.bytes_uploaded == len(data) - 300_000
    assert county.blob_bytes(sha) == data
