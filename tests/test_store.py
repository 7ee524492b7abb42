"""The SQLite store: pragmas, migrations, refusal of newer databases."""

from __future__ import annotations

import sqlite3

import pytest

from workstation.context import Context
from workstation.db import connect, latest_version, schema_version
from workstation.errors import StoreError
from workstation.migrations import MIGRATIONS, apply_migrations


def test_new_store_is_wal_with_foreign_keys(tmp_path):
    with Context.open(tmp_path / "d") as ctx:
        assert ctx.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert ctx.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert schema_version(ctx.db) == latest_version()
        assert (tmp_path / "d" / "workstation.sqlite").is_file()
        assert (tmp_path / "d" / "blobs").is_dir()


def test_database_from_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "w.sqlite"
    connect(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {latest_version() + 5}")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        connect(path)
    assert "更新版本" in info.value.title
    assert path.read_bytes() == before


def test_older_database_is_upgraded(tmp_path, monkeypatch):
    path = tmp_path / "w.sqlite"
    connect(path).close()
    added = (latest_version() + 1, "test_step",
             lambda db: db.execute("CREATE TABLE later_table (x INTEGER)"))
    monkeypatch.setattr("workstation.migrations.MIGRATIONS", [*MIGRATIONS, added])
    db = connect(path)
    assert schema_version(db) == latest_version() + 1
    assert "later_table" in db.table_names()
    db.close()


def test_failed_upgrade_leaves_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "w.sqlite"
    connect(path).close()
    version = latest_version()

    def good(db):
        db.execute("CREATE TABLE half_done (x INTEGER)")

    def bad(db):
        raise RuntimeError("boom")

    monkeypatch.setattr("workstation.migrations.MIGRATIONS",
                        [*MIGRATIONS, (version + 1, "good", good), (version + 2, "bad", bad)])
    with pytest.raises(StoreError) as info:
        connect(path)
    assert "boom" in info.value.message
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == version
    names = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in names


def test_not_a_database_gives_clear_error(tmp_path):
    path = tmp_path / "w.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError) as info:
        connect(path)
    assert "doctor" in info.value.message


def test_migrations_apply_once(tmp_path):
    db = connect(tmp_path / "w.sqlite")
    assert apply_migrations(db) == []


def test_data_dir_resolution(tmp_path, monkeypatch):
    from workstation.paths import resolve_data_dir

    monkeypatch.setenv("WORKSTATION_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "explicit") == (tmp_path / "explicit").resolve()
    assert resolve_data_dir(None) == (tmp_path / "env").resolve()
    monkeypatch.delenv("WORKSTATION_DATA_DIR")
    assert "township-workstation" in str(resolve_data_dir(None))


def test_sqlite_utils_plugins_never_run_on_the_store(tmp_path):
    """A sqlite-utils plugin installed beside the app would see every connection."""
    import sqlite_utils
    from sqlite_utils.plugins import pm

    from workstation.context import Context

    touched = []

    class Plugin:
        @sqlite_utils.hookimpl
        def prepare_connection(self, conn):
            touched.append(conn)

    plugin = Plugin()
    pm.register(plugin)
    try:
        sqlite_utils.Database(memory=True)  # as sqlite-utils does by default
        assert len(touched) == 1
        with Context.open(tmp_path / "data", encrypt=False) as ctx:
            ctx.db.execute("SELECT 1")
        assert len(touched) == 1
    finally:
        pm.unregister(plugin)


def test_schema_8_keeps_the_outbox_and_refuses_the_same_states(tmp_path, monkeypatch):
    import random

    from sync import outbox
    from workstation import accounts, migrations
    from workstation.cases import insert_cases
    from workstation.db import DATABASE_ERRORS, write
    from workstation.demo import fake_applicant
    from workstation.ids import new_case_id
    from workstation.office import init_office

    from .conftest import OFFICE, PASSWORD

    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:7])
    with Context.open(tmp_path / "d") as ctx:
        init_office(ctx, OFFICE, "桃花村", "admin", PASSWORD)
        accounts.add_user(ctx.db, "agent1", "village_agent", PASSWORD, actor="admin")
        rng, actor = random.Random(8), accounts.acting_user(ctx.db, "agent1")
        ids = [new_case_id() for _ in range(5)]
        with write(ctx.db):
            insert_cases(ctx, [(i, "allowance", "1", fake_applicant(rng, OFFICE), {}) for i in ids],
                         actor, status="ready")
        outbox.refresh(ctx)
        with write(ctx.db):
            outbox.set_state(ctx.db, ids[0], outbox.QUARANTINED, error="{}")
        before = ctx.db.execute("SELECT * FROM sync_cases ORDER BY case_id").fetchall()
    monkeypatch.undo()
    with Context.open(tmp_path / "d") as ctx:
        assert schema_version(ctx.db) == 8
        assert ctx.db.execute("SELECT * FROM sync_cases ORDER BY case_id").fetchall() == before
        assert outbox.counts(ctx.db)["quarantined"] == 1 and outbox.counts(ctx.db)["waiting"] == 4
        assert [r[1] for r in ctx.db.execute("PRAGMA index_list(sync_cases)") if r[1] == "sync_cases_state"]
        for state in outbox.WAITING, outbox.BLOCKED, outbox.IN_BATCH, outbox.SENT, outbox.QUARANTINED:
            with write(ctx.db):
                outbox.set_state(ctx.db, ids[1], state)
        for wrong in ("done", "", "Waiting"):
            with pytest.raises(DATABASE_ERRORS, match="CHECK"), write(ctx.db):
                outbox.set_state(ctx.db, ids[1], wrong)
        with pytest.raises(DATABASE_ERRORS):  # still a case's row: the case must exist
            ctx.db.execute("INSERT INTO sync_cases (case_id, state, revision, edit_seq, updated_at)"
                           " VALUES ('nope', 'waiting', 1, 0, 'x')")


def test_write_ahead_log_is_cut_back_after_a_large_transaction(tmp_path, monkeypatch):
    from workstation import db as store_db
    from workstation.context import Context
    from workstation.db import write

    monkeypatch.setattr(store_db, "WAL_SIZE_LIMIT", 1024 * 1024)
    with Context.open(tmp_path / "data", encrypt=False) as ctx:
        wal = ctx.data_dir / "workstation.sqlite-wal"
        with write(ctx.db):
            ctx.db.execute("CREATE TABLE scratch (b BLOB)")
            ctx.db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                           " WHERE i < 2000) INSERT INTO scratch SELECT randomblob(4096) FROM n")
        assert wal.stat().st_size > 8 * 1024 * 1024
        ctx.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        with write(ctx.db):
            ctx.db.execute("DELETE FROM scratch WHERE rowid = 1")
        assert wal.stat().st_size <= 1024 * 1024
