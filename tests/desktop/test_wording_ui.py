"""What the window says about counts reads as English: "1 paper", not "1 papers"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from lectern.desktop.main_window import MainWindow
from tests.desktop.conftest import activate, settle


def test_importing_one_paper_says_one_paper_under_a_short_title(qtbot, window: MainWindow, tmp_path: Path,
                                                                 message_boxes, monkeypatch) -> None:
    bib = tmp_path / "a-rather-long-file-name-of-latex-examples.bib"
    bib.write_text("@misc{dup, title = {Sabiá: Portuguese Large Language Models}, year = {2023}}\n"
                   "@misc{fresh, title = {A Fresh Paper on Graphs}, author = {Doe, Jane}, year = {2024}}\n")
    monkeypatch.setattr(window.transfer, "ask_duplicate_policy", lambda name, n, total: "skip")
    window.transfer.import_files([bib])
    qtbot.waitUntil(lambda: len(message_boxes) == 1, timeout=10000)
    said = f"Imported 1 paper from {bib.name}."
    assert window.statusBar().currentMessage() == said
    title, text, _format, _default = message_boxes[0]
    assert title == "Import finished"  # the file name is in the text, where it is not cut
    assert text.startswith(said) and "skipped" in text


def test_marking_one_paper_says_one_paper(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_I)
    settle(qtbot, window)
    assert window.statusBar().currentMessage() == "Marked 1 paper as reading"


def test_exporting_one_paper_says_one_paper(qtbot, window: MainWindow, tmp_path: Path) -> None:
    target = tmp_path / "one.bib"
    window.transfer.export_to(target, "bibtex", window.shown_ids()[:1])
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=10000)
    assert window.statusBar().currentMessage() == f"Exported 1 paper to {target}."
