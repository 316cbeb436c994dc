"""The main window: sidebar, search bar and paper table, the detail pane, a
status bar; commands from the registry; searches run off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lectern.core import __version__
from lectern.core.domain.changes import Changes, Collection
from lectern.core.library.facade import Library
from lectern.core.store.drafts import Drafts
from lectern.core.store.library_errors import LibraryDamaged
from lectern.core.text.wording import plural
from lectern.desktop.actions.attach import Attach
from lectern.desktop.actions.clipboard import ClipboardActions
from lectern.desktop.actions.commands import CommandRegistry
from lectern.desktop.actions.fulltext import FullTextActions
from lectern.desktop.actions.identify import Identify
from lectern.desktop.actions.paper_actions import PaperActions
from lectern.desktop.actions.searching import SearchActions
from lectern.desktop.actions.sync import SyncActions
from lectern.desktop.actions.transfer import Transfer
from lectern.desktop.runtime.bridge import LibrarySignals
from lectern.desktop.runtime.ops import WRITER_BUSY_MS, OpRunner
from lectern.desktop.runtime.workers import LatestOnly, ProgressRelay
from lectern.desktop.views.columns import ColumnChooser
from lectern.desktop.views.detail_pane import DetailPane
from lectern.desktop.views.highlight import CellDelegate
from lectern.desktop.views.note_editor import NoteEditor
from lectern.desktop.views.palette import CommandPalette, HelpOverlay
from lectern.desktop.views.search_bar import SearchBar
from lectern.desktop.views.sidebar import Sidebar
from lectern.desktop.views.table_model import COLUMNS, PaperTableModel
from lectern.desktop.views.untrusted import information, plain_tooltip

STARTUP_ROWS = 2000  # a larger library opens with these and reads the rest in the background (100k ids: 50-80 ms)
RELATED_DELAY_MS = 250


GUI_WRITE_WAIT_S = 0.5  # the longest the window's thread waits for the writer (then: a draft, retried)
GUI_BUSY_MS = 200  # the longest it waits for another program's write lock (likewise)
IDLE_CHECKPOINT_MS = 5000  # after this long without a write, recent work moves into the library file


class MainWindow(PaperActions, SearchActions, ClipboardActions, QMainWindow):
    damageFound = Signal(object)  # the LibraryDamaged error; the app offers the latest good backup
    _damageHeard = Signal(object)  # from the library, on any thread

    def __init__(self, library: Library, settings: QSettings,
                 key_overrides: dict[str, tuple[str, ...]] | None = None,
                 keymap_problems: list[str] | None = None) -> None:
        super().__init__()
        self.triage = False
        self.hide_triaged = False
        self.library = library
        library.db.gui_wait_s = GUI_WRITE_WAIT_S  # a note save never freezes the window behind an import
        library.db.set_busy_timeout(GUI_BUSY_MS)  # nor behind another program's write (a CLI import)
        self.settings = settings
        self.signals = LibrarySignals(self)
        self.ops = OpRunner(self, self.signals.publish, self.library_damaged,  # every write goes through it
                            on_start=lambda: library.db.set_busy_timeout(WRITER_BUSY_MS))
        self._after_search: list[Callable[[], None]] = []
        self.setWindowTitle(f"Lectern — {library.path.name}")

        self.model = PaperTableModel(library, self, load=False)  # filled by the view's first sort
        self.model.first_fill = STARTUP_ROWS  # the rest is read on a worker once the window is up
        self.table = self._build_table()
        self.search_bar = SearchBar(self)
        self.sidebar = Sidebar(self)
        self.sidebar.set_saved_searches(library.saved_searches.all())
        self.sidebar.set_lists(library.lists.all())
        self.sidebar.set_tags(library.tags.all())
        self.sidebar.set_trash_count(len(library.trash.ids()))
        self.detail = DetailPane(self)
        self.notes = NoteEditor(self._save_note, self, Drafts(library.path))
        self.right = QSplitter(Qt.Orientation.Vertical, self)
        self.right.addWidget(self.detail)
        self.right.addWidget(self.notes)
        self.right.setSizes([460, 300])
        self.right.setChildrenCollapsible(False)

        center = QWidget(self)
        layout = QVBoxLayout(center)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.search_bar)
        layout.addWidget(self.table)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(center)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([150, 750, 380])
        self.setCentralWidget(self.splitter)

        self.mode_label = QLabel(self)  # a lasting sign of triage mode (status messages fade)
        self.mode_label.setObjectName("modeLabel")
        self.mode_label.setTextFormat(Qt.TextFormat.PlainText)
        self.mode_label.setStyleSheet("QLabel { font-weight: bold; padding: 0 6px; border-radius: 3px;"
                                      " background: palette(highlight); color: palette(highlighted-text); }")
        self.mode_label.hide()
        self.statusBar().addPermanentWidget(self.mode_label)
        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.count_label)
        self.read_only_banner: QLabel | None = None
        if library.db.read_only:  # a library in a folder that cannot be written: read, search, export
            self.read_only_banner = QLabel(
                f"Read-only: {library.path.parent} cannot be written, so changes to this library are not "
                "saved. Search and export work; copy the library somewhere writable to change it.", self)
            self.read_only_banner.setObjectName("readOnlyBanner")
            self.read_only_banner.setTextFormat(Qt.TextFormat.PlainText)
            self.read_only_banner.setWordWrap(True)
            self.read_only_banner.setStyleSheet("QLabel#readOnlyBanner { padding: 4px; font-weight: bold; }")
            layout.insertWidget(0, self.read_only_banner)
            self.setWindowTitle(f"Lectern — {library.path.name} (read-only)")

        self._selection_to_keep: int | None = None
        self._reselect_after_sort: list[int] = []  # the selection a sort's first screen could not hold
        self.searcher = LatestOnly(self._search_done, self._search_failed, self, on_partial=self._search_done)
        self.model.on_sort = self.sorting  # a sort shows its first screen at once, the rest follows
        self.related_worker = LatestOnly(self._related_done, lambda exc: None, self)
        self.related_timer = QTimer(self)
        self.related_timer.setSingleShot(True)
        self.related_timer.setInterval(RELATED_DELAY_MS)
        self.related_timer.timeout.connect(self._find_related)
        self.index_worker = LatestOnly(self._index_checked, self._index_failed, self)
        self.upkeep_worker = LatestOnly(lambda _result: None, self._upkeep_failed, self)
        self.checkpoint_timer = QTimer(self)
        self.checkpoint_timer.setSingleShot(True)
        self.checkpoint_timer.setInterval(IDLE_CHECKPOINT_MS)
        self.checkpoint_timer.timeout.connect(self.checkpoint)
        self.damage: LibraryDamaged | None = None
        self._damageHeard.connect(self.library_damaged)
        library.db.damage_listeners.append(self._damageHeard.emit)
        self.index_progress = ProgressRelay(self)
        self.index_progress.progressed.connect(self._show_progress)
        self.transfer = Transfer(self)
        self.identify = Identify(self)  # the scholarly services, asked only when the user says so
        self.attach = Attach(self)  # `a`, files dropped on a row, the detail pane's Locate... and Remove
        self.fulltext = FullTextActions(self)  # the PDFs' text, read in the background
        self.detail.page_info = self.fulltext.page_info
        self.sync = SyncActions(self)  # File > Sync: the git remote, Ctrl+Shift+S, the state in the status bar
        self.signals.changed.connect(self.fulltext.changed)
        self.commands = CommandRegistry(self, key_overrides)
        self.keymap_problems = [*(keymap_problems or []), *self.commands.problems]
        self._key_hints = self.commands.multi_key_prefixes()
        self._declare_commands()

        self.search_bar.queryEdited.connect(self._query_edited)
        self.search_bar.box.returnPressed.connect(self.table.setFocus)
        self.sidebar.scopeChosen.connect(self._scope_chosen)
        self.detail.paperActivated.connect(self.select_paper)
        self.detail.attachmentActivated.connect(self.attach.act)
        self.notes.saveFailed.connect(lambda message: self.statusBar().showMessage(
            f"Your note is NOT saved ({message}). Lectern keeps it, in the editor and in a draft, and tries again "
            "every few seconds."))
        self.detail.cleared.connect(lambda: self.notes.set_paper(None, ""))  # no paper shown: no note to edit
        drafts_notice = self.notes.recover_drafts(library.paper)  # notes a crash left unsaved
        self.table.clicked.connect(self._cell_clicked)
        self.model.on_reorder = self._reorder_list
        self.signals.changed.connect(self._library_changed)
        self.signals.changed.connect(self.commands.refresh)  # after the window took the change in
        self._restore_state()
        self._update_count()
        self.go_to_row(0)
        self.table.setFocus()
        QTimer.singleShot(0, self.check_search_index)
        QTimer.singleShot(0, self.fulltext.start)  # the PDFs still pending (a restart resumes them)
        if not self.model.complete:
            QTimer.singleShot(0, lambda: self.run_search(self.search_bar.text(), first_screen=None))
        self.table.setTabKeyNavigation(False)  # Tab moves between panes
        for first, second in ((self.sidebar, self.search_bar.box), (self.search_bar.box, self.table),
                              (self.table, self.detail), (self.detail, self.notes.editor)):
            QWidget.setTabOrder(first, second)
        self.table.installEventFilter(self)
        if self.keymap_problems:
            self.statusBar().showMessage("Keymap: " + " ".join(self.keymap_problems))
        if drafts_notice:
            self.statusBar().showMessage(drafts_notice)

    def _build_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("paperTable")
        table.setModel(self.model)
        table.setItemDelegate(CellDelegate(table, self.model))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.sectionClicked.connect(lambda _section: header.setSortIndicatorShown(True))
        # The saved column widths, columns and sort come back before sorting is switched
        # on, which fills the model in that order: 100k ids are read once.
        header.setSortIndicator(COLUMNS.index(("added", "Added")), Qt.SortOrder.AscendingOrder)
        self.columns = ColumnChooser(header, self.settings)
        self.columns.restore()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda pos: self._column_menu(header.mapToGlobal(pos)))
        table.setSortingEnabled(True)
        table.setDragEnabled(True)
        table.setAcceptDrops(True)
        table.setDropIndicatorShown(True)
        table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        table.setDefaultDropAction(Qt.DropAction.MoveAction)
        table.setDragDropOverwriteMode(False)
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        return table

    def _declare_commands(self) -> None:
        """Actions, shortcuts and menus from the command table; whether each can
        apply follows the selection, the view, the sidebar and the undo stack."""
        self.commands.install(self.menuBar())
        self.undo_action: QAction = self.commands.actions["edit.undo"]
        self.redo_action: QAction = self.commands.actions["edit.redo"]
        refresh = self.commands.refresh
        self.table.selectionModel().selectionChanged.connect(refresh)
        self.table.selectionModel().currentChanged.connect(refresh)
        for changed in (self.model.modelReset, self.model.layoutChanged, self.model.rowsInserted,
                        self.model.rowsRemoved):
            changed.connect(refresh)
        self.sidebar.currentItemChanged.connect(refresh)
        self.search_bar.box.textChanged.connect(refresh)
        self._update_undo_actions()

    # -- columns ----------------------------------------------------------------
    def column_shown(self, key: str) -> bool:
        return self.columns.shown(key)

    def toggle_column(self, key: str) -> None:
        self.columns.toggle(key)

    def _column_menu(self, where: QPoint) -> None:
        """The columns to show, as checks (the header's context menu, Choose columns…)."""
        header = self.table.horizontalHeader()
        order = [COLUMNS[header.logicalIndex(v)][0] for v in range(header.count())]
        menu = self.commands.column_menu(self, order)
        self.commands.refresh()
        menu.exec(where)
        menu.deleteLater()

    def choose_columns(self) -> None:
        header = self.table.horizontalHeader()
        self._column_menu(header.mapToGlobal(header.rect().bottomLeft()))

    def show_about(self) -> None:
        information(self, "About Lectern", f"Lectern {__version__}\n\nA keyboard-driven reading list for research "
                    f"papers.\nLibrary: {self.library.path}")

    # -- state ----------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:  # 1280x800, or what the screen has room for with the window's frame
            screen = self.screen().availableGeometry()
            frame = self.frameGeometry().size() - self.geometry().size()
            self.resize(min(1280, screen.width() - frame.width()), min(800, screen.height() - max(frame.height(), 40)))
        for key, splitter in self._splitters().items():  # each pane's share as the user left it
            state = self.settings.value(key)
            if isinstance(state, QByteArray) and not state.isEmpty():
                splitter.restoreState(state)

    def _splitters(self) -> dict[str, QSplitter]:
        """The window's splitters by their settings key: panes, detail above the note, note beside its preview."""
        return {"window/splitter3": self.splitter, "window/right": self.right, "window/note": self.notes.splitter}

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        for key, splitter in self._splitters().items():
            self.settings.setValue(key, splitter.saveState())
        self.columns.save()
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if self.sync.hold_close(event):  # automatic sync: one last sync first, then the window closes
            return
        self.related_timer.stop()  # no background work may start after the window closes
        self.checkpoint_timer.stop()
        if self._damageHeard.emit in self.library.db.damage_listeners:
            self.library.db.damage_listeners.remove(self._damageHeard.emit)
        self.notes.timer.stop()
        self.notes.flush()
        self.save_state()
        self.ops.wait_at_quit()  # quitting: the writes asked for are finished first
        for worker in (self.searcher, self.related_worker, self.index_worker, self.upkeep_worker,
                       self.transfer.worker):
            worker.close()  # no background work starts after the window closes
        for part in (self.identify, self.fulltext, self.sync):
            part.close()
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
        # Explicit flags: the view's own would read the keys held down, and Shift+G
        # or Ctrl+D would then extend or toggle the selection instead of moving it.
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
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

    # -- keyboard extras -------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """After the first key of a multi-key command (`g` of `g g`), show what can follow."""
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier):
            first = QKeySequence(event.key() | event.modifiers().value).toString()
            hints = self._key_hints.get(first)
            if hints:
                self.statusBar().showMessage(
                    "  ".join(f"{first.lower()} {rest.lower()}: {title}" for rest, title in hints), 2000)
        return super().eventFilter(obj, event)

    def open_palette(self) -> None:
        palette = CommandPalette(self.commands, self.library, self)
        if palette.exec() == QDialog.DialogCode.Accepted and palette.chosen:
            kind, value = palette.chosen
            if kind == "command":
                self.commands.run(str(value))
            else:
                self.select_paper(int(value))
                self.table.setFocus()

    def open_help(self) -> None:
        HelpOverlay(self.commands, self).exec()

    def open_paper(self) -> None:
        """Enter: from the search box, go to the results; from the list, to the paper."""
        if QApplication.focusWidget() is self.search_bar.box:
            self.table.setFocus()
        elif self.current_paper_id() is not None:
            self.detail.setFocus()

    def shown_ids(self) -> list[int]:
        return [i for i in (self.model.paper_id(r) for r in range(self.model.rowCount())) if i is not None]

    def merge_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) < 2:
            self.statusBar().showMessage("Select the duplicates to merge (the first one is kept).", 5000)
            return
        library = self.library
        self._apply(lambda: library.papers.merge(ids[0], ids[1:]), f"Merged {len(ids)} papers into one")

    def merge_group(self) -> None:
        """Merge the current paper and all its copies (the Duplicates view's group) into the oldest, in one step."""
        paper_id = self.current_paper_id()
        group = self.library.duplicate_group(paper_id) if paper_id is not None else []
        if len(group) < 2:
            self.statusBar().showMessage("This paper has no duplicates in the library.", 5000)
            return
        library = self.library
        self._apply(lambda: library.papers.merge(group[0], group[1:]),
                    f"Merged {plural(len(group), 'copy', 'copies')} of the paper into one")

    def toggle_triage(self) -> None:
        self.triage = not self.triage
        self.statusBar().showMessage(
            "Triage on: s / r / u / i / x act and move to the next paper." if self.triage else "Triage off.", 6000)
        self._show_mode()

    def _show_mode(self) -> None:
        """The status bar's mode sign: TRIAGE while triage mode is on (and whether triaged papers are hidden)."""
        self.mode_label.setText("TRIAGE" + (" · unread only" if self.hide_triaged else ""))
        self.mode_label.setToolTip(plain_tooltip("Triage mode: s / r / u / i / x act and move to the next paper "
                                                 "(Ctrl+T ends it)."))
        self.mode_label.setVisible(self.triage)

    def toggle_hide_triaged(self) -> None:
        self.hide_triaged = not self.hide_triaged
        self._show_mode()
        self.statusBar().showMessage(
            "Hiding papers already triaged (not unread)." if self.hide_triaged else "Showing every paper.", 4000)
        self._scope_chosen(self.sidebar.current_scope() or "")

    def _advance_after_triage(self, row: int, written: bool) -> None:
        """In triage mode, go to the paper after the one just triaged: at once
        (the next key acts on the next paper even before this write is done),
        or, when triaged papers are hidden, once the write has re-queried the list."""
        if not self.triage:
            return
        if self.hide_triaged and written:  # the triaged paper left the list: the next one takes its row
            self.after_search(lambda: self.go_to_row(row))
        elif not self.hide_triaged and not written:
            self.go_to_row(row + 1)

    # -- reactions --------------------------------------------------------------
    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        paper_id = self.current_paper_id()
        shown = self.detail.detail.paper.id if self.detail.detail is not None else None
        if paper_id is not None and paper_id == shown:
            return  # the same paper on another row (a sort, a search that kept it): nothing to redo
        try:
            detail = self.library.paper(paper_id) if paper_id is not None else None
        except LibraryDamaged:  # the library has told the window; show no paper
            detail = None
        self.detail.show_paper(detail)
        if detail is None or self.notes.paper_id != paper_id:
            self.notes.set_paper(paper_id if detail else None, detail.note if detail else "")
        if paper_id is not None:
            self.related_timer.start()  # related papers once the selection rests (j/k stay instant)

    def _find_related(self) -> None:
        paper_id = self.current_paper_id()
        if paper_id is not None and self.isVisible():
            library = self.library
            self.related_worker.submit(lambda job: (paper_id, library.related(paper_id)))

    def _related_done(self, result: tuple[int, list]) -> None:
        paper_id, related = result
        self.detail.set_related(paper_id, related)

    def _library_changed(self, changes: Changes) -> None:
        self.checkpoint_timer.start()
        if Collection.SEARCHES in changes.collections:
            self.sidebar.set_saved_searches(self.library.saved_searches.all())
        if Collection.LISTS in changes.collections:
            self.sidebar.set_lists(self.library.lists.all())
        if Collection.TAGS in changes.collections:
            self.sidebar.set_tags(self.library.tags.all())
        if Collection.TRASH in changes.collections:
            self.sidebar.set_trash_count(len(self.library.trash.ids()))
        self._update_undo_actions(refresh=False)  # (the command table is refreshed after this, by the change)
        selected = self.current_paper_id()
        filtered = bool(self.model.text.strip() or self.model.scope)
        if changes.membership or (filtered and changes.papers and changes.fields != {"fulltext"}):
            self.run_search(self.search_bar.text())
        else:
            self.model.apply_changes(changes)
        if selected is not None and selected in changes.papers and changes.fields != {"note"}:
            self.detail.show_paper(self.library.paper(selected))
        # (the count beside the result changes only with its papers: the new search shows it)

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        noun = "paper" if shown == 1 else "papers"
        if not self.model.complete:
            self.count_label.setText(f"first {shown} shown, loading the rest…")
        elif self.model.text.strip() or self.model.scope:
            self.count_label.setText(f"{shown} {noun} of {self.library.count()}")
        else:
            self.count_label.setText(f"{shown} {noun}")
