"""The command line: enroll, sync (exit codes, one-line summary), --watch, status --json."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time

from tests.county_server import CountyServer
from tests.sync_helpers import (
    CODES,
    ROOT,
    TEST_SERVICE,
    assert_county_agrees,
    cli_env,
    fast_config,
    jpeg_bytes,
    ready_case,
)

pytest_plugins = ["tests.sync_fixtures"]


def run_cli(capsys, data_dir, *args: str) -> tuple[int, str]:
    from cli.main import main

    code = main(["--data-dir", str(data_dir), *args])
    return code, capsys.readouterr().out


def test_enroll_sync_status_and_exit_codes(keyring_file, ctx, county, data_dir, capsys):
    code, out = run_cli(capsys, data_dir, "enroll", "--url", county.base_url, "--code", CODES[0],
                        "--device-name", "桃花村 1 号机")
    assert code == 0 and "dev_" in out
    code, out = run_cli(capsys, data_dir, "sync")
    assert code == 0 and len(out.strip().splitlines()) == 1 and "同步完成" in out
    rng = random.Random(1)
    ids = [ready_case(ctx, [jpeg_bytes(rng, 1200)], rng=rng) for _ in range(3)]
    code, out = run_cli(capsys, data_dir, "--lang", "en", "sync")
    assert code == 0 and out.startswith("Sync done: 3 cases sent"), out
    assert_county_agrees(ctx, county, ids)

    code, out = run_cli(capsys, data_dir, "status", "--json")
    figures = json.loads(out)["sync"]
    assert figures["enrolled"] and figures["sent"] == 3 and figures["waiting"] == 0
    assert figures["last_run"]["outcome"] == "ok" and figures["county_url"] == county.base_url
    code, out = run_cli(capsys, data_dir, "sync", "--history", "--json")
    assert [r["outcome"] for r in json.loads(out)][:2] == ["ok", "ok"]

    county.revoke_tokens()
    code, out = run_cli(capsys, data_dir, "sync")
    assert code == 4 and "workstation enroll" in out
    county.stop()
    code, out = run_cli(capsys, data_dir, "sync", "--fast")
    assert code == 3  # unreachable is found first; the 401 comes back once the county answers


def test_enroll_with_a_bad_code_fails_clearly(keyring_file, ctx, county, data_dir, capsys):
    from cli.main import main

    code = main(["--data-dir", str(data_dir), "enroll", "--url", county.base_url, "--code", "NOPE-0000"])
    assert code == 1 and "注册码无效" in capsys.readouterr().err


def test_watch_syncs_new_work_and_stops_cleanly_on_sigterm(keyring_file, ctx, county, data_dir):
    from sync.enrollment import enroll

    enroll(ctx, county.base_url, CODES[0])
    _ring, home = keyring_file
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "--data-dir", str(data_dir), "sync", "--watch",
                             "--fast"], cwd=ROOT, env=cli_env(home), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: _has_service(ctx), 20)
        rng = random.Random(2)
        ids = [ready_case(ctx, [jpeg_bytes(rng, 900)], rng=rng) for _ in range(4)]
        wait_for(lambda: len(county.cases()) == 4, 20)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Sync done" in out
    wait_for(lambda: _all_sent(ctx, ids), 5)
    assert_county_agrees(ctx, county, ids)


def _has_service(ctx) -> bool:
    ctx.forget_catalog()
    return TEST_SERVICE["code"] in ctx.catalog


def _all_sent(ctx, ids) -> bool:
    from workstation.cases import load_case

    return all(load_case(ctx.db, c).county_ref for c in ids)


def wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_watch_starts_at_once_when_the_county_comes_back(keyring_file, ctx, county, tmp_path):
    from sync.engine import SyncEngine
    from sync.enrollment import enroll
    from sync.watch import Watcher

    enroll(ctx, county.base_url, CODES[0])
    SyncEngine(ctx, config=fast_config()).run_cycle()
    rng = random.Random(3)
    ids = [ready_case(ctx, [jpeg_bytes(rng, 900)], rng=rng) for _ in range(2)]
    port, db_path = county.port, county.db_path
    county.stop()
    stop = threading.Event()
    outcomes: list[str] = []
    config = fast_config(probe_cap_s=0.2, watch_refresh_s=60.0)

    def worker() -> None:
        with ctx.reopen() as own:
            Watcher(SyncEngine(own, stop=stop, config=config), lambda r: outcomes.append(r.outcome)).run()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        wait_for(lambda: "offline" in outcomes, 10)
        time.sleep(0.5)  # it keeps probing, with backoff
        back = CountyServer(db_path, catalog=[TEST_SERVICE], port=port).start()
        try:
            started = time.monotonic()
            wait_for(lambda: "ok" in outcomes, 10)
            assert time.monotonic() - started < 4.0  # at once, not at the next refresh (60 s)
            assert_county_agrees(ctx, back, ids)
        finally:
            stop.set()
            thread.join(10)
            back.stop()
    finally:
        stop.set()
    assert not thread.is_alive()
