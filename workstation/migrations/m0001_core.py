"""Schema 1: settings, staff, cases, documents, pages, blobs, audit log."""

from __future__ import annotations

import sqlite_utils

STATEMENTS = [
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE users (
        username TEXT PRIMARY KEY,
        display_name TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL CHECK (role IN ('village_agent', 'clerk', 'admin')),
        password_hash TEXT NOT NULL,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        password_changed_at TEXT NOT NULL
    )""",
    """CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    )""",
    """CREATE TABLE cases (
        case_id TEXT PRIMARY KEY,
        local_no TEXT NOT NULL UNIQUE,
        revision INTEGER NOT NULL DEFAULT 1,
        service_code TEXT NOT NULL,
        form_version TEXT NOT NULL,
        status TEXT NOT NULL,
        applicant_name TEXT NOT NULL DEFAULT '',
        id_number TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        division_code TEXT NOT NULL DEFAULT '',
        applicant TEXT NOT NULL DEFAULT '{}',
        fields TEXT NOT NULL DEFAULT '{}',
        shortfall TEXT,
        captured_by TEXT NOT NULL REFERENCES users(username),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        ready_at TEXT,
        edit_seq INTEGER NOT NULL DEFAULT 0,
        county_ref TEXT,
        county_status TEXT,
        county_reason TEXT,
        county_updated_at TEXT
    )""",
    "CREATE INDEX cases_status ON cases(status, created_at)",
    "CREATE INDEX cases_created ON cases(created_at)",
        "CREATE INDEX cases_id_number ON cases(id_number)",
    "CREATE INDEX cases_phone ON cases(phone)",
    "CREATE INDEX cases_county_ref ON cases(county_ref)",
    "CREATE INDEX cases_service ON cases(service_code, created_at)",
    "CREATE INDEX cases_captured_by ON cases(captured_by, created_at)",
    # Two-character pieces of applicant names, so that a two-character query
    # (a whole Chinese name) is an index lookup instead of a scan; FTS5's
    # trigram tokenizer needs at least three characters. New cases add theirs
    # in cases.insert_cases (a trigger costs five times more per insert);
    # triggers keep them right when a name changes or a case is deleted.
    "CREATE TABLE gram_positions (n INTEGER PRIMARY KEY)",
    "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 63)"
    " INSERT INTO gram_positions (n) SELECT n FROM s",
    """CREATE TABLE name_grams (
        gram TEXT NOT NULL,
        case_rowid INTEGER NOT NULL,
        PRIMARY KEY (gram, case_rowid)
    ) WITHOUT ROWID""",
    """CREATE TRIGGER cases_grams_update AFTER UPDATE OF applicant_name ON cases
       WHEN NEW.applicant_name IS NOT OLD.applicant_name BEGIN
        DELETE FROM name_grams WHERE case_rowid = OLD.rowid AND gram IN
            (SELECT substr(OLD.applicant_name, n, 2) FROM gram_positions
             WHERE n < length(OLD.applicant_name));
        INSERT OR IGNORE INTO name_grams (gram, case_rowid)
        SELECT substr(NEW.applicant_name, n, 2), NEW.rowid FROM gram_positions
        WHERE n < length(NEW.applicant_name);
    END""",
    """CREATE TRIGGER cases_grams_delete AFTER DELETE ON cases BEGIN
        DELETE FROM name_grams WHERE case_rowid = OLD.rowid AND gram IN
            (SELECT substr(OLD.applicant_name, n, 2) FROM gram_positions
             WHERE n < length(OLD.applicant_name));
    END""",
    """CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE documents (
        doc_id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases(case_id),
        kind TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
    )""",
    "CREATE INDEX documents_case ON documents(case_id)",
    """CREATE TABLE pages (
        doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        sha256 TEXT NOT NULL REFERENCES blobs(sha256),
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        width INTEGER,
        height INTEGER,
        dpi INTEGER,
        thumb_sha256 TEXT REFERENCES blobs(sha256),
        blank_score REAL,
        PRIMARY KEY (doc_id, position)
    )""",
    "CREATE INDEX pages_sha256 ON pages(sha256)",
    # Service definitions fetched from the county; they extend or replace the
    # built-in catalog, and old versions stay because cases keep theirs.
    """CREATE TABLE county_catalog (
        code TEXT NOT NULL,
        version TEXT NOT NULL,
        definition TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (code, version)
    )""",
    """CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        case_id TEXT,
        detail TEXT NOT NULL DEFAULT '{}',
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE
    )""",
    "CREATE INDEX audit_case ON audit_log(case_id, seq)",
    # The log is append-only: the database itself refuses edits and deletions,
    # so that only someone bypassing the app can tamper, and the chain shows it.
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
]


def migrate(db: sqlite_utils.Database) -> None:
    for sql in STATEMENTS:
        db.execute(sql)
