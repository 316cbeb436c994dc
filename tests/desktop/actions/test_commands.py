"""Every command is declared once, with its handler, when it can apply and (for a
toggle) whether it is on; the README's keyboard table is generated from the
declarations; every default key runs its command in the real window; a command
that cannot apply is disabled, and its key says why instead of acting."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from lectern.desktop.actions.commands import COMMANDS, README_MARKERS, keyboard_markdown
from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.palette import CommandPalette
from tests.desktop.conftest import activate, settle

ROOT = Path(__file__).resolve().parents[3]


def test_readme_keyboard_table_matches_the_registry() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = README_MARKERS
    table = text.split(start, 1)[1].split(end, 1)[0]
    assert table == keyboard_markdown(), "run: .venv/bin/python -m lectern.desktop.actions.commands README.md"


def test_no_two_commands_share_a_key() -> None:
    seen: dict[str, str] = {}
    for command in COMMANDS:
        for key in command.keys:
            normal = QKeySequence(key).toString()
            assert normal not in seen, f"{key} is bound to {seen.get(normal)} and {command.id}"
            seen[normal] = command.id


def press(win: MainWindow, key: str) -> None:
    sequence = QKeySequence(key)
    for i in range(sequence.count()):
        combo = sequence[i]
        QTest.keyClick(win.table, combo.key(), combo.keyboardModifiers())


def test_every_default_key_runs_its_command(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    registry = window.commands
    for command in COMMANDS:  # record, do not act (dialogs, quit), and let every one apply
        registry.commands[command.id] = dataclasses.replace(command, handler=lambda w: None, enabled=None)
    registry.refresh()
    for command in COMMANDS:
        for key in command.keys:
            activate(qtbot, window)
            before = len(registry.ran)
            press(window, key)
            assert registry.ran[before:] == [command.id], f"{key} should run {command.id}"


# -- bound in one place -----------------------------------------------------------
BINDING_CALLS = {"addAction", "addActions", "insertAction", "insertActions", "setShortcut", "setShortcuts"}
BINDING_TYPES = {"QAction", "QShortcut"}


def bindings_outside_the_registry() -> list[str]:
    found = []
    for path in sorted((ROOT / "desktop").rglob("*.py")):
        if path == ROOT / "desktop" / "actions" / "commands.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in BINDING_CALLS or name in BINDING_TYPES:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    return found


def test_the_command_table_is_the_only_place_a_handler_is_bound() -> None:
    """No action, shortcut or menu entry is made outside desktop/actions/commands.py:
    a handler wired anywhere else would be missing from the palette, help and README."""
    assert bindings_outside_the_registry() == []
    assert all(callable(command.handler) for command in COMMANDS)


# -- toggles ---------------------------------------------------------------------
def test_triage_actions_are_checkable_and_follow_the_mode(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    triage, hide = window.commands.actions["triage.toggle"], window.commands.actions["triage.hide_done"]
    assert triage.isCheckable() and hide.isCheckable()
    assert not triage.isChecked() and not window.triage
    press(window, "Ctrl+T")
    assert window.triage and triage.isChecked()
    window.commands.run("triage.toggle")  # from the palette or the menu: the same state
    assert not window.triage and not triage.isChecked()
    triage.trigger()  # a click in the Paper menu
    assert window.triage and triage.isChecked()
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        press(window, "Ctrl+Shift+T")
    assert window.hide_triaged and hide.isChecked()
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        window.commands.run("triage.hide_done")
    assert not window.hide_triaged and not hide.isChecked()


# -- enabled only when it can apply ----------------------------------------------------
def test_star_with_no_paper_shown_is_disabled_and_its_key_says_why(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    star = window.commands.actions["paper.star"]
    assert star.isEnabled()
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        window.search_bar.set_text("zzqxnothingmatches")
    assert window.model.rowCount() == 0
    assert not star.isEnabled() and not window.commands.actions["paper.delete"].isEnabled()
    activate(qtbot, window)
    press(window, "S")
    assert "paper.star" not in window.commands.ran
    assert window.commands.refused[-1] == "paper.star"
    assert window.statusBar().currentMessage() == "No paper is selected."
    assert not any(row.starred for row in window.library.rows(window.library.paper_ids()).values())
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        window.search_bar.set_text("")
    assert star.isEnabled()


def test_undo_and_redo_are_enabled_only_with_a_step_to_take(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    undo, redo = window.commands.actions["edit.undo"], window.commands.actions["edit.redo"]
    assert not undo.isEnabled() and not redo.isEnabled()
    press(window, "Ctrl+Z")
    assert "edit.undo" not in window.commands.ran
    assert window.statusBar().currentMessage() == "Nothing to undo."
    press(window, "S")
    settle(qtbot, window)
    assert undo.isEnabled() and not redo.isEnabled()
    press(window, "Ctrl+Z")
    settle(qtbot, window)
    assert window.commands.ran[-1] == "edit.undo"
    assert not undo.isEnabled() and redo.isEnabled()
    press(window, "Ctrl+Shift+Z")
    settle(qtbot, window)
    assert undo.isEnabled() and not redo.isEnabled()


def test_merge_needs_two_selected_papers(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    merge = window.commands.actions["paper.merge"]
    assert not merge.isEnabled()
    window.table.selectionModel().select(
        window.model.index(1, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    assert merge.isEnabled()
    window.go_to_row(3)
    assert not merge.isEnabled()
    assert window.commands.run("paper.merge") is False  # run by name (palette, script): refused as well
    assert window.statusBar().currentMessage().startswith("Select the duplicates to merge")


def test_restore_applies_only_in_the_trash(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    restore, empty = window.commands.actions["paper.restore"], window.commands.actions["trash.empty"]
    assert not restore.isEnabled() and not empty.isEnabled()
    window.go_to_row(5)
    trashed = window.current_paper_id()
    press(window, "Shift+R")  # does nothing here; in particular the table does not jump to a title with R
    assert window.current_paper_id() == trashed and "paper.restore" not in window.commands.ran
    assert window.statusBar().currentMessage().startswith("Restore works in the Trash")
    press(window, "D")
    settle(qtbot, window)
    assert empty.isEnabled() and not restore.isEnabled()
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        window.sidebar.setCurrentItem(window.sidebar.trash_item)
    window.go_to_row(0)
    assert restore.isEnabled()
    activate(qtbot, window)
    press(window, "Shift+R")
    assert window.commands.ran[-1] == "paper.restore"
    settle(qtbot, window)
    assert window.library.trash.ids() == []


def test_palette_shows_a_command_that_cannot_apply_and_does_not_run_it(qtbot, window: MainWindow) -> None:
    palette = CommandPalette(window.commands, window.library, window)
    qtbot.addWidget(palette)
    palette.edit.setText("Restore from Trash")
    items = [palette.list.item(i) for i in range(palette.list.count())]
    restore = next(item for item in items if item.data(Qt.ItemDataRole.UserRole + 2) == "paper.restore")
    assert not restore.flags() & Qt.ItemFlag.ItemIsEnabled
    assert "not now: Restore works in the Trash" in restore.text()
    palette.list.setCurrentItem(restore)
    assert palette.list.currentItem() is restore
    palette.accept()  # Enter on it
    assert palette.chosen is None and palette.result() != palette.DialogCode.Accepted
    assert palette.hint.text().startswith("Restore works in the Trash")
    assert "paper.restore" not in window.commands.ran
