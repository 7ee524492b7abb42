"""The application shell on real widgets and a real store: sign-in, first run, idle lock, language."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from tests.conftest import OFFICE, PASSWORD  # noqa: E402

WAIT_MS = 15_000


@pytest.fixture
def state(ctx):
    from ui.ops import OpRunner
    from ui.state import AppState

    ops = OpRunner(ctx)
    yield AppState(ctx, ops)
    ops.close()


@pytest.fixture
def window(qtbot, state):
    from ui.main_window import MainWindow

    win = MainWindow(state)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.sync.stop()
    from ui.translations import install_language

    install_language("zh_CN")


def sign_in(qtbot, win, username: str = "admin", password: str = PASSWORD) -> None:
    win.login.username.setText(username)
    win.login.password.setText(password)
    win.login.submit()
    qtbot.waitUntil(lambda: win.work is not None and win.stack.currentWidget() is win.work,
                    timeout=WAIT_MS)


def test_wrong_password_says_so_and_keeps_the_user_on_sign_in(qtbot, window):
    window.login.username.setText("clerk1")
    window.login.password.setText("wrong password 1")
    window.login.submit()
    qtbot.waitUntil(lambda: window.login.error_message() != "", timeout=WAIT_MS)
    assert "用户名或密码不正确" in window.login.error_message()
    assert "5" in window.login.error_message()  # how many tries lock the account
    assert window.stack.currentWidget() is window.login
    assert window.login.password.text() == ""
    assert not window.toolbar.isVisible()


def test_five_wrong_passwords_lock_the_account(qtbot, window):
    for _ in range(5):
        window.login.username.setText("clerk1")
        window.login.password.setText("wrong password 1")
        window.login.submit()
        qtbot.waitUntil(lambda: not window.login.busy(), timeout=WAIT_MS)
    assert "账号已锁定" in window.login.error_message()
    window.login.password.setText(PASSWORD)  # even the right password now waits
    window.login.submit()
    qtbot.waitUntil(lambda: not window.login.busy(), timeout=WAIT_MS)
    assert "账号已锁定" in window.login.error_message()
    assert window.work is None


def test_sign_in_shows_the_case_list_and_user(qtbot, window):
    sign_in(qtbot, window, "clerk1")
    assert window.work.currentWidget() is window.case_list
    assert "clerk1" in window.status.who.text() and "窗口人员" in window.status.who.text()
    assert not window.actions_by_name["users"].isVisible()  # admin only


def test_garbage_collection_resumes_once_the_list_is_painted_after_sign_in(qtbot, window):
    import gc

    was_enabled = gc.isenabled()
    gc.disable()  # as the start leaves it (ui._pause_collection)
    try:
        sign_in(qtbot, window, "clerk1")
        qtbot.waitUntil(gc.isenabled, timeout=WAIT_MS)
    finally:
        if was_enabled:
            gc.enable()


def test_sign_out_returns_to_sign_in(qtbot, window):
    sign_in(qtbot, window)
    window.sign_out()
    assert window.stack.currentWidget() is window.login
    assert window.state.user is None and window.work is None


def test_first_run_creates_office_and_admin(qtbot, tmp_path):
    from ui.main_window import MainWindow
    from ui.ops import OpRunner
    from ui.state import AppState
    from workstation import accounts
    from workstation.context import Context

    with Context.open(tmp_path / "new") as fresh:
        ops = OpRunner(fresh)
        win = MainWindow(AppState(fresh, ops))
        qtbot.addWidget(win)
        page = win.first_run
        assert page is not None and win.stack.currentWidget() is page
        page.office_code.setText("12345")
        page.advance()
        assert "12 位" in page.error.text() and page.pages.currentIndex() == 0
        page.office_code.setText(OFFICE)
        page.office_name.setText("桃花村便民服务站")
        page.advance()
        page.admin.setText("zhang.admin")
        page.password.setText("12345678")
        page.password2.setText("12345678")
        page.advance()
        assert page.pages.currentIndex() == 1 and "简单" in page.error.text()
        page.password.setText(PASSWORD)
        page.password2.setText(PASSWORD + "x")
        page.advance()
        assert "不一样" in page.error.text()
        page.password2.setText(PASSWORD)
        page.advance()
        assert page.pages.currentIndex() == 2
        page.advance()  # enrollment left empty: later
        qtbot.waitUntil(lambda: win.work is not None, timeout=WAIT_MS)
        assert fresh.initialized and fresh.office_code == OFFICE
        admin = accounts.get_user(fresh.db, "zhang.admin")
        assert admin.role == "admin"
        assert accounts.authenticate(fresh.db, "zhang.admin", PASSWORD).username == "zhang.admin"
        assert win.state.user.username == "zhang.admin"
        win.sync.stop()
        ops.close()


def test_idle_lock_covers_the_window_and_unlocks_with_work_intact(qtbot, window):
    from ui.idle_lock import Curtain

    sign_in(qtbot, window, "clerk1")
    page = window.case_list
    page.search.setText("张桂")  # work in progress: must survive the lock
    window.lock.watcher.set_timeout_ms(150)
    qtbot.waitUntil(lambda: window.lock.locked, timeout=5000)
    dialog = window.lock.dialog
    assert dialog.isVisible()
    assert any(isinstance(c, Curtain) and c.isVisible() for c in window.findChildren(Curtain))
    assert not window.actions_by_name["new"].isEnabled()
    dialog.password.setText("wrong password 1")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=WAIT_MS)
    assert window.lock.locked and "用户名或密码不正确" in dialog.error.text()
    dialog.password.setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: not window.lock.locked, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.findChildren(Curtain), timeout=2000)
    assert window.case_list is page and page.search.text() == "张桂"
    assert window.state.user.username == "clerk1"
    assert window.actions_by_name["new"].isEnabled()


def test_escape_does_not_unlock(qtbot, window):
    from PySide6.QtCore import Qt

    sign_in(qtbot, window)
    window.lock_now()
    qtbot.keyClick(window.lock.dialog, Qt.Key.Key_Escape)
    assert window.lock.locked and window.lock.dialog.isVisible()


def test_language_switch_changes_visible_texts(qtbot, window, make_case):
    make_case(user="admin")
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.case_list.model.rowCount() == 1, timeout=WAIT_MS)
    assert window.actions_by_name["new"].text() == "新建申请"
    window.set_language("en", save=False)
    qtbot.waitUntil(lambda: window.actions_by_name["new"].text() == "New application", timeout=3000)
    assert window.case_list.title.text() == "Cases"
    assert window.case_list.model.headerData(1, _horizontal()) == "Applicant"
    assert window.case_list.chip_texts()["draft"].startswith("Draft")  # core labels follow too
    assert window.case_list.model.data(window.case_list.model.index(0, 4)) == "Draft"
    assert window.case_list.summary.text() == "1 case"
    window.set_language("zh_CN", save=False)
    qtbot.waitUntil(lambda: window.actions_by_name["new"].text() == "新建申请", timeout=3000)
    assert window.case_list.title.text() == "办件列表"


def _horizontal():
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def test_english_catalog_translates_every_shell_string():
    """Every message of our modules in the .ts has a finished English translation."""
    import xml.etree.ElementTree as ET

    ts = Path(__file__).resolve().parent.parent / "resources" / "translations" / "workstation_en.ts"
    from ui.translations import SHELL_CONTEXTS

    unfinished = [(c.findtext("name"), m.findtext("source"))
                  for c in ET.parse(ts).iter("context") if c.findtext("name") in SHELL_CONTEXTS
                  for m in c.iter("message") if m.find("translation").get("type")]
    assert unfinished == []
    qm = ts.with_suffix(".qm")
    assert qm.stat().st_mtime >= ts.stat().st_mtime - 1, "run: python -m ui.translations compile"


def test_settings_save_idle_time_and_language(qtbot, window, ctx):
    from ui.settings_dialog import SettingsDialog
    from workstation import settings

    sign_in(qtbot, window)
    dialog = SettingsDialog(window.state, window)
    qtbot.addWidget(dialog)
    dialog.applied.connect(window.apply_settings)
    dialog.idle.setValue(3)
    dialog.office_name.setText("桃花村服务站")
    dialog.save()
    qtbot.waitUntil(lambda: settings.get(ctx.db, "ui.idle_lock_minutes") == 3, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.lock.minutes == 3, timeout=WAIT_MS)
    assert settings.get(ctx.db, settings.OFFICE_NAME) == "桃花村服务站"
    assert "桃花村服务站" in window.status.who.text()


def test_a_clerk_may_not_change_office_settings(qtbot, window):
    from ui.settings_dialog import SettingsDialog

    sign_in(qtbot, window, "clerk1")
    dialog = SettingsDialog(window.state, window)
    qtbot.addWidget(dialog)
    assert not dialog.office_name.isEnabled() and not dialog.idle.isEnabled()
    assert set(dialog.values()) == {"ui.language"}


def test_users_dialog_adds_disables_and_resets_with_audit(qtbot, window, ctx):
    from ui.users_dialog import UsersDialog
    from workstation import accounts
    from workstation.accounts import set_active
    from workstation.errors import AuthenticationFailed, PermissionDenied

    sign_in(qtbot, window)
    dialog = UsersDialog(window.state, window)
    qtbot.addWidget(dialog)
    dialog._run(lambda c: accounts.add_user(c.db, "clerk9", "clerk", PASSWORD, "admin"), "clerk9")
    qtbot.waitUntil(lambda: any(u.username == "clerk9" for u in dialog.users), timeout=WAIT_MS)
    assert dialog.selected().username == "clerk9"
    dialog.toggle_active()
    qtbot.waitUntil(lambda: not accounts.get_user(ctx.db, "clerk9").active, timeout=WAIT_MS)
    with pytest.raises(AuthenticationFailed):
        accounts.authenticate(ctx.db, "clerk9", PASSWORD)
    with pytest.raises(PermissionDenied):
        set_active(ctx.db, "admin", False, "admin")
    with pytest.raises(PermissionDenied):
        set_active(ctx.db, "clerk1", False, "clerk1")
    actions = [r[0] for r in ctx.db.execute("SELECT action FROM audit_log WHERE actor = 'admin'")]
    assert "user.add" in actions and "user.disable" in actions


def test_smoke_mode_shows_the_window_and_exits_zero(tmp_path):
    env = dict(os.environ, WORKSTATION_SMOKE="1", QT_QPA_PLATFORM="offscreen")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(tmp_path / "d")],
                          cwd=root, env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()


def test_idle_lock_covers_an_open_dialog_without_closing_it(qtbot, window):
    from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

    from ui.idle_lock import Curtain

    sign_in(qtbot, window)
    dialog = QDialog(window)
    field = QLineEdit(dialog)
    QVBoxLayout(dialog).addWidget(field)
    field.setText("半填的内容")
    dialog.open()  # window-modal, as the settings or scan dialogs are
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    window.lock_now()
    assert any(isinstance(c, Curtain) for c in dialog.children())
    window.lock.dialog.password.setText(PASSWORD)
    window.lock.dialog.submit()
    qtbot.waitUntil(lambda: not window.lock.locked, timeout=WAIT_MS)
    assert dialog.isVisible() and field.text() == "半填的内容"
    qtbot.waitUntil(lambda: not any(isinstance(c, Curtain) for c in dialog.children()), timeout=2000)
    dialog.close()


def test_idle_watcher_sees_input_in_every_window_the_user_works_in(qtbot):
    """Input is watched per window (where keys and the mouse arrive), not per app."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit

    from ui.idle_lock import IdleWatcher

    def shown_window() -> QLineEdit:
        edit = QLineEdit()
        qtbot.addWidget(edit)
        edit.show()
        edit.activateWindow()
        qtbot.waitExposed(edit)
        return edit

    first = shown_window()
    watcher = IdleWatcher(60_000)
    watcher.arm()
    qtbot.wait(300)
    assert watcher.idle_seconds() >= 0.25
    QTest.keyClick(first.windowHandle(), Qt.Key.Key_A)  # through the window system, as typing is
    assert watcher.idle_seconds() < 0.2 and first.text() == "a"
    second = shown_window()  # a dialog opened later: watched once it has the focus
    qtbot.waitUntil(lambda: second.windowHandle().isActive(), timeout=WAIT_MS)
    qtbot.wait(300)
    QTest.mouseMove(second.windowHandle(), QPoint(5, 5))
    assert watcher.idle_seconds() < 0.2


def test_urllib_request_loads_on_first_use_not_at_start():
    """keyring's dependency imports urllib.request (http.client, ssl) for nothing the app uses."""
    code = (
        "import sys, ui\n"
        "loaded = [m for m in ('http.client', 'ssl') if m in sys.modules]\n"
        "from urllib.request import getproxies\n"
        "import urllib.request, requests\n"
        "assert callable(getproxies) and callable(urllib.request.urlopen)\n"
        "assert sys.modules['urllib.request'].__name__ == 'urllib.request'\n"
        "print(loaded, 'ssl' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parent.parent, check=True).stdout
    assert out.strip() == "[] True"
