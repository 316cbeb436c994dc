"""The search box, its one-line message (errors, counts) and "did you mean"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from lectern.desktop.views.theme import ERROR_TEXT, pick


class SearchBar(QWidget):
    """Emits `queryEdited(text)` at every keystroke."""

    queryEdited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QLineEdit(self)
        self.box.setObjectName("searchBox")
        self.box.setPlaceholderText(
            "Search  ( / )   e.g.  bert -roberta  title:\"masked language\"  is:starred  year:2019..2021")
        self.box.setClearButtonEnabled(True)
        self.box.textEdited.connect(self.queryEdited)
        self.message = QLabel(self)
        self.message.setObjectName("searchMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setStyleSheet(f"color: {pick(ERROR_TEXT).name()}")
        self.suggestion = QPushButton(self)
        self.suggestion.setObjectName("didYouMean")
        self.suggestion.setFlat(True)
        self.suggestion.setCursor(Qt.CursorShape.PointingHandCursor)
        self.suggestion.clicked.connect(self._take_suggestion)
        self._suggested = ""
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.message)
        row.addWidget(self.suggestion)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(2)
        layout.addWidget(self.box)
        layout.addLayout(row)
        self.show_message("")

    def text(self) -> str:
        return self.box.text()

    def set_text(self, text: str) -> None:
        self.box.setText(text)
        self.queryEdited.emit(text)

    def show_message(self, message: str, suggestion: str | None = None) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self._suggested = suggestion or ""
        self.suggestion.setText(f"Did you mean: {suggestion}" if suggestion else "")
        self.suggestion.setVisible(bool(suggestion))

    def _take_suggestion(self) -> None:
        if self._suggested:
            self.set_text(self._suggested)
