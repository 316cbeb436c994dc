"""Small keyboard-first dialogs: tags, add to a reading list, paper metadata."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from lectern.core.domain.records import PaperRecord as Paper
from lectern.desktop.views.theme import ERROR_TEXT, pick
from lectern.desktop.views.untrusted import plain_tooltip


class ChoosingCompleter(QCompleter):
    """A popup of the words containing what was typed (`vis` shows `computer
    vision`), the first one highlighted as soon as it shows; one Return takes
    the highlighted one into the line edit and says `chosen(text)`. (Qt's own
    highlights none, so Return only closed the popup, and it passed that Return
    on to the dialog, which then took the half-typed word.)"""

    chosen = Signal(str)

    def __init__(self, words: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.words = QStringListModel(words, self)  # owned here: Qt does not keep it alive
        self.setModel(self.words)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setWrapAround(False)  # Down on the one completion keeps it highlighted
        self.popup().installEventFilter(self)  # after Qt's own filter: this one sees each key first
        self.completionModel().modelReset.connect(self._highlight_first)
        self.completionModel().layoutChanged.connect(self._highlight_first)

    def _highlight_first(self) -> None:
        """Highlight the first completion without writing it into the line edit
        (the selection's signal would replace the text being typed)."""
        popup = self.popup()
        first = self.completionModel().index(0, 0)
        if first.isValid():
            popup.selectionModel().blockSignals(True)
            popup.setCurrentIndex(first)
            popup.selectionModel().blockSignals(False)
            popup.viewport().update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if (watched is self.popup() and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.popup().isVisible()):
            current = self.popup().currentIndex()
            if current.isValid():
                text = self.pathFromIndex(current)
                self.popup().hide()
                widget = self.widget()  # a QComboBox sets itself as its completer's widget
                if isinstance(widget, QComboBox):
                    widget.setCurrentText(text)
                elif isinstance(widget, QLineEdit):
                    widget.setText(text)
                self.chosen.emit(text)
                return True  # taken: the dialog does not see this Return
        return super().eventFilter(watched, event)


class ListCompleter(ChoosingCompleter):
    """Completes the last item of a comma-separated list, keeping the items
    typed before it (`nlp, visi` -> `nlp, computer vision, `)."""

    def __init__(self, words: list[str], parent: QWidget | None = None) -> None:
        super().__init__(words, parent)
        self._head: list[str] = []  # the items before the one being completed, as typed

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 (Qt override)
        """Called with the text as typed: keep its finished items (the text
        shown while moving through the popup already holds a completion)."""
        *head, last = path.split(",")
        self._head = [item.strip() for item in head if item.strip()]
        return [last.strip()]

    def pathFromIndex(self, index) -> str:  # noqa: N802, ANN001 (Qt override)
        return ", ".join([*self._head, index.data()]) + ", "


def split_tags(text: str) -> list[str]:
    return [t for t in dict.fromkeys(" ".join(p.split()) for p in text.split(",")) if t]


class TagDialog(QDialog):
    """Edit the tags of the selected papers as one comma-separated line."""

    def __init__(self, current: list[str], known: list[str], count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tags")
        self.edit = QLineEdit(", ".join(current) + (", " if current else ""), self)
        self.edit.setObjectName("tagEditor")
        self.completer = ListCompleter(known, self)
        self.edit.setCompleter(self.completer)
        label = QLabel(f"Tags of {count} paper{'s' if count != 1 else ''} (comma-separated):", self)
        label.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def tags(self) -> list[str]:
        return split_tags(self.edit.text())


class ListDialog(QDialog):
    """Choose a reading list, or type a new name to create one."""

    def __init__(self, names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add to reading list")
        self.combo = QComboBox(self)
        self.combo.setObjectName("listChooser")
        self.combo.setEditable(True)
        self.combo.addItems(names)
        self.combo.setCurrentText("")
        self.combo.lineEdit().setPlaceholderText("List name (a new name creates the list)")
        completer = ChoosingCompleter(names, self)
        self.combo.setCompleter(completer)
        # Return on a completion chooses that list at once (one key, not two); a click too
        completer.chosen.connect(lambda text: QTimer.singleShot(0, self.accept))
        completer.activated.connect(lambda text: (self.combo.setCurrentText(text), QTimer.singleShot(0, self.accept)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.combo)
        layout.addWidget(buttons)
        self.resize(380, self.sizeHint().height())

    def name(self) -> str:
        return self.combo.currentText().strip()


PAPER_FIELDS = [
    ("title", "Title"), ("authors", "Authors"), ("year", "Year"), ("venue", "Venue"),
    ("arxiv_id", "arXiv id or URL"), ("doi", "DOI"), ("url", "URL"), ("citation_key", "Citation key"),
]


class PaperDialog(QDialog):
    """Edit (or add) a paper's metadata. Pasting an arXiv URL fills id and year.
    Adding, the first row takes identifiers (DOIs, arXiv ids or URLs, ISBNs,
    several at once) to look up online instead of typing the fields."""

    def __init__(self, paper: Paper | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit paper" if paper else "Add paper")
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        self.identifiers: QLineEdit | None = None
        if paper is None:
            self.identifiers = QLineEdit(self)
            self.identifiers.setObjectName("field_identifiers")
            self.identifiers.setPlaceholderText("DOIs, arXiv ids or URLs, ISBNs: looked up online")
            self.identifiers.setToolTip(plain_tooltip(
                "Paste one or several identifiers; on OK Lectern looks them up (arXiv, doi.org, Crossref) "
                "and adds complete records. The fields below are then not needed."))
            form.addRow("Identifiers", self.identifiers)
        for name, label in PAPER_FIELDS:
            if paper is None and name == "citation_key":
                continue  # generated for a new paper
            edit = QLineEdit(self)
            edit.setObjectName(f"field_{name}")
            value = getattr(paper, name) if paper else None
            edit.setText("" if value is None else str(value))
            form.addRow(label, edit)
            self.fields[name] = edit
        self.fields["authors"].setPlaceholderText("Last, First and Last, First")
        self.abstract = QPlainTextEdit(paper.abstract if paper else "", self)
        self.abstract.setObjectName("field_abstract")
        self.abstract.setTabChangesFocus(True)
        form.addRow("Abstract", self.abstract)
        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet(f"color: {pick(ERROR_TEXT).name()}")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(620, 480)

    def values(self) -> dict[str, str]:
        out = {name: edit.text() for name, edit in self.fields.items()}
        out["abstract"] = self.abstract.toPlainText()
        return out

    def identifiers_text(self) -> str:
        """What was typed in the Identifiers row (empty when editing)."""
        return " ".join(self.identifiers.text().split()) if self.identifiers is not None else ""

    def show_error(self, message: str) -> None:
        self.error.setText(message)
