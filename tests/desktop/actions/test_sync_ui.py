"""File > Sync in the real window: two libraries kept in step through a real
bare git repository in tmp (made with the git CLI)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from lectern.core.domain.entry import get
from lectern.core.library.facade import Library
from lectern.core.store.settings import save_setting
from lectern.core.sync.engine import sync
from lectern.desktop.app import open_window
from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.sync_dialogs import ConflictsDialog, SetUpDialog
from tests.desktop.conftest import activate

SYNCED_MS = 60000  # only how long a broken test waits before it fails


@pytest.fixture(autouse=True)
def no_user_git_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """git reads no global or system settings of this machine."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture(autouse=True)
def sync_only_when_asked() -> None:
    """The automatic sync off (one test turns it on): each test says when the window syncs."""
    save_setting("sync_auto", False)


@pytest.fixture
def other(tmp_path: Path):
    """A second library, on another "machine"."""
    folder = tmp_path / "other"
    folder.mkdir()
    library = Library.open(folder / "library.sqlite")
    yield library
    library.close()


def when_modal(act: Callable) -> list:
    """Call `act(dialog)` on the next modal dialog shown (it is modal: the test's line waits in it)."""
    seen: list = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, poll)
            return
        seen.append(dialog)
        act(dialog)

    QTimer.singleShot(0, poll)
    return seen


def set_up(qtbot, win: MainWindow, remote: str) -> None:
    """File > Sync > Set up…: the remote typed into the dialog, which syncs at once."""
    def fill(dialog: SetUpDialog) -> None:
        assert isinstance(dialog, SetUpDialog)
        dialog.edit.setText(remote)
        dialog.accept()

    when_modal(fill)
    win.commands.run("sync.setup")
    qtbot.waitUntil(lambda: not win.sync.running, timeout=SYNCED_MS)


def press_sync(qtbot, win: MainWindow) -> None:
    activate(qtbot, win)
    QTest.keyClick(win.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert win.commands.ran[-1] == "sync.now"
    qtbot.waitUntil(lambda: not win.sync.running, timeout=SYNCED_MS)


def key_of(library: Library, paper_id: int) -> str:
    return library.paper(paper_id).paper.citation_key


def by_key(library: Library, key: str) -> int:
    with library.db.read() as conn:
        return conn.exec_driver_sql("SELECT id FROM paper WHERE citation_key = ?", (key,)).scalar_one()


def test_set_up_in_the_window_then_ctrl_shift_s_sends_a_star_that_the_other_library_receives(
        qtbot, window: MainWindow, remote: str, other: Library) -> None:
    assert QKeySequence("Ctrl+Shift+S") in window.commands.actions["sync.now"].shortcuts()
    set_up(qtbot, window, remote)
    assert window.sync.label.isVisible() and window.sync.label.text().startswith("synced at ")
    sync(other, remote)  # the other machine takes the library over
    assert other.count() == window.library.count() > 0
    activate(qtbot, window)
    window.go_to_row(0)
    paper = window.current_paper_id()
    QTest.keyClick(window.table, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.library.paper(paper).paper.starred)
    qtbot.waitUntil(lambda: "1 change to send" in window.sync.label.text(), timeout=SYNCED_MS)
    press_sync(qtbot, window)
    assert window.sync.problem is None and "to send" not in window.sync.label.text()
    assert "Synced: sent 1 change" in window.statusBar().currentMessage()
    sync(other)
    assert other.paper(by_key(other, key_of(window.library, paper))).paper.starred


def test_what_a_sync_receives_shows_in_the_table_and_the_detail_pane(
        qtbot, window: MainWindow, remote: str, other: Library) -> None:
    set_up(qtbot, window, remote)
    sync(other, remote)
    activate(qtbot, window)
    window.go_to_row(0)
    paper = window.current_paper_id()
    theirs = by_key(other, key_of(window.library, paper))
    record = other.paper(theirs).paper
    other.papers.set_record(theirs, record.entry_type,
                            [(n, "Retitled on the other machine" if n.lower() == "title" else v)
                             for n, v in record.fields])
    sync(other)
    press_sync(qtbot, window)
    assert window.model.data(window.model.index(0, 0)) == "Retitled on the other machine"
    assert window.current_paper_id() == paper
    assert "Retitled on the other machine" in window.detail.toPlainText()
    assert "to send" not in window.sync.label.text()  # what arrived is not counted as this library's change


def test_a_conflict_shows_in_the_conflicts_view_and_one_key_takes_theirs(
        qtbot, window: MainWindow, remote: str, other: Library) -> None:
    set_up(qtbot, window, remote)
    sync(other, remote)
    window.go_to_row(0)
    paper = window.current_paper_id()
    key = key_of(window.library, paper)
    record = other.paper(by_key(other, key)).paper
    other.papers.set_record(by_key(other, key), record.entry_type, [*record.fields, ("note", "theirs")])
    # (`note`, a field of the record, not the paper's own note: chosen like any field)
    sync(other)
    library = window.library
    window.ops.run(lambda: library.papers.set_record(paper, record.entry_type, [*record.fields, ("note", "mine")]))
    qtbot.waitUntil(window.ops.idle)
    press_sync(qtbot, window)
    assert "conflicts: 1" in window.sync.label.text()
    assert window.commands.can_run("sync.conflicts")
    listed: list[list[str]] = []

    def take_theirs(dialog: ConflictsDialog) -> None:
        assert isinstance(dialog, ConflictsDialog)
        item = dialog.tree.topLevelItem(0)
        listed.append([item.text(column) for column in range(4)])
        QTest.keyClick(dialog.tree, Qt.Key.Key_T)

    shown = when_modal(take_theirs)
    window.commands.run("sync.conflicts")  # returns once the last conflict is resolved (the view closes)
    assert listed == [[key, "note", "mine", "theirs"]]
    assert not shown[0].isVisible()
    assert get(library.paper(paper).paper.fields, "note") == "theirs"
    assert "conflicts" not in window.sync.label.text() and not window.commands.can_run("sync.conflicts")
    assert window.undo_action.isEnabled()  # taking theirs is one undo step...
    press_sync(qtbot, window)  # ...and the next sync sends it
    sync(other)
    assert get(other.paper(by_key(other, key)).paper.fields, "note") == "theirs"


def test_an_unreachable_remote_gives_one_message_and_the_changes_wait(
        qtbot, window: MainWindow, tmp_path: Path, message_boxes) -> None:
    set_up(qtbot, window, str(tmp_path / "no such remote.git"))
    assert message_boxes.titles() == ["Not synced"]
    assert "could not be reached" in message_boxes[0][1] and "wait for the next sync" in message_boxes[0][1]
    assert "Traceback" not in message_boxes[0][1]
    qtbot.waitUntil(lambda: window.sync.label.text().startswith("offline"), timeout=SYNCED_MS)
    qtbot.waitUntil(lambda: "to send" in window.sync.label.text(), timeout=SYNCED_MS)  # everything waits


def test_a_remote_that_rejects_the_push_says_so(qtbot, window: MainWindow, remote: str, message_boxes) -> None:
    hook = Path(remote) / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'this repository is read-only' >&2\nexit 1\n")
    hook.chmod(0o755)
    set_up(qtbot, window, remote)
    assert message_boxes.titles() == ["Not synced"]
    assert "rejected the push" in message_boxes[0][1]
    qtbot.waitUntil(lambda: window.sync.label.text().startswith("not synced"), timeout=SYNCED_MS)


def test_with_automatic_sync_on_quitting_sends_the_last_changes_first(
        qtbot, window: MainWindow, remote: str, other: Library) -> None:
    set_up(qtbot, window, remote)
    save_setting("sync_auto", True)
    window.sync.settings_changed()
    assert window.sync.timer.isActive()
    sync(other, remote)
    activate(qtbot, window)
    window.go_to_row(0)
    paper = window.current_paper_id()
    QTest.keyClick(window.table, Qt.Key.Key_S)
    window.close()  # stays open while the last sync runs, then closes
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=SYNCED_MS)
    assert window.sync.quit_synced
    sync(other)
    assert other.paper(by_key(other, key_of(window.library, paper))).paper.starred


def test_a_second_machine_whose_window_loaded_the_sample_takes_the_remote_library_over(
        qtbot, window: MainWindow, remote: str, tmp_path: Path) -> None:
    set_up(qtbot, window, remote)  # the first machine publishes its library (the sample, one paper starred)
    window.go_to_row(0)
    paper = window.current_paper_id()
    activate(qtbot, window)
    QTest.keyClick(window.table, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.library.paper(paper).paper.starred)
    press_sync(qtbot, window)
    (tmp_path / "second").mkdir()
    second = open_window(tmp_path / "second" / "library.sqlite")  # a new machine: the sample is loaded
    qtbot.addWidget(second)
    try:
        assert second.library.count() == window.library.count()
        set_up(qtbot, second, remote)
        assert second.sync.problem is None
        assert second.library.count() == window.library.count()  # taken over, not doubled
        assert second.library.paper(by_key(second.library, key_of(window.library, paper))).paper.starred
        assert "made way for the remote's library" in second.statusBar().currentMessage()
        qtbot.waitUntil(lambda: second.model.rowCount() == second.library.count())  # the table shows them
    finally:
        second.close()
        second.library.close()


def test_quitting_again_while_the_last_sync_waits_on_the_network_quits_at_once(
        qtbot, window: MainWindow, remote: str, monkeypatch: pytest.MonkeyPatch) -> None:
    set_up(qtbot, window, remote)
    subprocess.run(["git", "-C", str(window.library.path.parent / "library sync"), "remote", "set-url", "origin",
                    "ssh://example.invalid/papers.git"], check=True)
    monkeypatch.setenv("GIT_SSH_COMMAND", "sleep 3")  # a server that does not answer
    save_setting("sync_auto", True)
    window.close()
    qtbot.waitUntil(lambda: window.sync.running)
    assert window.isVisible()  # the last sync runs
    window.close()  # Ctrl+Q again: no more waiting
    assert not window.isVisible()
    qtbot.waitUntil(lambda: not window.sync.worker.busy(), timeout=SYNCED_MS)


def test_automatic_sync_is_a_preference_on_by_default(qtbot, window: MainWindow, remote: str) -> None:
    from lectern.core.store.settings import DEFAULTS, sync_auto
    from lectern.desktop.views.preferences import PreferencesDialog

    assert DEFAULTS["sync_auto"] is True
    set_up(qtbot, window, remote)
    assert not window.sync.timer.isActive()  # (this test module turned it off)

    def turn_on(dialog: PreferencesDialog) -> None:
        assert isinstance(dialog, PreferencesDialog) and not dialog.sync.isChecked()
        dialog.sync.setChecked(True)
        dialog.accept()

    when_modal(turn_on)
    window.commands.run("edit.preferences")
    assert sync_auto() and window.sync.timer.isActive()
    save_setting("sync_auto", False)  # the window closes without a last sync


def test_the_status_bar_says_each_step_of_a_sync_as_it_runs(qtbot, window: MainWindow, remote: str) -> None:
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    set_up(qtbot, window, remote)  # the first sync: publishes the library
    steps = [m for m in said if m.startswith("Syncing: ")]
    assert steps == ["Syncing: fetching from the remote…", "Syncing: writing this library's changes…",
                     "Syncing: sending to the remote…"]
    assert said.index(steps[-1]) == len(said) - 2 and "Synced: sent 222 changes" in said[-1]  # then what it did


def test_attaching_a_pdf_and_reading_its_text_in_the_background_gives_nothing_to_send(
        qtbot, window: MainWindow, remote: str, tmp_path: Path) -> None:
    """The sync tree holds no attached files and no text read from them: a
    PDF attached and read in the background is not a change to send, while a
    star beside it is one."""
    from lectern.core.fulltext.sample import text_pdf

    set_up(qtbot, window, remote)
    assert "to send" not in window.sync.label.text()
    library = window.library
    paper, starred = library.paper_ids()[:2]
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(text_pdf([["first page"], ["a zeppelin on page two"]]))
    window.ops.run(lambda: library.attachments.add(paper, [pdf], "link"))
    qtbot.waitUntil(lambda: library.attachments_of(paper) != () and library.fulltext.pending() == []
                    and window.ops.idle(), timeout=SYNCED_MS)
    assert library.search("fulltext:zeppelin").ids == [paper]
    assert "to send" not in window.sync.label.text()
    window.ops.run(lambda: library.papers.toggle_star([starred]))
    qtbot.waitUntil(lambda: "1 change to send" in window.sync.label.text(), timeout=SYNCED_MS)
    window.sync.refresh_status()  # the full count, off the GUI thread, agrees
    qtbot.waitUntil(lambda: window.sync.status.to_send == 1 and not window.sync.touched, timeout=SYNCED_MS)
    assert window.sync.status.papers == {starred} and "1 change to send" in window.sync.label.text()
