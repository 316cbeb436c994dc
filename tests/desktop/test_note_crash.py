"""A note typed a second before the app is killed (kill -9) is in the library."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.library import Library

SCRIPT = r"""
import sys, time
from pathlib import Path
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop.app import open_window
win = open_window(Path(sys.argv[1]))
win.show()
app.processEvents()
win.notes.editor.setFocus()
QTest.keyClicks(win.notes.editor, "Typed just before the crash")
print("typed", win.current_paper_id(), flush=True)
while True:  # the real event loop: the autosave timer fires here
    app.processEvents()
    time.sleep(0.005)
"""


def test_note_survives_kill_9_after_typing_stops(library_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(library_path)], stdout=subprocess.PIPE, text=True,
                            env=env, cwd=Path(__file__).resolve().parents[2])
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("typed"), line
        paper_id = int(line.split()[1])
        time.sleep(1.8)  # typing stopped; autosave is due within a second
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    with Library.open(library_path) as library:
        assert library.note(paper_id) == "Typed just before the crash"
        with library.db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
