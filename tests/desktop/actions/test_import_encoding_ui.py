"""File > Import of a file that is not UTF-8, in the real window: the window
says which line failed and offers the likely encoding, chosen by keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QInputDialog, QLabel

from lectern.desktop.main_window import MainWindow
from tests.desktop.conftest import settle

LATIN1_BIB = ("@article{muller2019,\n  title = {Zur Theorie der Gr\u00f6\u00dfen},\n"
              "  author = {M\u00fcller, Hans},\n  year = {2019},\n}\n").encode("latin-1")


class Choices(list):
    """What each encoding choice shown said: (title, text, label format, chosen
    item, items). `keys` are typed into it before Enter (none: take the preselected one)."""

    keys: str = ""


@pytest.fixture
def encoding_choices(qtbot) -> Iterator[Choices]:
    """Answer each choice dialog by keyboard (type `keys`, then Enter), recording it."""
    choices = Choices()

    def answer() -> None:
        focus = QApplication.focusWidget()
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, QInputDialog) and dialog.isVisible():
                if focus is None or not dialog.isAncestorOf(focus):
                    return  # not active yet: keys typed now would reach the window behind it
                label = dialog.findChild(QLabel)
                choices.append((dialog.windowTitle(), dialog.labelText(), label.textFormat(),
                                dialog.textValue(), dialog.comboBoxItems()))
                if choices.keys:
                    dialog.findChild(QComboBox).lineEdit().selectAll()  # editable: typing replaces the name
                    qtbot.keyClicks(focus, choices.keys)
                qtbot.keyClick(focus, Qt.Key.Key_Return)

    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(20)
    yield choices
    timer.stop()


def _find(window: MainWindow, query: str):
    return window.library.paper(window.library.search(query).ids[0]).paper


def test_a_latin1_file_offers_its_encoding_and_imports_with_the_right_letters(
        qtbot, window: MainWindow, tmp_path: Path, encoding_choices: Choices, message_boxes) -> None:
    bib = tmp_path / "old.bib"
    bib.write_bytes(LATIN1_BIB)
    window.transfer.import_files([bib])
    qtbot.waitUntil(lambda: window.library.count() == 223, timeout=15000)
    settle(qtbot, window)
    assert len(encoding_choices) == 1
    title, text, text_format, chosen, items = encoding_choices[0]
    assert "old.bib" in title
    assert "line 2" in text and "\\xf6\\xdf" in text  # the first bad line, its bytes shown as escapes
    assert text_format == Qt.TextFormat.PlainText  # the file's words are never rendered as HTML
    assert chosen.endswith("— cp1252") and chosen in items  # the likely encoding, preselected
    paper = _find(window, "theorie")
    assert (paper.title, paper.authors) == ("Zur Theorie der Größen", "Müller, Hans")
    assert message_boxes.titles() == []


def test_a_typed_encoding_name_is_used_and_a_wrong_one_asks_again(
        qtbot, window: MainWindow, tmp_path: Path, encoding_choices: Choices, message_boxes) -> None:
    bib = tmp_path / "chinese.bib"
    bib.write_bytes("@article{wang2020,\n  title = {深度学习在自然语言处理中的应用},\n  year = {2020},\n}\n"
                    .encode("gbk"))
    encoding_choices.keys = "no-such-encoding"
    window.transfer.import_files([bib])
    qtbot.waitUntil(lambda: len(encoding_choices) >= 2, timeout=15000)
    assert "GB18030" in encoding_choices[0][1] and encoding_choices[0][3].endswith("— gb18030")
    assert "does not know the encoding “no-such-encoding”" in encoding_choices[1][1]
    encoding_choices.keys = "gbk"
    qtbot.waitUntil(lambda: window.library.count() == 223, timeout=15000)
    settle(qtbot, window)
    assert window.library.paper(window.library.paper_ids()[-1]).paper.title == "深度学习在自然语言处理中的应用"
