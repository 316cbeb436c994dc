"""The Duplicates view in the window: copies sit together; `m` merges the current paper's group."""

from __future__ import annotations

from PySide6.QtCore import Qt

from lectern.core.domain.records import NewPaper
from lectern.desktop.main_window import MainWindow
from tests.desktop.conftest import activate, settle


def test_duplicates_are_grouped_and_m_merges_a_group_in_one_step(qtbot, window: MainWindow) -> None:
    library = window.library
    changes = window.library.papers.add_many([
        NewPaper(title="Graph Kernels Revisited", year=2020),
        NewPaper(title="Attention over Trees", arxiv_id="2101.00001"),
        NewPaper(title="graph kernels revisited", doi="10.1/gk"),
        NewPaper(title="Trees with attention", arxiv_id="2101.00001"),
        NewPaper(title="Graph kernels (journal)", doi="10.1/gk", venue="JMLR"),
    ])
    added = sorted(changes.papers)
    window.signals.publish(changes)
    settle(qtbot, window)
    kernels, trees = [added[0], added[2], added[4]], [added[1], added[3]]
    window.sidebar.select_scope("is:duplicate")
    settle(qtbot, window)
    rows = [window.model.paper_id(r) for r in range(window.model.rowCount())]
    assert rows == kernels + trees  # each group together, not in the order they were added
    activate(qtbot, window)
    window.go_to_row(1)
    qtbot.keyClick(window.table, Qt.Key.Key_M)
    settle(qtbot, window)
    assert [window.model.paper_id(r) for r in range(window.model.rowCount())] == trees
    assert window.statusBar().currentMessage() == "Merged 3 copies of the paper into one"
    kept = library.paper(kernels[0]).paper
    assert (kept.year, kept.doi, kept.venue) == (2020, "10.1/gk", "JMLR")
    window.commands.run("edit.undo")  # one step
    settle(qtbot, window)
    assert [window.model.paper_id(r) for r in range(window.model.rowCount())] == kernels + trees


def test_m_on_a_paper_without_copies_says_so(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    count = window.library.count()
    qtbot.keyClick(window.table, Qt.Key.Key_M)
    assert window.statusBar().currentMessage() == "This paper has no duplicates in the library."
    assert window.library.count() == count
