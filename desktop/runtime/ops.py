"""The one way the window writes (Anki's CollectionOp shape): `OpRunner.run(fn)`
runs a core write on the single writer thread, brings its result back to the
GUI thread, publishes the `Changes` in it, and reports a failure in one place,
in the user's terms. The GUI thread never waits for the write (nor for the
write lock a worker may hold): a star pressed during an import waits its turn
on the writer thread while the window stays live. When another program holds
the library's write lock (a command-line import), the write waits for it, the
status bar says so, and the change is saved once the lock is free."""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from lectern.core.domain.changes import Cancelled, Changes
from lectern.core.library.rows import EditError
from lectern.core.store.library_errors import SQLITE_BUSY, SQLITE_LOCKED, LibraryDamaged, LibraryError, error_code
from lectern.desktop.views.untrusted import warning

OnDone = Callable[[Any], None]
OnError = Callable[[Exception], bool]  # True: the caller has told the user


def changes_in(result: Any) -> Changes | None:
    """The `Changes` a write returned: the value itself, the last item of a
    tuple (`(paper_id, changes)`), or a report's `changes`; None if none."""
    if isinstance(result, Changes):
        return result
    if isinstance(result, tuple) and result and isinstance(result[-1], Changes):
        return result[-1]
    changes = getattr(result, "changes", None)
    return changes if isinstance(changes, Changes) else None


@dataclass
class _Op:
    on_done: OnDone | None
    on_error: OnError | None
    title: str
    what: str
    asked: float = 0.0  # time.perf_counter() when the window asked for it


@dataclass(frozen=True)
class OpTiming:
    """Where a write's time went, in seconds of time.perf_counter(): asked on
    the GUI thread, begun and ended on the writer thread, handed back to the
    GUI thread, published there (the benchmark splits a star's time by these)."""

    asked: float
    began: float
    ended: float
    handed_back: float
    published: float


WRITER_BUSY_MS = 250  # each try of the writer thread waits this long for another program's lock...
WAIT_FOR_OTHERS_S = 600.0  # ...and it tries again for this long before saying "Not saved"
RETRY_S = 0.1
WAITING = ("Waiting for another program (a command-line import?) to finish writing to the library… "
           "your change will be saved then.")


def is_busy(error: BaseException) -> bool:
    """True when SQLite refused a write because another connection holds the lock
    (nothing was written: the transaction never began)."""
    code = error_code(error)
    if code is not None:
        return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


class _Relay(QObject):
    finished = Signal(int, object, object, object)  # op number, result, error, (began, ended)
    waiting = Signal(int)  # op number: another program holds the write lock


def _writer(jobs: "queue.SimpleQueue[tuple[int, Callable[[], Any]] | None]", relay: _Relay,
            on_start: Callable[[], None] | None, stop: threading.Event) -> None:
    """The writer thread: runs the writes in the order asked, posts each outcome.
    A write refused because another program is writing is tried again (it
    changed nothing) until WAIT_FOR_OTHERS_S have passed; the GUI is told it waits."""
    if on_start is not None:
        on_start()
    while (job := jobs.get()) is not None:
        number, fn = job
        deadline: float | None = None
        began = time.perf_counter()
        while True:
            try:
                result = fn()
            except Exception as exc:  # posted to the GUI thread, which says what it means
                if is_busy(exc) and not stop.is_set() and (deadline is None or time.monotonic() < deadline):
                    if deadline is None:
                        deadline = time.monotonic() + WAIT_FOR_OTHERS_S
                        relay.waiting.emit(number)
                    time.sleep(RETRY_S)
                    continue
                relay.finished.emit(number, None, exc, (began, time.perf_counter()))
            else:
                relay.finished.emit(number, result, None, (began, time.perf_counter()))
            break


class OpRunner(QObject):
    """Runs the window's writes one at a time on one writer thread, in the order asked."""

    def __init__(self, window: QWidget, publish: Callable[[Changes], None],
                 damaged: Callable[[LibraryDamaged], None], on_start: Callable[[], None] | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.publish = publish
        self.damaged = damaged
        self._relay = _Relay(self)
        self._relay.finished.connect(self._finished)
        self._relay.waiting.connect(self._waiting)
        self._waited: set[int] = set()  # ops that waited for another program
        self._ops: dict[int, _Op] = {}
        self._next = 0
        self._closed = False
        self.last_timing: OpTiming | None = None  # of the last write that succeeded
        # One Python thread, not a QThreadPool: SQLite wants one writer, and the
        # library keeps one connection per Python thread (a pool thread gets a
        # new Python thread state, so a new connection, for every job).
        self._jobs: queue.SimpleQueue[tuple[int, Callable[[], Any]] | None] = queue.SimpleQueue()
        self._stop = threading.Event()  # set at quit: a write still waiting for another program gives up
        self._thread = threading.Thread(target=_writer, args=(self._jobs, self._relay, on_start, self._stop),
                                        name="lectern-writer",
                                        daemon=True)
        self._thread.start()

    def run(self, fn: Callable[[], Any], on_done: OnDone | None = None, on_error: OnError | None = None,
            title: str = "Not saved", what: str = "save this change") -> None:
        """Run the write `fn()` on the writer thread; then, on the GUI thread,
        publish the `Changes` it returned and call `on_done(result)`. A failure
        goes to `on_error` first (True: handled), else it is reported here:
        `title` and `what` ("could not <what>") word the message."""
        self._next += 1
        self._ops[self._next] = _Op(on_done, on_error, title, what, time.perf_counter())
        self._jobs.put((self._next, fn))

    def run_here(self, fn: Callable[[], Any]) -> Any:
        """Run a write on the calling (GUI) thread and publish its `Changes`
        like `run`; errors are raised to the caller. Only for the note editor,
        whose save must say at once whether the note is kept (see note_editor.py)."""
        result = fn()
        changes = changes_in(result)
        if changes is not None:
            self.publish(changes)
        return result

    def idle(self) -> bool:
        """True when every write asked for has finished and been published."""
        return not self._ops

    def wait_at_quit(self, msecs: int = 30000) -> bool:
        """Let queued writes finish (only when the window closes); their
        results are not shown any more: the window is gone."""
        if not self._closed:
            self._jobs.put(None)  # the thread ends after the writes queued before
        self._thread.join(msecs / 1000)
        self._stop.set()
        self._thread.join(1.0)
        done = not self._thread.is_alive()
        self._closed = True
        self._ops.clear()
        return done

    def _status(self, text: str | None, timeout: int = 0) -> None:
        """Show `text` in the window's status bar (None: clear the waiting message)."""
        bar = getattr(self.window, "statusBar", None)
        if bar is None:
            return
        if text is not None:
            bar().showMessage(text, timeout)
        elif bar().currentMessage() == WAITING:
            bar().clearMessage()

    def _waiting(self, number: int) -> None:
        if not self._closed:
            self._waited.add(number)
            self._status(WAITING)

    def waiting(self) -> bool:
        """True while a write waits for another program's lock."""
        return bool(self._waited)

    def _finished(self, number: int, result: Any, error: Exception | None, ran: tuple[float, float]) -> None:
        if self._closed:
            return
        handed_back = time.perf_counter()
        if number in self._waited:
            self._waited.discard(number)
            if not self._waited:
                self._status(None)
        op = self._ops.pop(number)
        if error is None:
            changes = changes_in(result)
            if changes is not None:
                self.publish(changes)
            self.last_timing = OpTiming(op.asked, *ran, handed_back, time.perf_counter())
            if op.on_done is not None:
                op.on_done(result)
        elif not (op.on_error is not None and op.on_error(error)):
            self.report(error, op.title, op.what)

    def report(self, error: Exception, title: str = "Not saved", what: str = "save this change") -> None:
        """Say what a failed write means: nothing of it was kept."""
        if isinstance(error, Cancelled):
            return
        if isinstance(error, EditError):
            warning(self.window, "Not changed", str(error))
        elif isinstance(error, LibraryDamaged):  # the damage path offers its backup
            self.damaged(error)
        elif isinstance(error, (sqlite3.Error, OSError, LibraryError)):  # full, read-only, locked
            warning(self.window, title, f"Lectern could not {what} ({error}).\n"
                    "Nothing was changed; what was saved before is intact. Free some disk space or "
                    "check the library folder's permissions, then try again.")
        else:
            warning(self.window, title, f"Lectern could not {what} ({error}). Nothing was changed.")
