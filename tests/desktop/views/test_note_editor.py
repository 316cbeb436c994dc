"""The note editor in the real window: a note the library refuses is kept until
it is saved, what is typed reaches a draft at once and comes back after a
crash, and with no paper shown there is no note to type into."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt

from lectern.core.library.facade import Library
from lectern.core.store.drafts import Drafts
from lectern.core.transfer.importing import load_default_library_if_new
from lectern.desktop.app import open_window
from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.note_editor import DRAFT_MS, RETRY_MS
from tests.desktop.actions.test_searching_ui import type_query
from tests.desktop.conftest import activate


def disk_full(*_args: object) -> None:
    raise sqlite3.OperationalError("database or disk is full")


def type_note(qtbot, win: MainWindow, text: str) -> None:
    win.notes.editor.setFocus()
    qtbot.keyClicks(win.notes.editor, text)


def all_notes(library: Library) -> dict[int, str]:
    with library.db.read() as conn:
        return dict(conn.exec_driver_sql("SELECT paper_id, body FROM note").all())


def test_a_refused_note_comes_back_after_j_k_and_is_saved_once_space_is_freed(
        qtbot, window: MainWindow, monkeypatch) -> None:
    activate(qtbot, window)
    first = window.current_paper_id()
    drafts = Drafts(window.library.path)
    monkeypatch.setattr(window.library.papers, "set_note", disk_full)
    type_note(qtbot, window, "thoughts typed on a full disk")
    window.table.setFocus()  # leaving the editor saves, and the library refuses
    assert "NOT saved" in window.statusBar().currentMessage()
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    assert window.current_paper_id() != first and window.notes.text() == ""
    qtbot.keyClick(window.table, Qt.Key.Key_K)
    assert window.current_paper_id() == first
    assert window.notes.text() == "thoughts typed on a full disk"  # not the stale saved note
    assert "NOT saved yet" in window.notes.state.text()
    assert drafts.read(first).text == "thoughts typed on a full disk"
    monkeypatch.undo()  # space is freed: the periodic retry saves it
    assert window.library.papers.note(first) == ""
    qtbot.waitUntil(lambda: window.library.papers.note(first) == "thoughts typed on a full disk", timeout=3 * RETRY_MS)
    assert drafts.read(first) is None and not drafts.folder.exists()
    assert window.notes.state.text() == "Note — saved"
    assert window.notes.pending == {}


def test_refused_notes_of_papers_left_behind_are_saved_at_the_next_paper_change(
        qtbot, window: MainWindow, monkeypatch) -> None:
    activate(qtbot, window)
    first = window.current_paper_id()
    monkeypatch.setattr(window.library.papers, "set_note", disk_full)
    type_note(qtbot, window, "first paper's note")
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    second = window.current_paper_id()
    type_note(qtbot, window, "second paper's note")
    window.table.setFocus()
    assert {d.paper_id for d in Drafts(window.library.path).all()} == {first, second}  # both kept on disk
    monkeypatch.undo()
    qtbot.keyClick(window.table, Qt.Key.Key_J)  # a paper change tries every pending note again
    assert window.library.papers.note(first) == "first paper's note"
    assert window.library.papers.note(second) == "second paper's note"
    assert window.notes.pending == {} and Drafts(window.library.path).all() == []
    qtbot.keyClick(window.table, Qt.Key.Key_K)
    assert window.notes.text() == "second paper's note" and window.notes.state.text() == "Note"


def test_typing_reaches_a_draft_long_before_the_autosave(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    paper = window.current_paper_id()
    drafts = Drafts(window.library.path)
    type_note(qtbot, window, "typed")
    qtbot.waitUntil(lambda: drafts.read(paper) is not None, timeout=DRAFT_MS + 400)
    assert drafts.read(paper).text == "typed"
    qtbot.keyClicks(window.notes.editor, " more")  # steady typing keeps the draft current
    qtbot.waitUntil(lambda: drafts.read(paper).text == "typed more", timeout=DRAFT_MS + 400)
    window.table.setFocus()  # saved into the library: the draft has done its job
    assert window.library.papers.note(paper) == "typed more"
    assert drafts.read(paper) is None


def test_a_draft_left_by_a_crash_is_restored_with_a_notice(qtbot, library_path: Path) -> None:
    with Library.open(library_path) as library:
        load_default_library_if_new(library)
        first, second, third = library.paper_ids()[:3]
        library.papers.set_note(first, "saved before the crash")
        library.papers.set_note(third, "nothing lost here")
    drafts = Drafts(library_path)
    drafts.write(first, "saved before the crash, and typed just after it")
    drafts.write(third, "nothing lost here")
    drafts.write(99999, "a note of a paper deleted since")
    win = open_window(library_path)
    qtbot.addWidget(win)
    win.show()
    try:
        assert win.library.papers.note(first) == "saved before the crash, and typed just after it"
        assert win.library.papers.note(third) == "nothing lost here"
        message = win.statusBar().currentMessage()
        assert "Restored an unsaved note from" in message
        assert "99999.md" in message  # the orphan is named, and kept
        assert [d.paper_id for d in drafts.all()] == [99999]
        win.go_to_row(win.model.row_of(first))
        assert win.notes.text() == "saved before the crash, and typed just after it"
        assert "restored an unsaved note from" in win.notes.state.text()
    finally:
        win.close()
        win.library.close()


def test_a_search_that_matches_nothing_leaves_no_note_to_type_into(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    paper = window.current_paper_id()
    type_note(qtbot, window, "my note")
    window.table.setFocus()
    assert window.library.papers.note(paper) == "my note"
    before = all_notes(window.library)
    type_query(qtbot, window, "zzqqxxnothing")
    assert window.model.rowCount() == 0
    assert "No paper selected" in window.detail.toPlainText()
    assert window.notes.text() == "" and window.notes.editor.isReadOnly()
    assert window.notes.state.text() == "No paper selected"
    type_note(qtbot, window, "typed into no paper")
    window.notes.editor.setPlainText("set into no paper")  # even a programmatic edit goes nowhere
    assert window.notes.flush() is True
    window.table.setFocus()
    assert all_notes(window.library) == before
    assert Drafts(window.library.path).all() == []


def test_a_note_saved_while_an_import_holds_the_writer_never_freezes_the_window(qtbot, window) -> None:
    """An import is one long transaction on the writer thread: a note save on the
    GUI thread gives up after a moment, keeps the note (editor and draft) and
    saves it once the import is done."""
    import threading
    import time

    paper_id = window.current_paper_id()
    holding, release = threading.Event(), threading.Event()

    def long_import() -> None:
        with window.library.db.write():
            holding.set()
            release.wait(20)

    thread = threading.Thread(target=long_import)
    thread.start()
    try:
        assert holding.wait(10)
        window.notes.editor.setPlainText("typed during the import")
        started = time.monotonic()
        assert window.notes.flush() is False  # not saved yet...
        assert time.monotonic() - started < 5  # ...and the window did not wait for the import
        assert window.notes.text() == "typed during the import"
        assert window.notes.drafts.path_of(paper_id).exists()
    finally:
        release.set()
        thread.join(10)
    qtbot.waitUntil(lambda: window.library.papers.note(paper_id) == "typed during the import", timeout=15000)
