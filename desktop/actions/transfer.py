"""File > Import and Export in the window: files are read and checked for
duplicates on a worker thread, then written by the window's operation runner
(the one writer thread, desktop/runtime/ops.py: an import is one transaction and one
undo step, and a star pressed meanwhile waits its turn without freezing the
window), with progress, cancel, and a message that says what failed and where."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
)

from lectern.core.domain.changes import CancelToken, Progress
from lectern.core.formats.bibtex_import import BibError
from lectern.core.formats.export_formats import EXPORT_CHOICES, SUFFIX
from lectern.core.formats.listing import ListingError
from lectern.core.text.encoding import COMMON_ENCODINGS, EncodingError, codec_name, describe
from lectern.core.text.wording import plural
from lectern.core.transfer.export import export
from lectern.core.transfer.importing import ImportReport, find_duplicates, import_bib, parse_file, parse_text
from lectern.desktop.runtime.workers import Job, LatestOnly, ProgressRelay
from lectern.desktop.views.folders import last_folder, remember_folder
from lectern.desktop.views.sidebar import LIBRARY_VIEWS, LIST_ID_ROLE, SAVED_ID_ROLE, TAG_NAME_ROLE
from lectern.desktop.views.untrusted import Icon, choose, message_box, progress_dialog, warning


class Transfer:
    """Runs one import or export at a time for a window."""

    def __init__(self, window: QMainWindow) -> None:
        """`window` is the MainWindow (library, model, signals, selected_ids, shown_ids); typed
        as its Qt base so this module does not import the window that imports it."""
        self.window = window
        self.worker = LatestOnly(self._done, self._failed, window)
        self.relay = ProgressRelay(window)
        self.relay.progressed.connect(self._progress)
        self.dialog: QProgressDialog | None = None
        self._then: Callable[[Any], None] | None = None
        self._job: Job | None = None
        self._cancelled = False  # Cancel was pressed in the current progress dialog
        self._waiting: list[Path] = []  # files to import after the current one (one at a time)
        self._importing = False
        self._reading: Path | None = None  # the file being read, to read again in another encoding

    # -- running ----------------------------------------------------------------
    def _run(self, title: str, work: Callable[[Job], Any], then: Callable[[Any], None]) -> None:
        self._open_dialog(title, lambda: self._job.cancel.cancel() if self._job else None)
        self._then = then

        def job_fn(job: Job) -> Any:
            self._job = job
            return work(job)

        self.worker.submit(job_fn)

    def _open_dialog(self, title: str, cancel: Callable[[], None]) -> None:
        self.dialog = progress_dialog(self.window, title, show_after_ms=300)

        self._cancelled = False

        def cancelled() -> None:  # Cancel stops the current job and the files still waiting
            self._cancelled = True
            self._waiting.clear()
            self._importing = False
            cancel()

        self.dialog.canceled.connect(cancelled)

    def _progress(self, progress: Progress) -> None:
        if self.dialog is not None and progress.total:
            self.dialog.setMaximum(progress.total)
            self.dialog.setValue(progress.done)
            self.dialog.setLabelText(f"{progress.message}: {progress.done:,} of {progress.total:,}")

    def _close(self) -> None:
        if self.dialog is not None:
            self.dialog.canceled.disconnect()  # closing it says "canceled": the job is done, not cancelled
            self.dialog.reset()
            self.dialog.close()
            self.dialog = None

    def _done(self, result: Any) -> None:
        cancelled = self._cancelled  # a read that finished anyway after Cancel goes no further
        self._close()
        if self._then and not cancelled:
            self._then(result)

    def _failed(self, error: Exception) -> None:
        self._close()
        if isinstance(error, EncodingError) and self._reading is not None and not self._cancelled:
            self._ask_encoding(self._reading, error)
            return
        if isinstance(error, (BibError, ListingError)):
            warning(self.window, "Nothing was imported", str(error))
        elif isinstance(error, OSError):
            warning(self.window, "Could not write the file",
                    f"{getattr(error, 'filename', '') or ''}: {error.strerror or error}\n"
                    "Nothing was changed; choose another folder or free some space.")
        else:
            warning(self.window, "Lectern", f"That did not work: {error}")
        self._import_next()

    def wait(self) -> None:
        self.worker.wait()

    # -- import -----------------------------------------------------------------
    def import_files(self, paths: list[Path] | None = None) -> None:
        if paths is None:
            names, _ = QFileDialog.getOpenFileNames(
                self.window, "Import papers", str(last_folder(self.window.settings, "import")),
                "Papers (*.bib *.bibtex *.json *.csljson *.ris *.txt *.pdf);;BibTeX (*.bib *.bibtex);;"
                "CSL-JSON (*.json *.csljson);;RIS (*.ris);;Listings and arXiv ids (*.txt);;PDFs (*.pdf);;"
                "All files (*)")
            paths = [Path(n) for n in names]
            if paths:
                remember_folder(self.window.settings, "import", paths[0].parent)
        pdfs = [p for p in paths if p.suffix.lower() == ".pdf" or p.is_dir()]  # one paper per PDF
        if pdfs:
            self.window.fulltext.import_paths(pdfs)  # type: ignore[attr-defined]
            paths = [p for p in paths if p not in pdfs]
        self._waiting.extend(paths)
        if not self._importing:
            self._import_next()

    def _import_next(self) -> None:
        """Import the next waiting file once the one before it is done (a new
        read job on the worker would cancel the one running)."""
        self._importing = bool(self._waiting)
        if self._waiting:
            self._import_path(self._waiting.pop(0))

    def _import_path(self, path: Path, encoding: str | None = None) -> None:
        self._reading = path
        self._import(path.name, lambda: parse_file(path, encoding))

    def ask_encoding(self, name: str, message: str, guess: str | None) -> str | None:
        """The encoding to read a file in that is not UTF-8, the likely one
        (`guess`) chosen at first; the user may also type any name. None: cancel."""
        names = list(COMMON_ENCODINGS)
        known = {codec_name(n): n for n in names}
        if guess and codec_name(guess) not in known:
            names.insert(0, guess)
        items = [f"{describe(n)} — {n}" for n in names]
        current = names.index(known.get(codec_name(guess), guess)) if guess else 0
        choice = choose(self.window, f"Import {name} in another encoding?",
                        f"{message}\n\nChoose the file's encoding to import it (the likely one is chosen), "
                        "or type the name of another:", items, current, ok_text="Import", editable=True)
        if choice is None or not choice.strip():
            return None
        return dict(zip(items, names)).get(choice, choice.strip())

    def _ask_encoding(self, path: Path, error: EncodingError) -> None:
        """A file that failed for its encoding: read it again in the one the user
        chooses (asked again if that fails too), or go on with the next file."""
        encoding = self.ask_encoding(path.name, str(error), error.guess)
        if encoding is None:
            self.window.statusBar().showMessage(f"Nothing was imported from {path.name}.", 8000)
            self._import_next()
        else:
            self._import_path(path, encoding)

    def import_clipboard(self, text: str) -> None:
        if not text.strip():
            self.window.statusBar().showMessage("The clipboard holds no text to import.", 4000)
            return
        self._reading = None
        self._import("the clipboard", lambda: parse_text(text))

    def _import(self, name: str, parse: Callable[[], Any]) -> None:
        library = self.window.library

        def read(job: Job) -> Any:
            parsed = parse()
            return parsed, find_duplicates(library, [p.paper for p in parsed.papers])

        self._run(f"Reading {name}…", read, lambda result: self._decide(name, *result))

    def ask_duplicate_policy(self, name: str, duplicates: int, total: int) -> str | None:
        """Skip, merge or import the papers already in the library? None: cancel."""
        which = f"{duplicates} of the {total} papers in {name} are" if total > 1 else f"The paper in {name} is"
        box = message_box(self.window, Icon.Question, "Papers already in the library",
                          f"{which} already in the library (same DOI, arXiv id, citation key or title).",
                          QMessageBox.StandardButton.NoButton)
        skip = box.addButton("Skip them", QMessageBox.ButtonRole.AcceptRole)
        merge = box.addButton("Merge into the existing papers", QMessageBox.ButtonRole.AcceptRole)
        anyway = box.addButton("Import anyway", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(skip)
        box.exec()
        return {skip: "skip", merge: "merge", anyway: "import"}.get(box.clickedButton())  # type: ignore[call-overload]

    def _decide(self, name: str, parsed: Any, duplicates: list) -> None:
        policy: str | None = "skip"
        if duplicates:
            policy = self.ask_duplicate_policy(name, len(duplicates), len(parsed.papers))
            if policy is None:
                self._import_next()
                return
        library = self.window.library
        cancel = CancelToken()
        folder = self._reading.parent if self._reading is not None else None  # where its `file` fields point from
        self._open_dialog(f"Importing {name}…", cancel.cancel)

        def refused(error: Exception) -> bool:
            self._close()
            QTimer.singleShot(0, self._import_next)  # after the runner has said what failed
            if isinstance(error, (BibError, ListingError)):
                warning(self.window, "Nothing was imported", str(error))
                return True
            return False  # full, read-only, cancelled: the runner says so (nothing was imported)

        self.window.ops.run(lambda: import_bib(library, parsed, policy, self.relay.report, cancel, folder),
                            on_done=lambda report: self._imported(name, report), on_error=refused,
                            title="Nothing was imported", what=f"import {name}")

    def _imported(self, name: str, report: ImportReport) -> None:
        """The import is written and its Changes published (by the runner)."""
        self._close()
        said = f"Imported {plural(report.added, 'paper')} from {name}."
        self.window.statusBar().showMessage(said, 8000)
        if report.warnings:  # a short title (a long file name would be cut); the name is in the text
            message_box(self.window, Icon.Information, "Import finished",
                        said + "\n\n" + "\n".join(report.warnings[:40])
                        + ("\n…" if len(report.warnings) > 40 else "")).exec()
        self._import_next()

    # -- export -----------------------------------------------------------------
    def export_dialog(self) -> None:
        dialog = QDialog(self.window)
        dialog.setWindowTitle("Export papers")
        fmt = QComboBox(dialog)
        fmt.setObjectName("exportFormat")
        for label, _, _ in EXPORT_CHOICES:
            fmt.addItem(label)
        scope = QComboBox(dialog)
        scope.setObjectName("exportScope")
        selected = self.window.selected_ids()
        scope.addItems([f"Selected papers ({len(selected)})", self.view_label(),
                        f"The whole library ({self.window.library.count()})"])
        scope.setCurrentIndex(1)  # the view the user is looking at
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form = QFormLayout(dialog)
        form.addRow("Format", fmt)
        form.addRow("Papers", scope)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        label, kind, ascii_only = EXPORT_CHOICES[fmt.currentIndex()]
        ids = [selected, self.window.shown_ids(), self.window.library.paper_ids()][scope.currentIndex()]
        folder = last_folder(self.window.settings, "export")
        if kind == "markdown-folder":
            target = QFileDialog.getExistingDirectory(self.window, "Export into folder", str(folder))
        else:
            target, _ = QFileDialog.getSaveFileName(self.window, "Export papers", str(folder / f"papers{SUFFIX[kind]}"))
        if target:
            remember_folder(self.window.settings, "export", Path(target) if kind == "markdown-folder"
                            else Path(target).parent)
            self.export_to(Path(target), kind, ids, ascii_only)

    def view_label(self) -> str:
        """The papers shown, named by the view and search they come from: "Reading list Thesis (5)"."""
        window = self.window
        sidebar = window.sidebar
        list_id, tag = sidebar.current_value(LIST_ID_ROLE), sidebar.current_value(TAG_NAME_ROLE)
        item = sidebar.currentItem()
        if list_id is not None:
            names = {row.id: row.name for row in window.library.lists.all()}
            view = f"Reading list {names.get(int(list_id), '')}"
        elif tag is not None:
            view = f"Tag {tag}"
        elif sidebar.current_value(SAVED_ID_ROLE) is not None and item is not None:
            view = f"Saved search {item.text(0)}"
        else:
            view = dict((query, name) for name, query in LIBRARY_VIEWS).get(sidebar.current_scope() or "", "All papers")
        text = " ".join(window.search_bar.text().split())
        if text:
            view = f"Search “{text}”" if view == "All papers" else f"{view}, search “{text}”"
        return f"{view} ({window.model.rowCount()})"

    def export_to(self, path: Path, kind: str, ids: list[int], ascii_only: bool = False) -> None:
        library = self.window.library
        lost: list[str] = []

        def done(count: int) -> None:
            message = f"Exported {plural(count, 'paper')} to {path}."
            if lost:  # --ascii could not write every character
                message += (f" {len(lost)} hold characters with no LaTeX form, written as ?: "
                            + ", ".join(lost[:5]) + (" …" if len(lost) > 5 else ""))
            self.window.statusBar().showMessage(message, 15000)

        self._run(f"Exporting {plural(len(ids), 'paper')}…",
                  lambda job: export(library, kind, ids, path, ascii_only=ascii_only, progress=self.relay.report,
                                     cancel=job.cancel, lost=lost),  # type: ignore[arg-type]
                  done)
