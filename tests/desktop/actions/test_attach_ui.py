"""Attaching files in the real window: `a` with the file dialog, files dropped
on a row, the detail pane's list with "missing", Locate... and Remove, and the
copy-or-link preference."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from lectern.core.library.attachments import storage_folder
from lectern.core.store.settings import attach_mode, save_setting
from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.preferences import PreferencesDialog
from tests.desktop.conftest import activate, settle


def pdf(folder: Path, name: str, content: bytes = b"%PDF-1.4 test") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return folder / name


def test_a_opens_the_file_dialog_and_copies_the_file_to_the_current_paper(
        qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    source = pdf(tmp_path / "downloads", "bert.pdf")
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *args, **kw: (asked.append(args[1]), ([str(source)], ""))[1])
    activate(qtbot, window)
    paper = window.current_paper_id()
    qtbot.keyClick(window.table, Qt.Key.Key_A)
    settle(qtbot, window)
    assert asked == ["Attach files"]
    (found,) = window.library.attachments_of(paper)
    assert found.mode == "copy" and found.path.parent.parent == storage_folder(window.library.path)
    assert found.path.read_bytes() == b"%PDF-1.4 test"
    text = window.detail.toPlainText()
    assert "Attached files" in text and "bert.pdf — 13 bytes, copied" in text
    assert window.undo_action.text() == "Undo attach bert.pdf"


def test_files_dropped_on_a_row_attach_to_that_rows_paper_linked_when_the_setting_says_so(
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    save_setting("attach_mode", "link")
    files = [pdf(tmp_path, "one.pdf", b"1"), pdf(tmp_path, "two.pdf", b"2")]
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    at = window.table.visualRect(window.model.index(2, 0)).center()
    args = (Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter, move, drop = QDragEnterEvent(at, *args), QDragMoveEvent(at, *args), QDropEvent(QPointF(at), *args)
    for event in (enter, move, drop):  # as a file manager's drag arrives, moves over row 2, and drops
        QApplication.sendEvent(window.table.viewport(), event)
    settle(qtbot, window)
    target = window.model.paper_id(2)
    assert enter.isAccepted() and move.isAccepted() and drop.isAccepted()
    assert [(a.name, a.mode, a.path) for a in window.library.attachments_of(target)] == [
        ("one.pdf", "link", files[0]), ("two.pdf", "link", files[1])]
    assert window.library.attachments_of(window.model.paper_id(0)) == ()


def test_a_missing_file_is_shown_missing_and_located(qtbot, window: MainWindow, tmp_path: Path,
                                                     monkeypatch) -> None:
    paper = window.current_paper_id()
    source = pdf(tmp_path / "was", "gone.pdf")
    window.library.attachments.add(paper, [source], "link")
    moved = tmp_path / "now" / "gone.pdf"
    moved.parent.mkdir()
    source.rename(moved)
    window.detail.show_paper(window.library.paper(paper))
    text = window.detail.toPlainText()
    assert f"gone.pdf — missing ({source}) Locate…" in text
    (found,) = window.library.attachments_of(paper)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(moved), ""))
    window.detail.anchorClicked.emit(QUrl(f"lectern:attachment/{found.id}/locate"))
    settle(qtbot, window)
    (located,) = window.library.attachments_of(paper)
    assert located.exists and located.path == moved
    assert "missing" not in window.detail.toPlainText()


def test_remove_from_the_detail_pane_moves_the_copy_to_the_trash_folder_and_undo_brings_it_back(
        qtbot, window: MainWindow, tmp_path: Path, message_boxes) -> None:
    from PySide6.QtWidgets import QMessageBox

    from lectern.core.library.attachments import TRASH

    message_boxes.answer = QMessageBox.StandardButton.Yes
    paper = window.current_paper_id()
    window.library.attachments.add(paper, [pdf(tmp_path, "x.pdf", b"x")], "copy")
    (found,) = window.library.attachments_of(paper)
    window.detail.anchorClicked.emit(QUrl(f"lectern:attachment/{found.id}/remove"))
    settle(qtbot, window)
    assert message_boxes.titles() == ["Remove attached file"]
    assert window.library.attachments_of(paper) == () and not found.path.exists()
    assert list((storage_folder(window.library.path) / TRASH).rglob("x.pdf"))
    assert "Attached files" not in window.detail.toPlainText()
    activate(qtbot, window)
    window.undo()
    settle(qtbot, window)
    assert window.library.attachments_of(paper) == (found,) and found.path.read_bytes() == b"x"
    assert "x.pdf" in window.detail.toPlainText()


def test_the_preference_chooses_copy_or_link(qtbot, window: MainWindow, monkeypatch) -> None:
    assert attach_mode() == "copy"
    chosen: list[PreferencesDialog] = []

    def accept_with_link(dialog: PreferencesDialog) -> int:
        chosen.append(dialog)
        assert dialog.copy.isChecked()
        dialog.link.setChecked(True)
        return PreferencesDialog.DialogCode.Accepted

    monkeypatch.setattr(PreferencesDialog, "exec", accept_with_link)
    window.commands.run("edit.preferences")
    assert chosen and attach_mode() == "link"
    assert "edit.preferences" in window.commands.actions and "paper.attach" in window.commands.actions
