"""The sync page: where things stand, what went wrong with which case, sync now.

Quarantined cases are ones the county refused and that wait for a person;
each row says the problem in the county's words and what to do about it, and
opens the case. Nothing here blocks: the run happens in the controller's thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.case_list_model import local_time
from ui.ops import error_text
from ui.status_bar import DOT_COLOURS, dot, state_text
from ui.sync_controller import NOT_ENROLLED, SyncController, SyncFigures
from ui.theme import MARGIN, SPACING, set_role
from ui.translations import QT_TRANSLATE_NOOP

# Marked for lupdate here, translated where shown (context "SyncAdvice").
ADVICE = {
    "invalid_field": QT_TRANSLATE_NOOP("SyncAdvice", "打开办件，按问题说明改正后，重新标记为“待上报”。"),
    "unknown_service": QT_TRANSLATE_NOOP(
        "SyncAdvice", "县里已不再受理这个事项的这一版表单：请先同步，再用新版表单重新填写。"),
    "stale_revision": QT_TRANSLATE_NOOP(
        "SyncAdvice", "县里已有更新的版本：请打开办件核对，必要时电话联系县级窗口。"),
    "missing_blob": QT_TRANSLATE_NOOP(
        "SyncAdvice", "附件会自动重新上传，一般无需处理；一直出现时请重新扫描材料。"),
    "conflict": QT_TRANSLATE_NOOP("SyncAdvice", "县里的记录和本地不一致：请电话联系县级窗口核对。"),
    "blocked": QT_TRANSLATE_NOOP(
        "SyncAdvice", "本机的材料文件损坏或不被接受：打开办件，重新扫描或导入这份材料。"),
}
STEP_TEXTS = {
    "probe": QT_TRANSLATE_NOOP("SyncStep", "正在连接县级平台…"),
    "catalog": QT_TRANSLATE_NOOP("SyncStep", "正在更新事项目录…"),
    "blobs": QT_TRANSLATE_NOOP("SyncStep", "正在上传材料…"),
    "batches": QT_TRANSLATE_NOOP("SyncStep", "正在上报办件…"),
    "updates": QT_TRANSLATE_NOOP("SyncStep", "正在接收县级办理结果…"),
    "done": QT_TRANSLATE_NOOP("SyncStep", "完成"),
}
DEFAULT_ADVICE = QT_TRANSLATE_NOOP("SyncAdvice", "打开办件核对；无法解决时请联系县级平台。")


def advice(code: str) -> str:
    return QCoreApplication.translate("SyncAdvice", ADVICE.get(code, DEFAULT_ADVICE))


def _field(item: dict[str, Any], *names: str) -> str:
    for name in names:
        if item.get(name):
            return str(item[name])
    return ""


class SyncPanel(QWidget):
    open_case = Signal(str)

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._build()
        controller.figures_changed.connect(lambda _: self.show_figures())
        controller.state_changed.connect(lambda _: self.show_figures())
        controller.progress.connect(self.show_progress)
        controller.run_finished.connect(self._run_finished)
        self.retranslate()

    def _build(self) -> None:
        self.title, self.state_label, self.message = QLabel(), QLabel(), QLabel()
        set_role(self.title, "title")
        self.state_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.message.setWordWrap(True)
        self.sync_button = QPushButton()
        self.sync_button.setProperty("primary", True)
        self.sync_button.clicked.connect(self.sync_now)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress_text = QLabel()
        set_role(self.progress_text, "hint")
        self.facts = QFormLayout()
        self.facts.setSpacing(SPACING)
        self.fact_labels = {k: (QLabel(), QLabel()) for k in ("waiting", "success", "attempt", "county")}
        for name, value in self.fact_labels.values():
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts.addRow(name, value)
        self.history_title, self.history = QLabel(), QLabel()
        self.history_title.setStyleSheet("font-weight: bold;")
        self.history.setWordWrap(True)
        set_role(self.history, "hint")
        self.quarantine_title = QLabel()
        self.quarantine_title.setStyleSheet("font-weight: bold;")
        self.quarantine = QTableWidget(0, 4)
        self.quarantine.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.quarantine.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.quarantine.verticalHeader().hide()
        self.quarantine.setWordWrap(True)
        header = self.quarantine.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((290, 90, 340)):
            self.quarantine.setColumnWidth(column, width)
        self.quarantine.doubleClicked.connect(lambda _: self._open_selected())
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self._open_selected)
        self.empty = QLabel()
        set_role(self.empty, "hint")

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.sync_button)
        state_row = QHBoxLayout()
        self.state_dot = QLabel()
        state_row.addWidget(self.state_dot)
        state_row.addWidget(self.state_label)
        state_row.addStretch(1)
        open_row = QHBoxLayout()
        open_row.addWidget(self.empty)
        open_row.addStretch(1)
        open_row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        layout.setSpacing(SPACING + 2)
        layout.addLayout(top)
        layout.addLayout(state_row)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addLayout(self.facts)
        layout.addWidget(self.history_title)
        layout.addWidget(self.history)
        layout.addSpacing(SPACING)
        layout.addWidget(self.quarantine_title)
        layout.addWidget(self.quarantine, 1)
        layout.addLayout(open_row)
        self.progress.hide()
        self.progress_text.hide()

    def retranslate(self) -> None:
        self.title.setText(self.tr("与县级平台同步"))
        self.sync_button.setText(self.tr("立即同步 (F5)"))
        names = {"waiting": self.tr("待上报"), "success": self.tr("上次成功同步"),
                 "attempt": self.tr("上次尝试"), "county": self.tr("县级平台")}
        for key, text in names.items():
            self.fact_labels[key][0].setText(text)
        self.quarantine.setHorizontalHeaderLabels(
            [self.tr("办件编号"), self.tr("申请人"), self.tr("问题"), self.tr("怎么办")])
        self.open_button.setText(self.tr("打开办件"))
        self.empty.setText(self.tr("没有需要处理的办件。"))
        self.history_title.setText(self.tr("最近几次同步"))
        self.show_figures()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- showing ----------------------------------------------------------
    def show_figures(self) -> None:
        c, f = self.controller, self.controller.figures
        self.state_label.setText(state_text(c.state))
        self.state_dot.setPixmap(dot(DOT_COLOURS.get(c.state, "#888"), 16).pixmap(16, 16))
        self.message.setText(self._state_message(f))
        self.sync_button.setEnabled(c.available and not c.running and c.state != NOT_ENROLLED)
        never = self.tr("还没有")
        facts = {"waiting": self.tr("%n 件", "", f.waiting),
                 "success": local_time(f.last_success) or never,
                 "attempt": local_time(f.last_attempt) or never,
                 "county": f.county_url or self.tr("未设置")}
        for key, text in facts.items():
            self.fact_labels[key][1].setText(text)
        self._show_quarantine(f)
        runs = [f"{local_time(r.get('finished_at') or r.get('started_at'))}  {r.get('summary') or ''}"
                for r in f.history[:5]]
        self.history.setText("\n".join(runs) or self.tr("还没有同步过。"))

    def _state_message(self, f: SyncFigures) -> str:
        c = self.controller
        if not c.available:
            return self.tr("本版本还没有同步功能。办件都保存在这台电脑上，不会丢失。")
        if c.state == NOT_ENROLLED:
            return self.tr("这台电脑还没有在县级平台登记。请管理员在“设置 → 县级平台”里填写地址和登记码。")
        if c.last_error is not None:
            title, message = error_text(c.last_error)
            return self.tr("上次同步没有完成：") + title + ("\n" + message if message else "") + \
                "\n" + self.tr("办件都保存在本机，连上网络后会自动重试。")
        if f.last_error:
            return self.tr("上次同步没有完成：") + f.last_error
        if f.quarantined:
            return self.tr("有 %n 件办件需要处理：县级平台退回了它们，或本机材料有问题。请按下表“怎么办”一栏处理。",
                           "", len(f.quarantined))
        return self.tr("办件在本机保存；有网络时自动上报，也可以点“立即同步”。")

    def _show_quarantine(self, f: SyncFigures) -> None:
        items = f.quarantined
        self.quarantine_title.setText(self.tr("需要处理的办件（%n 件）", "", len(items)))
        self.quarantine.setRowCount(len(items))
        for row, item in enumerate(items):
            code = _field(item, "code", "error_code", "reason_code")
            values = [_field(item, "local_no", "case_id"), _field(item, "applicant_name", "name"),
                      _field(item, "message", "reason", "error") or code, advice(code)]
            for column, text in enumerate(values):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.get("case_id"))
                cell.setToolTip(text)
                self.quarantine.setItem(row, column, cell)
        self.quarantine.resizeRowsToContents()
        self.open_button.setEnabled(bool(items))
        self.empty.setVisible(not items)

    def show_progress(self, report: Any) -> None:
        data = report if isinstance(report, dict) else {"text": str(report)}
        self.progress.show()
        self.progress_text.show()
        done, total = data.get("done"), data.get("total")
        if isinstance(done, int) and isinstance(total, int) and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        else:
            self.progress.setRange(0, 0)  # busy: the engine does not know the total yet
        phase = str(data.get("phase") or "")
        text = QCoreApplication.translate("SyncStep", STEP_TEXTS[phase]) if phase in STEP_TEXTS else phase
        if total:
            text += f"  {done} / {total}"
        self.progress_text.setText(text)

    def _run_finished(self, _result: Any, _error: Any) -> None:
        self.progress.hide()
        self.progress_text.hide()
        self.show_figures()

    # -- actions ----------------------------------------------------------
    def sync_now(self) -> None:
        if self.controller.sync_now():
            self.progress.setRange(0, 0)
            self.progress.show()
            self.progress_text.setText(self.tr("正在连接县级平台…"))
            self.progress_text.show()
            self.show_figures()

    def _open_selected(self) -> None:
        row = self.quarantine.currentRow()
        item = self.quarantine.item(max(row, 0), 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole):
            self.open_case.emit(item.data(Qt.ItemDataRole.UserRole))
