"""Reading the attached PDFs' text in the background while the window stays
live: one thread asks the PDF worker process (core/fulltext/extractor.py) for one
file at a time and hands each result to the window, which saves it through its
one writer (desktop/runtime/ops.py). At start it picks up every PDF still pending
(a restart resumes where the last run stopped); after an attach or import it
looks again."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from lectern.core.fulltext.extractor import TextExtractor
from lectern.core.fulltext.results import Extraction, Limits
from lectern.core.library.facade import Library


class FullTextWorker(QObject):
    """Background extraction for one window; `extracted` and `progressed` arrive on the GUI thread."""

    extracted = Signal(int, object)  # attachment id, Extraction
    progressed = Signal(int, int, str)  # done, total, file name ("" when all are read)

    def __init__(self, library: Library, parent: QObject | None = None, limits: Limits | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.limits = limits
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._handed: set[int] = set()  # read and handed to the window, maybe not saved yet
        self._skipped: set[int] = set()  # missing files: looked at again after the next change
        self._reader: TextExtractor | None = None
        self._busy = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin (or resume) with every pending PDF."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="lectern-fulltext", daemon=True)
            self._thread.start()
        self._wake.set()

    def look_again(self) -> None:
        """New attachments may be pending (an attach, an import, an undo, a located file)."""
        with self._lock:
            self._skipped.clear()
        self._wake.set()

    def saved(self, attachment_id: int) -> None:
        """The window saved (or dropped) a result: the file may be read again if it is pending again."""
        with self._lock:
            self._handed.discard(attachment_id)

    def busy(self) -> bool:
        return self._busy or self._wake.is_set()

    def _pending(self) -> list[int]:
        with self._lock:
            handed = self._handed | self._skipped
        return [i for i in self.library.fulltext.pending() if i not in handed]

    def _run(self) -> None:
        reader = self._reader = TextExtractor(self.limits)
        try:
            while not self._stop.is_set():
                self._wake.wait()
                self._wake.clear()
                if self._stop.is_set():
                    break
                self._busy = True
                try:
                    self._read_pending(reader)
                except Exception:  # a closed or damaged library: the window says so elsewhere
                    pass
                finally:
                    self._busy = False
        finally:
            reader.close()

    def _read_pending(self, reader: TextExtractor) -> None:
        """Rounds until nothing is left: each lists the pending PDFs once and reads
        them in order (listing them again for every file made a large library's
        reading quadratic), passing over those saved or removed meanwhile; what was
        attached during a round is read in the next."""
        done = 0
        while not self._stop.is_set():
            pending = self._pending()
            if not pending:
                break
            total = done + len(pending)
            for attachment_id in pending:
                if self._stop.is_set():
                    return
                attachment = self.library.attachments.get(attachment_id)
                if attachment is None or not self.library.fulltext.is_pending(attachment_id):
                    total -= 1
                    continue
                if not attachment.exists:  # a missing file waits to be located
                    with self._lock:
                        self._skipped.add(attachment_id)
                    total -= 1
                    continue
                self.progressed.emit(done, total, attachment.name)
                extraction: Extraction = reader.extract(attachment.path)
                if self._stop.is_set():
                    return
                with self._lock:
                    self._handed.add(attachment.id)
                self.extracted.emit(attachment.id, extraction)
                done += 1
        if done:
            self.progressed.emit(done, done, "")

    def close(self) -> None:
        """Stop now: the file being read is dropped (its worker process killed) and stays pending."""
        self._stop.set()
        self._wake.set()
        if self._reader is not None:
            self._reader.kill()
        if self._thread is not None:
            self._thread.join(10)
