"""Sign-in page: staff account and password, with the core's lock-out rules.

The password is checked with :func:`workstation.accounts.authenticate` in the
pool (scrypt takes a noticeable moment on an old laptop, and the window must
not freeze). Its :class:`AuthenticationFailed` title and message are shown as
they are: they already say how many tries lock the account and until when.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.ops import error_text, show_error
from ui.state import AppState
from ui.theme import SPACING, set_role
from ui.theme import card as theme_card
from ui.translations import LANGUAGES, current_language
from workstation import accounts, settings
from workstation.errors import AuthenticationFailed

LAST_USER_KEY = "ui.last_user"


def check_password_async(state: AppState, username: str, password: str,
                         on_ok: Callable[[accounts.User], None],
                         on_fail: Callable[[BaseException], None], parent: QWidget) -> None:
    """Authenticate off the main thread (shared by sign-in and the idle lock)."""
    state.ops.run(lambda ctx: accounts.authenticate(ctx.db, username, password),
                  on_ok, on_fail, parent=parent)


class LoginPage(QWidget):
    signed_in = Signal(object)  # accounts.User
    language_requested = Signal(str)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._build()
        self.retranslate()
        self.username.setText(str(settings.get(state.ctx.db, LAST_USER_KEY, "")))

    def _build(self) -> None:
        self.heading = QLabel()
        set_role(self.heading, "title")
        self.office = QLabel(str(settings.get(self.state.ctx.db, settings.OFFICE_NAME, "")))
        set_role(self.office, "subtitle")
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        self.error = QLabel()
        self.error.setWordWrap(True)
        set_role(self.error, "error")
        self.error.hide()
        self.button = QPushButton()
        self.button.setProperty("primary", True)
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        set_role(self.hint, "hint")
        self.language = QComboBox()
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(current_language())))
        self.language.activated.connect(
            lambda i: self.language_requested.emit(self.language.itemData(i)))

        self.form = QFormLayout()
        self.form.setSpacing(SPACING + 4)
        self.user_label, self.password_label = QLabel(), QLabel()
        self.form.addRow(self.user_label, self.username)
        self.form.addRow(self.password_label, self.password)
        card, inner = theme_card(460)
        for widget in (self.heading, self.office):
            inner.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        inner.addSpacing(SPACING)
        inner.addLayout(self.form)
        inner.addWidget(self.error)
        inner.addWidget(self.button)
        inner.addWidget(self.hint)
        lang_row = QHBoxLayout()
        lang_row.addStretch(1)
        lang_row.addWidget(self.language)
        outer = QVBoxLayout(self)
        outer.addLayout(lang_row)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def retranslate(self) -> None:
        self.heading.setText(self.tr("乡镇便民服务工作站"))
        self.user_label.setText(self.tr("账号"))
        self.password_label.setText(self.tr("密码"))
        self.username.setPlaceholderText(self.tr("您的员工账号"))
        self.password.setPlaceholderText(self.tr("密码"))
        self.button.setText(self.tr("登录"))
        self.hint.setText(self.tr("忘记密码或账号被锁定时，请联系本站管理员重置密码。"))
        self.language.blockSignals(True)  # follow a switch made elsewhere (settings)
        self.language.setCurrentIndex(max(0, self.language.findData(current_language())))
        self.language.blockSignals(False)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def reset(self) -> None:
        """Ready for the next person: empty password, focus where typing starts."""
        self.password.clear()
        self.error.hide()
        self.button.setEnabled(True)
        (self.password if self.username.text() else self.username).setFocus()

    def submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self._show_error(self.tr("请输入账号和密码。"))
            (self.username if not username else self.password).setFocus()
            return
        self.button.setEnabled(False)
        self.error.hide()
        check_password_async(self.state, username, password, self._succeeded, self._failed, self)

    def _succeeded(self, user: accounts.User) -> None:
        self.button.setEnabled(True)
        self.password.clear()
        self.state.ops.run(lambda ctx: settings.put(ctx.db, LAST_USER_KEY, user.username),
                           on_failure=lambda _: None)
        self.signed_in.emit(user)

    def _failed(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        if not isinstance(exc, AuthenticationFailed):
            show_error(self, exc)
            return
        title, message = error_text(exc)
        self._show_error(f"{title}\n{message}" if message else title)
        self.password.clear()
        self.password.setFocus()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def error_message(self) -> str:
        return self.error.text() if not self.error.isHidden() else ""

    def busy(self) -> bool:
        return not self.button.isEnabled()

