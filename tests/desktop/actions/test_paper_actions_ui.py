"""Annotating in the real window: keys and clicks change the library file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QDialog, QTextEdit

from lectern.desktop.app import open_window
from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.dialogs import ListCompleter, TagDialog
from lectern.desktop.views.table_model import COLUMNS
from tests.desktop.conftest import activate, settle


def select_rows(win: MainWindow, rows: list[int]) -> None:
    win.go_to_row(rows[0])
    for row in rows[1:]:
        win.table.selectionModel().select(
            win.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)


def italic_words(browser: QTextEdit) -> list[str]:
    """The words a rich-text view shows in italics."""
    words = []
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().fontItalic():
                words.extend(fragment.text().split())
            it += 1
        block = block.next()
    return words
def wait_search(qtbot, win: MainWindow) -> None:
    settle(qtbot, win)


def test_star_by_key_and_by_click(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_S)
    settle(qtbot, window)
    first = window.model.paper_id(0)
    assert window.library.rows([first])[first].starred
    assert window.model.index(0, COLUMNS.index(("starred", "★"))).data() == "★"
    star_cell = window.model.index(1, COLUMNS.index(("starred", "★")))
    rect = window.table.visualRect(star_cell)
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle(qtbot, window)
    second = window.model.paper_id(1)
    assert window.library.rows([second])[second].starred
    assert window.undo_action.text() == "Undo star 1 paper"


def test_status_keys_and_bulk_undo_as_one_step(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    select_rows(window, list(range(12)))
    qtbot.keyClick(window.table, Qt.Key.Key_R)
    settle(qtbot, window)
    ids = [window.model.paper_id(r) for r in range(12)]
    assert {window.library.rows(ids)[i].status for i in ids} == {"read"}
    assert window.undo_action.text() == "Undo mark 12 papers read"
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert {window.library.rows(ids)[i].status for i in ids} == {"unread"}
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    settle(qtbot, window)
    assert {window.library.rows(ids)[i].status for i in ids} == {"read"}


def test_tag_completion_matches_mid_word(qtbot, window: MainWindow) -> None:
    window.library.tags.add([window.model.paper_id(5)], ["computer vision", "nlp"])
    dialog = TagDialog([], [t.name for t in window.library.tags.all()], 1, window)
    qtbot.addWidget(dialog)
    completer: ListCompleter = dialog.completer
    dialog.show()
    dialog.edit.clear()
    qtbot.keyClicks(dialog.edit, "nlp, visi")
    popup = completer.popup()
    matches = [popup.model().index(i, 0).data() for i in range(popup.model().rowCount())]
    assert matches == ["computer vision"]
    assert completer.pathFromIndex(popup.model().index(0, 0)) == "nlp, computer vision, "


def test_tags_edited_for_a_selection(qtbot, window: MainWindow, monkeypatch) -> None:
    activate(qtbot, window)
    select_rows(window, [0, 1, 2])

    def fake_exec(dialog: TagDialog) -> int:
        dialog.edit.setText("survey, to read")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TagDialog, "exec", fake_exec)
    qtbot.keyClick(window.table, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: window.model.index(0, COLUMNS.index(("tags", "Tags"))).data() == "survey, to read")
    assert {t.name: t.count for t in window.library.tags.all()} == {"survey": 3, "to read": 3}
    assert window.model.index(0, COLUMNS.index(("tags", "Tags"))).data() == "survey, to read"
    labels = [window.sidebar.tags_root.child(i).text(0) for i in range(window.sidebar.tags_root.childCount())]
    assert labels == ["survey  (3)", "to read  (3)"]


def test_note_typed_then_closed_without_saving_is_there_after_reopen(qtbot, library_path: Path) -> None:
    win = open_window(library_path)
    qtbot.addWidget(win)
    win.show()
    activate(qtbot, win)
    qtbot.keyClick(win.table, Qt.Key.Key_E)
    assert QApplication.focusWidget() is win.notes.editor
    qtbot.keyClicks(win.notes.editor, "Key idea: *continual* pre-training")
    paper_id = win.current_paper_id()
    assert win.notes.preview.toPlainText().strip() == "Key idea: continual pre-training"
    assert italic_words(win.notes.preview) == ["continual"]  # the Markdown is rendered, not shown as typed
    win.close()  # no explicit save
    win.library.close()
    again = open_window(library_path)
    qtbot.addWidget(again)
    assert again.library.papers.note(paper_id) == "Key idea: *continual* pre-training"
    assert again.notes.text() == "Key idea: *continual* pre-training"
    again.close()
    again.library.close()


def test_note_autosaves_a_second_after_typing_stops(qtbot, window: MainWindow) -> None:
    window.notes.editor.setFocus()
    qtbot.keyClicks(window.notes.editor, "draft")
    paper_id = window.current_paper_id()
    assert window.library.papers.note(paper_id) == ""
    qtbot.waitUntil(lambda: window.library.papers.note(paper_id) == "draft", timeout=3000)
    assert window.notes.state.text() == "Note — saved"


def test_note_preview_shows_html_as_text(qtbot, window: MainWindow) -> None:
    window.notes.editor.setPlainText("<img src='http://example.com/x.png'> <b>hi</b>")
    assert "<b>hi</b>" in window.notes.preview.toPlainText()


def test_reading_list_reorder_by_keyboard_persists(qtbot, window: MainWindow, library_path: Path, monkeypatch) -> None:
    activate(qtbot, window)
    ids = [window.model.paper_id(r) for r in range(3)]
    list_id, changes = window.library.lists.create("Thesis")
    window.signals.publish(changes)
    window.library.lists.add(list_id, ids)
    window.signals.publish(changes)
    item = window.sidebar.lists_root.child(0)
    window.sidebar.setCurrentItem(item)
    qtbot.waitUntil(lambda: [window.model.paper_id(r) for r in range(window.model.rowCount())] == ids)
    window.table.setFocus()
    window.go_to_row(2)
    qtbot.keyClick(window.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: [window.model.paper_id(r) for r in range(3)] == [ids[0], ids[2], ids[1]])
    assert window.library.lists.paper_ids(list_id) == [ids[0], ids[2], ids[1]]
    qtbot.waitUntil(lambda: window.current_paper_id() == ids[2])  # the moved paper stays selected
    window.close()
    window.library.close()
    again = open_window(library_path)
    qtbot.addWidget(again)
    assert again.library.lists.paper_ids(list_id) == [ids[0], ids[2], ids[1]]
    again.close()
    again.library.close()


def test_drag_and_drop_reorders_a_list(qtbot, window: MainWindow) -> None:
    ids = [window.model.paper_id(r) for r in range(4)]
    list_id, _ = window.library.lists.create("Queue")
    window.library.lists.add(list_id, ids)
    window.signals.publish(window.library.lists.add(list_id, ids))
    window.sidebar.setCurrentItem(window.sidebar.lists_root.child(0))
    qtbot.waitUntil(lambda: window.model.list_id == list_id and window.model.rowCount() == 4)
    data = window.model.mimeData([window.model.index(3, 0)])
    assert window.model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, window.model.index(-1, -1))
    qtbot.waitUntil(lambda: [window.model.paper_id(r) for r in range(4)] == [ids[3], ids[0], ids[1], ids[2]])
    assert window.library.lists.paper_ids(list_id) == [ids[3], ids[0], ids[1], ids[2]]


def test_undo_of_a_bulk_delete_restores_papers_with_notes_and_tags(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    ids = [window.model.paper_id(r) for r in range(5)]
    window.library.papers.set_note(ids[0], "my precious note")
    window.library.tags.add(ids, ["keep"])
    select_rows(window, list(range(5)))
    qtbot.keyClick(window.table, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: window.model.rowCount() == 217)
    assert window.count_label.text() == "217 papers"
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.model.rowCount() == 222)
    assert window.library.papers.note(ids[0]) == "my precious note"
    assert all(window.library.rows(ids)[i].tags == "keep" for i in ids)


def test_empty_trash_asks_first(qtbot, window: MainWindow, message_boxes) -> None:
    from PySide6.QtWidgets import QMessageBox

    window.signals.publish(window.library.trash.put([window.model.paper_id(0)]))
    message_boxes.answer = QMessageBox.StandardButton.No
    window.commands.run("trash.empty")
    settle(qtbot, window)
    assert message_boxes.titles() == ["Empty Trash"]
    assert len(window.library.trash.ids()) == 1
    message_boxes.answer = QMessageBox.StandardButton.Yes
    window.commands.run("trash.empty")
    settle(qtbot, window)
    assert window.library.trash.ids() == []
    assert window.undo_action.text() == "Undo empty Trash (1 paper)"
