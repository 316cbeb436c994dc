"""Adding, editing, merging and restoring papers, and renaming and deleting
lists and tags from the sidebar, in the real window with the real dialogs:
keys open them, keys fill them, Enter accepts them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QLineEdit, QTreeWidgetItem

from lectern.core.domain.records import NewPaper
from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.dialogs import PaperDialog
from lectern.desktop.views.entry_editor import EntryEditor
from lectern.desktop.views.sidebar import Sidebar
from lectern.desktop.views.table_model import COLUMNS
from tests.desktop.conftest import TEST_GENERATION, activate

TITLE = COLUMNS.index(("title", "Title"))
CTRL = Qt.KeyboardModifier.ControlModifier


def when_dialog_opens(qtbot, kind: type[QDialog], fill: Callable[[QDialog], None]) -> list[QDialog]:
    """Once a modal `kind` dialog is up, `fill` it (it accepts or rejects it).
    A dialog that `fill` leaves open, or an error in `fill`, rejects it, so a
    test never hangs on it. Returns the dialogs handled."""
    handled: list[QDialog] = []
    tries = [3000]  # 30 s: a look-up on a loaded machine
    generation = TEST_GENERATION[0]

    def poll() -> None:
        if TEST_GENERATION[0] != generation:
            return  # its test is over: the next test's dialogs are not its own
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            handled.append(dialog)
            try:
                fill(dialog)
            finally:
                if dialog.isVisible():
                    dialog.reject()
        elif tries[0] > 0:
            tries[0] -= 1
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    return handled


def type_into_input_dialog(qtbot, text: str) -> Callable[[QDialog], None]:
    def fill(dialog: QDialog) -> None:
        edit = dialog.findChild(QLineEdit)
        edit.selectAll()
        qtbot.keyClicks(edit, text)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    return fill


def click_sidebar(qtbot, sidebar: Sidebar, item: QTreeWidgetItem) -> None:
    sidebar.scrollToItem(item)
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton, pos=sidebar.visualItemRect(item).center())
    assert sidebar.currentItem() is item


def sidebar_labels(root: QTreeWidgetItem) -> list[str]:
    return [root.child(i).text(0) for i in range(root.childCount())]


def shown_titles(win: MainWindow) -> list[str]:
    return [win.model.index(r, TITLE).data() for r in range(win.model.rowCount())]


def test_ctrl_n_adds_the_paper_typed_into_the_dialog(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)

    def fill(dialog: PaperDialog) -> None:
        assert dialog.windowTitle() == "Add paper"
        qtbot.keyClicks(dialog.fields["title"], "Graph neural networks for zebrafish")
        qtbot.keyClicks(dialog.fields["authors"], "Doe, Jane and Roe, Ann")
        qtbot.keyClicks(dialog.fields["year"], "2024")
        qtbot.keyClicks(dialog.abstract, "Fish swim in schools.")
        qtbot.keyClick(dialog.fields["venue"], Qt.Key.Key_Return)  # Enter accepts, from any line

    handled = when_dialog_opens(qtbot, PaperDialog, fill)
    qtbot.keyClick(window.table, Qt.Key.Key_N, CTRL)
    assert len(handled) == 1
    qtbot.waitUntil(lambda: window.model.rowCount() == 223)
    (paper_id,) = window.library.search("zebrafish").ids
    paper = window.library.paper(paper_id).paper
    assert (paper.title, paper.authors, paper.year, paper.abstract) == (
        "Graph neural networks for zebrafish", "Doe, Jane and Roe, Ann", 2024, "Fish swim in schools.")
    qtbot.waitUntil(lambda: window.current_paper_id() == paper_id)  # the new paper is selected
    assert "Graph neural networks for zebrafish" in window.detail.toPlainText()


def test_ctrl_e_edits_the_selected_paper(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    paper_id = window.current_paper_id()
    before = window.library.paper(paper_id).paper

    def fill(dialog: EntryEditor) -> None:
        assert dialog.windowTitle() == "Edit entry"
        assert dialog.value_of("title") == before.title  # the editor shows what is there
        dialog.set_value("howpublished", "NeurIPS")
        dialog.set_value("year", "2021")
        qtbot.keyClick(dialog.key, Qt.Key.Key_Return)  # Enter saves

    handled = when_dialog_opens(qtbot, EntryEditor, fill)
    qtbot.keyClick(window.table, Qt.Key.Key_E, CTRL)
    assert len(handled) == 1
    qtbot.waitUntil(lambda: window.library.paper(paper_id).paper.venue == "NeurIPS")
    after = window.library.paper(paper_id).paper
    assert (after.year, after.title, after.citation_key) == (2021, before.title, before.citation_key)
    year = COLUMNS.index(("year", "Year"))
    qtbot.waitUntil(lambda: window.model.index(window.model.row_of(paper_id), year).data() == "2021")
    qtbot.waitUntil(lambda: "NeurIPS" in window.detail.toPlainText())  # the pane shows the record as saved
    assert window.undo_action.text().startswith("Undo edit")


def test_a_cancelled_edit_changes_nothing(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    paper_id = window.current_paper_id()
    before = window.library.paper(paper_id).paper

    def fill(dialog: EntryEditor) -> None:
        dialog.set_value("howpublished", "Never saved")
        qtbot.keyClick(dialog.key, Qt.Key.Key_Escape)

    handled = when_dialog_opens(qtbot, EntryEditor, fill)
    qtbot.keyClick(window.table, Qt.Key.Key_E, CTRL)
    assert len(handled) == 1 and not handled[0].isVisible()
    assert window.library.paper(paper_id).paper == before
    assert window.library.search("never saved").ids == []


def test_a_trashed_paper_is_restored_from_the_trash_view(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    window.go_to_row(4)
    paper_id = window.current_paper_id()
    qtbot.keyClick(window.table, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: window.model.rowCount() == 221)
    assert window.model.row_of(paper_id) is None
    trash = window.sidebar.trash_item
    assert trash.text(0) == "Trash  (1)"
    click_sidebar(qtbot, window.sidebar, trash)
    qtbot.waitUntil(lambda: [window.model.paper_id(r) for r in range(window.model.rowCount())] == [paper_id])
    activate(qtbot, window)
    window.go_to_row(0)
    qtbot.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)  # the Trash is empty again
    assert window.library.trash.ids() == []
    click_sidebar(qtbot, window.sidebar, window.sidebar.library_root.child(0))
    qtbot.waitUntil(lambda: window.model.rowCount() == 222 and window.model.row_of(paper_id) is not None)


def test_merging_selected_duplicates_keeps_the_first_with_the_others_fields_and_tags(qtbot, window: MainWindow) -> None:
    changes = window.library.papers.add_many([
        NewPaper(title="Duplicate study of graphs", year=2020),
        NewPaper(title="Duplicate study of graphs", doi="10.1/graphs", venue="ICML"),
    ])
    window.signals.publish(changes)
    qtbot.waitUntil(lambda: window.model.rowCount() == 224)
    duplicates = next(window.sidebar.library_root.child(i) for i in range(window.sidebar.library_root.childCount())
                      if window.sidebar.library_root.child(i).text(0) == "Duplicates")
    click_sidebar(qtbot, window.sidebar, duplicates)
    qtbot.waitUntil(lambda: {window.model.paper_id(r) for r in range(window.model.rowCount())} == set(changes.papers))
    keep, other = window.model.paper_id(0), window.model.paper_id(1)  # the first selected is kept
    window.signals.publish(window.library.tags.add([other], ["graphs"]))
    activate(qtbot, window)
    window.go_to_row(0)
    window.table.selectAll()
    window.commands.actions["paper.merge"].trigger()
    qtbot.waitUntil(lambda: window.library.count() == 223)
    merged = window.library.paper(keep)
    assert (merged.paper.year, merged.paper.doi, merged.paper.venue, merged.tags) == (2020, "10.1/graphs", "ICML",
                                                                                      ["graphs"])
    assert window.library.trash.ids() == [other]
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)  # no duplicates left to show


def test_a_reading_list_is_renamed_then_deleted_from_the_sidebar(qtbot, window: MainWindow) -> None:
    ids = [window.model.paper_id(r) for r in range(2)]
    list_id, changes = window.library.lists.create("Thesis")
    window.signals.publish(changes)
    window.signals.publish(window.library.lists.add(list_id, ids))
    qtbot.waitUntil(lambda: sidebar_labels(window.sidebar.lists_root) == ["Thesis  (2)"])
    click_sidebar(qtbot, window.sidebar, window.sidebar.lists_root.child(0))
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)

    handled = when_dialog_opens(qtbot, QInputDialog, type_into_input_dialog(qtbot, "Chapter 2 reading"))
    window.commands.actions["list.rename"].trigger()
    assert len(handled) == 1
    qtbot.waitUntil(lambda: sidebar_labels(window.sidebar.lists_root) == ["Chapter 2 reading  (2)"])
    assert [row.name for row in window.library.lists.all()] == ["Chapter 2 reading"]
    assert window.sidebar.currentItem() is window.sidebar.lists_root.child(0)  # still showing it
    assert [window.model.paper_id(r) for r in range(window.model.rowCount())] == ids

    window.commands.actions["list.delete"].trigger()
    qtbot.waitUntil(lambda: window.library.lists.all() == [] and window.sidebar.lists_root.childCount() == 0)
    assert window.sidebar.lists_root.isHidden()
    qtbot.waitUntil(lambda: window.model.rowCount() == 222)  # back on All papers
    assert window.library.count() == 222  # the papers stay; only the list went


def test_a_tag_is_renamed_and_merged_from_the_sidebar(qtbot, window: MainWindow) -> None:
    first, second, third = (window.model.paper_id(r) for r in range(3))
    window.signals.publish(window.library.tags.add([first, second], ["nlp"]))
    window.signals.publish(window.library.tags.add([third], ["language"]))
    qtbot.waitUntil(lambda: sidebar_labels(window.sidebar.tags_root) == ["language  (1)", "nlp  (2)"])
    click_sidebar(qtbot, window.sidebar, window.sidebar.tags_root.child(1))
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)

    handled = when_dialog_opens(qtbot, QInputDialog, type_into_input_dialog(qtbot, "language"))
    window.commands.actions["tag.rename"].trigger()
    assert len(handled) == 1
    qtbot.waitUntil(lambda: sidebar_labels(window.sidebar.tags_root) == ["language  (3)"])
    assert {t.name: t.count for t in window.library.tags.all()} == {"language": 3}
    assert window.library.paper(first).tags == ["language"]
    tags_column = COLUMNS.index(("tags", "Tags"))
    click_sidebar(qtbot, window.sidebar, window.sidebar.tags_root.child(0))
    qtbot.waitUntil(lambda: sorted(window.model.paper_id(r) for r in range(window.model.rowCount()))
                    == sorted([first, second, third]))
    assert {window.model.index(r, tags_column).data() for r in range(3)} == {"language"}
