"""Another program (a command-line import) holds the library's write lock:
the window stays responsive, says it is waiting, and saves the change (and a
note typed meanwhile) once the lock is released (it froze for up to 10 s, then
said "Not saved")."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer

from lectern.desktop.main_window import MainWindow
from tests.desktop.conftest import activate, held_by_another_program


def starred(win: MainWindow, paper_id: int) -> bool:
    with win.library.db.read() as conn:
        return bool(conn.exec_driver_sql("SELECT starred FROM paper WHERE id = ?", (paper_id,)).scalar())


def test_a_star_pressed_while_another_program_writes_waits_without_freezing(qtbot, window: MainWindow,
                                                                            library_path, message_boxes) -> None:
    activate(qtbot, window)
    paper_id = window.current_paper_id()
    assert not starred(window, paper_id)
    ticks: list[float] = []
    timer = QTimer(window)
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    with held_by_another_program(library_path):
        qtbot.keyClick(window.table, Qt.Key.Key_S)
        window.notes.editor.setFocus()
        qtbot.keyClicks(window.notes.editor, "typed meanwhile")  # its autosave meets the lock too
        window.table.setFocus()
        started = time.monotonic()
        qtbot.waitUntil(lambda: "Waiting for another program" in window.statusBar().currentMessage(), timeout=5000)
        qtbot.wait(2500)  # the other program keeps writing for a while
        assert not starred(window, paper_id)
        gaps = [b - a for a, b in zip(ticks, ticks[1:]) if b > started]
        assert len(gaps) > 20 and max(gaps) < 0.5  # the event loop kept running all along
        assert message_boxes == []  # no "Not saved"
    qtbot.waitUntil(lambda: starred(window, paper_id), timeout=15000)  # saved once the lock is released
    qtbot.waitUntil(lambda: window.library.papers.note(paper_id) == "typed meanwhile", timeout=15000)
    qtbot.waitUntil(lambda: "Waiting" not in window.statusBar().currentMessage(), timeout=5000)
    assert message_boxes == []
    timer.stop()
