"""File > Import / Export and the clipboard, in the real window."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from lectern.desktop.main_window import MainWindow
from tests.desktop.conftest import activate


def test_import_a_bib_file_asks_about_duplicates(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    bib = tmp_path / "mine.bib"
    bib.write_text("@misc{dup, title = {Sabiá: Portuguese Large Language Models}, year = {2023}}\n"
                   "@misc{fresh, title = {A Fresh Paper on Graphs}, author = {Doe, Jane}, year = {2024}}\n")
    asked = []
    monkeypatch.setattr(window.transfer, "ask_duplicate_policy",
                        lambda name, n, total: asked.append((n, total)) or "merge")
    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)  # the summary box
    window.transfer.import_files([bib])
    qtbot.waitUntil(lambda: window.model.rowCount() == 223, timeout=10000)
    assert asked == [(1, 2)]
    assert window.library.count() == 223
    sabia = window.library.paper(window.library.search("sabia").ids[0]).paper
    assert sabia.year == 2023  # merged into the existing paper
    assert "Imported 1 paper from mine.bib." in window.statusBar().currentMessage()


def test_importing_junk_says_what_failed_and_writes_nothing(qtbot, window: MainWindow, tmp_path: Path,
                                                            message_boxes) -> None:
    junk = tmp_path / "junk.bib"
    junk.write_bytes(b"\x00\x01binary junk")
    shown = message_boxes
    window.transfer.import_files([junk])
    qtbot.waitUntil(lambda: shown.titles() == ["Nothing was imported"], timeout=10000)
    assert "binary" in shown[0][1] and window.transfer.dialog is None
    assert window.library.count() == 222


def test_export_writes_the_file_and_reports(qtbot, window: MainWindow, tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    window.transfer.export_to(target, "bibtex", window.shown_ids())
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=10000)
    assert len(re.findall(r"^@\w+\{", target.read_text(encoding="utf-8"), re.MULTILINE)) == 222
    assert "Exported 222 papers" in window.statusBar().currentMessage()


def test_y_copies_the_key_and_shift_y_the_bibtex(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_Y)
    assert QApplication.clipboard().text() == "han2021pre"
    qtbot.keyClick(window.table, Qt.Key.Key_Y, Qt.KeyboardModifier.ShiftModifier)
    text = QApplication.clipboard().text()
    assert text.startswith("@misc{han2021pre,") and "title = {Pre-Trained Models" in text
    window.commands.run("paper.copy_markdown")
    assert QApplication.clipboard().text() == r"[Pre\-Trained Models\: Past\, Present and Future](<https://arxiv.org/abs/2106.07139>)"


def test_ctrl_shift_v_imports_the_papers_on_the_clipboard(qtbot, window: MainWindow, message_boxes) -> None:
    QApplication.clipboard().setText("@misc{clip1, title = {Clipboard Paper on Graph Kernels}, year = {2024}}\n"
                                     "@misc{clip2, title = {Another Pasted Paper}, author = {Doe, Jane}}\n")
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.model.rowCount() == 224, timeout=10000)
    (paper_id,) = window.library.search("graph kernels").ids
    paper = window.library.paper(paper_id).paper
    assert (paper.citation_key, paper.year) == ("clip1", 2024)
    assert window.library.paper(window.library.search("another pasted").ids[0]).paper.authors == "Doe, Jane"
    assert "Imported 2 papers from the clipboard" in window.statusBar().currentMessage()
    assert message_boxes == []


def test_ctrl_shift_v_with_no_text_says_so(qtbot, window: MainWindow) -> None:
    QApplication.clipboard().setText("  \n")
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.statusBar().currentMessage() == "The clipboard holds no text to import."
    assert window.library.count() == 222


def test_cancel_while_a_file_is_read_imports_nothing(qtbot, window, tmp_path) -> None:
    listing = tmp_path / "many.txt"
    listing.write_text("".join(f"Cancelled paper number {i}\nAn abstract about {i}.\n" for i in range(20000)))
    before = window.library.count()
    window.transfer.import_files([listing])
    assert window.transfer.dialog is not None
    window.transfer.dialog.canceled.emit()  # the user presses Cancel while the file is still being read
    qtbot.waitUntil(lambda: window.transfer.dialog is None and window.transfer.worker.pool.activeThreadCount() == 0,
                    timeout=30000)
    qtbot.wait(200)
    assert window.ops.idle()
    assert window.library.count() == before
