"""Store benchmark: validated import rate and search latency at 100,000 cases.

Every figure is printed beside the same work done on a bare ``sqlite3`` table
holding the same rows, measured in the same run on the same machine, so the
ratio means something whatever the hardware.

    .venv/bin/python bench/bench_store.py            # 100,000 cases
    .venv/bin/python bench/bench_store.py --cases 1000000
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workstation import accounts  # noqa: E402
from workstation.case_queries import CaseFilter, case_ids  # noqa: E402
from workstation.context import Context  # noqa: E402
from workstation.demo import SURNAMES, fake_applicant, sample_fields_for  # noqa: E402
from workstation.importer import _Row, import_rows, raw_page_loader  # noqa: E402
from workstation.office import init_office  # noqa: E402

OFFICE = "340822104201"
QUERIES = 200


def make_records(n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    codes = ["rural_pension_enrollment", "resident_medical_enrollment", "dibao_application",
             "temporary_assistance_application"]
    fields = {c: sample_fields_for(c) for c in codes}
    out = []
    for i in range(n):
        code = codes[i % len(codes)]
        out.append({"service_code": code, "applicant": fake_applicant(rng, OFFICE), "fields": fields[code]})
    return out


def bare_table(path: Path, records: list[dict]) -> tuple[sqlite3.Connection, float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE cases (case_id TEXT PRIMARY KEY, status TEXT, applicant_name TEXT,"
                 " id_number TEXT, phone TEXT, created_at TEXT, applicant TEXT, fields TEXT)")
    rows = [(f"c{i}", "draft" if i % 3 else "ready", r["applicant"]["name"], r["applicant"]["id_number"],
             r["applicant"]["phone"], f"2026-11-{1 + i % 28:02d}T08:00:{i % 60:02d}",
             json.dumps(r["applicant"], ensure_ascii=False), json.dumps(r["fields"], ensure_ascii=False))
            for i, r in enumerate(records)]
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.execute("CREATE INDEX bare_id ON cases(id_number)")
    conn.execute("CREATE INDEX bare_status ON cases(status, created_at)")
    return conn, elapsed


def timed(fn, queries) -> list[float]:
    times = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - start) * 1000)
    return times


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    n = args.cases
    print(f"generating {n:,} cases…", flush=True)
    records = make_records(n)
    with tempfile.TemporaryDirectory() as tmp:
        ctx = Context.open(Path(tmp) / "data")
        init_office(ctx, OFFICE, "bench", "admin", "bench password 1")
        accounts.add_user(ctx.db, "agent1", "village_agent", "bench password 1", actor="admin")
        rows = [_Row(i + 1, r) for i, r in enumerate(records)]
        start = time.perf_counter()
        result = import_rows(ctx, rows, "agent1", ready=False, load_pages=raw_page_loader)
        import_s = time.perf_counter() - start
        assert not result.problems, result.problems[:3]
        bare, bare_s = bare_table(Path(tmp) / "bare.sqlite", records)

        rng = random.Random(5)
        names = [rng.choice(SURNAMES) + rng.choice(["桂英", "建国", "芳", "明", "玉梅"]) for _ in range(QUERIES)]
        names = [nm[:2] for nm in names]
        prefixes = [r["applicant"]["id_number"][:10] for r in rng.sample(records, QUERIES)]
        statuses = ["draft", "ready"] * (QUERIES // 2)
        limit = 200  # what a screen of the case list asks for first

        def ours(kind):
            return lambda q: case_ids(ctx.db, CaseFilter(**{kind: q}), limit=limit)

        def bare_q(sql):
            return lambda q: bare.execute(sql, [q]).fetchall()

        table = [
            ("name (2 chars)", ours("search"), bare_q(
                "SELECT case_id FROM cases WHERE applicant_name LIKE '%' || ? || '%'"
                f" ORDER BY created_at DESC LIMIT {limit}"), names),
            ("ID-number prefix", ours("search"), bare_q(
                "SELECT case_id FROM cases WHERE id_number >= ? AND id_number < ? || 'Z'"
                f" ORDER BY created_at DESC LIMIT {limit}".replace("< ? ||", "< ?1 ||").replace(">= ?", ">= ?1")),
             prefixes),
            ("status filter", ours("status"), bare_q(
                f"SELECT case_id FROM cases WHERE status = ? ORDER BY created_at DESC LIMIT {limit}"),
             statuses),
        ]
        size_ours = sum(f.stat().st_size for f in (Path(tmp) / "data").glob("workstation.sqlite*"))
        size_bare = sum(f.stat().st_size for f in Path(tmp).glob("bare.sqlite*"))
        print(f"\n{n:,} cases")
        print(f"{'figure':<22}{'workstation':>14}{'bare sqlite':>14}{'ratio':>8}")
        print(f"{'import (cases/s)':<22}{n / import_s:>14,.0f}{n / bare_s:>14,.0f}"
              f"{(n / import_s) / (n / bare_s):>8.2f}")
        for label, mine, theirs, queries in table:
            a, b = timed(mine, queries), timed(theirs, queries)
            for p in (50, 95):
                print(f"{label + f' p{p} (ms)':<22}{pct(a, p):>14.2f}{pct(b, p):>14.2f}"
                      f"{pct(a, p) / max(pct(b, p), 1e-6):>8.2f}")
        print(f"{'database size (MB)':<22}{size_ours / 1e6:>14.1f}{size_bare / 1e6:>14.1f}"
              f"{size_ours / size_bare:>8.2f}")
        ctx.close()
        bare.close()


if __name__ == "__main__":
    main()
