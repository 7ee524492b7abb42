"""Locking the window after idle time, without losing open work.

Graded protection asks for idle log-out; a clerk who walks away mid-form must
not lose the form. So nothing is closed: every open window gets an opaque
curtain (a child widget covering it, so personal data is hidden), and a small
application-modal lock dialog on top asks for the same user's password. Being
the newest modal window it also sits above any dialog that was open (a
QDialog in ``exec()`` cannot be hidden without ending it). Unlocking removes
the curtains; every widget underneath kept its state.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QGuiApplication, QPalette, QWindow
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.login import check_password_async
from ui.ops import error_text
from ui.state import AppState
from ui.theme import SPACING, set_role
from workstation import settings

SETTING_KEY = "ui.idle_lock_minutes"
DEFAULT_MINUTES = 10
_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TabletPress}


def idle_minutes(db: object) -> int:
    value = settings.get(db, SETTING_KEY, DEFAULT_MINUTES)  # type: ignore[arg-type]
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return DEFAULT_MINUTES


class IdleWatcher(QObject):
    """Emits ``idle`` once the user has not touched keyboard or mouse for the timeout."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timeout_ms = timeout_ms
        self._last = time.monotonic()
        self._armed = False
        self._check = QTimer(self)
        self._check.timeout.connect(self._tick)
        # Keys and the mouse reach a window before its widgets, so a filter on
        # each window the user works in sees all input. (A filter on the whole
        # application would see every event of every object, and the first of
        # them make PySide build Python classes for hundreds of Qt types: tens
        # of milliseconds, just after sign-in.)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.connect(self._watch)
            for window in app.topLevelWindows():
                self._watch(window)

    def _watch(self, window: QWindow | None) -> None:
        if window is not None:
            window.installEventFilter(self)  # again on the same window: still once

    def set_timeout_ms(self, timeout_ms: int) -> None:
        """0 turns the lock off."""
        self._timeout_ms = timeout_ms
        if self._armed:
            self.arm()

    def arm(self) -> None:
        """Start counting from now (after sign-in or unlock)."""
        self._armed = self._timeout_ms > 0
        self._last = time.monotonic()
        # Check often enough to lock within ~5% of the timeout, at most every 5 s.
        self._check.setInterval(max(50, min(5000, self._timeout_ms // 20)))
        if self._armed:
            self._check.start()
        else:
            self._check.stop()

    def disarm(self) -> None:
        self._armed = False
        self._check.stop()

    def idle_seconds(self) -> float:
        """Seconds since the last key or mouse input seen."""
        return time.monotonic() - self._last

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:  # cheap: this sees every event of the windows watched
            self._last = time.monotonic()
        return False

    def _tick(self) -> None:
        if self._armed and (time.monotonic() - self._last) * 1000 >= self._timeout_ms:
            self.disarm()
            self.idle.emit()


class Curtain(QWidget):
    """An opaque cover over one window's contents while the app is locked."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#dfe5ec"))
        self.setPalette(palette)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.label, "subtitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        self.label.setText(self.tr("已锁定"))
        host.installEventFilter(self)
        self.setGeometry(host.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
        return False


class LockDialog(QDialog):
    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, state: AppState, minutes: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.heading, self.info, self.error = QLabel(), QLabel(), QLabel()
        set_role(self.heading, "title")
        set_role(self.error, "error")
        self.info.setWordWrap(True)
        self.error.setWordWrap(True)
        self.error.hide()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.submit)
        self.unlock_button, self.switch_button = QPushButton(), QPushButton()
        self.unlock_button.setProperty("primary", True)
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)
        self.switch_button.clicked.connect(self._switch_user)
        buttons = QHBoxLayout()
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(SPACING + 4)
        for widget in (self.heading, self.info, self.password, self.error):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.setMinimumWidth(480)
        self.minutes = minutes
        self.retranslate()

    def retranslate(self) -> None:
        user = self.state.user
        name = (user.display_name or user.username) if user else ""
        self.setWindowTitle(self.tr("工作站已锁定"))
        self.heading.setText(self.tr("工作站已锁定"))
        self.info.setText(self.tr("为保护群众信息，%1 分钟无操作后自动锁定。\n"
                                  "打开的工作都还在，请输入 %2 的密码继续。").replace("%1", str(self.minutes))
                          .replace("%2", name))
        self.password.setPlaceholderText(self.tr("密码"))
        self.unlock_button.setText(self.tr("解锁"))
        self.switch_button.setText(self.tr("换人登录…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def submit(self) -> None:
        if not self.password.text() or self.state.user is None:
            return
        self.unlock_button.setEnabled(False)
        check_password_async(self.state, self.state.user.username, self.password.text(),
                             lambda _: self._ok(), self._failed, self)

    def _ok(self) -> None:
        self.unlock_button.setEnabled(True)
        self.password.clear()
        self.unlocked.emit()

    def _failed(self, exc: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        title, message = error_text(exc)
        self.error.setText(f"{title}\n{message}" if message else title)
        self.error.show()
        self.password.clear()
        self.password.setFocus()

    def _switch_user(self) -> None:
        answer = QMessageBox.question(
            self, self.tr("换人登录"),
            self.tr("换人登录会关闭当前用户打开的工作，没有保存的内容会丢失。确定吗？"))
        if answer == QMessageBox.StandardButton.Yes:
            self.sign_out_requested.emit()

    def reject(self) -> None:
        """Escape does not unlock."""

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()


class IdleLock(QObject):
    """Watches for idle time and locks every window of the app until the password."""

    locked_changed = Signal(bool)
    sign_out_requested = Signal()

    def __init__(self, state: AppState, window: QWidget, minutes: int) -> None:
        super().__init__(window)
        self.state, self.window, self.minutes = state, window, minutes
        self.watcher = IdleWatcher(minutes * 60_000, self)
        self.watcher.idle.connect(self.lock)
        self.dialog: LockDialog | None = None
        self._curtains: list[Curtain] = []

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self.watcher.set_timeout_ms(minutes * 60_000)

    def start(self) -> None:
        self.watcher.arm()

    def stop(self) -> None:
        self.watcher.disarm()
        self._close()

    def lock(self) -> None:
        if self.locked or self.state.user is None:
            return
        self.watcher.disarm()
        hosts = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        self._curtains = [Curtain(host) for host in hosts]
        self.dialog = LockDialog(self.state, self.minutes, self.window)
        self.dialog.unlocked.connect(self.unlock)
        self.dialog.sign_out_requested.connect(self._sign_out)
        self.dialog.show()
        self.dialog.password.setFocus()
        self.locked_changed.emit(True)

    def unlock(self) -> None:
        self._close()
        self.watcher.arm()
        self.locked_changed.emit(False)

    def _sign_out(self) -> None:
        self._close()
        self.locked_changed.emit(False)
        self.sign_out_requested.emit()

    def _close(self) -> None:
        for curtain in self._curtains:
            try:
                curtain.deleteLater()
            except RuntimeError:  # its window was closed while locked: already gone
                pass
        self._curtains = []
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
