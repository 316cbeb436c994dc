"""The window at its default 1280x800: every column fits beside the title,
cut texts show whole on hover, and the panes keep the sizes the user gave them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from lectern.desktop.app import open_window
from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.table_model import COLUMNS, column_of
from tests.desktop.conftest import settle


def test_every_column_fits_the_table_at_1280_by_800(qtbot, window: MainWindow) -> None:
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    header, table = window.table.horizontalHeader(), window.table
    qtbot.wait(50)
    shown = [key for key, _label in COLUMNS if not header.isSectionHidden(column_of(key))]
    assert "added" in shown and "tags" in shown
    for key in shown:  # each column is inside the visible part of the table
        column = column_of(key)
        assert header.sectionViewportPosition(column) + header.sectionSize(column) <= table.viewport().width(), key
    assert not table.horizontalScrollBar().isVisible()
    assert header.sectionSize(column_of("title")) >= 180  # the title takes what the others leave
    window.resize(1000, 800)  # narrower: the title gives the room, Added stays in view
    qtbot.waitUntil(lambda: window.width() == 1000)
    added = column_of("added")
    assert header.sectionViewportPosition(added) + header.sectionSize(added) <= table.viewport().width()


def test_long_titles_elide_and_long_tags_show_whole_on_hover(qtbot, window: MainWindow) -> None:
    tags = ["discriminative", "efficiency", "pretraining objectives", "survey"]
    first = window.model.paper_id(0)
    window.signals.publish(window.library.tags.add([first], tags))
    settle(qtbot, window)
    index = window.model.index(window.model.row_of(first), column_of("tags"))
    text = index.data(Qt.ItemDataRole.DisplayRole)
    assert text == ", ".join(tags)
    assert window.table.fontMetrics().horizontalAdvance(text) > window.table.columnWidth(column_of("tags"))
    assert window.table.textElideMode() == Qt.TextElideMode.ElideRight
    assert text in index.data(Qt.ItemDataRole.ToolTipRole)  # the whole of it (as plain text: untrusted.plain_tooltip)


def test_pane_sizes_are_kept_across_a_restart(qtbot, library_path: Path) -> None:
    first = open_window(library_path)
    qtbot.addWidget(first)
    first.resize(1280, 800)
    first.show()
    qtbot.waitExposed(first)
    first.right.setSizes([250, 510])  # the note given more room
    first.notes.splitter.setSizes([300, 80])
    right, note, size = first.right.sizes(), first.notes.splitter.sizes(), first.size()
    first.close()
    first.library.close()
    second = open_window(library_path)
    qtbot.addWidget(second)
    second.resize(size)  # the same window size (a small test screen may have clamped the restored one)
    second.show()
    qtbot.waitExposed(second)
    assert second.right.sizes() == right and second.notes.splitter.sizes() == note
    second.close()
    second.library.close()
