"""Scanning or importing pages for one material of a case.

The scanner driver runs in its own process (scanning layer) and the page
pipeline in the thread pool; each page is sent back as it is ready, so the
thumbnails appear while the feeder is still running and the window never
freezes. Pages stay in this dialog until "Save to case": they can be turned,
put in order and thrown away first, and closing with unsaved pages asks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.ops import error_text
from ui.page_strip import PendingPages, ask_for_files
from ui.state import AppState
from workstation.cases import get_case
from workstation.context import Context
from workstation.i18n import pick

try:  # the scanning layer is built alongside; the dialog still opens without it
    from scanning import pages as page_ops
    from scanning.attach import page_input, store_pages
    from scanning.errors import ScannerError
    from scanning.importer import load_pages
    from scanning.memory import release_freed_memory
    from scanning.pipeline import process_image
    from scanning.profiles import profile_for
    from scanning.sources import ScanRequest, default_source
    HAVE_SCANNING = True
except ImportError:  # pragma: no cover - only while the scanning layer is missing
    HAVE_SCANNING = False

# Which built-in scan profile suits which kind of material (certificates: "certificate").
PROFILE_OF = {"id_card": "id_card", "agent_id_card": "id_card", "bank_card": "id_card",
              "household_register": "household_register", "photo": "photo"}


def profile_kind(kind: str) -> str:
    return PROFILE_OF.get(kind) or ("certificate" if kind.endswith("_certificate") else "text")


class ScanDialog(QDialog):
    """Pages for ``kind`` of ``case_id``; with ``replace=(doc_id, sha)`` the first page replaces one."""

    attached = Signal(int)

    def __init__(self, state: AppState, case_id: str, kind: str, parent: QWidget | None = None,
                 replace: tuple[str, str] | None = None) -> None:
        super().__init__(parent)
        self.state, self.case_id, self.kind, self.replace = state, case_id, kind, replace
        self.job: Any = None
        self.busy = self.scanning = False
        self.source = state.services.get("scan_source") or (
            default_source() if HAVE_SCANNING else None)
        self.setAcceptDrops(True)
        self.setMinimumSize(980, 620)
        self._build()
        self.retranslate()
        self._fill_kinds()
        self.refresh_devices()

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.device = QComboBox(self)
        self.device.setMinimumWidth(240)
        self.source_box = QComboBox(self)
        self.kind_box = QComboBox(self)
        self.kind_box.setMinimumWidth(320)
        self.labels = {name: QLabel(self) for name in ("device", "source", "kind", "hint")}
        self.labels["hint"].setWordWrap(True)
        self.buttons = {name: QPushButton(self) for name in (
            "refresh", "one", "batch", "stop", "import", "left", "right", "delete", "blank",
            "save", "close")}
        self.buttons["save"].setProperty("primary", True)
        self.buttons["stop"].setEnabled(False)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.list = PendingPages(self.state, self)
        self.list.changed.connect(self._update_buttons)
        self._connect()
        self._arrange()

    def _connect(self) -> None:
        b = self.buttons
        b["refresh"].clicked.connect(self.refresh_devices)
        b["one"].clicked.connect(lambda: self.scan(batch=False))
        b["batch"].clicked.connect(lambda: self.scan(batch=True))
        b["stop"].clicked.connect(self.cancel_scan)
        b["import"].clicked.connect(lambda: self.import_paths(ask_for_files(self)))
        b["left"].clicked.connect(lambda: self.list.rotate_selected(1, page_ops.rotate_page))
        b["right"].clicked.connect(lambda: self.list.rotate_selected(-1, page_ops.rotate_page))
        b["delete"].clicked.connect(self.list.delete_selected)
        b["blank"].clicked.connect(self.list.delete_blank)
        b["save"].clicked.connect(self.save)
        b["close"].clicked.connect(self.reject)

    def _arrange(self) -> None:
        b, lab = self.buttons, self.labels
        top = QGridLayout()
        top.addWidget(lab["device"], 0, 0)
        top.addWidget(self.device, 0, 1)
        top.addWidget(b["refresh"], 0, 2)
        top.addWidget(lab["source"], 0, 3)
        top.addWidget(self.source_box, 0, 4)
        top.setColumnStretch(1, 1)
        actions = QHBoxLayout()
        for name in ("one", "batch", "stop", "import"):
            actions.addWidget(b[name])
        actions.addWidget(self.progress, 3)
        actions.addStretch(1)
        fix = QHBoxLayout()
        for name in ("left", "right", "delete", "blank"):
            fix.addWidget(b[name])
        fix.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(lab["kind"])
        bottom.addWidget(self.kind_box, 1)
        bottom.addWidget(b["save"])
        bottom.addWidget(b["close"])
        layout = QVBoxLayout(self)
        for part in (top, actions):
            layout.addLayout(part)
        layout.addWidget(self.status)
        layout.addWidget(lab["hint"])
        layout.addWidget(self.list, 1)
        layout.addLayout(fix)
        layout.addLayout(bottom)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("扫描或导入材料") if not self.replace else self.tr("重新扫描页面"))
        texts = {"refresh": self.tr("重新查找"), "one": self.tr("扫描一页（平板）"),
                 "batch": self.tr("送纸器连续扫描"), "stop": self.tr("停止扫描"),
                 "import": self.tr("导入文件…"), "left": self.tr("向左转"),
                 "right": self.tr("向右转"), "delete": self.tr("删除所选页"),
                 "blank": self.tr("删除空白页"), "close": self.tr("关闭")}
        for name, text in texts.items():
            self.buttons[name].setText(text)
        self.labels["device"].setText(self.tr("扫描仪："))
        self.labels["source"].setText(self.tr("进纸方式："))
        self.labels["kind"].setText(self.tr("保存为材料："))
        self.labels["hint"].setText(self.tr(
            "扫描好的页面先显示在下面，可以拖动调整顺序、旋转或删除，确认后点“保存到办件”。"
            "也可以把图片或 PDF 文件直接拖到这个窗口里。"))
        current = self.source_box.currentIndex()
        self.source_box.clear()
        for value, text in (("adf", self.tr("送纸器（单面）")), ("duplex", self.tr("送纸器（双面）"))):
            self.source_box.addItem(text, value)
        self.source_box.setCurrentIndex(max(0, current))
        self._update_buttons()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.list.renumber()
        super().changeEvent(event)

    def _fill_kinds(self) -> None:
        case = get_case(self.state.ctx, self.case_id, with_documents=False)
        form = self.state.ctx.catalog.get(case.service_code, case.form_version)
        docs = {d.kind: pick(d.label) for d in form.documents}
        wanted = [d.kind for d in form.documents_for(case.fields)]
        for kind in dict.fromkeys([self.kind, *wanted, *docs]):
            self.kind_box.addItem(docs.get(kind, kind), kind)
        self.kind_box.setCurrentIndex(0)
        self.kind_box.setEnabled(self.replace is None)

    # ---- devices and scanning -----------------------------------------------------------

    def refresh_devices(self) -> None:
        if self.source is None:
            self._say(self.tr("本机没有安装扫描功能，可以导入文件。"), error=True)
            return
        include_test = bool(self.state.services.get("scanner_include_test"))
        self._say(self.tr("正在查找扫描仪…"))
        source = self.source
        self.state.ops.run(lambda _ctx: source.list_devices(include_test=include_test),
                           self._show_devices, self._scan_failed)

    def _show_devices(self, devices: list[Any]) -> None:
        self.device.clear()
        for dev in devices:
            self.device.addItem(dev.label, dev.name)
        remembered = self.state.services.get("scanner_device")
        if remembered:
            self.set_device(remembered)
        if self.device.count():
            self._say(self.tr("扫描仪已就绪。"))
        else:
            self._say(self.tr("没有找到扫描仪。请检查扫描仪电源和数据线后点“重新查找”，"
                              "或者先导入文件。"), error=True)
        self._update_buttons()

    def set_device(self, name: str) -> None:
        """Choose a scanner by its driver name (adds it when discovery did not list it)."""
        index = self.device.findData(name)
        if index < 0:
            self.device.addItem(name, name)
            index = self.device.count() - 1
        self.device.setCurrentIndex(index)
        self._update_buttons()

    def scan(self, batch: bool) -> None:
        device = self.device.currentData()
        if self.busy or not device or self.source is None:
            return
        self.state.services["scanner_device"] = device
        profile = self.profile()
        request = ScanRequest.from_profile(profile, device=device,
                                           source=self.source_box.currentData() if batch else "flatbed",
                                           max_pages=500 if batch else 1)
        self.scanning = True
        self._set_busy(True, self.tr("正在扫描…"))
        source = self.source

        def work(_ctx: Context, report: Callable[[Any], None]) -> int:
            job = source.start(request, on_progress=lambda p: report(("progress", p)))
            self.job = job  # cancel() is safe from any thread
            try:
                with job:
                    for raw in job.pages():
                        report(("page", process_image(raw.image, raw.dpi, profile)))
            finally:
                release_freed_memory()
            return job.pages_done

        self.state.ops.run(work, self._scan_done, self._scan_failed, self._on_report)

    def cancel_scan(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self._say(self.tr("正在停止…"))

    def _on_report(self, message: tuple[Any, ...]) -> None:
        if message[0] == "page":
            self.list.add_page(message[1])
        elif message[0] == "progress" and message[1].fraction is not None:
            self.progress.setRange(0, 100)
            self.progress.setValue(int(message[1].fraction * 100))
        elif message[0] == "file_error":
            title, text = error_text(message[2])
            self._say(self.tr("%1 没有导入：%2 %3").replace("%1", Path(message[1]).name)
                      .replace("%2", title).replace("%3", text), error=True)

    def _scan_done(self, count: int) -> None:
        self.job, self.scanning = None, False
        self._set_busy(False, self.tr("完成，共 %n 页。", "", count) if count else
                       self.tr("没有得到页面。"))

    def _scan_failed(self, exc: BaseException) -> None:
        self.job, self.scanning = None, False
        self._set_busy(False, "")
        title, message = error_text(exc)
        cancelled = HAVE_SCANNING and isinstance(exc, ScannerError) and exc.kind == "cancelled"
        self._say(f"{title}。{message}", error=not cancelled)

    # ---- importing ----------------------------------------------------------------------

    def import_paths(self, paths: list[str]) -> None:
        """Read files in the background; each page shows up as it is ready."""
        if not paths or not HAVE_SCANNING:
            return
        profile = self.profile()
        self._set_busy(True, self.tr("正在导入文件…"))

        def work(_ctx: Context, report: Callable[[Any], None]) -> int:
            count = 0
            for path in paths:
                try:
                    for page in load_pages(path, profile):
                        report(("page", page))
                        count += 1
                except Exception as exc:  # noqa: BLE001 - one bad file must not stop the rest
                    report(("file_error", path, exc))
            return count

        self.state.ops.run(work, self._import_done, self._scan_failed, self._on_report)

    def _import_done(self, count: int) -> None:
        self._set_busy(False, None if self.status.property("error") else
                       self.tr("已导入 %n 页。", "", count))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt name)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt name)
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.import_paths(paths)

    # ---- saving and closing -------------------------------------------------------------

    def profile(self) -> Any:
        """The built-in profile for this material, with the office's own settings over it."""
        overrides = self.state.services.get("scan_overrides") or None
        return profile_for(profile_kind(self.current_kind()), overrides)

    def current_kind(self) -> str:
        return str(self.kind_box.currentData() or self.kind)

    def save(self) -> None:
        pages = self.list.ordered()
        if not pages or self.busy:
            return
        blank = self.list.blank_count()
        if blank and self._ask(self.tr("有 %n 页可能是空白页。保存前删除这些空白页吗？", "", blank)):
            self.list.delete_blank()
            pages = self.list.ordered()
        if not pages:
            return
        self._set_busy(True, self.tr("正在保存…"))
        kind, case_id, user, replace = self.current_kind(), self.case_id, self.state.username, \
            self.replace

        def work(ctx: Context) -> int:
            if replace is not None:
                from workstation.documents import replace_page

                replace_page(ctx, replace[0], replace[1], page_input(ctx, pages[0]), user)
                return 1
            store_pages(ctx, case_id, kind, pages, user)
            return len(pages)

        self.state.ops.run(work, self._saved, self._save_failed)

    def _saved(self, count: int) -> None:
        self.list.take_all()
        self._set_busy(False, self.tr("已保存 %n 页。", "", count))
        self.attached.emit(count)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self._set_busy(False, "")
        title, message = error_text(exc)
        self._say(self.tr("没有保存：%1。%2").replace("%1", title).replace("%2", message), error=True)

    def _ask(self, question: str) -> bool:
        return QMessageBox.question(self, self.windowTitle(), question) == \
            QMessageBox.StandardButton.Yes

    def reject(self) -> None:
        """Closing never silently drops scanned pages or leaves the scanner running."""
        if self.busy and self.job is not None:
            self.cancel_scan()
        if self.list.count() and not self._ask(
                self.tr("还有 %n 页没有保存到办件。确定放弃这些页面吗？", "", self.list.count())):
            return
        super().reject()

    def _set_busy(self, busy: bool, message: str | None) -> None:
        self.busy = busy
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)  # moving bar until the driver reports a size
        if message is not None:
            self._say(message)
        self._update_buttons()

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("error", error)
        self.status.setStyleSheet("color: #b3261e; font-weight: bold;" if error else "")

    def _update_buttons(self) -> None:
        can_scan = not self.busy and self.device.count() > 0 and HAVE_SCANNING
        count = self.list.count()
        b = self.buttons
        b["one"].setEnabled(can_scan)
        b["batch"].setEnabled(can_scan)
        b["stop"].setEnabled(self.busy and self.scanning)
        b["import"].setEnabled(not self.busy and HAVE_SCANNING)
        for name in ("left", "right", "delete"):
            b[name].setEnabled(count > 0 and not self.busy)
        b["blank"].setEnabled(self.list.blank_count() > 0 and not self.busy)
        b["save"].setEnabled(count > 0 and not self.busy)
        b["save"].setText(self.tr("保存到办件（%n 页）", "", count) if not self.replace else
                          self.tr("用这一页替换"))
