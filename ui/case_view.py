"""One case at a glance: what was asked, the papers, what happened, and what to do next.

The county's word comes first: a returned case opens with a red banner and the
reason. Actions appear by status and role, and an action the core refuses is
explained on the page (not in a pop-up that hides the page), together with
the list of problems to fix.
"""

from __future__ import annotations

import html
from datetime import date, timedelta
from functools import partial
from typing import Any

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui import case_details
from ui.form_fields import clear_layout
from ui.ops import error_text, show_error
from ui.page_strip import DocumentChecklist
from ui.page_viewer import PageViewerDialog, ThumbStrip, audit_view
from ui.state import AppState
from ui.theme import STATUS_COLOURS
from workstation import statuses
from workstation.case_flow import accept_with_shortfall, mark_ready, withdraw
from workstation.cases import Case, get_case, view_case
from workstation.errors import ValidationFailed, WorkstationError
from workstation.i18n import pick

PRINTABLE = ("receipt", "notice", "privacy")


class CaseViewPage(QWidget):
    edit_requested = Signal(str)
    back_requested = Signal()

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.case: Case | None = None
        self.form: Any = None
        self._docs_audited = False
        self._build()
        self.retranslate()

    def _build(self) -> None:
        self.back = QPushButton(self)
        self.back.clicked.connect(self.back_requested)
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.status_chip = QLabel(self)
        self.numbers = QLabel(self)
        self.numbers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sync_line = QLabel(self)
        self.banner = _box("#fdecea", "#8c1d18")
        self.shortfall_banner = _box("#fff4d6", "#6b4e00")
        self.message = _box("#fdecea", "#8c1d18")
        self.action_buttons = {name: QPushButton(self) for name in ("edit", "ready", "shortfall", "withdraw")}
        self.action_buttons["ready"].setProperty("primary", True)
        self.action_buttons["edit"].clicked.connect(self._edit)
        self.action_buttons["ready"].clicked.connect(self.mark_ready)
        self.action_buttons["shortfall"].clicked.connect(self._ask_shortfall)
        self.action_buttons["withdraw"].clicked.connect(self.withdraw)
        self.print_button = QPushButton(self)
        self.print_menu = QMenu(self)
        self.print_button.setMenu(self.print_menu)
        self.tabs = QTabWidget(self)
        self.details = QWidget()
        self.details_form = QFormLayout(self.details)
        self.details_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.docs_page = QWidget()
        self.docs_layout = QVBoxLayout(self.docs_page)
        self.checklist = DocumentChecklist(self.state, self._case_id, self)
        self.checklist.pages_changed.connect(self.reload)
        self.history = case_details.history_table(self)
        for widget in (self.details, self.docs_page):
            scroll = QScrollArea(self)
            scroll.setWidgetResizable(True)
            scroll.setWidget(widget)
            self.tabs.addTab(scroll, "")
        self.tabs.addTab(self.history, "")
        self.tabs.currentChanged.connect(self._tab_changed)
        self._arrange()

    def _arrange(self) -> None:
        head = QHBoxLayout()
        head.addWidget(self.back)
        head.addWidget(self.title, 1)
        head.addWidget(self.status_chip)
        bar = QHBoxLayout()
        for button in self.action_buttons.values():
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        for widget in (self.numbers, self.sync_line, self.banner, self.shortfall_banner,
                       self.message):
            layout.addWidget(widget)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)

    def retranslate(self) -> None:
        self.back.setText(self.tr("← 返回"))
        texts = {"edit": self.tr("修改"), "ready": self.tr("标记为待上报"),
                 "shortfall": self.tr("容缺受理…"), "withdraw": self.tr("撤回为草稿")}
        for name, text in texts.items():
            self.action_buttons[name].setText(text)
        self.action_buttons["ready"].setToolTip(self.tr("检查无误后交给上报，联网时自动发送到县级平台"))
        self.print_button.setText(self.tr("打印…"))
        self._fill_print_menu()
        for i, text in enumerate((self.tr("申请信息"), self.tr("材料"), self.tr("办理记录"))):
            self.tabs.setTabText(i, text)
        if self.case is not None:
            self._show(self.case)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _fill_print_menu(self) -> None:
        from ui import printing

        self.print_menu.clear()
        names = {"receipt": self.tr("受理回执"), "notice": self.tr("一次性告知单"),
                 "privacy": self.tr("个人信息告知书")}
        for which in PRINTABLE:
            action = self.print_menu.addAction(self.tr("打印%1…").replace("%1", names[which]))
            action.triggered.connect(partial(self._print, printing.print_with_preview, which))
        self.print_menu.addSeparator()
        for which in PRINTABLE:
            action = self.print_menu.addAction(self.tr("%1另存为 PDF…").replace("%1", names[which]))
            action.triggered.connect(partial(self._print, printing.save_pdf_dialog, which))

    # ---- showing ------------------------------------------------------------------------

    def show_case(self, case_id: str) -> bool:
        self.message.hide()
        self._docs_audited = False
        try:
            case = (view_case(self.state.ctx, case_id, self.state.username) if self.state.username
                    else get_case(self.state.ctx, case_id))
        except WorkstationError as exc:  # e.g. another agent's case: explain, never a traceback
            show_error(self, exc)
            return False
        self._show(case)
        return True

    def reload(self) -> None:
        if self.case is not None:
            self._show(get_case(self.state.ctx, self.case.case_id))

    def _show(self, case: Case) -> None:
        self.case = case
        self.form = self.state.ctx.catalog.get(case.service_code, case.form_version)
        self.title.setText(pick(self.form.name))
        colour = STATUS_COLOURS.get(case.status, "#5f6368")
        self.status_chip.setText(statuses.label(case.status))
        self.status_chip.setStyleSheet(f"background: {colour}; color: white; padding: 4px 12px;"
                                       " border-radius: 10px; font-weight: bold;")
        self.numbers.setText(case_details.numbers_line(case))
        self.sync_line.setText(case_details.sync_line(case))
        self._banners(case)
        self._update_actions(case)
        case_details.fill_details(self.details_form, case, self.form)
        self._fill_documents(case)
        case_details.fill_history(self.history, self.state.ctx, case.case_id, self.form)
        if self.tabs.currentIndex() == 1:
            self._tab_changed(1)

    def _banners(self, case: Case) -> None:
        returned = case.status == statuses.RETURNED or case.county_status == statuses.RETURNED
        problem = case_details.sync_problem(self.state.ctx, case.case_id)
        self.banner.setVisible(returned or bool(problem))
        if returned:
            self.banner.setText(
                self.tr("<b>县级平台退回补正</b>：%1<br>请点“修改”改正后，再点“标记为待上报”重新提交。")
                .replace("%1", html.escape(case.county_reason or self.tr("（未说明原因）"))))
        elif problem:
            self.banner.setText(problem)
        self.shortfall_banner.setVisible(bool(case.shortfall))
        if case.shortfall:
            labels = {d.kind: pick(d.label) for d in self.form.documents}
            owed = "、".join(labels.get(k, k) for k in case.shortfall.get("missing", []))
            self.shortfall_banner.setText(self.tr("<b>容缺受理</b>：申请人承诺于 %1 前补交：%2")
                                          .replace("%1", case.shortfall.get("due", ""))
                                          .replace("%2", owed))

    def _update_actions(self, case: Case) -> None:
        user = self.state.user
        own = user is None or user.role != "village_agent" or user.username == case.captured_by
        clerk = user is not None and user.role in ("clerk", "admin")
        can_ready = case.status in (statuses.DRAFT, statuses.RETURNED) and own
        self.action_buttons["edit"].setVisible(case.status in statuses.EDITABLE and own)
        self.action_buttons["ready"].setVisible(can_ready)
        self.action_buttons["shortfall"].setVisible(can_ready)
        self.action_buttons["shortfall"].setEnabled(clerk)
        self.action_buttons["shortfall"].setToolTip(
            self.tr("申请人主要材料齐全、承诺限期补交其余材料时使用") if clerk else
            self.tr("只有窗口人员或管理员可以容缺受理"))
        self.action_buttons["withdraw"].setVisible(case.status == statuses.READY and own)

    def _fill_documents(self, case: Case) -> None:
        clear_layout(self.docs_layout, keep=self.checklist)
        editable = case.status in statuses.EDITABLE and self.action_buttons["edit"].isVisible()
        self.checklist.set_case(self.form, case.case_id, not editable)
        self.checklist.refresh(case.fields)
        self.docs_layout.addWidget(self.checklist)
        labels = {d.kind: pick(d.label) for d in self.form.documents}
        for doc in case.documents:
            self.docs_layout.addWidget(self._doc_block(doc, labels.get(doc["kind"], doc["kind"])))
        self.docs_layout.addStretch(1)

    def _doc_block(self, doc: dict[str, Any], label: str) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        head = QHBoxLayout()
        title = QLabel(self.tr("<b>%1</b> · %n 页", "", len(doc["pages"])).replace("%1", label))
        open_button = QPushButton(self.tr("查看和整理页面"), box)
        open_button.setObjectName(f"open_{doc['doc_id']}")
        open_button.clicked.connect(lambda: self.open_pages(doc["doc_id"]))
        head.addWidget(title, 1)
        head.addWidget(open_button)
        strip = ThumbStrip(self.state, parent=box)
        strip.show_pages(doc["pages"], lambda i: self.tr("第 %1 页").replace("%1", str(i + 1)))
        strip.page_activated.connect(lambda row: self.open_pages(doc["doc_id"], row))
        layout.addLayout(head)
        layout.addWidget(strip)
        return box

    def _tab_changed(self, index: int) -> None:
        if index == 1 and self.case is not None and self.case.documents and not self._docs_audited:
            audit_view(self.state.ctx, self.state.username, self.case.case_id)
            self._docs_audited = True

    def open_pages(self, doc_id: str, start: int = 0) -> None:
        if self.case is not None:
            PageViewerDialog(self.state, self.case.case_id, doc_id, start, self).exec()
            self.reload()

    # ---- actions ------------------------------------------------------------------------

    def _case_id(self) -> str | None:
        return self.case.case_id if self.case is not None else None

    def _edit(self) -> None:
        if self.case is not None:
            self.edit_requested.emit(self.case.case_id)

    def _run(self, action: Any) -> bool:
        """Run a core action; explain a refusal on the page. True when it went through."""
        self.message.hide()
        try:
            action()
        except ValidationFailed as exc:
            self._show_problems(exc)
            return False
        except WorkstationError as exc:
            title, text = error_text(exc)
            self._say(f"<b>{title}</b><br>{text}")
            return False
        finally:
            self.reload()
        return True

    def _show_problems(self, exc: ValidationFailed) -> None:
        items = "".join(f"<li>{p.get('message', '')}</li>" for p in exc.errors if isinstance(p, dict))
        self._say(f"<b>{exc.title}</b>：{self.tr('请先处理以下问题')}<ul>{items}</ul>"
                  if items else f"<b>{exc.title}</b><br>{exc.message}")

    def _say(self, html: str) -> None:
        self.message.setText(html)
        self.message.show()

    def mark_ready(self) -> bool:
        assert self.case is not None
        case_id, user = self.case.case_id, self.state.username
        return self._run(lambda: mark_ready(self.state.ctx, case_id, user))

    def withdraw(self) -> bool:
        assert self.case is not None
        case_id, user = self.case.case_id, self.state.username
        return self._run(lambda: withdraw(self.state.ctx, case_id, user))

    def accept_shortfall(self, missing: list[str], due: date, note: str = "") -> bool:
        assert self.case is not None
        case_id, user = self.case.case_id, self.state.username
        return self._run(lambda: accept_with_shortfall(self.state.ctx, case_id, user, missing,
                                                       due, note))

    def _ask_shortfall(self) -> None:
        if self.case is None:
            return
        dialog = ShortfallDialog(self.form, self.checklist.missing, self)
        if dialog.exec():
            self.accept_shortfall(dialog.missing(), dialog.due(), dialog.note.text())

    def _print(self, printer: Any, which: str, _checked: bool = False) -> None:
        if self.case is None:
            return
        try:
            printer(self.state, self.case.case_id, which, self)
        except WorkstationError as exc:
            title, text = error_text(exc)
            self._say(f"<b>{title}</b><br>{text}")
        self.reload()


class ShortfallDialog(QDialog):
    """容缺受理: which materials the applicant still owes, and by when."""

    def __init__(self, form: Any, missing: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("容缺受理"))
        labels = {d.kind: pick(d.label) for d in form.documents}
        self.checks = {kind: QCheckBox(labels.get(kind, kind), self) for kind in missing}
        for check in self.checks.values():
            check.setChecked(True)
        self.due_edit = QDateEdit(QDate.currentDate().addDays(5), self)
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setMinimumDate(QDate.currentDate().addDays(1))
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("例如：申请人已签署补交承诺书"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("申请人承诺补交的材料："), self))
        for check in self.checks.values():
            layout.addWidget(check)
        form_layout = QFormLayout()
        form_layout.addRow(self.tr("补交期限："), self.due_edit)
        form_layout.addRow(self.tr("备注："), self.note)
        layout.addLayout(form_layout)
        layout.addWidget(buttons)

    def missing(self) -> list[str]:
        return [kind for kind, check in self.checks.items() if check.isChecked()]

    def due(self) -> date:
        picked = self.due_edit.date()
        if not picked.isValid():
            return date.today() + timedelta(days=5)
        return date(picked.year(), picked.month(), picked.day())


def _box(background: str, colour: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setStyleSheet(f"background: {background}; color: {colour}; padding: 10px;"
                        " border-radius: 4px; font-size: 14px;")
    label.hide()
    return label
