"""Sync benchmark on loopback: cases per second and upload MB/s, against plain ``requests``.

Each figure is the engine's rate divided by a bare ``requests`` loop sending the
same payloads (the engine's own frozen batch bodies, the same page files) to
a fresh reference county of its own, so the ratio shows what the engine's
bookkeeping costs, whatever the machine. The counties run as separate
processes, as a real county would. Memory: peak RSS of this process around
the upload, and the tracemalloc peak while uploading the largest files the
county accepts, to show that files are streamed, never held whole.

    .venv/bin/python bench/bench_sync.py                 # 5,000 cases, 500 MB
    .venv/bin/python bench/bench_sync.py --mb 50 --cases 1000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import keyring  # noqa: E402
import requests  # noqa: E402
from keyrings.alt.file import PlaintextKeyring  # noqa: E402

from sync.config import SyncConfig  # noqa: E402
from sync.engine import SyncEngine  # noqa: E402
from sync.enrollment import enroll  # noqa: E402
from sync.progress import Progress, ProgressState  # noqa: E402
from workstation import accounts, case_flow  # noqa: E402
from workstation.cases import create_case, insert_cases  # noqa: E402
from workstation.context import Context  # noqa: E402
from workstation.db import write  # noqa: E402
from workstation.demo import fake_applicant  # noqa: E402
from workstation.documents import PageInput, attach_pages  # noqa: E402
from workstation.ids import new_case_id  # noqa: E402
from workstation.office import init_office  # noqa: E402

OFFICE = "340822104201"
CODE = "bench_allowance"
MIB = 1024 * 1024
SERVICE = {
    "format": 1, "code": CODE, "version": "1", "name": {"zh_CN": "基准测试补贴", "en": "Bench allowance"},
    "handling": {"kind": "on_the_spot"},
    "fields": [{"name": "grade", "type": "choice", "required": True, "label": {"zh_CN": "档", "en": "Grade"},
                "choices": [{"value": "a", "label": {"zh_CN": "a", "en": "a"}}]}],
    "documents": [{"kind": "id_card", "label": {"zh_CN": "身份证", "en": "ID card"}, "required": False}],
}


class County:
    """A reference county in its own process."""

    def __init__(self, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        catalog = folder / "catalog.json"
        catalog.write_text(json.dumps([SERVICE]), encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.county_server", "--port", "0", "--db", str(folder / f"{name}.sqlite"),
             "--catalog", str(catalog), "--enrollment-code", "BENCH-1"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()

    def token(self) -> str:
        answer = requests.post(f"{self.base_url}/devices", json={"enrollment_code": "BENCH-1",
                                                                  "office_code": OFFICE}, timeout=10)
        return str(answer.json()["device_token"])

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


ENCRYPT = False


def workstation(folder: Path, county: County) -> tuple[Context, SyncEngine, dict[str, float]]:
    ctx = Context.open(folder / "data", encrypt=ENCRYPT)
    init_office(ctx, OFFICE, "桃花村", "admin", "correct horse 1")
    accounts.add_user(ctx.db, "agent1", "village_agent", "correct horse 1", actor="admin")
    enroll(ctx, county.base_url, "BENCH-1")
    marks: dict[str, float] = {}
    progress = Progress(min_interval_s=0)

    def mark(state: ProgressState) -> None:
        marks.setdefault(state.step, time.perf_counter())

    progress.subscribe(mark)
    engine = SyncEngine(ctx, config=SyncConfig(), progress=progress)
    assert engine.run_cycle().outcome == "ok"  # the catalog
    return ctx, engine, marks


def timed_cycle(engine: SyncEngine, marks: dict[str, float], step: str, following: str) -> float:
    marks.clear()
    result = engine.run_cycle()
    assert result.outcome == "ok", result.summary()
    return marks[following] - marks[step]


# --- cases --------------------------------------------------------------------------

def add_ready_cases(ctx: Context, n: int, seed: int) -> None:
    # Case ids as the app makes them (time-ordered, workstation.ids): both the engine's
    # indexes and the county's grow at their end, as they do in an office.
    rng = random.Random(seed)
    actor = accounts.acting_user(ctx.db, "agent1")
    for start in range(0, n, 1000):
        new = [(new_case_id(), CODE, "1", fake_applicant(rng, OFFICE), {"grade": "a"})
               for _ in range(min(1000, n - start))]
        with write(ctx.db):
            insert_cases(ctx, new, actor, status="ready")


def bench_cases(folder: Path, n: int, repeat: int) -> dict[str, float]:
    """Best of ``repeat`` rounds each, interleaved, so that a busy machine hurts both alike."""
    county, bare = County(folder / "c1", "engine"), County(folder / "c2", "bare")
    engine_s, bare_s = [], []
    try:
        ctx, engine, marks = workstation(folder / "w1", county)
        token = bare.token()
        for round_ in range(repeat):
            add_ready_cases(ctx, n, seed=round_)
            engine_s.append(timed_cycle(engine, marks, "batches", "updates"))
            bodies = [(r[0], bytes(r[1])) for r in ctx.db.execute(
                "SELECT batch_id, payload FROM sync_batches WHERE state = 'done' AND done_at >="
                " (SELECT started_at FROM sync_runs ORDER BY run_id DESC LIMIT 1) ORDER BY created_at")]
            assert sum(len(json.loads(gzip.decompress(b))["cases"]) for _, b in bodies) == n
            bare_s.append(bare_batches(bare, token, bodies))
        ctx.close()
    finally:
        county.stop()
        bare.stop()
    return {"engine_s": min(engine_s), "bare_s": min(bare_s), "engine_rate": n / min(engine_s),
            "bare_rate": n / min(bare_s)}


def bare_batches(county: County, token: str, bodies: list[tuple[str, bytes]]) -> float:
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "Content-Encoding": "gzip"}
    start = time.perf_counter()
    for batch_id, body in bodies:
        answer = session.post(f"{county.base_url}/batches", data=body,
                              headers={**headers, "Idempotency-Key": batch_id}, timeout=60)
        assert answer.status_code == 200 and answer.json()["results"]
    return time.perf_counter() - start


# --- files ----------------------------------------------------------------------------

def page_sizes(total: int, rng: random.Random) -> list[int]:
    sizes, left = [], total
    while left > 0:
        size = min(left, rng.choice([rng.randrange(200_000, 1_000_000), rng.randrange(1_000_000, 4_000_000)]))
        sizes.append(size)
        left -= size
    return sizes


def add_scanned_cases(ctx: Context, total_bytes: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    shas, pages = [], []
    for size in page_sizes(total_bytes, rng):
        data = b"\xff\xd8\xff\xe0" + os.urandom(size - 4)
        sha = ctx.blobs.put_bytes(data)
        shas.append(sha)
        pages.append(PageInput(sha, "image/jpeg", size))
    for start in range(0, len(pages), 5):
        case_id = create_case(ctx, CODE, fake_applicant(rng, OFFICE), {"grade": "a"}, "agent1")
        attach_pages(ctx, case_id, "id_card", pages[start:start + 5], "agent1")
        case_flow.mark_ready(ctx, case_id, "agent1")
    return shas


def bench_files(folder: Path, megabytes: int, repeat: int) -> dict[str, float]:
    county, bare = County(folder / "c3", "engine"), County(folder / "c4", "bare")
    engine_s, bare_s, files = [], [], 0
    try:
        ctx, engine, marks = workstation(folder / "w2", county)
        token = bare.token()
        rss_before = peak_rss_mb()
        for round_ in range(repeat):
            shas = add_scanned_cases(ctx, megabytes * 1_000_000, seed=round_)
            files = len(shas)
            engine_s.append(timed_cycle(engine, marks, "blobs", "batches"))
            bare_s.append(bare_uploads(bare, token, [(sha, plain_copy(ctx, sha, folder)) for sha in shas]))
            for sha in shas:  # keep the disk use to one round's worth
                ctx.blobs.remove(sha)
            shutil.rmtree(folder / "plain", ignore_errors=True)
        rss_after = peak_rss_mb()
        traced = traced_peak(ctx, engine, marks)
        ctx.close()
    finally:
        county.stop()
        bare.stop()
    return {"engine_s": min(engine_s), "bare_s": min(bare_s), "engine_rate": megabytes / min(engine_s),
            "bare_rate": megabytes / min(bare_s), "files": files, "rss_before_mb": rss_before,
            "rss_after_mb": rss_after, **traced}


def plain_copy(ctx: Context, sha: str, folder: Path) -> Path:
    """The file as the county gets it (an encrypted store holds it sealed)."""
    if ctx.blobs.cipher is None:
        return ctx.blobs.path(sha)
    path = folder / "plain" / sha
    path.parent.mkdir(exist_ok=True)
    with ctx.blobs.open(sha) as src, open(path, "wb") as out:
        while chunk := src.read(MIB):
            out.write(chunk)
    return path


def bare_uploads(county: County, token: str, paths: list[tuple[str, Path]]) -> float:
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "image/jpeg"}
    start = time.perf_counter()
    for sha, path in paths:
        with open(path, "rb") as f:
            answer = session.put(f"{county.base_url}/blobs/{sha}", data=f, headers=headers, timeout=60)
        assert answer.status_code == 201, answer.text
    return time.perf_counter() - start


def traced_peak(ctx: Context, engine: SyncEngine, marks: dict[str, float]) -> dict[str, float]:
    """Upload three 19 MiB files under tracemalloc: the peak stays far below one file."""
    pages = []
    for _ in range(3):
        data = b"\xff\xd8\xff\xe0" + os.urandom(19 * MIB - 4)
        pages.append(PageInput(ctx.blobs.put_bytes(data), "image/jpeg", len(data)))
        del data
    case_id = create_case(ctx, CODE, fake_applicant(random.Random(3), OFFICE), {"grade": "a"}, "agent1")
    attach_pages(ctx, case_id, "id_card", pages, "agent1")
    case_flow.mark_ready(ctx, case_id, "agent1")
    tracemalloc.start()
    timed_cycle(engine, marks, "blobs", "batches")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"traced_file_mb": 19 * MIB / 1e6, "traced_peak_mb": peak / 1e6}


def peak_rss_mb() -> float:
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--mb", type=int, default=500, help="megabytes of scanned pages to upload")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of each; the best of each side counts")
    parser.add_argument("--encrypt", action="store_true", help="an encrypted store (SQLCipher, sealed files)")
    args = parser.parse_args()
    global ENCRYPT
    ENCRYPT = args.encrypt
    folder = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    ring = PlaintextKeyring()
    ring.file_path = str(folder / "keyring.cfg")
    keyring.set_keyring(ring)
    try:
        cases = bench_cases(folder / "cases", args.cases, args.repeat)
        files = bench_files(folder / "files", args.mb, args.repeat)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the counties keep every upload: GBs a run
    store = "encrypted" if ENCRYPT else "unencrypted"
    print(f"\nSync benchmark on loopback ({os.cpu_count()} CPUs, {store} store), each against a bare"
          f" requests loop (best of {args.repeat})\n")
    print(f"| {'what':34} | {'engine':>12} | {'bare requests':>13} | {'ratio':>5} |")
    print(f"|{'-' * 36}|{'-' * 14}|{'-' * 15}|{'-' * 7}|")
    row(f"{args.cases:,} cases, no files (cases/s)", cases, "12,.0f")
    row(f"{args.mb} MB in {files['files']:.0f} page files (MB/s)", files, "12,.1f")
    print(f"\nPeak RSS of this process: {files['rss_before_mb']:.0f} MB before the upload,"
          f" {files['rss_after_mb']:.0f} MB after it")
    print(f"tracemalloc peak while uploading three {files['traced_file_mb']:.1f} MB files:"
          f" {files['traced_peak_mb']:.2f} MB")
    return 0


def row(what: str, figures: dict[str, float], fmt: str) -> None:
    engine, bare = figures["engine_rate"], figures["bare_rate"]
    print(f"| {what:34} | {engine:{fmt}} | {bare:13{fmt[2:]}} | {engine / bare:5.2f} |")


if __name__ == "__main__":
    sys.exit(main())
