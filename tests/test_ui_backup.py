"""Backups from the app: the Backup settings tab, "back up now", and the daily schedule."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

pytest.importorskip("pytestqt")

from tests.test_ui_shell import WAIT_MS, sign_in, state, window  # noqa: E402,F401  (fixtures)
from workstation import settings  # noqa: E402
from workstation.ops_backup import BACKUP_DIR, DAILY_AT, KEEP, LAST_AT, LAST_ERROR, list_backups  # noqa: E402


def settings_dialog(qtbot, window):  # noqa: F811
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.state, window)
    qtbot.addWidget(dialog)
    return dialog


def test_admin_sets_a_daily_backup_and_backs_up_now(qtbot, window, ctx, tmp_path):  # noqa: F811
    sign_in(qtbot, window)
    dialog = settings_dialog(qtbot, window)
    folder = tmp_path / "usb"
    dialog.backup_dir.setText(str(folder))
    dialog.backup_daily.setChecked(True)
    dialog.backup_time.setTime(dialog.backup_time.time().fromString("18:05", "HH:mm"))
    dialog.backup_keep.setValue(3)
    dialog.back_up_now()
    qtbot.waitUntil(lambda: dialog.backup_now.isEnabled(), timeout=WAIT_MS)
    assert str(folder) in dialog.backup_status.text()
    assert len(list_backups(folder)) == 1 and settings.get(ctx.db, LAST_AT)
    dialog.save()
    qtbot.waitUntil(lambda: settings.get(ctx.db, DAILY_AT) == "18:05", timeout=WAIT_MS)
    assert settings.get(ctx.db, BACKUP_DIR) == str(folder) and settings.get(ctx.db, KEEP) == 3


def test_back_up_now_without_a_folder_says_what_to_do(qtbot, window):  # noqa: F811
    sign_in(qtbot, window)
    dialog = settings_dialog(qtbot, window)
    dialog.backup_dir.clear()
    dialog.back_up_now()
    assert "备份位置" in dialog.backup_status.text()


def test_a_clerk_sees_the_backup_settings_but_cannot_change_them(qtbot, window):  # noqa: F811
    sign_in(qtbot, window, "clerk1")
    dialog = settings_dialog(qtbot, window)
    assert not dialog.backup_dir.isEnabled() and not dialog.backup_now.isEnabled()
    assert BACKUP_DIR not in dialog.values()


def due_backup(qtbot, window, ctx, folder) -> tuple[datetime, list[tuple[bool, str]]]:  # noqa: F811
    """Plan a daily backup into ``folder`` that was due five minutes ago; run the first check."""
    now = datetime.now().astimezone()
    settings.put(ctx.db, BACKUP_DIR, str(folder))
    settings.put(ctx.db, DAILY_AT, (now - timedelta(minutes=5)).strftime("%H:%M"))
    outcomes: list[tuple[bool, str]] = []
    window.backups.finished.connect(lambda ok, text: outcomes.append((ok, text)))
    window.backups.check(now)
    qtbot.waitUntil(lambda: bool(outcomes), timeout=WAIT_MS)
    return now, outcomes


def test_the_scheduler_backs_up_once_when_due_and_reports_it(qtbot, window, ctx, tmp_path):  # noqa: F811
    folder = tmp_path / "share"
    now, outcomes = due_backup(qtbot, window, ctx, folder)
    assert outcomes[0][0] and str(folder) in outcomes[0][1]
    assert len(list_backups(folder)) == 1
    window.backups.check(now + timedelta(minutes=1))  # done for today: nothing more
    qtbot.waitUntil(lambda: not window.backups.busy, timeout=WAIT_MS)
    assert len(list_backups(folder)) == 1 and len(outcomes) == 1


def test_a_failed_scheduled_backup_stays_visible_until_one_succeeds(qtbot, window, ctx, tmp_path):  # noqa: F811
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the USB drive should be")
    now, outcomes = due_backup(qtbot, window, ctx, blocker)
    assert outcomes[0][0] is False and "备份位置" in outcomes[0][1]
    assert window.status.backup_problem.isVisibleTo(window) and settings.get(ctx.db, LAST_ERROR)
    settings.put(ctx.db, BACKUP_DIR, str(tmp_path / "usb"))  # the drive is plugged in
    window.backups.check(now + timedelta(hours=1, minutes=1))  # retried an hour later
    qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=WAIT_MS)
    assert outcomes[1][0] and not window.status.backup_problem.isVisibleTo(window)
