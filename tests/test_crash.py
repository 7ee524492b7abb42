"""Killing a writer mid-work loses nothing committed and leaves no debris after recovery."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from workstation import audit
from workstation.case_queries import CaseFilter, case_ids
from workstation.cases import get_case
from workstation.context import Context
from workstation.recovery import missing_blobs, referenced_blobs

ROOT = Path(__file__).resolve().parent.parent


def _run_and_kill(data_dir: Path, seconds: float) -> list[tuple[str, str]]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.crash_writer", str(data_dir)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    time.sleep(seconds)
    os.kill(proc.pid, signal.SIGKILL)
    out, _ = proc.communicate()
    return [tuple(line.split()) for line in out.splitlines() if line.strip()]  # type: ignore[misc]


def test_sigkill_during_writes_loses_nothing_committed(ctx):
    data_dir = ctx.data_dir
    ctx.close()
    rng = random.Random(11)
    committed: list[tuple[str, str]] = []
    for _ in range(4):
        committed += _run_and_kill(data_dir, 1.0 + rng.random() * 1.5)
    assert len(committed) > 5, "the writer should have committed some cases"
    with Context.open(data_dir) as again:
        stored = set(case_ids(again.db, CaseFilter()))
        for case_id, sha in committed:
            assert case_id in stored
            case = get_case(again, case_id)
            assert [p["sha256"] for p in case.documents[0]["pages"]] == [sha]
        # Nothing half-written is visible: every case has its page, every page its file.
        for case_id in stored:
            assert len(get_case(again, case_id).documents) == 1
        assert missing_blobs(again) == []
        assert audit.verify(again.db).ok
        # Recovery at open (alone) removed the orphans and temporary files.
        assert set(again.blobs.stored()) == referenced_blobs(again)
        assert not any(again.blobs.tmp.iterdir())
        assert again.recovery["orphans_removed"] >= 1
