"""Looking at and fixing a document's pages: zoom, rotate, reorder, delete, re-scan.

Page files are read and re-encoded in the thread pool; only the small
database writes (a new order) happen on the main thread. Thumbnails come from
the stored thumbnail blobs, never from decoding full pages on the main thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.page_strip import THUMB_PX, ThumbStrip, audit_view, rotate_stored_page
from ui.state import AppState
from workstation.context import Context
from workstation.documents import case_documents, set_page_order


class PageViewerDialog(QDialog):
    """One document: the page list on the left, the chosen page large on the right."""

    def __init__(self, state: AppState, case_id: str, doc_id: str, start: int = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.case_id, self.doc_id = state, case_id, doc_id
        self.kind = ""
        self.zoom = 0.0  # 0: fit the window
        self.image = QPixmap()
        self.setMinimumSize(900, 640)
        self._build()
        self.retranslate()
        self.reload(start)
        audit_view(state.ctx, state.username, case_id)

    def _build(self) -> None:
        self.strip = ThumbStrip(self.state, vertical=True, parent=self)
        self.strip.setFixedWidth(THUMB_PX + 50)
        self.strip.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.strip.setMovement(QListWidget.Movement.Snap)
        self.strip.model().rowsMoved.connect(lambda *_a: self._save_order())
        self.strip.currentRowChanged.connect(self._show_page)
        self.view = QLabel(self)
        self.view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidget(self.view)
        self.scroll_area.setWidgetResizable(True)
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        actions = [("zoom_in", lambda: self.set_zoom(self._scale() * 1.25), "Ctrl++"),
                   ("zoom_out", lambda: self.set_zoom(self._scale() / 1.25), "Ctrl+-"),
                   ("fit", lambda: self.set_zoom(0.0), "Ctrl+0"),
                   ("left", lambda: self.rotate(3), "Ctrl+L"),
                   ("right", lambda: self.rotate(1), "Ctrl+R"),
                   ("up", lambda: self.move_page(-1), "Alt+Up"),
                   ("down", lambda: self.move_page(1), "Alt+Down"),
                   ("delete", self.delete_current, "Delete"),
                   ("rescan", self.rescan, "")]
        for name, slot, key in actions:
            button = QPushButton(self)
            button.clicked.connect(slot)
            self.buttons[name] = button
            bar.addWidget(button)
            if key:
                QShortcut(QKeySequence(key), self).activated.connect(slot)
        bar.addStretch(1)
        self.close_button = QPushButton(self)
        self.close_button.clicked.connect(self.accept)
        bar.addWidget(self.close_button)
        main = QHBoxLayout()
        main.addWidget(self.strip)
        main.addWidget(self.scroll_area, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(main, 1)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("查看材料页面"))
        texts = {"zoom_in": self.tr("放大"), "zoom_out": self.tr("缩小"),
                 "fit": self.tr("适合窗口"), "left": self.tr("向左转"),
                 "right": self.tr("向右转"), "up": self.tr("上移"), "down": self.tr("下移"),
                 "delete": self.tr("删除此页"), "rescan": self.tr("重新扫描此页")}
        for name, text in texts.items():
            self.buttons[name].setText(text)
        self.close_button.setText(self.tr("关闭"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.reload(self.strip.currentRow())
        super().changeEvent(event)

    # ---- loading ------------------------------------------------------------------------

    @property
    def pages(self) -> list[dict[str, Any]]:
        return self.strip.pages

    def reload(self, select: int = 0) -> None:
        docs = [d for d in case_documents(self.state.ctx.db, self.case_id)
                if d["doc_id"] == self.doc_id]
        pages = docs[0]["pages"] if docs else []
        self.kind = docs[0]["kind"] if docs else self.kind
        self.strip.show_pages(pages, lambda i: self.tr("第 %1 页").replace("%1", str(i + 1)))
        if pages:
            self.strip.setCurrentRow(max(0, min(select, len(pages) - 1)))
        else:
            self.view.setText(self.tr("这份材料已经没有页面了。"))
        for name in ("left", "right", "up", "down", "delete", "rescan"):
            self.buttons[name].setEnabled(bool(pages))

    def _show_page(self, row: int) -> None:
        if not 0 <= row < len(self.pages):
            return
        sha = self.pages[row]["sha256"]
        self.view.setText(self.tr("正在打开…"))

        def work(ctx: Context) -> QImage:
            return QImage.fromData(ctx.blobs.read(sha))  # decoding off the main thread

        def done(image: QImage) -> None:
            if self.strip.currentRow() == row:
                self.image = QPixmap.fromImage(image)
                self._render()

        self.state.ops.run(work, done, parent=self)

    def _scale(self) -> float:
        if self.zoom > 0 or self.image.isNull():
            return self.zoom or 1.0
        area = self.scroll_area.viewport().size()
        return min(area.width() / max(1, self.image.width()),
                   area.height() / max(1, self.image.height()))

    def set_zoom(self, zoom: float) -> None:
        self.zoom = max(0.05, min(zoom, 8.0)) if zoom else 0.0
        self._render()

    def _render(self) -> None:
        if self.image.isNull():
            return
        size = self.image.size() * self._scale()
        self.view.setPixmap(self.image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                              Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if not self.zoom:
            self._render()

    # ---- changes ------------------------------------------------------------------------

    def current_order(self) -> list[str]:
        return [self.strip.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.strip.count())]

    def _save_order(self, order: list[str] | None = None, select: int | None = None) -> None:
        set_page_order(self.state.ctx, self.doc_id, order or self.current_order(),
                       self.state.username)
        self.reload(self.strip.currentRow() if select is None else select)

    def move_page(self, step: int) -> None:
        row = self.strip.currentRow()
        order = self.current_order()
        target = row + step
        if 0 <= row < len(order) and 0 <= target < len(order):
            order[row], order[target] = order[target], order[row]
            self._save_order(order, target)

    def delete_current(self) -> None:
        row = self.strip.currentRow()
        if not 0 <= row < len(self.pages):
            return
        answer = QMessageBox.question(
            self, self.tr("删除页面"), self.tr("确定删除第 %1 页吗？删除后需要重新扫描才能找回。")
            .replace("%1", str(row + 1)))
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_page(row)

    def delete_page(self, row: int) -> None:
        order = self.current_order()
        del order[row]
        set_page_order(self.state.ctx, self.doc_id, order, self.state.username)
        self.reload(row)

    def rotate(self, turns: int, on_done: Callable[[], None] | None = None) -> None:
        row = self.strip.currentRow()
        if not 0 <= row < len(self.pages):
            return
        page, user = dict(self.pages[row]), self.state.username
        self.buttons["left"].setEnabled(False)
        self.buttons["right"].setEnabled(False)

        def done(_result: Any) -> None:
            self.reload(row)
            if on_done:
                on_done()

        self.state.ops.run(lambda ctx: rotate_stored_page(ctx, self.doc_id, page, turns, user),
                           done, on_failure=self._failed, parent=self)

    def _failed(self, exc: BaseException) -> None:
        from ui.ops import show_error

        self.reload(self.strip.currentRow())
        show_error(self, exc)

    def rescan(self) -> None:
        from ui.scan_dialog import ScanDialog

        row = self.strip.currentRow()
        if not 0 <= row < len(self.pages):
            return
        dialog = ScanDialog(self.state, self.case_id, self.kind, self,
                            replace=(self.doc_id, self.pages[row]["sha256"]))
        dialog.exec()
        self.reload(row)
