"""Backups taken while the app writes, restores that refuse damaged backups, and the schedule."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from datetime import datetime, timedelta

import pytest

from cli.main import main
from tests.test_ops_helpers import (
    APPLICANTS,
    add_case,
    blob_file,
    make_store,
    open_store,
    page_shas,
    reset_logging,
)
from workstation import settings
from workstation.errors import StoreError
from workstation.ops_backup import (
    BACKUP_DIR,
    DAILY_AT,
    LAST_ERROR,
    backup,
    list_backups,
    run_scheduled,
    schedule_due,
)
from workstation.ops_restore import restore


@pytest.fixture(autouse=True)
def _clean_logging():
    yield
    reset_logging()


def _check_backup(path) -> int:
    """A backup opens, passes integrity_check, matches its manifest, and holds every page."""
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    db_file = path / "workstation.sqlite"
    from workstation.ops_copy import file_sha256

    assert file_sha256(db_file) == manifest["database"]["sha256"]
    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    cases = conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    conn.close()
    for sha in page_shas(db_file):
        from workstation.ops_copy import copy_verified

        assert blob_file(path, sha).is_file(), sha
        assert copy_verified(blob_file(path, sha), path / "check.tmp", sha) is None
        os.unlink(path / "check.tmp")
    assert manifest["counts"]["cases"] == cases
    assert not (path / "workstation.sqlite-wal").exists()
    return int(cases)


def test_backup_while_the_app_writes(tmp_path):
    data_dir, dest = tmp_path / "d", tmp_path / "usb"
    make_store(data_dir)
    stop, written, errors = threading.Event(), [], []

    def writer():
        ctx = open_store(data_dir)
        try:
            while not stop.is_set():
                written.append(add_case(ctx, APPLICANTS[len(written) % 3], pages=2))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            ctx.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3:
            threading.Event().wait(0.01)
        results = [backup(data_dir, dest) for _ in range(3)]
    finally:
        stop.set()
        thread.join(30)
    assert not errors
    counts = [_check_backup(r.path) for r in results]
    assert all(r.complete for r in results)
    assert counts == sorted(counts) and counts[0] >= 3 + 3  # the three made first, and more
    assert counts[-1] <= len(written) + 3


def test_keep_prunes_the_oldest(tmp_path):
    data_dir, dest = tmp_path / "d", tmp_path / "usb"
    make_store(data_dir)
    first = backup(data_dir, dest, when=datetime(2025, 3, 1, 17, 30))
    backup(data_dir, dest, when=datetime(2025, 3, 2, 17, 30))
    third = backup(data_dir, dest, keep=2, when=datetime(2025, 3, 3, 17, 30))
    assert third.path.name == "workstation-backup-20250303-173000"
    assert [p.name for p in list_backups(dest)] == ["workstation-backup-20250302-173000",
                                                    "workstation-backup-20250303-173000"]
    assert third.pruned == [first.path]
    (dest / "my-photos").mkdir()
    backup(data_dir, dest, keep=1)
    assert (dest / "my-photos").is_dir()  # only our own folders are ever removed


def test_same_second_backups_get_distinct_folders(tmp_path):
    make_store(tmp_path / "d")
    when = datetime(2025, 3, 1, 17, 30)
    a, b = (backup(tmp_path / "d", tmp_path / "usb", when=when) for _ in range(2))
    assert a.path != b.path and len(list_backups(tmp_path / "usb")) == 2


def test_unreachable_destination_says_what_to_do(tmp_path):
    make_store(tmp_path / "d")
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StoreError) as info:
        backup(tmp_path / "d", tmp_path / "file" / "backups")
    assert "U盘" in info.value.message
    # the system's reason in Chinese too, not the C library's English
    assert "路径中有一部分不是文件夹" in info.value.message
    assert "Not a directory" not in info.value.message


def test_system_errors_read_in_the_chosen_language():
    from workstation.i18n import os_error, set_language

    denied = PermissionError(13, "Permission denied", "/media/usb")
    odd = OSError(99999, "Odd failure")
    try:
        set_language("zh_CN")
        assert os_error(denied) == "没有权限（/media/usb）"
        assert os_error(denied, with_file=False) == "没有权限"
        assert os_error(OSError(28, "No space left on device")) == "磁盘空间不足"
        assert os_error(odd) == "系统错误 99999：Odd failure"   # unknown: code and the system's words
        set_language("en")
        assert os_error(denied) == "Permission denied (/media/usb)"
        assert os_error(odd) == "Odd failure"
    finally:
        set_language("zh_CN")


def test_restore_into_a_new_directory(tmp_path):
    data_dir = tmp_path / "d"
    ids = make_store(data_dir)
    result = backup(data_dir, tmp_path / "usb")
    target = tmp_path / "new"
    restored = restore(result.path, target)
    assert restored.moved_aside is None
    ctx = open_store(target)
    try:
        assert {r[0] for r in ctx.db.execute("SELECT case_id FROM cases")} == set(ids)
        for sha in page_shas(target / "workstation.sqlite"):
            ctx.blobs.read(sha)
        assert ctx.office_code == "340822104201"
    finally:
        ctx.close()


def test_restore_refuses_a_damaged_database(tmp_path):
    data_dir = tmp_path / "d"
    make_store(data_dir)
    result = backup(data_dir, tmp_path / "usb")
    db_file = result.path / "workstation.sqlite"
    data = bytearray(db_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    db_file.write_bytes(bytes(data))
    with pytest.raises(StoreError) as info:
        restore(result.path, tmp_path / "new")
    assert "校验值不符" in info.value.message
    assert not (tmp_path / "new").exists() or not any((tmp_path / "new").iterdir())


def test_restore_refuses_a_database_failing_its_integrity_check(tmp_path):
    from tests.test_ops_helpers import damage_table_page
    from workstation.ops_copy import file_sha256

    data_dir = tmp_path / "d"
    make_store(data_dir)
    result = backup(data_dir, tmp_path / "usb")
    db_file = result.path / "workstation.sqlite"
    damage_table_page(db_file)
    manifest = json.loads((result.path / "manifest.json").read_text(encoding="utf-8"))
    manifest["database"]["sha256"] = file_sha256(db_file)  # as if damaged before it was written
    (result.path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(StoreError) as info:
        restore(result.path, tmp_path / "new")
    assert "完整性" in info.value.message or "无法读取" in info.value.message


def test_restore_refuses_a_damaged_page_file(tmp_path):
    data_dir = tmp_path / "d"
    make_store(data_dir)
    result = backup(data_dir, tmp_path / "usb")
    sha = page_shas(result.path / "workstation.sqlite")[0]
    blob_file(result.path, sha).write_bytes(b"bit rot")
    with pytest.raises(StoreError) as info:
        restore(result.path, tmp_path / "new")
    assert sha[:12] in info.value.message


def test_restore_refuses_a_non_empty_directory_unless_forced(tmp_path):
    source, target = tmp_path / "d", tmp_path / "live"
    make_store(source)
    result = backup(source, tmp_path / "usb")
    make_store(target)
    before = (target / "workstation.sqlite").read_bytes()
    with pytest.raises(StoreError) as info:
        restore(result.path, target)
    assert "--force" in info.value.message
    assert (target / "workstation.sqlite").read_bytes() == before

    restored = restore(result.path, target, force=True)
    aside = restored.moved_aside
    assert aside is not None and aside.name.startswith("live.before-restore-")
    assert (aside / "workstation.sqlite").read_bytes() == before  # kept, never deleted
    assert page_shas(target / "workstation.sqlite") == page_shas(source / "workstation.sqlite")


def test_a_directory_holding_only_logs_counts_as_empty(tmp_path):
    make_store(tmp_path / "d")
    result = backup(tmp_path / "d", tmp_path / "usb")
    (tmp_path / "new" / "logs").mkdir(parents=True)
    (tmp_path / "new" / "logs" / "cli.log").write_text("earlier runs\n")
    assert restore(result.path, tmp_path / "new").moved_aside is None
    assert (tmp_path / "new" / "logs" / "cli.log").read_text() == "earlier runs\n"


@pytest.mark.skipif(os.name == "nt", reason="no flock on Windows")
def test_restore_refuses_while_the_store_is_open(tmp_path):
    make_store(tmp_path / "d")
    result = backup(tmp_path / "d", tmp_path / "usb")
    ctx = open_store(tmp_path / "live")
    try:
        with pytest.raises(StoreError) as info:
            restore(result.path, tmp_path / "live", force=True)
    finally:
        ctx.close()
    assert "关闭" in info.value.message


def test_restore_of_a_folder_of_backups_names_the_newest(tmp_path):
    make_store(tmp_path / "d")
    backup(tmp_path / "d", tmp_path / "usb", when=datetime(2025, 1, 1))
    newest = backup(tmp_path / "d", tmp_path / "usb", when=datetime(2025, 1, 2))
    with pytest.raises(StoreError) as info:
        restore(tmp_path / "usb", tmp_path / "new")
    assert str(newest.path) in info.value.message


def test_encrypted_store_backs_up_sealed_and_restores(tmp_path):
    from workstation.ops_store import store_keys

    data_dir = tmp_path / "d"
    make_store(data_dir, encrypt=True)
    result = backup(data_dir, tmp_path / "usb")
    assert result.complete and result.manifest["blobs"]["count"] == 6
    assert not (result.path / "workstation.sqlite").read_bytes().startswith(b"SQLite format 3")
    sha = page_shas(data_dir / "workstation.sqlite", store_keys(data_dir).db_key)[0]
    assert blob_file(result.path, sha).read_bytes()[:4] == b"WSB1"  # sealed on the USB drive too
    restore(result.path, tmp_path / "new")
    ctx = open_store(tmp_path / "new")
    try:
        assert len(ctx.blobs.read(sha)) == 2048
        assert ctx.db.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 3
    finally:
        ctx.close()


def test_cli_backup_and_restore(tmp_path, capsys):
    make_store(tmp_path / "d")
    assert main(["--data-dir", str(tmp_path / "d"), "backup", str(tmp_path / "usb"), "--keep", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["complete"] and out["manifest"]["counts"]["cases"] == 3
    code = main(["--data-dir", str(tmp_path / "new"), "restore", out["path"]])
    assert code == 0 and "3 个办件" in capsys.readouterr().out
    code = main(["--data-dir", str(tmp_path / "new"), "restore", out["path"]])
    assert code == 1 and "--force" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path / "new"), "restore", out["path"], "--force"]) == 0


# --- the daily schedule ---------------------------------------------------------------------


def test_schedule(tmp_path):
    ctx = open_store(tmp_path / "d")
    try:
        day = datetime(2025, 3, 3, 9, 0).astimezone()
        assert not schedule_due(ctx, day)  # not configured
        settings.put(ctx.db, BACKUP_DIR, str(tmp_path / "usb"))
        settings.put(ctx.db, DAILY_AT, "17:30")
        assert schedule_due(ctx, day)  # never backed up: at once
        run_scheduled(ctx, day)
        assert not schedule_due(ctx, day + timedelta(hours=8))       # 17:00
        assert schedule_due(ctx, day + timedelta(hours=8, minutes=31))  # 17:31
        run_scheduled(ctx, day + timedelta(hours=8, minutes=31))
        assert not schedule_due(ctx, day + timedelta(days=1))        # next morning
        assert schedule_due(ctx, day + timedelta(days=1, hours=9))   # next evening
        assert len(list_backups(tmp_path / "usb")) == 2
    finally:
        ctx.close()


def test_schedule_failure_is_recorded_and_retried_later(tmp_path):
    ctx = open_store(tmp_path / "d")
    try:
        (tmp_path / "file").write_text("a file, not a drive")
        settings.put(ctx.db, BACKUP_DIR, str(tmp_path / "file" / "usb"))
        settings.put(ctx.db, DAILY_AT, "17:30")
        evening = datetime(2025, 3, 3, 18, 0).astimezone()
        with pytest.raises(StoreError):
            run_scheduled(ctx, evening)
        assert "U盘" in settings.get(ctx.db, LAST_ERROR)
        assert not schedule_due(ctx, evening + timedelta(minutes=10))
        assert schedule_due(ctx, evening + timedelta(hours=1, minutes=1))
    finally:
        ctx.close()


def test_encrypted_backup_on_a_new_computer_needs_the_recovery_key(tmp_path):
    import keyring

    from workstation import keys

    data_dir = tmp_path / "d"
    make_store(data_dir, encrypt=True)
    result = backup(data_dir, tmp_path / "usb")
    store_id = keys.load_meta(data_dir).store_id
    code = keys.recovery_code(keys.load_key(store_id))
    keyring.delete_password(keys.SERVICE, f"data-key:{store_id}")  # as on a new computer

    with pytest.raises(StoreError) as info:
        restore(result.path, tmp_path / "new")
    assert "--recovery-key" in info.value.message
    assert not (tmp_path / "new" / "workstation.sqlite").exists()
    with pytest.raises(StoreError) as info:
        restore(result.path, tmp_path / "new", recovery_code="AAAA-" * 12 + "AAAA")
    assert "恢复密钥不对" in info.value.title

    restore(result.path, tmp_path / "new", recovery_code=code)
    assert keys.load_key(store_id)  # back in this computer's keyring
    ctx = open_store(tmp_path / "new")
    try:
        assert ctx.db.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 3
    finally:
        ctx.close()
