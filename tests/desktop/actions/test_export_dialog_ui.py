"""The export dialog starts on the view the user is looking at, named; the file
dialogs of import and export each start in the folder they chose last."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QMessageBox

from lectern.desktop.main_window import MainWindow
from tests.desktop.conftest import settle


def open_export_dialog(window: MainWindow, monkeypatch, answer=QDialog.DialogCode.Rejected) -> list[str]:
    """Open File > Export; returns the Papers choices, the chosen one first."""
    seen: list[str] = []

    def exec_(dialog: QDialog) -> int:
        scope = dialog.findChild(QComboBox, "exportScope")
        seen.append(scope.currentText())
        seen.extend(scope.itemText(i) for i in range(scope.count()))
        return answer

    monkeypatch.setattr(QDialog, "exec", exec_)
    window.commands.run("file.export")
    return seen


def test_export_on_a_reading_list_starts_on_that_list_by_name(qtbot, window: MainWindow, monkeypatch,
                                                               tmp_path: Path) -> None:
    library = window.library
    list_id, created = library.lists.create("Thesis")
    window.signals.publish(created)
    window.signals.publish(library.lists.add(list_id, window.shown_ids()[:5]))
    window.sidebar.select_scope('list:"Thesis"')
    settle(qtbot, window)
    window.go_to_row(0)
    chosen, *choices = open_export_dialog(window, monkeypatch)
    assert chosen == "Reading list Thesis (5)"
    assert choices == ["Selected papers (1)", "Reading list Thesis (5)", "The whole library (222)"]

    target = tmp_path / "out" / "thesis.bib"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(target), ""))
    open_export_dialog(window, monkeypatch, QDialog.DialogCode.Accepted)
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=10000)
    assert len(re.findall(r"^@\w+\{", target.read_text(encoding="utf-8"), re.MULTILINE)) == 5


def test_a_search_and_a_library_view_are_named_too(qtbot, window: MainWindow, monkeypatch) -> None:
    window.search_bar.set_text("portuguese")
    settle(qtbot, window)
    assert open_export_dialog(window, monkeypatch)[0] == f"Search “portuguese” ({window.model.rowCount()})"
    assert window.model.rowCount() > 0
    window.search_bar.set_text("")
    window.sidebar.select_scope("is:starred")
    settle(qtbot, window)
    assert open_export_dialog(window, monkeypatch)[0] == "Starred (0)"


def test_file_dialogs_start_in_the_folder_chosen_last_for_their_kind(qtbot, window: MainWindow, monkeypatch,
                                                                    tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    bib = tmp_path / "in" / "mine.bib"
    bib.write_text("@misc{fresh, title = {A Fresh Paper on Graphs}, year = {2024}}\n")
    started: list[tuple[str, str]] = []

    def open_names(parent, caption, folder, *rest):
        started.append(("import", folder))
        return [str(bib)], ""

    def save_name(parent, caption, path, *rest):
        started.append(("export", path))
        return str(tmp_path / "out" / "refs.bib"), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", open_names)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)
    window.transfer.import_files()
    qtbot.waitUntil(lambda: window.library.count() == 223, timeout=10000)
    open_export_dialog(window, monkeypatch, QDialog.DialogCode.Accepted)
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=10000)
    window.transfer.import_files()
    open_export_dialog(window, monkeypatch, QDialog.DialogCode.Accepted)
    home = str(Path.home())
    assert started[0] == ("import", home) and started[1] == ("export", str(Path(home) / "papers.bib"))
    assert started[2] == ("import", str(tmp_path / "in"))
    assert started[3] == ("export", str(tmp_path / "out" / "papers.bib"))
