"""Every fault the reference county knows, at random, on every path: sync must converge.

300 cases with pages (some files shared, two large enough to go in parts),
ten of them returned by the county mid-way and corrected as revision 2. The
loop is bounded; when it ends, the county must hold each case exactly once per
revision with every file hash-identical, and the store must agree.
"""

from __future__ import annotations

import os
import random

import pytest

from tests.county_server import FAULT_KINDS
from tests.sync_helpers import (
    arm_faults,
    assert_batches_clean,
    assert_county_agrees,
    enroll_and_prime,
    fast_config,
    jpeg_bytes,
    ready_case,
)

N_CASES = 300
MAX_CYCLES = 60

pytest_plugins = ["tests.sync_fixtures"]


def make_cases(ctx, rng: random.Random) -> list[str]:
    shared = [jpeg_bytes(rng, 4000) for _ in range(5)]
    large = [jpeg_bytes(rng, 1_300_000), jpeg_bytes(rng, 2_100_000)]
    ids = []
    for i in range(N_CASES):
        pages = [jpeg_bytes(rng, rng.randrange(1000, 6000))]
        if i % 7 == 0:
            pages.append(rng.choice(shared))
        if i in (10, 150):
            pages.append(large[i // 150])
        ids.append(ready_case(ctx, pages, rng=rng))
    return ids


def settled(ctx) -> bool:
    from sync.outbox import has_work

    return not has_work(ctx.db)


def return_some(ctx, county, ids: list[str]) -> list[str]:
    """The county returns ten stored cases for correction."""
    from workstation.cases import load_case

    sent = [c for c in ids if load_case(ctx.db, c).county_ref][:10]
    if len(sent) < 10:
        return []  # not enough at the county yet: try after the next cycle
    for case_id in sent:
        county.post_update(case_id, "returned", reason="户口簿页缺失，请补扫")
    return sent


def correct_returned(ctx, returned: list[str], pending: set[str]) -> None:
    from workstation import case_flow
    from workstation.cases import load_case, update_case

    for case_id in list(pending):
        if load_case(ctx.db, case_id).status == "returned":
            update_case(ctx, case_id, {"fields.note": "已补扫"}, "agent1")
            case_flow.mark_ready(ctx, case_id, "agent1")
            pending.discard(case_id)


@pytest.mark.slow
def test_random_faults_converge(keyring_file, ctx, county):
    from sync.engine import SyncEngine
    from workstation.cases import load_case

    enroll_and_prime(ctx, county)
    rng = random.Random(2026)
    ids = make_cases(ctx, rng)
    county.faults.seed(int(os.environ.get("SYNC_SOAK_SEED", "7")))
    arm_faults(county, 0.06)
    engine = SyncEngine(ctx, config=fast_config(attempts=4), rng=random.Random(1))
    returned: list[str] = []
    pending: set[str] = set()
    outcomes = []
    for _ in range(MAX_CYCLES):
        outcomes.append(engine.run_cycle().outcome)
        if not returned:
            returned = return_some(ctx, county, ids)
            pending = set(returned)
        correct_returned(ctx, returned, pending)
        if returned and not pending and settled(ctx) and outcomes[-1] == "ok":
            break
    else:
        pytest.fail(f"no convergence in {MAX_CYCLES} cycles: {outcomes}")
    fired = county.stats()["faults_fired"]
    assert set(fired) == set(FAULT_KINDS), fired  # every kind actually happened
    assert len(returned) == 10
    assert all(load_case(ctx.db, c).revision == 2 for c in returned)
    assert_county_agrees(ctx, county, ids)
    assert_batches_clean(ctx, county)
