"""The main window: the paper table beside the detail pane, and a status bar."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QItemSelection, QSettings, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QMainWindow, QSplitter, QTableView

from core.changes import Changes
from core.library import Library
from desktop.bridge import LibrarySignals
from desktop.detail_pane import DetailPane
from desktop.table_model import COLUMNS, PaperTableModel


class MainWindow(QMainWindow):
    def __init__(self, library: Library, settings: QSettings) -> None:
        super().__init__()
        self.library = library
        self.settings = settings
        self.signals = LibrarySignals(self)
        self.setWindowTitle(f"Lectern — {library.path.name}")

        self.model = PaperTableModel(library, self)
        self.table = QTableView(self)
        self.table.setObjectName("paperTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COLUMNS.index(("added", "Added")), Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.resizeSection(0, 470)
        for column, width in ((1, 32), (2, 80), (3, 56), (4, 140), (5, 96)):
            header.resizeSection(column, width)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.detail = DetailPane(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([830, 450])
        self.setCentralWidget(self.splitter)

        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.count_label)

        self.signals.changed.connect(self._library_changed)
        self._restore_state()
        self._update_count()
        if self.model.rowCount() > 0:
            self.table.selectRow(0)
        self.table.setFocus()

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
        splitter_state = self.settings.value("window/splitter")
        if isinstance(splitter_state, QByteArray) and not splitter_state.isEmpty():
            self.splitter.restoreState(splitter_state)

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("table/header", self.table.horizontalHeader().saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.save_state()
        super().closeEvent(event)

    # -- reactions --------------------------------------------------------------
    def current_paper_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.paper_id(index.row()) if index.isValid() else None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        paper_id = self.current_paper_id()
        self.detail.show_paper(self.library.paper(paper_id) if paper_id is not None else None)

    def _library_changed(self, changes: Changes) -> None:
        selected = self.current_paper_id()
        self.model.apply_changes(changes)
        if changes.membership and selected is not None:
            row = self.model.row_of(selected)
            if row is not None:
                self.table.selectRow(row)
        if selected is not None and selected in changes.papers:
            self.detail.show_paper(self.library.paper(selected))
        self._update_count()

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(f"{n} paper" + ("" if n == 1 else "s"))
