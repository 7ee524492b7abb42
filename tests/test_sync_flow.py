"""The everyday path over real HTTP: enroll, catalog, files, batches, updates, status."""

from __future__ import annotations

import random

from tests.sync_helpers import (
    TEST_CODE,
    assert_county_agrees,
    enroll_and_prime,
    fast_config,
    jpeg_bytes,
    ready_case,
)

pytest_plugins = ["tests.sync_fixtures"]


def test_cases_with_pages_reach_the_county_once(keyring_file, ctx, county):
    from sync import issues
    from sync.engine import SyncEngine
    from sync.status import sync_figures

    engine = enroll_and_prime(ctx, county)
    assert TEST_CODE in ctx.catalog
    # The county's second definition cannot be loaded: skipped and recorded, not stored.
    assert [i["subject"] for i in issues.recent(ctx.db, kind="catalog")] == ["broken_service v1"]

    rng = random.Random(5)
    shared = jpeg_bytes(rng, 3000)
    ids = [ready_case(ctx, [jpeg_bytes(rng, 2000 + i), shared], rng=rng) for i in range(7)]
    result = SyncEngine(ctx, config=fast_config()).run_cycle()
    assert result.outcome == "ok", result.summary()
    assert result.sent == 7 and result.files_uploaded == 8 and result.exit_code == 0
    assert_county_agrees(ctx, county, ids)

    figures = sync_figures(ctx)
    assert figures["enrolled"] and figures["waiting"] == 0 and figures["sent"] == 7
    assert figures["blobs_pending"] == 0 and figures["last_success"]
    del engine
