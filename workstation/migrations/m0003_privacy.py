"""Schema 3: password history and retention of scans."""

from __future__ import annotations

import sqlite_utils


def migrate(db: sqlite_utils.Database) -> None:
    # The last few password hashes, so that a new password is not an old one.
    db.execute("ALTER TABLE users ADD COLUMN password_history TEXT NOT NULL DEFAULT '[]'")
    # When the scans of a completed case were deleted under the retention rule.
    db.execute("ALTER TABLE cases ADD COLUMN scans_purged_at TEXT")
    db.execute("CREATE INDEX cases_county_status ON cases(county_status, county_updated_at)")
