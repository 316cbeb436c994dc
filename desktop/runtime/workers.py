"""Running core work off the GUI thread and posting results back to it.
`LatestOnly` drops results that a newer request has superseded, and cancels
the superseded work (a running SQLite query is interrupted)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from lectern.core.domain.changes import Cancelled, CancelToken


class _Relay(QObject):
    done = Signal(int, object, object)  # generation, result, error
    partial = Signal(int, object)


class Job:
    """What a worker function gets: `post(partial)` to show an early result,
    and `cancel`, set when a newer request supersedes this one."""

    def __init__(self, relay: _Relay, generation: int) -> None:
        self._relay = relay
        self.generation = generation
        self.cancel = CancelToken()

    def post(self, partial: Any) -> None:
        self._relay.partial.emit(self.generation, partial)


class _Runnable(QRunnable):
    def __init__(self, job: Job, relay: _Relay, fn: Callable[[Job], Any]) -> None:
        super().__init__()
        self.job, self.relay, self.fn = job, relay, fn

    def run(self) -> None:
        try:
            result = self.fn(self.job)
        except Cancelled:
            return
        except Exception as exc:  # posted to the GUI thread, which decides what to show
            self.relay.done.emit(self.job.generation, None, exc)
        else:
            self.relay.done.emit(self.job.generation, result, None)


class LatestOnly(QObject):
    """Runs `fn(job)` on a worker thread; only the newest request's outcome
    reaches `on_result`/`on_error` (and `on_partial`) on the GUI thread."""

    finished = Signal()

    def __init__(self, on_result: Callable[[Any], None], on_error: Callable[[Exception], None],
                 parent: QObject | None = None, on_partial: Callable[[Any], None] | None = None) -> None:
        super().__init__(parent)
        # No parent: a job still running when the window is deleted keeps its relay
        # alive (the job holds it), and Qt drops the connection to the deleted receiver.
        self._relay = _Relay()
        self._relay.done.connect(self._deliver)
        self._relay.partial.connect(self._deliver_partial)
        self._on_result = on_result
        self._on_error = on_error
        self._on_partial = on_partial
        self._job: Job | None = None
        self._delivered = True
        self._closed = False
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        # Its one thread lives as long as the window: an idle thread that expired was
        # replaced by a new one, with a new SQLite connection the library keeps open.
        self.pool.setExpiryTimeout(-1)

    def submit(self, fn: Callable[[Job], Any]) -> int:
        """Run `fn` on the worker (cancelling the older request); 0 and nothing
        run once `close()` was called."""
        if self._closed:
            return 0
        if self._job is not None:
            self._job.cancel.cancel()
        self._job = Job(self._relay, (self._job.generation + 1) if self._job else 1)
        self._delivered = False
        self.pool.clear()  # queued (not started) stale requests never run
        self.pool.start(_Runnable(self._job, self._relay, fn))
        return self._job.generation

    def _current(self, generation: int) -> bool:
        return self._job is not None and generation == self._job.generation

    def _deliver_partial(self, generation: int, partial: Any) -> None:
        if not self._closed and self._current(generation) and self._on_partial is not None:
            self._on_partial(partial)

    def _deliver(self, generation: int, result: Any, error: Exception | None) -> None:
        if not self._current(generation):
            return
        self._delivered = True
        if self._closed:
            return  # the job is over, but the window is gone and its library may be closed too
        if error is not None:
            self._on_error(error)
        else:
            self._on_result(result)
        self.finished.emit()

    def busy(self) -> bool:
        """True while the newest request's outcome has not reached the GUI thread."""
        return not self._delivered

    def close(self, msecs: int = 30000) -> bool:
        """The window is closing: take no more work, and let the running job end."""
        self._closed = True
        if self._job is not None:
            self._job.cancel.cancel()
        self.pool.clear()
        return self.pool.waitForDone(msecs)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the work is done: only at quit (the GUI thread never waits on a worker)."""
        return self.pool.waitForDone(msecs)


class ProgressRelay(QObject):
    """Carries core `Progress` reports from a worker thread to the GUI thread."""

    progressed = Signal(object)

    def report(self, progress: object) -> None:
        self.progressed.emit(progress)
