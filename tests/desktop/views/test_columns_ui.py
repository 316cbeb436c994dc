"""The paper table's Authors, Venue and Type columns: offered in the header's
context menu and View > Columns, shown and hidden there, remembered when the
window opens again; sorting by Authors sorts by family name as read."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.desktop.app import open_window
from lectern.desktop.views.table_model import column_of
from tests.desktop.conftest import activate, settle

PAPERS = [
    NewPaper(title="Zola's paper", authors="Zola, {\\'E}mile", venue="J.~Chem. Phys.", citation_key="zola"),
    NewPaper(title="Clark's paper", authors="Kevin Clark and Minh-Thang Luong and Quoc V. Le",
             venue="ICLR", year=2020, citation_key="clark"),
    NewPaper(title="Müller's paper", authors='M{\\"u}ller, Hans', citation_key="muller"),
]


def _open(qtbot, path: Path):
    win = open_window(path)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    settle(qtbot, win)
    return win


def _shown(win) -> list[str]:
    header = win.table.horizontalHeader()
    return [win.model.headerData(header.logicalIndex(v), Qt.Orientation.Horizontal)
            for v in range(header.count()) if not header.isSectionHidden(header.logicalIndex(v))]


def _cell(win, title: str, key: str) -> str:
    row = next(r for r in range(win.model.rowCount()) if win.model.index(r, 0).data() == title)
    return win.model.index(row, column_of(key)).data()


def test_columns_are_offered_in_the_headers_menu_toggled_and_remembered(qtbot, library_path: Path) -> None:
    with Library.open(library_path) as library:
        library.papers.add_many(PAPERS)
    win = _open(qtbot, library_path)
    assert _shown(win) == ["Title", "Authors", "★", "Status", "Year", "Tags", "Added"]
    assert _cell(win, "Clark's paper", "authors") == "Clark, Luong et al."
    assert _cell(win, "Zola's paper", "authors") == "Zola"
    assert _cell(win, "Zola's paper", "venue") == "J. Chem. Phys."  # the reading, not the LaTeX

    offered: list[list[tuple[str, bool]]] = []

    def pick_venue() -> None:  # what the right-click menu offers; choose Venue in it, by keyboard
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        offered.append([(a.text(), a.isChecked()) for a in menu.actions()])
        venue = next(a for a in menu.actions() if a.text() == "Column: Venue")
        menu.setActiveAction(venue)
        qtbot.keyClick(menu, Qt.Key.Key_Return)

    header = win.table.horizontalHeader()
    QTimer.singleShot(100, pick_venue)
    header.customContextMenuRequested.emit(QPoint(10, 5))  # a right-click on the header
    assert ("Column: Authors", True) in offered[0] and ("Column: Venue", False) in offered[0]
    assert ("Column: Type", False) in offered[0] and not any(t == "Column: Title" for t, _ in offered[0])
    assert "Venue" in _shown(win)

    activate(qtbot, win)
    win.commands.run("view.column.type")  # the palette's and View > Columns' entry
    win.commands.actions["view.column.status"].trigger()
    assert win.commands.actions["view.column.type"].isChecked()
    assert not win.commands.actions["view.column.status"].isChecked()
    assert _cell(win, "Clark's paper", "type") == "article"
    expected = ["Title", "Authors", "★", "Year", "Tags", "Added", "Venue", "Type"]
    assert _shown(win) == expected
    win.close()
    win.library.close()

    again = _open(qtbot, library_path)
    try:
        assert _shown(again) == expected
        assert again.commands.actions["view.column.venue"].isChecked()
    finally:
        again.close()
        again.library.close()


def test_sorting_by_authors_orders_by_family_name(qtbot, library_path: Path) -> None:
    with Library.open(library_path) as library:
        library.papers.add_many(PAPERS)
    win = _open(qtbot, library_path)
    try:
        win.table.sortByColumn(column_of("authors"), Qt.SortOrder.AscendingOrder)
        titles = [win.model.index(r, 0).data() for r in range(win.model.rowCount())]
        assert titles == ["Clark's paper", "Müller's paper", "Zola's paper"]
        win.table.sortByColumn(column_of("authors"), Qt.SortOrder.DescendingOrder)
        assert win.model.index(0, 0).data() == "Zola's paper"
        with qtbot.waitSignal(win.searcher.finished, timeout=10000):
            win.search_bar.set_text("paper")  # a search ranks by relevance; clearing it lists by date added
        with qtbot.waitSignal(win.searcher.finished, timeout=10000):
            win.search_bar.set_text("")
        header = win.table.horizontalHeader()
        assert win.model.sort_key == "added" and header.sortIndicatorSection() == column_of("added")
        assert [win.model.index(r, 0).data() for r in range(3)] == ["Zola's paper", "Clark's paper", "Müller's paper"]
    finally:
        win.close()
        win.library.close()
