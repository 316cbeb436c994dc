"""Menus show each command's key as it is typed, as the help overlay does."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from lectern.desktop.main_window import MainWindow


def shown_key(action) -> str:
    """The key text a menu shows for an action: the text after a tab, else Qt's text for its shortcut."""
    title, tab, after = action.text().partition("\t")
    return after if tab else action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)


def menu_entries(window: MainWindow) -> dict[str, str]:
    """Each menu entry's title -> the key text it shows."""
    entries = {}
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if not action.isSeparator() and action.menu() is None:
                entries[action.text().partition("\t")[0]] = shown_key(action)
    return entries


def test_menus_show_single_letter_keys_as_typed(window: MainWindow) -> None:
    entries = menu_entries(window)
    assert entries["Star / unstar"] == "s"
    assert entries["Next match"] == "n"
    assert entries["Previous match"] == "N"
    assert entries["First paper"] == "g g"
    assert entries["Mark read"] == "r" and entries["Restore from Trash"] == "R"
    assert entries["Undo"] == "Ctrl+Z" and entries["Quit"] == "Ctrl+Q"


def test_every_menu_key_reads_as_in_the_help_overlay(window: MainWindow) -> None:
    registry = window.commands
    for command_id, action in registry.actions.items():
        help_keys = registry.key_text(command_id).replace("`", "").split(", ")
        if registry.keys[command_id]:
            assert shown_key(action) == help_keys[0], command_id
            assert action.shortcuts()[0] == QKeySequence(registry.keys[command_id][0])  # the key still works
