"""Pages and materials: thumbnails of stored pages, pages waiting to be saved, the checklist.

:class:`ThumbStrip` shows stored pages from their thumbnail blobs, read in the
thread pool. :class:`PendingPages` holds freshly scanned or imported pages
(the scanning layer's ``ProcessedPage``) until the clerk saves them, and lets
them be reordered by dragging, turned and deleted first.
:class:`DocumentChecklist` lists the materials a case needs and opens the
scan dialog for one of them.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PIL import Image
from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.form_fields import clear_layout
from ui.state import AppState
from workstation import audit
from workstation.context import Context
from workstation.db import write
from workstation.documents import PageInput, replace_page
from workstation.i18n import pick

THUMB_PX = 120
_TURNS = {1: Image.Transpose.ROTATE_270, 2: Image.Transpose.ROTATE_180,
          3: Image.Transpose.ROTATE_90}  # clockwise quarter turns


def rotate_encoded(data: bytes, content_type: str, dpi: int | None,
                   turns: int) -> tuple[bytes, str, int, int, bytes]:
    """Turn an encoded page by ``turns`` clockwise quarter turns: data, type, size, thumbnail."""
    from scanning import compress

    image: Image.Image = Image.open(io.BytesIO(data))
    image.load()
    if turns % 4:
        image = image.transpose(_TURNS[turns % 4])
    kind = compress.BILEVEL if image.mode == "1" else (
        compress.COLOR if image.mode == "RGB" else compress.GRAY)
    fmt = "g4" if content_type == "image/tiff" else "png"
    out, ctype = compress.encode(image, kind, int(dpi or 200), 85, fmt)
    return out, ctype, image.width, image.height, compress.thumbnail(image)


def rotate_stored_page(ctx: Context, doc_id: str, page: dict[str, Any], turns: int,
                       user: str) -> None:
    """Store the turned page as a new blob and put it in the old one's place."""
    data, ctype, width, height, thumb = rotate_encoded(
        ctx.blobs.read(page["sha256"]), page["content_type"], page.get("dpi"), turns)
    sha, thumb_sha = ctx.blobs.put_bytes(data), ctx.blobs.put_bytes(thumb)
    new = PageInput(sha, ctype, len(data), width, height, page.get("dpi"), thumb_sha,
                    page.get("blank_score"))
    replace_page(ctx, doc_id, page["sha256"], new, user)


def audit_view(ctx: Context, user: str, case_id: str) -> None:
    """Looking at a citizen's papers is recorded, like any read of personal data."""
    with write(ctx.db):
        audit.append(ctx.db, user, "case.view_documents", case_id)


def pixmap_from(data: bytes | None) -> QPixmap:
    image = QImage.fromData(data or b"")
    return QPixmap.fromImage(image) if not image.isNull() else QPixmap()


class ThumbStrip(QListWidget):
    """A row (or column) of page thumbnails, loaded in the background."""

    page_activated = Signal(int)

    def __init__(self, state: AppState, vertical: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app_state = state
        self.pages: list[dict[str, Any]] = []
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.TopToBottom if vertical else QListWidget.Flow.LeftToRight)
        self.setWrapping(not vertical)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setIconSize(QSize(THUMB_PX, THUMB_PX))
        self.setMovement(QListWidget.Movement.Static)
        self.setSpacing(6)
        self.setStyleSheet("QListWidget { background: #e8ebef; }")  # white pages stand out
        self.itemActivated.connect(lambda item: self.page_activated.emit(self.row(item)))
        self._generation = 0

    def show_pages(self, pages: list[dict[str, Any]], caption: Callable[[int], str]) -> None:
        self.clear()
        self.pages = list(pages)
        for i, page in enumerate(pages):
            item = QListWidgetItem(caption(i))
            item.setData(Qt.ItemDataRole.UserRole, page["sha256"])
            item.setSizeHint(QSize(THUMB_PX + 24, THUMB_PX + 36))
            self.addItem(item)
        height = THUMB_PX + 60
        if self.flow() == QListWidget.Flow.LeftToRight:
            self.setMinimumHeight(height if pages else 0)
        self._load_thumbs([p.get("thumb_sha256") or p["sha256"] for p in pages])

    def _load_thumbs(self, shas: list[str]) -> None:
        self._generation += 1
        generation = self._generation

        def work(ctx: Context) -> list[bytes | None]:
            return [ctx.blobs.read(sha) if ctx.blobs.has(sha) else None for sha in shas]

        def done(blobs: list[bytes | None]) -> None:
            if generation != self._generation:
                return  # a newer list replaced this one while it loaded
            for i, data in enumerate(blobs):
                item = self.item(i)
                if item is not None:
                    item.setIcon(pixmap_from(data))

        self.app_state.ops.run(work, done, on_failure=lambda _e: None)



def ask_for_files(parent: QWidget | None) -> list[str]:
    paths, _filter = QFileDialog.getOpenFileNames(
        parent, QCoreApplication.translate("ScanDialog", "选择要导入的文件"), str(Path.home()),
        QCoreApplication.translate(
            "ScanDialog", "图片或 PDF 文件 (*.jpg *.jpeg *.png *.tif *.tiff *.pdf);;所有文件 (*)"))
    return paths


def _apply(rotate: Callable[[Any, int], Any], page: Any, turns: int, _ctx: Context) -> Any:
    return rotate(page, turns)


class PendingPages(QListWidget):
    """Scanned pages not stored yet, in the order they will be stored."""

    changed = Signal()
    _ids = itertools.count(1)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app_state = state
        self.pages: dict[int, Any] = {}
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(QSize(THUMB_PX + 40, THUMB_PX + 40))
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSpacing(8)
        self.setWordWrap(True)
        self.setStyleSheet("QListWidget { background: #e8ebef; }")
        self.model().rowsMoved.connect(lambda *_a: self.renumber())

    def add_page(self, page: Any) -> None:
        key = next(self._ids)
        self.pages[key] = page
        item = QListWidgetItem(pixmap_from(page.thumbnail), "")
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setSizeHint(QSize(THUMB_PX + 60, THUMB_PX + 110))  # room for a two-line caption
        self.addItem(item)
        self.scrollToItem(item)
        self.renumber()

    def key_at(self, row: int) -> int:
        return int(self.item(row).data(Qt.ItemDataRole.UserRole))

    def ordered(self) -> list[Any]:
        return [self.pages[self.key_at(i)] for i in range(self.count())]

    def blank_count(self) -> int:
        return sum(bool(p.is_blank) for p in self.pages.values())

    def renumber(self) -> None:
        for i in range(self.count()):
            item, page = self.item(i), self.pages[self.key_at(i)]
            text = self.tr("第 %1 页").replace("%1", str(i + 1))
            if page.is_blank:  # flagged for the clerk to remove, never dropped silently
                text += "\n" + self.tr("可能是空白页")
                item.setForeground(QColor("#b3261e"))
            item.setText(text)
        self.changed.emit()

    def selected_rows(self) -> list[int]:
        return sorted(self.row(item) for item in self.selectedItems())

    def rotate_selected(self, quarter_turns: int, rotate: Callable[[Any, int], Any]) -> None:
        """Turn the chosen pages with ``rotate(page, turns)`` in the thread pool."""
        for row in self.selected_rows():
            key = self.key_at(row)
            page = self.pages[key]
            self.app_state.ops.run(partial(_apply, rotate, page, quarter_turns),
                                   partial(self._replace, key), parent=self)

    def _replace(self, key: int, new: Any) -> None:
        if key not in self.pages:
            return  # deleted while it was being turned
        self.pages[key] = new
        for i in range(self.count()):
            if self.key_at(i) == key:
                self.item(i).setIcon(pixmap_from(new.thumbnail))

    def remove_rows(self, rows: list[int]) -> None:
        for row in sorted(rows, reverse=True):
            item = self.takeItem(row)
            self.pages.pop(int(item.data(Qt.ItemDataRole.UserRole)), None)
        self.renumber()

    def delete_selected(self) -> None:
        self.remove_rows(self.selected_rows())

    def delete_blank(self) -> None:
        self.remove_rows([i for i in range(self.count()) if self.pages[self.key_at(i)].is_blank])

    def take_all(self) -> None:
        self.pages.clear()
        self.clear()
        self.changed.emit()


class DocumentChecklist(QWidget):
    """The materials this application needs, what is still missing, and buttons to add pages.

    ``ensure_case`` returns the case id, creating the draft first if needed:
    pages are attached to a case, so scanning before typing anything is fine.
    """

    pages_changed = Signal()

    def __init__(self, state: Any, ensure_case: Callable[[], str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.ensure_case = state, ensure_case
        self.form: Any = None
        self.case_id: str | None = None
        self.read_only = False
        self._shown: tuple[Any, ...] = ()
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold; color: #1f4e79;")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(0, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.missing: list[str] = []
        self._fields: dict[str, Any] = {}

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            self._shown = ()  # texts are made in _rebuild: make them again
            self.refresh(self._fields)
        super().changeEvent(event)

    def set_case(self, form: Any, case_id: str | None, read_only: bool) -> None:
        self.form, self.case_id, self.read_only = form, case_id, read_only
        self._shown = ()

    def refresh(self, fields: dict[str, Any]) -> None:
        """Rebuild only when the list or a count changed, so focus stays put while typing."""
        from workstation.case_flow import pages_by_kind

        if self.form is None:
            return
        docs = self.form.documents_for(fields)
        counts = pages_by_kind(self.state.ctx, self.case_id) if self.case_id else {}
        self._fields = fields
        shown = tuple((d.kind, counts.get(d.kind, 0)) for d in docs)
        if shown == self._shown:
            return
        self._shown = shown
        self.missing = [d.kind for d in docs if d.required and counts.get(d.kind, 0) < d.min_pages]
        self._rebuild(docs, counts)

    def _rebuild(self, docs: list[Any], counts: dict[str, int]) -> None:
        clear_layout(self.grid)
        self.heading.setText(self.tr("申请材料"))
        self.summary.setText(self.tr("必需的材料已齐全。") if not self.missing else
                             self.tr("还缺 %n 项材料", "", len(self.missing)))
        self.summary.setStyleSheet("color: #2e7d32;" if not self.missing else "color: #b3261e;")
        for i, doc in enumerate(docs):
            self._add_doc(i, doc, counts.get(doc.kind, 0))

    def _add_doc(self, i: int, doc: Any, count: int) -> None:
        done = count >= doc.min_pages
        mark = "✔" if done else ("✘" if doc.required else "○")
        colour = "#2e7d32" if done else ("#b3261e" if doc.required else "#5f6368")
        pages = self.tr("已有 %1 页，需要 %2 页").replace("%1", str(count)).replace("%2", str(doc.min_pages))
        optional = "" if doc.required else self.tr("（可选）")
        label = QLabel(f"<span style='color:{colour}; font-weight:bold'>{mark}</span> "
                       f"{pick(doc.label)}{optional}<br><span style='color:#5f6368'>{pages}</span>")
        label.setWordWrap(True)
        label.setObjectName(f"doc_{doc.kind}")
        scan = QPushButton(self.tr("扫描"), self)
        scan.setObjectName(f"scan_{doc.kind}")
        scan.setToolTip(self.tr("用扫描仪扫描这份材料"))
        imp = QPushButton(self.tr("导入文件…"), self)
        imp.setObjectName(f"import_{doc.kind}")
        imp.setToolTip(self.tr("从图片或 PDF 文件添加页面"))
        for button in (scan, imp):
            button.setEnabled(not self.read_only)
        scan.clicked.connect(lambda _c=False, k=doc.kind: self.add_pages(k))
        imp.clicked.connect(lambda _c=False, k=doc.kind: self.add_pages(k, import_files=True))
        self.grid.addWidget(label, i, 0)
        self.grid.addWidget(scan, i, 1, Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(imp, i, 2, Qt.AlignmentFlag.AlignTop)

    def add_pages(self, kind: str, import_files: bool = False) -> None:
        """Open the scan dialog for ``kind`` (asking for files first when importing)."""
        from ui.scan_dialog import ScanDialog

        paths = ask_for_files(self) if import_files else []
        if import_files and not paths:
            return
        case_id = self.ensure_case()
        if case_id is None:
            return
        dialog = ScanDialog(self.state, case_id, kind, self)
        if paths:
            dialog.import_paths(paths)
        dialog.exec()
        self._shown = ()
        self.pages_changed.emit()
