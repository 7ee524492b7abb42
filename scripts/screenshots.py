"""Render the main screens into docs/screenshots/ (run by scripts/screenshots.sh).

Drives the real window on a real store: first run on an empty directory, then
sign-in, case list, sync panel, settings, staff accounts and the idle lock on
the demo store, plus the application form and case view when their modules
are installed. Usage: screenshots.py DEMO_DATA_DIR PASSWORD [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication, QDialog, QWidget  # noqa: E402

from ui.app import make_application  # noqa: E402
from ui.ops import OpRunner  # noqa: E402
from ui.state import AppState  # noqa: E402
from ui.translations import install_language  # noqa: E402
from workstation.context import Context  # noqa: E402

SIZE = (1280, 720)


def settle(app: QApplication, until: Callable[[], bool] = lambda: True, timeout: float = 10.0,
           extra_ms: int = 150) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not until():
        app.processEvents()
        time.sleep(0.01)
    end = time.monotonic() + extra_ms / 1000
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def save(widget: QWidget, out: Path, name: str) -> None:
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print("wrote", path)


def save_screen(app: QApplication, out: Path, name: str) -> None:
    """The whole screen: for a dialog over the window (the lock)."""
    screen = app.primaryScreen()
    path = out / f"{name}.png"
    screen.grabWindow(0).save(str(path))
    print("wrote", path)


def window(app: QApplication, data_dir: Path) -> tuple[Any, Context, OpRunner]:
    from ui.main_window import MainWindow

    ctx = Context.open(data_dir)
    ops = OpRunner(ctx)
    win = MainWindow(AppState(ctx, ops))
    win.resize(*SIZE)
    win.move(0, 0)
    win.show()
    settle(app)
    return win, ctx, ops


def first_run(app: QApplication, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        win, ctx, ops = window(app, Path(tmp) / "new")
        page = win.first_run
        page.office_code.setText("340822104201")
        page.office_name.setText("桃花村便民服务站")
        settle(app)
        save(win, out, "first_run")
        win.close()
        ops.close()
        ctx.close()


def sign_in(app: QApplication, win: Any, password: str) -> None:
    login = win.login
    login.username.setText("admin")
    login.password.setText(password)
    login.submit()
    settle(app, lambda: getattr(win, "work", None) is not None)
    settle(app, lambda: win.case_list.model.rowCount() > 0, extra_ms=400)


def main_screens(app: QApplication, data_dir: Path, password: str, out: Path) -> None:
    win, ctx, ops = window(app, data_dir)
    login = win.login
    login.username.setText("admin")
    save(win, out, "sign_in")
    sign_in(app, win, password)
    save(win, out, "case_list")
    page = win.case_list
    page.search.setText("王")
    settle(app, lambda: page.model.rowCount() < 40, extra_ms=500)
    page.click_chip("returned")
    settle(app, extra_ms=400)
    save(win, out, "case_list_returned")
    page.click_chip(None)
    save(win, out, "case_list_search")
    page.search.clear()
    settle(app, extra_ms=500)
    other_pages(app, win, out)
    win.show_sync()
    sync = win.sync
    if sync.figures.enrolled or sync.available:
        settle(app, lambda: sync.figures.enrolled, timeout=5)
        sync.sync_now()
        settle(app, lambda: not sync.running and sync.figures.last_success is not None, timeout=30)
        sync.refresh()
    settle(app, extra_ms=600)
    save(win, out, "sync_panel")
    dialogs(app, win, out)
    win.show_home()
    install_language("en")
    settle(app, extra_ms=500)
    save(win, out, "case_list_en")
    install_language("zh_CN")
    settle(app)
    win.lock_now()
    settle(app, extra_ms=400)
    save_screen(app, out, "idle_lock")
    win.lock.unlock()
    win.close()
    ops.close()
    ctx.close()


def dialogs(app: QApplication, win: Any, out: Path) -> None:
    from ui.settings_dialog import SettingsDialog
    from ui.users_dialog import UsersDialog

    for name, cls in (("settings", SettingsDialog), ("users", UsersDialog)):
        dialog: QDialog = cls(win.state, win)
        dialog.show()
        settle(app, extra_ms=300)
        save(dialog, out, name)
        if isinstance(dialog, SettingsDialog):  # the backup tab too
            dialog.tabs.setCurrentIndex(3)
            settle(app, extra_ms=200)
            save(dialog, out, "settings_backup")
        dialog.close()


def other_pages(app: QApplication, win: Any, out: Path) -> None:
    """The other engineer's form and case view, when they are installed."""
    from ui.main_window import _Missing

    if not isinstance(win.form, _Missing):
        win.form.start_new("rural_pension_enrollment")
        win._show(win.form)
        settle(app, extra_ms=500)
        save(win, out, "application_form")
    if not isinstance(win.case_view, _Missing):
        case_id = win.case_list.model.case_id(0)
        if case_id:
            win.open_case(case_id)
            settle(app, extra_ms=500)
            save(win, out, "case_view")
    win.show_home()
    settle(app, extra_ms=300)


def vary_statuses(data_dir: Path) -> None:
    """Demo cases in every stage, as a real office has them (a throw-away demo store)."""
    with Context.open(data_dir) as ctx:
        ids = [r[0] for r in ctx.db.execute("SELECT case_id FROM cases ORDER BY local_no")]
        moves = ["ready", "sent", "received", "in_review", "approved", "completed", "returned"]
        for n, case_id in enumerate(ids[:28]):
            ctx.db.execute("UPDATE cases SET status = ?, county_reason = ? WHERE case_id = ?",
                           [moves[n % len(moves)], "户口簿本人页不清晰，请补扫" if n % 7 == 6 else None,
                            case_id])


def start_county(data_dir: Path, tmp: Path) -> Any:
    """The reference county, with this store enrolled and one case it will refuse."""
    try:
        from tests.county_server.server import CountyServer
        from ui.sync_controller import enroll_device
    except ImportError:
        return None
    from datetime import date, timedelta

    from workstation.case_flow import accept_with_shortfall
    from workstation.cases import create_case
    from workstation.demo import fake_applicant, sample_fields_for

    server = CountyServer(tmp / "county.sqlite", enrollment_codes=["K7Q2-9XHM"], port=0).start()
    with Context.open(data_dir) as ctx:
        enroll_device(ctx, server.base_url, "K7Q2-9XHM")
        form = ctx.catalog.get("rural_pension_enrollment")
        import random

        rng = random.Random(3)
        for n in range(3):
            case_id = create_case(ctx, form.code, fake_applicant(rng, ctx.office_code),
                                  sample_fields_for(form.code, ctx), "admin")
            accept_with_shortfall(ctx, case_id, "admin", [d.kind for d in form.documents],
                                  date.today() + timedelta(days=5))
            if n == 0:  # a wrong ID number slipped in: the county refuses it
                ctx.db.execute("UPDATE cases SET applicant = json_set(applicant, '$.id_number',"
                               " '34082219580315') WHERE case_id = ?", [case_id])
    return server


def main() -> int:
    data_dir, password = Path(sys.argv[1]), sys.argv[2]
    out = Path(sys.argv[3]) if len(sys.argv) > 3 else Path("docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_application()
    install_language("zh_CN")
    first_run(app, out)
    vary_statuses(data_dir)
    with tempfile.TemporaryDirectory() as tmp:
        server = start_county(data_dir, Path(tmp))
        try:
            main_screens(app, data_dir, password, out)
        finally:
            if server is not None:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
