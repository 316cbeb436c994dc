"""Identify papers in the window: add by DOI, arXiv id or ISBN (Ctrl+N, or
identifiers pasted with Ctrl+Shift+V) and Complete metadata for the selection.
The services are asked on a worker thread (progress in a dialog and the status
bar, Cancel or Escape stops), and what they answered is written by the window's
operation runner (desktop/runtime/ops.py) as one undo step. A service that
cannot be reached is said in one message naming it; then nothing changes.
No request is made unless the user asked for one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Callable

from PySide6.QtWidgets import QDialog, QMainWindow, QProgressDialog

from lectern.core.domain.changes import CancelToken, Changes, Progress
from lectern.core.domain.entry import with_field
from lectern.core.identify.http import Http, ServiceError
from lectern.core.identify.identifiers import Identifier, only_identifiers
from lectern.core.identify.lookup import resolve
from lectern.core.identify.updates import FieldChange, Update
from lectern.core.library.facade import Library
from lectern.core.store.paths import cache_dir
from lectern.core.text.wording import plural
from lectern.core.transfer.identified import AddReport, add_papers, apply_updates, propose_updates
from lectern.desktop.runtime.workers import Job, LatestOnly, ProgressRelay
from lectern.desktop.views.metadata_review import ReviewDialog
from lectern.desktop.views.untrusted import ask, information, progress_dialog, warning

SERVICES_NAMED = "arXiv, doi.org, Crossref and Semantic Scholar"


def accepted_record(library: Library, update: Update, picked: Sequence[FieldChange]) -> Update:
    """The paper's record as it is now with only the picked fields written (run on the writer thread)."""
    detail = library.paper(update.paper_id)
    if detail is None:
        return replace(update, changes=[])
    kind, fields = detail.paper.entry_type, detail.paper.fields
    for change in picked:
        if change.name == "entry type":
            kind = change.new
        else:
            fields = with_field(fields, change.name, change.new)
    return replace(update, entry_type=kind, fields=fields, changes=list(picked))


def apply_accepted(library: Library, chosen: Sequence[tuple[Update, Sequence[FieldChange]]]) -> Changes:
    """Write the accepted fields of each paper: one undo step, keys unchanged."""
    return apply_updates(library, [accepted_record(library, update, picked) for update, picked in chosen])


class Identify:
    """Runs one look-up at a time for a window (the MainWindow, typed as its Qt
    base so this module does not import the window that imports it)."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.worker = LatestOnly(self._done, self._failed, window)
        self.relay = ProgressRelay(window)
        self.relay.progressed.connect(self._progress)
        self.dialog: QProgressDialog | None = None
        self.review: ReviewDialog | None = None
        self._http: Http | None = None
        self._token: CancelToken | None = None
        self._then: Callable[[Any], None] | None = None
        self._what = ""  # "added" or "changed": the failure message says nothing was
        self._cancelled = False

    def http(self) -> Http:
        """The one client of this window (its rate limits hold across look-ups)."""
        if self._http is None:
            self._http = Http(cache=cache_dir())
        return self._http

    def close(self) -> None:
        self.worker.close()
        if self._http is not None:
            self._http.close()

    # -- running ----------------------------------------------------------------
    def _run(self, title: str, what: str, work: Callable[[CancelToken], Any], then: Callable[[Any], None]) -> None:
        self._then, self._what, self._cancelled = then, what, False
        self.dialog = progress_dialog(self.window, title, show_after_ms=0)
        self.dialog.setAutoReset(False)  # it closes when the answer is shown, not at the last step
        self.dialog.setAutoClose(False)
        self.dialog.canceled.connect(self.cancel)
        self.dialog.rejected.connect(self.cancel)  # Escape
        self.dialog.show()  # at once: a look-up waits on the network, Escape must reach it
        self.window.statusBar().showMessage(title)

        token = self._token = CancelToken()

        def job_fn(job: Job) -> Any:
            token.check()
            return work(token)

        self.worker.submit(job_fn)

    def busy(self) -> bool:
        return self.worker.busy() and not self._cancelled

    def cancel(self) -> None:
        """Cancel or Escape: stop asking; nothing is written."""
        if self.dialog is None:
            return
        self._cancelled = True
        if self._token is not None:
            self._token.cancel()
        self._close()
        self.window.statusBar().showMessage(f"Cancelled: nothing was {self._what}.", 6000)

    def _close(self) -> None:
        if self.dialog is not None:
            self.dialog.canceled.disconnect()
            self.dialog.rejected.disconnect()
            self.dialog.reset()
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _progress(self, progress: Progress) -> None:
        if self._cancelled or not progress.total:
            return
        text = f"{progress.message} ({progress.done} of {progress.total})"
        self.window.statusBar().showMessage(text)
        dialog = self.dialog
        if dialog is not None:
            dialog.setLabelText(text)
            dialog.setMaximum(progress.total)
            dialog.setValue(progress.done)  # a modal dialog runs the event loop here: the look-up may end

    def _done(self, result: Any) -> None:
        if self._cancelled:
            return
        self._close()
        self.window.statusBar().clearMessage()
        if self._then is not None:
            self._then(result)

    def _failed(self, error: Exception) -> None:
        if self._cancelled:
            return
        self._close()
        self.window.statusBar().clearMessage()
        if isinstance(error, ServiceError):
            warning(self.window, f"{error.service} could not be asked", f"{error} Nothing was {self._what}.")
        else:
            warning(self.window, "Lectern", f"The look-up did not work ({error}). Nothing was {self._what}.")

    # -- add by identifier ------------------------------------------------------
    def add(self, identifiers: Sequence[Identifier]) -> None:
        """Look the identifiers up, then add the papers found (one undo step)."""
        http, relay, ids = self.http(), self.relay, list(identifiers)
        names = ", ".join(i.text or i.value for i in ids[:3]) + (" …" if len(ids) > 3 else "")
        self._run(f"Looking up {names} online…", "added",
                  lambda token: resolve(http, ids, relay.report, token), self._resolved)

    def _resolved(self, resolved: list) -> None:
        papers = [r.paper for r in resolved if r.paper is not None]
        missing = [r.problem for r in resolved if r.paper is None]
        if not papers:
            warning(self.window, "Nothing was added", "\n".join(missing) or "The services found no paper.")
            return
        library = self.window.library
        self.window.ops.run(lambda: add_papers(library, papers), on_done=lambda report: self._added(report, missing),
                            title="Nothing was added", what="add the papers")

    def _added(self, report: AddReport, missing: list[str]) -> None:
        ids = sorted(report.changes.papers)
        if ids:
            self.window._reselect(ids)
        keys = ", ".join(key for key, _title in report.added[:5]) + (" …" if len(report.added) > 5 else "")
        self.window.statusBar().showMessage(f"Added {plural(len(report.added), 'paper')}"
                                            + (f": {keys}" if keys else "") + " (Ctrl+Z undoes)", 8000)
        problems = report.duplicates + missing
        if problems:
            information(self.window, f"Added {plural(len(report.added), 'paper')}",
                        "Not added:\n" + "\n".join(problems[:40]) + ("\n…" if len(problems) > 40 else ""))

    def paste(self, text: str) -> None:
        """Ctrl+Shift+V: identifiers only are looked up online if the user agrees
        (No imports them as today, offline); anything else is imported."""
        identifiers = only_identifiers(text)
        if identifiers and ask(self.window, "Look them up online?",
                               f"The clipboard holds {plural(len(identifiers), 'identifier')} "
                               f"({', '.join(str(i) for i in identifiers[:3])}{' …' if len(identifiers) > 3 else ''})."
                               f"\n\nLook them up online ({SERVICES_NAMED}) to add complete records?\n"
                               "No imports them without asking any service.", default_yes=True):
            self.add(identifiers)
            return
        self.window.transfer.import_clipboard(text)

    # -- complete metadata --------------------------------------------------------
    def complete(self, ids: Sequence[int]) -> None:
        """Ask the services about these papers, then show what would change."""
        if not ids:
            self.window.statusBar().showMessage("No paper is selected.", 4000)
            return
        library, http, relay, ids = self.window.library, self.http(), self.relay, list(ids)
        self._run(f"Looking up {plural(len(ids), 'paper')} online…", "changed",
                  lambda token: propose_updates(library, http, ids, relay.report, token), self._proposed)

    def complete_shown(self) -> None:
        """Complete every paper the view shows (a reading list, a search, the
        whole library), after saying how many will be looked up."""
        ids = self.window.shown_ids()
        if not ids:
            self.window.statusBar().showMessage("No paper is shown.", 4000)
            return
        if len(ids) > 1 and not ask(self.window, "Complete metadata",
                                    f"Look up the {plural(len(ids), 'paper')} shown online ({SERVICES_NAMED})?\n\n"
                                    "You review every change before it is applied; Cancel stops the look-up."):
            return
        self.complete(ids)

    def _proposed(self, updates: list[Update]) -> None:
        if not any(u.changes for u in updates):
            information(self.window, "Complete metadata", "Nothing to complete:\n" + "\n".join(
                f"{u.citation_key}: {u.lookup.problem or 'already complete'}" for u in updates[:40]))
            return
        self.review = ReviewDialog(updates, self.window)
        dialog = self.review
        if dialog.exec() != QDialog.DialogCode.Accepted:
            self.review = None
            dialog.deleteLater()
            self.window.statusBar().showMessage("Nothing was changed.", 4000)
            return
        chosen = dialog.accepted()
        self.review = None
        dialog.deleteLater()
        if not chosen:
            self.window.statusBar().showMessage("No field was checked: nothing was changed.", 4000)
            return
        library = self.window.library
        count = sum(len(picked) for _update, picked in chosen)
        self.window.ops.run(lambda: apply_accepted(library, chosen),
                            on_done=lambda _changes: self.window.statusBar().showMessage(
                                f"Completed {plural(count, 'field')} of {plural(len(chosen), 'paper')} "
                                "(Ctrl+Z undoes)", 8000),
                            title="Nothing was changed", what="complete the metadata")
