"""Completion in the Tags and Add-to-reading-list dialogs: the first completion
is highlighted as soon as it shows, and one Return takes the highlighted one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from lectern.desktop.views.dialogs import ListDialog, TagDialog


def type_keys(qtbot, widget, text: str) -> None:
    """Keys as a user types them: to the completion popup while it shows, as Qt delivers them."""
    for char in text:
        qtbot.keyClicks(widget, char)


def press(qtbot, completer, edit, key: Qt.Key) -> None:
    popup = completer.popup()
    qtbot.keyClick(popup if popup.isVisible() else edit, key)


def shown(qtbot, dialog: QDialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()


def test_thes_and_one_return_chooses_the_list_thesis(qtbot) -> None:
    dialog = ListDialog(["Thesis", "Reading group"])
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    edit, completer = dialog.combo.lineEdit(), dialog.combo.completer()
    type_keys(qtbot, edit, "Thes")
    qtbot.waitUntil(completer.popup().isVisible)
    popup = completer.popup()
    assert popup.currentIndex().data() == "Thesis"  # highlighted at once
    assert edit.text() == "Thes"  # the typed text is not replaced while typing
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        press(qtbot, completer, edit, Qt.Key.Key_Return)
    assert dialog.name() == "Thesis"


def test_the_full_name_and_one_return_chooses_the_list(qtbot) -> None:
    dialog = ListDialog(["Thesis", "Reading group"])
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    edit, completer = dialog.combo.lineEdit(), dialog.combo.completer()
    type_keys(qtbot, edit, "thesis")
    qtbot.waitUntil(completer.popup().isVisible)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        press(qtbot, completer, edit, Qt.Key.Key_Return)
    assert dialog.name() == "Thesis"


def test_a_new_name_with_no_completion_creates_that_list(qtbot) -> None:
    dialog = ListDialog(["Thesis"])
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    edit, completer = dialog.combo.lineEdit(), dialog.combo.completer()
    type_keys(qtbot, edit, "Graphs")
    assert not completer.popup().isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        press(qtbot, completer, edit, Qt.Key.Key_Return)
    assert dialog.name() == "Graphs"


def test_tags_one_return_takes_the_highlighted_tag(qtbot) -> None:
    dialog = TagDialog(["nlp"], ["Thesis", "efficiency", "nlp"], 1)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    edit, completer = dialog.edit, dialog.completer
    edit.end(False)
    type_keys(qtbot, edit, "Thes")
    qtbot.waitUntil(completer.popup().isVisible)
    assert completer.popup().currentIndex().data() == "Thesis"
    press(qtbot, completer, edit, Qt.Key.Key_Return)
    assert edit.text() == "nlp, Thesis, " and dialog.isVisible()
    assert not completer.popup().isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):  # a second Return: OK
        press(qtbot, completer, edit, Qt.Key.Key_Return)
    assert dialog.tags() == ["nlp", "Thesis"]


def test_tags_down_then_return_inserts_the_tag_once(qtbot) -> None:
    dialog = TagDialog([], ["efficiency", "evaluation"], 1)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    edit, completer = dialog.edit, dialog.completer
    type_keys(qtbot, edit, "eff")
    qtbot.waitUntil(completer.popup().isVisible)
    press(qtbot, completer, edit, Qt.Key.Key_Down)
    press(qtbot, completer, edit, Qt.Key.Key_Return)
    assert edit.text() == "efficiency, "
    assert QApplication.activeModalWidget() is None or dialog.isVisible()


def test_tags_down_moves_to_the_next_completion_and_return_takes_it_once(qtbot) -> None:
    dialog = TagDialog(["nlp"], ["efficiency", "evaluation"], 1)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    edit, completer = dialog.edit, dialog.completer
    edit.end(False)
    type_keys(qtbot, edit, "e")
    qtbot.waitUntil(completer.popup().isVisible)
    assert completer.popup().currentIndex().data() == "efficiency"
    press(qtbot, completer, edit, Qt.Key.Key_Down)
    press(qtbot, completer, edit, Qt.Key.Key_Return)
    assert edit.text() == "nlp, evaluation, "
