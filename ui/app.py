"""Starting the desktop application: Qt, theme, language, store, main window.

``run_app`` is what ``workstation`` with no command calls. With
``WORKSTATION_SMOKE=1`` it shows the first window and quits after about a
second with exit code 0 (the frozen bundle's smoke test: it proves Qt, the
fonts, the translations and the store open inside the bundle).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.ops import OpRunner, error_text
from ui.state import AppState
from ui.theme import apply_theme
from ui.translations import SETTING_KEY as LANGUAGE_KEY
from ui.translations import install_language
from workstation import settings
from workstation.context import Context
from workstation.errors import WorkstationError

log = logging.getLogger(__name__)
SMOKE_ENV = "WORKSTATION_SMOKE"
SMOKE_MS = 1000


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("township-workstation")
    app.setApplicationDisplayName("乡镇便民服务工作站")
    app.setOrganizationName("township-workstation")
    apply_theme(app)
    return app


def open_store(data_dir: Path, lang: str | None) -> Context | None:
    """Open the data directory; on failure say why in a message box (no traceback)."""
    try:
        return Context.open(data_dir)
    except WorkstationError as exc:
        install_language(lang)
        title, message = error_text(exc)
        QMessageBox.critical(None, title, f"{title}\n\n{message}")
        return None


def _warm_keyring() -> threading.Event:
    """Find the OS keyring backend while Qt starts: discovering it scans every
    installed package's entry points, a tenth of a second the store would
    otherwise wait for when it asks for its data key."""
    keyring_ready = threading.Event()

    def warm() -> None:
        try:
            import keyring

            keyring.get_keyring()
        except Exception:  # the store reports keyring trouble itself, in words
            pass
        finally:
            keyring_ready.set()

    threading.Thread(target=warm, name="start-up-warm-up", daemon=True).start()
    return keyring_ready


def run_app(data_dir: Path, lang: str | None) -> int:
    keyring_ready = _warm_keyring()
    app = make_application()
    keyring_ready.wait()
    install_language(lang)  # before the store opens: its errors are in this language
    ctx = open_store(data_dir, lang)
    if ctx is None:
        return 1
    # --lang wins for this run; otherwise the language chosen in the settings.
    install_language(lang or settings.get(ctx.db, LANGUAGE_KEY, None))
    from ui.main_window import MainWindow

    ops = OpRunner(ctx)
    window = MainWindow(AppState(ctx, ops))
    window.show()
    if os.environ.get(SMOKE_ENV) == "1":
        QTimer.singleShot(SMOKE_MS, app.quit)
    try:
        code = app.exec()
    finally:
        window.sync.stop()
        ops.close()
        ctx.close()
    return 0 if os.environ.get(SMOKE_ENV) == "1" else int(code)
