"""Audit chain and staff accounts."""

from __future__ import annotations

import hashlib
import json

import pytest

from workstation import accounts, audit
from workstation.db import DATABASE_ERRORS, write
from workstation.errors import AuthenticationFailed, PermissionDenied, ValidationFailed

from .conftest import PASSWORD


def test_audit_chain_verifies_and_is_append_only(ctx):
    with write(ctx.db):
        audit.append(ctx.db, "clerk1", "case.view", "c1", {"note": "看"})
    result = audit.verify(ctx.db)
    assert result.ok and result.entries >= 5
    with pytest.raises(DATABASE_ERRORS):
        ctx.db.execute("UPDATE audit_log SET actor = 'x' WHERE seq = 1")
    with pytest.raises(DATABASE_ERRORS):
        ctx.db.execute("DELETE FROM audit_log WHERE seq = 1")


@pytest.mark.parametrize("detail", [
    None, {}, {"county_ref": "AQ-HX-2026-0000001"}, {"note": "看\"\\\n\u0001", "b": "2", "a": "1"},
    {"status": "returned", "reason": None}, {"revision": 2, "codes": ["x"]}, {"caught_up": True, "s": "é"},
])
def test_details_are_stored_as_json_dumps_writes_them(detail):
    # The chain of every existing store was hashed over json.dumps(sort_keys=True) text.
    expected = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True)
    assert audit.encode_detail(detail) == expected


def test_entry_hash_is_sha256_of_the_link_and_the_entry():
    body = json.dumps([7, "t", "sync", "case.sent", "c1", "{}"], ensure_ascii=False, separators=(",", ":"))
    expected = hashlib.sha256(f"{'a' * 64}\n{body}".encode()).hexdigest()
    assert audit.entry_hash("a" * 64, 7, "t", "sync", "case.sent", "c1", "{}") == expected
    assert audit.entry_hash("a" * 64, 7, "t", "sync", "case.sent", "c1", "{}") == expected  # twice: no state kept


def test_entries_for_cases_are_the_entries_append_many_writes(ctx, monkeypatch):
    monkeypatch.setattr(audit, "now_iso", lambda: "2026-11-25T08:00:00+08:00")
    entries = [("c1", {"service": "s", "status": "draft"}), ("c\"2", {"service": "事项", "status": "draft"}),
               ("c3", {"service": "s", "status": "draft"})]
    written = []
    for append in (
        lambda: audit.append_many(ctx.db, [audit.AuditEntry("agent1", "case.import", c, d) for c, d in entries]),
        lambda: audit.append_for_cases(ctx.db, "agent1", "case.import",
                                       [(c, audit.encode_detail(d)) for c, d in entries]),
    ):
        with write(ctx.db):
            append()
        written.append(ctx.db.execute("SELECT at, actor, action, case_id, detail FROM audit_log"
                                      " ORDER BY seq DESC LIMIT 3").fetchall())
    assert written[0] == written[1]
    assert audit.verify(ctx.db).ok


def _tamper(ctx, sql):
    """What someone with the database (and its key) could do by going around the app."""
    ctx.db.execute("DROP TRIGGER audit_no_update")
    ctx.db.execute("DROP TRIGGER audit_no_delete")
    ctx.db.execute(sql)


def test_edited_entry_is_detected(ctx):
    _tamper(ctx, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    result = audit.verify(ctx.db)
    assert not result.ok and result.broken_at == 2


def test_deleted_entry_is_detected(ctx):
    _tamper(ctx, "DELETE FROM audit_log WHERE seq = 3")
    result = audit.verify(ctx.db)
    assert not result.ok and result.broken_at == 4


def test_password_is_hashed_with_scrypt(ctx):
    stored = ctx.db.execute("SELECT password_hash FROM users WHERE username='clerk1'").fetchone()[0]
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    assert accounts.authenticate(ctx.db, "clerk1", PASSWORD).role == "clerk"


def test_five_wrong_passwords_lock_the_account(ctx):
    for _ in range(4):
        with pytest.raises(AuthenticationFailed) as info:
            accounts.authenticate(ctx.db, "clerk1", "wrong password")
        assert "不正确" in info.value.title
    with pytest.raises(AuthenticationFailed) as info:
        accounts.authenticate(ctx.db, "clerk1", "wrong password")
    assert "锁定" in info.value.title
    with pytest.raises(AuthenticationFailed) as info:  # even the right password now
        accounts.authenticate(ctx.db, "clerk1", PASSWORD)
    assert "锁定" in info.value.title
    ctx.db.execute("UPDATE users SET locked_until = '2000-01-01T00:00:00+00:00' WHERE username='clerk1'")
    assert accounts.authenticate(ctx.db, "clerk1", PASSWORD).username == "clerk1"


def test_admin_resets_password_and_others_cannot(ctx):
    with pytest.raises(PermissionDenied):
        accounts.set_password(ctx.db, "clerk1", "new secret 22", actor="agent1")
    accounts.set_password(ctx.db, "clerk1", "new secret 22", actor="admin")
    assert accounts.authenticate(ctx.db, "clerk1", "new secret 22")
    last = ctx.db.execute("SELECT action, actor FROM audit_log ORDER BY seq DESC LIMIT 2").fetchall()
    assert ("user.password_reset", "admin") in last


def test_password_rules_and_roles(ctx):
    with pytest.raises(ValidationFailed):
        accounts.add_user(ctx.db, "x1", "clerk", "short", actor="admin")
    with pytest.raises(ValidationFailed):
        accounts.add_user(ctx.db, "x2", "clerk", "11111111111", actor="admin")
    with pytest.raises(ValidationFailed):
        accounts.add_user(ctx.db, "x3", "boss", PASSWORD, actor="admin")
    with pytest.raises(ValidationFailed):
        accounts.add_user(ctx.db, "clerk1", "clerk", PASSWORD, actor="admin")


def test_disabling_accounts_rules(ctx):
    from workstation.accounts import set_active

    with pytest.raises(PermissionDenied):
        set_active(ctx.db, "agent1", False, actor="clerk1")
    with pytest.raises(PermissionDenied):
        set_active(ctx.db, "admin", False, actor="admin")
    set_active(ctx.db, "agent1", False, actor="admin")
    with pytest.raises(AuthenticationFailed):
        accounts.authenticate(ctx.db, "agent1", PASSWORD)
    with pytest.raises(PermissionDenied):
        accounts.acting_user(ctx.db, "agent1")
    set_active(ctx.db, "agent1", True, actor="admin")
    assert accounts.authenticate(ctx.db, "agent1", PASSWORD).username == "agent1"


def test_schema_7_keeps_the_chain_and_the_append_only_rules(tmp_path, monkeypatch):
    from workstation import migrations
    from workstation.db import connect

    path = tmp_path / "w.sqlite"
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:6])
    db = connect(path)
    with write(db):
        for n in range(5):
            audit.append(db, "admin", "test.entry", None, {"n": n})
    before = db.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()
    db.close()
    monkeypatch.undo()
    db = connect(path)
    assert db.execute("SELECT * FROM audit_log ORDER BY seq").fetchall() == before
    assert audit.verify(db).ok
    unique = [r for r in db.execute("PRAGMA index_list(audit_log)") if r[2]]
    assert unique == []  # the hash column's index is gone
    for sql in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DATABASE_ERRORS, match="append-only"):
            db.execute(sql)
    with write(db):
        audit.append(db, "admin", "test.after", None, {})
    assert audit.verify(db).ok
    db.close()
