"""The paper table's cells as the user sees them: drawn exactly as Qt's own
delegate draws them, with the matched words of a title highlighted."""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QStyledItemDelegate

from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.theme import MATCH_BACKGROUND, pick
from tests.desktop.actions.test_searching_ui import type_query
from tests.desktop.conftest import settle


def shot(win: MainWindow) -> QImage:
    win.table.viewport().repaint()
    return win.table.viewport().grab().toImage()


def cell_image(image: QImage, win: MainWindow, row: int, column: int) -> QImage:
    return image.copy(win.table.visualRect(win.model.index(row, column)))


def has_colour(image: QImage, colour) -> bool:
    return any(image.pixelColor(x, y) == colour for x in range(image.width()) for y in range(image.height()))


def test_cells_look_as_qts_own_and_a_titles_matches_are_highlighted(qtbot, window: MainWindow) -> None:
    window.resize(1280, 800)
    window.show()
    type_query(qtbot, window, "roberta ")
    settle(qtbot, window)
    window.table.clearSelection()
    ours = shot(window)
    delegate = window.table.itemDelegate()
    window.table.setItemDelegate(QStyledItemDelegate(window.table))
    stock = shot(window)
    window.table.setItemDelegate(delegate)
    match = pick(MATCH_BACKGROUND)
    rows = min(window.model.rowCount(), 8)
    highlighted = [r for r in range(rows) if window.model.title_spans(r)]
    plain = [r for r in range(rows) if not window.model.title_spans(r)]
    assert highlighted, "some title on screen holds the word"
    for row in range(rows):
        for column in range(1, window.model.columnCount()):
            if not window.table.isColumnHidden(column):
                assert cell_image(ours, window, row, column) == cell_image(stock, window, row, column), (row, column)
    for row in highlighted:  # the match's colour behind the word, where Qt's own draws none
        assert has_colour(cell_image(ours, window, row, 0), match)
        assert not has_colour(cell_image(stock, window, row, 0), match)
    for row in plain:
        assert cell_image(ours, window, row, 0) == cell_image(stock, window, row, 0)
