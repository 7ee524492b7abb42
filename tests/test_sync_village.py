"""A village line: about 64 kbit/s, and the connection cut every 20 seconds.

A 2 MB scan must still arrive, resuming where each cut left it, with the
bytes on the line staying under 1.2 times the payload. Real time would take
about five minutes, so by default the line is run SCALE times faster with
the cut SCALE times sooner and the engine's part-time target SCALE times
shorter: bytes per connection and per part are those of the real line, so
the shape (and the overhead ratio) is the same. ``SYNC_VILLAGE_SCALE=1``
runs it in real time.
"""

from __future__ import annotations

import os
import random

import pytest

from tests.sync_helpers import (
    assert_county_agrees,
    enroll_and_prime,
    fast_config,
    jpeg_bytes,
    ready_case,
)

pytest_plugins = ["tests.sync_fixtures"]

SCALE = float(os.environ.get("SYNC_VILLAGE_SCALE", "4"))
RATE = 8000 * SCALE       # bytes per second, each direction
CUT_AFTER = 20 / SCALE    # seconds a connection lives
SCAN = 2_000_000


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_two_megabyte_scan_over_a_village_line(keyring_file, ctx, county):
    from sync.engine import SyncEngine
    from workstation.cases import load_case

    enroll_and_prime(ctx, county)
    rng = random.Random(64)
    case_id = ready_case(ctx, [jpeg_bytes(rng, SCAN)], rng=rng)
    county.reset_stats()
    county.set_link(RATE, CUT_AFTER)
    engine = SyncEngine(ctx, config=fast_config(part_target_s=2.0 / SCALE, read_timeout_s=30.0))
    outcomes = []
    for _ in range(20):
        outcomes.append(engine.run_cycle().outcome)
        if load_case(ctx.db, case_id).county_ref:
            break
    county.set_link()
    stats = county.stats()
    sent = stats["bytes_received"]
    print(f"village line x{SCALE:g}: {sent} bytes for a {SCAN}-byte scan ({sent / SCAN:.3f}x),"
          f" {stats['link_cuts']} cuts, {stats['requests'].get('PUT /blobs/{sha256}')} PUTs, {outcomes}")
    assert load_case(ctx.db, case_id).county_ref, outcomes
    assert stats["link_cuts"] >= 5  # the line really dropped, many times, mid-upload
    assert sent < 1.2 * SCAN  # resumed, never started again
    assert_county_agrees(ctx, county, [case_id])
