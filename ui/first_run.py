"""First run: create the office and its first administrator, optionally enroll.

Shown instead of the sign-in page while the data directory is new
(``not ctx.initialized``). Three short steps, each checked before the next so
that mistakes are pointed out where they were made; the work itself
(:func:`workstation.office.init_office`, the first sign-in, enrollment with the
county) runs in the pool. Enrollment can fail or be skipped without undoing
the office: it can be done later in the settings.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.ops import error_text, show_error
from ui.state import AppState
from ui.sync_controller import enroll_device, enrollment_available
from ui.theme import SPACING, set_role
from ui.theme import card as theme_card
from workstation import accounts
from workstation.errors import ValidationFailed
from workstation.office import DIVISION_RE, init_office

STEPS = 3


class FirstRunPage(QWidget):
    finished = Signal(object, str)  # the signed-in admin (accounts.User), enrollment problem or ""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._build()
        self.retranslate()
        self._show_step(0)

    # -- layout -----------------------------------------------------------
    def _build(self) -> None:
        self.heading, self.step_label, self.intro = QLabel(), QLabel(), QLabel()
        set_role(self.heading, "title")
        set_role(self.step_label, "subtitle")
        self.intro.setWordWrap(True)
        self.office_code = QLineEdit()
        self.office_code.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,12}")))
        self.office_name = QLineEdit()
        self.admin = QLineEdit("admin")
        self.password, self.password2 = QLineEdit(), QLineEdit()
        for edit in (self.password, self.password2):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.county_url, self.enroll_code = QLineEdit(), QLineEdit()
        self.labels = {name: QLabel() for name in ("code", "name", "admin", "pw", "pw2", "url", "enroll")}
        self.pages = QStackedWidget()
        self.pages.addWidget(self._form([("code", self.office_code), ("name", self.office_name)]))
        self.pages.addWidget(self._form([("admin", self.admin), ("pw", self.password),
                                         ("pw2", self.password2)]))
        self.pages.addWidget(self._form([("url", self.county_url), ("enroll", self.enroll_code)]))
        self.error = QLabel()
        self.error.setWordWrap(True)
        set_role(self.error, "error")
        self.back, self.next = QPushButton(), QPushButton()
        self.next.setProperty("primary", True)
        self.next.setDefault(True)
        self.back.clicked.connect(lambda: self._show_step(self.pages.currentIndex() - 1))
        self.next.clicked.connect(self.advance)
        for edit in self.findChildren(QLineEdit):
            edit.returnPressed.connect(self.advance)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.next)
        card, inner = theme_card(620)
        for widget in (self.heading, self.step_label, self.intro, self.pages, self.error):
            inner.addWidget(widget)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def _form(self, rows: list[tuple[str, QLineEdit]]) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        form.setSpacing(SPACING + 4)
        for key, edit in rows:
            form.addRow(self.labels[key], edit)
        return page

    def retranslate(self) -> None:
        self.heading.setText(self.tr("欢迎使用乡镇便民服务工作站"))
        texts = {"code": self.tr("办公点代码"), "name": self.tr("办公点名称"),
                 "admin": self.tr("管理员账号"), "pw": self.tr("密码"), "pw2": self.tr("再次输入密码"),
                 "url": self.tr("县级平台地址"), "enroll": self.tr("登记码")}
        for key, text in texts.items():
            self.labels[key].setText(text)
        self.office_code.setPlaceholderText(self.tr("12 位统计用区划代码，例如 340822104201"))
        self.office_name.setPlaceholderText(self.tr("例如：桃花村便民服务站"))
        self.password.setPlaceholderText(self.tr("至少 8 个字符，不要只用数字"))
        self.county_url.setPlaceholderText("https://zwfw.example.gov.cn/api/v1")
        self.enroll_code.setPlaceholderText(self.tr("县里提供，例如 K7Q2-9XHM"))
        self.back.setText(self.tr("上一步"))
        self._show_step(self.pages.currentIndex())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_step(self, step: int) -> None:
        step = max(0, min(STEPS - 1, step))
        self.pages.setCurrentIndex(step)
        self.step_label.setText(self.tr("第 %1 步，共 %2 步").replace("%1", str(step + 1))
                                .replace("%2", str(STEPS)))
        intros = [self.tr("这台电脑第一次使用。请先填写本办公点的信息。"),
                  self.tr("设置第一个管理员账号。管理员可以添加其他员工账号。请记住密码。"),
                  self.tr("如果县里已经给了平台地址和登记码，现在就可以登记；也可以留空，以后在“设置”里登记。")]
        self.intro.setText(intros[step])
        self.back.setVisible(step > 0)
        self.next.setText(self.tr("完成") if step == STEPS - 1 else self.tr("下一步"))
        self.error.hide()
        page = self.pages.currentWidget()
        first = page.findChildren(QLineEdit) if page is not None else []
        if first:
            first[0].setFocus()

    # -- checking and finishing --------------------------------------------
    def advance(self) -> None:
        step = self.pages.currentIndex()
        problem = self._check(step)
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        if step < STEPS - 1:
            self._show_step(step + 1)
        else:
            self._finish()

    def _check(self, step: int) -> str:
        if step == 0:
            code = self.office_code.text().strip()
            if not DIVISION_RE.match(code) or code.startswith("000000"):
                return self.tr("办公点代码必须是 12 位数字（统计用区划代码），例如 340822104201。")
        if step == 1:
            if not accounts.USERNAME_RE.match(self.admin.text().strip()):
                return self.tr("账号为 2–32 个字母、数字、汉字或 . _ -。")
            try:
                accounts.check_password_rules(self.password.text())
            except ValidationFailed as exc:
                return "\n".join(error_text(exc))
            if self.password.text() != self.password2.text():
                return self.tr("两次输入的密码不一样，请重新输入。")
        if step == 2 and bool(self.county_url.text().strip()) != bool(self.enroll_code.text().strip()):
            return self.tr("登记需要同时填写平台地址和登记码；不登记请把两项都留空。")
        return ""

    def _finish(self) -> None:
        code, name = self.office_code.text().strip(), self.office_name.text().strip()
        admin, password = self.admin.text().strip(), self.password.text()
        url, enroll_code = self.county_url.text().strip(), self.enroll_code.text().strip()

        def work(ctx: Any) -> tuple[accounts.User, str]:
            init_office(ctx, code, name, admin, password)
            user = accounts.authenticate(ctx.db, admin, password)
            return user, _try_enroll(ctx, url, enroll_code)

        self.next.setEnabled(False)
        self.state.ops.run(work, self._done, self._failed, parent=self)

    def _done(self, result: tuple[accounts.User, str]) -> None:
        self.next.setEnabled(True)
        self.password.clear()
        self.password2.clear()
        self.finished.emit(*result)

    def _failed(self, exc: BaseException) -> None:
        self.next.setEnabled(True)
        show_error(self, exc)


def _try_enroll(ctx: Any, url: str, code: str) -> str:
    """Enroll now if asked; a failure is reported, never undoes the office."""
    if not (url and code):
        return ""
    if not enrollment_available():
        from workstation.i18n import t

        return t("本版本还不能登记，请以后在“设置”里登记。",
                 "This version cannot enroll yet; enroll later in Settings.")
    try:
        enroll_device(ctx, url, code)
    except Exception as exc:  # shown to the admin, who can retry from the settings
        title, message = error_text(exc)
        return f"{title}\n{message}" if message else title
    return ""
