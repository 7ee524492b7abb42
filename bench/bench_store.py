"""Store benchmark: validated import rate and search latency at 100,000 cases.

Every figure is printed beside the same work done on a bare ``sqlite3`` table
holding the same rows, measured in the same run on the same machine, so the
ratio means something whatever the hardware. The plain and the encrypted
store take turns, a chunk of the import and then a query at a time, so that
whatever else the machine is doing falls on both alike; the query set is run
several times over and its first pass, which reads pages not yet in the
cache, is also shown on its own. The encrypted/plain ratio at p50 is the
median of the ratios of each query's two runs.

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
from workstation.importer import COMMIT_ROWS, _Row, import_rows, raw_page_loader  # noqa: E402
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


def paired_ratio(plain: list[float], enc: list[float]) -> float:
    """The median of encrypted/plain over the same query run back to back.

    The status queries alternate between two statuses of different cost, so
    each store's own median falls on either mode by chance; pairs don't."""
    return statistics.median(e / max(a, 1e-6) for a, e in zip(plain, enc, strict=True))


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] if len(values) > 1 else values[0]


def open_store(tmp: Path, encrypt: bool) -> Context:
    ctx = Context.open(tmp / ("enc" if encrypt else "plain"), encrypt=encrypt)
    init_office(ctx, OFFICE, "bench", "admin", "bench password 1")
    accounts.add_user(ctx.db, "agent1", "village_agent", "bench password 1", actor="admin")
    return ctx


def import_by_turns(stores: dict[str, Context], records: list[dict]) -> dict[str, float]:
    """Cases/s for each store; the stores take turns, a chunk each, so that
    whatever else the machine does falls on both alike."""
    rows = [_Row(i + 1, r) for i, r in enumerate(records)]
    step = COMMIT_ROWS  # one turn is one of the importer's transactions
    spent = dict.fromkeys(stores, 0.0)
    for first in range(0, len(rows), step):
        for name, ctx in stores.items():
            start = time.perf_counter()
            result = import_rows(ctx, rows[first:first + step], "agent1", ready=False,
                                 load_pages=raw_page_loader)
            spent[name] += time.perf_counter() - start
            assert not result.problems, result.problems[:3]
    return {name: len(rows) / seconds for name, seconds in spent.items()}


def search_by_turns(stores: dict[str, Context], queries: dict, rounds: int) -> dict[str, dict]:
    """Each query runs on every store in turn, ``rounds`` times over the set;
    the first round alone is kept too: it pays for reading (and decrypting)
    pages that are not in the cache yet."""
    times: dict[str, dict] = {name: {} for name in stores}
    for label, (kind, qs) in queries.items():
        for name in stores:
            times[name][label] = []
        for _ in range(rounds):
            for q in qs:
                for name, ctx in stores.items():
                    times[name][label] += timed(
                        lambda q, ctx=ctx, kind=kind: case_ids(ctx.db, CaseFilter(**{kind: q}), limit=LIMIT), [q])
    return times


def measure_stores(tmp: Path, records: list[dict], queries: dict, rounds: int) -> dict[str, dict]:
    stores = {"plain": open_store(tmp, False), "enc": open_store(tmp, True)}
    rates = import_by_turns(stores, records)
    times = search_by_turns(stores, queries, rounds)
    figures = {}
    for name, ctx in stores.items():
        figures[name] = {"import": rates[name], **times[name],
                         "size": sum(f.stat().st_size for f in ctx.data_dir.glob("workstation.sqlite*"))}
        ctx.close()
    return figures


LIMIT = 200  # what a screen of the case list asks for first


def bare_figures(tmp: Path, records: list[dict], queries: dict, rounds: int) -> dict:
    bare, bare_s = bare_table(tmp / "bare.sqlite", records)
    sql = {
        "name (2 chars)": "SELECT case_id FROM cases WHERE applicant_name LIKE '%' || ?1 || '%'"
                          f" ORDER BY created_at DESC LIMIT {LIMIT}",
        "ID-number prefix": "SELECT case_id FROM cases WHERE id_number >= ?1 AND id_number < ?1 || 'Z'"
                            f" ORDER BY created_at DESC LIMIT {LIMIT}",
        "status filter": f"SELECT case_id FROM cases WHERE status = ?1 ORDER BY created_at DESC LIMIT {LIMIT}",
    }
    figures: dict = {"import": len(records) / bare_s}
    for label, (_, qs) in queries.items():
        figures[label] = timed(lambda q, s=sql[label]: bare.execute(s, [q]).fetchall(), qs * rounds)
    figures["size"] = sum(f.stat().st_size for f in tmp.glob("bare.sqlite*"))
    bare.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5, help="passes over the query set")
    args = parser.parse_args()
    n = args.cases
    print(f"generating {n:,} cases…", flush=True)
    records = make_records(n)
    rng = random.Random(5)
    queries = {
        "name (2 chars)": ("search", [rng.choice(SURNAMES) + rng.choice("桂秀建志玉德春国海明芳伟")
                                      for _ in range(QUERIES)]),
        "ID-number prefix": ("search", [r["applicant"]["id_number"][:10]
                                        for r in rng.sample(records, QUERIES)]),
        "status filter": ("status", ["draft", "ready"] * (QUERIES // 2)),
    }
    with tempfile.TemporaryDirectory() as tmp:
        measured = measure_stores(Path(tmp), records, queries, args.rounds)
        plain, enc = measured["plain"], measured["enc"]
        bare = bare_figures(Path(tmp), records, queries, args.rounds)
    print(f"\n{n:,} cases")
    print(f"{'figure':<24}{'plain':>10}{'encrypted':>11}{'bare':>10}{'plain/bare':>12}{'enc/plain':>11}")
    print(f"{'import (cases/s)':<24}{plain['import']:>10,.0f}{enc['import']:>11,.0f}{bare['import']:>10,.0f}"
          f"{plain['import'] / bare['import']:>12.2f}{enc['import'] / plain['import']:>11.2f}")
    for label in queries:
        for p in (50, 95):
            a, e, b = pct(plain[label], p), pct(enc[label], p), pct(bare[label], p)
            ratio = paired_ratio(plain[label], enc[label]) if p == 50 else e / max(a, 1e-6)
            print(f"{label + f' p{p} (ms)':<24}{a:>10.2f}{e:>11.2f}{b:>10.2f}{a / max(b, 1e-6):>12.2f}"
                  f"{ratio:>11.2f}")
    print(f"first pass ({QUERIES} queries, pages not yet cached)")
    for label in queries:
        first_plain, first_enc = plain[label][:QUERIES], enc[label][:QUERIES]
        a, e = statistics.median(first_plain), statistics.median(first_enc)
        print(f"{'  ' + label + ' p50':<24}{a:>10.2f}{e:>11.2f}{'':>22}"
              f"{paired_ratio(first_plain, first_enc):>11.2f}")
    print(f"{'database size (MB)':<24}{plain['size'] / 1e6:>10.1f}{enc['size'] / 1e6:>11.1f}"
          f"{bare['size'] / 1e6:>10.1f}{plain['size'] / bare['size']:>12.2f}{enc['size'] / plain['size']:>11.2f}")


if __name__ == "__main__":
    main()
