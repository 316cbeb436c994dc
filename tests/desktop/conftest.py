"""Fixtures for the real window on a real library file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import lectern.core.store.database
import lectern.desktop.runtime.ops
from lectern.desktop.app import open_window
from lectern.desktop.main_window import MainWindow


@pytest.fixture
def window(qtbot, library_path: Path) -> Iterator[MainWindow]:
    win = open_window(library_path)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    win.library.close()


@pytest.fixture
def impatient_window(qtbot, library_path: Path, monkeypatch) -> Iterator[MainWindow]:
    """The window on a library whose writes give up after 0.2 s when another
    program holds the file locked (instead of waiting for it, saying so)."""
    monkeypatch.setattr(lectern.core.store.database, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr(lectern.desktop.runtime.ops, "WAIT_FOR_OTHERS_S", 0.2)
    win = open_window(library_path)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    win.library.close()


@contextmanager
def held_by_another_program(path: Path) -> Iterator[None]:
    """Another program's open write transaction on the library file: the window's
    writes are refused (SQLite says "database is locked"); its reads still work."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def activate(qtbot, win: MainWindow) -> None:
    """Make the window the active one (shortcuts fire only there) with the table focused."""
    if not win.isActiveWindow():
        with qtbot.waitActive(win, timeout=5000):
            win.activateWindow()
    win.table.setFocus()


TEST_GENERATION = [0]  # moved on after each test: a dialog watcher of a finished test stops


@pytest.fixture(autouse=True)
def close_stray_windows(qtbot):
    """Dialogs and message boxes a test left open must not steal the next test's focus."""
    yield
    TEST_GENERATION[0] += 1
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()


class MessageBoxes(list):
    """What every message box shown said: (title, text, text format, default
    button). `answer` is the button each one is answered with (No at first)."""

    def __init__(self) -> None:
        super().__init__()
        from PySide6.QtWidgets import QMessageBox

        self.answer = QMessageBox.StandardButton.No

    def titles(self) -> list[str]:
        return [shown[0] for shown in self]


@pytest.fixture
def message_boxes(qtbot) -> Iterator[MessageBoxes]:
    """Answer each message box the window shows (really shown, modal or not),
    recording what it said: a test never blocks on one."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    boxes = MessageBoxes()

    def answer() -> None:
        for box in QApplication.topLevelWidgets():
            if isinstance(box, QMessageBox) and box.isVisible():
                default = box.defaultButton()
                boxes.append((box.windowTitle(), box.text(), box.textFormat(),
                              box.standardButton(default) if default is not None else None))
                button = box.button(boxes.answer) or box.escapeButton() or default
                if button is not None:
                    button.click()
                else:
                    box.reject()

    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(10)
    yield boxes
    timer.stop()


def settle(qtbot, win: MainWindow, timeout: int = 15000) -> None:
    """Let the window's writes (on its writer thread) be written and published,
    and the searches they started be shown; the event loop runs meanwhile."""
    qtbot.waitUntil(lambda: win.ops.idle() and not win.searcher.busy(), timeout=timeout)
