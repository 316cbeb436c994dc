"""Edit (Ctrl+E) is an entry editor over the whole record: the type's fields
with the required ones marked, a type change, extra fields, a BibTeX source
tab that is read back and checked before anything is saved; Ctrl+Z gives the
record before back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.entry_editor import SOURCE_TAB, EntryEditor
from tests.desktop.actions.test_paper_edits_ui import when_dialog_opens
from tests.desktop.conftest import activate, settle

CTRL = Qt.KeyboardModifier.ControlModifier


def _rows(dialog: EntryEditor) -> dict[str, tuple[str, str]]:
    """Each row's name cell -> (value, tooltip)."""
    return {dialog.table.item(r, 0).text(): (dialog.table.item(r, 1).text(), dialog.table.item(r, 0).toolTip())
            for r in range(dialog.table.rowCount())}


def _save(qtbot, dialog: EntryEditor) -> None:
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def test_change_the_type_and_a_field_save_and_undo(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    paper_id = window.current_paper_id()
    before = window.library.paper(paper_id).paper
    seen: dict[str, dict] = {}

    def fill(dialog: EntryEditor) -> None:
        assert dialog.kind.currentText() == before.entry_type == "misc"
        dialog.kind.setCurrentText("inproceedings")  # the type's fields come, the values typed stay
        rows = _rows(dialog)
        seen["rows"] = rows
        dialog.set_value("booktitle", "Proceedings of ICML")
        dialog.set_value("pages", "1--12")
        dialog.set_value("howpublished", "")  # emptied: removed
        dialog.add_field()
        row = dialog.table.rowCount() - 1
        dialog.table.item(row, 0).setText("x-reviewed")
        dialog.table.item(row, 1).setText("yes")
        qtbot.keyClick(dialog.key, Qt.Key.Key_Return)

    handled = when_dialog_opens(qtbot, EntryEditor, fill)
    qtbot.keyClick(window.table, Qt.Key.Key_E, CTRL)
    assert len(handled) == 1
    rows = seen["rows"]
    assert rows["author *"][1].endswith("Required</p>") and rows["booktitle *"][0] == ""
    assert rows["title *"][0] == before.title and "volume" in rows and "publisher" in rows
    settle(qtbot, window)
    after = window.library.paper(paper_id).paper
    assert after.entry_type == "inproceedings"
    assert ("booktitle", "Proceedings of ICML") in after.fields and ("pages", "1--12") in after.fields
    assert ("x-reviewed", "yes") in after.fields and not any(k == "howpublished" for k, _ in after.fields)
    assert after.venue == "Proceedings of ICML"  # the readings follow the record
    qtbot.waitUntil(lambda: "Proceedings of ICML" in window.detail.toPlainText())

    qtbot.waitUntil(lambda: window.undo_action.isEnabled() and window.undo_action.text() == "Undo edit record")
    window.commands.run("edit.undo")  # what Ctrl+Z runs (test_commands checks every key runs its command)
    qtbot.waitUntil(lambda: window.library.paper(paper_id).paper.entry_type == before.entry_type)
    undone = window.library.paper(paper_id).paper
    assert (undone.entry_type, undone.fields, undone.venue) == (before.entry_type, before.fields, before.venue)


def test_a_broken_source_says_why_and_saves_nothing(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    paper_id = window.current_paper_id()
    before = window.library.paper(paper_id).paper
    said: list[str] = []

    def fill(dialog: EntryEditor) -> None:
        dialog.tabs.setCurrentIndex(SOURCE_TAB)
        assert dialog.source.toPlainText().startswith(f"@misc{{{before.citation_key},\n  title = {{")
        dialog.source.setPlainText("@article{broken, title = {Unclosed")
        _save(qtbot, dialog)
        assert dialog.isVisible()  # not accepted
        said.append(dialog.error.text())
        dialog.source.setPlainText("@book{a, title = {One}} @book{b, title = {Two}}")
        _save(qtbot, dialog)
        said.append(dialog.error.text())
        assert dialog.isVisible()
        dialog.reject()

    handled = when_dialog_opens(qtbot, EntryEditor, fill)
    qtbot.keyClick(window.table, Qt.Key.Key_E, CTRL)
    assert len(handled) == 1
    assert said[0].startswith("The BibTeX source cannot be read (line 1: could not read")
    assert said[1] == "The BibTeX source must hold exactly one entry (@type{key, ...}); it holds 2 entries."
    settle(qtbot, window)
    assert window.library.paper(paper_id).paper == before


def test_a_valid_source_replaces_the_record(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    paper_id = window.current_paper_id()
    key = window.library.paper(paper_id).paper.citation_key

    def fill(dialog: EntryEditor) -> None:
        dialog.tabs.setCurrentIndex(SOURCE_TAB)
        dialog.source.setPlainText(
            f"@book{{{key},\n  author = {{Knuth, Donald E.}},\n  title = {{The {{\\TeX}}book}},\n"
            "  publisher = {Addison-Wesley},\n  volume = {A},\n  month = jan,\n  year = 1984,\n}")
        _save(qtbot, dialog)

    handled = when_dialog_opens(qtbot, EntryEditor, fill)
    qtbot.keyClick(window.table, Qt.Key.Key_E, CTRL)
    assert len(handled) == 1
    settle(qtbot, window)
    paper = window.library.paper(paper_id).paper
    assert paper.entry_type == "book" and paper.year == 1984
    assert paper.fields == (("author", "Knuth, Donald E."), ("title", "The {\\TeX}book"),
                            ("publisher", "Addison-Wesley"), ("volume", "A"), ("month", "\x00jan"), ("year", "1984"))


def test_the_editor_shows_hostile_text_as_text(qtbot, window: MainWindow) -> None:
    paper_id = window.current_paper_id()
    hostile = "<b>bold</b> <img src=x>"
    window.signals.publish(window.library.papers.set_record(paper_id, "misc", (("title", hostile), ("note", hostile))))
    settle(qtbot, window)
    dialog = EntryEditor(window.library.paper(paper_id).paper, window)
    qtbot.addWidget(dialog)
    assert dialog.value_of("title") == hostile and dialog.value_of("note") == hostile
    index = dialog.table.model().index(next(r for r in range(dialog.table.rowCount())
                                            if dialog.table.item(r, 0).text() == "note"), 1)
    assert index.data(Qt.ItemDataRole.DisplayRole) == hostile  # an item view paints its text as text
    assert dialog.record() == ("misc", window.library.paper(paper_id).paper.citation_key,
                               [("title", hostile), ("note", hostile)])
