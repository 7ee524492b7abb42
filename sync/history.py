"""A persisted record of sync runs: when, how it ended, what moved.

A run row is written when the run starts, so a run cut short by a crash or a
kill shows up as "interrupted" rather than vanishing.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from workstation.clock import now_iso
from workstation.db import write

OK_OUTCOMES = ("ok",)
INTERRUPTED = "interrupted"


def start_run(db: sqlite_utils.Database) -> int:
    with write(db):
        # Only the engine holding the sync lock gets here, so an unfinished row
        # belongs to a run that died.
        db.execute("UPDATE sync_runs SET outcome = ?, finished_at = ? WHERE finished_at IS NULL",
                   [INTERRUPTED, now_iso()])
        cursor = db.execute("INSERT INTO sync_runs (started_at) VALUES (?)", [now_iso()])
    return int(cursor.lastrowid or 0)


def finish_run(db: sqlite_utils.Database, run_id: int, outcome: str, summary: str,
               figures: dict[str, Any], error: str | None) -> None:
    with write(db):
        db.execute("UPDATE sync_runs SET finished_at = ?, outcome = ?, summary = ?, figures = ?,"
                   " error = ? WHERE run_id = ?",
                   [now_iso(), outcome, summary, json.dumps(figures, ensure_ascii=False), error,
                    run_id])


def _row(r: tuple) -> dict[str, Any]:
    return {"run_id": r[0], "started_at": r[1], "finished_at": r[2],
            "outcome": r[3] or ("running" if r[2] is None else INTERRUPTED),
            "summary": r[4], "figures": json.loads(r[5] or "{}"), "error": r[6]}


_COLUMNS = "run_id, started_at, finished_at, outcome, summary, figures, error"


def recent_runs(db: sqlite_utils.Database, limit: int = 20) -> list[dict[str, Any]]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM sync_runs ORDER BY run_id DESC LIMIT ?", [limit])
    return [_row(r) for r in rows.fetchall()]


def last_success(db: sqlite_utils.Database) -> dict[str, Any] | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM sync_runs WHERE outcome = 'ok'"
                     " ORDER BY run_id DESC LIMIT 1").fetchone()
    return _row(row) if row else None


def last_run(db: sqlite_utils.Database) -> dict[str, Any] | None:
    runs = recent_runs(db, 1)
    return runs[0] if runs else None
