"""Small keyboard-first dialogs: tags, add to a reading list, paper metadata."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, QTimer
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
from lectern.desktop.views.untrusted import plain_tooltip


class ListCompleter(QCompleter):
    """Completes the last item of a comma-separated list, matching anywhere in
    each candidate (`vis` completes `computer vision`)."""

    def __init__(self, words: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.words = QStringListModel(words, self)  # owned here: Qt does not keep it alive
        self.setModel(self.words)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 (Qt override)
        return [path.split(",")[-1].strip()]

    def pathFromIndex(self, index) -> str:  # noqa: N802, ANN001 (Qt override)
        widget = self.widget()
        done = widget.text().split(",")[:-1] if isinstance(widget, QLineEdit) else []
        return ", ".join([*(d.strip() for d in done if d.strip()), index.data()]) + ", "


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
        completer = QCompleter(names, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.combo.setCompleter(completer)
        # Enter on a completion chooses that list at once (one key, not two)
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
        self.error.setStyleSheet("color: #b00020")
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
