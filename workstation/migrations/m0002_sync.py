"""Schema 2: the sync engine's persisted state (outbox, frozen batches, blobs, runs).

Every table here is bookkeeping about talking to the county; none holds case
content, so the sync engine may rebuild its view from ``cases`` at any time.
What cannot be rebuilt is kept here on purpose: a batch's id and its exact
payload are stored before the first send, so a crash or a lost answer always
replays the same batch, never a new one for cases the county may already hold.
"""

from __future__ import annotations

import sqlite_utils

STATEMENTS = [
    # One row per case the engine has dealt with: where it stands in the outbox.
    # ``revision``/``edit_seq`` say which version of the case the state is about,
    # so an edit (new edit_seq) makes a quarantined or sent case eligible again.
    """CREATE TABLE sync_cases (
        case_id TEXT PRIMARY KEY REFERENCES cases(case_id),
        state TEXT NOT NULL CHECK (state IN
            ('waiting', 'blocked', 'in_batch', 'sent', 'quarantined')),
        revision INTEGER NOT NULL,
        edit_seq INTEGER NOT NULL,
        batch_id TEXT,
        county_ref TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX sync_cases_state ON sync_cases(state)",
    # A frozen batch: ``payload`` is the gzip body sent on every attempt, byte for byte.
    """CREATE TABLE sync_batches (
        batch_id TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('open', 'done', 'failed', 'split')),
        created_at TEXT NOT NULL,
        case_count INTEGER NOT NULL,
        json_bytes INTEGER NOT NULL,
        payload BLOB NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at TEXT,
        done_at TEXT,
        error TEXT
    )""",
    "CREATE INDEX sync_batches_state ON sync_batches(state, created_at)",
    """CREATE TABLE sync_batch_cases (
        batch_id TEXT NOT NULL REFERENCES sync_batches(batch_id),
        case_id TEXT NOT NULL REFERENCES cases(case_id),
        position INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        edit_seq INTEGER NOT NULL,
        outcome TEXT,
        PRIMARY KEY (batch_id, case_id)
    )""",
    "CREATE INDEX sync_batch_cases_case ON sync_batch_cases(case_id)",
    # What the engine believes the county holds; 'present' is only ever set from
    # a county answer (HEAD 200, PUT 200/201) and is reset by a missing_blob rejection.
    """CREATE TABLE sync_blobs (
        sha256 TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('pending', 'present', 'damaged', 'refused')),
        county_offset INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX sync_blobs_state ON sync_blobs(state)",
    """CREATE TABLE sync_runs (
        run_id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        outcome TEXT,
        summary TEXT NOT NULL DEFAULT '',
        figures TEXT NOT NULL DEFAULT '{}',
        error TEXT
    )""",
    # Problems that belong to no single case (an invalid catalog definition, an
    # update about an unknown case): kept for staff and IT to see.
    """CREATE TABLE sync_issues (
        issue_id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        subject TEXT,
        title TEXT NOT NULL,
        message TEXT NOT NULL
    )""",
    "CREATE INDEX sync_issues_at ON sync_issues(at)",
    # County updates already applied: the county may send one again, and a
    # second application must change nothing even when two updates share a time.
    """CREATE TABLE sync_applied_updates (
        case_id TEXT NOT NULL,
        at TEXT NOT NULL,
        status TEXT NOT NULL,
        applied_at TEXT NOT NULL,
        PRIMARY KEY (case_id, at, status)
    )""",
]


def migrate(db: sqlite_utils.Database) -> None:
    for sql in STATEMENTS:
        db.execute(sql)
