"""Starring the paper shown in the detail pane puts the star in its heading and
leaves the rest of the pane as it was: the heading keeps its look, the reader's
place in a long abstract is kept."""

from __future__ import annotations

from lectern.desktop.main_window import MainWindow
from tests.desktop.conftest import settle


def _heading(window: MainWindow) -> tuple[str, float, int]:
    block = window.detail.document().firstBlock()
    fmt = block.charFormat() if block.text() == "" else block.begin().fragment().charFormat()
    return block.text(), fmt.fontPointSize() or fmt.font().pointSizeF(), block.blockFormat().headingLevel()


def test_a_star_shows_in_the_heading_and_the_reader_keeps_their_place(qtbot, window: MainWindow) -> None:
    window.resize(900, 420)
    window.go_to_row(0)
    settle(qtbot, window)
    pane = window.detail
    qtbot.waitUntil(lambda: pane.verticalScrollBar().maximum() > 0)
    title, size, level = _heading(window)
    assert not title.startswith("★")
    body = pane.toPlainText()[len(title):]
    pane.verticalScrollBar().setValue(pane.verticalScrollBar().maximum())
    place = pane.verticalScrollBar().value()

    window.commands.run("paper.star")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: _heading(window)[0].startswith("★ "))
    assert _heading(window) == ("★ " + title, size, level)  # the same heading, starred, in the same look
    assert pane.toPlainText()[len(title) + 2:] == body
    assert pane.verticalScrollBar().value() == place

    window.commands.run("paper.star")  # unstarred again
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not _heading(window)[0].startswith("★"))
    assert _heading(window) == (title, size, level)
    assert pane.toPlainText()[len(title):] == body
    assert pane.verticalScrollBar().value() == place
