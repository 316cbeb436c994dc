"""The note editor: Markdown on the left, its preview on the right. Notes save
themselves a second after typing stops, on focus change, on paper change and
on quit: the user never presses save."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from core.markdown import note_html
from desktop.untrusted import open_link

AUTOSAVE_MS = 1000


class _Editor(QPlainTextEdit):
    focusLost = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt override)
        self.focusLost.emit()
        super().focusOutEvent(event)


class NotePreview(QTextBrowser):
    """Rendered note: nothing is loaded, local or remote (`note_html` turns
    images into links); a link opens on click only, through `open_link`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notePreview")
        self.setOpenLinks(False)
        self.anchorClicked.connect(lambda url: open_link(self, url.toString()))

    def loadResource(self, type_: int, name: QUrl) -> object:  # noqa: N802 (Qt override)
        return None


class NoteEditor(QWidget):
    """Edits the note of one paper; `save(paper_id, text)` writes it."""

    saved = Signal(int)
    saveFailed = Signal(str)

    def __init__(self, save: Callable[[int, str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self.paper_id: int | None = None
        self._saved_text = ""
        self.editor = _Editor(self)
        self.editor.setObjectName("noteEditor")
        self.editor.setPlaceholderText("Notes in Markdown (e).  Saved as you type.")
        self.editor.setTabChangesFocus(True)
        self.preview = NotePreview(self)
        self.state = QLabel(self)
        self.state.setObjectName("noteState")
        splitter = QSplitter(self)
        splitter.addWidget(self.editor)
        splitter.addWidget(self.preview)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.state)
        layout.addWidget(splitter)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.flush)
        self.editor.textChanged.connect(self._edited)
        self.editor.focusLost.connect(self.flush)
        self.set_paper(None, "")

    def set_paper(self, paper_id: int | None, text: str) -> None:
        """Show another paper's note (the current one is saved first)."""
        self.flush()
        self.paper_id = paper_id
        self._saved_text = text
        self.editor.blockSignals(True)
        self.editor.setPlainText(text)
        self.editor.blockSignals(False)
        self.editor.setReadOnly(paper_id is None)
        self.preview.setHtml(note_html(text))
        self.state.setText("Note" if paper_id is not None else "No paper selected")

    def text(self) -> str:
        return self.editor.toPlainText()

    def dirty(self) -> bool:
        return self.paper_id is not None and self.text() != self._saved_text

    def _edited(self) -> None:
        self.preview.setHtml(note_html(self.text()))
        self.state.setText("Note — editing…")
        self.timer.start()

    def flush(self) -> bool:
        """Save now if there are unsaved changes; False if saving failed (the
        text stays in the editor and saving is tried again on the next edit)."""
        self.timer.stop()
        if not self.dirty():
            return True
        text = self.text()
        try:
            self._save(self.paper_id, text)  # type: ignore[arg-type]
        except Exception as exc:  # disk full, read-only folder: keep the text, say so
            self.state.setText(f"Note NOT saved: {exc}")
            self.saveFailed.emit(str(exc))
            return False
        self._saved_text = text
        self.state.setText("Note — saved")
        self.saved.emit(self.paper_id)  # type: ignore[arg-type]
        return True
