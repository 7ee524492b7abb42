"""Schema 7: the audit log's ``hash`` column without a UNIQUE index.

Nothing looks an entry up by its hash (``audit verify`` walks the chain by
sequence number), yet the index was about 40 % of the pages every audited
commit wrote. A repeated hash cannot go unnoticed anyway: each entry's hash
covers the previous one, so ``audit verify`` finds it. The table is rebuilt
with the same rows, index and append-only triggers.
"""

from __future__ import annotations

import sqlite_utils

STATEMENTS = [
    """CREATE TABLE audit_log_new (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        case_id TEXT,
        detail TEXT NOT NULL DEFAULT '{}',
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    "INSERT INTO audit_log_new (seq, at, actor, action, case_id, detail, prev_hash, hash)"
    " SELECT seq, at, actor, action, case_id, detail, prev_hash, hash FROM audit_log ORDER BY seq",
    "DROP TABLE audit_log",  # its triggers and index go with it; a DROP fires no trigger
    "ALTER TABLE audit_log_new RENAME TO audit_log",
    "CREATE INDEX audit_case ON audit_log(case_id, seq)",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
]


def migrate(db: sqlite_utils.Database) -> None:
    for sql in STATEMENTS:
        db.execute(sql)
