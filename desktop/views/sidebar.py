"""The sidebar: library views and saved searches. Each entry is a query in the
search language, so every view is searched, sorted and counted the same way."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from lectern.core.domain.records import clean_name
from lectern.core.library.rows import ListRow, TagRow
from lectern.core.library.saved_searches import SavedSearchRow
from lectern.desktop.views.untrusted import plain_tooltip

TRASH_SCOPE = "in:trash"
LIBRARY_VIEWS: list[tuple[str, str]] = [
    ("All papers", ""),
    ("Starred", "is:starred"),
    ("Unread", "status:unread"),
    ("Recently added", "added:30d"),
    ("Duplicates", "is:duplicate"),
    ("Trash", TRASH_SCOPE),
]
SCOPE_ROLE = Qt.ItemDataRole.UserRole + 1
SAVED_ID_ROLE = Qt.ItemDataRole.UserRole + 2
LIST_ID_ROLE = Qt.ItemDataRole.UserRole + 3
TAG_NAME_ROLE = Qt.ItemDataRole.UserRole + 4
# A view's own order, until a column is clicked: (sort key, descending); no key: the core's
# own order for the view (is:duplicate: the copies of each paper together).
VIEW_ORDERS: dict[str, tuple[str | None, bool]] = {"added:30d": ("added", True), "is:duplicate": (None, False)}


def quoted(name: str) -> str:
    return '"' + clean_name(name) + '"'


class Sidebar(QTreeWidget):
    """Emits `scopeChosen(query)` when the user picks a view."""

    scopeChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.library_root = QTreeWidgetItem(self, ["Library"])
        self.lists_root = QTreeWidgetItem(self, ["Reading lists"])
        self.tags_root = QTreeWidgetItem(self, ["Tags"])
        self.searches_root = QTreeWidgetItem(self, ["Saved searches"])
        self.roots = (self.library_root, self.lists_root, self.tags_root, self.searches_root)
        for root in self.roots:
            root.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = root.font(0)
            font.setBold(True)
            root.setFont(0, font)
        for name, query in LIBRARY_VIEWS:
            item = QTreeWidgetItem(self.library_root, [name])
            item.setData(0, SCOPE_ROLE, query)
            if query == TRASH_SCOPE:
                self.trash_item = item
        self.trash_count = 0
        self.expandAll()
        self.currentItemChanged.connect(self._current_changed)
        self.setCurrentItem(self.library_root.child(0))

    def _refill(self, root: QTreeWidgetItem, entries: list[tuple[str, str, int, object]]) -> None:
        """Replace a section's entries: (label, scope query, role, value)."""
        current = self.current_scope()
        self.blockSignals(True)
        root.takeChildren()
        for label, query, role, value in entries:
            item = QTreeWidgetItem(root, [label])
            item.setToolTip(0, plain_tooltip(query))  # names and queries are user text: shown literally
            item.setData(0, SCOPE_ROLE, query)
            item.setData(0, role, value)
        root.setHidden(not entries)
        self.expandAll()
        self.blockSignals(False)
        if current is not None and self.current_scope() != current:
            self.select_scope(current)

    def set_saved_searches(self, searches: list[SavedSearchRow]) -> None:
        self._refill(self.searches_root, [(s.name, s.query, SAVED_ID_ROLE, s.id) for s in searches])

    def set_lists(self, lists: list[ListRow]) -> None:
        self._refill(self.lists_root, [(f"{r.name}  ({r.count})", f"list:{quoted(r.name)}", LIST_ID_ROLE, r.id)
                                       for r in lists])

    def set_tags(self, tags: list[TagRow]) -> None:
        self._refill(self.tags_root, [(f"{r.name}  ({r.count})", f"tag:{quoted(r.name)}", TAG_NAME_ROLE, r.name)
                                      for r in tags])

    def set_trash_count(self, count: int) -> None:
        """The Trash entry says how many papers it holds ("Trash" when none)."""
        self.trash_count = count
        self.trash_item.setText(0, f"Trash  ({count})" if count else "Trash")

    def current_value(self, role: int) -> object:
        item = self.currentItem()
        return item.data(0, role) if item is not None else None

    def current_scope(self) -> str | None:
        item = self.currentItem()
        return item.data(0, SCOPE_ROLE) if item is not None else None

    def select_scope(self, query: str) -> None:
        for root in self.roots:
            for i in range(root.childCount()):
                if root.child(i).data(0, SCOPE_ROLE) == query:
                    self.setCurrentItem(root.child(i))
                    return
        self.setCurrentItem(self.library_root.child(0))

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if current is not None and current.data(0, SCOPE_ROLE) is not None:
            self.scopeChosen.emit(current.data(0, SCOPE_ROLE))
