"""Keyboard-only use: text fields keep their letters, keymaps rebind, the
palette and help come from the registry, triage goes paper by paper."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from lectern.core.store.keymap import keymap_path
from lectern.desktop.app import open_window
from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.palette import CommandPalette, fuzzy_score, help_html
from tests.desktop.conftest import activate, settle


def test_letters_typed_in_text_fields_are_text(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    first = window.model.paper_id(0)
    window.search_bar.box.setFocus()
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        qtbot.keyClicks(window.search_bar.box, "sdrux")
    assert window.search_bar.text() == "sdrux"
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        window.search_bar.set_text("")  # "sdrux" matches nothing, and with no paper the note is read-only
    window.notes.editor.setFocus()
    qtbot.keyClicks(window.notes.editor, "s d r u x j k t e l")
    assert window.notes.text() == "s d r u x j k t e l"
    assert not {"paper.star", "paper.delete", "paper.read", "paper.next"} & set(window.commands.ran)
    assert not window.library.rows([first])[first].starred


def test_return_in_the_search_box_goes_to_the_list(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    window.search_bar.box.setFocus()
    qtbot.keyClick(window.search_bar.box, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is window.table


def selected_rows(win: MainWindow) -> list[int]:
    return sorted(index.row() for index in win.table.selectionModel().selectedRows())


def test_gg_and_G_and_j_k_move(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_G, Qt.KeyboardModifier.ShiftModifier)
    assert window.table.currentIndex().row() == 221
    assert selected_rows(window) == [221]  # Shift is part of G: it must not extend the selection
    qtbot.keyClick(window.table, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert selected_rows(window) == [window.table.currentIndex().row()] != [221]
    qtbot.keyClick(window.table, Qt.Key.Key_G)
    assert "g g: First paper" in window.statusBar().currentMessage()
    qtbot.keyClick(window.table, Qt.Key.Key_G)
    assert window.table.currentIndex().row() == 0
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    qtbot.keyClick(window.table, Qt.Key.Key_K)
    assert window.table.currentIndex().row() == 1


def test_a_keymap_override_takes_effect(qtbot, library_path: Path) -> None:
    keymap_path().parent.mkdir(parents=True, exist_ok=True)
    keymap_path().write_text('[keys]\n"paper.star" = ["F"]\n', encoding="utf-8")
    win = open_window(library_path)
    qtbot.addWidget(win)
    win.show()
    activate(qtbot, win)
    assert win.keymap_problems == []
    qtbot.keyClick(win.table, Qt.Key.Key_F)
    assert win.commands.ran[-1] == "paper.star"
    qtbot.keyClick(win.table, Qt.Key.Key_S)  # no longer bound
    assert win.commands.ran.count("paper.star") == 1
    win.close()
    win.library.close()


def test_conflicting_and_malformed_keymaps_are_reported_and_defaults_work(qtbot, library_path: Path) -> None:
    keymap_path().parent.mkdir(parents=True, exist_ok=True)
    keymap_path().write_text('[keys]\n"paper.star" = ["J"]\n"no.such" = "Q"\n', encoding="utf-8")
    win = open_window(library_path)
    qtbot.addWidget(win)
    problems = " ".join(win.keymap_problems)
    assert "J is bound to both paper.star and paper.next" in problems
    assert "no command 'no.such'" in problems
    win.close()
    win.library.close()
    for widget in QApplication.topLevelWidgets():
        widget.close()
    keymap_path().write_text("[keys\nthis is not toml", encoding="utf-8")
    win = open_window(library_path)
    qtbot.addWidget(win)
    win.show()
    def boxes() -> list[QMessageBox]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]

    qtbot.waitUntil(lambda: any("not valid TOML" in b.text() for b in boxes()))
    for box in boxes():
        box.close()  # the user reads it once and goes on
    activate(qtbot, win)
    assert "not valid TOML" in " ".join(win.keymap_problems)
    assert "Keymap:" in win.statusBar().currentMessage()
    qtbot.keyClick(win.table, Qt.Key.Key_S)  # defaults still work
    assert win.commands.ran[-1] == "paper.star"
    win.close()
    win.library.close()


def test_triage_ten_papers_with_ten_keys(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.triage
    ids = [window.model.paper_id(r) for r in range(11)]
    keys = [Qt.Key.Key_R, Qt.Key.Key_X, Qt.Key.Key_R, Qt.Key.Key_I, Qt.Key.Key_S,
            Qt.Key.Key_R, Qt.Key.Key_X, Qt.Key.Key_X, Qt.Key.Key_R, Qt.Key.Key_I]
    for key in keys:
        qtbot.keyClick(window.table, key)  # without waiting: each key acts on the next paper at once
    settle(qtbot, window)
    rows = window.library.rows(ids)
    statuses = [rows[i].status for i in ids[:10]]
    assert statuses == ["read", "skipped", "read", "reading", "unread", "read", "skipped", "skipped", "read", "reading"]
    assert rows[ids[4]].starred
    changed = {i for i in window.library.paper_ids() if window.library.rows([i])[i].status != "unread"
               or window.library.rows([i])[i].starred}
    assert changed == set(ids[:10])
    assert window.current_paper_id() == ids[10]


def test_triage_hiding_done_papers_walks_the_unread(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    window.commands.run("triage.toggle")
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        window.commands.run("triage.hide_done")
    ids = [window.model.paper_id(r) for r in range(4)]
    for done, following in zip(ids, ids[1:]):
        assert window.current_paper_id() == done
        qtbot.keyClick(window.table, Qt.Key.Key_R)
        # the triaged paper leaves the list and the next one takes its place, selected
        qtbot.waitUntil(lambda: window.model.row_of(done) is None and window.current_paper_id() == following)
    assert {window.library.rows([i])[i].status for i in ids[:3]} == {"read"}
    qtbot.waitUntil(lambda: window.model.rowCount() == 219)  # the rest arrives after the first screen


def test_palette_finds_commands_and_jumps_to_papers(qtbot, window: MainWindow) -> None:
    assert fuzzy_score("tgs", "Edit tags…") is not None
    assert fuzzy_score("zzz", "Edit tags…") is None
    palette = CommandPalette(window.commands, window.library, window)
    qtbot.addWidget(palette)
    palette.edit.setText("edit tags")
    assert palette.list.currentItem().text().startswith("Edit tags…")
    assert "t" in palette.list.currentItem().text().split("…", 1)[1]
    palette.edit.setText("sabia portuguese")
    papers = [palette.list.item(i).text() for i in range(palette.list.count())]
    assert "Paper: Sabiá: Portuguese Large Language Models" in papers


def test_palette_opens_with_ctrl_k_and_runs_the_choice(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)

    def choose() -> None:
        palette = next(w for w in QApplication.topLevelWidgets() if isinstance(w, CommandPalette) and w.isVisible())
        palette.edit.setText("Sabiá")
        for i in range(palette.list.count()):
            if palette.list.item(i).text().startswith("Paper: Sabiá"):
                palette.list.setCurrentRow(i)
        palette.accept()

    QTimer.singleShot(100, choose)
    qtbot.keyClick(window.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.commands.ran[-1] == "app.palette"
    assert window.detail.detail.title_text.startswith("Sabiá")


def test_help_lists_every_command_with_its_keys(window: MainWindow) -> None:
    html = help_html(window.commands)
    from html import escape

    for command in window.commands.commands.values():
        assert escape(command.title) in html
    assert "g g" in html and "Ctrl+K" in html


def test_tab_moves_between_panes_and_ctrl_numbers_jump(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.detail
    qtbot.keyClick(window.detail, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.notes.editor
    qtbot.keyClick(window.notes.editor, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is window.detail
    qtbot.keyClick(window.detail, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.sidebar
    qtbot.keyClick(window.sidebar, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.table
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is window.detail
    qtbot.keyClick(window.detail, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.table
