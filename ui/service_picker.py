"""Choosing the service for a new application: type a few characters, press Enter.

The search box keeps the focus the whole time: typing filters by name, code
or pinyin initials (低保 finds 最低生活保障申请, so does ``dbsq``), the arrow keys
move the highlight in the list, Enter takes the highlighted service and Escape
closes. The mouse works too (double-click), but is never needed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.state import AppState
from workstation.i18n import pick

_MOVES = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}


class ServicePickerDialog(QDialog):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._code: str | None = None
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.filter)
        self.search.installEventFilter(self)
        self.search.returnPressed.connect(self.accept)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #5f6368;")
        self.list = QListWidget(self)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.empty = QLabel(self)
        self.empty.setStyleSheet("color: #b3261e;")
        self.empty.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                        QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.search, self.hint, self.list, self.empty, self.buttons):
            layout.addWidget(widget)
        self.resize(640, 520)
        self.retranslate()
        self.filter("")
        self.search.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("新建申请：选择办理事项"))
        self.search.setPlaceholderText(self.tr("输入事项名称或拼音首字母，如“低保”或“dbsq”"))
        self.hint.setText(self.tr("↑↓ 选择，回车确定，Esc 取消"))
        self.empty.setText(self.tr("没有找到这个事项。请换个说法，或输入拼音首字母。"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("开始填写"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.filter(self.search.text())
        super().changeEvent(event)

    def filter(self, text: str) -> None:
        """Show the matching services, best match first and highlighted."""
        self.list.clear()
        for form in self.state.ctx.catalog.search(text):
            lines = [pick(form.name)]
            if form.department:
                lines.append(pick(form.department))
            item = QListWidgetItem("\n".join(lines))
            item.setData(Qt.ItemDataRole.UserRole, form.code)
            if form.description:
                item.setToolTip(pick(form.description))
            self.list.addItem(item)
        found = self.list.count() > 0
        self.empty.setVisible(not found)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(found)
        if found:
            self.list.setCurrentRow(0)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if obj is self.search and event.type() == QEvent.Type.KeyPress and \
                isinstance(event, QKeyEvent) and event.key() in _MOVES:
            count = self.list.count()
            if count:
                row = self.list.currentRow() + _MOVES[Qt.Key(event.key())]
                self.list.setCurrentRow(max(0, min(count - 1, row)))
            return True
        return super().eventFilter(obj, event)

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return  # nothing matches: stay open so the person can retype
        self._code = str(item.data(Qt.ItemDataRole.UserRole))
        super().accept()

    def selected_code(self) -> str | None:
        return self._code
