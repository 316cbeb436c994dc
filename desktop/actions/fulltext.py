"""The papers' own text in the window: background extraction with progress in
the status bar, saving each result through the window's one writer, importing
PDFs and folders (read on a worker thread, added by the writer), the detail
pane's page hits, and `o` opening the PDF at the page that matched."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QMainWindow

from lectern.core.domain.changes import CancelToken, Changes
from lectern.core.fulltext.extractor import TextExtractor
from lectern.core.fulltext.pdf_import import BATCH, PdfImportReport, ReadPdf, add_pdfs, pdf_files, read_pdfs
from lectern.core.fulltext.runner import save_extraction
from lectern.core.library.attachments import Attachment
from lectern.core.library.fulltext import TextState
from lectern.core.search.pages import PageHit
from lectern.core.search.query import CompiledQuery
from lectern.core.store.library_errors import LibraryDamaged
from lectern.core.store.settings import attach_mode
from lectern.desktop.runtime.fulltext_worker import FullTextWorker
from lectern.desktop.runtime.pdf_viewer import open_pdf
from lectern.desktop.runtime.workers import Job, LatestOnly
from lectern.desktop.views.untrusted import information, progress_dialog

SEARCH_AGAIN_MS = 1000  # a search shown is run again this long after the first text read meanwhile


def is_pdf(attachment: Attachment) -> bool:
    return attachment.kind == "application/pdf" or attachment.name.lower().endswith(".pdf")


class FullTextActions:
    """One per window (`window` is the MainWindow, typed as its Qt base)."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.library = window.library  # type: ignore[attr-defined]
        self.query: CompiledQuery | None = None  # the search shown: its page hits go in the detail pane
        self.worker = FullTextWorker(self.library, window)
        self.worker.extracted.connect(self._extracted)
        self.worker.progressed.connect(self._progressed)
        self.reader = LatestOnly(self._batch_read, self._import_failed, window)
        # The pane's page hits are looked up off the GUI thread (a prefix while typing can
        # take tens of ms over a large library's pages); the pane shows them when they come.
        self.hits_worker = LatestOnly(self._hits_found, self._hits_failed, window)
        self._index_checked = False  # a failed page-hit lookup checks the indexes once
        self._hits: dict[tuple[int, str], list[PageHit]] = {}
        self._closed = False
        self._importing: tuple[list[Path], PdfImportReport, dict[str, str], CancelToken] | None = None
        self._dialog: Any = None
        self._extractor: TextExtractor | None = None
        # Text read in the background may make more papers match the search shown: it is
        # run again once for all the PDFs read within SEARCH_AGAIN_MS, not once for each.
        self._search_again = QTimer(window, singleShot=True, interval=SEARCH_AGAIN_MS)
        self._search_again.timeout.connect(self._run_search_again)

    def start(self) -> None:
        self.worker.start()

    def changed(self, changes: Changes) -> None:
        if changes.fields & {"attachments", "fulltext"} or changes.membership:
            self._hits.clear()
        if "attachments" in changes.fields or changes.membership:
            self.worker.look_again()
        if changes.fields == {"fulltext"} and changes.papers and not self._search_again.isActive():
            self._search_again.start()

    def _run_search_again(self) -> None:
        window: Any = self.window
        if not self._closed and (window.model.text.strip() or window.model.scope):
            window.run_search(window.search_bar.text())

    def close(self) -> None:
        self._closed = True  # results still on their way are dropped
        self._search_again.stop()
        self.worker.close()
        self.hits_worker.close()
        if self._importing is not None:
            self._importing[3].cancel()
        self.reader.close()
        if self._extractor is not None:
            self._extractor.kill()

    # -- background extraction -----------------------------------------------------
    def _extracted(self, attachment_id: int, extraction: Any) -> None:
        if self._closed:
            return
        library = self.library
        self.window.ops.run(lambda: save_extraction(library, attachment_id, extraction),  # type: ignore[attr-defined]
                            on_done=lambda _changes: self.worker.saved(attachment_id),
                            title="Text not kept", what="keep a PDF's text")

    def _progressed(self, done: int, total: int, name: str) -> None:
        bar = self.window.statusBar()
        if name:
            bar.showMessage(f"Reading the PDFs' text: {done + 1:,} of {total:,} ({name})…")
        else:
            bar.showMessage(f"Text read from {total:,} PDF{'s' if total != 1 else ''}.", 4000)

    # -- the detail pane -------------------------------------------------------------
    def page_info(self, paper_id: int) -> tuple[list[PageHit], list[TextState], dict[int, str]]:
        """For the detail pane: the shown search's page hits in this paper, its PDFs'
        text states, and each attachment's name."""
        if self._closed:  # the window is closing (a late related-papers result re-renders the pane)
            return [], [], {}
        states = self.library.fulltext.states([paper_id]).get(paper_id, [])
        names = {a.id: a.name for a in self.library.attachments_of(paper_id)}
        query = self.query
        if query is None or not query.page_match or not states:
            return [], states, names
        key = (paper_id, query.page_match)
        if key not in self._hits:
            library = self.library
            self.hits_worker.submit(lambda job: (key, library.fulltext.hits(query, [paper_id]).get(paper_id, [])))
        return self._hits.get(key, []), states, names

    def _hits_found(self, result: tuple[tuple[int, str], list[PageHit]]) -> None:
        key, hits = result
        if self._closed:
            return
        if len(self._hits) > 64:
            self._hits.clear()
        self._hits[key] = hits
        pane = self.window.detail  # type: ignore[attr-defined]
        shown = pane.detail.paper.id if pane.detail is not None else None
        if hits and shown == key[0] and self.query is not None and self.query.page_match == key[1]:
            pane.refresh()

    def _hits_failed(self, error: Exception) -> None:
        """A page-hit lookup failed: damage in the file takes the damage path; anything
        else may be a damaged page index, checked (and rebuilt) once, as a failed search is."""
        if self._closed:
            return
        if isinstance(error, LibraryDamaged):
            self.window.library_damaged(error)  # type: ignore[attr-defined]
        elif isinstance(error, sqlite3.Error) and not self._index_checked:
            self._index_checked = True
            self._hits.clear()
            self.window.check_search_index()  # type: ignore[attr-defined]

    # -- o ---------------------------------------------------------------------------
    def open_current(self, paper_id: int) -> bool:
        """Open the paper's PDF (the one and page the search matched first); False if it has none on disk."""
        pdfs = [a for a in self.library.attachments_of(paper_id) if is_pdf(a) and a.exists]
        if not pdfs:
            return False
        hits = self.library.fulltext.hits(self.query, [paper_id]).get(paper_id, []) if self.query else []
        chosen, page = pdfs[0], None
        if hits:
            chosen = next((a for a in pdfs if a.id == hits[0].attachment_id), chosen)
            page = hits[0].page if chosen.id == hits[0].attachment_id else None
        bar = self.window.statusBar()
        if open_pdf(chosen.path, page):
            bar.showMessage(f"Opened {chosen.name}" + (f" at page {page}" if page else ""), 4000)
        else:
            bar.showMessage(f"No program opened {chosen.name}.", 4000)
        return True

    # -- import ----------------------------------------------------------------------
    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Import a folder of PDFs", str(Path.home()))
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: list[Path]) -> None:
        """Import PDFs and folders of PDFs: read BATCH at a time on a worker, each batch added by the writer."""
        if self._importing is not None:
            information(self.window, "Import PDFs", "An import of PDFs is running; wait for it to finish.")
            return
        try:
            files = pdf_files(paths)
        except ValueError as exc:
            information(self.window, "Nothing was imported", str(exc))
            return
        cancel = CancelToken()
        self._importing = (files, PdfImportReport(), {}, cancel)
        self._dialog = progress_dialog(self.window, "Importing PDFs", show_after_ms=300)
        self._dialog.setMaximum(max(1, len(files)))
        self._dialog.canceled.connect(cancel.cancel)
        self._read_batch(0)

    def _read_batch(self, start: int) -> None:
        assert self._importing is not None
        files, report, seen, cancel = self._importing
        if start >= len(files) or cancel.cancelled:
            self._finish()
            return
        library = self.library
        if self._extractor is None:
            self._extractor = TextExtractor()
        extractor = self._extractor
        self._dialog.setValue(start)
        self._dialog.setLabelText(f"Reading PDFs: {start:,} of {len(files):,}")

        def read(job: Job) -> tuple[int, list[ReadPdf]]:
            return start, read_pdfs(library, files[start:start + BATCH], report, extractor, seen, cancel=cancel)

        self.reader.submit(read)

    def _batch_read(self, result: tuple[int, list[ReadPdf]]) -> None:
        start, batch = result
        if self._importing is None:
            return
        report = self._importing[1]
        library = self.library
        if not batch:
            self._read_batch(start + BATCH)
            return
        mode = self.attach_mode()
        self.window.ops.run(lambda: add_pdfs(library, batch, mode, report),  # type: ignore[attr-defined]
                            on_done=lambda _report: self._read_batch(start + BATCH),
                            on_error=lambda exc: self._finish() or False,
                            title="PDFs not imported", what="import these PDFs")

    def attach_mode(self) -> str:
        """Copy or link, as the user chose for attachments (Edit > Preferences)."""
        mode = attach_mode()
        return mode if mode in ("copy", "link") else "copy"

    def _import_failed(self, error: Exception) -> None:
        self._finish()
        information(self.window, "PDFs not imported", f"Reading the PDFs failed: {error}")

    def _finish(self) -> None:
        if self._importing is None:
            return
        _files, report, _seen, _cancel = self._importing
        self._importing = None
        if self._dialog is not None:
            self._dialog.canceled.disconnect()
            self._dialog.reset()
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        lines = report.lines()
        summary = f"{len(report.added)} paper{'s' if len(report.added) != 1 else ''} added from PDFs."
        self.window.statusBar().showMessage(summary, 8000)
        if lines:
            shown = "\n".join(lines[:30]) + (f"\n… and {len(lines) - 30} more" if len(lines) > 30 else "")
            information(self.window, "PDFs imported", f"{summary}\n\n{shown}")
