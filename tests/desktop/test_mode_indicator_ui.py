"""Triage mode is shown for as long as it is on, not only by a message that fades."""

from __future__ import annotations

from PySide6.QtCore import Qt

from lectern.desktop.main_window import MainWindow
from tests.desktop.conftest import activate


def test_triage_mode_shows_a_lasting_sign_in_the_status_bar(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    label = window.mode_label
    assert not label.isVisible()
    qtbot.keyClick(window.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.triage and window.commands.actions["triage.toggle"].isChecked()
    window.statusBar().clearMessage()  # the message fades; the sign stays
    assert label.isVisible() and label.text() == "TRIAGE"
    assert label in window.statusBar().findChildren(type(label)) and label.textFormat() == Qt.TextFormat.PlainText
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        window.commands.run("triage.hide_done")
    assert label.isVisible() and label.text() == "TRIAGE · unread only"
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        window.commands.run("triage.hide_done")
    qtbot.keyClick(window.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert not window.triage and not label.isVisible()
