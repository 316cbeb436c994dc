"""The paper table: a list of ids in display order (sorted in SQL by the core)
plus rows fetched lazily in blocks and cached, so a large library opens at once."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt

from lectern.core.domain.changes import Changes
from lectern.core.domain.records import SORT_KEYS
from lectern.core.library.facade import Library, PaperRow
from lectern.core.search.engine import Highlighter, SearchResult
from lectern.core.store.library_errors import LibraryDamaged
from lectern.desktop.views.untrusted import plain_tooltip

HEADERS = {"title": "Title", "starred": "★", "status": "Status", "year": "Year", "tags": "Tags", "added": "Added",
           "authors": "Authors", "venue": "Venue", "type": "Type"}
COLUMNS: list[tuple[str, str]] = [(key, HEADERS[key]) for key in SORT_KEYS]  # a column for each sort key
# Columns a reader can hide or show (the header's context menu, View > Columns);
# the title always shows. New libraries show these, Venue and Type on request.
OPTIONAL_COLUMNS = [(key, label if key != "starred" else "Star") for key, label in COLUMNS if key != "title"]
DEFAULT_COLUMNS = ("title", "authors", "starred", "status", "year", "tags", "added")
# The title takes the width the others leave (it stretches and elides); these fit 1280 px with room for it.
WIDTHS = {"title": 240, "starred": 28, "status": 72, "year": 48, "tags": 130, "added": 88, "authors": 140,
          "venue": 150, "type": 88}


def column_of(key: str) -> int:
    """The model column that shows `key`."""
    return next(i for i, (k, _label) in enumerate(COLUMNS) if k == key)
BLOCK = 64  # rows read at once when one is missing: a screen and a half (each costs its authors' parsing)
CACHE_LIMIT = 80 * BLOCK
SORT_SCREEN = 200  # rows a sort shows before every id is read (at 100k, reading them all takes ~50 ms)
PAPER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
HIGHLIGHT_ROLE = Qt.ItemDataRole.UserRole + 2  # (start, end) spans of matched words
_ROLES_ANSWERED = frozenset({PAPER_ID_ROLE, HIGHLIGHT_ROLE, Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                             Qt.ItemDataRole.TextAlignmentRole})
AnyIndex = QModelIndex | QPersistentModelIndex
PAPER_IDS_MIME = "application/x-lectern-paper-ids"


@dataclass(frozen=True)
class RowsAhead:
    """The rows a result will show first, read on the search worker (the window's
    thread only paints them), with the library's write count before the read:
    a write since then makes them stale, and they are read again."""

    generation: int
    rows: dict[int, PaperRow]


def read_ahead(library: Library, ids: list[int], keep: int | None = None) -> RowsAhead:
    """On a worker: the first block of `ids`, and the block that holds `keep`
    (the paper the window keeps selected, which it scrolls to)."""
    generation = library.db.generation  # (before reading: a write meanwhile makes them stale)
    wanted = ids[:BLOCK]
    if keep is not None:
        try:
            row = ids.index(keep)
        except ValueError:
            row = 0
        if row >= BLOCK:
            wanted = wanted + ids[row - row % BLOCK : row - row % BLOCK + BLOCK]
    return RowsAhead(generation, library.rows(wanted))


class PaperTableModel(QAbstractTableModel):
    def __init__(self, library: Library, parent: object = None, load: bool = True) -> None:
        """`load=False` leaves the model empty until the first `sort` or `refresh`
        (the window's view sorts it once its saved order is restored)."""
        super().__init__(parent)
        self._library = library
        self._ids: list[int] = []
        self._row_of: dict[int, int] | None = None
        self._cache: dict[int, PaperRow] = {}
        self.sort_key: str | None = "added"  # None: by relevance
        self.descending = False
        self.text = ""  # the search box's query
        self.scope = ""  # the sidebar view's query
        self.highlighter = Highlighter()
        self.complete = True
        self.first_fill: int | None = None  # the next query reads only this many ids (complete=False)
        self._ids_sorted_by: tuple[str | None, bool] | None = None  # the order the ids are in
        # Set by the window: called as a sort begins, it returns what finishes a sort
        # whose first screen only was read (the rest is read on a worker).
        self.on_sort: Callable[[], Callable[[], None]] | None = None
        self.list_id: int | None = None  # set while a reading list is shown: rows can be dragged
        self._row_flags: Qt.ItemFlag | None = None
        self.on_reorder: Callable[[int, list[int]], None] | None = None
        if load:
            self.refresh()

    # -- data source --------------------------------------------------------
    def _query(self) -> SearchResult:
        sort = self.sort_key if self.sort_key or not self.text.strip() else None
        screen, self.first_fill = self.first_fill, None
        return self._library.search(self.text, scope=self.scope, sort=sort or None, descending=self.descending,
                                    first_screen=screen)

    def refresh(self) -> None:
        """Re-query the ids (after papers were added or removed, or a sort)."""
        self.show_result(self._query())

    def show_result(self, result: SearchResult, ahead: RowsAhead | None = None) -> None:
        """Show the papers of a finished search (from a worker thread), with the
        rows it read ahead (`read_ahead`). The rest of a result whose first
        screen is shown is appended below it: the rows on screen are neither
        read nor painted again."""
        shown = self._ids
        if (not self.complete and result.text == self.text and len(result.ids) > len(shown)
                and result.ids[: len(shown)] == shown):
            self.beginInsertRows(QModelIndex(), len(shown), len(result.ids) - 1)
            self._ids = result.ids
            self._ids_sorted_by = (self.sort_key, self.descending) if self.sort_key else None
            self._row_of = None
            self.complete = result.complete
            self.endInsertRows()
            return
        self.beginResetModel()
        self._ids = result.ids
        self._ids_sorted_by = (self.sort_key, self.descending) if self.sort_key else None
        self.complete = result.complete
        self.text = result.text
        self.highlighter = Highlighter.for_field(result.query, "title")
        self._row_of = None
        self._cache.clear()
        if ahead is not None and ahead.generation == self._library.db.generation:
            self._cache.update(ahead.rows)
        self.endResetModel()

    def search_request(self, text: str, scope: str | None = None) -> tuple[str, str, str | None, bool]:
        """What a search for `text` asks the core: (text, scope, sort, descending).
        A new text query ranks by relevance until a column is clicked."""
        if text.strip() != self.text.strip():
            self.sort_key = None if text.strip() else "added"
            self.descending = False
        return text, self.scope if scope is None else scope, self.sort_key, self.descending

    def paper_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, paper_id: int) -> int | None:
        if self._row_of is None:  # one lookup: a C-speed scan beats building a 100k-entry map
            try:
                return self._ids.index(paper_id)
            except ValueError:
                return None
        return self._row_of.get(paper_id)

    def _row_map(self) -> dict[int, int]:
        if self._row_of is None:
            self._row_of = {pid: i for i, pid in enumerate(self._ids)}
        return self._row_of

    def _paper_row(self, row: int) -> PaperRow | None:
        paper_id = self._ids[row]
        cached = self._cache.get(paper_id)
        if cached is None:
            if len(self._cache) > CACHE_LIMIT:
                self._cache.clear()
            start = row - row % BLOCK  # the rows around it not held yet (one changed paper: itself)
            cache = self._cache
            try:
                self._cache.update(self._library.rows(
                    [pid for pid in self._ids[start : start + BLOCK] if pid not in cache]))
            except LibraryDamaged:  # the window hears of it from the library and offers the backup
                return None
            cached = self._cache.get(paper_id)
        return cached

    def apply_changes(self, changes: Changes) -> None:
        """Refresh only what `changes` touched."""
        if changes.membership:
            self.refresh()
            return
        last = self.columnCount() - 1
        rows = []
        lookup = self._row_map().get if len(changes.papers) > 20 else self.row_of
        for paper_id in changes.papers:
            self._cache.pop(paper_id, None)
            row = lookup(paper_id)
            if row is not None:
                rows.append(row)
        if len(rows) > 20:  # one signal for a bulk change: the view repaints what is visible once
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), last))
        else:
            for row in rows:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    # -- Qt model API -------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role not in _ROLES_ANSWERED:  # (first: the view asks a dozen roles a cell at every paint)
            return None
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == PAPER_ID_ROLE:
            return self._ids[index.row()]
        if role == HIGHLIGHT_ROLE:
            return self.title_spans(index.row()) if index.column() == 0 else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.TextAlignmentRole):
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key in ("starred", "year"):
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        paper = self._paper_row(index.row())
        if paper is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            # the texts that can be cut at the column's edge: the whole of it on hover
            return plain_tooltip(display_value(paper, key)) if key in ("title", "authors", "venue", "tags") else None
        return display_value(paper, key)

    def cell_text(self, row: int, column: int) -> str:
        """What the cell shows (the delegate paints it without asking the roles one by one)."""
        paper = self._paper_row(row) if 0 <= row < len(self._ids) else None
        return display_value(paper, COLUMNS[column][0]) if paper is not None else ""

    def title_spans(self, row: int) -> list[tuple[int, int]] | None:
        """The matched words in the row's title, to highlight."""
        if not self.highlighter or not 0 <= row < len(self._ids):
            return None
        paper = self._paper_row(row)
        return self.highlighter.spans(paper.title) if paper else None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if index.isValid():  # the same for every row: worked out once (asked for each cell at every paint)
            if self._row_flags is None:
                self._row_flags = super().flags(index) | Qt.ItemFlag.ItemIsDragEnabled
            base = self._row_flags
        else:
            base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDropEnabled if self.list_id is not None else base

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt override)
        return [PAPER_IDS_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802 (Qt override)
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data = QMimeData()
        data.setData(PAPER_IDS_MIME, json.dumps([self._ids[r] for r in rows]).encode())
        return data

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802 (Qt override)
        return Qt.DropAction.MoveAction

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,  # noqa: N802
                     parent: AnyIndex) -> bool:
        """Dropping rows of a reading list moves them to the drop position."""
        if self.list_id is None or self.on_reorder is None or not data.hasFormat(PAPER_IDS_MIME):
            return False
        moving = json.loads(bytes(data.data(PAPER_IDS_MIME)).decode())
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(self._ids))
        before = [i for i in self._ids[:target] if i not in moving]
        after = [i for i in self._ids[target:] if i not in moving]
        self.on_reorder(self.list_id, before + moving + after)
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section][1]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        wanted = (COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder)
        if wanted == self._ids_sorted_by:
            return  # the view asks again while it is set up: 100k ids are 50+ ms to read
        finish = self.on_sort() if self.on_sort else None
        self.sort_key, self.descending = wanted
        self.layoutAboutToBeChanged.emit()
        old_ids = self._ids
        if finish is not None:  # the first screen now (an index walk), all ids on a worker next
            self.first_fill = SORT_SCREEN
        result = self._query()
        self._ids, self.complete = result.ids, result.complete
        self._row_of = None
        from_list = self.persistentIndexList()  # the selection and current row, to carry over
        # A few rows: a C-speed scan each beats building a map of 100k ids.
        find = self.row_of if len(from_list) <= 16 else self._row_map().get
        to_list = []
        for idx in from_list:
            old_id = old_ids[idx.row()] if 0 <= idx.row() < len(old_ids) else None
            new_row = find(old_id) if old_id is not None else None
            to_list.append(self.index(new_row, idx.column()) if new_row is not None else QModelIndex())
        self.changePersistentIndexList(from_list, to_list)
        self._ids_sorted_by = wanted
        self.layoutChanged.emit()
        if finish is not None and not result.complete:
            finish()


def display_value(paper: PaperRow, key: str) -> str:
    """The text a table cell shows."""
    if key == "title":
        return paper.title
    if key == "starred":
        return "★" if paper.starred else ""
    if key == "status":
        return paper.status
    if key == "year":
        return str(paper.year) if paper.year else ""
    if key == "tags":
        return paper.tags
    if key == "added":
        return paper.added_at.astimezone().strftime("%Y-%m-%d")
    if key == "authors":
        return paper.authors
    if key == "venue":
        return paper.venue
    if key == "type":
        return paper.entry_type
    return ""
