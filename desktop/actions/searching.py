"""What the window does about search and the library's health: run a search on a
worker and show its result, check and rebuild the search index, take the daily
backup, checkpoint when idle, stop writing on damage, step through matches, save
a search. Mixed into MainWindow, whose widgets and workers it uses."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QInputDialog

from lectern.core.domain.changes import Progress
from lectern.core.domain.records import SORT_KEYS
from lectern.core.search.engine import Highlighter, SearchResult
from lectern.core.search.query import QueryError
from lectern.core.store.backups import backup_if_due
from lectern.core.store.library_errors import LibraryDamaged
from lectern.desktop.runtime.workers import Job
from lectern.desktop.views.sidebar import LIST_ID_ROLE, VIEW_ORDERS
from lectern.desktop.views.table_model import RowsAhead, column_of, read_ahead
from lectern.desktop.views.untrusted import warning

FIRST_SCREEN = 200


class SearchActions:
    _view_order: tuple[str | None, bool] | None = None  # the order the current view chose (VIEW_ORDERS)
    # -- search ---------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_bar.box.setFocus()
        self.search_bar.box.selectAll()

    def leave_search(self) -> None:
        if self.search_bar.text():
            self.search_bar.set_text("")
        self.table.setFocus()

    def _query_edited(self, text: str) -> None:
        self.run_search(text, typing=True)

    def _scope_chosen(self, scope: str) -> None:
        own_order = VIEW_ORDERS.get(scope)
        if self.hide_triaged:
            scope = f"({scope}) status:unread" if scope else "status:unread"
        self.model.scope = scope
        list_id = self.sidebar.current_value(LIST_ID_ROLE)
        self.model.list_id = int(list_id) if list_id is not None else None
        if self.model.list_id is not None:
            self.model.sort_key = None  # a reading list shows the user's order
        elif own_order is not None and not self.search_bar.text().strip():
            self.model.sort_key, self.model.descending = own_order
        elif not self.search_bar.text().strip() and (
                self.model.sort_key is None or (self.model.sort_key, self.model.descending) == self._view_order):
            self.model.sort_key, self.model.descending = "added", False  # the view's own order ends with it
        self._view_order = own_order
        self.run_search(self.search_bar.text())

    def run_search(self, text: str, typing: bool = True, first_screen: int | None = FIRST_SCREEN) -> None:
        """Ask a worker for the papers matching `text` in the current view
        (a long result: its first screen, then the rest). `typing`: the last
        word matches as a prefix, as it did while it was typed; every search of
        the box's text keeps that reading, so a star, a view change or a
        rebuilt index never turns "masked lang" into no papers."""
        text, scope, sort, descending = self.model.search_request(text)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(sort is not None)
        if sort in SORT_KEYS:  # the indicator names the order the rows come in
            header.blockSignals(True)  # (the view would sort again on its signal)
            header.setSortIndicator(column_of(sort), Qt.SortOrder.DescendingOrder if descending
                                    else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
        library, keep = self.library, self._selection_to_keep or self.current_paper_id()

        def search(job: Job) -> tuple[SearchResult, RowsAhead | None]:
            """The result, and the rows it shows first read here, not on the
            window's thread; the count beside it is counted here too."""
            kwargs = dict(scope=scope, sort=sort, descending=descending, typing=typing, cancel=job.cancel,
                          suggest_spelling=False)
            result = library.search(text, first_screen=first_screen, **kwargs)
            job.cancel.check()  # (a newer keystroke: its result is shown, not this one)
            ahead = read_ahead(library, result.ids, keep)
            library.count()
            if not result.complete:
                job.post((result, ahead))  # the first screen now; every match ranked next
                result, ahead = library.search(text, **kwargs), None  # (its first rows are shown)
            if not result.ids and result.query.match:
                job.post((result, ahead))  # "no papers" now; the spelling suggestion next
                result.suggestion = library.suggestion(text)
            return result, ahead

        self.searcher.submit(search)

    def after_search(self, then: Callable[[], None]) -> None:
        """Call `then` once the search running now has shown its whole result
        (at once, after this event, if none runs): selecting a paper after a
        write that re-queries the list never waits for the search."""
        if self.searcher.busy():
            self._after_search.append(then)
        else:
            QTimer.singleShot(0, then)

    def _run_after_search(self) -> None:
        waiting, self._after_search[:] = list(self._after_search), []
        for then in waiting:
            then()

    def sorting(self) -> Callable[[], None]:
        """As the table sorts (model.on_sort): what finishes a sort that shows its
        first screen at once: every id read on the search worker, and the
        selection of before the sort given back (its papers may lie further down)."""
        current, selected = self.current_paper_id(), self.selected_ids()

        def finish() -> None:
            self._selection_to_keep = current
            self._reselect_after_sort = selected
            self.run_search(self.search_bar.text(), first_screen=None)
        return finish

    def _search_done(self, found: tuple[SearchResult, RowsAhead | None]) -> None:
        result, ahead = found
        selected = self._selection_to_keep or self.current_paper_id()
        self.model.show_result(result, ahead)
        count = len(result.ids)
        if count == 0 and result.suggestion:
            self.search_bar.show_message("No papers match.", result.suggestion)
        elif count == 0 and (result.text.strip() or self.model.scope):
            self.search_bar.show_message("No papers match.")
        else:
            self.search_bar.show_message("")
        self.fulltext.query = result.query if result.query.page_match else None
        self.detail.set_highlighter(_detail_highlighter(result), Highlighter.for_field(result.query, "fulltext"))
        row = self.model.row_of(selected) if selected is not None else None
        # A first screen may not hold the selected paper yet: the rest decides.
        self._selection_to_keep = selected if row is None and not result.complete else None
        self.go_to_row(row if row is not None else 0)
        if result.complete and self._reselect_after_sort:
            keep, self._reselect_after_sort = self._reselect_after_sort, []
            if row is not None:
                self._select_ids([selected] + [i for i in keep if i != selected])
        if count == 0:
            self.detail.show_paper(None)
        self._update_count()
        if result.complete and not self.searcher.busy():
            self._run_after_search()

    def _search_failed(self, error: Exception) -> None:
        self._run_after_search()
        if isinstance(error, LibraryDamaged):
            self.library_damaged(error)
        elif isinstance(error, QueryError):
            self.search_bar.show_message(str(error))
        else:
            self.search_bar.show_message("Search failed; checking the search index…")
            self.check_search_index()

    # -- search index health ----------------------------------------------------
    def check_search_index(self) -> None:
        """Off the GUI thread: check the whole file (SQLite's quick_check), then
        the search index (rebuilt if damaged), then take the daily backup. A
        damaged file is neither rebuilt nor backed up: the damage path takes over."""
        library = self.library
        relay = self.index_progress

        def check_and_repair(job: Job) -> str | None:
            library.db.check()
            problem = library.index.check(thorough=False)  # never holds the write lock
            if problem:
                relay.report(Progress(0, 0, f"Rebuilding the search index ({problem})"))
                library.index.rebuild(progress=relay.report)
            try:
                backup_if_due(library.path)  # the daily backup, checked before it is kept
            except LibraryDamaged as exc:
                raise library.db.damaged(str(exc)) from None
            except (OSError, sqlite3.Error) as exc:
                relay.report(Progress(0, 0, f"No backup taken today ({exc})"))
            return problem

        self.index_worker.submit(check_and_repair)

    def _show_progress(self, progress: Progress) -> None:
        counts = f": {progress.done:,} of {progress.total:,} {progress.unit}" if progress.total else ""
        self.statusBar().showMessage(f"{progress.message}{counts}…")

    def _index_checked(self, problem: str | None) -> None:
        if problem:
            self.statusBar().showMessage(f"The search index was rebuilt ({problem}).", 8000)
            self.run_search(self.search_bar.text())

    def _index_failed(self, error: Exception) -> None:
        if isinstance(error, LibraryDamaged):
            self.library_damaged(error)
        else:
            self.statusBar().showMessage(f"The search index could not be rebuilt: {error}")

    def library_damaged(self, error: LibraryDamaged) -> None:
        """Damage was found (by the background check or a read that hit it):
        writing stops, and the app offers the latest good backup, once."""
        if self.damage is not None:
            return
        self.damage = error
        self.setWindowTitle(f"Lectern — {self.library.path.name} (damaged: nothing is saved)")
        self.statusBar().showMessage(f"{error}")
        QTimer.singleShot(0, lambda: self.damageFound.emit(error))  # once the current key or paint is done

    def checkpoint(self) -> None:
        """When idle: move recent work from the -wal file into the library file."""
        if self.damage is None and not self.library.db.closed:
            library = self.library
            self.upkeep_worker.submit(lambda job: library.db.checkpoint())

    def _upkeep_failed(self, error: Exception) -> None:
        if isinstance(error, LibraryDamaged):
            self.library_damaged(error)

    def step_match(self, step: int) -> None:
        """n/N: the next match in this paper, then the first in the next paper."""
        pane = self.detail
        at_edge = pane.current_match == (len(pane.match_spans) - 1 if step > 0 else 0)
        if pane.match_spans and not (at_edge and pane.current_match != -1):
            pane.step_match(step)
            return
        if self.model.rowCount() > 1:
            self.move_rows(step)
            if step < 0:
                pane.current_match = 0
            pane.step_match(step)

    def save_search(self) -> None:
        query = self.search_bar.text().strip()
        if not query:
            self.statusBar().showMessage("Type a search first, then save it.", 4000)
            return
        name, ok = QInputDialog.getText(self, "Save search", "Name for this search:", text=query)
        if not ok or not name.strip():
            return
        def refused(exc: Exception) -> bool:
            if isinstance(exc, (QueryError, ValueError)):
                warning(self, "Search not saved", str(exc))
                return True
            return False

        library = self.library
        self.ops.run(lambda: library.saved_searches.save(name, query), on_error=refused,
                     on_done=lambda _changes: self.statusBar().showMessage(f"Saved search “{name.strip()}”.", 4000))


def _detail_highlighter(result: SearchResult) -> Highlighter:
    return Highlighter.for_field(result.query, "title") | Highlighter.for_field(result.query, "abstract")
