"""The sidebar: library views and saved searches. Each entry is a query in the
search language, so every view is searched, sorted and counted the same way."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from core.library import SavedSearchRow

LIBRARY_VIEWS: list[tuple[str, str]] = [
    ("All papers", ""),
    ("Starred", "is:starred"),
    ("Unread", "status:unread"),
    ("Recently added", "added:30d"),
    ("Trash", "in:trash"),
]
SCOPE_ROLE = Qt.ItemDataRole.UserRole + 1
SAVED_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class Sidebar(QTreeWidget):
    """Emits `scopeChosen(query)` when the user picks a view."""

    scopeChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.library_root = QTreeWidgetItem(self, ["Library"])
        self.searches_root = QTreeWidgetItem(self, ["Saved searches"])
        for root in (self.library_root, self.searches_root):
            root.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = root.font(0)
            font.setBold(True)
            root.setFont(0, font)
        for name, query in LIBRARY_VIEWS:
            item = QTreeWidgetItem(self.library_root, [name])
            item.setData(0, SCOPE_ROLE, query)
        self.expandAll()
        self.currentItemChanged.connect(self._current_changed)
        self.setCurrentItem(self.library_root.child(0))

    def set_saved_searches(self, searches: list[SavedSearchRow]) -> None:
        current = self.current_scope()
        self.searches_root.takeChildren()
        for search in searches:
            item = QTreeWidgetItem(self.searches_root, [search.name])
            item.setToolTip(0, search.query)
            item.setData(0, SCOPE_ROLE, search.query)
            item.setData(0, SAVED_ID_ROLE, search.id)
        self.searches_root.setHidden(not searches)
        self.expandAll()
        if current is not None and self.current_scope() != current:
            self.select_scope(current)

    def current_scope(self) -> str | None:
        item = self.currentItem()
        return item.data(0, SCOPE_ROLE) if item is not None else None

    def select_scope(self, query: str) -> None:
        for root in (self.library_root, self.searches_root):
            for i in range(root.childCount()):
                if root.child(i).data(0, SCOPE_ROLE) == query:
                    self.setCurrentItem(root.child(i))
                    return
        self.setCurrentItem(self.library_root.child(0))

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if current is not None and current.data(0, SCOPE_ROLE) is not None:
            self.scopeChosen.emit(current.data(0, SCOPE_ROLE))
