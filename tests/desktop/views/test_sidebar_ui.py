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
