"""A note typed before the app is killed (kill -9) is in the library: after a
second of quiet through the autosave, sooner through its draft, which the next
start saves into the library and reports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from lectern.core.library.facade import Library
from lectern.core.store.drafts import Drafts
from lectern.desktop.app import open_window

SCRIPT = r"""
import sys, time
from pathlib import Path
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
app = QApplication([])
from lectern.desktop.app import open_window
win = open_window(Path(sys.argv[1]))
win.show()
app.processEvents()
win.notes.editor.setFocus()
QTest.keyClicks(win.notes.editor, sys.argv[2])
print("typed", win.current_paper_id(), time.monotonic(), flush=True)
while True:  # the real event loop: the autosave timer fires here
    app.processEvents()
    time.sleep(0.005)
"""


def type_then_kill(library_path: Path, text: str, after: float) -> int:
    """Type `text` into the first paper's note in a real window, kill -9 the
    process `after` seconds after the last keystroke; the paper's id."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(library_path), text], stdout=subprocess.PIPE,
                            text=True, env=env, cwd=Path(__file__).resolve().parents[2])
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("typed"), line
        _, paper_id, typed_at = line.split()
        time.sleep(max(0.0, float(typed_at) + after - time.monotonic()))  # one clock for both processes
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    return int(paper_id)


def test_note_survives_kill_9_after_typing_stops(library_path: Path) -> None:
    paper_id = type_then_kill(library_path, "Typed just before the crash", after=1.8)  # autosave is due within 1 s
    with Library.open(library_path) as library:
        assert library.papers.note(paper_id) == "Typed just before the crash"
        with library.db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_note_typed_a_third_of_a_second_before_kill_9_comes_back_at_next_start(qtbot, library_path: Path) -> None:
    paper_id = type_then_kill(library_path, "Typed a moment before the crash", after=0.3)
    with Library.open(library_path) as library:
        assert library.papers.note(paper_id) == ""  # the autosave never ran: only the draft has it
    assert Drafts(library_path).read(paper_id).text == "Typed a moment before the crash"
    win = open_window(library_path)
    qtbot.addWidget(win)
    win.show()
    try:
        assert win.library.papers.note(paper_id) == "Typed a moment before the crash"
        assert "Restored an unsaved note from" in win.statusBar().currentMessage()
        assert win.current_paper_id() == paper_id
        assert win.notes.text() == "Typed a moment before the crash"
        assert "restored an unsaved note" in win.notes.state.text()
        assert Drafts(library_path).all() == []
    finally:
        win.close()
        win.library.close()
