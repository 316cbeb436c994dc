"""Failures in the window: nothing is lost, and the user is told what to do."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox

from lectern.core.library.facade import Library
from lectern.core.store.backups import backup_if_due
from lectern.core.transfer.importing import load_default_library_if_new
from lectern.desktop.app import offer_backup
from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.table_model import COLUMNS
from tests.desktop.conftest import held_by_another_program


def test_a_note_that_cannot_be_saved_stays_in_the_editor(qtbot, impatient_window: MainWindow) -> None:
    window = impatient_window
    paper_id = window.current_paper_id()
    window.library.papers.set_note(paper_id, "saved earlier")
    window.notes.set_paper(paper_id, "saved earlier")
    with held_by_another_program(window.library.path):
        window.notes.editor.setPlainText("saved earlier, and new thoughts")
        assert window.notes.flush() is False
        assert window.notes.text() == "saved earlier, and new thoughts"
        assert "NOT saved" in window.notes.state.text() and "locked" in window.notes.state.text()
        assert "NOT saved" in window.statusBar().currentMessage()
        assert window.library.papers.note(paper_id) == "saved earlier"
    window.notes.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.notes.editor.insertPlainText(".")  # the next edit saves it all
    assert window.notes.flush() is True
    assert window.library.papers.note(paper_id) == "saved earlier, and new thoughts."


def test_a_change_that_cannot_be_written_is_reported_and_changes_nothing(qtbot, impatient_window: MainWindow,
                                                                         message_boxes) -> None:
    window = impatient_window
    first = window.model.paper_id(0)
    with held_by_another_program(window.library.path):
        window.commands.run("paper.star")
        qtbot.waitUntil(lambda: message_boxes.titles() == ["Not saved"], timeout=5000)
        assert "locked" in message_boxes[0][1]
        assert not window.library.rows([first])[first].starred
        assert window.model.index(0, COLUMNS.index(("starred", "★"))).data() == ""
    window.commands.run("paper.star")  # once the other program lets go, the same key works
    qtbot.waitUntil(lambda: window.library.rows([first])[first].starred, timeout=5000)
    assert message_boxes.titles() == ["Not saved"]


def test_a_damaged_library_offers_the_latest_backup(qtbot, library_path: Path, message_boxes) -> None:
    with Library.open(library_path) as lib:
        load_default_library_if_new(lib)
    backup_if_due(library_path)
    library_path.write_bytes(b"\x00garbage" * 500)
    message_boxes.answer = QMessageBox.StandardButton.Yes
    window = offer_backup(library_path, RuntimeError("damaged"))
    assert window is not None
    qtbot.addWidget(window)
    assert window.model.rowCount() == 222
    assert any(p.name.startswith("library.sqlite.damaged-") for p in library_path.parent.iterdir())
    window.close()
    window.library.close()


def test_html_and_script_in_every_field_is_shown_as_text(qtbot, window: MainWindow) -> None:
    paper_id = window.current_paper_id()
    window.library.papers.update(paper_id, authors="<b>Evil</b>, <script>x()</script>", venue="<i>Venue</i>")
    window.library.tags.add([paper_id], ["<u>tag</u>"])
    window.signals.publish(window.library.history.stack.done[-1].changes)
    window.detail.show_paper(window.library.paper(paper_id))
    text = window.detail.toPlainText()
    # the name "Family, Given" reads "Given Family", as text
    assert "<script>x()</script> <b>Evil</b>" in text and "<i>Venue</i>" in text and "<u>tag</u>" in text
    window.notes.editor.setPlainText("<script>alert(1)</script> <img src='http://example.com/a.png'>")
    assert "<script>alert(1)</script>" in window.notes.preview.toPlainText()
