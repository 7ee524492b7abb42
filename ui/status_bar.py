"""Status bar: who is signed in where, and the sync indicator.

The indicator is a button (clicking opens the sync panel) with a coloured dot
and words, because colour alone means nothing to many users: "已连接 · 3 件待上报".
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QStatusBar, QToolButton, QWidget

from ui.sync_controller import (
    NOT_ENROLLED,
    OFFLINE,
    ONLINE,
    PROBLEM,
    SYNCING,
    UNKNOWN,
    SyncController,
)
from ui.theme import ACCENT, DANGER, MUTED, OK, WARN, set_role
from ui.translations import QT_TRANSLATE_NOOP
from workstation import accounts
from workstation.i18n import t

DOT_COLOURS = {ONLINE: OK, OFFLINE: MUTED, SYNCING: ACCENT, PROBLEM: DANGER, NOT_ENROLLED: WARN}


def dot(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, size, size)
    painter.end()
    return QIcon(pixmap)


STATE_TEXTS = {
    ONLINE: QT_TRANSLATE_NOOP("SyncState", "已连接县级平台"),
    OFFLINE: QT_TRANSLATE_NOOP("SyncState", "离线"),
    SYNCING: QT_TRANSLATE_NOOP("SyncState", "正在同步…"),
    PROBLEM: QT_TRANSLATE_NOOP("SyncState", "同步有问题"),
    NOT_ENROLLED: QT_TRANSLATE_NOOP("SyncState", "未登记县级平台"),
    UNKNOWN: QT_TRANSLATE_NOOP("SyncState", "正在读取同步状态…"),
}


def state_text(state: str) -> str:
    return QCoreApplication.translate("SyncState", STATE_TEXTS[state]) if state in STATE_TEXTS else state


class SyncIndicator(QToolButton):
    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setAutoRaise(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        controller.state_changed.connect(lambda _: self.retranslate())
        controller.figures_changed.connect(lambda _: self.retranslate())
        self.retranslate()

    def retranslate(self) -> None:
        state, figures = self.controller.state, self.controller.figures
        parts = [state_text(state)]
        if figures.waiting:
            parts.append(self.tr("%n 件待上报", "", figures.waiting))
        if figures.quarantined:
            parts.append(self.tr("%n 件需处理", "", len(figures.quarantined)))
        self.setText(" · ".join(parts))
        self.setIcon(dot(DOT_COLOURS.get(state, MUTED)))
        self.setToolTip(self.tr("点击查看同步详情 (F5 立即同步)"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class StatusBar(QStatusBar):
    sync_clicked = Signal()

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.who = QLabel()
        self.addWidget(self.who, 1)
        self.backup_problem = QLabel()  # stays until a backup succeeds
        set_role(self.backup_problem, "error")
        self.backup_problem.setWordWrap(False)
        self.backup_problem.hide()
        self.addPermanentWidget(self.backup_problem)
        self.sync = SyncIndicator(controller, self)
        self.sync.clicked.connect(self.sync_clicked)
        self.addPermanentWidget(self.sync)
        self._office = ""
        self._user: accounts.User | None = None

    def show_backup(self, ok: bool, text: str) -> None:
        """A scheduled backup's outcome: success for a while, a failure until the next success."""
        if ok:
            self.backup_problem.hide()
            self.showMessage(text, 15_000)
            return
        self.backup_problem.setText(self.tr("备份失败"))
        self.backup_problem.setToolTip(text)
        self.backup_problem.show()
        self.showMessage(text, 30_000)

    def show_user(self, office: str, user: accounts.User | None) -> None:
        self._office, self._user = office, user
        self.retranslate()

    def retranslate(self) -> None:
        if self._user is None:
            self.who.setText(self._office)
            return
        role = t(*accounts.ROLE_LABELS.get(self._user.role, (self._user.role, self._user.role)))
        name = self._user.display_name or self._user.username
        self.who.setText(f"{self._office} · {name}" + t(f"（{role}）", f" ({role})"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
