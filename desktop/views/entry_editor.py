"""The entry editor (Edit, Ctrl+E): a paper's whole record. The entry type, the
citation key, a row for each field biblatex's data model lists for the type
(required ones marked *), any other field (added and removed by name), and a
"BibTeX source" tab where the raw entry can be edited, read back and checked
before anything is saved. Every value is shown and edited as plain text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lectern.core.domain.entry import RAW, Field
from lectern.core.domain.entry_types import TYPE_NAMES, editor_fields
from lectern.core.domain.records import PaperRecord
from lectern.core.formats.bib_source import entry_source, parse_entry
from lectern.core.formats.bibtex_import import BibError
from lectern.desktop.views.theme import ERROR_TEXT, pick
from lectern.desktop.views.untrusted import plain_tooltip

NAME_ROLE = Qt.ItemDataRole.UserRole + 1  # the field's name as written (the cell shows "author *")
FIELDS_TAB, SOURCE_TAB = 0, 1


class EntryEditor(QDialog):
    """Edit a paper's record; `record()` is what to save (BibError if it cannot be read)."""

    def __init__(self, paper: PaperRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit entry")
        self.original_key = paper.citation_key
        self._raw = {name.lower(): value for name, value in paper.fields if value.startswith(RAW)}
        self.kind = QComboBox(self)
        self.kind.setObjectName("entryType")
        self.kind.setEditable(True)
        self.kind.addItems(list(TYPE_NAMES))
        self.kind.setCurrentText(paper.entry_type)
        self.key = QLineEdit(paper.citation_key, self)
        self.key.setObjectName("citationKey")
        top = QFormLayout()
        top.addRow("&Type", self.kind)
        top.addRow("Citation &key", self.key)

        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("entryFields")
        self.table.setHorizontalHeaderLabels(["Field", "Value"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setTabKeyNavigation(False)
        add = QPushButton("&Add field", self)
        add.clicked.connect(self.add_field)
        remove = QPushButton("&Remove field", self)
        remove.clicked.connect(self.remove_field)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(add)
        buttons_row.addWidget(remove)
        buttons_row.addStretch(1)
        fields_page = QWidget(self)
        fields_layout = QVBoxLayout(fields_page)
        fields_layout.addWidget(self.table)
        fields_layout.addLayout(buttons_row)

        self.source = QPlainTextEdit(self)
        self.source.setObjectName("entrySource")
        self.source.setTabChangesFocus(True)
        self.source.setFont(QFont("monospace"))
        self.tabs = QTabWidget(self)
        self.tabs.addTab(fields_page, "&Fields")
        self.tabs.addTab(self.source, "BibTeX &source")
        self.error = QLabel(self)
        self.error.setObjectName("entryError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet(f"color: {pick(ERROR_TEXT).name()}")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(720, 620)

        self._fill(paper.entry_type, paper.fields)
        self.kind.currentTextChanged.connect(self._type_changed)
        self.tabs.currentChanged.connect(self._tab_changed)

    # -- the fields tab ---------------------------------------------------------
    def _fill(self, kind: str, fields: tuple[Field, ...] | list[Field]) -> None:
        self.table.setRowCount(0)
        for name, value, required, need in editor_fields(kind, fields):
            self._append(name, value.removeprefix(RAW), required, need)

    def _append(self, name: str, value: str, required: bool = False, need: str = "") -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        label = QTableWidgetItem(f"{name} *" if required else name)
        label.setData(NAME_ROLE, name)
        label.setFlags(label.flags() & ~Qt.ItemFlag.ItemIsEditable)
        if required:
            font = label.font()
            font.setBold(True)
            label.setFont(font)
            label.setToolTip(plain_tooltip(need))
        self.table.setItem(row, 0, label)
        self.table.setItem(row, 1, QTableWidgetItem(value))
        return row

    def value_of(self, name: str) -> str | None:
        """The text in the row of field `name` (any case), or None without one."""
        for row in range(self.table.rowCount()):
            if self._name(row).lower() == name.lower():
                return self.table.item(row, 1).text()
        return None

    def set_value(self, name: str, value: str) -> None:
        """Type `value` into the row of field `name` (a new row if there is none)."""
        for row in range(self.table.rowCount()):
            if self._name(row).lower() == name.lower():
                self.table.item(row, 1).setText(value)
                return
        self._append(name, value)

    def _name(self, row: int) -> str:
        item = self.table.item(row, 0)
        if item is None:
            return ""
        if item.flags() & Qt.ItemFlag.ItemIsEditable:
            return item.text().strip()
        return str(item.data(NAME_ROLE) or item.text()).strip()

    def add_field(self) -> None:
        """A new row: type the field's name, then its value."""
        row = self._append("", "")
        item = self.table.item(row, 0)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.table.setCurrentCell(row, 0)
        self.table.editItem(item)

    def remove_field(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def fields(self) -> list[Field]:
        """The fields as typed, empty ones left out (a bare month stays bare when untouched)."""
        out: list[Field] = []
        for row in range(self.table.rowCount()):
            name, value = self._name(row), self.table.item(row, 1).text()
            if not value.strip():
                continue
            raw = self._raw.get(name.lower())
            out.append((name, raw if raw is not None and raw[1:] == value else value))
        return out

    def _type_changed(self, kind: str) -> None:
        if kind.strip():
            self._fill(kind.strip(), self.fields())

    # -- the source tab -----------------------------------------------------------
    def _tab_changed(self, index: int) -> None:
        if index == SOURCE_TAB:
            self.source.setPlainText(entry_source(self.kind.currentText().strip() or "misc",
                                                  self.key.text().strip(), self.fields()))
            return
        try:  # back to the fields: what the source says, once it reads
            kind, key, fields = parse_entry(self.source.toPlainText())
        except BibError as exc:
            self.show_error(str(exc))
            self.tabs.blockSignals(True)
            self.tabs.setCurrentIndex(SOURCE_TAB)
            self.tabs.blockSignals(False)
            return
        self.show_error("")
        self._raw.update({name.lower(): value for name, value in fields if value.startswith(RAW)})
        self.key.setText(key)
        self.kind.blockSignals(True)
        self.kind.setCurrentText(kind)
        self.kind.blockSignals(False)
        self._fill(kind, fields)

    # -- saving ---------------------------------------------------------------------
    def record(self) -> tuple[str, str, list[Field]]:
        """(entry type, citation key, fields) to save; BibError when the source tab's text is not one entry."""
        if self.tabs.currentIndex() == SOURCE_TAB:
            kind, key, fields = parse_entry(self.source.toPlainText())
            return kind, key, list(fields)
        return self.kind.currentText().strip(), self.key.text().strip(), self.fields()

    def accept(self) -> None:
        """Save only a record that reads: a broken source keeps the dialog open with the reason."""
        try:
            self.record()
        except BibError as exc:
            self.show_error(str(exc))
            return
        super().accept()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
