"""A lazy table model of cases: ids up front, row data loaded in blocks on demand.

With 100,000 cases the list must not read 100,000 rows. The page fetches the
ordered ids of a query (one narrow indexed query, off the main thread) and
hands them to :class:`CaseListModel`; ``data()`` then loads the ~200-row block
around a row the view asks for with ``case_queries.summaries`` (a primary-key
lookup, well under a millisecond per block) and keeps a bounded LRU cache of
blocks, so memory and work follow what is on screen, not the store size.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from ui.translations import QT_TRANSLATE_NOOP
from workstation import statuses
from workstation.case_queries import summaries
from workstation.clock import parse_iso
from workstation.i18n import pick
from workstation.masking import mask_id

BLOCK_SIZE = 200
MAX_BLOCKS = 10  # at most 2,000 summaries in memory, whatever the store holds
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_DISPLAY, _FOREGROUND, _TOOLTIP = (int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ForegroundRole),
                                   int(Qt.ItemDataRole.ToolTipRole))
# The view asks each cell for a dozen roles on every paint; most get None at the first test.
_ANSWERED_ROLES = frozenset({_DISPLAY, _FOREGROUND, _TOOLTIP, int(CASE_ID_ROLE)})
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

# (key, header source text, case_ids order_by column)
COLUMNS: list[tuple[str, str, str]] = [
    ("local_no", QT_TRANSLATE_NOOP("CaseListModel", "办件编号"), "local_no"),
    ("applicant_name", QT_TRANSLATE_NOOP("CaseListModel", "申请人"), "applicant_name"),
    ("id_number", QT_TRANSLATE_NOOP("CaseListModel", "身份证号"), "id_number"),
    ("service", QT_TRANSLATE_NOOP("CaseListModel", "办理事项"), "service_code"),
    ("status", QT_TRANSLATE_NOOP("CaseListModel", "状态"), "status"),
    ("created_at", QT_TRANSLATE_NOOP("CaseListModel", "受理时间"), "created_at"),
    ("updated_at", QT_TRANSLATE_NOOP("CaseListModel", "更新时间"), "updated_at"),
    ("captured_by", QT_TRANSLATE_NOOP("CaseListModel", "录入人"), "captured_by"),
]

Index = QModelIndex | QPersistentModelIndex
Loader = Callable[[list[str]], dict[str, dict[str, Any]]]


def _tr(text: str) -> str:
    return QCoreApplication.translate("CaseListModel", text)


def local_time(stamp: str | None) -> str:
    """A stored UTC stamp as local ``YYYY-MM-DD HH:MM`` (what the clerk's clock showed)."""
    if not stamp:
        return ""
    try:
        return parse_iso(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


class CaseListModel(QAbstractTableModel):
    """Rows are case ids; cells come from cached blocks of summaries."""

    sort_requested = Signal(str, bool)  # order_by column, descending

    def __init__(self, loader: Loader, service_name: Callable[[str], str],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._load = loader
        self._service_name = service_name
        self._ids: list[str | None] = []  # None: a row whose id is still on its way
        self._blocks: OrderedDict[int, dict[str, dict[str, Any]]] = OrderedDict()
        self.loaded_summaries = 0  # total rows ever read: lets tests check laziness

    # -- contents ---------------------------------------------------------
    def set_ids(self, ids: list[str], total: int | None = None,
                first_rows: dict[str, dict[str, Any]] | None = None) -> None:
        """Show these ids; with ``total``, the rest are placeholders until :meth:`fill_ids`.

        ``first_rows``: the summaries of the first block, when they were read
        with the ids (off the main thread).
        """
        self.beginResetModel()
        self._ids = list(ids)
        if total is not None and total > len(ids):
            self._ids.extend([None] * (total - len(ids)))
        self._blocks.clear()
        if first_rows is not None:
            self._blocks[0] = first_rows
            self.loaded_summaries += len(first_rows)
        self.endResetModel()

    def fill_ids(self, ids: list[str]) -> bool:
        """Put the full id list in place of placeholders, keeping scroll and selection.

        Only when the row count still matches (nothing was added meanwhile);
        otherwise the caller resets with :meth:`set_ids`.
        """
        if len(ids) != len(self._ids):
            return False
        self._ids = list(ids)
        self._blocks.clear()
        if ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(COLUMNS) - 1))
        return True

    def refresh_rows(self) -> None:
        """Forget cached rows (statuses changed after a sync) but keep the ids."""
        self._blocks.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1,
                                                                len(COLUMNS) - 1))

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        self.refresh_rows()

    def case_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, case_id: str) -> int:
        try:
            return self._ids.index(case_id)
        except ValueError:
            return -1

    def cached_blocks(self) -> int:
        return len(self._blocks)

    # -- Qt model API -----------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return _tr(COLUMNS[section][1])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        number = index.row()
        if not 0 <= number < len(self._ids):
            return None
        if role == CASE_ID_ROLE:
            return self._ids[number] or None
        row = self._row(number)
        if row is None:
            return None
        key = COLUMNS[index.column()][0]
        if role == _FOREGROUND:
            return _status_colour(row["status"]) if key == "status" else None
        if role == _TOOLTIP:  # why the county returned or rejected it
            return (row.get("county_reason") or None) if key == "status" else None
        return self._display(key, row)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is done by the database: ask the page to query again."""
        if 0 <= column < len(COLUMNS):
            self.sort_requested.emit(COLUMNS[column][2], order == Qt.SortOrder.DescendingOrder)

    # -- internals --------------------------------------------------------
    def _display(self, key: str, row: dict[str, Any]) -> str:
        if key == "id_number":
            return mask_id(row.get("id_number") or "")
        if key == "service":
            return self._service_name(row.get("service_code") or "")
        if key == "status":
            return statuses.label(row.get("status") or "")
        if key in ("created_at", "updated_at"):
            return local_time(row.get(key))
        return str(row.get(key) or "")

    def _row(self, row: int) -> dict[str, Any] | None:
        number = row // BLOCK_SIZE
        block = self._blocks.get(number)
        if block is None:
            ids = [i for i in self._ids[number * BLOCK_SIZE:(number + 1) * BLOCK_SIZE] if i]
            block = self._load(ids) if ids else {}
            self.loaded_summaries += len(ids)
            self._blocks[number] = block
            while len(self._blocks) > MAX_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(number)
        case_id = self._ids[row]
        return block.get(case_id) if case_id else None


_colours: dict[str, QColor] = {}


def _status_colour(status: str) -> QColor:
    """The status column's text colour, one per status (asked for at every paint).

    A colour rather than a brush: Qt turns it into one, and PySide need not
    build its QBrush class (with QGradient's and QImage's) for the first paint.
    """
    colour = _colours.get(status)
    if colour is None:
        from ui.theme import STATUS_COLOURS

        colour = _colours[status] = QColor(STATUS_COLOURS.get(status, "#000000"))
    return colour


def db_loader(db: Any) -> Loader:
    """Load summaries from the main-thread connection (primary-key reads only)."""
    return lambda ids: summaries(db, ids)


def service_namer(catalog_of: Callable[[], Any]) -> Callable[[str], str]:
    """Chinese (or current-language) service name by code, cached per language."""
    cache: dict[tuple[str, str], str] = {}

    def name(code: str) -> str:
        from workstation.i18n import language

        key = (language(), code)
        if key not in cache:
            try:
                cache[key] = pick(catalog_of().get(code).name) or code
            except Exception:  # an unknown or withdrawn service: show its code
                cache[key] = code
        return cache[key]

    return name

