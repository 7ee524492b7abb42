"""Staff accounts (administrators only): add, disable or enable, reset a password.

Adding, disabling and resetting go through :mod:`workstation.accounts`, which
checks the roles and the password rules and writes the audit entries.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.ops import show_error
from ui.state import AppState
from ui.theme import SPACING, set_role
from workstation import accounts
from workstation.errors import ValidationFailed
from workstation.i18n import t


class _PasswordFields:
    """Two password fields that must match; shared by add and reset."""

    def __init__(self, form: QFormLayout) -> None:
        self.first, self.second = QLineEdit(), QLineEdit()
        for edit in (self.first, self.second):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setPlaceholderText(QCoreApplication.translate("AccountDialog", "至少 8 个字符，不要只用数字"))
        form.addRow(QCoreApplication.translate("AccountDialog", "密码"), self.first)
        form.addRow(QCoreApplication.translate("AccountDialog", "再次输入密码"), self.second)

    def problem(self) -> str:
        if self.first.text() != self.second.text():
            return QCoreApplication.translate("AccountDialog", "两次输入的密码不一样。")
        try:
            accounts.check_password_rules(self.first.text())
        except ValidationFailed as exc:
            return f"{exc.title}：{exc.message}"
        return ""


class AccountDialog(QDialog):
    """Add a user (``username`` None) or reset one's password."""

    def __init__(self, parent: QWidget, username: str | None = None) -> None:
        super().__init__(parent)
        self.username_fixed = username
        self.setWindowTitle(self.tr("添加员工") if username is None else self.tr("重置密码"))
        self.setMinimumWidth(460)
        form = QFormLayout()
        form.setSpacing(SPACING + 4)
        self.username, self.display_name, self.role = QLineEdit(username or ""), QLineEdit(), QComboBox()
        if username is None:
            for role in accounts.ROLES:
                self.role.addItem(t(*accounts.ROLE_LABELS[role]), role)
            self.role.setCurrentIndex(self.role.findData("clerk"))
            form.addRow(self.tr("账号"), self.username)
            form.addRow(self.tr("姓名"), self.display_name)
            form.addRow(self.tr("角色"), self.role)
        else:
            form.addRow(self.tr("账号"), QLabel(username))
        self.passwords = _PasswordFields(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        set_role(self.error, "error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _check(self) -> None:
        problem = self.passwords.problem()
        if self.username_fixed is None and not accounts.USERNAME_RE.match(self.username.text().strip()):
            problem = self.tr("账号为 2–32 个字母、数字、汉字或 . _ -。")
        self.error.setText(problem)
        if not problem:
            self.accept()


class UsersDialog(QDialog):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle(self.tr("员工账号"))
        self.resize(720, 420)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("账号"), self.tr("姓名"), self.tr("角色"),
                                              self.tr("状态")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.add_button, self.reset_button = QPushButton(self.tr("添加员工…")), QPushButton(self.tr("重置密码…"))
        self.toggle_button, close = QPushButton(self.tr("停用")), QPushButton(self.tr("关闭"))
        self.add_button.clicked.connect(self.add_user)
        self.reset_button.clicked.connect(self.reset_password)
        self.toggle_button.clicked.connect(self.toggle_active)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.reset_button, self.toggle_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        hint = QLabel(self.tr("每一次添加、停用和重置密码都记入审计日志。"))
        set_role(hint, "hint")
        layout = QVBoxLayout(self)
        layout.setSpacing(SPACING + 4)
        layout.addWidget(self.table)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        self.users: list[accounts.User] = []
        self.reload()

    def reload(self) -> None:
        self.users = accounts.list_users(self.state.ctx.db)  # a few rows: a quick main-thread read
        self.table.setRowCount(len(self.users))
        for row, user in enumerate(self.users):
            values = [user.username, user.display_name, t(*accounts.ROLE_LABELS[user.role]),
                      self.tr("正常") if user.active else self.tr("已停用")]
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, user.username)
                self.table.setItem(row, column, item)
        self._selection_changed()

    def selected(self) -> accounts.User | None:
        row = self.table.currentRow()
        return self.users[row] if 0 <= row < len(self.users) else None

    def select(self, username: str) -> None:
        for row, user in enumerate(self.users):
            if user.username == username:
                self.table.selectRow(row)

    def _selection_changed(self) -> None:
        user = self.selected()
        self.reset_button.setEnabled(user is not None)
        self.toggle_button.setEnabled(user is not None and user.username != self.state.username)
        self.toggle_button.setText(self.tr("启用") if user and not user.active else self.tr("停用"))

    def _run(self, work: Any, select: str = "") -> None:
        def done(_: Any) -> None:
            self.reload()
            if select:
                self.select(select)

        self.state.ops.run(work, done, lambda exc: show_error(self, exc), parent=self)

    def add_user(self) -> None:
        dialog = AccountDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name, display = dialog.username.text().strip(), dialog.display_name.text().strip()
        role, password, actor = dialog.role.currentData(), dialog.passwords.first.text(), self.state.username
        self._run(lambda ctx: accounts.add_user(ctx.db, name, role, password, actor, display), name)

    def reset_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = AccountDialog(self, user.username)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        password, actor = dialog.passwords.first.text(), self.state.username
        self._run(lambda ctx: accounts.set_password(ctx.db, user.username, password, actor),
                  user.username)

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        actor = self.state.username
        self._run(lambda ctx: accounts.set_active(ctx.db, user.username, not user.active, actor), user.username)
