"""Undo and redo in the real window: Add paper comes back whole, and a step
that cannot be undone (or a write that fails) is said in a plain message."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from lectern.core.store.database import configure_connection
from lectern.core.transfer.importing import import_text
from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.dialogs import PaperDialog
from tests.desktop.conftest import activate, held_by_another_program, settle

TYPED = {"title": "A hand-added paper on zebrafish", "authors": "Doe, Jane and Roe, Ann", "year": "2024",
         "venue": "NeurIPS", "doi": "10.5555/zebra", "url": "https://example.org/zebra"}


def row_of(window: MainWindow, paper_id: int) -> tuple | None:
    with window.library.db.read() as conn:
        return conn.exec_driver_sql("SELECT * FROM paper WHERE id = ?", (paper_id,)).first()


def boxes(monkeypatch) -> list[tuple[str, str, Qt.TextFormat]]:
    """Message boxes shown (title, text, format) instead of blocking the test."""
    shown: list[tuple[str, str, Qt.TextFormat]] = []

    def record(box: QMessageBox) -> int:
        shown.append((box.windowTitle(), box.text(), box.textFormat()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    return shown


def test_add_paper_then_undo_then_redo_brings_back_every_field_typed(qtbot, window: MainWindow, monkeypatch) -> None:
    def type_and_accept(dialog: PaperDialog) -> int:
        for name, value in TYPED.items():
            dialog.fields[name].setText(value)
        dialog.abstract.setPlainText("Fish swim in schools.")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PaperDialog, "exec", type_and_accept)
    window.commands.run("paper.add")
    settle(qtbot, window)
    (paper_id,) = window.library.search("zebrafish").ids
    added = row_of(window, paper_id)
    paper = window.library.paper(paper_id).paper
    assert (paper.authors, paper.year, paper.venue, paper.doi, paper.url) == (
        "Doe, Jane and Roe, Ann", 2024, "NeurIPS", "10.5555/zebra", "https://example.org/zebra")
    assert window.undo_action.text() == "Undo add paper"
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert row_of(window, paper_id) is None
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    settle(qtbot, window)
    assert row_of(window, paper_id) == added


def test_a_bad_year_in_add_paper_is_shown_in_the_dialog_and_adds_nothing(
        qtbot, window: MainWindow, monkeypatch) -> None:
    errors: list[str] = []
    answers = iter([QDialog.DialogCode.Accepted, QDialog.DialogCode.Rejected])

    def type_bad_year(dialog: PaperDialog) -> int:
        dialog.fields["title"].setText("Paper with a bad year")
        dialog.fields["year"].setText("soon")
        return next(answers)

    monkeypatch.setattr(PaperDialog, "exec", type_bad_year)
    monkeypatch.setattr(PaperDialog, "show_error", lambda dialog, message: errors.append(message))
    window.commands.run("paper.add")
    settle(qtbot, window)
    assert errors and "year" in errors[0]
    assert window.library.search("bad year").ids == [] and window.library.count() == 222


def test_undo_after_an_import_of_a_renamed_tag_works_in_the_window(qtbot, window: MainWindow, monkeypatch) -> None:
    shown = boxes(monkeypatch)
    first = window.model.paper_id(0)
    window.library.tags.add([first], ["alpha"])
    window.library.tags.rename("alpha", "renamed")
    window.signals.publish(import_text(window.library, "@misc{z1, title={Zebra stripes}, keywords={alpha}}").changes)
    assert window.undo_action.text() == "Undo import of 1 paper"
    window.commands.run("edit.undo")
    settle(qtbot, window)
    window.commands.run("edit.undo")
    settle(qtbot, window)
    assert shown == []
    assert window.library.paper(first).tags == ["alpha"]
    assert window.undo_action.text() == "Undo tag 1 paper alpha"


def test_a_step_that_can_no_longer_be_undone_is_said_plainly_and_older_steps_still_undo(
        qtbot, window: MainWindow, library_path: Path, monkeypatch) -> None:
    shown = boxes(monkeypatch)
    first, second = window.model.paper_id(0), window.model.paper_id(1)
    window.library.papers.set_starred([first], True)
    window.library.tags.add([second], ["<b>alpha</b>"])
    window.library.tags.rename("<b>alpha</b>", "renamed")
    other = sqlite3.connect(library_path, isolation_level=None)  # another program brings the old name back
    configure_connection(other)
    other.execute("INSERT INTO tag (name) VALUES ('<b>alpha</b>')")
    other.close()
    window.commands.run("edit.undo")
    settle(qtbot, window)
    assert len(shown) == 1
    title, text, fmt = shown[0]
    assert title == "Cannot undo" and fmt == Qt.TextFormat.PlainText
    assert text.startswith("This step can no longer be undone: Rename tag <b>alpha</b> to renamed.")
    assert window.undo_action.text() == "Undo tag 1 paper <b>alpha</b>"
    window.commands.run("edit.undo")  # refused too: it built on the rename
    settle(qtbot, window)
    window.commands.run("edit.undo")
    settle(qtbot, window)
    assert len(shown) == 2
    assert not window.library.rows([first])[first].starred
    assert not window.undo_action.isEnabled()


def test_an_undo_that_cannot_be_written_is_said_and_keeps_the_step(qtbot, impatient_window: MainWindow,
                                                                   message_boxes) -> None:
    window = impatient_window
    first = window.model.paper_id(0)
    window.signals.publish(window.library.papers.set_starred([first], True))
    with held_by_another_program(window.library.path):
        window.commands.run("edit.undo")
        qtbot.waitUntil(lambda: message_boxes.titles() == ["Cannot undo"], timeout=5000)
        assert "locked" in message_boxes[0][1]
        assert window.library.rows([first])[first].starred
    assert window.undo_action.text() == "Undo star 1 paper"  # the step is still there
    window.commands.run("edit.undo")
    qtbot.waitUntil(lambda: not window.library.rows([first])[first].starred, timeout=5000)
    assert message_boxes.titles() == ["Cannot undo"]
