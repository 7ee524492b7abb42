"""Home page: every case the user may see, with instant search, filters and counts.

Typing restarts a 200 ms timer; when it fires, one query runs in the
:class:`~ui.ops.OpRunner` pool and returns the ordered ids plus the counts per
status. Answers to older queries are dropped (a generation number), so a fast
typist never sees the list jump back. Sorting is asked of the database.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.case_list_model import BLOCK_SIZE, CaseListModel, db_loader, service_namer
from ui.state import AppState
from ui.theme import MARGIN, SPACING, set_role
from workstation import statuses
from workstation.case_queries import CaseFilter, case_ids, count, counts_by_status, summaries
from workstation.clock import iso
from workstation.i18n import pick

DEBOUNCE_MS = 200
FIRST_PAGE = 300  # rows shown before the full id list of a long answer arrives
FIRST_PAINT_WAIT_S = 1.0
COLUMN_WIDTHS = [285, 90, 165, 220, 95, 135, 135, 80]  # fits 1280 px without scrolling, English too
PRESETS = ["all", "today", "7d", "30d", "year", "custom"]


def day_bounds(first: date | None, last: date | None) -> tuple[str | None, str | None]:
    """Local calendar days as bounds on the stored UTC stamps.

    ``CaseFilter.date_to`` is compared as ``created_at < date_to + "T99"``; a
    UTC stamp of the last local millisecond sorts just right against it, so a
    clerk's "today" means today on the office clock, not in UTC.
    """
    start = iso(datetime.combine(first, time.min).astimezone()) if first else None
    end = None
    if last:
        end = iso(datetime.combine(last, time.max).astimezone())[:23]  # without the offset
    return start, end


class _SearchBox(QLineEdit):
    """Down arrow moves to the results, Escape clears: the keyboard is enough."""

    to_results = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.to_results.emit()
        elif event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
        else:
            super().keyPressEvent(event)


class _Table(QTableView):
    activated_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
        else:
            super().keyPressEvent(event)


class CaseListPage(QWidget):
    open_requested = Signal(str)  # case id
    new_requested = Signal()
    results_shown = Signal(int)  # rows in the list after a query was applied
    first_rows_shown = Signal(int)  # a long answer's first page is on screen (total rows)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._generation = 0
        self._order: tuple[str, bool] = ("created_at", True)
        self._status: str | None = None
        self._counts: dict[str, int] = {}
        self._shown = -1  # rows of the last answer; -1 before the first
        self._first_of = 0  # the query whose first page is on screen, ids still coming
        self.model = CaseListModel(db_loader(state.ctx.db), service_namer(lambda: state.ctx.catalog),
                                   self)
        self.model.sort_requested.connect(self._sort)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.requery)
        self._build()
        self.retranslate()

    # -- layout -----------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel()
        set_role(self.title, "title")
        self.new_button = QPushButton()
        self.new_button.setProperty("primary", True)
        self.new_button.clicked.connect(self.new_requested)
        self.search = _SearchBox()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _: self._timer.start())
        self.search.to_results.connect(self._focus_results)
        self.service = QComboBox()
        self.service.currentIndexChanged.connect(self.requery)
        self.period = QComboBox()
        self.period.currentIndexChanged.connect(self._period_changed)
        self.date_from, self.date_to = QDateEdit(), QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
            edit.dateChanged.connect(lambda _: self._timer.start())
            edit.hide()
        self.chips = QHBoxLayout()
        self.chips.setSpacing(SPACING)
        self.chip_group = QButtonGroup(self)
        self.chip_group.setExclusive(True)
        self.summary = QLabel()
        set_role(self.summary, "hint")
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.empty, "hint")
        self.empty.hide()
        self.table = self._make_table()
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.focus_search)

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.new_button)
        filters = QHBoxLayout()
        filters.setSpacing(SPACING)
        filters.addWidget(self.search, 3)
        filters.addWidget(self.service, 2)
        filters.addWidget(self.period, 1)
        filters.addWidget(self.date_from)
        filters.addWidget(self.date_to)
        chips_row = QHBoxLayout()
        chips_row.addLayout(self.chips)
        chips_row.addStretch(1)
        chips_row.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN // 2)
        layout.setSpacing(SPACING + 2)
        for part in (top, filters, chips_row):
            layout.addLayout(part)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)

    def _make_table(self) -> _Table:
        table = _Table()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        # The indicator first: enabling sorting asks the model to sort by it at once.
        table.horizontalHeader().setSortIndicator(5, Qt.SortOrder.DescendingOrder)
        table.setSortingEnabled(True)
        table.horizontalHeader().setHighlightSections(False)
        table.horizontalHeader().setStretchLastSection(True)
        # Fixed row heights: a view never measures 100,000 rows (that would load them all).
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 14)
        rows.hide()
        for column, width in enumerate(COLUMN_WIDTHS):
            table.setColumnWidth(column, width)
        table.doubleClicked.connect(lambda index: self._open(index.row()))
        table.activated_row.connect(self._open)
        return table

    def retranslate(self) -> None:
        self.title.setText(self.tr("办件列表"))
        self.new_button.setText(self.tr("新建申请 (Ctrl+N)"))
        self.search.setPlaceholderText(self.tr("搜索：姓名（两个字即可）、身份证号、手机号或办件编号"))
        self.empty.setText(self.tr("没有符合条件的办件。\n可以换个关键词，或点“全部”查看所有办件。"))
        self.date_from.setToolTip(self.tr("开始日期"))
        self.date_to.setToolTip(self.tr("结束日期"))
        self._fill_services()
        self._fill_periods()
        self.model.retranslate()
        self._show_counts()
        if self._shown >= 0:
            self.summary.setText(self.tr("共 %n 件", "", self._shown))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _fill_services(self) -> None:
        current = self.service.currentData()
        self.service.blockSignals(True)
        self.service.clear()
        self.service.addItem(self.tr("全部事项"), None)
        for form in self.state.ctx.catalog.services():
            self.service.addItem(pick(form.name) or form.code, form.code)
        self.service.setCurrentIndex(max(0, self.service.findData(current)))
        self.service.blockSignals(False)

    def _fill_periods(self) -> None:
        names = [self.tr("全部日期"), self.tr("今天"), self.tr("最近 7 天"), self.tr("最近 30 天"),
                 self.tr("今年"), self.tr("自定义日期…")]
        current = max(0, self.period.currentIndex())
        self.period.blockSignals(True)
        self.period.clear()
        for key, name in zip(PRESETS, names, strict=True):
            self.period.addItem(name, key)
        self.period.setCurrentIndex(current)
        self.period.blockSignals(False)

    # -- querying ---------------------------------------------------------
    def current_filter(self) -> CaseFilter:
        first, last = self._period()
        start, end = day_bounds(first, last)
        return CaseFilter(status=self._status, search=self.search.text().strip() or None,
                          service_code=self.service.currentData(), date_from=start, date_to=end,
                          viewer=self.state.user)

    def _period(self) -> tuple[date | None, date | None]:
        key, today = self.period.currentData(), date.today()
        if key == "today":
            return today, today
        if key in ("7d", "30d"):
            return today - timedelta(days=6 if key == "7d" else 29), today
        if key == "year":
            return date(today.year, 1, 1), today
        if key == "custom":
            first, last = self.date_from.date().toPython(), self.date_to.date().toPython()
            return (first, last) if isinstance(first, date) and isinstance(last, date) else (None, None)
        return None, None

    def requery(self) -> None:
        """The search or a filter changed, not the data: the status counts stay."""
        self.reload(recount=False)

    def reload(self, recount: bool = True) -> None:
        """Run the current query off the main thread; the newest answer wins.

        A long list comes in two steps: the first page with the total (rows on
        screen at once), then every id (for scrolling and sorting the rest).
        The counts per status cover the whole list, whatever the search: they
        are counted again only when the data may have changed (``recount``).
        """
        self._timer.stop()
        self._generation += 1
        generation, f, (order_by, descending) = self._generation, self.current_filter(), self._order
        viewer = self.state.user

        shown = threading.Event()

        def work(ctx: Any, report: Any) -> tuple[list[str], dict[str, int] | None]:
            first = case_ids(ctx.db, f, order_by, descending, limit=FIRST_PAGE)
            if len(first) == FIRST_PAGE:  # a long answer: rows on screen before the rest
                # The first block's rows too, read here rather than at the first paint.
                report((first, count(ctx.db, f), summaries(ctx.db, first[:BLOCK_SIZE]), shown))
                # Reading every id would compete with painting the first rows for
                # the interpreter: wait until they are on screen (a second at most).
                shown.wait(FIRST_PAINT_WAIT_S)
                first = case_ids(ctx.db, f, order_by, descending)
            return first, counts_by_status(ctx.db, viewer) if recount else None

        self.state.ops.run(work, lambda result: self._apply(generation, *result),
                           on_progress=lambda first: self._apply_first(generation, *first),
                           parent=self)

    def _apply_first(self, generation: int, first: list[str], total: int,
                     rows: dict[str, dict[str, Any]], shown: threading.Event) -> None:
        QTimer.singleShot(0, shown.set)  # after this turn of the event loop, which paints them
        if generation != self._generation:
            return
        keep = self.current_case_id()
        self.model.set_ids(first, total, rows)
        self._first_of = generation
        self._show_result(total, None, keep)  # counts come with the rest
        self.first_rows_shown.emit(total)

    def _apply(self, generation: int, ids: list[str], counts: dict[str, int] | None) -> None:
        if generation != self._generation:
            return  # an older query answered late
        if self._first_of == generation and self.model.fill_ids(ids):
            if counts is not None:
                self._counts = counts
                self._show_counts()
        else:
            keep = self.current_case_id()
            self.model.set_ids(ids)
            self._show_result(len(ids), counts, keep)
        self.results_shown.emit(len(ids))

    def _show_result(self, total: int, counts: dict[str, int] | None, keep: str | None) -> None:
        if counts is not None:
            self._counts = counts
            self._show_counts()
        self._shown = total
        self.summary.setText(self.tr("共 %n 件", "", total))
        self.table.setVisible(bool(total))
        self.empty.setVisible(not total)
        row = self.model.row_of(keep) if keep else -1
        self.table.selectRow(row if row >= 0 else 0)

    def _sort(self, order_by: str, descending: bool) -> None:
        if (order_by, descending) != self._order:
            self._order = (order_by, descending)
            self.requery()

    def _period_changed(self) -> None:
        custom = self.period.currentData() == "custom"
        self.date_from.setVisible(custom)
        self.date_to.setVisible(custom)
        self.requery()

    # -- status chips -----------------------------------------------------
    def _show_counts(self) -> None:
        for button in self.chip_group.buttons():
            # out of the row now: deleteLater waits for the event loop, and
            # until then the old chips would still take their room in it
            self.chip_group.removeButton(button)
            self.chips.removeWidget(button)
            button.hide()
            button.deleteLater()
        total = sum(self._counts.values())
        shown: list[tuple[str | None, str, int]] = [(None, self.tr("全部"), total)]
        shown += [(s, statuses.label(s), self._counts.get(s, 0)) for s in statuses.ALL
                  if self._counts.get(s) or s == self._status]
        for status, label, n in shown:
            chip = QPushButton(f"{label}  {n}")
            chip.setProperty("chip", True)
            chip.setProperty("status", status or "")
            chip.setCheckable(True)
            chip.setChecked(status == self._status)
            chip.clicked.connect(lambda _=False, s=status: self.set_status(s))
            self.chip_group.addButton(chip)
            self.chips.addWidget(chip)

    def set_status(self, status: str | None) -> None:
        self._status = status
        self._show_counts()  # the chosen chip, from the counts already known
        self.requery()

    def chip_texts(self) -> dict[str, str]:
        """Chip captions by status ("" for all): for tests and screenshots."""
        return {str(b.property("status")): b.text() for b in self.chip_group.buttons()}

    def click_chip(self, status: str | None) -> None:
        for button in self.chip_group.buttons():
            if button.property("status") == (status or ""):
                button.click()
                return
        raise KeyError(status)

    # -- navigation -------------------------------------------------------
    def current_case_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.case_id(index.row()) if index.isValid() else None

    def _open(self, row: int) -> None:
        case_id = self.model.case_id(row)
        if case_id:
            self.open_requested.emit(case_id)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _focus_results(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.selectRow(0)
