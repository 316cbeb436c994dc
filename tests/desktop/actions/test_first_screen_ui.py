"""Typing a search that matches many papers: the window shows the best matches
at once, and the rows shown first stay where they are when the rest arrives."""

from __future__ import annotations

from pathlib import Path

import pytest

from lectern.core.domain.records import NewPaper
from lectern.core.library.facade import Library
from lectern.core.search.engine import RANK_ALL
from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.table_model import COLUMNS

TITLE = COLUMNS.index(("title", "Title"))
FILLER = "A study of methods with results on several benchmarks and a discussion of what they show."


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    """A library where far more papers name "lighthouse" than are ranked at once
    (the window fixture opens it); the best match is the oldest paper, the
    newest name it in long titles."""
    path = tmp_path / "library.sqlite"
    library = Library.open(path)
    papers = [NewPaper(title="Lighthouse", abstract="The lighthouse keeper's logs.", year=2001)]
    papers += [NewPaper(title=f"Notes {i} on coastal engineering", abstract=f"{FILLER} A lighthouse. {FILLER}")
               for i in range(RANK_ALL + 300)]
    papers += [NewPaper(title=f"Harbour {i} surveys, tides, buoys, piers and one lighthouse", abstract=FILLER * 3)
               for i in range(60)]
    library.papers.add_many(papers)
    library.close()
    return path


def test_the_first_screen_is_the_best_matches_and_does_not_reorder_when_the_rest_arrives(
        qtbot, window: MainWindow) -> None:
    shown: list[tuple[str, bool, list[int]]] = []  # each time the table shows a result: query, complete?, rows
    resets: list[str] = []  # the results that replaced the table's rows (rather than adding below them)

    def show() -> None:
        shown.append((window.model.text, window.model.complete,
                      [window.model.paper_id(r) for r in range(window.model.rowCount())]))

    window.model.modelReset.connect(show)
    window.model.modelReset.connect(lambda: resets.append(window.model.text))
    window.model.rowsInserted.connect(show)  # the rest of a result, below its first screen
    window.search_bar.box.setFocus()
    qtbot.keyClicks(window.search_bar.box, "lighthouse")
    qtbot.waitUntil(lambda: window.model.text == "lighthouse" and window.model.complete
                    and not window.searcher.busy(), timeout=15000)
    results = [(complete, rows) for text, complete, rows in shown if text == "lighthouse"]
    assert [complete for complete, _ in results] == [False, True]  # the first screen, then every match
    (_, first), (_, full) = results
    assert len(full) > RANK_ALL and first == full[: len(first)]  # the rows shown first did not move
    assert resets.count("lighthouse") == 1  # the rest was added below them: they were not read or painted again
    assert window.model.index(0, TITLE).data() == "Lighthouse"  # the best match first
    assert window.current_paper_id() == first[0]
