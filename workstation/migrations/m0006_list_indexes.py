"""Schema 6: searches and lists answered from one index each, without reading case rows.

Case rows are wide (the applicant and the form as JSON), so every row a query
visits is a page read, and in an encrypted store a page decrypted. Here:

- the name grams carry the creation time, the case id and the name, keyed by
  (gram, created_at, case_id): a name search sorted by date walks one index range and
  stops at the page it shows;
- the status, service, clerk and date indexes carry the case id, so that the
  lists filtered by them (the case list's first screen) read the index alone.

Lists sort by time, then by case id: the order every one of these indexes
already holds, so that no query sorts its matches again.
"""

from __future__ import annotations

import sqlite_utils

GRAMS_OF_NEW = """
    INSERT OR IGNORE INTO name_grams (gram, created_at, case_rowid, case_id, name)
    SELECT substr(NEW.applicant_name, n, 2), NEW.created_at, NEW.rowid, NEW.case_id,
           NEW.applicant_name
    FROM gram_positions WHERE n < length(NEW.applicant_name);"""

DROP_GRAMS_OF_OLD = """
    DELETE FROM name_grams WHERE created_at = OLD.created_at AND case_id = OLD.case_id
        AND gram IN (SELECT substr(OLD.applicant_name, n, 2) FROM gram_positions
                     WHERE n < length(OLD.applicant_name));"""

STATEMENTS = [
    "DROP TRIGGER cases_grams_update",
    "DROP TRIGGER cases_grams_delete",
    "DROP TABLE name_grams",
    """CREATE TABLE name_grams (
        gram TEXT NOT NULL,
        created_at TEXT NOT NULL,
        case_id TEXT NOT NULL,
        case_rowid INTEGER NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (gram, created_at, case_id)
    ) WITHOUT ROWID""",
    "INSERT OR IGNORE INTO name_grams (gram, created_at, case_rowid, case_id, name)"
    " SELECT substr(applicant_name, n, 2), created_at, cases.rowid, case_id, applicant_name"
    " FROM cases JOIN gram_positions ON n < length(applicant_name)",
    f"""CREATE TRIGGER cases_grams_update AFTER UPDATE OF applicant_name ON cases
       WHEN NEW.applicant_name IS NOT OLD.applicant_name BEGIN {DROP_GRAMS_OF_OLD} {GRAMS_OF_NEW}
    END""",
    f"CREATE TRIGGER cases_grams_delete AFTER DELETE ON cases BEGIN {DROP_GRAMS_OF_OLD} END",
]

INDEXES = {
    "cases_status": "status, created_at, case_id",
    "cases_created": "created_at, case_id",
    "cases_service": "service_code, created_at, case_id",
    "cases_captured_by": "captured_by, created_at, case_id",
}


def migrate(db: sqlite_utils.Database) -> None:
    for sql in STATEMENTS:
        db.execute(sql)
    for name, columns in INDEXES.items():
        db.execute(f"DROP INDEX {name}")
        db.execute(f"CREATE INDEX {name} ON cases({columns})")
