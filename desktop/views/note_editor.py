"""The note editor: Markdown on the left, its preview on the right. Notes save
themselves a second after typing stops, on focus change, on paper change and
on quit: the user never presses save. Every keystroke also reaches a draft on
disk within ~150 ms (core/store/drafts.py), so a crash loses at most that; a note the
library refuses (disk full) stays, in memory and in its draft, until saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from lectern.core.library.facade import PaperDetail
from lectern.core.store.drafts import Drafts, recover
from lectern.core.text.markdown import note_html
from lectern.desktop.views.untrusted import open_link

AUTOSAVE_MS = 1000
DRAFT_MS = 150  # a keystroke is on disk within this (the draft), whatever comes next
RETRY_MS = 3000  # a refused note is tried again this often until it is saved
# The preview of a note longer than this is rendered when typing pauses, not on
# every key: rendering 50,000 characters of Markdown took 64 ms a keystroke.
PREVIEW_NOW_CHARS = 1000
PREVIEW_MS = 300


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
    """Edits the note of one paper; `save(paper_id, text)` writes it.

    Notes the library refused are kept in `pending` (paper id -> text) and in
    their drafts until a save succeeds: showing such a paper again shows that
    text, not the stale saved note."""

    saved = Signal(int)
    saveFailed = Signal(str)

    def __init__(self, save: Callable[[int, str], None], parent: QWidget | None = None,
                 drafts: Drafts | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self.drafts = drafts
        self.paper_id: int | None = None
        self._saved_text = ""
        self.pending: dict[int, str] = {}
        self._last_error = ""
        self._restored: dict[int, datetime] = {}  # paper id -> when its restored draft was written
        self._drafted: set[int] = set()  # papers with a draft on disk (those found at start: recover_drafts)
        self.editor = _Editor(self)
        self.editor.setObjectName("noteEditor")
        self.editor.setPlaceholderText("Notes in Markdown (e).  Saved as you type.")
        self.editor.setTabChangesFocus(True)
        self.preview = NotePreview(self)
        self.state = QLabel(self)
        self.state.setObjectName("noteState")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        splitter = self.splitter = QSplitter(self)  # its sizes are kept with the window's (MainWindow.save_state)
        splitter.setObjectName("noteSplitter")
        splitter.addWidget(self.editor)
        splitter.addWidget(self.preview)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.state)
        layout.addWidget(splitter, 1)  # the editor takes the height, not the state line above it
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.flush)
        self.draft_timer = QTimer(self)  # not restarted by each key: steady typing still reaches the disk
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_MS)
        self.draft_timer.timeout.connect(self.write_draft)
        self.retry_timer = QTimer(self)
        self.retry_timer.setInterval(RETRY_MS)
        self.retry_timer.timeout.connect(self._retry)
        self.preview_timer = QTimer(self)  # restarted by each key: a long note renders once typing pauses
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_MS)
        self.preview_timer.timeout.connect(self.render_preview)
        self.previews = 0  # renders so far (what typing costs is counted by the tests)
        self.editor.textChanged.connect(self._edited)
        self.editor.focusLost.connect(self.flush)
        self.set_paper(None, "")

    def set_paper(self, paper_id: int | None, text: str) -> None:
        """Show another paper's note (the current one is saved first; if that
        fails it stays pending). `text` is the note saved in the library."""
        carried = self.pending.get(paper_id) if paper_id is not None else None
        self.flush()
        if carried is not None and paper_id not in self.pending:
            text = carried  # the flush above just saved it: `text` read before is stale
        self.paper_id = paper_id
        self._saved_text = text
        shown = self.pending.get(paper_id, text) if paper_id is not None else ""
        self.editor.blockSignals(True)
        self.editor.setPlainText(shown)
        self.editor.blockSignals(False)
        self.editor.setReadOnly(paper_id is None)
        self.render_preview()
        if paper_id is None:
            self.state.setText("No paper selected")
        elif self.dirty():
            self.state.setText(f"Note NOT saved yet ({self._last_error}); Lectern keeps trying")
        elif paper_id in self._restored:
            when = self._restored[paper_id].strftime("%Y-%m-%d %H:%M")
            self.state.setText(f"Note — restored an unsaved note from {when}, now saved")
        else:
            self.state.setText("Note")

    def text(self) -> str:
        return self.editor.toPlainText()

    def dirty(self) -> bool:
        return self.paper_id is not None and self.text() != self._saved_text

    def _edited(self) -> None:
        if self.paper_id is None:
            return  # read-only: there is no note to save
        if self.editor.document().characterCount() <= PREVIEW_NOW_CHARS:
            self.render_preview()
        else:
            self.preview_timer.start()
        self.state.setText("Note — editing…")
        self.timer.start()
        if not self.draft_timer.isActive():
            self.draft_timer.start()

    def render_preview(self) -> None:
        """Show the note's Markdown rendered (at once for a short note; for a long one, once typing pauses)."""
        self.preview_timer.stop()
        self.previews += 1
        self.preview.setHtml(note_html(self.text()))

    def write_draft(self, durable: bool = False) -> bool:
        """Put the unsaved text of the shown note in its draft; False if that failed."""
        self.draft_timer.stop()
        if self.drafts is None or not self.dirty():
            return True
        try:
            self.drafts.write(self.paper_id, self.text(), durable=durable)  # type: ignore[arg-type]
        except OSError:
            return False  # disk full: the text is still in the editor, and saving is retried
        self._drafted.add(self.paper_id)  # type: ignore[arg-type]
        return True

    def _forget_draft(self, paper_id: int) -> None:
        self.pending.pop(paper_id, None)
        if self.drafts is not None and paper_id in self._drafted:
            try:
                self.drafts.remove(paper_id)
            except OSError:
                return  # left on disk; equal to the note, it is dropped quietly at the next start
            self._drafted.discard(paper_id)

    def flush(self) -> bool:
        """Save now if there are unsaved changes (and any note still pending);
        False if saving failed: the text stays in the editor and its draft, and
        saving is tried again on the next edit, on paper change and every few
        seconds."""
        self.timer.stop()
        self._save_others()
        if not self.dirty():
            if self.paper_id is not None:
                self._forget_draft(self.paper_id)
            self._update_retry()
            return True
        text = self.text()
        try:
            self._save(self.paper_id, text)  # type: ignore[arg-type]
        except Exception as exc:  # disk full, read-only folder: keep the text, say so
            self._last_error = str(exc)
            self.pending[self.paper_id] = text  # type: ignore[index]
            drafted = self.write_draft(durable=True)
            self.state.setText(f"Note NOT saved: {exc}" + ("" if drafted else " (nor its draft)"))
            self.saveFailed.emit(str(exc))
            self._update_retry()
            return False
        self._saved_text = text
        self._forget_draft(self.paper_id)  # type: ignore[arg-type]
        self._restored.pop(self.paper_id, None)  # type: ignore[arg-type]
        self.state.setText("Note — saved")
        self.saved.emit(self.paper_id)  # type: ignore[arg-type]
        self._update_retry()
        return True

    def _save_others(self) -> None:
        """Try again the pending notes of papers not shown now."""
        for paper_id, text in list(self.pending.items()):
            if paper_id == self.paper_id:
                continue
            try:
                self._save(paper_id, text)
            except Exception as exc:
                self._last_error = str(exc)
                continue
            self._forget_draft(paper_id)
            self.saved.emit(paper_id)

    def _update_retry(self) -> None:
        if self.pending and not self.retry_timer.isActive():
            self.retry_timer.start()
        elif not self.pending:
            self.retry_timer.stop()

    def _retry(self) -> None:
        if not self.window().isVisible():  # the window was closed: its drafts bring the text back
            self.retry_timer.stop()
            return
        self.flush()

    def recover_drafts(self, paper: Callable[[int], PaperDetail | None]) -> str:
        """At start: save the drafts a crash left into their papers; a draft
        that cannot be saved yet stays pending. Returns what to tell the user
        ("" if nothing was found)."""
        if self.drafts is None:
            return ""

        def lookup(paper_id: int) -> tuple[str, datetime] | None:
            detail = paper(paper_id)
            return (detail.note, detail.paper.added_at) if detail is not None else None

        try:
            recovery = recover(self.drafts, lookup, self._save)
        except OSError as exc:  # the folder cannot be read: say so, touch nothing
            return f"Unsaved note drafts in {self.drafts.folder} could not be read ({exc.strerror or exc})."
        self._drafted = {d.paper_id for d in self.drafts.all()}
        messages = []
        for draft in recovery.restored:
            self._restored[draft.paper_id] = draft.written_at
        if recovery.restored:
            latest = recovery.restored[-1]
            detail = paper(latest.paper_id)
            title = detail.title_text if detail else f"paper {latest.paper_id}"
            when = latest.written_at.strftime("%Y-%m-%d %H:%M")
            if len(recovery.restored) == 1:
                messages.append(f"Restored an unsaved note from {when} into “{title}”.")
            else:
                messages.append(f"Restored {len(recovery.restored)} unsaved notes (the latest from {when}, "
                                f"into “{title}”).")
        for draft, error in recovery.unsaved:
            self.pending[draft.paper_id] = draft.text
            self._last_error = error
        if recovery.unsaved:
            messages.append(f"{len(recovery.unsaved)} unsaved note{'s' if len(recovery.unsaved) != 1 else ''} "
                            f"from before could not be saved yet ({recovery.unsaved[0][1]}); "
                            "Lectern keeps them and tries again.")
        if recovery.orphans:
            names = ", ".join(str(d.path) for d in recovery.orphans)
            messages.append(f"Kept {len(recovery.orphans)} note draft{'s' if len(recovery.orphans) != 1 else ''} "
                            f"of papers no longer in this library: {names}")
        self._update_retry()
        return " ".join(messages)
