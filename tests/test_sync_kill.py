"""``workstation sync`` killed with SIGKILL at random moments, then run again.

Each run is a real process on the real data directory, cut off wherever it
happens to be: mid-upload, between freezing a batch and sending it, after the
county stored a batch but before its answer was applied, mid-transaction.
After a final clean run the county must hold every case exactly once per
revision, and the store must agree with it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.sync_helpers import (
    ROOT,
    arm_faults,
    assert_batches_clean,
    assert_county_agrees,
    cli_env,
    enroll_and_prime,
    jpeg_bytes,
    ready_case,
)

KILLS = 10

pytest_plugins = ["tests.sync_fixtures"]


def sync_process(data_dir, env, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cli.main", "--data-dir", str(data_dir), "sync", "--fast",
                             *extra], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def started_syncing(proc: subprocess.Popen, seconds: float = 20) -> bool:
    """Wait for the process's first progress line (it has opened the store and is
    talking to the county); False if it ended first."""
    seen = threading.Event()

    def watch() -> None:
        if proc.stderr is not None and proc.stderr.readline():
            seen.set()

    threading.Thread(target=watch, daemon=True).start()
    return seen.wait(seconds)


@pytest.mark.slow
def test_sigkill_at_random_then_clean_run(keyring_file, ctx, county, data_dir):
    _ring, home = keyring_file
    enroll_and_prime(ctx, county)
    rng = random.Random(int(os.environ.get("SYNC_KILL_SEED", "99")))
    shared = jpeg_bytes(rng, 5000)
    big = jpeg_bytes(rng, 3_000_000)

    def more_cases(n: int) -> list[str]:
        # Staff keep working between runs, so every run has something to be cut off in.
        return [ready_case(ctx, [jpeg_bytes(rng, rng.randrange(2000, 8000))]
                           + ([shared] if rng.random() < 0.2 else [])
                           + ([big] if rng.random() < 0.1 else []), rng=rng) for _ in range(n)]

    ids = more_cases(60)
    env = cli_env(home)
    county.faults.seed(3)
    arm_faults(county, 0.02)
    killed_mid_run = runs = 0
    while killed_mid_run < KILLS and runs < 3 * KILLS:
        runs += 1
        proc = sync_process(data_dir, env, "--progress")
        if started_syncing(proc):
            time.sleep(rng.uniform(0.0, 0.5))  # then anywhere in the run: upload, batch, updates
            if proc.poll() is None:
                killed_mid_run += 1
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        ids += more_cases(30)
    assert killed_mid_run == KILLS  # the kills really landed mid-run
    county.faults.clear()
    final = sync_process(data_dir, env)
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, (out.decode(), err.decode())
    assert_county_agrees(ctx, county, ids)
    assert_batches_clean(ctx, county)
