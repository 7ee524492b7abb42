"""The application form: applicant block and service fields, generated from the definition.

What a person typed is saved as a draft half a second after they stop typing,
as it was typed (the core cleans values when the case is made ready), so a
crash loses at most that half second and a half-typed value comes back as it
was. Saves are small main-thread writes, in order, so an older save can never
land after a newer one. Errors show under a field once that field has been
touched, so a new form does not open covered in red.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.form_fields import (
    DerivedIdRow,
    FieldRow,
    applicant_specs,
    clear_layout,
    editor_factory,
    section_label,
    short_message,
)
from ui.ops import error_text, show_error
from ui.page_strip import DocumentChecklist
from ui.state import AppState
from workstation import statuses
from workstation.cases import create_case, get_case, update_case, view_case
from workstation.errors import WorkstationError
from workstation.forms import FieldError, FormDefinition
from workstation.i18n import pick

SAVE_DELAY_MS = 500
CHECK_DELAY_MS = 300
RETRY_MS = 3000


class CaseFormPage(QWidget):
    """``start_new(code)`` or ``open_case(id)``; ``finished(case_id)`` when the person is done."""

    finished = Signal(str)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.form: FormDefinition | None = None
        self.case_id: str | None = None
        self.rows: dict[str, FieldRow] = {}
        self._saved: dict[str, Any] = {}
        self._touched: set[str] = set()
        self._show_all = self._dirty = False
        self.read_only = False
        self._save_timer = self._timer(SAVE_DELAY_MS, self.flush)
        self._check_timer = self._timer(CHECK_DELAY_MS, self.check)
        self._build()
        self._retranslate()

    def _timer(self, ms: int, slot: Callable[[], Any]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.case_no = QLabel(self)
        self.save_state = QLabel(self)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background: #fff4d6; color: #6b4e00; padding: 8px;")
        self.notice.hide()
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.scroll_area = scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)
        self.checklist = DocumentChecklist(self.state, self._ensure_case, self)
        self.checklist.pages_changed.connect(self.check)
        self.check_button = QPushButton(self)
        self.check_button.clicked.connect(self.show_all_errors)
        self.done_button = QPushButton(self)
        self.done_button.setDefault(True)
        self.done_button.setProperty("primary", True)
        self.done_button.clicked.connect(self._finish)
        self._arrange(scroll)

    def _arrange(self, scroll: QScrollArea) -> None:
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.save_state)
        middle = QHBoxLayout()
        middle.addWidget(scroll, 3)
        middle.addWidget(self.checklist, 2)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.done_button)
        outer = QVBoxLayout(self)
        outer.addLayout(head)
        outer.addWidget(self.case_no)
        outer.addWidget(self.notice)
        outer.addLayout(middle, 1)
        outer.addLayout(buttons)

    def _retranslate(self) -> None:
        self.check_button.setText(self.tr("检查填写"))
        self.check_button.setToolTip(self.tr("一次列出表单上所有需要修改的地方"))
        self.done_button.setText(self.tr("完成，查看办件"))
        if self.form is not None:
            self.title.setText(pick(self.form.name))
        for row in self.rows.values():
            row.retranslate()
        self._show_case_no()
        self._show_derived()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # ---- opening ------------------------------------------------------------------------

    def start_new(self, service_code: str) -> None:
        """An empty form; the draft is created with the first thing typed."""
        self.flush()
        self._load(self.state.ctx.catalog.get(service_code), None, {}, {}, statuses.DRAFT)
        # Defaults are not edits: they go in with the first real change, so opening a
        # form and leaving it makes no empty draft.
        self.rows["applicant.ethnicity"].set_value("汉族")
        self.rows["applicant.division_code"].set_value(self.state.ctx.office_code)
        self._focus_first()

    def open_case(self, case_id: str) -> bool:
        """Bring a saved case back with every value as it was typed."""
        self.flush()
        try:
            case = (view_case(self.state.ctx, case_id, self.state.username) if self.state.username
                    else get_case(self.state.ctx, case_id))
        except WorkstationError as exc:  # not allowed, or gone: say so, keep the page as it was
            show_error(self, exc)
            return False
        form = self.state.ctx.catalog.get(case.service_code, case.form_version)
        self._load(form, case.case_id, case.applicant, case.fields, case.status, case.captured_by)
        self._show_case_no(case.local_no)
        self._focus_first()
        return True

    def _load(self, form: FormDefinition, case_id: str | None, applicant: dict[str, Any],
              fields: dict[str, Any], status: str, captured_by: str = "") -> None:
        self.form, self.case_id = form, case_id
        self._show_all = self._dirty = False
        self._build_rows(form)
        values = {f"applicant.{k}": v for k, v in applicant.items()}
        values.update({f"fields.{k}": v for k, v in fields.items()})
        for path, value in values.items():
            if path in self.rows:
                self.rows[path].set_value(value)
        self._saved = {p: r.value() for p, r in self.rows.items()}
        self._touched = {p for p, v in values.items() if v not in (None, "", [])}
        self._set_read_only(status, captured_by)
        self.title.setText(pick(form.name))
        self.checklist.set_case(form, case_id, self.read_only)
        self._show_case_no()
        self._show_derived()
        self.check()

    def _set_read_only(self, status: str, captured_by: str) -> None:
        user = self.state.user
        allowed = user is None or user.role != "village_agent" or captured_by in ("", user.username)
        self.read_only = status not in statuses.EDITABLE or not allowed
        for row in self.rows.values():
            row.set_read_only(self.read_only)
        self.notice.setText(self.tr("此办件已交县级平台处理（%1），不能在这里修改。")
                            .replace("%1", statuses.label(status)) if status not in statuses.EDITABLE
                            else self.tr("只有录入此办件的代办员可以修改。"))
        self.notice.setVisible(self.read_only)

    # ---- rows ---------------------------------------------------------------------------

    def _build_rows(self, form: FormDefinition) -> None:
        clear_layout(self.body_layout)
        self.rows = {}
        self._section(self.tr("申请人信息"))
        for path, label, type_, required in applicant_specs():
            self._add_row(FieldRow(path, label, editor_factory(type_), required))
            if path == "applicant.id_number":
                self.derived = DerivedIdRow(self.body)
                self.body_layout.addWidget(self.derived)
        current = None
        for f in form.fields:
            section = pick(f.section) if f.section else self.tr("申请事项")
            if section != current:
                self._section(section)
                current = section
            choices = [(c.value, pick(c.label)) for c in f.choices]
            self._add_row(FieldRow(f"fields.{f.name}", f.label,
                                   editor_factory(f.type, choices), f.required, f.help))
        self.body_layout.addStretch(1)

    def _section(self, title: str) -> None:
        self.body_layout.addWidget(section_label(title, self.body))

    def _add_row(self, row: FieldRow) -> None:
        self.rows[row.path] = row
        row.changed.connect(self._on_changed)
        for widget in row.focus_widgets():
            widget.installEventFilter(self)
        self.body_layout.addWidget(row)

    # ---- values, checks and visibility --------------------------------------------------

    def value(self, path: str) -> Any:
        return self.rows[path].value()

    def set_value(self, path: str, value: Any) -> None:
        """Set a value as if typed (used for defaults and by tests)."""
        self.rows[path].set_value(value)
        self._on_changed(path)

    def values(self) -> tuple[dict[str, Any], dict[str, Any]]:
        applicant: dict[str, Any] = {}
        fields: dict[str, Any] = {}
        for path, row in self.rows.items():
            head, _, key = path.partition(".")
            (applicant if head == "applicant" else fields)[key] = row.value()
        return applicant, fields

    def _on_changed(self, path: str) -> None:
        if self.read_only:
            return
        self._touched.add(path)
        self._dirty = True
        self._save_timer.start(SAVE_DELAY_MS)  # after a failed save it waited RETRY_MS
        self._check_timer.start()
        if path == "applicant.id_number":
            self._show_derived()

    def check(self) -> list[FieldError]:
        """Validate everything now: errors under touched fields, hide and show fields."""
        if self.form is None:
            return []
        applicant, fields = self.values()
        _, _, errors = self.form.validate_case(applicant, fields)
        visible = {f"fields.{f.name}" for f in self.form.visible_fields(fields)}
        by_path: dict[str, FieldError] = {}
        for err in errors:  # one message per field: an error wins over a warning
            old = by_path.get(err.path)
            if err.path in self.rows and (old is None or (err.blocking and not old.blocking)):
                by_path[err.path] = err
        for path, row in self.rows.items():
            row.setVisible(not path.startswith("fields.") or path in visible)
            shown = by_path.get(path) if (self._show_all or path in self._touched) else None
            row.set_error(short_message(shown.message, shown.field_label) if shown else None,
                          warning=bool(shown and not shown.blocking))
        self.checklist.refresh(fields)
        return errors

    def show_all_errors(self) -> list[FieldError]:
        """Show every problem and go to the first one."""
        self._show_all = True
        errors = self.check()
        for row in self.rows.values():
            if row.isVisibleTo(self.body) and row.error_text():
                self.scroll_area.ensureWidgetVisible(row)
                row.focus_widgets()[0].setFocus()
                break
        return errors

    def _show_derived(self) -> None:
        if "applicant.id_number" in self.rows:
            self.derived.show_id(str(self.value("applicant.id_number") or ""))

    # ---- saving -------------------------------------------------------------------------

    def changes(self) -> dict[str, Any]:
        return {p: r.value() for p, r in self.rows.items() if r.value() != self._saved.get(p)}

    def flush(self) -> bool:
        """Write what changed since the last save now; True when nothing is left unsaved."""
        self._save_timer.stop()
        if self.form is None or self.read_only or (self.case_id is None and not self._dirty):
            return True
        changes = self.changes()
        if not changes:
            return True
        try:
            self._write(changes)
        except Exception as exc:  # noqa: BLE001 - a locked or full disk too: keep typing, retry
            self._save_failed(exc)
            return False
        self._saved.update(changes)
        self._status("#2e7d32", self.tr("草稿已保存 %1").replace(
            "%1", QTime.currentTime().toString("HH:mm:ss")))
        return True

    def _write(self, changes: dict[str, Any]) -> None:
        assert self.form is not None
        if self.case_id is None:
            applicant, fields = self.values()
            fields = {k: v for k, v in fields.items() if v not in (None, "", [])}
            self.case_id = create_case(self.state.ctx, self.form.code, applicant, fields,
                                       self.state.username, self.form.version)
            self.checklist.set_case(self.form, self.case_id, self.read_only)
            self._show_case_no()
            return
        update_case(self.state.ctx, self.case_id, changes, self.state.username)

    def _save_failed(self, exc: BaseException) -> None:
        title, message = error_text(exc)
        self._status("#c0392b", self.tr("尚未保存：%1").replace("%1", title), message)
        self._save_timer.start(RETRY_MS)  # keep trying: what was typed stays on screen

    def _status(self, colour: str, text: str, tip: str = "") -> None:
        self.save_state.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.save_state.setText(text)
        self.save_state.setToolTip(tip)

    def _ensure_case(self) -> str | None:
        """The case id, creating the draft first (scanning needs a case to attach to)."""
        if self.case_id is None and self.form is not None and not self.read_only:
            try:
                self._write({})
            except Exception as exc:  # noqa: BLE001 - shown by the save state, retried
                self._save_failed(exc)
                return None
            self._saved = {p: r.value() for p, r in self.rows.items()}
        else:
            self.flush()
        return self.case_id

    def _show_case_no(self, local_no: str | None = None) -> None:
        if self.case_id is None:
            self.case_no.setText(self.tr("新申请（输入后自动保存为草稿）"))
            return
        if local_no is None:
            local_no = get_case(self.state.ctx, self.case_id, with_documents=False).local_no
        self.case_no.setText(self.tr("办件编号：%1").replace("%1", local_no))

    def _finish(self) -> None:
        if self.flush() and self._ensure_case():
            assert self.case_id is not None
            self.finished.emit(self.case_id)

    def hideEvent(self, event: Any) -> None:  # noqa: N802 (Qt name)
        self.flush()  # leaving the page never leaves typing unsaved
        self._check_timer.stop()
        super().hideEvent(event)

    # ---- keyboard -----------------------------------------------------------------------

    def _focus_order(self) -> list[QWidget]:
        return [w for row in self.rows.values() if row.isVisibleTo(self.body)
                for w in row.focus_widgets() if w.isEnabled()]

    def _focus_first(self) -> None:
        order = self._focus_order()
        if order:
            order[0].setFocus()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self._focus_next(obj)
            return True
        return super().eventFilter(obj, event)

    def _focus_next(self, current: QObject) -> None:
        """Enter goes to the next visible field, and from the last one to "Done"."""
        self.check()  # a condition may just have shown the next field
        order = self._focus_order()
        index = order.index(current) if current in order else -1
        target = order[index + 1] if 0 <= index < len(order) - 1 else self.done_button
        target.setFocus()
        self.scroll_area.ensureWidgetVisible(target)

