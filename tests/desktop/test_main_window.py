"""The main window on the default library, as a user sees it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt

from lectern.core.domain.records import NewPaper
from lectern.desktop.app import open_window
from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.table_model import COLUMNS

TITLE = COLUMNS.index(("title", "Title"))


def _title_at(win: MainWindow, row: int) -> str:
    return win.model.index(row, TITLE).data(Qt.ItemDataRole.DisplayRole)


def _sort(qtbot, win: MainWindow, column: int, order: Qt.SortOrder) -> None:
    """Sort by a column as a header click does, until every row is read (a sort shows its first screen first)."""
    win.table.sortByColumn(column, order)
    qtbot.waitUntil(lambda: win.model.complete and not win.searcher.busy())


def _select_title(win: MainWindow, prefix: str) -> None:
    for row in range(win.model.rowCount()):
        if _title_at(win, row).startswith(prefix):
            win.table.selectRow(row)
            return
    raise AssertionError(f"no paper titled {prefix!r}")


def test_window_shows_the_222_default_papers(window: MainWindow) -> None:
    assert window.model.rowCount() == 222
    assert _title_at(window, 0) == "Pre-Trained Models: Past, Present and Future"
    assert _title_at(window, 221) == "Simple Open-Vocabulary Object Detection with Vision Transformers"
    assert window.count_label.text() == "222 papers"
    headers = [window.model.headerData(c, Qt.Orientation.Horizontal) for c in range(window.model.columnCount())]
    assert headers == ["Title", "★", "Status", "Year", "Tags", "Added", "Authors", "Venue", "Type"]


def test_selecting_a_row_fills_the_detail_pane(window: MainWindow) -> None:
    _select_title(window, "Sabiá")
    text = window.detail.toPlainText()
    assert "Sabiá: Portuguese Large Language Models" in text
    assert "Sabiá-65B" in text and "Sabi\\'a" not in text


def test_latex_in_abstracts_reads_as_text(window: MainWindow) -> None:
    _select_title(window, "Reusing Pretrained Models by Multi-linear Operators")
    text = window.detail.toPlainText()
    assert "76%" in text and "76\\%" not in text


def test_code_links_are_listed_and_clickable(window: MainWindow) -> None:
    _select_title(window, "ERNIE 2.0")
    assert window.detail.links() == ["https://arxiv.org/abs/1907.12412", "https://github.com/PaddlePaddle/ERNIE"]
    assert "href='https://github.com/PaddlePaddle/ERNIE'" in window.detail.toHtml().replace('"', "'")
    assert "Links" in window.detail.toPlainText()


def test_html_in_a_title_is_shown_literally(qtbot, window: MainWindow) -> None:
    hostile = "<b>bold</b> <img src=x>"
    with qtbot.waitSignal(window.searcher.finished):
        window.signals.publish(
            window.library.papers.add_many([NewPaper(title=hostile, abstract="<script>alert(1)</script>")]))
    assert window.model.rowCount() == 223
    assert _title_at(window, 222) == hostile
    window.table.selectRow(222)
    text = window.detail.toPlainText()
    assert hostile in text
    assert "<script>alert(1)</script>" in text
    assert window.count_label.text() == "223 papers"


def test_sorting_by_title_happens_in_the_table(qtbot, window: MainWindow) -> None:
    _sort(qtbot, window, TITLE, Qt.SortOrder.AscendingOrder)
    titles = [_title_at(window, r) for r in range(window.model.rowCount())]
    assert len(titles) == 222 and titles[0].lower() <= titles[1].lower() <= titles[-1].lower()
    assert titles[0] != "Pre-Trained Models: Past, Present and Future"
    _sort(qtbot, window, TITLE, Qt.SortOrder.DescendingOrder)
    assert _title_at(window, 0) == titles[-1]


def test_a_sort_shows_its_first_screen_at_once_then_every_row_keeping_the_selection(
        qtbot, window: MainWindow) -> None:
    from lectern.desktop.views.table_model import SORT_SCREEN
    _sort(qtbot, window, TITLE, Qt.SortOrder.AscendingOrder)
    last, before_last = window.model.paper_id(221), window.model.paper_id(220)  # beyond a first screen, reversed
    window.go_to_row(221)
    window.table.selectionModel().select(window.model.index(220, 0), QItemSelectionModel.SelectionFlag.Select
                                         | QItemSelectionModel.SelectionFlag.Rows)
    window.table.sortByColumn(TITLE, Qt.SortOrder.DescendingOrder)
    assert (window.model.rowCount(), window.model.complete) == (SORT_SCREEN, False)  # shown before all is read
    assert window.model.index(0, TITLE).data() == _title_at(window, 0) and window.model.paper_id(0) == last
    qtbot.waitUntil(lambda: window.model.complete and not window.searcher.busy())
    assert window.model.rowCount() == 222
    assert window.current_paper_id() == last and sorted(window.selected_ids()) == sorted([last, before_last])
    assert window.detail.detail.paper.id == last


def test_sorting_keeps_the_selected_paper_selected(window: MainWindow) -> None:
    _select_title(window, "Sabiá")
    window.table.sortByColumn(TITLE, Qt.SortOrder.AscendingOrder)
    assert window.detail.detail.paper.title.startswith("Sabiá")
    assert _title_at(window, window.table.currentIndex().row()).startswith("Sabiá")


def test_closing_and_reopening_shows_the_same_library(qtbot, library_path: Path) -> None:
    first = open_window(library_path)
    qtbot.addWidget(first)
    first.library.papers.add_many([NewPaper(title="My own paper")])
    first.close()
    first.library.close()
    second = open_window(library_path)
    qtbot.addWidget(second)
    assert second.model.rowCount() == 223
    assert _title_at(second, 222) == "My own paper"
    second.close()
    second.library.close()


def test_column_widths_are_remembered(qtbot, library_path: Path) -> None:
    first = open_window(library_path)
    qtbot.addWidget(first)
    first.show()
    first.table.horizontalHeader().resizeSection(TITLE, 333)
    first.close()
    first.library.close()
    second = open_window(library_path)
    qtbot.addWidget(second)
    assert second.table.horizontalHeader().sectionSize(TITLE) == 333
    second.close()
    second.library.close()


def test_the_sort_order_is_remembered(qtbot, library_path: Path) -> None:
    first = open_window(library_path)
    qtbot.addWidget(first)
    _sort(qtbot, first, TITLE, Qt.SortOrder.DescendingOrder)
    shown = [_title_at(first, row) for row in range(first.model.rowCount())]
    first.close()
    first.library.close()
    second = open_window(library_path)
    qtbot.addWidget(second)
    header = second.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (TITLE, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: second.model.complete and not second.searcher.busy())
    assert [_title_at(second, row) for row in range(second.model.rowCount())] == shown
    assert shown[0].casefold() >= shown[-1].casefold()
    second.close()
    second.library.close()


def test_a_large_library_opens_on_its_first_rows_then_lists_every_paper(qtbot, library_path: Path) -> None:
    from lectern.core.library.facade import Library
    from lectern.desktop.main_window import STARTUP_ROWS

    with Library.open(library_path) as library:
        library.papers.add_many([NewPaper(title=f"Paper {n:05d}") for n in range(STARTUP_ROWS + 500)])
    window = open_window(library_path)  # the default list is not loaded: the library is not empty
    qtbot.addWidget(window)
    assert window.model.rowCount() == STARTUP_ROWS
    assert window.count_label.text() == f"first {STARTUP_ROWS} shown, loading the rest…"
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        pass
    assert window.model.rowCount() == STARTUP_ROWS + 500
    assert window.count_label.text() == f"{STARTUP_ROWS + 500} papers"
    assert _title_at(window, window.table.currentIndex().row()) == "Paper 00000"
    assert _title_at(window, STARTUP_ROWS + 499) == "Paper 02499"
    window.close()
    window.library.close()


def test_the_window_gets_python_back_within_a_millisecond_of_asking(window) -> None:
    """A worker busy in Python (a rebuild, a ranking) hands the interpreter to the
    window's thread at the switch interval: the window sets it to a millisecond,
    not Python's five, so a star's repaint does not wait five at every hand-over."""
    import sys

    assert sys.getswitchinterval() <= 0.001


def test_the_code_the_window_runs_on_is_kept_out_of_the_cycle_collectors_walk(window) -> None:
    """Each full collection of Python's cycle collector walks every object it
    tracks while every thread waits: the modules, classes and functions loaded
    at start-up (most of them) are frozen out of it once the window opens."""
    import gc

    from lectern.desktop.main_window import MainWindow

    assert gc.get_freeze_count() > 0
    assert all(o is not MainWindow for o in gc.get_objects())  # the window's own class among them
