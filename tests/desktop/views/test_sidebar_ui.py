"""The sidebar follows the library: each kind of write refreshes the part of the
sidebar it changed (tags, reading lists, saved searches, the Trash)."""

from __future__ import annotations

from PySide6.QtWidgets import QTreeWidgetItem

from lectern.desktop.main_window import MainWindow
from tests.desktop.conftest import activate, settle


def labels(root: QTreeWidgetItem) -> list[str]:
    return [root.child(i).text(0) for i in range(root.childCount())]


def test_each_kind_of_write_refreshes_its_part_of_the_sidebar(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    sidebar, library = window.sidebar, window.library
    first = window.current_paper_id()
    assert (labels(sidebar.tags_root), labels(sidebar.lists_root), labels(sidebar.searches_root)) == ([], [], [])
    assert sidebar.trash_item.text(0) == "Trash"

    window.signals.publish(library.tags.add([first], ["vision"]))
    assert labels(sidebar.tags_root) == ["vision  (1)"]
    list_id, created = library.lists.create("To read")
    window.signals.publish(created)
    window.signals.publish(library.lists.add(list_id, [first]))
    assert labels(sidebar.lists_root) == ["To read  (1)"]
    window.signals.publish(library.saved_searches.save("Portuguese", "portuguese"))
    assert labels(sidebar.searches_root) == ["Portuguese"]

    window.go_to_row(0)
    window.commands.run("paper.delete")  # into the Trash: its tag and list no longer count it
    settle(qtbot, window)
    assert sidebar.trash_item.text(0) == "Trash  (1)"
    assert labels(sidebar.tags_root) == ["vision  (0)"]
    assert labels(sidebar.lists_root) == ["To read  (0)"]
    window.commands.run("edit.undo")  # and out again
    settle(qtbot, window)
    assert sidebar.trash_item.text(0) == "Trash"
    assert labels(sidebar.tags_root) == ["vision  (1)"]
    assert labels(sidebar.lists_root) == ["To read  (1)"]


def test_recently_added_lists_the_newest_paper_first(qtbot, window: MainWindow) -> None:
    from lectern.core.domain.records import NewPaper

    window.signals.publish(window.library.papers.add_many([NewPaper(title="The paper added last")]))
    settle(qtbot, window)
    window.sidebar.select_scope("added:30d")
    settle(qtbot, window)
    newest = window.model.paper_id(0)
    assert newest is not None and window.library.paper(newest).paper.title == "The paper added last"
    assert window.model.rowCount() == 223
    header = window.table.horizontalHeader()
    assert header.isSortIndicatorShown() and header.sortIndicatorOrder().name == "DescendingOrder"
    window.sidebar.select_scope("")  # All papers: in the order they were added, as before
    settle(qtbot, window)
    assert window.model.paper_id(window.model.rowCount() - 1) == newest
