"""File > Sync in the window: Set up… (the remote), Sync now (Ctrl+Shift+S),
the Conflicts view, the state in the status bar, and the automatic sync
(every few minutes, at start and at quit, when the user's setting allows and a
remote is set).

A sync runs on its own worker thread, not on the window's writer thread: it
waits on the network (a fetch and a push, up to git's timeout), and a star
pressed meanwhile must not wait behind it. Its writes to the library are
short transactions that take the same in-process write lock as the writer
thread's (core/store/database.py), so the two never write at once; what it
merged comes back to the window as `Changes`, published like any write's, so
the table and the detail pane show the new data. A failure (offline, a
remote that cannot be reached or rejects the push) is said once, in the
user's terms; the changes wait for the next sync."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QToolButton

from lectern.core.domain.changes import Changes, Collection, Progress, ProgressFn
from lectern.core.library.facade import Library
from lectern.core.store.settings import sync_auto
from lectern.core.sync.conflicts import OpenConflict, open_conflicts, record_conflicts, resolve
from lectern.core.sync.engine import SyncError, SyncReport, sync_folder
from lectern.core.sync.status import SyncStatus, papers_to_send, sync_status
from lectern.core.sync.takeover import sample_gives_way, sync_or_take_over
from lectern.core.sync.tree import LISTS_PATH, SEARCHES_PATH
from lectern.core.text.wording import plural
from lectern.desktop.runtime.workers import LatestOnly
from lectern.desktop.views.sync_dialogs import ConflictsDialog, SetUpDialog
from lectern.desktop.views.untrusted import plain_tooltip, warning

AUTO_SYNC_MS = 5 * 60 * 1000  # every five minutes, as often as users of other synced apps expect
START_SYNC_MS = 3000  # the first automatic sync, once the window is up
MESSAGE_MS = 8000
QUIT_WAIT_MS = 2000  # at quit, the longest the window waits for a sync still running


def _when(at: datetime) -> str:
    """'synced at 14:02' today, 'synced on 1 Dec at 14:02' before (local time)."""
    local = at.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return f"synced at {local:%H:%M}"
    return f"synced on {local.day} {local:%b} at {local:%H:%M}"


def _run_sync(library: Library, remote: str | None, sample_gives_way: bool = False,
              progress: ProgressFn | None = None) -> tuple[SyncReport, SyncStatus]:
    """The worker's job: one sync, its conflicts kept open, and the state afterwards. At set-up, the
    untouched sample reading list gives way to a library the remote holds (core/transfer/sample.py)."""
    report = sync_or_take_over(library, remote, sample_gives_way, progress)
    record_conflicts(library, report.conflicts)
    return report, sync_status(library)


class SyncActions:
    """The sync of one window's library."""

    def __init__(self, window: QMainWindow) -> None:
        """`window` is the MainWindow (library, signals, ops, statusBar, close); typed as its Qt base
        so this module does not import the window that imports it."""
        self.window: Any = window
        self.library: Library = self.window.library
        self.worker = LatestOnly(self._synced, self._failed, window, on_partial=self._step)
        self.status_worker = LatestOnly(self._status_read, lambda _error: None, window)
        self.status: SyncStatus = SyncStatus(None)
        self.problem: str | None = None  # the last sync's failure, until one succeeds
        self.running = False
        self.manual = False  # the running sync was asked for (its failure is said in a dialog)
        self.quitting = False  # the window closes once the sync at quit is done
        self.quit_synced = False
        self.closed = False
        self.dialog: ConflictsDialog | None = None
        self.label = QToolButton(window)
        self.label.setObjectName("syncState")
        self.label.setAutoRaise(True)
        self.label.clicked.connect(self.show_conflicts)
        self.label.hide()
        window.statusBar().addPermanentWidget(self.label)
        self.timer = QTimer(window)
        self.timer.setInterval(AUTO_SYNC_MS)
        self.timer.timeout.connect(lambda: self.sync_now(auto=True))
        # The changes to send are counted in full (a read of the whole library, off the GUI thread) at start and
        # after each sync; between, the window adds the papers its writes touched (`to_send`).
        self.touched: set[int] = set()
        self.touched_files: set[str] = set()
        self._counting: tuple[set[int], set[str]] = (set(), set())  # what was touched when the count began
        self._publishing = False
        self.window.signals.changed.connect(self._changed)
        QTimer.singleShot(0, self.label, self.refresh_status)
        self.settings_changed()
        if self.auto():
            QTimer.singleShot(START_SYNC_MS, self.label, lambda: self.sync_now(auto=True))

    # -- state --------------------------------------------------------------
    def has_remote(self) -> bool:
        return (sync_folder(self.library.path) / ".git").exists()

    def auto(self) -> bool:
        return sync_auto() and self.has_remote() and not self.library.db.read_only

    def settings_changed(self) -> None:
        """The automatic sync follows the setting (Edit > Preferences) and whether a remote is set."""
        if self.auto():
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()

    def refresh_status(self) -> None:
        """Count the changes to send again, off the GUI thread."""
        if self.has_remote() and not self.running and not self.closed:
            library = self.library
            self._count_begins()
            self.status_worker.submit(lambda job: sync_status(library))

    def _count_begins(self) -> None:
        self._counting = (set(self.touched), set(self.touched_files))

    def _counted(self, status: SyncStatus) -> None:
        """A full count arrived: what was touched before it began is in it."""
        self.status = status
        self.touched -= self._counting[0]
        self.touched_files -= self._counting[1]

    def _status_read(self, status: SyncStatus) -> None:
        if not self.running:
            self._counted(status)
            self.show_state()

    def _changed(self, changes: Changes) -> None:
        """A write of the window's (or an undo): its papers, lists and searches wait for the next sync."""
        if self._publishing:
            return  # what a sync received is not to send
        self.touched |= papers_to_send(changes)
        for collection, name in ((Collection.LISTS, LISTS_PATH), (Collection.SEARCHES, SEARCHES_PATH)):
            if collection in changes.collections:
                self.touched_files.add(name)
        if self.status.remote is not None:
            self.show_state()

    def to_send(self) -> int | None:
        """The changes the next sync sends: the last full count, and what was touched since (an edit undone
        since is still counted, until the next count)."""
        if self.status.to_send is None:
            return None
        return (self.status.to_send + len(self.touched - self.status.papers)
                + len(self.touched_files - self.status.files))

    def show_state(self) -> None:
        """The status bar's sync sign: 'synced at 14:02 · 3 changes to send · conflicts: 2', or 'offline'."""
        if self.status.remote is None and not self.running:
            self.label.hide()
            return
        parts = []
        if self.running:
            parts.append("syncing…")
        elif self.problem is not None:
            parts.append("offline" if "could not be reached" in self.problem else "not synced")
        elif self.status.last_synced is not None:
            parts.append(_when(self.status.last_synced))
        else:
            parts.append("not synced yet")
        if self.to_send():
            parts.append(f"{plural(self.to_send() or 0, 'change')} to send")
        if self.status.conflicts:
            parts.append(f"conflicts: {len(self.status.conflicts)}")
        self.label.setText(" · ".join(parts))
        tip = f"Sync with {self.status.remote or 'its remote'}."
        if self.problem:
            tip += f"\n{self.problem}"
        if self.status.conflicts:
            tip += "\nClick (or File > Sync > Sync conflicts…) to resolve the conflicts."
        self.label.setToolTip(plain_tooltip(tip))
        self.label.show()

    # -- syncing ------------------------------------------------------------
    def set_up(self) -> None:
        """File > Sync > Set up…: ask for the remote, then sync with it."""
        dialog = SetUpDialog(self.status.remote, self.window)
        if dialog.exec() == SetUpDialog.DialogCode.Accepted and dialog.remote():
            self.sync_now(remote=dialog.remote(), sample_gives_way=sample_gives_way(self.library, dialog.remote()))
        dialog.deleteLater()

    def sync_now(self, remote: str | None = None, auto: bool = False, sample_gives_way: bool = False) -> None:
        """Sync (File > Sync > Sync now, Ctrl+Shift+S; or the timer): in the background."""
        if self.closed:
            return
        if self.running:
            if not auto:
                self.window.statusBar().showMessage("A sync is running already.", MESSAGE_MS)
            return
        if remote is None and not self.has_remote():
            if not auto:
                self.set_up()
            return
        if self.library.db.read_only:
            if not auto:
                warning(self.window, "Not synced", "This library is read-only here, so it cannot take in what "
                        "others changed. Copy it somewhere writable to sync it.")
            return
        self.running, self.manual = True, not auto
        self._count_begins()
        self.window.statusBar().showMessage(f"Syncing with {remote or self.status.remote or 'the remote'}…")
        self.show_state()
        library = self.library
        self.worker.submit(lambda job: _run_sync(library, remote, sample_gives_way, job.post))

    def _step(self, progress: Progress) -> None:
        """The step the running sync has reached, in the status bar (fetching, sending, ...)."""
        if not self.closed:
            message = progress.message
            self.window.statusBar().showMessage(f"Syncing: {message[:1].lower()}{message[1:]}…")

    def _synced(self, result: tuple[SyncReport, SyncStatus]) -> None:
        if self.closed:  # a sync that outlived the window (quit twice): the library says what it did
            return
        report, status = result
        self.running, self.problem = False, None
        self._counted(status)
        self._publishing = True
        try:
            self.window.signals.publish(report.changes)  # the table and the detail pane show what arrived
        finally:
            self._publishing = False
        self.settings_changed()
        self.show_state()
        text = f"Synced: sent {plural(report.sent, 'change')}, received {plural(report.received, 'change')}"
        if report.conflicts:
            text += f", {plural(len(report.conflicts), 'conflict')} (File > Sync > Sync conflicts… to resolve them)"
        self.window.statusBar().showMessage(f"{report.set_up} {text}.".strip(), MESSAGE_MS)
        if report.refused and self.manual:
            warning(self.window, "Synced, with files left out",
                    "These files in the remote could not be read and were left out; nothing here was changed "
                    "by them:\n\n" + "\n".join(report.refused))
        if self.dialog is not None:
            self.dialog.refresh(status.conflicts)
        self._after_quit_sync()

    def _failed(self, error: Exception) -> None:
        if self.closed:
            return
        self.running = False
        if isinstance(error, SyncError):
            message = str(error)
        else:  # the library or the disk refused: nothing of the merge was kept
            message = f"The sync stopped ({error}). Nothing was lost; your changes wait for the next sync."
        self.problem = message
        self.show_state()
        self.refresh_status()
        self.window.statusBar().showMessage(f"Not synced: {message}", MESSAGE_MS)
        if self.manual and not self.quitting:
            warning(self.window, "Not synced", message)
        self._after_quit_sync()

    # -- conflicts ----------------------------------------------------------
    def has_conflicts(self) -> bool:
        return bool(self.status.conflicts)

    def show_conflicts(self) -> None:
        """The Conflicts view: each open conflict, resolved with one key."""
        conflicts = open_conflicts(self.library)
        if not conflicts:
            self.window.statusBar().showMessage("No sync conflicts are open.", MESSAGE_MS)
            return
        self.dialog = ConflictsDialog(conflicts, self._resolve, self.window)
        self.dialog.exec()
        self.dialog.deleteLater()
        self.dialog = None

    def _resolve(self, conflict: OpenConflict, take_theirs: bool) -> None:
        library = self.library
        self.window.ops.run(lambda: resolve(library, conflict, take_theirs), on_done=self._resolved,
                            on_error=self._resolve_failed, title="Not resolved", what="resolve this conflict")

    def _resolved(self, _changes: object) -> None:
        conflicts = open_conflicts(self.library)
        self.status = replace(self.status, conflicts=conflicts)
        self.show_state()
        if self.dialog is not None:
            self.dialog.refresh(conflicts)
            if not conflicts:
                self.dialog.accept()

    def _resolve_failed(self, error: Exception) -> bool:
        if self.dialog is not None:
            self.dialog.refresh(open_conflicts(self.library))
        return False  # the runner says what failed

    # -- quitting -----------------------------------------------------------
    def hold_close(self, event: QCloseEvent) -> bool:
        """At quit, with automatic sync on: keep the window open while one last
        sync sends what was changed, then close (True: the close waits)."""
        if self.quit_synced or not self.auto():
            return False
        if self.quitting:  # asked to quit again while it runs (a slow network): quit now, the rest waits
            self.quit_synced = True
            return False
        event.ignore()
        self.quitting = True
        self.window.notes.flush()
        self.window.statusBar().showMessage("Syncing before quitting…")
        if self.running:
            return True  # the sync under way is the last one
        # After the writes already asked for (the note just flushed): a no-op queued on the writer thread.
        self.window.ops.run(lambda: None, on_done=lambda _result: self.sync_now(auto=True))
        return True

    def _after_quit_sync(self) -> None:
        if self.quitting:
            self.quit_synced = True
            self.window.close()

    def close(self) -> None:
        self.closed = True
        self.timer.stop()
        self.status_worker.close()
        self.worker.close(QUIT_WAIT_MS)  # a sync cut short is finished by the next one (core/sync/engine.py)
