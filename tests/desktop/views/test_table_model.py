"""The paper table model keeps Qt's model contract (pytest-qt's model tester
watching every signal) while it changes: the first screen of a large library,
then all of it, a sort, searches that come first screen first, an edit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

import lectern.desktop.main_window
from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.desktop.actions.searching import FIRST_SCREEN
from lectern.desktop.app import open_window
from lectern.desktop.views.table_model import COLUMNS, SORT_SCREEN, PaperTableModel, read_ahead
from tests.desktop.actions.test_searching_ui import type_query

TITLE = COLUMNS.index(("title", "Title"))
STAR = COLUMNS.index(("starred", "★"))
STARTUP_ROWS = 100  # the window's first screen, made small so the tester's full checks stay quick
PAPERS = 500
GRAPH_PAPERS = PAPERS // 2  # more than a first screen of search results


def title_of(n: int) -> str:
    return f"{'Graph' if n % 2 == 0 else 'Paper'} study {n:05d}"


def test_the_table_model_keeps_qts_contract_through_every_change(qtbot, qtmodeltester, library_path: Path,
                                                                 monkeypatch) -> None:
    assert GRAPH_PAPERS > FIRST_SCREEN
    monkeypatch.setattr(lectern.desktop.main_window, "STARTUP_ROWS", STARTUP_ROWS)
    with Library.open(library_path) as library:
        library.papers.add_many([NewPaper(title=title_of(n)) for n in range(PAPERS)])
    window = open_window(library_path)
    qtbot.addWidget(window)
    model = window.model
    try:
        # 1. the first screen; the tester stays connected for everything below
        assert (model.rowCount(), model.complete) == (STARTUP_ROWS, False)
        qtmodeltester.check(model, force_py=True)

        # 2. the rest of the library replaces the first screen (a reset)
        with qtbot.waitSignal(window.searcher.finished, timeout=10000):
            window.show()
        assert (model.rowCount(), model.complete) == (PAPERS, True)

        # 3. a sort (a layout change) keeps the selected paper selected
        window.go_to_row(3)
        selected = window.current_paper_id()
        window.table.sortByColumn(TITLE, Qt.SortOrder.DescendingOrder)
        assert (model.rowCount(), model.complete) == (SORT_SCREEN, False)  # the first screen at once
        qtbot.waitUntil(lambda: model.complete and not window.searcher.busy())  # then every row
        assert model.rowCount() == PAPERS
        assert model.index(0, TITLE).data() == title_of(PAPERS - 1)
        assert model.index(PAPERS - 1, TITLE).data() == title_of(0)
        assert window.current_paper_id() == selected

        # 4. a search: its first screen, then every match (two resets)
        resets: list[int] = []
        model.modelReset.connect(lambda: resets.append(model.rowCount()))
        type_query(qtbot, window, "graph")
        assert (model.rowCount(), model.complete) == (GRAPH_PAPERS, True)
        assert FIRST_SCREEN in resets
        assert {model.index(r, TITLE).data().split()[0] for r in range(model.rowCount())} == {"Graph"}

        # 5. an edit changes one row's data; clearing the search shows every paper again
        first = model.paper_id(0)
        window.commands.run("paper.star")
        qtbot.waitUntil(lambda: model.index(0, STAR).data() == "★")
        assert window.library.rows([first])[first].starred
        with qtbot.waitSignal(window.searcher.finished, timeout=10000):
            window.search_bar.set_text("")
        assert (model.rowCount(), model.complete) == (PAPERS, True)
    finally:
        window.close()
        window.library.close()


def test_rows_read_ahead_are_shown_unless_a_write_came_after_them(library_path: Path, monkeypatch) -> None:
    """The search worker reads a result's first rows so the window only paints
    them; a star given between that read and the result being shown is not lost."""
    with Library.open(library_path) as library:
        library.papers.add_many([NewPaper(title=title_of(n)) for n in range(PAPERS)])
        model = PaperTableModel(library, load=False)
        result = library.search("")
        ahead = read_ahead(library, result.ids, keep=result.ids[-1])
        assert result.ids[0] in ahead.rows and result.ids[-1] in ahead.rows  # the top, and the kept paper's block
        reads: list[int] = []
        real_rows = library.rows
        monkeypatch.setattr(library, "rows", lambda ids: reads.extend(ids) or real_rows(ids))
        model.show_result(result, ahead)
        assert model.index(0, TITLE).data() == title_of(0) and reads == []  # painted from the rows read ahead
        stale = read_ahead(library, result.ids)
        library.papers.set_starred([result.ids[0]], True)  # pressed while the result was on its way
        model.show_result(library.search(""), stale)
        assert model.index(0, STAR).data() == "★"
