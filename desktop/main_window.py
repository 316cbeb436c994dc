"""The main window: sidebar, search bar and paper table, the detail pane, a
status bar; commands from the registry; searches run off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QItemSelection, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QInputDialog, QLabel, QMainWindow, QMessageBox, QSplitter, QTableView,
    QVBoxLayout, QWidget,
)

from core.changes import Changes, Progress
from core.library import Library
from core.query import QueryError
from core.search import Highlighter, SearchResult
from desktop.bridge import LibrarySignals
from desktop.commands import CommandRegistry
from desktop.detail_pane import DetailPane
from desktop.highlight import HighlightDelegate
from desktop.search_bar import SearchBar
from desktop.sidebar import Sidebar
from desktop.table_model import COLUMNS, PaperTableModel
from desktop.workers import Job, LatestOnly, ProgressRelay

FIRST_SCREEN = 200


class MainWindow(QMainWindow):
    def __init__(self, library: Library, settings: QSettings) -> None:
        super().__init__()
        self.library = library
        self.settings = settings
        self.signals = LibrarySignals(self)
        self.setWindowTitle(f"Lectern — {library.path.name}")

        self.model = PaperTableModel(library, self)
        self.table = self._build_table()
        self.search_bar = SearchBar(self)
        self.sidebar = Sidebar(self)
        self.sidebar.set_saved_searches(library.saved_searches())
        self.detail = DetailPane(self)

        center = QWidget(self)
        layout = QVBoxLayout(center)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.search_bar)
        layout.addWidget(self.table)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(center)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([170, 700, 410])
        self.setCentralWidget(self.splitter)

        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.count_label)

        self.searcher = LatestOnly(self._search_done, self._search_failed, self, on_partial=self._search_done)
        self.related_worker = LatestOnly(self._related_done, lambda exc: None, self)
        self.index_worker = LatestOnly(self._index_checked, self._index_failed, self)
        self.index_progress = ProgressRelay(self)
        self.index_progress.progressed.connect(self._show_progress)
        self.commands = CommandRegistry(self)
        self._declare_commands()

        self.search_bar.queryEdited.connect(self._query_edited)
        self.search_bar.box.returnPressed.connect(self.table.setFocus)
        self.sidebar.scopeChosen.connect(self._scope_chosen)
        self.detail.paperActivated.connect(self.select_paper)
        self.signals.changed.connect(self._library_changed)
        self._restore_state()
        self._update_count()
        if self.model.rowCount() > 0:
            self.table.selectRow(0)
        self.table.setFocus()
        QTimer.singleShot(0, self.check_search_index)

    def _build_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("paperTable")
        table.setModel(self.model)
        table.setItemDelegateForColumn(0, HighlightDelegate(table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setSortingEnabled(True)
        table.sortByColumn(COLUMNS.index(("added", "Added")), Qt.SortOrder.AscendingOrder)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((400, 32, 80, 56, 140, 96)):
            header.resizeSection(column, width)
        header.sectionClicked.connect(lambda _section: header.setSortIndicatorShown(True))
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        return table

    def _declare_commands(self) -> None:
        add = self.commands.add
        add("paper.next", "Next paper", "Move", lambda: self.move_rows(1))
        add("paper.previous", "Previous paper", "Move", lambda: self.move_rows(-1))
        add("paper.first", "First paper", "Move", lambda: self.go_to_row(0))
        add("paper.last", "Last paper", "Move", lambda: self.go_to_row(self.model.rowCount() - 1))
        add("paper.half_page_down", "Half a page down", "Move", lambda: self.move_rows(self._half_page()))
        add("paper.half_page_up", "Half a page up", "Move", lambda: self.move_rows(-self._half_page()))
        add("search.focus", "Search", "Search", self.focus_search)
        add("search.leave", "Clear search / back to the list", "Search", self.leave_search)
        add("search.next_match", "Next match", "Search", lambda: self.step_match(1))
        add("search.previous_match", "Previous match", "Search", lambda: self.step_match(-1))
        add("search.save", "Save search…", "Search", self.save_search)
        add("app.quit", "Quit", "Lectern", self.close)
        groups = self.commands.by_group()
        for group, title in (("Lectern", "&File"), ("Move", "&Go"), ("Search", "&Search")):
            menu = self.menuBar().addMenu(title)
            for command in groups.get(group, []):
                menu.addAction(self.commands.actions[command.id])

    # -- state ----------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        header_state = self.settings.value("table/header")
        if isinstance(header_state, QByteArray) and not header_state.isEmpty():
            self.table.horizontalHeader().restoreState(header_state)
        splitter_state = self.settings.value("window/splitter3")
        if isinstance(splitter_state, QByteArray) and not splitter_state.isEmpty():
            self.splitter.restoreState(splitter_state)

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter3", self.splitter.saveState())
        self.settings.setValue("table/header", self.table.horizontalHeader().saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.save_state()
        for worker in (self.searcher, self.related_worker, self.index_worker):
            worker.wait()
        super().closeEvent(event)

    # -- moving -----------------------------------------------------------------
    def current_paper_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.paper_id(index.row()) if index.isValid() else None

    def go_to_row(self, row: int) -> None:
        if self.model.rowCount() == 0:
            return
        row = max(0, min(row, self.model.rowCount() - 1))
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.selectRow(row)
        self.table.scrollTo(index)

    def move_rows(self, delta: int) -> None:
        current = self.table.currentIndex()
        self.go_to_row((current.row() if current.isValid() else -1) + delta)

    def _half_page(self) -> int:
        rows = self.table.viewport().height() // max(1, self.table.verticalHeader().defaultSectionSize())
        return max(1, rows // 2)

    def select_paper(self, paper_id: int) -> None:
        row = self.model.row_of(paper_id)
        if row is None:  # not in this view: show all papers, then select it
            self.search_bar.box.clear()
            self.sidebar.select_scope("")
            self.model.text = ""
            self.model.scope = ""
            self.model.refresh()
            row = self.model.row_of(paper_id)
        if row is not None:
            self.go_to_row(row)

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
        self.model.scope = scope
        self.run_search(self.search_bar.text(), typing=False)

    def run_search(self, text: str, typing: bool = False) -> None:
        """Ask a worker for the papers matching `text` in the current view."""
        text, scope, sort, descending = self.model.search_request(text)
        self.table.horizontalHeader().setSortIndicatorShown(sort is not None)
        library = self.library

        def search(job: Job) -> SearchResult:
            kwargs = dict(scope=scope, sort=sort, descending=descending, typing=typing, cancel=job.cancel,
                          suggest_spelling=False)
            result = library.search(text, first_screen=FIRST_SCREEN, **kwargs)
            if not result.complete:
                job.post(result)  # the first screen now; every match ranked next
                result = library.search(text, **kwargs)
            if not result.ids and result.query.match:
                job.post(result)  # "no papers" now; the spelling suggestion next
                result.suggestion = library.suggestion(text)
            return result

        self.searcher.submit(search)

    def _search_done(self, result: SearchResult) -> None:
        selected = self.current_paper_id()
        self.model.show_result(result)
        count = len(result.ids)
        if count == 0 and result.suggestion:
            self.search_bar.show_message("No papers match.", result.suggestion)
        elif count == 0 and (result.text.strip() or self.model.scope):
            self.search_bar.show_message("No papers match.")
        else:
            self.search_bar.show_message("")
        self.detail.set_highlighter(_detail_highlighter(result))
        row = self.model.row_of(selected) if selected is not None else None
        self.go_to_row(row if row is not None else 0)
        if count == 0:
            self.detail.show_paper(None)
        self._update_count()

    def _search_failed(self, error: Exception) -> None:
        if isinstance(error, QueryError):
            self.search_bar.show_message(str(error))
        else:
            self.search_bar.show_message("Search failed; checking the search index…")
            self.check_search_index()

    # -- search index health ----------------------------------------------------
    def check_search_index(self) -> None:
        """Check the index off the GUI thread; rebuild it there if damaged."""
        library = self.library
        relay = self.index_progress

        def check_and_repair(job: Job) -> str | None:
            problem = library.check_search_index()
            if problem:
                relay.report(Progress(0, 0, f"Rebuilding the search index ({problem})"))
                library.rebuild_search_index(progress=relay.report)
            return problem

        self.index_worker.submit(check_and_repair)

    def _show_progress(self, progress: Progress) -> None:
        counts = f": {progress.done:,} of {progress.total:,} papers" if progress.total else ""
        self.statusBar().showMessage(f"{progress.message}{counts}…")

    def _index_checked(self, problem: str | None) -> None:
        if problem:
            self.statusBar().showMessage(f"The search index was rebuilt ({problem}).", 8000)
            self.run_search(self.search_bar.text())

    def _index_failed(self, error: Exception) -> None:
        self.statusBar().showMessage(f"The search index could not be rebuilt: {error}")

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
        try:
            self.signals.publish(self.library.save_search(name, query))
        except (QueryError, ValueError) as exc:
            QMessageBox.warning(self, "Search not saved", str(exc))
            return
        self.statusBar().showMessage(f"Saved search “{name.strip()}”.", 4000)

    # -- reactions --------------------------------------------------------------
    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        paper_id = self.current_paper_id()
        self.detail.show_paper(self.library.paper(paper_id) if paper_id is not None else None)
        if paper_id is not None:
            library = self.library
            self.related_worker.submit(lambda job: (paper_id, library.related(paper_id)))

    def _related_done(self, result: tuple[int, list]) -> None:
        paper_id, related = result
        self.detail.set_related(paper_id, related)

    def _library_changed(self, changes: Changes) -> None:
        if "searches" in changes.collections:
            self.sidebar.set_saved_searches(self.library.saved_searches())
        selected = self.current_paper_id()
        filtered = bool(self.model.text.strip() or self.model.scope)
        if changes.membership or (filtered and changes.papers):
            self.run_search(self.search_bar.text())
        else:
            self.model.apply_changes(changes)
        if selected is not None and selected in changes.papers:
            self.detail.show_paper(self.library.paper(selected))
        self._update_count()

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        noun = "paper" if shown == 1 else "papers"
        if not self.model.complete:
            self.count_label.setText(f"best {shown} shown, ranking every match…")
        elif self.model.text.strip() or self.model.scope:
            self.count_label.setText(f"{shown} {noun} of {self.library.count()}")
        else:
            self.count_label.setText(f"{shown} {noun}")


def _detail_highlighter(result: SearchResult) -> Highlighter:
    title = Highlighter.for_field(result.query, "title")
    abstract = Highlighter.for_field(result.query, "abstract")
    return Highlighter(stems=title.stems | abstract.stems, prefixes=title.prefixes + abstract.prefixes)
