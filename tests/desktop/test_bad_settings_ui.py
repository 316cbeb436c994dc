"""A bad keymap or settings folder never stops the window: it opens with the
defaults and says what was wrong, once (a file where the state folder should
be, or a read-only one, ended in an OSError traceback and no window)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from lectern.core.store.keymap import keymap_path
from lectern.core.store.paths import state_dir
from lectern.desktop.app import open_window


def open_and_count(qtbot, library_path: Path, message_boxes) -> list:
    win = open_window(library_path)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: len(message_boxes) >= 1, timeout=5000)
    qtbot.wait(200)  # any second box would show by now
    try:
        assert win.model.rowCount() == 222  # the window works, on the default layout and keys
        return list(message_boxes)
    finally:
        win.close()
        win.library.close()


def test_a_file_in_place_of_the_state_folder_and_a_fifo_keymap_give_one_message(
        qtbot, library_path: Path, message_boxes) -> None:
    state = state_dir()
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text("not a folder")
    keymap = keymap_path()
    keymap.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(keymap)
    boxes = open_and_count(qtbot, library_path, message_boxes)
    assert len(boxes) == 1
    title, text = boxes[0][0], boxes[0][1]
    assert title == "Lectern started with its default settings"
    assert f"{state} cannot be written" in text and "not a regular file" in text


def test_a_read_only_state_folder_gives_the_default_layout_and_says_so(
        qtbot, library_path: Path, message_boxes, tmpfs: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmpfs))
    (tmpfs / "lectern").mkdir()
    assert subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True).returncode == 0
    boxes = open_and_count(qtbot, library_path, message_boxes)
    assert len(boxes) == 1 and "it is read-only" in boxes[0][1]
