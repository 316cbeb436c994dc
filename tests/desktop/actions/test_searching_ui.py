"""Searching in the real window: type, see the table answer, highlights, hints."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from lectern.desktop.main_window import MainWindow
from lectern.desktop.views.sidebar import SCOPE_ROLE
from lectern.desktop.views.table_model import HIGHLIGHT_ROLE
from tests.desktop.conftest import activate, settle


def titles(win: MainWindow) -> list[str]:
    return [win.model.index(r, 0).data() for r in range(win.model.rowCount())]


def type_query(qtbot, win: MainWindow, text: str) -> None:
    win.search_bar.box.setFocus()
    for ch in text:
        with qtbot.waitSignal(win.searcher.finished, timeout=10000):
            qtbot.keyClicks(win.search_bar.box, ch)


def test_typing_filters_the_table_as_you_type(qtbot, window: MainWindow) -> None:
    type_query(qtbot, window, "sabi")
    assert titles(window) == ["Sabiá: Portuguese Large Language Models"]
    assert window.count_label.text() == "1 paper of 222"
    assert "Sabiá: Portuguese" in window.detail.toPlainText()


def test_a_first_letter_keeps_the_whole_list_and_the_selected_paper(qtbot, window: MainWindow) -> None:
    """One letter filters nothing yet; the list (longer than a first screen)
    comes back whole and the paper far down stays selected."""
    window.go_to_row(215)
    picked = window.current_paper_id()
    type_query(qtbot, window, "m")
    assert window.model.rowCount() == 222
    assert window.current_paper_id() == picked
    assert window.count_label.text() == "222 papers of 222"


def test_matches_are_highlighted_in_the_title_and_abstract(qtbot, window: MainWindow) -> None:
    type_query(qtbot, window, "roberta ")
    first = window.model.index(0, 0)
    spans = first.data(HIGHLIGHT_ROLE)
    title = first.data()
    assert spans and all(title[a:b].lower().startswith("roberta") for a, b in spans)
    plain = window.detail.toPlainText()
    assert window.detail.match_spans
    assert all(plain[a:b].lower().startswith("roberta") for a, b in window.detail.match_spans)


def test_n_steps_through_matches(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    type_query(qtbot, window, "bert ")
    window.table.setFocus()
    window.go_to_row(0)
    assert window.detail.detail.title_text.startswith("What Does BERT Look At")
    spans = window.detail.match_spans
    assert len(spans) >= 2
    qtbot.keyClick(window.table, Qt.Key.Key_N)
    cursor = window.detail.textCursor()
    assert (cursor.selectionStart(), cursor.selectionEnd()) == spans[0]
    qtbot.keyClick(window.table, Qt.Key.Key_N)
    cursor = window.detail.textCursor()
    assert (cursor.selectionStart(), cursor.selectionEnd()) == spans[1]
    assert window.commands.ran[-2:] == ["search.next_match", "search.next_match"]


def test_a_malformed_query_shows_a_short_message(qtbot, window: MainWindow) -> None:
    type_query(qtbot, window, "bert")
    shown = titles(window)
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        qtbot.keyClicks(window.search_bar.box, " (")
    message = window.search_bar.message.text()
    assert message == "A ( is not closed: add the closing )."
    assert window.search_bar.message.isVisibleTo(window)
    assert titles(window) == shown  # the last good results stay


def test_did_you_mean_offers_a_correction(qtbot, window: MainWindow) -> None:
    type_query(qtbot, window, "pretrainig ")
    assert titles(window) == []
    assert window.search_bar.suggestion.text() == "Did you mean: pretraining"
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        window.search_bar.suggestion.click()
    assert window.search_bar.text() == "pretraining"
    assert len(titles(window)) > 200


def test_related_papers_show_for_the_selection(qtbot, window: MainWindow) -> None:
    type_query(qtbot, window, "sabia")
    with qtbot.waitSignal(window.related_worker.finished, timeout=10000):
        window.table.selectRow(0)
        window._selection_changed(None, None)  # type: ignore[arg-type]  (related papers follow 250 ms later)
    text = window.detail.toPlainText()
    assert "Related papers" in text
    assert "Portuguese Language" in text.split("Related papers", 1)[1]


def test_slash_focuses_search_and_esc_clears_it(qtbot, window: MainWindow) -> None:
    activate(qtbot, window)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Slash)
    assert QApplication.focusWidget() is window.search_bar.box
    type_query(qtbot, window, "mask")
    assert window.model.rowCount() < 222
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        qtbot.keyClick(window.search_bar.box, Qt.Key.Key_Escape)
    assert window.search_bar.text() == ""
    assert window.model.rowCount() == 222
    assert QApplication.focusWidget() is window.table


def test_saved_search_appears_in_the_sidebar_and_stays_live(qtbot, window: MainWindow, monkeypatch) -> None:
    type_query(qtbot, window, "portuguese")
    monkeypatch.setattr("lectern.desktop.actions.searching.QInputDialog.getText", lambda *a, **k: ("Portuguese", True))
    window.commands.run("search.save")
    settle(qtbot, window)
    root = window.sidebar.searches_root
    assert root.childCount() == 1 and root.child(0).text(0) == "Portuguese"
    assert root.child(0).data(0, SCOPE_ROLE) == "portuguese"
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        window.search_bar.set_text("")
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        window.sidebar.setCurrentItem(root.child(0))
    found = titles(window)
    assert "Sabiá: Portuguese Large Language Models" in found and len(found) < 10


def test_sidebar_views_filter_the_table(qtbot, window: MainWindow) -> None:
    trash = window.sidebar.library_root.child(5)
    assert trash.text(0) == "Trash"
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        window.sidebar.setCurrentItem(trash)
    assert window.model.rowCount() == 0
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        window.sidebar.setCurrentItem(window.sidebar.library_root.child(2))  # Unread
    assert window.model.rowCount() == 222


def test_a_damaged_index_is_rebuilt_at_start_while_browsing_works(qtbot, library_path) -> None:
    import sqlite3

    from lectern.desktop.app import open_window

    first = open_window(library_path)
    qtbot.addWidget(first)
    first.index_worker.wait()
    first.close()
    first.library.close()
    conn = sqlite3.connect(library_path)
    conn.execute("DROP TABLE paper_fts")
    conn.commit()
    conn.close()
    win = open_window(library_path)
    qtbot.addWidget(win)
    assert win.model.rowCount() == 222  # browsing works before the index is back
    with qtbot.waitSignal(win.index_worker.finished, timeout=30000):
        pass
    assert "rebuilt" in win.statusBar().currentMessage()
    assert win.library.index.check() is None
    type_query(qtbot, win, "sabia")
    assert titles(win) == ["Sabiá: Portuguese Large Language Models"]
    win.close()
    win.library.close()


def test_a_search_that_keeps_the_selected_paper_keeps_its_related_papers(qtbot, window: MainWindow) -> None:
    row = next(r for r in range(window.model.rowCount()) if window.model.index(r, 0).data().startswith("Sabiá"))
    with qtbot.waitSignal(window.related_worker.finished, timeout=10000):
        window.go_to_row(row)
    related_before = window.detail.related
    jobs_before = window.related_worker._job.generation
    type_query(qtbot, window, "portuguese")
    assert window.detail.detail.paper.title.startswith("Sabiá")
    assert window.detail.related == related_before and related_before
    assert not window.related_timer.isActive()  # the same paper: nothing to look up again
    assert window.related_worker._job.generation == jobs_before


def test_a_search_typed_in_part_keeps_its_papers_after_a_star_or_a_view_change(qtbot, window: MainWindow) -> None:
    type_query(qtbot, window, "masked lang")  # "lang" is still being typed: a prefix
    shown = window.model.rowCount()
    assert shown > 0
    activate(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_S)  # the star re-runs the search
    settle(qtbot, window)
    assert window.model.rowCount() == shown
    assert window.library.rows([window.current_paper_id()])[window.current_paper_id()].starred
    with qtbot.waitSignal(window.searcher.finished, timeout=10000):
        window.sidebar.setCurrentItem(window.sidebar.library_root.child(1))  # Starred
    assert window.model.rowCount() == 1
